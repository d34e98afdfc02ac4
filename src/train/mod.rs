//! Training on an [`Objective`]: Adam on the flow's parameters as one flat vector (the
//! gradient from dfdx's tape or the fused step, [`crate::train::step`]), optional
//! gradient-norm clipping, and rollback: a step whose loss, gradients or parameters are not
//! finite, or whose loss or test metric blows up while staying finite, restores the last
//! checkpoint of a good model ([`crate::train::guard`]).

pub mod adam;
pub mod best;
pub mod config;
pub mod divergence;
pub mod fused;
pub mod guard;
pub mod history;
pub mod metrics;
pub mod objective;
pub mod readout;
pub mod resume;
pub mod step;

use crate::data::digits::held_out;
use crate::data::points::PointSet;
use crate::data::{flatten, DataSet};
use crate::flow::Flow;
use crate::train::adam::Optimiser;
use crate::train::divergence::Truth;
use crate::train::guard::{Guard, Snapshot};
pub use crate::train::history::{Event, History};
use crate::train::metrics::{Estimate, SampleEstimate};
use crate::train::objective::Objective;
use crate::train::step::StepWork;
use crate::{Error, Result};
use rand::{rngs::StdRng, SeedableRng};
use std::sync::Arc;

pub use crate::train::config::{TrainConfig, MAX_BATCH};

/// Steps between two evaluations of the test metric (and the guard's checkpoints): the
/// trainer evaluates itself, so the page, the worker and the benchmark follow one rule.
pub const EVAL_EVERY: u64 = 100;

/// Held-out points for the test NLL (forward KL).
pub const TEST_POINTS: usize = 2000;
/// Samples drawn for the reverse-KL estimates (the KL estimate and the ESS come from the
/// same draw): at 2,000 the ESS of heavy-tailed weights read far too high.
pub const ESTIMATE_SAMPLES: usize = 20_000;

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

/// A flow and everything needed to train it.
#[derive(Debug)]
pub struct Trainer {
    /// The model.
    pub flow: Flow,
    pub(crate) config: TrainConfig,
    pub(crate) step: u64,
    /// Adam's state.
    pub(crate) optimiser: Optimiser,
    /// The step being taken (`step.rs`).
    pub(crate) work: StepWork,
    /// The user's points, when the objective is [`DataSet::Drawn`].
    pub(crate) points: Option<Arc<PointSet>>,
    /// Held-out draws of the target (forward KL).
    pub(crate) test_set: Option<Vec<f32>>,
    /// An energy target's exact draws (forward KL on it), built at the first step: about a
    /// million energies, which a page that only draws never needs.
    pub(crate) truth: Option<Truth>,
    /// Reverse KL on an energy: held-out target draws and their normalised `log p*`, for the
    /// share of the target's mass the model covers (made at the first evaluation).
    pub(crate) cover_set: Option<(Vec<f32>, Vec<f64>)>,
    /// That share at the last evaluation.
    pub(crate) last_coverage: Option<Estimate>,
    pub(crate) guard: Guard,
    /// The step whose update made the current parameters (a rollback brings back an older
    /// one): what a checkpoint is labelled with.
    pub(crate) params_step: u64,
    pub(crate) last_estimate: Option<SampleEstimate>,
    /// The lowest test metric so far and its model (`best.rs`).
    pub(crate) best: Option<(f64, Snapshot)>,
    /// What has happened so far.
    pub history: History,
}

impl Trainer {
    /// A trainer for `flow` (which must be 2-D for the toy objectives).
    pub fn new(flow: Flow, config: TrainConfig) -> Result<Trainer> {
        Trainer::on_points(flow, config, None)
    }

    /// A trainer for `flow` that learns the user's `points` when the objective is
    /// [`DataSet::Drawn`] (they are required then, and ignored otherwise).
    pub fn on_points(
        flow: Flow,
        config: TrainConfig,
        points: Option<Arc<PointSet>>,
    ) -> Result<Trainer> {
        config.validate()?;
        let points = points.filter(|_| config.objective == Objective::ForwardKl(DataSet::Drawn));
        let test_set = match (config.objective, &points) {
            (Objective::ForwardKl(DataSet::Drawn), None) => {
                let msg = "draw or import some points first".to_string();
                return Err(Error::Invalid("your points", msg));
            }
            (Objective::ForwardKl(DataSet::Drawn), Some(p)) => Some(flatten(p.test())),
            (Objective::ForwardKl(d), _) => {
                Some(flatten(&d.sample_seeded(TEST_POINTS, !config.seed)))
            }
            (Objective::Digits, _) => Some(held_out().x.clone()),
            _ => None,
        };
        if flow.dim() != config.objective.dim() {
            let msg = format!(
                "the objective's points are {}-D, the flow is {}-D",
                config.objective.dim(),
                flow.dim()
            );
            return Err(Error::Invalid("dimension", msg));
        }
        let (optimiser, dim) = (Optimiser::new(flow.parameters_len()), flow.dim());
        let start = Snapshot {
            step: 0,
            params: flow.parameters(),
            optimiser: optimiser.clone(),
        };
        Ok(Trainer {
            flow,
            config,
            step: 0,
            optimiser,
            work: StepWork::default(),
            points,
            test_set,
            truth: None,
            cover_set: None,
            last_coverage: None,
            guard: Guard::new(start, dim),
            params_step: 0,
            last_estimate: None,
            best: None,
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

    /// The random stream of step `step` (`salt` 0 for its batch): a function of the seed
    /// and the step alone, so a trainer restored at a step draws what the original would.
    pub(crate) fn stream(&self, salt: u64, step: u64) -> StdRng {
        let mix =
            step.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xD1B5_4A32_D192_ED03);
        StdRng::seed_from_u64(self.config.seed ^ mix)
    }

    /// One step of Adam. A loss the guard refuses (not finite, exploded, or far above the
    /// recent ones), or a gradient or parameter that is not finite, rolls back instead.
    /// Every [`EVAL_EVERY`] steps the test metric is evaluated after the step.
    pub fn step(&mut self) -> StepOutcome {
        if self.begin_step() {
            for i in 0..self.step_chunks() {
                self.compute_chunk(i);
            }
        }
        self.end_step()
    }

    /// Ends the step [`Self::begin_step`] began (every chunk of a fused step computed or
    /// handed over): applies it, or rolls back, and evaluates every [`EVAL_EVERY`] steps.
    pub fn end_step(&mut self) -> StepOutcome {
        let outcome = self.update();
        if self.step.is_multiple_of(EVAL_EVERY) {
            self.test_metric();
        }
        outcome
    }

    fn update(&mut self) -> StepOutcome {
        let value = self.loss_and_gradient();
        if let Some(cause) = self.guard.judge_loss(value) {
            return self.roll_back(cause);
        }
        if !self.apply_adam() {
            return self.roll_back("the gradient is not finite");
        }
        if self.work.theta.iter().any(|p| !p.is_finite()) {
            return self.roll_back("the parameters are not finite");
        }
        self.flow
            .set_parameters(&self.work.theta)
            .expect("the flow's own parameters fit it");
        // The digits' loss as the NLL of `y`, like their test metric.
        self.history.loss.push(self.step, value - self.work.shift);
        self.params_step = self.step;
        StepOutcome::Updated { loss: value }
    }

    /// Clips the gradient and applies it to `theta`; false (and nothing applied) if it is
    /// not finite.
    fn apply_adam(&mut self) -> bool {
        let sq: f64 = self.work.grad.iter().map(|&v| v as f64 * v as f64).sum();
        if !sq.is_finite() {
            return false;
        }
        let factor = match self.config.clip {
            Some(c) if sq.sqrt() > c => (c / sq.sqrt()) as f32,
            _ => 1.0,
        };
        let lr = self.config.lr;
        self.optimiser
            .update(lr, &mut self.work.theta, &self.work.grad, factor);
        true
    }

    /// Restores the checkpoint (parameters and Adam's state) and records why.
    fn roll_back(&mut self, cause: &'static str) -> StepOutcome {
        let good = self.guard.checkpoint().clone();
        self.flow
            .set_parameters(&good.params)
            .expect("a snapshot of this flow fits it");
        self.optimiser = good.optimiser;
        self.params_step = good.step;
        self.guard.forget_recent();
        let event = Event {
            step: self.step,
            restored_step: good.step,
            cause,
        };
        self.history.record(event);
        StepOutcome::RolledBack {
            restored_step: good.step,
            cause,
        }
    }

    /// Test NLL on the held-out set (forward KL), or the KL estimate `loss + ln Z` from
    /// [`ESTIMATE_SAMPLES`] fresh samples (reverse KL); recorded. A metric the guard calls
    /// a divergence restores the checkpoint, and the restored model's metric is returned.
    pub fn test_metric(&mut self) -> f64 {
        let mut value = self.measure();
        let judged = self.guard.judge_metric(value, || Snapshot {
            step: self.params_step,
            params: self.flow.parameters(),
            optimiser: self.optimiser.clone(),
        });
        if let Some(cause) = judged {
            self.roll_back(cause);
            value = self.measure();
        }
        self.history.test.push(self.step, value);
        self.history.latest = Some((self.step, value));
        self.keep_if_best(value);
        value
    }

    /// The parameters a rollback would restore: the last checkpoint of a good model.
    pub fn checkpoint_parameters(&self) -> &[f32] {
        &self.guard.checkpoint().params
    }

    /// The estimate behind the last reverse-KL metric (its ESS, sample count and standard
    /// error come from the same draw).
    pub fn last_estimate(&self) -> Option<SampleEstimate> {
        self.last_estimate
    }
}
