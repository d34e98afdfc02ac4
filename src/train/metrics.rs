//! Read-outs of how close a model is: importance-weighted estimates from samples, and exact
//! divergences on a grid. All sums skip non-finite terms and say how many they skipped.

use crate::numeric::grid::Density;
use crate::numeric::stats::{log_sum_exp, TailFit};

/// A Monte Carlo mean and its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The mean.
    pub value: f64,
    /// `sd / sqrt(n)`, the variance taking each tail as its fitted generalized Pareto
    /// distribution ([`TailFit`]: a heavy tail's rare large terms are missing from most
    /// samples, and the plain sample variance is then optimistic). NaN for fewer than two
    /// terms.
    pub se: f64,
    /// Terms averaged (the finite ones); `value` is `+inf` if any term was not finite.
    pub n: usize,
    /// The fitted shape of the terms' heavier tail (NaN for fewer than 50 terms): from 1/2
    /// the terms' variance is infinite and `se` (the sample's) does not hold: see
    /// [`Self::heavy`].
    pub tail: f64,
    /// What terms beyond the largest seen would add to [`Self::value`], as the fitted upper
    /// tail expects ([`TailFit::beyond`]): how low a heavy tail's estimate typically is.
    pub beyond: f64,
}

impl Estimate {
    /// The mean and standard error of `terms`.
    pub fn of(terms: &[f64]) -> Estimate {
        let finite: Vec<f64> = terms.iter().copied().filter(|v| v.is_finite()).collect();
        let n = finite.len() as f64;
        let mean = finite.iter().sum::<f64>() / n;
        let fit = TailFit::of(&finite);
        Estimate {
            value: if finite.len() < terms.len() {
                f64::INFINITY
            } else {
                mean
            },
            se: (fit.variance / n).sqrt(),
            n: finite.len(),
            tail: fit.shape,
            beyond: fit.beyond,
        }
    }

    /// Whether the terms' tail is so heavy (fitted shape 1/2 or more) that their variance
    /// is infinite: the mean is then typically below the true one, and no standard error
    /// holds.
    pub fn heavy(&self) -> bool {
        self.tail >= 0.5
    }
}

/// What samples from `q` say about an unnormalised target `p~`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleEstimate {
    /// `E_q[log q - log p~]`, the reverse-KL loss (= `KL(q || p) - log Z`); `+inf` when
    /// any sample's `log q` or `log p~` is not finite (as forward KL's NLL is then).
    pub loss: f64,
    /// The standard error of [`Self::loss`]: `sd(log q - log p~) / sqrt(n)`.
    pub loss_se: f64,
    /// `ln Z ~ ln mean_i exp(log p~_i - log q_i)`, importance sampling over the finite ones.
    pub log_z: f64,
    /// Effective sample size of the weights `w = p~ / q`, as a fraction of `n`:
    /// `(sum w)^2 / (n sum w^2)`, 1 for a perfect model (over the finite ones).
    pub ess: f64,
    /// Samples drawn.
    pub n: usize,
    /// Samples whose `log q` or `log p~` was not finite.
    pub non_finite: usize,
}

/// The share of the target's mass the model covers, `integral min(p*, q) = 1 - TV(p*, q)`,
/// from draws `x_i ~ p*` with their normalised `log p*`: the mean of `min(1, q / p*)`. The
/// ESS cannot see mass the model misses (its samples never go there); this can, and it is
/// bounded, so its standard error holds.
pub fn coverage(log_q: &[f32], log_p: &[f64]) -> Estimate {
    let terms: Vec<f64> = log_q
        .iter()
        .zip(log_p)
        .map(|(&q, &p)| {
            if q.is_finite() {
                (q as f64 - p).min(0.0).exp()
            } else {
                0.0
            }
        })
        .collect();
    Estimate::of(&terms)
}

/// Estimates from `log q(x_i)` and `log p~(x_i)` on samples `x_i ~ q`.
pub fn sample_estimate(log_q: &[f32], log_p: &[f32]) -> SampleEstimate {
    let pairs: Vec<(f64, f64)> = log_q
        .iter()
        .zip(log_p)
        .map(|(&q, &p)| (q as f64, p as f64))
        .filter(|(q, p)| q.is_finite() && p.is_finite())
        .collect();
    let n = pairs.len() as f64;
    let log_w = pairs.iter().map(|(q, p)| p - q);
    let lse = log_sum_exp(log_w.clone());
    let lse2 = log_sum_exp(log_w.clone().map(|w| 2.0 * w));
    let terms: Vec<f64> = log_q
        .iter()
        .zip(log_p)
        .map(|(&q, &p)| q as f64 - p as f64)
        .collect();
    let loss = Estimate::of(&terms);
    let non_finite = log_q.len() - pairs.len();
    SampleEstimate {
        loss: loss.value,
        loss_se: loss.se,
        log_z: lse - n.ln(),
        ess: (2.0 * lse - lse2).exp() / n,
        n: log_q.len(),
        non_finite,
    }
}

/// `ln Z = ln sum p~ * cell area` of an unnormalised density on a grid.
pub fn log_normaliser(log_unnormalised: &Density) -> f64 {
    let area = log_unnormalised.grid.dx() as f64 * log_unnormalised.grid.dy() as f64;
    log_sum_exp(log_unnormalised.log_p.iter().map(|&v| v as f64)) + area.ln()
}

/// `KL(a || b) = sum a (ln a - ln b) * cell area` for two normalised log-densities on the
/// same grid. Cells where `a = 0` add nothing; a cell where `a > 0` and `b` is zero or not
/// finite makes the divergence infinite.
pub fn kl_on_grid(log_a: &Density, log_b: &Density) -> f64 {
    let area = log_a.grid.dx() as f64 * log_a.grid.dy() as f64;
    let mut sum = 0.0;
    for (&a, &b) in log_a.log_p.iter().zip(&log_b.log_p) {
        let (a, b) = (a as f64, b as f64);
        if !a.is_finite() {
            continue;
        }
        if !b.is_finite() {
            return f64::INFINITY;
        }
        sum += a.exp() * (a - b);
    }
    sum * area
}
