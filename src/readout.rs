//! What a trainer's model is worth, read out without changing it: importance-sampling
//! estimates against an energy target, and exact KL divergences on a grid.

use crate::grid::Grid;
use crate::metrics::{kl_on_grid, sample_estimate, SampleEstimate};
use crate::objective::Objective;
use crate::train::Trainer;

/// A KL divergence summed on a grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridKl {
    /// The divergence.
    pub kl: f64,
    /// The model's mass on the grid (1 when the grid holds all of it).
    pub model_mass: f64,
}

impl Trainer {
    /// Reverse KL only: importance-sampling estimates from the model's samples `T(z)` of
    /// these latent draws (row-major `n x 2`).
    pub fn estimate_on(&self, z: &[f32]) -> Option<SampleEstimate> {
        let Objective::ReverseKl(t) = self.config().objective else {
            return None;
        };
        let (x, log_q) = self.flow.forward_points(z);
        Some(sample_estimate(&log_q, &t.log_unnormalised(&x)))
    }

    /// `ln Z` of the reverse-KL target ([`Target::log_z`]), if the objective has one.
    pub fn target_log_z(&self) -> Option<f64> {
        match self.config().objective {
            Objective::ReverseKl(t) => Some(t.log_z()),
            Objective::ForwardKl(_) => None,
        }
    }

    /// The exact KL on `grid` where the target density is known: `KL(p* || q)` for
    /// data sets with an exact density (`crate::exact`), `KL(q || p)` for energy targets (with the exact `ln Z`),
    /// and the model's mass on the grid: the sum covers what the model puts there, so the
    /// grid should hold the model's mass (the mass says how much of it is left out).
    pub fn grid_kl(&self, grid: &Grid) -> Option<GridKl> {
        let model = grid.tabulate(|p| self.flow.log_prob_points(p));
        let kl = match self.config().objective {
            Objective::ForwardKl(d) => {
                if !d.has_exact_density() {
                    return None;
                }
                let exact =
                    grid.tabulate(|p| d.exact_log_probs(p).into_iter().map(|v| v as f32).collect());
                kl_on_grid(&exact, &model)
            }
            Objective::ReverseKl(t) => {
                let log_z = t.log_z() as f32;
                let target =
                    grid.tabulate(|p| t.log_unnormalised(p).iter().map(|v| v - log_z).collect());
                kl_on_grid(&model, &target)
            }
        };
        Some(GridKl {
            kl,
            model_mass: model.mass(),
        })
    }
}
