//! The divergence guard: what keeps a run from losing its model. A step whose loss is not
//! finite, above [`DIVERGED_LOSS`], or far above the recent losses, and a test metric far
//! above both the best one so far and the last one while the training loss has not fallen
//! since the best, are divergences (a metric that creeps up, or jumps while the loss falls,
//! is a model that overfits, which the history reports); the trainer then restores the checkpoint:
//! the parameters (and Adam's state) of the last evaluation whose metric was good. A
//! blow-up that stays finite is caught as surely as a NaN.

use crate::numeric::stats::sort_floats;
use crate::train::adam::Optimiser;
use std::collections::VecDeque;

/// A batch loss above this many nats per point is a diverged run, not a model of 2-D data
/// (a standard normal scores about 3).
pub const DIVERGED_LOSS: f64 = 1e4;
/// A loss this many nats above the median of the recent ones (or 10 robust standard
/// deviations, if more) is a blow-up: batch noise at a batch of 256 is a few tenths.
pub const LOSS_JUMP: f64 = 20.0;
/// A test metric this far above the best so far and the last one is a divergence (restore
/// the checkpoint), per two dimensions: the NLL of `D`-dimensional points is a sum of `D`
/// conditionals, and so are its jumps.
pub const METRIC_JUMP: f64 = 1.0;
/// A test metric within this of the best so far is good: its parameters become the
/// checkpoint (between the two, training goes on without a new checkpoint); per two
/// dimensions, like the jump.
pub const METRIC_SLACK: f64 = 0.25;
/// Recent losses the jump rule looks at, and how many it needs first.
const RECENT: usize = 64;
const RECENT_MIN: usize = 16;

/// The state a rollback restores.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The step whose parameters these are.
    pub step: u64,
    /// The flow's parameters.
    pub params: Vec<f32>,
    /// Adam's state.
    pub optimiser: Optimiser,
}

/// Judges losses and metrics, and keeps the checkpoint.
#[derive(Debug, Clone)]
pub struct Guard {
    checkpoint: Snapshot,
    best: f64,
    last: f64,
    /// The recent losses' median when the best metric was measured.
    loss_at_best: f64,
    /// The points' dimension over 2: what the metric's thresholds are multiplied by.
    scale: f64,
    recent: VecDeque<f64>,
}

impl Guard {
    /// A guard of a `dim`-dimensional model whose first checkpoint is `start`.
    pub fn new(start: Snapshot, dim: usize) -> Guard {
        Guard {
            checkpoint: start,
            best: f64::INFINITY,
            last: f64::INFINITY,
            loss_at_best: f64::INFINITY,
            scale: dim as f64 / 2.0,
            recent: VecDeque::new(),
        }
    }

    /// The parameters a rollback restores.
    pub fn checkpoint(&self) -> &Snapshot {
        &self.checkpoint
    }

    /// `None` for a loss that may be applied (it is then remembered), or what is wrong.
    pub fn judge_loss(&mut self, loss: f64) -> Option<&'static str> {
        if !loss.is_finite() {
            return Some("the loss is not finite");
        }
        if loss > DIVERGED_LOSS {
            return Some("the loss exploded (over 10,000 nats)");
        }
        if let Some(median) = self.recent_median() {
            let mut dev: Vec<f64> = self.recent.iter().map(|v| (v - median).abs()).collect();
            sort_floats(&mut dev);
            let sd = 1.4826 * dev[dev.len() / 2];
            if loss > median + LOSS_JUMP.max(10.0 * sd) {
                return Some("the loss jumped far above its recent range");
            }
        }
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back(loss);
        None
    }

    /// Judges a test metric (lower is better): `None` when training may go on (a good
    /// metric also makes `snapshot()` the checkpoint), or what is wrong.
    pub fn judge_metric(
        &mut self,
        metric: f64,
        snapshot: impl FnOnce() -> Snapshot,
    ) -> Option<&'static str> {
        let jump = METRIC_JUMP * self.scale;
        // A jump while the training loss goes on falling is a model learning its training
        // points by heart (overfitting, which the history reports), not a divergence.
        let learning = self.recent_median().is_some_and(|m| m < self.loss_at_best);
        if metric.is_nan() || (metric > self.best.max(self.last) + jump && !learning) {
            return Some("the test metric jumped far above its best");
        }
        self.last = metric;
        if metric <= self.best + METRIC_SLACK * self.scale {
            self.best = self.best.min(metric);
            self.loss_at_best = self.recent_median().unwrap_or(f64::INFINITY);
            self.checkpoint = snapshot();
        }
        None
    }

    /// The median of the recent losses, once there are enough of them.
    fn recent_median(&self) -> Option<f64> {
        if self.recent.len() < RECENT_MIN {
            return None;
        }
        let mut sorted: Vec<f64> = self.recent.iter().copied().collect();
        sort_floats(&mut sorted);
        Some(sorted[sorted.len() / 2])
    }

    /// After a rollback: the losses of the lost steps no longer count as recent.
    pub fn forget_recent(&mut self) {
        self.recent.clear();
    }
}
