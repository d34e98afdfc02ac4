//! The heatmap's grid as a lab keeps it: the grid being computed, the last complete one,
//! and the versions of the parameters they belong to.

use super::grid_job::GridJob;
use crate::flow::Flow;
use crate::numeric::grid::Density;

/// The heatmap's grid: the one being computed, the last complete one, and the versions of
/// the parameters they belong to (the version changes whenever the parameters do).
#[derive(Debug, Default)]
pub struct Heatmap {
    job: Option<(GridJob, u64)>,
    density: Option<Density>,
    version: u64,
    density_version: u64,
}

impl Heatmap {
    /// The parameters changed (a step, a message from the worker): the grid shown is of
    /// older ones until a new one is done.
    pub(super) fn parameters_changed(&mut self) {
        self.version += 1;
    }

    /// A new flow: no grid of it yet.
    pub(super) fn new_flow(&mut self) {
        self.job = None;
        self.density = None;
        self.version += 1;
    }

    /// Carries on the versions of `old` (a lab this one replaces), so that none repeats.
    pub(super) fn follow(&mut self, old: &Heatmap) {
        self.version = old.version + 1;
    }

    /// Works on a `res x res` grid of `flow` for up to `budget_ms`, `rows` rows a slice:
    /// true when a new complete grid is ready. With `current`, a grid whose parameters
    /// have changed since it began starts again.
    pub(super) fn work_on(
        &mut self,
        flow: &Flow,
        (res, rows): (usize, usize),
        budget_ms: f64,
        now: &mut dyn FnMut() -> f64,
        current: bool,
    ) -> bool {
        let start = now();
        let (mut job, version) = match self.job.take() {
            Some((job, v)) if job.res() == res && (v == self.version || !current) => (job, v),
            _ => (GridJob::new(flow, res), self.version),
        };
        // A large flow's new job takes a while to set up: that counts against the budget.
        let budget_ms = budget_ms - (now() - start);
        if job.work(rows, budget_ms, now) {
            self.take(job.into_density(), version);
            true
        } else {
            self.job = Some((job, version));
            false
        }
    }

    /// Shows `density`, a complete grid of the parameters of `version`.
    pub(super) fn take(&mut self, density: Density, version: u64) {
        self.job = None;
        self.density = Some(density);
        self.density_version = version;
    }

    /// Whether the grid shown is of the current parameters, at least `res` cells wide.
    pub(super) fn settled(&self, res: usize) -> bool {
        self.density_version == self.version
            && self.density.as_ref().is_some_and(|d| d.grid.nx >= res)
    }

    /// Drops the grid being computed (the next one starts afresh).
    pub(super) fn restart(&mut self) {
        self.job = None;
    }

    /// The version of the parameters.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The last complete grid.
    pub fn density(&self) -> Option<&Density> {
        self.density.as_ref()
    }
}
