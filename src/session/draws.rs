//! The draws a lab shows (its [`super::display::Draws`]): the model samples from the fixed
//! latent draws (or from the GPU) and the composition trace, all bounded in cost for large
//! flows.

use super::display::{display_truth, DISPLAY_POINTS};
use super::lab::Lab;
use crate::Result;

/// Points pushed through the layers for the composition view.
pub const TRACE_POINTS: usize = 400;
/// Multiply-adds the sample and composition panels may cost (about 10 ms in the browser).
pub const PANEL_MACS: usize = 40_000_000;
/// The fewest points those panels show, however large the flow.
pub const MIN_DISPLAY_POINTS: usize = 10;

impl Lab {
    /// New display draws (data points and latent points), from the next seed.
    pub fn resample(&mut self) {
        self.draws.next();
        self.redraw();
    }

    pub(super) fn redraw(&mut self) {
        let objective = self.settings.objective();
        let truth = display_truth(objective);
        let points = self.trainer.points();
        self.draws
            .draw(self.settings.seed, objective, points, truth.as_ref());
        self.images.clear();
    }

    /// All the fixed latent draws behind the samples panel, `n x D`.
    pub fn display_latent(&self) -> &[f32] {
        self.draws.latent()
    }

    /// Takes the display samples computed elsewhere from [`Self::display_latent`] (all of
    /// them, `n x D`); [`Self::samples`] returns them until the draws change or
    /// [`Self::drop_outside_samples`].
    pub fn take_samples(&mut self, x: Vec<f32>) -> Result<()> {
        self.draws.take_outside(x)
    }

    /// Back to computing the display samples here.
    pub fn drop_outside_samples(&mut self) {
        self.draws.drop_outside();
    }

    /// Model samples `T(z)` from the fixed display draws (so they move smoothly), `n x D`.
    /// At most [`DISPLAY_POINTS`], fewer (down to [`MIN_DISPLAY_POINTS`]) for flows so large that drawing them
    /// would stall the page: the panels cost about [`PANEL_MACS`] multiply-adds at most.
    pub fn samples(&self) -> Vec<f32> {
        if let Some(x) = self.draws.outside() {
            return x.clone();
        }
        let (n, d) = (self.display_points(DISPLAY_POINTS), self.trainer.flow.dim());
        self.trainer
            .flow
            .to_data_points(&self.draws.latent()[..d * n])
            .0
    }

    /// The composition: the first display draws after each layer (bounded like [`Self::samples`]).
    pub fn trace(&self) -> Vec<Vec<f32>> {
        let (n, d) = (self.display_points(TRACE_POINTS), self.trainer.flow.dim());
        self.trainer.flow.trace(&self.draws.latent()[..d * n])
    }

    /// How many of the draws a panel of at most `most` points shows (all the digits' few).
    fn display_points(&self, most: usize) -> usize {
        let flow = &self.trainer.flow;
        let drawn = self.draws.latent().len() / flow.dim();
        let passes = flow.passes_per_sample();
        self.panel_points(passes)
            .clamp(MIN_DISPLAY_POINTS, most)
            .min(drawn)
    }

    /// How many points a panel can afford at `passes` MADE passes each: about
    /// [`PANEL_MACS`] multiply-adds in all.
    pub(super) fn panel_points(&self, passes: usize) -> usize {
        PANEL_MACS / self.trainer.flow.macs_per_point(passes).max(1)
    }

    /// Display data points for the overlay and the samples panel, flattened `n x D`
    /// (empty for energy targets).
    pub fn data_flat(&self) -> &[f32] {
        self.draws.data()
    }
}
