//! Unnormalised 2-D targets `p~(z) = exp(-U(z))` of Rezende & Mohamed (2015, Table 1), for
//! reverse-KL training. Written once with tensor ops, so the same code gives values for the
//! picture and gradients for training.
//!
//! `w1 = sin(2 pi z1 / 4)`, `w2 = 3 exp(-((z1 - 1)/0.6)^2 / 2)`, `w3 = 3 sigmoid((z1 - 1)/0.3)`.

use crate::numeric::tensor::{column, device, matrix, row_sum, Col, Dev, Mat};
use crate::{Error, Result};
use dfdx::prelude::*;

/// An energy target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// `U1 = ((|z| - 2)/0.4)^2 / 2 - ln(exp(-((z1-2)/0.6)^2/2) + exp(-((z1+2)/0.6)^2/2))`.
    U1,
    /// `U2 = ((z2 - w1)/0.4)^2 / 2`, restricted to `[-4, 4]^2`.
    U2,
    /// `U3 = -ln(exp(-((z2-w1)/0.35)^2/2) + exp(-((z2-w1+w2)/0.35)^2/2))`, restricted.
    U3,
    /// `U4 = -ln(exp(-((z2-w1)/0.4)^2/2) + exp(-((z2-w1+w3)/0.35)^2/2))`, restricted.
    U4,
}

/// Half-width of the box that makes U2-U4 normalisable.
pub const BOX: f32 = 4.0;
/// Outside the box, `U += sum_i ((|z_i| - 4)_+ / BOX_SOFTNESS)^2 / 2`: a steep wall.
pub const BOX_SOFTNESS: f32 = 0.05;

impl Target {
    /// Every target.
    pub const ALL: [Target; 4] = [Target::U1, Target::U2, Target::U3, Target::U4];

    /// The short name used in URLs and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Target::U1 => "u1",
            Target::U2 => "u2",
            Target::U3 => "u3",
            Target::U4 => "u4",
        }
    }

    /// The target called `name`.
    pub fn from_name(name: &str) -> Result<Target> {
        Target::ALL
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| Error::Unknown("target", name.to_string()))
    }

    /// `ln Z = ln int exp(-U(z)) dz` over the whole plane, wall included: the normaliser
    /// of the target the flow is trained on. Tabulated like the data entropies; the test
    /// `log_z_is_the_converged_integral_of_the_walled_target` recomputes each in f64 with
    /// another quadrature on `[-5, 5]^2` and `[-6, 6]^2` and holds it to 1e-4. (The wall
    /// leaves 1.5-2 % of U2-U4's mass outside the box, so a box-only sum reads low.)
    pub fn log_z(self) -> f64 {
        match self {
            Target::U1 => 1.877502,
            Target::U2 => 2.097634,
            Target::U3 => 2.657250,
            Target::U4 => 2.705163,
        }
    }

    /// Whether the wall at `|z_i| = 4` is part of the target (it is not normalisable without).
    pub fn boxed(self) -> bool {
        self != Target::U1
    }

    /// `U(z)` per row of an `(n, 2)` batch.
    pub fn energy<T: Tape<f32, Dev>>(self, z: Mat<T>) -> Col<T> {
        // A fresh column per use: each carries its own op to the result, so every use of
        // z1 or z2 sends its gradient back to z.
        let z1 = || column(z.with_empty_tape(), 0);
        let z2 = || column(z.with_empty_tape(), 1);
        let w1 = || (z1() * (std::f32::consts::PI / 2.0)).sin();
        let gauss = |v: Mat<T>, sd: f32| (v / sd).square() * -0.5;
        let u = match self {
            Target::U1 => {
                let r = ((z1().square() + z2().square()) + 1e-12).sqrt();
                let ring = gauss(r - 2.0, 0.4) * -1.0;
                let left = gauss(z1() - 2.0, 0.6);
                let right = gauss(z1() + 2.0, 0.6);
                ring - log_add_exp(left, right)
            }
            Target::U2 => gauss(z2() - w1(), 0.4) * -1.0,
            Target::U3 => {
                let w2 = gauss(z1() - 1.0, 0.6).exp() * 3.0;
                let a = gauss(z2() - w1(), 0.35);
                let b = gauss(z2() - w1() + w2, 0.35);
                log_add_exp(a, b).negate()
            }
            Target::U4 => {
                let w3 = ((z1() - 1.0) / 0.3).sigmoid() * 3.0;
                let a = gauss(z2() - w1(), 0.4);
                let b = gauss(z2() - w1() + w3, 0.35);
                log_add_exp(a, b).negate()
            }
        };
        // The original tape of `z` joins here, so every branch above reaches the result.
        let wall = (z.abs() - BOX).relu() / BOX_SOFTNESS;
        let wall = wall.square() * if self.boxed() { 0.5 } else { 0.0 };
        row_sum(u) + row_sum(wall)
    }

    /// The normalised `log p(z) = -U(z) - ln Z` for row-major points `n x 2`, in f64.
    pub fn log_normalised(self, points: &[f32]) -> Vec<f64> {
        let log_z = self.log_z();
        self.log_unnormalised(points)
            .iter()
            .map(|&l| l as f64 - log_z)
            .collect()
    }

    /// `log p~(z) = -U(z)` for row-major points `n x 2`, no tape.
    pub fn log_unnormalised(self, points: &[f32]) -> Vec<f32> {
        let dev = device(0);
        self.energy(matrix(&dev, points.to_vec(), 2))
            .negate()
            .as_vec()
    }
}

/// `ln(exp(a) + exp(b)) = m + ln(exp(a - m) + exp(b - m))` with `m = max(a, b)` taken as a
/// constant: the identity holds for any `m`, so the gradient is exact without flowing through
/// `m` (dfdx 0.13's `maximum` backward gave wrong gradients here, caught by the FD test).
fn log_add_exp<T: Tape<f32, Dev>>(a: Mat<T>, b: Mat<T>) -> Mat<T> {
    let m: Mat = a.retaped::<NoneTape>().maximum(b.retaped::<NoneTape>());
    let sum = (a - m.clone()).exp() + (b - m.clone()).exp();
    sum.ln() + m
}
