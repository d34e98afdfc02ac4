//! The exact densities `p*(x)` of the data sets where they have a closed form or a fast
//! 1-D integral: 8gaussians (a mixture), checkerboard (uniform on squares), rings and
//! circles (a ring blurred by Gaussian noise, through the Bessel function `I0`), moons and
//! swissroll (a curve blurred by Gaussian noise: a quadrature along it). Pinwheel (a warped
//! Gaussian: its density needs a root per point) and 2spirals (box and Gaussian noise on a
//! spiral: four error functions per node) have none here.

use super::curve::{moons_log_prob, swiss_roll_log_prob, Marginal};
use crate::data::{eight_gaussians_centres, DataSet, CIRCLES, EIGHT_GAUSSIANS_SIGMA, RINGS};
use crate::numeric::stats::log_sum_exp;
use std::f64::consts::PI;

impl DataSet {
    /// The exact `log p*(x)` where arflow knows it (see the module), else `None`.
    pub fn exact_log_prob(self, x: [f64; 2]) -> Option<f64> {
        match self {
            DataSet::EightGaussians => Some(eight_gaussians_log_prob(x)),
            DataSet::Checkerboard => Some(checkerboard_log_prob(x)),
            DataSet::Rings => Some(blurred_rings_log_prob(x, &RINGS.0, RINGS.1)),
            DataSet::Circles => Some(blurred_rings_log_prob(x, &CIRCLES.0, CIRCLES.1)),
            DataSet::Moons | DataSet::SwissRoll => self.curve().map(|f| f(x.map(Some)).0),
            _ => None,
        }
    }

    /// Moons' and swissroll's `log p*` and its gradient, with the coordinates that are
    /// `None` integrated out; `None` for the other data sets.
    fn curve(self) -> Option<Marginal> {
        match self {
            DataSet::Moons => Some(moons_log_prob),
            DataSet::SwissRoll => Some(swiss_roll_log_prob),
            _ => None,
        }
    }

    /// The exact marginal `log p*(x_axis = v)` at each of `values`, where it is a 1-D
    /// integral of its own (moons and swissroll: the same quadrature along the curve with
    /// the other coordinate integrated out), else `None` (a grid integrates the 2-D
    /// density instead).
    pub fn exact_marginal_log_probs(self, axis: usize, values: &[f32]) -> Option<Vec<f64>> {
        let curve = self.curve()?;
        let at = |v: f32| {
            let mut x = [None; 2];
            x[axis] = Some(v as f64);
            curve(x).0
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

    /// [`Self::exact_log_prob`] and its gradient: moons' and swissroll's from their
    /// quadrature (`src/data/curve.rs`), the others' by central differences (step 1e-5: the
    /// densities are smooth on a scale of 0.1, so the error is below 1e-6 of the gradient).
    pub fn exact_log_prob_gradient(self, x: [f64; 2]) -> Option<(f64, [f64; 2])> {
        const H: f64 = 1e-5;
        if let Some(curve) = self.curve() {
            return Some(curve(x.map(Some)));
        }
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
