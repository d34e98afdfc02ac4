//! One session of the playground, free of any browser API: the settings, the trainer and
//! the draws shown on screen. Its density grid is in `density.rs`, what it sends to and
//! takes from another lab (the training worker) in `handoff.rs`. The web shell only adds a
//! clock and canvases.

use super::grid_job::GridJob;
use super::settings::{Change, Settings};
use super::sync::Progress;
use crate::data::flatten;
use crate::grid::Density;
use crate::history::Mark;
use crate::objective::Objective;
use crate::train::Trainer;
use crate::{Error, Result};
use rand::{rngs::StdRng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use std::collections::VecDeque;

/// Points drawn for the samples panel and the data overlay.
pub const DISPLAY_POINTS: usize = 1000;
/// Points pushed through the layers for the composition view.
pub const TRACE_POINTS: usize = 400;
/// Multiply-adds the sample and composition panels may cost (about 10 ms in the browser).
pub const PANEL_MACS: usize = 40_000_000;
/// The fewest points those panels show, however large the flow.
pub const MIN_DISPLAY_POINTS: usize = 25;

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
    /// How much of the history another lab has been sent (see `handoff.rs`).
    pub(super) sent: [Mark; 2],
    /// Display samples computed elsewhere (the GPU) for the current draws, if any.
    pub(super) outside_samples: Option<Vec<f32>>,
    /// Rollbacks of the trainer already described, and the step of the last one.
    pub(super) events_seen: (usize, u64),
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
            sent: [Mark::default(); 2],
            outside_samples: None,
            events_seen: (0, 0),
        };
        lab.redraw();
        Ok(lab)
    }

    /// A session from a URL hash, with a note for every part that had to be corrected.
    pub fn from_hash(hash: &str) -> (Lab, Vec<String>) {
        let (settings, mut notes) = Settings::from_hash(hash);
        match Lab::new(settings) {
            Ok(lab) => (lab, notes),
            Err(e) => {
                notes.push(format!("link: {e}; using the defaults"));
                (
                    Lab::new(Settings::default()).expect("the defaults build"),
                    notes,
                )
            }
        }
    }

    /// The current settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The trainer (flow, history).
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
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
        next.flow_config().validate()?;
        next.train_config().validate()?;
        match change {
            Change::Rebuild => self.rebuild_due = true,
            Change::Live if !self.rebuild_due => self.trainer.set_config(next.train_config())?,
            _ => {}
        }
        self.settings = next;
        Ok(change)
    }

    /// Builds the flow the settings describe if a change asked for it; true if it did.
    pub fn apply(&mut self) -> bool {
        if !self.rebuild_due {
            return false;
        }
        self.trainer = self
            .settings
            .trainer()
            .expect("settings that validated build a trainer");
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
        self.rebuild_due = true;
        self.apply();
    }

    /// Evaluates the test metric of a new model if that is still to do (a page that only
    /// draws leaves it to its worker: for a large flow it is seconds of work).
    pub fn evaluate(&mut self) {
        if self.metric_due {
            self.metric_due = false;
            self.refresh_metric();
        }
    }

    /// New display draws (data points and latent points), from the next seed.
    pub fn resample(&mut self) {
        self.draw += 1;
        self.redraw();
    }

    fn redraw(&mut self) {
        let seed = (self.settings.seed << 16) ^ self.draw ^ 0xD15C;
        let mut rng = StdRng::seed_from_u64(seed);
        self.data = match self.settings.objective() {
            Objective::ForwardKl(d) => flatten(&d.sample(DISPLAY_POINTS, &mut rng)),
            Objective::ReverseKl(_) => Vec::new(),
        };
        self.latent = (0..2 * DISPLAY_POINTS)
            .map(|_| StandardNormal.sample(&mut rng))
            .collect();
        self.outside_samples = None;
    }

    /// All the fixed latent draws behind the samples panel, `n x 2`.
    pub fn display_latent(&self) -> &[f32] {
        &self.latent
    }

    /// Takes the display samples computed elsewhere from [`Self::display_latent`] (all of
    /// them, `n x 2`); [`Self::samples`] returns them until the draws change or
    /// [`Self::drop_outside_samples`].
    pub fn take_samples(&mut self, x: Vec<f32>) -> Result<()> {
        if x.len() != self.latent.len() {
            let msg = format!("{} values for {} draws", x.len(), self.latent.len() / 2);
            return Err(Error::Invalid("samples", msg));
        }
        self.outside_samples = Some(x);
        Ok(())
    }

    /// Back to computing the display samples here.
    pub fn drop_outside_samples(&mut self) {
        self.outside_samples = None;
    }

    /// Trains until `budget_ms` of `now()` has passed (at least one step); returns the steps.
    /// The speed shown is steps per second of wall time over the last second, so it counts
    /// the time the page spends drawing too.
    pub fn train(&mut self, budget_ms: f64, now: &mut dyn FnMut() -> f64) -> usize {
        self.evaluate();
        let start = now();
        if self.recent.back().is_some_and(|&(t, _)| start - t > 500.0) {
            self.recent.clear();
        }
        if self.recent.is_empty() {
            self.recent.push_back((start, self.trainer.step_count()));
        }
        let mut steps = 0;
        loop {
            self.one_step();
            steps += 1;
            if now() - start >= budget_ms {
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

    /// Whether the trainer's last evaluation was at its current step.
    fn evaluated_now(&self) -> bool {
        self.trainer.history.latest.map(|t| t.0) == Some(self.trainer.step_count())
    }

    /// Takes one step and evaluates after it (the page's "step" button), unless the
    /// trainer just did.
    pub fn step_once(&mut self) {
        self.evaluate();
        self.one_step();
        if !self.evaluated_now() {
            self.refresh_metric();
            self.describe_events();
        }
    }

    /// Model samples `T(z)` from the fixed display draws (so they move smoothly), `n x 2`.
    /// At most [`DISPLAY_POINTS`], fewer (down to [`MIN_DISPLAY_POINTS`]) for flows so large that drawing them
    /// would stall the page: the panels cost about [`PANEL_MACS`] multiply-adds at most.
    pub fn samples(&self) -> Vec<f32> {
        if let Some(x) = &self.outside_samples {
            return x.clone();
        }
        let n = self.display_points(DISPLAY_POINTS);
        self.trainer.flow.forward_points(&self.latent[..2 * n]).0
    }

    /// The composition: the first display draws after each layer (bounded like [`Self::samples`]).
    pub fn trace(&self) -> Vec<Vec<f32>> {
        let n = self.display_points(TRACE_POINTS);
        self.trainer.flow.trace(&self.latent[..2 * n])
    }

    fn display_points(&self, most: usize) -> usize {
        let per_point = self
            .trainer
            .flow
            .macs_per_point(self.trainer.flow.passes_per_sample());
        (PANEL_MACS / per_point.max(1)).clamp(MIN_DISPLAY_POINTS, most)
    }

    /// Display data points for the overlay and the samples panel, flattened `n x 2`
    /// (empty for energy targets).
    pub fn data_flat(&self) -> &[f32] {
        &self.data
    }
}
