//! One session of the playground, free of any browser API: the settings, the trainer, the
//! draws shown on screen, and the density grid computed a slice at a time so that the page
//! never stalls. The web shell only adds a clock and canvases.

use super::grid_job::GridJob;
use super::settings::{Change, Settings};
use super::sync::{Progress, Update};
use crate::data::flatten;
use crate::grid::{Density, Grid, Window};
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
/// Multiply-adds the sample and composition panels may cost (tens of ms in the browser).
pub const PANEL_MACS: usize = 40_000_000;
/// Multiply-adds per slice of grid work: about a millisecond in the browser, so a slice
/// never overshoots a frame's budget by much, whatever the flow's size.
const SLICE_MACS: usize = 4_000_000;

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
    pub(super) job: Option<GridJob>,
    pub(super) density: Option<Density>,
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
            outside_samples: None,
            events_seen: (0, 0),
        };
        lab.redraw();
        lab.refresh_metric();
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

    /// Sets one field; on error nothing changes and the message says why.
    pub fn set(&mut self, key: &str, value: &str) -> Result<Change> {
        let mut next = self.settings.clone();
        let change = next.set(key, value)?;
        match change {
            Change::Rebuild => {
                self.trainer = next.trainer()?;
                self.settings = next;
                self.after_rebuild();
            }
            Change::Live => {
                self.trainer.set_config(next.train_config())?;
                self.settings = next;
            }
            Change::View => self.settings = next,
        }
        Ok(change)
    }

    /// A fresh initialisation with the same settings.
    pub fn reset(&mut self) {
        self.trainer = self
            .settings
            .trainer()
            .expect("the current settings built before");
        self.after_rebuild();
    }

    fn after_rebuild(&mut self) {
        self.events_seen = (0, 0);
        self.progress = Progress::default();
        self.job = None;
        self.density = None;
        self.recent.clear();
        self.redraw();
        self.refresh_metric();
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

    /// Takes a complete density grid computed elsewhere (the GPU backend) on the view
    /// window at `res x res`, row-major from the top, in place of the sliced CPU grid.
    pub fn take_density(&mut self, res: usize, log_p: Vec<f32>) -> Result<()> {
        let grid = Grid::new(Window::default(), res, res)?;
        if log_p.len() != res * res {
            let msg = format!("{} values for a {res} x {res} grid", log_p.len());
            return Err(Error::Invalid("density grid", msg));
        }
        self.job = None;
        self.density = Some(Density::new(grid, log_p));
        Ok(())
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
        self.progress.step = self.trainer.step_count();
        // The trainer evaluates itself every EVAL_EVERY steps.
        if self.evaluated_now() {
            self.read_metric();
        }
        self.describe_events();
    }

    /// Whether the trainer's last evaluation was at its current step.
    fn evaluated_now(&self) -> bool {
        self.trainer.history.test.last().map(|t| t.0) == Some(self.trainer.step_count())
    }

    /// Takes one step and evaluates after it (the page's "step" button), unless the
    /// trainer just did.
    pub fn step_once(&mut self) {
        self.one_step();
        if !self.evaluated_now() {
            self.refresh_metric();
            self.describe_events();
        }
    }

    /// Works on the density grid at `res x res` for up to `budget_ms`; true when a new
    /// complete grid is ready (see [`Self::density`]).
    pub fn grid_work(&mut self, res: usize, budget_ms: f64, now: &mut dyn FnMut() -> f64) -> bool {
        let rows = self.slice_rows();
        let mut job = match self.job.take() {
            Some(job) if job.res() == res => job,
            _ => GridJob::new(&self.trainer.flow, res),
        };
        if job.work(rows, budget_ms, now) {
            self.density = Some(job.into_density());
            true
        } else {
            self.job = Some(job);
            false
        }
    }

    /// Grid rows per slice: [`SLICE_MACS`] over the multiply-adds one density costs.
    fn slice_rows(&self) -> usize {
        let per_point = self
            .trainer
            .flow
            .macs_per_point(self.trainer.flow.passes_per_density());
        (SLICE_MACS / per_point.max(1)).clamp(16, 1024)
    }

    /// The whole grid at once (when paused, or for a test).
    pub fn density_now(&mut self, res: usize) -> &Density {
        self.job = None;
        while !self.grid_work(res, f64::INFINITY, &mut || 0.0) {}
        self.density.as_ref().expect("just computed")
    }

    /// The last complete density grid.
    pub fn density(&self) -> Option<&Density> {
        self.density.as_ref()
    }

    /// Model samples `T(z)` from the fixed display draws (so they move smoothly), `n x 2`.
    /// At most [`DISPLAY_POINTS`], fewer (down to 100) for flows so large that drawing them
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
        (PANEL_MACS / per_point.max(1)).clamp(100, most)
    }

    /// Where training stands, to send to another lab (the page's drawing thread).
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// The parameters to show: the current ones, or, while a rollback's warning is up, the
    /// last good model's (the one the warning names). While training keeps diverging, the
    /// parameters between a bad step and its rollback are garbage; the page draws the
    /// model it would come back to instead of flickering between the two.
    pub fn shown_parameters(&self) -> Vec<f32> {
        match self.progress.event {
            Some(_) => self.trainer.checkpoint_parameters().to_vec(),
            None => self.trainer.flow.parameters(),
        }
    }

    /// What to send to another lab (the page's drawing thread): the progress and the
    /// history entries from these indices on.
    pub fn update(&self, loss_from: usize, test_from: usize) -> Update {
        let h = &self.trainer.history;
        Update {
            progress: self.progress.clone(),
            loss: h.loss.get(loss_from..).unwrap_or_default().to_vec(),
            test: h.test.get(test_from..).unwrap_or_default().to_vec(),
        }
    }

    /// Takes over training progress made elsewhere (a worker with the same settings): its
    /// parameters and its [`Self::update`].
    pub fn absorb(&mut self, params: &[f32], update: Update) -> Result<()> {
        self.trainer.flow.set_parameters(params)?;
        self.trainer.history.loss.extend(update.loss);
        self.trainer.history.test.extend(update.test);
        self.progress = update.progress;
        Ok(())
    }

    /// Display data points for the overlay and the samples panel, flattened `n x 2`
    /// (empty for energy targets).
    pub fn data_flat(&self) -> &[f32] {
        &self.data
    }
}
