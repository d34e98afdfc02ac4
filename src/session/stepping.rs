//! Training a lab: steps in a time budget (with the compare view's turns by time), one
//! step on request, and the speed the status line shows.

use super::comparison::SCORE_EVERY_MS;
use super::lab::Lab;

impl Lab {
    /// Trains until `budget_ms` of `now()` has passed (at least one step); returns the steps.
    /// The speed shown is steps per second of wall time over the last second, so it counts
    /// the time the page spends drawing too. (Steps shared with helper threads are driven
    /// from outside, [`super::helpers`], between [`Self::train_start`] and
    /// [`Self::train_end`].)
    pub fn train(&mut self, budget_ms: f64, now: &mut dyn FnMut() -> f64) -> usize {
        let start = now();
        self.train_start(start);
        let mut steps = 0;
        let mut before = start;
        loop {
            // In the compare view the two flows take turns by time: each step goes to the
            // one that has trained for less, so both get half the time whatever a step of
            // each costs.
            let rival = self
                .comparison
                .as_ref()
                .is_some_and(|d| d.spent_ms[1] < d.spent_ms[0]);
            if rival {
                self.rival_step();
            } else {
                self.trainer.step();
                self.after_step();
                steps += 1;
            }
            let after = now();
            if let Some(d) = &mut self.comparison {
                d.spent_ms[usize::from(rival)] += after - before;
            }
            // Scoring is charged to neither.
            before = if self.score_due(false) { now() } else { after };
            if after - start >= budget_ms {
                break;
            }
        }
        self.train_end(now());
        steps
    }

    /// Before a stretch of training that starts at `start` (ms): the pending changes
    /// applied, the flow evaluated, the speed's clock started.
    pub fn train_start(&mut self, start: f64) {
        self.apply();
        self.evaluate();
        self.speed.start(start, self.trainer.step_count());
    }

    /// After a stretch of training that ended at `end` (ms): the speed shown, in steps per
    /// second of wall time over the last second.
    pub fn train_end(&mut self, end: f64) {
        if let Some(speed) = self.speed.end(end, self.trainer.step_count()) {
            self.progress.steps_per_second = speed;
        }
    }

    /// What the lab records after each of its trainer's steps.
    pub(super) fn after_step(&mut self) {
        self.heatmap.parameters_changed();
        self.progress.step = self.trainer.step_count();
        // The trainer evaluates itself every EVAL_EVERY steps.
        if self.evaluated_now() {
            self.read_metric();
        }
        self.describe_events();
    }

    /// Scores the compare view's models if the lab's trainer has just evaluated itself and
    /// they have trained for [`SCORE_EVERY_MS`] since the last scores (or `now`); true if
    /// it did.
    fn score_due(&mut self, now: bool) -> bool {
        let step = self.trainer.step_count();
        let evaluated = self.evaluated_now();
        match &mut self.comparison {
            Some(d)
                if evaluated
                    && d.scores.is_none_or(|s| s.step != step)
                    && (now || d.spent_ms.iter().sum::<f64>() >= d.scored_ms + SCORE_EVERY_MS) =>
            {
                d.score(&self.trainer);
                true
            }
            _ => false,
        }
    }

    /// One step of the compare view's rival.
    fn rival_step(&mut self) {
        if let Some(comparison) = &mut self.comparison {
            comparison.rival.step();
            self.heatmap.parameters_changed();
        }
    }

    /// Whether the trainer's last evaluation was at its current step.
    fn evaluated_now(&self) -> bool {
        self.trainer.history.latest.map(|t| t.0) == Some(self.trainer.step_count())
    }

    /// Takes one step and evaluates after it (the page's "step" button), unless the
    /// trainer just did.
    pub fn step_once(&mut self) {
        self.apply();
        self.evaluate();
        self.rival_step();
        self.trainer.step();
        self.after_step();
        if !self.evaluated_now() {
            self.refresh_metric();
            self.describe_events();
        }
        self.score_due(true);
    }

    /// Goes back to the best model the trainer measured (its lowest test metric), which
    /// it then measures again; its step, or `None` when the model is already the best.
    pub fn restore_best(&mut self) -> Option<u64> {
        let step = self.trainer.restore_best()?;
        self.heatmap.parameters_changed();
        self.read_metric();
        Some(step)
    }
}
