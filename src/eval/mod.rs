//! Evaluation without a tape: densities at points, samples and density grids, for pictures
//! and read-outs rather than training. On the fast engine a [`Plan`] runs the whole
//! flow on plain slices over [`crate::kernels`]' blocked products (and a grid takes the
//! [`Lattice`]); with [`Kernels::Dfdx`] the tensor path of [`crate::flow`] runs in chunks.
//!
//! `plan` and `lattice` sit above [`crate::flow`], whose point methods are defined here so that
//! `flow` never imports this module.

pub mod lattice;
pub mod plan;

pub use lattice::Lattice;
pub use plan::Plan;

use crate::flow::made::Kernels;
use crate::flow::Flow;
use crate::numeric::grid::{Density, Grid};
use crate::numeric::tensor::matrix;

/// Rows per tensor-path batch: small enough that the hidden activations stay in cache
/// (measured: 512 rows made the 256x256 grid ~20% faster than 8192).
const TENSOR_ROWS: usize = 512;

impl Flow {
    /// `x = T(z)` and `log q(x)` for row-major latent points `n x D` (no tape).
    pub fn to_data_points(&self, z: &[f32]) -> (Vec<f32>, Vec<f32>) {
        if self.kernels == Kernels::Fast {
            return Plan::new(self).to_data(z);
        }
        let (mut x, mut log_q) = (Vec::with_capacity(z.len()), Vec::new());
        for chunk in z.chunks(TENSOR_ROWS * self.dim()) {
            let (xc, lq) = self.to_data(matrix(self.device(), chunk.to_vec(), self.dim()));
            x.extend(xc.as_vec());
            log_q.extend(lq.as_vec());
        }
        (x, log_q)
    }

    /// The composition from latent draws `eps`: `[z, T_1(z), T_2(T_1(z)), ..., x]` (`z` the
    /// base's draws), each row-major `n x D`.
    pub fn trace(&self, eps: &[f32]) -> Vec<Vec<f32>> {
        if self.kernels == Kernels::Fast {
            return Plan::new(self).trace(eps);
        }
        let mut u = matrix(self.device(), eps.to_vec(), self.dim());
        if let Some(base) = &self.base {
            u = base.to_data(u).0;
        }
        let mut points = vec![u.as_vec()];
        for layer in &self.layers {
            u = layer.to_data(u).0;
            points.push(u.as_vec());
        }
        points
    }

    /// `n` samples `x = T(z)` with their `log q(x)`, row-major `n x D` (no tape).
    pub fn sample(&self, n: usize) -> (Vec<f32>, Vec<f32>) {
        self.to_data_points(&self.draw_latent(n).as_vec())
    }

    /// `log p(x)` for row-major points `n x D`, in chunks, with no tape.
    pub fn log_prob_points(&self, points: &[f32]) -> Vec<f32> {
        if self.kernels == Kernels::Fast {
            return Plan::new(self).log_prob(points);
        }
        let d = self.dim();
        points
            .chunks(TENSOR_ROWS * d)
            .flat_map(|c| self.log_prob(matrix(self.device(), c.to_vec(), d)).as_vec())
            .collect()
    }

    /// `z = T^-1(x)` for row-major points `n x D`, with no tape.
    pub fn to_prior_points(&self, x: &[f32]) -> Vec<f32> {
        if self.kernels == Kernels::Fast {
            return Plan::new(self).to_prior(x);
        }
        let d = self.dim();
        x.chunks(TENSOR_ROWS * d)
            .flat_map(|c| {
                self.to_prior(matrix(self.device(), c.to_vec(), d))
                    .0
                    .as_vec()
            })
            .collect()
    }

    /// The log-density of the stage `T_k o ... o T_1 (z)` (`k = 0`: the prior) at row-major
    /// points: `log N(T_1^-1 ... T_k^-1 u) + sum log|det|`, on slices whatever the kernels.
    pub fn stage_log_prob(&self, u: &[f32], k: usize) -> Vec<f32> {
        let n = u.len() / self.dim();
        Plan::new(self).towards_prior(u.to_vec(), vec![0.0; n], k)
    }

    /// `log p` on a 2-D grid's cells: per column or row where the first layer allows (see
    /// [`Lattice`]) with the fast kernels, point by point with dfdx's.
    pub fn density(&self, grid: &Grid) -> Density {
        if self.kernels == Kernels::Fast && self.dim() == 2 {
            return Lattice::new(Plan::new(self), grid).density();
        }
        grid.tabulate(|p| self.log_prob_points(p))
    }
}
