//! Training on an [`Objective`]: Adam on the flow's own runtime-sized parameters, optional
//! gradient-norm clipping, and rollback: a step whose loss, gradients or parameters are not
//! finite, or whose loss or test metric blows up while staying finite, restores the last
//! checkpoint of a good model ([`crate::guard`]).

use crate::adam::adam;
use crate::data::{flatten, DataSet};
use crate::divergence::Truth;
use crate::flow::Flow;
use crate::guard::{Guard, Snapshot};
pub use crate::history::{Event, History};
use crate::metrics::SampleEstimate;
use crate::objective::{forward_kl_loss, reverse_kl_data_loss, reverse_kl_loss, Objective, Scalar};
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
    config: TrainConfig,
    step: u64,
    adam_t: i32,
    moments: [Gradients<f32, Dev>; 2],
    rng: StdRng,
    /// Latent draws for the estimates: their own stream, so evaluating never changes
    /// the batches training sees.
    pub(crate) eval_rng: StdRng,
    /// Held-out draws of the target (forward KL).
    pub(crate) test_set: Option<Vec<f32>>,
    /// An energy target's exact draws (forward KL on it), built at the first step: about a
    /// million energies, which a page that only draws never needs.
    pub(crate) truth: Option<Truth>,
    guard: Guard,
    /// The step whose update made the current parameters (a rollback brings back an older
    /// one): what a checkpoint is labelled with.
    params_step: u64,
    pub(crate) last_estimate: Option<SampleEstimate>,
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
            _ => None,
        };
        let moments = [Gradients::leaky(), Gradients::leaky()];
        let start = Snapshot {
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
            eval_rng: StdRng::seed_from_u64(config.seed ^ 0xE5A1_0A7E),
            test_set,
            truth: None,
            guard: Guard::new(start),
            params_step: 0,
            last_estimate: None,
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

    /// Carries on from the flow's current parameters as step `step` of a run made elsewhere
    /// (a training worker that stopped): they become the checkpoint, and Adam starts
    /// afresh (its moments did not travel).
    pub fn resume_at(&mut self, step: u64) {
        self.moments = [Gradients::leaky(), Gradients::leaky()];
        (self.step, self.params_step, self.adam_t) = (step, step, 0);
        self.guard = Guard::new(Snapshot {
            step,
            params: self.flow.parameters(),
            adam_t: 0,
            moments: self.moments.clone(),
        });
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
            Objective::ForwardKlEnergy(t) => {
                let truth = self.truth.get_or_insert_with(|| Truth::energy(t));
                let x = truth.sample(n, &mut self.rng);
                forward_kl_loss(&self.flow, matrix(self.flow.device(), x, 2))
            }
            Objective::ReverseKl(t) => reverse_kl_loss(&self.flow, t, self.flow.draw_latent(n)),
            Objective::ReverseKlData(d) => {
                reverse_kl_data_loss(&self.flow, d, self.flow.draw_latent(n))
            }
        }
    }

    /// One step of Adam. A loss the guard refuses (not finite, exploded, or far above the
    /// recent ones), or a gradient or parameter that is not finite, rolls back instead.
    /// Every [`EVAL_EVERY`] steps the test metric is evaluated after the step.
    pub fn step(&mut self) -> StepOutcome {
        let outcome = self.update();
        if self.step.is_multiple_of(EVAL_EVERY) {
            self.test_metric();
        }
        outcome
    }

    fn update(&mut self) -> StepOutcome {
        self.step += 1;
        let loss = self.loss();
        let value = loss.array() as f64;
        if let Some(cause) = self.guard.judge_loss(value) {
            return self.roll_back(cause);
        }
        let mut grads = loss.backward();
        if !self.apply_adam(&mut grads) {
            return self.roll_back("the gradient is not finite");
        }
        if self.flow.parameters().iter().any(|p| !p.is_finite()) {
            return self.roll_back("the parameters are not finite");
        }
        self.history.loss.push(self.step, value);
        self.params_step = self.step;
        StepOutcome::Updated { loss: value }
    }

    /// Clips and applies the gradient; false (and nothing applied) if it is not finite.
    fn apply_adam(&mut self, grads: &mut Gradients<f32, Dev>) -> bool {
        let mut sq = 0.0f64;
        for l in self.flow.layers.iter().flat_map(|l| &l.made.layers) {
            sq += sum_sq(grads.get_or_alloc_mut(&l.weight).expect("cpu alloc"));
            sq += sum_sq(grads.get_or_alloc_mut(&l.bias).expect("cpu alloc"));
        }
        for c in self.flow.base.iter().flat_map(|b| [&b.mean, &b.log_std]) {
            sq += sum_sq(grads.get_or_alloc_mut(c).expect("cpu alloc"));
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
        for c in self
            .flow
            .base
            .iter_mut()
            .flat_map(|b| [&mut b.mean, &mut b.log_std])
        {
            adam(&cfg, t, c, grads, m, v, factor);
        }
        true
    }

    /// Restores the checkpoint (parameters and Adam's state) and records why.
    fn roll_back(&mut self, cause: &'static str) -> StepOutcome {
        let good = self.guard.checkpoint().clone();
        self.flow
            .set_parameters(&good.params)
            .expect("a snapshot of this flow fits it");
        self.adam_t = good.adam_t;
        self.moments = good.moments;
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
            adam_t: self.adam_t,
            moments: self.moments.clone(),
        });
        if let Some(cause) = judged {
            self.roll_back(cause);
            value = self.measure();
        }
        self.history.test.push(self.step, value);
        self.history.latest = Some((self.step, value));
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

fn sum_sq(g: &[f32]) -> f64 {
    g.iter().map(|&v| v as f64 * v as f64).sum()
}
