//! What a lab sends to another and takes from it: the training worker's lab trains, the
//! page's lab draws what it is sent ([`Lab::take_update`] -> [`Lab::absorb`]); and a lab
//! that carries on training from what it was sent ([`Lab::resume`]) when the worker that
//! trained it has stopped.

use super::codec::{ComparisonUpdate, Progress, Update};
use super::lab::Lab;
use crate::train::history::Mark;
use crate::Result;

impl Lab {
    /// Where training stands.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// The parameters to show: the current ones, or, while a rollback's warning is up, the
    /// last good model's (the one the warning names). While training keeps diverging, the
    /// parameters between a bad step and its rollback are garbage; the page draws the
    /// model it would come back to instead of flickering between the two. In the compare
    /// view the rival's current parameters follow.
    pub fn shown_parameters(&self) -> Vec<f32> {
        match self.progress.event {
            Some(_) => self.with_rival(self.trainer.checkpoint_parameters().to_vec()),
            None => self.all_parameters(),
        }
    }

    /// What the other lab lacks since the last call: the progress and the history points
    /// made since (or all of a series that has been decimated since).
    pub fn take_update(&mut self) -> Update {
        let update = self.update_since(self.sent, false);
        self.mark_sent();
        update
    }

    /// The progress and the whole history, for a lab that has none of it.
    pub fn whole_update(&self) -> Update {
        self.update_since(Default::default(), true)
    }

    fn update_since(&self, [loss, test]: [Mark; 2], whole: bool) -> Update {
        let h = &self.trainer.history;
        let (loss_from, loss) = h.loss.since(loss);
        let (test_from, test) = h.test.since(test);
        let comparison = self.comparison.as_ref().map(|d| ComparisonUpdate {
            scores: d.scores,
            series: std::array::from_fn(|i| {
                let mark = if whole { Mark::default() } else { d.sent[i] };
                let (from, points) = d.series[i].since(mark);
                (from, points.to_vec())
            }),
        });
        Update {
            progress: self.progress.clone(),
            loss_from,
            loss: loss.to_vec(),
            test_from,
            test: test.to_vec(),
            comparison,
        }
    }

    fn mark_sent(&mut self) {
        let h = &self.trainer.history;
        self.sent = [h.loss.mark(), h.test.mark()];
        if let Some(d) = &mut self.comparison {
            d.sent = std::array::from_fn(|i| d.series[i].mark());
        }
    }

    /// Takes over training progress made elsewhere (a lab with the same settings): its
    /// parameters and its [`Self::take_update`]. A rebuild still due is done first. The
    /// same parameters as this lab's (the worker's first evaluation of a flow the page has
    /// built too, or its message at a pause with no step since) keep the grid: a large
    /// flow's picture is many seconds of the page's work.
    pub fn absorb(&mut self, params: &[f32], update: Update) -> Result<()> {
        self.apply();
        let main = self.trainer.flow.parameters_len();
        let models = if self.comparison.is_some() { 2 } else { 1 };
        if params.len() != models * main {
            let msg = format!("{} parameters for {models} flows of {main}", params.len());
            return Err(crate::Error::Invalid("worker message", msg));
        }
        let changed = self.all_parameters() != params;
        match (&mut self.comparison, update.comparison) {
            (Some(comparison), Some(sent)) => {
                comparison.rival.flow.set_parameters(&params[main..])?;
                for (s, (from, points)) in comparison.series.iter_mut().zip(&sent.series) {
                    s.replace_from(*from, points);
                }
                comparison.scores = sent.scores;
            }
            (None, None) => {}
            _ => {
                let msg = "the compare view's part does not match the settings".to_string();
                return Err(crate::Error::Invalid("worker message", msg));
            }
        }
        self.trainer.flow.set_parameters(&params[..main])?;
        let h = &mut self.trainer.history;
        h.loss.replace_from(update.loss_from, &update.loss);
        h.test.replace_from(update.test_from, &update.test);
        self.progress = update.progress;
        self.metric_due = false;
        if changed {
            self.heatmap.parameters_changed();
        }
        Ok(())
    }

    /// Carries on training from the parameters and the step absorbed last (the worker
    /// that trained them has stopped): they become the trainer's checkpoint, and its
    /// optimiser starts afresh. Nothing is sent again that the other lab has.
    pub fn resume(&mut self) {
        self.trainer.resume_at(self.progress.step);
        if let Some(d) = &mut self.comparison {
            d.rival.resume_at(self.progress.step);
        }
        self.mark_sent();
    }
}
