//! What a trainer's model is worth: importance-sampling estimates against an energy
//! target, the test metric, exact KL divergences on a grid, and the held-out target draws
//! the test NLL uses.

use crate::data::digits::held_out;
use crate::numeric::grid::Grid;
use crate::train::divergence::Truth;
use crate::train::metrics::{coverage, kl_on_grid, sample_estimate, Estimate, SampleEstimate};
use crate::train::objective::{mean_finite_nll, Objective};
use crate::train::{Trainer, ESTIMATE_SAMPLES, TEST_POINTS};
use rand::{rngs::StdRng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

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
        let log_p = |x: &[f32]| match self.config().objective {
            Objective::ReverseKl(t) => Some(t.log_unnormalised(x)),
            Objective::ReverseKlData(d) => {
                Some(d.exact_log_probs(x).into_iter().map(|v| v as f32).collect())
            }
            _ => None,
        };
        let (x, log_q) = self.flow.to_data_points(z);
        Some(sample_estimate(&log_q, &log_p(&x)?))
    }

    /// `ln Z` of the reverse-KL target ([`Target::log_z`]; 0 for a data set's normalised
    /// density), if the objective has one.
    pub fn target_log_z(&self) -> Option<f64> {
        match self.config().objective {
            Objective::ReverseKl(t) => Some(t.log_z()),
            Objective::ReverseKlData(_) => Some(0.0),
            _ => None,
        }
    }

    /// Test NLL on the held-out set (forward KL), or the KL estimate `loss + ln Z` from
    /// [`ESTIMATE_SAMPLES`] fresh samples (reverse KL), whose estimate is kept.
    pub(crate) fn measure(&mut self) -> f64 {
        if let Some(test) = self.held_out() {
            let test = test.to_vec();
            let nll = mean_finite_nll(&self.flow.log_prob_points(&test));
            // The digits' NLL is of `y`, with the pre-processing's log-det.
            let shift = match self.config().objective {
                Objective::Digits => held_out().mean_log_det,
                _ => 0.0,
            };
            return nll - shift;
        }
        // A stream of its own, so evaluating never changes the batches training sees.
        let mut rng = self.stream(1, self.step_count());
        let z: Vec<f32> = (0..2 * ESTIMATE_SAMPLES)
            .map(|_| StandardNormal.sample(&mut rng))
            .collect();
        let e = self.estimate_on(&z).expect("reverse KL has estimates");
        self.last_estimate = Some(e);
        self.last_coverage = self.coverage_now();
        e.loss + self.target_log_z().unwrap_or(0.0)
    }

    /// Reverse KL on an energy: the share of the target's mass the model covers now
    /// ([`coverage`]), on [`TEST_POINTS`] held-out target draws.
    fn coverage_now(&mut self) -> Option<Estimate> {
        if self.cover_set.is_none() {
            let Objective::ReverseKl(_) = self.config().objective else {
                return None;
            };
            let mut rng = StdRng::seed_from_u64(!self.config().seed ^ 0xC0BE);
            let truth = self.truth_built()?;
            let x = truth.sample(TEST_POINTS, &mut rng);
            let log_p = truth.log_prob(&x);
            self.cover_set = Some((x, log_p));
        }
        let (x, log_p) = self.cover_set.as_ref()?;
        Some(coverage(&self.flow.log_prob_points(x), log_p))
    }

    /// The share of the target's mass the model covered at the last evaluation (reverse KL
    /// on an energy).
    pub fn last_coverage(&self) -> Option<Estimate> {
        self.last_coverage
    }

    /// The exact KL on `grid` where the target density is known, the one the objective
    /// minimises: `KL(p* || q)` under forward KL (data sets with an exact density,
    /// `crate::data::exact`, or energies), `KL(q || p*)` under reverse KL (energies with the
    /// exact `ln Z`, or data sets),
    /// and the model's mass on the grid: the sum covers what the model puts there, so the
    /// grid should hold the model's mass (the mass says how much of it is left out).
    pub fn grid_kl(&self, grid: &Grid) -> Option<GridKl> {
        let objective = self.config().objective;
        let exact = objective.target_density(grid)?;
        let model = grid.tabulate(|p| self.flow.log_prob_points(p));
        let kl = if objective.is_forward() {
            kl_on_grid(&exact, &model)
        } else {
            kl_on_grid(&model, &exact)
        };
        Some(GridKl {
            kl,
            model_mass: model.mass(),
        })
    }

    /// The target's exact draws and density, once built (forward KL on an energy).
    pub fn truth(&self) -> Option<&Truth> {
        self.truth.as_ref()
    }

    /// The target's exact draws and density, built on first use (an energy target's
    /// sampling grid is about a million energies); `None` for the user's points and the
    /// digits, which have no known density.
    pub fn truth_built(&mut self) -> Option<&Truth> {
        if self.truth.is_none() {
            self.truth = Truth::of(self.config().objective);
        }
        self.truth.as_ref()
    }

    /// The held-out draws for the test NLL (forward KL), made on first use for an energy.
    pub(crate) fn held_out(&mut self) -> Option<&[f32]> {
        if let (None, Objective::ForwardKlEnergy(t)) = (&self.test_set, self.config().objective) {
            let mut rng = StdRng::seed_from_u64(!self.config().seed);
            let truth = self.truth.get_or_insert_with(|| Truth::energy(t));
            self.test_set = Some(truth.sample(TEST_POINTS, &mut rng));
        }
        self.test_set.as_deref()
    }
}
