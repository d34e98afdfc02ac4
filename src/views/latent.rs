//! The data seen from the prior: `z = T^-1(x)` should be `N(0, I)`, and `u = Phi(z)`
//! uniform on `(0, 1)^D`, since an autoregressive flow is a conditional CDF,
//! `u_i = F_i(x_i | x_<i)`. How uniform `u` is, as the largest Kolmogorov-Smirnov distance
//! of its marginals, and the marginal histograms the view draws.

use crate::flow::Flow;
use crate::numeric::stats::sort_floats;

/// The standard normal CDF `Phi(z) = erfc(-z / sqrt 2) / 2` (accurate in both tails).
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// The distance `sup_u |F_n(u) - u|` of the empirical CDF of `values` from the uniform
/// one on `(0, 1)`; non-finite values count as misses (distance grows).
pub fn ks_uniform(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values
        .iter()
        .map(|&u| if u.is_finite() { u } else { 2.0 })
        .collect();
    if v.is_empty() {
        return f64::NAN;
    }
    sort_floats(&mut v);
    let n = v.len() as f64;
    v.iter()
        .enumerate()
        .map(|(i, &u)| {
            let u = u.clamp(0.0, 1.0);
            (u - i as f64 / n).max((i + 1) as f64 / n - u)
        })
        .fold(0.0, f64::max)
}

/// Column `j` of row-major `n x d` values, in f64.
pub fn column(points: &[f32], d: usize, j: usize) -> Vec<f64> {
    points
        .iter()
        .skip(j)
        .step_by(d)
        .map(|&v| v as f64)
        .collect()
}

/// A histogram of `values` on `bins` equal bins over `[lo, hi]`, as a density (it
/// integrates to the fraction of values inside).
pub fn histogram(values: &[f64], lo: f64, hi: f64, bins: usize) -> Vec<f64> {
    let mut counts = vec![0.0; bins];
    let width = (hi - lo) / bins as f64;
    for &v in values {
        let b = ((v - lo) / width).floor();
        if (0.0..bins as f64).contains(&b) {
            counts[b as usize] += 1.0;
        }
    }
    let scale = 1.0 / (values.len().max(1) as f64 * width);
    counts.iter().map(|c| c * scale).collect()
}

/// Points seen in data space, latent space and the unit square.
#[derive(Debug, Clone, PartialEq)]
pub struct LatentView {
    /// The points `x`, `n x D`.
    pub x: Vec<f32>,
    /// `z = T^-1(x)`.
    pub z: Vec<f32>,
    /// `u = Phi(z)`, coordinate by coordinate.
    pub u: Vec<f32>,
    /// The Kolmogorov-Smirnov distance of each marginal of `u` from the uniform.
    pub ks: Vec<f64>,
}

impl LatentView {
    /// The view of `x` (`n x D`) through `flow`.
    pub fn new(flow: &Flow, x: &[f32]) -> LatentView {
        let d = flow.dim();
        let z = flow.to_prior_points(x);
        let u: Vec<f32> = z.iter().map(|&v| normal_cdf(v as f64) as f32).collect();
        let ks = (0..d)
            .map(|j| {
                ks_uniform(
                    &column(&z, d, j)
                        .into_iter()
                        .map(normal_cdf)
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        LatentView {
            x: x.to_vec(),
            z,
            u,
            ks,
        }
    }

    /// The largest marginal distance: how far `u` is from uniform.
    pub fn ks_max(&self) -> f64 {
        self.ks.iter().cloned().fold(0.0, f64::max)
    }

    /// What the largest of `D` marginal distances stays under 95 % of the time when `u` is
    /// uniform (each marginal at `1 - 0.05 / D`, a Bonferroni bound; `D = 2`: 1.48 / sqrt n).
    pub fn ks_threshold(&self) -> f64 {
        let d = self.ks.len().max(1) as f64;
        let n = (self.x.len() as f64 / d).max(1.0);
        // The asymptotic Kolmogorov tail, P(sqrt(n) D_n > c) ~ 2 exp(-2 c^2) (1.358 at 5 %).
        // It errs on the safe side for small n: 1.3 % above the exact quantile at n = 100,
        // 5 % above at n = 10, so uniform draws stay under it slightly more often than 95 %.
        let alpha = 0.05 / d;
        let c = ((2.0 / alpha).ln() / 2.0).sqrt();
        c / n.sqrt()
    }
}
