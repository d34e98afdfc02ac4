//! The draws a session shows: data points for the overlay and the samples panel, the fixed
//! latent draws behind the model samples (so that they move smoothly as the model learns),
//! and the composition trace, all bounded in cost for large flows.

use super::lab::Lab;
use crate::data::{flatten, DataSet};
use crate::train::objective::Objective;
use crate::{Error, Result};
use rand::{rngs::StdRng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

/// Points drawn for the samples panel and the data overlay.
pub const DISPLAY_POINTS: usize = 1000;
/// Most of the user's points shown (every k-th beyond it).
pub const MAX_SHOWN_POINTS: usize = 5000;
/// Points pushed through the layers for the composition view.
pub const TRACE_POINTS: usize = 400;
/// Multiply-adds the sample and composition panels may cost (about 10 ms in the browser).
pub const PANEL_MACS: usize = 40_000_000;
/// The fewest points those panels show, however large the flow.
pub const MIN_DISPLAY_POINTS: usize = 10;

impl Lab {
    /// New display draws (data points and latent points), from the next seed.
    pub fn resample(&mut self) {
        self.draw += 1;
        self.redraw();
    }

    pub(super) fn redraw(&mut self) {
        let seed = (self.settings.seed << 16) ^ self.draw ^ 0xD15C;
        let mut rng = StdRng::seed_from_u64(seed);
        self.data = match (self.settings.objective(), self.trainer.points()) {
            // The user's points are shown as they are (every one, up to a cap).
            (Objective::ForwardKl(DataSet::Drawn), Some(p)) => {
                let every = p.points().len().div_ceil(MAX_SHOWN_POINTS);
                flatten(
                    &p.points()
                        .iter()
                        .step_by(every)
                        .copied()
                        .collect::<Vec<_>>(),
                )
            }
            (Objective::ForwardKl(d), _) => flatten(&d.sample(DISPLAY_POINTS, &mut rng)),
            _ => Vec::new(),
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

    /// Model samples `T(z)` from the fixed display draws (so they move smoothly), `n x 2`.
    /// At most [`DISPLAY_POINTS`], fewer (down to [`MIN_DISPLAY_POINTS`]) for flows so large that drawing them
    /// would stall the page: the panels cost about [`PANEL_MACS`] multiply-adds at most.
    pub fn samples(&self) -> Vec<f32> {
        if let Some(x) = &self.outside_samples {
            return x.clone();
        }
        let n = self.display_points(DISPLAY_POINTS);
        self.trainer.flow.to_data_points(&self.latent[..2 * n]).0
    }

    /// The composition: the first display draws after each layer (bounded like [`Self::samples`]).
    pub fn trace(&self) -> Vec<Vec<f32>> {
        let n = self.display_points(TRACE_POINTS);
        self.trainer.flow.trace(&self.latent[..2 * n])
    }

    fn display_points(&self, most: usize) -> usize {
        let passes = self.trainer.flow.passes_per_sample();
        self.panel_points(passes).clamp(MIN_DISPLAY_POINTS, most)
    }

    /// How many points a panel can afford at `passes` MADE passes each: about
    /// [`PANEL_MACS`] multiply-adds in all.
    pub(super) fn panel_points(&self, passes: usize) -> usize {
        PANEL_MACS / self.trainer.flow.macs_per_point(passes).max(1)
    }

    /// Display data points for the overlay and the samples panel, flattened `n x 2`
    /// (empty for energy targets).
    pub fn data_flat(&self) -> &[f32] {
        &self.data
    }
}
