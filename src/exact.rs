//! The exact densities `p*(x)` of the data sets where they have a closed form or a fast
//! 1-D integral: 8gaussians (a mixture), checkerboard (uniform on squares), rings and
//! circles (a ring blurred by Gaussian noise, through the Bessel function `I0`) and moons
//! (a quadrature along each arc). Pinwheel, 2spirals and swissroll have none here.

use crate::data::{
    eight_gaussians_centres, moon_arc, DataSet, CIRCLES, EIGHT_GAUSSIANS_SIGMA, MOONS_NOISE, RINGS,
};
use std::f64::consts::PI;

/// Simpson intervals per moon arc (even; spacing 0.1 against a noise of 0.2 after scaling:
/// the tests hold the log-density to a 20,000-node quadrature within 2e-3).
const MOON_INTERVALS: usize = 64;

impl DataSet {
    /// The exact `log p*(x)` where arflow knows it (see the module), else `None`.
    pub fn exact_log_prob(self, x: [f64; 2]) -> Option<f64> {
        match self {
            DataSet::EightGaussians => Some(eight_gaussians_log_prob(x)),
            DataSet::Checkerboard => Some(checkerboard_log_prob(x)),
            DataSet::Rings => Some(blurred_rings_log_prob(x, &RINGS.0, RINGS.1)),
            DataSet::Circles => Some(blurred_rings_log_prob(x, &CIRCLES.0, CIRCLES.1)),
            DataSet::Moons => Some(moons_log_prob(x)),
            _ => None,
        }
    }

    /// Whether [`Self::exact_log_prob`] knows this data set.
    pub fn has_exact_density(self) -> bool {
        self.exact_log_prob([0.0, 0.0]).is_some()
    }
}

/// `log sum exp` of a few terms.
fn log_sum_exp(terms: &[f64]) -> f64 {
    let m = terms.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + terms.iter().map(|t| (t - m).exp()).sum::<f64>().ln()
}

/// `log p(x) = logsumexp_k(-|x - c_k/1.414|^2 / 2 sigma^2) - ln 8 - ln(2 pi sigma^2)`.
fn eight_gaussians_log_prob(x: [f64; 2]) -> f64 {
    let s2 = EIGHT_GAUSSIANS_SIGMA * EIGHT_GAUSSIANS_SIGMA;
    let terms = eight_gaussians_centres().map(|c| {
        let dx = x[0] - c[0] / 1.414;
        let dy = x[1] - c[1] / 1.414;
        -(dx * dx + dy * dy) / (2.0 * s2)
    });
    log_sum_exp(&terms) - 8f64.ln() - (2.0 * PI * s2).ln()
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
    log_sum_exp(&terms) - (radii.len() as f64).ln() - (2.0 * PI * s2).ln()
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

/// Half the mass on each moon: `(1 / pi) int_0^pi N(x; 2 arc(a) + (-1, -0.2), (2 * 0.1)^2 I) da`
/// by Simpson's rule on [`MOON_INTERVALS`] intervals.
fn moons_log_prob(x: [f64; 2]) -> f64 {
    let sigma = 2.0 * MOONS_NOISE;
    let s2 = sigma * sigma;
    let n = MOON_INTERVALS;
    let terms: Vec<f64> = [false, true]
        .into_iter()
        .flat_map(|inner| {
            (0..=n).map(move |k| {
                let a = PI * k as f64 / n as f64;
                let [cx, cy] = moon_arc(inner, a);
                let (dx, dy) = (x[0] - (2.0 * cx - 1.0), x[1] - (2.0 * cy - 0.2));
                let weight: f64 = match k {
                    0 => 1.0,
                    k if k == n => 1.0,
                    k if k % 2 == 1 => 4.0,
                    _ => 2.0,
                };
                weight.ln() - (dx * dx + dy * dy) / (2.0 * s2)
            })
        })
        .collect();
    // Each arc's weights sum to 3n: the mean over a is (1 / 3n) sum w f, half per arc.
    log_sum_exp(&terms) - (6.0 * n as f64).ln() - (2.0 * PI * s2).ln()
}
