//! Undo: a change that throws a trained model away (new settings, a reset, a link, an
//! imported model) keeps it one step back, and [`Lab::undo`] brings it back with its
//! settings, parameters, optimiser and history; the model it replaces takes its place, so
//! a second undo goes forward again.

use super::comparison::Comparison;
use super::lab::{Lab, Previous};
use crate::train::Trainer;

impl Lab {
    /// Keeps the model a rebuild has just replaced, if it had trained.
    pub(super) fn keep_previous(&mut self, trainer: Trainer, comparison: Option<Comparison>) {
        let settings = self
            .rebuild
            .take_before()
            .unwrap_or_else(|| self.settings.clone());
        if self.progress.step > 0 {
            self.previous = Some(Box::new(Previous {
                settings,
                trainer,
                comparison,
                progress: self.progress.clone(),
            }));
        }
    }

    /// Takes `new`'s model, settings and points in place of this lab's, keeping this
    /// lab's model for undo if it had trained (an imported model).
    pub(super) fn replace_with(&mut self, new: Lab) {
        let old = std::mem::replace(self, new);
        self.heatmap.follow(&old.heatmap);
        if self.points.set().is_none() {
            self.points = old.points;
        }
        self.previous = match old.progress.step {
            0 => old.previous,
            _ => Some(Box::new(Previous {
                settings: old.settings,
                trainer: old.trainer,
                comparison: old.comparison,
                progress: old.progress,
            })),
        };
    }

    /// What undo would bring back: its step and its settings as a hash, if anything.
    pub fn undo_target(&self) -> Option<(u64, String)> {
        let p = self.previous.as_deref()?;
        Some((p.progress.step, p.settings.to_hash()))
    }

    /// Brings back the model kept one step back (and keeps the current one in its place);
    /// false if there is none. A change still waiting to be built is dropped.
    pub fn undo(&mut self) -> bool {
        let Some(back) = self.previous.take() else {
            return false;
        };
        let Previous {
            settings,
            trainer,
            comparison,
            progress,
        } = *back;
        let current = Previous {
            settings: std::mem::replace(&mut self.settings, settings),
            trainer: std::mem::replace(&mut self.trainer, trainer),
            comparison: std::mem::replace(&mut self.comparison, comparison),
            progress: std::mem::replace(&mut self.progress, progress),
        };
        if current.progress.step > 0 {
            self.previous = Some(Box::new(current));
        }
        self.rebuild.cancel();
        self.heatmap.new_flow();
        self.metric_due = false;
        self.sent = Default::default();
        self.events_seen = (self.trainer.history.rollbacks, self.progress.step);
        self.speed.clear();
        self.marginals.clear();
        self.redraw();
        true
    }
}
