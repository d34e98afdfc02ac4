//! The best model so far: a flow trained by maximum likelihood on a small data set (the
//! digits' 1,437 training images) overfits, and its held-out NLL turns up after a while.
//! The trainer keeps a copy of the model with the lowest test metric it has measured, and
//! can go back to it.

use crate::train::guard::{Guard, Snapshot};
use crate::train::Trainer;

impl Trainer {
    /// Keeps the current model if `metric` (just measured) is the lowest so far. Forward
    /// KL only: a reverse-KL estimate is noisy, and its lowest would favour luck.
    pub(crate) fn keep_if_best(&mut self, metric: f64) {
        let better = self.best.as_ref().is_none_or(|(m, _)| metric < *m);
        if self.config.objective.is_forward() && metric.is_finite() && better {
            let snapshot = Snapshot {
                step: self.params_step,
                params: self.flow.parameters(),
                optimiser: self.optimiser.clone(),
            };
            self.best = Some((metric, snapshot));
        }
    }

    /// The lowest test metric measured and the step of its model, if any.
    pub fn best(&self) -> Option<(u64, f64)> {
        self.best.as_ref().map(|(m, s)| (s.step, *m))
    }

    /// Goes back to the best model (and Adam's state then), which becomes the checkpoint a
    /// divergence returns to; training goes on from the current step, and the test metric
    /// is measured again and recorded. Returns the best model's step, or `None` (and
    /// nothing changes) when there is none or the model is already the best.
    pub fn restore_best(&mut self) -> Option<u64> {
        let (_, best) = self.best.clone()?;
        if best.params == self.flow.parameters() {
            return None;
        }
        self.flow
            .set_parameters(&best.params)
            .expect("a snapshot of this flow fits it");
        self.optimiser = best.optimiser.clone();
        self.params_step = best.step;
        self.guard = Guard::new(best.clone(), self.flow.dim());
        self.test_metric();
        Some(best.step)
    }
}
