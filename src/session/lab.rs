//! One session of the playground, free of any browser API: the settings, the trainer
//! (rebuilt, a layer at a time if need be, when the settings ask for it) and training. The
//! draws shown on screen are in `draws.rs`, the density grid in `density.rs`, what it sends
//! to and takes from another lab (the training worker) in `handoff.rs`. The web shell only
//! adds a clock and canvases.

use super::codec::Progress;
use super::comparison::Comparison;
use super::display::Draws;
use super::heatmap::Heatmap;
use super::images::Images;
use super::marginals::Marginals;
use super::rebuild::Rebuild;
use super::settings::{Change, Settings};
use super::speed::Speed;
use super::user_points::UserPoints;
use crate::data::{DataSet, Point};
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
    /// The model's images, for the digits (they have no heatmap).
    pub(super) images: Images,
    /// A new flow the settings asked for (see [`Self::set_later`]), while it is due.
    pub(super) rebuild: Rebuild,
    /// Whether the test metric of the current model is still to be evaluated.
    pub(super) metric_due: bool,
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
    /// The model that the last rebuild discarded (see `undo.rs`).
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
            images: Images::default(),
            rebuild: Rebuild::default(),
            metric_due: true,
            sent: [Mark::default(); 2],
            events_seen: (0, 0),
            marginals: Marginals::default(),
            comparison: None,
            points,
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
        self.take(next, change)
    }

    /// Takes another lab's settings whole, as its canonical hash (the training worker
    /// takes the page's: each value was validated once, by the page's [`Self::set_later`]),
    /// needing the most any changed field needs; applied like `set_later`. A hash that is
    /// not another lab's (any field refused) changes nothing and says which.
    pub fn adopt(&mut self, hash: &str) -> Result<Change> {
        let (next, notes) = Settings::from_hash(hash);
        if !notes.is_empty() {
            let why: Vec<&str> = notes
                .iter()
                .map(|n| n.trim_start_matches("link: "))
                .collect();
            return Err(crate::Error::Invalid("settings", why.join("; ")));
        }
        let change = super::fields::FIELDS
            .iter()
            .filter(|f| (f.get)(&self.settings) != (f.get)(&next))
            .map(|f| f.change)
            .min()
            .unwrap_or(Change::View);
        self.take(next, change)
    }

    /// The new settings `next`, whose difference needs `change`: a rebuild is due, or the
    /// trainer takes the live settings at once.
    fn take(&mut self, next: Settings, change: Change) -> Result<Change> {
        if next.objective() == DRAWN && self.points.set().is_none() {
            let msg = format!(
                "draw at least {} points (Draw, under Your data) or import a CSV first",
                crate::data::points::MIN_POINTS
            );
            return Err(crate::Error::Invalid("data set", msg));
        }
        match change {
            Change::Rebuild => {
                self.rebuild.ask(&self.settings);
            }
            Change::Live if !self.rebuild.due() => self.trainer.set_config(next.train_config())?,
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
        self.rebuild.ask(&self.settings);
        self.settings = settings;
        notes
    }

    /// Whether a change waits for its flow to be built.
    pub fn rebuilding(&self) -> bool {
        self.rebuild.due()
    }

    /// Builds the flow the settings describe if a change asked for it; true if it did.
    pub fn apply(&mut self) -> bool {
        self.apply_within(f64::INFINITY, &mut || 0.0)
    }

    /// Builds the flow a change asked for a layer at a time until `budget_ms` (by `now()`)
    /// is spent; true once the new flow is in place (the old one stays until then).
    pub fn apply_within(&mut self, budget_ms: f64, now: &mut dyn FnMut() -> f64) -> bool {
        let Some(flow) = self.rebuild.build(&self.settings, budget_ms, now) else {
            return false;
        };
        let trainer = Trainer::on_points(
            flow,
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
        self.rebuild.ask(&self.settings);
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
