//! One session of the playground, free of any browser API: the settings, the trainer
//! (rebuilt, a layer at a time if need be, when the settings ask for it) and training. The
//! draws shown on screen are in `draws.rs`, the density grid in `density.rs`, what it sends
//! to and takes from another lab (the training worker) in `handoff.rs`. The web shell only
//! adds a clock and canvases.

use super::codec::Progress;
use super::comparison::Comparison;
use super::display::Draws;
use super::heatmap::Heatmap;
use super::marginals::Marginals;
use super::settings::{Change, Settings};
use super::speed::Speed;
use super::user_points::UserPoints;
use crate::data::{DataSet, Point};
use crate::flow::FlowBuilder;
use crate::train::history::Mark;
use crate::train::Trainer;
use crate::Result;

/// A model one step back, which undo brings back (`undo.rs`).
#[derive(Debug)]
pub struct Previous {
    pub(super) settings: Settings,
    pub(super) trainer: Trainer,
    pub(super) comparison: Option<Comparison>,
    pub(super) progress: Progress,
}

/// The objective of learning the user's own points.
const DRAWN: crate::train::objective::Objective =
    crate::train::objective::Objective::ForwardKl(DataSet::Drawn);

/// The playground's state.
#[derive(Debug)]
pub struct Lab {
    pub(super) settings: Settings,
    pub(super) trainer: Trainer,
    /// The draws on screen.
    pub(super) draws: Draws,
    pub(super) progress: Progress,
    /// The speed the status line shows.
    pub(super) speed: Speed,
    /// The heatmap's grid and the parameters' version.
    pub(super) heatmap: Heatmap,
    /// Settings changed since the trainer was built (see [`Self::set_later`]), and whether
    /// the test metric of the current model is still to be evaluated.
    pub(super) rebuild_due: bool,
    pub(super) metric_due: bool,
    /// The new flow, while it is built a layer at a time.
    pub(super) building: Option<FlowBuilder>,
    /// How much of the history another lab has been sent (see `handoff.rs`).
    pub(super) sent: [Mark; 2],
    /// Rollbacks of the trainer already described, and the step of the last one.
    pub(super) events_seen: (usize, u64),
    /// The compare view's rival trainer and scores, when the settings compare objectives.
    pub(super) comparison: Option<Comparison>,
    /// The data's (or the target's) marginals computed so far.
    pub(super) marginals: Marginals,
    /// The user's points.
    pub(super) points: UserPoints,
    /// The settings before the change that is waiting to be built, and the model that the
    /// last rebuild discarded (see `undo.rs`).
    pub(super) before: Option<Settings>,
    pub(super) previous: Option<Box<Previous>>,
}

impl Lab {
    /// A session with these settings.
    pub fn new(settings: Settings) -> Result<Lab> {
        Lab::with_points(settings, &[])
    }

    /// A session with these settings and the user's `points` (which the settings may
    /// ask to learn).
    pub fn with_points(settings: Settings, points: &[Point]) -> Result<Lab> {
        let points = UserPoints::new(points)?;
        let trainer = settings.trainer_on(points.set().cloned())?;
        let mut lab = Lab {
            settings,
            trainer,
            draws: Draws::default(),
            progress: Progress::default(),
            speed: Speed::default(),
            heatmap: Heatmap::default(),
            rebuild_due: false,
            metric_due: true,
            building: None,
            sent: [Mark::default(); 2],
            events_seen: (0, 0),
            marginals: Marginals::default(),
            comparison: None,
            points,
            before: None,
            previous: None,
        };
        lab.comparison = lab
            .settings
            .compare
            .then(|| Comparison::new(&lab.trainer))
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
    pub fn comparison(&self) -> Option<&Comparison> {
        self.comparison.as_ref()
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
        if next.objective() == DRAWN && self.points.set().is_none() {
            let msg = format!(
                "draw at least {} points (Draw, under Your data) or import a CSV first",
                crate::data::points::MIN_POINTS
            );
            return Err(crate::Error::Invalid("data set", msg));
        }
        match change {
            Change::Rebuild => {
                self.before.get_or_insert_with(|| self.settings.clone());
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
        let (mut settings, mut notes) = Settings::from_hash(hash);
        if settings.objective() == DRAWN && self.points.set().is_none() {
            settings.data = DataSet::Moons;
            notes.push("link: its data are someone's own points, which this page does not have; using moons (a model file carries the points)".into());
        }
        self.before.get_or_insert_with(|| self.settings.clone());
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
        let trainer = Trainer::on_points(
            builder.finish(),
            self.settings.train_config(),
            self.points.set().cloned(),
        )
        .expect("settings that validated build a trainer");
        let old = std::mem::replace(&mut self.trainer, trainer);
        let comparison = self
            .settings
            .compare
            .then(|| Comparison::new(&self.trainer))
            .flatten();
        let old_duel = std::mem::replace(&mut self.comparison, comparison);
        self.keep_previous(old, old_duel);
        self.rebuild_due = false;
        self.events_seen = (0, 0);
        self.progress = Progress::default();
        self.heatmap.new_flow();
        self.metric_due = true;
        self.sent = [Mark::default(); 2];
        self.speed.clear();
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
        self.before.get_or_insert_with(|| self.settings.clone());
        self.rebuild_due = true;
        self.building = None;
    }

    /// Evaluates the test metric of a new model if that is still to do (a page that only
    /// draws leaves it to its worker: for a large flow it is seconds of work).
    pub fn evaluate(&mut self) {
        if self.metric_due {
            self.metric_due = false;
            self.refresh_metric();
            if let Some(comparison) = &mut self.comparison {
                comparison.rival.test_metric();
                comparison.score(&self.trainer);
            }
        }
    }
}
