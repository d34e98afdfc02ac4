//! A trainer carried on elsewhere: from parameters made by another trainer (a worker that
//! stopped, a model file, an undo), with or without Adam's state, and on new points of the
//! user's own. Adam's moments travel as plain numbers in the flow's parameter order.

use crate::data::points::PointSet;
use crate::train::adam::Optimiser;
use crate::train::guard::{Guard, Snapshot};
use crate::train::objective::Objective;
use crate::train::Trainer;
use crate::{data::flatten, data::DataSet, Error, Result};
use std::sync::Arc;

impl Trainer {
    /// Adam's state now.
    pub fn optimiser(&self) -> Optimiser {
        self.optimiser.clone()
    }

    /// Carries on from the flow's current parameters as step `step` of a run made elsewhere
    /// (a training worker that stopped): they become the checkpoint, and Adam starts
    /// afresh (its moments did not travel).
    pub fn resume_at(&mut self, step: u64) {
        self.restore(step, None)
            .expect("no optimiser state has no wrong length");
    }

    /// [`Self::resume_at`] with Adam's state as it was (`optimiser`), if it travelled:
    /// the trainer then takes the steps the one it came from would have taken (batches
    /// depend on the seed and the step alone). Refused, changing nothing, if its lengths
    /// do not match the flow's parameters.
    pub fn restore(&mut self, step: u64, optimiser: Option<&Optimiser>) -> Result<()> {
        let n = self.flow.parameters_len();
        if let Some(o) = optimiser {
            if o.m.len() != n || o.v.len() != n || o.t < 0 {
                let msg = format!(
                    "{} and {} moments (step {}) for {n} parameters",
                    o.m.len(),
                    o.v.len(),
                    o.t
                );
                return Err(Error::Invalid("optimiser state", msg));
            }
        }
        self.optimiser = optimiser.cloned().unwrap_or_else(|| Optimiser::new(n));
        (self.step, self.params_step) = (step, step);
        self.guard = Guard::new(
            Snapshot {
                step,
                params: self.flow.parameters(),
                optimiser: self.optimiser.clone(),
            },
            self.flow.dim(),
        );
        Ok(())
    }

    /// Trains on `points` from the next step on (the model stays), with their held-out
    /// part as the test set; false, and nothing changed, unless the objective is the
    /// user's points.
    pub fn set_points(&mut self, points: Arc<PointSet>) -> bool {
        if self.config.objective != Objective::ForwardKl(DataSet::Drawn) {
            return false;
        }
        self.test_set = Some(flatten(points.test()));
        self.points = Some(points);
        true
    }

    /// The user's points this trainer learns, if it learns them.
    pub fn points(&self) -> Option<&Arc<PointSet>> {
        self.points.as_ref()
    }
}
