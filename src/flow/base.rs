//! The base distribution of a flow: `N(0, I)`, or a learnable diagonal Gaussian
//! `N(mu, diag sigma^2)` whose mean and log-std (the base's parameters `psi`) are trained
//! with the flow. The learnable base is an element-wise affine map `z = mu + sigma eps` on
//! a standard normal `eps`, so a flow's latent stays `eps ~ N(0, I)` (what the latent and
//! uniform views show) and the base adds `log|det| = -sum ln sigma` on the way in.

use crate::numeric::tensor::{row_sum, Col, Dev, Mat};
use dfdx::prelude::*;

/// A learnable diagonal Gaussian base; it starts as `N(0, I)`.
#[derive(Debug, Clone)]
pub struct Base {
    /// `mu`, `D` values.
    pub mean: Col,
    /// `ln sigma`, `D` values.
    pub log_std: Col,
}

impl Base {
    /// `N(0, I)` in `d` dimensions, as parameters.
    pub fn new(dev: &Dev, d: usize) -> Base {
        Base {
            mean: dev.zeros_like(&(d,)),
            log_std: dev.zeros_like(&(d,)),
        }
    }

    fn broadcast<T: Tape<f32, Dev>>(v: &Col, n: usize) -> Mat<T> {
        let d = v.shape().0;
        v.retaped::<T>().broadcast_like::<_, Axis<0>>(&(n, d))
    }

    /// `eps = (z - mu) / sigma` and `log|det d eps/dz| = -sum ln sigma` per row.
    pub fn to_prior<T: Tape<f32, Dev>>(&self, z: Mat<T>) -> (Mat<T>, Col<T>) {
        let n = z.shape().0;
        let ls = Self::broadcast::<T>(&self.log_std, n);
        // The value carries every tape (a caller may drop the log-determinant).
        let log_det = row_sum(ls.with_empty_tape()).negate();
        let eps = (z - Self::broadcast::<T>(&self.mean, n)) * ls.negate().exp();
        (eps, log_det)
    }

    /// `z = mu + sigma eps` and `log|det dz/d eps| = sum ln sigma` per row.
    pub fn to_data<T: Tape<f32, Dev>>(&self, eps: Mat<T>) -> (Mat<T>, Col<T>) {
        let n = eps.shape().0;
        let ls = Self::broadcast::<T>(&self.log_std, n);
        let log_det = row_sum(ls.with_empty_tape());
        let z = eps * ls.exp() + Self::broadcast::<T>(&self.mean, n);
        (z, log_det)
    }

    /// `(mu, ln sigma)` as plain numbers.
    pub fn values(&self) -> (Vec<f32>, Vec<f32>) {
        (self.mean.as_vec(), self.log_std.as_vec())
    }
}

/// The base's numbers for the slice path: `(mu, ln sigma)`, or none for `N(0, I)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BaseValues(pub Option<(Vec<f32>, Vec<f32>)>);

impl BaseValues {
    /// Row-major `z` (`n x D`) to `eps` in place; returns `sum ln sigma` (subtract it from
    /// each row's `log|det|`).
    pub fn to_prior(&self, z: &mut [f32]) -> f32 {
        let Some((mu, ls)) = &self.0 else { return 0.0 };
        for row in z.chunks_exact_mut(mu.len()) {
            for ((v, m), l) in row.iter_mut().zip(mu).zip(ls) {
                *v = (*v - m) * (-l).exp();
            }
        }
        ls.iter().sum()
    }

    /// Row-major `eps` to `z = mu + sigma eps` in place; returns `sum ln sigma`.
    pub fn to_data(&self, eps: &mut [f32]) -> f32 {
        let Some((mu, ls)) = &self.0 else { return 0.0 };
        for row in eps.chunks_exact_mut(mu.len()) {
            for ((v, m), l) in row.iter_mut().zip(mu).zip(ls) {
                *v = m + l.exp() * *v;
            }
        }
        ls.iter().sum()
    }

    /// `log N(z; mu, diag sigma^2)` of one point, in f64.
    pub fn log_density(&self, z: &[f32]) -> f64 {
        let mut eps = z.to_vec();
        let sum = self.to_prior(&mut eps) as f64;
        crate::numeric::normal::log_normal_f64(&eps) - sum
    }
}
