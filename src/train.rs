//! Training on an [`Objective`]: Adam on the flow's own runtime-sized parameters, optional
//! gradient-norm clipping, and rollback: a step whose loss, gradients or parameters are not
//! finite restores the last good state.

use crate::adam::adam;
use crate::data::{flatten, DataSet};
use crate::flow::Flow;
use crate::grid::Grid;
use crate::metrics::{kl_on_grid, sample_estimate, SampleEstimate};
use crate::objective::{
    forward_kl_loss, mean_finite_nll, reverse_kl_loss, target_log_normaliser, Objective, Scalar,
};
use crate::tensor::{matrix, Dev};
use crate::{Error, Result};
use dfdx::optim::AdamConfig;
use dfdx::prelude::*;
use rand::{rngs::StdRng, SeedableRng};

/// Settings that can change between steps without rebuilding the flow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainConfig {
    /// Data set or target.
    pub objective: Objective,
    /// Points per step.
    pub batch: usize,
    /// Adam's learning rate.
    pub lr: f64,
    /// Rescale the gradient to this global norm when larger.
    pub clip: Option<f64>,
    /// Seed of the batches (and the held-out set).
    pub seed: u64,
}

impl Default for TrainConfig {
    /// Moons, batch 256, lr 1e-3, no clipping, seed 0.
    fn default() -> Self {
        TrainConfig {
            objective: Objective::ForwardKl(DataSet::Moons),
            batch: 256,
            lr: 1e-3,
            clip: None,
            seed: 0,
        }
    }
}

/// Largest batch a step may use.
pub const MAX_BATCH: usize = 65_536;

impl TrainConfig {
    /// Checks every field, with a message that names it.
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_BATCH).contains(&self.batch) {
            let msg = format!("must be 1 to {MAX_BATCH}, got {}", self.batch);
            return Err(Error::Invalid("batch size", msg));
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            let msg = format!("must be a positive number, got {}", self.lr);
            return Err(Error::Invalid("learning rate", msg));
        }
        if let Some(c) = self.clip.filter(|c| !(c.is_finite() && *c > 0.0)) {
            let msg = format!("must be a positive number, got {c}");
            return Err(Error::Invalid("gradient clip", msg));
        }
        Ok(())
    }
}

/// A batch loss above this many nats per point is a diverged run, not a model of 2-D data
/// (a standard normal scores about 3): it is rolled back like a non-finite one.
pub const DIVERGED_LOSS: f64 = 1e4;

/// Held-out points for the test NLL (forward KL).
pub const TEST_POINTS: usize = 2000;
/// Samples drawn for the reverse-KL estimates.
pub const ESTIMATE_SAMPLES: usize = 2000;

/// What happened in one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepOutcome {
    /// The parameters moved; the loss before the move.
    Updated {
        /// The batch loss.
        loss: f64,
    },
    /// The step diverged: the parameters of `restored_step` are back.
    RolledBack {
        /// The step whose parameters were restored.
        restored_step: u64,
        /// What went wrong, in words.
        cause: &'static str,
    },
}

/// A record of a rollback, for the page to show.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// The step that failed.
    pub step: u64,
    /// The step whose parameters were restored.
    pub restored_step: u64,
    /// What went wrong, in words (see [`Trainer::step`]).
    pub cause: &'static str,
}

/// Losses and evaluations over time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// `(step, batch loss)` for every successful step.
    pub loss: Vec<(u64, f64)>,
    /// `(step, test NLL or KL estimate)` at every evaluation.
    pub test: Vec<(u64, f64)>,
    /// Every rollback.
    pub events: Vec<Event>,
}

/// The state that a rollback restores.
#[derive(Debug, Clone)]
struct Snapshot {
    step: u64,
    params: Vec<f32>,
    adam_t: i32,
    moments: [Gradients<f32, Dev>; 2],
}

/// A flow and everything needed to train it.
#[derive(Debug)]
pub struct Trainer {
    /// The model.
    pub flow: Flow,
    config: TrainConfig,
    step: u64,
    adam_t: i32,
    moments: [Gradients<f32, Dev>; 2],
    rng: StdRng,
    test_set: Option<Vec<f32>>,
    target_log_z: Option<f64>,
    good: Snapshot,
    /// What has happened so far.
    pub history: History,
}

impl Trainer {
    /// A trainer for `flow` (which must be 2-D for the toy objectives).
    pub fn new(flow: Flow, config: TrainConfig) -> Result<Trainer> {
        config.validate()?;
        if flow.dim() != 2 {
            let msg = format!("the toy objectives are 2-D, the flow is {}-D", flow.dim());
            return Err(Error::Invalid("dimension", msg));
        }
        let test_set = match config.objective {
            Objective::ForwardKl(d) => Some(flatten(&d.sample_seeded(TEST_POINTS, !config.seed))),
            Objective::ReverseKl(_) => None,
        };
        let target_log_z = match config.objective {
            Objective::ReverseKl(t) => Some(target_log_normaliser(t)),
            Objective::ForwardKl(_) => None,
        };
        let moments = [Gradients::leaky(), Gradients::leaky()];
        let good = Snapshot {
            step: 0,
            params: flow.parameters(),
            adam_t: 0,
            moments: moments.clone(),
        };
        Ok(Trainer {
            flow,
            config,
            step: 0,
            adam_t: 0,
            moments,
            rng: StdRng::seed_from_u64(config.seed),
            test_set,
            target_log_z,
            good,
            history: History::default(),
        })
    }

    /// The current settings.
    pub fn config(&self) -> TrainConfig {
        self.config
    }

    /// Changes the settings that apply live (batch, lr, clip); the objective stays.
    pub fn set_config(&mut self, config: TrainConfig) -> Result<()> {
        config.validate()?;
        if config.objective != self.config.objective {
            let msg = "changing the objective needs a new trainer".to_string();
            return Err(Error::Invalid("objective", msg));
        }
        self.config = config;
        Ok(())
    }

    /// Steps taken so far (rolled-back steps count too).
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// The batch loss at the current parameters, with its tape: `-mean log p(x)` on fresh data,
    /// or `mean(log q(x) + U(x))` on fresh model samples.
    fn loss(&mut self) -> Scalar {
        let n = self.config.batch;
        match self.config.objective {
            Objective::ForwardKl(d) => {
                let x = matrix(self.flow.device(), flatten(&d.sample(n, &mut self.rng)), 2);
                forward_kl_loss(&self.flow, x)
            }
            Objective::ReverseKl(t) => reverse_kl_loss(&self.flow, t, self.flow.draw_latent(n)),
        }
    }

    /// One step of Adam. A loss that is not finite or above [`DIVERGED_LOSS`], or a
    /// gradient or parameter that is not finite, rolls back instead.
    pub fn step(&mut self) -> StepOutcome {
        self.step += 1;
        let loss = self.loss();
        let value = loss.array() as f64;
        if !value.is_finite() {
            return self.roll_back("the loss is not finite");
        }
        if value > DIVERGED_LOSS {
            return self.roll_back("the loss exploded (over 10,000 nats)");
        }
        self.good = Snapshot {
            step: self.step - 1,
            params: self.flow.parameters(),
            adam_t: self.adam_t,
            moments: self.moments.clone(),
        };
        let mut grads = loss.backward();
        if !self.apply_adam(&mut grads) {
            return self.roll_back("the gradient is not finite");
        }
        if self.flow.parameters().iter().any(|p| !p.is_finite()) {
            return self.roll_back("the parameters are not finite");
        }
        self.history.loss.push((self.step, value));
        StepOutcome::Updated { loss: value }
    }

    /// Clips and applies the gradient; false (and nothing applied) if it is not finite.
    fn apply_adam(&mut self, grads: &mut Gradients<f32, Dev>) -> bool {
        let mut sq = 0.0f64;
        for l in self.flow.layers.iter().flat_map(|l| &l.made.layers) {
            sq += sum_sq(grads.get_or_alloc_mut(&l.weight).expect("cpu alloc"));
            sq += sum_sq(grads.get_or_alloc_mut(&l.bias).expect("cpu alloc"));
        }
        if !sq.is_finite() {
            return false;
        }
        let factor = match self.config.clip {
            Some(c) if sq.sqrt() > c => (c / sq.sqrt()) as f32,
            _ => 1.0,
        };
        let cfg = AdamConfig {
            lr: self.config.lr,
            ..Default::default()
        };
        self.adam_t += 1;
        let t = self.adam_t;
        let [m, v] = &mut self.moments;
        for l in self.flow.layers.iter_mut().flat_map(|l| &mut l.made.layers) {
            adam(&cfg, t, &mut l.weight, grads, m, v, factor);
            adam(&cfg, t, &mut l.bias, grads, m, v, factor);
        }
        true
    }

    fn roll_back(&mut self, cause: &'static str) -> StepOutcome {
        let good = self.good.clone();
        self.flow
            .set_parameters(&good.params)
            .expect("a snapshot of this flow fits it");
        self.adam_t = good.adam_t;
        self.moments = good.moments;
        let event = Event {
            step: self.step,
            restored_step: good.step,
            cause,
        };
        self.history.events.push(event);
        StepOutcome::RolledBack {
            restored_step: good.step,
            cause,
        }
    }

    /// Test NLL on the held-out set (forward KL), or the KL estimate (reverse KL); recorded.
    pub fn test_metric(&mut self) -> f64 {
        let value = match &self.test_set {
            Some(test) => mean_finite_nll(&self.flow.log_prob_points(test)),
            None => self
                .estimate()
                .map(|e| e.loss + self.target_log_z.unwrap_or(0.0))
                .unwrap_or(f64::NAN),
        };
        self.history.test.push((self.step, value));
        value
    }

    /// Reverse KL only: importance-sampling estimates from fresh model samples.
    pub fn estimate(&self) -> Option<SampleEstimate> {
        let Objective::ReverseKl(t) = self.config.objective else {
            return None;
        };
        let (x, log_q) = self.flow.sample(ESTIMATE_SAMPLES);
        Some(sample_estimate(&log_q, &t.log_unnormalised(&x)))
    }

    /// `ln Z` of the reverse-KL target on a fine grid, if the objective has one.
    pub fn target_log_z(&self) -> Option<f64> {
        self.target_log_z
    }

    /// The exact KL on `grid` where the target density is known: `KL(p* || q)` for
    /// 8gaussians and checkerboard, `KL(q || p)` for energy targets (normalised on the grid).
    pub fn grid_kl(&self, grid: &Grid) -> Option<f64> {
        let model = || grid.tabulate(|p| self.flow.log_prob_points(p));
        match self.config.objective {
            Objective::ForwardKl(d) => {
                d.exact_log_prob([0.0, 0.0])?;
                let exact = grid.tabulate(|p| {
                    let exact = |c: &[f32]| {
                        d.exact_log_prob([c[0] as f64, c[1] as f64])
                            .unwrap_or(f64::NAN)
                    };
                    p.chunks(2).map(|c| exact(c) as f32).collect()
                });
                Some(kl_on_grid(&exact, &model()))
            }
            Objective::ReverseKl(t) => {
                let log_z = self.target_log_z? as f32;
                let target =
                    grid.tabulate(|p| t.log_unnormalised(p).iter().map(|v| v - log_z).collect());
                Some(kl_on_grid(&model(), &target))
            }
        }
    }
}

fn sum_sq(g: &[f32]) -> f64 {
    g.iter().map(|&v| v as f64 * v as f64).sum()
}
