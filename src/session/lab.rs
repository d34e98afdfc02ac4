//! One session of the playground, free of any browser API: the settings, the trainer
//! (rebuilt, a layer at a time if need be, when the settings ask for it) and training. The
//! draws shown on screen are in `draws.rs`, the density grid in `density.rs`, what it sends
//! to and takes from another lab (the training worker) in `handoff.rs`. The web shell only
//! adds a clock and canvases.

use super::duel::{Duel, SCORE_EVERY_MS};
use super::grid_job::GridJob;
use super::settings::{Change, Settings};
use super::sync::Progress;
use crate::flow::FlowBuilder;
use crate::grid::Density;
use crate::history::Mark;
use crate::train::Trainer;
use crate::Result;
use std::collections::VecDeque;

/// The playground's state.
#[derive(Debug)]
pub struct Lab {
    pub(super) settings: Settings,
    pub(super) trainer: Trainer,
    pub(super) draw: u64,
    /// Display data points, flattened `n x 2` (empty for energy targets).
    pub(super) data: Vec<f32>,
    pub(super) latent: Vec<f32>,
    pub(super) progress: Progress,
    pub(super) recent: VecDeque<(f64, u64)>,
    /// The grid being computed, and the parameters' version it belongs to.
    pub(super) job: Option<(GridJob, u64)>,
    pub(super) density: Option<Density>,
    /// The version of the parameters (bumped whenever they change) and the version the
    /// shown density belongs to.
    pub(super) version: u64,
    pub(super) density_version: u64,
    /// Settings changed since the trainer was built (see [`Self::set_later`]), and whether
    /// the test metric of the current model is still to be evaluated.
    pub(super) rebuild_due: bool,
    pub(super) metric_due: bool,
    /// The new flow, while it is built a layer at a time.
    pub(super) building: Option<FlowBuilder>,
    /// How much of the history another lab has been sent (see `handoff.rs`).
    pub(super) sent: [Mark; 2],
    /// Display samples computed elsewhere (the GPU) for the current draws, if any.
    pub(super) outside_samples: Option<Vec<f32>>,
    /// Rollbacks of the trainer already described, and the step of the last one.
    pub(super) events_seen: (usize, u64),
    /// The compare view's rival trainer and scores, when the settings compare objectives.
    pub(super) duel: Option<Duel>,
    /// The data (or target) marginals computed so far (they never change): objective,
    /// axis, curve.
    pub(super) marginals: Vec<(
        crate::objective::Objective,
        usize,
        Option<crate::slice::Curve>,
    )>,
}

impl Lab {
    /// A session with these settings.
    pub fn new(settings: Settings) -> Result<Lab> {
        let trainer = settings.trainer()?;
        let mut lab = Lab {
            settings,
            trainer,
            draw: 0,
            data: Vec::new(),
            latent: Vec::new(),
            progress: Progress::default(),
            recent: VecDeque::new(),
            job: None,
            density: None,
            version: 0,
            density_version: 0,
            rebuild_due: false,
            metric_due: true,
            building: None,
            sent: [Mark::default(); 2],
            outside_samples: None,
            events_seen: (0, 0),
            marginals: Vec::new(),
            duel: None,
        };
        lab.duel = lab
            .settings
            .compare
            .then(|| Duel::new(&lab.trainer))
            .flatten();
        lab.redraw();
        Ok(lab)
    }

    /// A session from a URL hash, with a note for every part that had to be corrected.
    pub fn from_hash(hash: &str) -> (Lab, Vec<String>) {
        let (settings, notes) = Settings::from_hash(hash);
        (Lab::new(settings).expect("validated settings build"), notes)
    }

    /// The current settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The trainer (flow, history).
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// The compare view's rival and scores, when the settings compare objectives.
    pub fn duel(&self) -> Option<&Duel> {
        self.duel.as_ref()
    }

    /// Sets one field and rebuilds the flow if it needs to; on error nothing changes and
    /// the message says why.
    pub fn set(&mut self, key: &str, value: &str) -> Result<Change> {
        let change = self.set_later(key, value)?;
        self.apply();
        Ok(change)
    }

    /// Sets one field, leaving a rebuild it needs to [`Self::apply`]: a burst of changes
    /// (the page's controls, a worker's queue of messages) then builds one flow, not one
    /// per change. Until then the settings are the new ones and the trainer the old one.
    pub fn set_later(&mut self, key: &str, value: &str) -> Result<Change> {
        let mut next = self.settings.clone();
        let change = next.set(key, value)?;
        next.validate()?;
        match change {
            Change::Rebuild => {
                self.rebuild_due = true;
                self.building = None;
            }
            Change::Live if !self.rebuild_due => self.trainer.set_config(next.train_config())?,
            _ => {}
        }
        self.settings = next;
        Ok(change)
    }

    /// Takes the settings of a link (a few notes for what had to be corrected) and builds
    /// their flow at the next [`Self::apply_within`]: a page that opens a link to a large
    /// flow builds it over several frames.
    pub fn load(&mut self, hash: &str) -> Vec<String> {
        let (settings, notes) = Settings::from_hash(hash);
        self.settings = settings;
        self.rebuild_due = true;
        self.building = None;
        notes
    }

    /// Whether a change waits for its flow to be built.
    pub fn rebuilding(&self) -> bool {
        self.rebuild_due
    }

    /// Builds the flow the settings describe if a change asked for it; true if it did.
    pub fn apply(&mut self) -> bool {
        self.apply_within(f64::INFINITY, &mut || 0.0)
    }

    /// Builds the flow a change asked for a layer at a time until `budget_ms` (by `now()`)
    /// is spent; true once the new flow is in place (the old one stays until then).
    pub fn apply_within(&mut self, budget_ms: f64, now: &mut dyn FnMut() -> f64) -> bool {
        if !self.rebuild_due {
            return false;
        }
        let start = now();
        let mut builder = match self.building.take() {
            Some(b) => b,
            None => FlowBuilder::new(self.settings.flow_config()).expect("validated settings"),
        };
        while !builder
            .add_layer()
            .expect("validated settings build every layer")
        {
            if now() - start >= budget_ms {
                self.building = Some(builder);
                return false;
            }
        }
        self.trainer = Trainer::new(builder.finish(), self.settings.train_config())
            .expect("settings that validated build a trainer");
        self.duel = self
            .settings
            .compare
            .then(|| Duel::new(&self.trainer))
            .flatten();
        self.rebuild_due = false;
        self.events_seen = (0, 0);
        self.progress = Progress::default();
        self.job = None;
        self.density = None;
        self.version += 1;
        self.metric_due = true;
        self.sent = [Mark::default(); 2];
        self.recent.clear();
        self.redraw();
        true
    }

    /// A fresh initialisation with the same settings.
    pub fn reset(&mut self) {
        self.reset_later();
        self.apply();
    }

    /// A fresh initialisation with the same settings, at the next [`Self::apply_within`].
    pub fn reset_later(&mut self) {
        self.rebuild_due = true;
        self.building = None;
    }

    /// Evaluates the test metric of a new model if that is still to do (a page that only
    /// draws leaves it to its worker: for a large flow it is seconds of work).
    pub fn evaluate(&mut self) {
        if self.metric_due {
            self.metric_due = false;
            self.refresh_metric();
            if let Some(duel) = &mut self.duel {
                duel.rival.test_metric();
                duel.score(&self.trainer);
            }
        }
    }

    /// Trains until `budget_ms` of `now()` has passed (at least one step); returns the steps.
    /// The speed shown is steps per second of wall time over the last second, so it counts
    /// the time the page spends drawing too.
    pub fn train(&mut self, budget_ms: f64, now: &mut dyn FnMut() -> f64) -> usize {
        self.apply();
        self.evaluate();
        let start = now();
        if self.recent.back().is_some_and(|&(t, _)| start - t > 500.0) {
            self.recent.clear();
        }
        if self.recent.is_empty() {
            self.recent.push_back((start, self.trainer.step_count()));
        }
        let mut steps = 0;
        let mut before = start;
        loop {
            // In the compare view the two flows take turns by time: each step goes to the
            // one that has trained for less, so both get half the time whatever a step of
            // each costs.
            let rival = self
                .duel
                .as_ref()
                .is_some_and(|d| d.spent_ms[1] < d.spent_ms[0]);
            if rival {
                self.rival_step();
            } else {
                self.one_step();
                steps += 1;
            }
            let after = now();
            if let Some(d) = &mut self.duel {
                d.spent_ms[usize::from(rival)] += after - before;
            }
            // Scoring is charged to neither.
            before = if self.score_due(false) { now() } else { after };
            if after - start >= budget_ms {
                break;
            }
        }
        let end = now();
        self.recent.push_back((end, self.trainer.step_count()));
        while self.recent.len() > 2 && end - self.recent[1].0 > 1000.0 {
            self.recent.pop_front();
        }
        let (t0, s0) = self.recent.front().copied().unwrap_or((end, 0));
        let (t1, s1) = (end, self.trainer.step_count());
        if t1 - t0 >= 100.0 {
            self.progress.steps_per_second = (s1 - s0) as f64 / ((t1 - t0) / 1000.0);
        }
        steps
    }

    fn one_step(&mut self) {
        self.trainer.step();
        self.version += 1;
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
        match &mut self.duel {
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
        if let Some(duel) = &mut self.duel {
            duel.rival.step();
            self.version += 1;
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
        self.one_step();
        if !self.evaluated_now() {
            self.refresh_metric();
            self.describe_events();
        }
        self.score_due(true);
    }
}
