//! The exact densities `p*(x)` of the data sets where they have a closed form or a fast
//! 1-D integral: 8gaussians (a mixture), checkerboard (uniform on squares), rings and
//! circles (a ring blurred by Gaussian noise, through the Bessel function `I0`), moons and
//! swissroll (a curve blurred by Gaussian noise: a quadrature along it). Pinwheel (a warped
//! Gaussian: its density needs a root per point) and 2spirals (box and Gaussian noise on a
//! spiral: four error functions per node) have none here.

use crate::data::{
    eight_gaussians_centres, moon_arc, DataSet, CIRCLES, EIGHT_GAUSSIANS_SIGMA, MOONS_NOISE, RINGS,
};
use crate::numeric::stats::log_sum_exp;
use std::f64::consts::PI;

/// Simpson intervals per moon arc (even; spacing 0.1 against a noise of 0.2 after scaling,
/// refined near each peak: the tests hold the log-density to a 20,000-node quadrature
/// within 2e-3 at 20,000 draws and on a grid over `[-4.5, 4.5]^2`, tails included: 2.5e-4).
const MOON_INTERVALS: usize = 64;
/// Simpson intervals along the swiss roll (spacing at most 0.14 where the roll is fastest,
/// against a noise of 0.2; held to the same quadrature as moons: 1.0e-3).
const ROLL_INTERVALS: usize = 192;

impl DataSet {
    /// The exact `log p*(x)` where arflow knows it (see the module), else `None`.
    pub fn exact_log_prob(self, x: [f64; 2]) -> Option<f64> {
        match self {
            DataSet::EightGaussians => Some(eight_gaussians_log_prob(x)),
            DataSet::Checkerboard => Some(checkerboard_log_prob(x)),
            DataSet::Rings => Some(blurred_rings_log_prob(x, &RINGS.0, RINGS.1)),
            DataSet::Circles => Some(blurred_rings_log_prob(x, &CIRCLES.0, CIRCLES.1)),
            DataSet::Moons => Some(moons_log_prob(x.map(Some))),
            DataSet::SwissRoll => Some(swiss_roll_log_prob(x.map(Some))),
            _ => None,
        }
    }

    /// The exact marginal `log p*(x_axis = v)` at each of `values`, where it is a 1-D
    /// integral of its own (moons and swissroll: the same quadrature along the curve with
    /// the other coordinate integrated out), else `None` (a grid integrates the 2-D
    /// density instead).
    pub fn exact_marginal_log_probs(self, axis: usize, values: &[f32]) -> Option<Vec<f64>> {
        let f: fn([Option<f64>; 2]) -> f64 = match self {
            DataSet::Moons => moons_log_prob,
            DataSet::SwissRoll => swiss_roll_log_prob,
            _ => return None,
        };
        let at = |v: f32| {
            let mut x = [None; 2];
            x[axis] = Some(v as f64);
            f(x)
        };
        Some(values.iter().map(|&v| at(v)).collect())
    }

    /// [`Self::exact_log_prob`] at row-major points `n x 2` (NaN where it is not known).
    pub fn exact_log_probs(self, points: &[f32]) -> Vec<f64> {
        points
            .chunks(2)
            .map(|p| {
                self.exact_log_prob([p[0] as f64, p[1] as f64])
                    .unwrap_or(f64::NAN)
            })
            .collect()
    }

    /// [`Self::exact_log_prob`] and its gradient by central differences (step 1e-5: the
    /// densities are smooth on a scale of 0.1, so the error is below 1e-6 of the gradient).
    pub fn exact_log_prob_gradient(self, x: [f64; 2]) -> Option<(f64, [f64; 2])> {
        const H: f64 = 1e-5;
        let at = |dx: f64, dy: f64| self.exact_log_prob([x[0] + dx, x[1] + dy]);
        let d0 = (at(H, 0.0)? - at(-H, 0.0)?) / (2.0 * H);
        let d1 = (at(0.0, H)? - at(0.0, -H)?) / (2.0 * H);
        Some((at(0.0, 0.0)?, [d0, d1]))
    }

    /// Whether the exact density is known and positive everywhere, so that reverse KL can
    /// train against it (checkerboard's is zero off its squares, where every flow puts
    /// mass: `KL(q || p*)` is infinite for all of them).
    pub fn has_smooth_density(self) -> bool {
        self.has_exact_density() && self != DataSet::Checkerboard
    }

    /// Whether [`Self::exact_log_prob`] knows this data set.
    pub fn has_exact_density(self) -> bool {
        self.exact_log_prob([0.0, 0.0]).is_some()
    }
}

/// `log p(x) = logsumexp_k(-|x - c_k/1.414|^2 / 2 sigma^2) - ln 8 - ln(2 pi sigma^2)`.
fn eight_gaussians_log_prob(x: [f64; 2]) -> f64 {
    let s2 = EIGHT_GAUSSIANS_SIGMA * EIGHT_GAUSSIANS_SIGMA;
    let terms = eight_gaussians_centres().map(|c| {
        let dx = x[0] - c[0] / 1.414;
        let dy = x[1] - c[1] / 1.414;
        -(dx * dx + dy * dy) / (2.0 * s2)
    });
    log_sum_exp(terms.iter().copied()) - 8f64.ln() - (2.0 * PI * s2).ln()
}

/// `ln(1/32)` on the 8 squares (where `floor(x1/2) + floor(x2/2)` is even inside
/// `[-4, 4)^2`), `-inf` elsewhere.
fn checkerboard_log_prob(x: [f64; 2]) -> f64 {
    let (a, b) = (x[0] / 2.0, x[1] / 2.0);
    let inside = (-2.0..2.0).contains(&a) && (-2.0..2.0).contains(&b);
    if inside && (a.floor() + b.floor()).rem_euclid(2.0) == 0.0 {
        -(32f64.ln())
    } else {
        f64::NEG_INFINITY
    }
}

/// Equal shares of rings of radius `3 r` (uniform angle) plus `N(0, sigma^2 I)`: each is
/// `exp(-(rho^2 + R^2) / 2 sigma^2) I0(rho R / sigma^2) / (2 pi sigma^2)`, written with
/// the scaled `e^-t I0(t)` so that nothing overflows.
fn blurred_rings_log_prob(x: [f64; 2], radii: &[f64], sigma: f64) -> f64 {
    let rho = x[0].hypot(x[1]);
    let s2 = sigma * sigma;
    let terms: Vec<f64> = radii
        .iter()
        .map(|r| {
            let big_r = 3.0 * r;
            -(rho - big_r).powi(2) / (2.0 * s2) + scaled_i0(rho * big_r / s2).ln()
        })
        .collect();
    log_sum_exp(terms.iter().copied()) - (radii.len() as f64).ln() - (2.0 * PI * s2).ln()
}

/// `e^-t I0(t)` for `t >= 0`: Abramowitz & Stegun 9.8.1 and 9.8.2 (relative error below
/// 2e-7).
pub fn scaled_i0(t: f64) -> f64 {
    if t <= 3.75 {
        let y = (t / 3.75).powi(2);
        let c = [
            1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813,
        ];
        (-t).exp() * c.iter().rev().fold(0.0, |acc, c| acc * y + c)
    } else {
        let y = 3.75 / t;
        let c = [
            0.39894228,
            0.01328592,
            0.00225319,
            -0.00157565,
            0.00916281,
            -0.02057706,
            0.02635537,
            -0.01647633,
            0.00392377,
        ];
        c.iter().rev().fold(0.0, |acc, c| acc * y + c) / t.sqrt()
    }
}

/// How many times finer the nodes are near a peak of the integrand: far from the curve,
/// past one of its ends or outside a bend, the integrand falls off within a fraction of a
/// coarse interval (at distance 3 past the roll's end, by e in 0.004 of `t`), which coarse
/// nodes alone miss by up to 0.85 nats.
const REFINE: usize = 24;
/// Coarse nodes refined either side of a peak: the narrowest peaks (outside a bend) are
/// about one coarse interval wide, so this holds 4 of their widths.
const NEAR: usize = 4;
/// A local peak this many nats below the highest is refined too (its share is then below
/// e^-30 of the total); a curve can have a peak at an end and one mid-way, as the roll's
/// outer end and the turn beside it have.
const PEAKS_WITHIN: f64 = 30.0;

/// `log` of the mean over `t ~ U(t0, t1)` of `N(x; c(t), sigma^2 I)`: a curve blurred by
/// isotropic noise, by Simpson's rule on `n` (even) intervals in log space, each panel of
/// two intervals within [`NEAR`] nodes of a peak of the integrand [`REFINE`] times finer.
/// A coordinate of `x` that is `None` is integrated out: the noise is independent per
/// coordinate, so the marginal of the others is the same mean over their 1-D normals.
fn along_curve(
    x: [Option<f64>; 2],
    c: impl Fn(f64) -> [f64; 2],
    (t0, t1): (f64, f64),
    sigma: f64,
    n: usize,
) -> f64 {
    let s2 = sigma * sigma;
    let log_n = |t: f64| {
        let p = c(t);
        let sq = |x: Option<f64>, c: f64| x.map_or(0.0, |x| (x - c) * (x - c));
        -(sq(x[0], p[0]) + sq(x[1], p[1])) / (2.0 * s2)
    };
    let dims = x.iter().flatten().count() as f64;
    let h = (t1 - t0) / n as f64;
    let at = |k: f64| t0 + h * k;
    let coarse: Vec<f64> = (0..=n).map(|k| log_n(at(k as f64))).collect();
    let top = coarse.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    // Panels (pairs of intervals) near a local peak, the ends included.
    let mut fine = vec![false; n / 2];
    for k in 0..=n {
        let rises = k == 0 || coarse[k] >= coarse[k - 1];
        let falls = k == n || coarse[k] >= coarse[k + 1];
        if rises && falls && coarse[k] > top - PEAKS_WITHIN {
            let panels = k.saturating_sub(NEAR) / 2..((k + NEAR) / 2 + 1).min(n / 2);
            fine[panels].iter_mut().for_each(|f| *f = true);
        }
    }
    let panels = (0..n / 2).map(|j| {
        let k = 2 * j;
        if fine[j] {
            let m = 2 * REFINE;
            let l: Vec<f64> = (0..=m)
                .map(|i| log_n(at(k as f64 + i as f64 / REFINE as f64)))
                .collect();
            log_simpson(&l, h / REFINE as f64)
        } else {
            log_simpson(&coarse[k..=k + 2], h)
        }
    });
    log_sum_exp(panels.collect::<Vec<_>>().into_iter())
        - (t1 - t0).ln()
        - dims / 2.0 * (2.0 * PI * s2).ln()
}

/// Simpson's rule in log space: `ln((h / 3) sum w_k exp(l_k))` over equally spaced values
/// `l` (an even number of intervals of width `h`).
fn log_simpson(l: &[f64], h: f64) -> f64 {
    let n = l.len() - 1;
    let terms = l.iter().enumerate().map(|(k, v)| {
        let w: f64 = match k {
            0 => 1.0,
            _ if k == n => 1.0,
            _ if k % 2 == 1 => 4.0,
            _ => 2.0,
        };
        w.ln() + v
    });
    log_sum_exp(terms) + (h / 3.0).ln()
}

/// Half the mass on each moon: `2 arc(a) + (-1, -0.2)`, `a ~ U(0, pi)`, noise `2 * 0.1`.
fn moons_log_prob(x: [Option<f64>; 2]) -> f64 {
    let arcs = [false, true].map(|inner| {
        let c = |a: f64| {
            let [cx, cy] = moon_arc(inner, a);
            [2.0 * cx - 1.0, 2.0 * cy - 0.2]
        };
        along_curve(x, c, (0.0, PI), 2.0 * MOONS_NOISE, MOON_INTERVALS)
    });
    log_sum_exp(arcs.iter().copied()) - 2f64.ln()
}

/// The roll `(t cos t, t sin t) / 5`, `t ~ U(1.5 pi, 4.5 pi)`, noise `1 / 5`.
fn swiss_roll_log_prob(x: [Option<f64>; 2]) -> f64 {
    let c = |t: f64| [t * t.cos() / 5.0, t * t.sin() / 5.0];
    along_curve(x, c, (1.5 * PI, 4.5 * PI), 0.2, ROLL_INTERVALS)
}
