//! The lab's density grid: computed a slice at a time so that the page never stalls,
//! coarse first for a new flow (so that a picture comes at once whatever its size), and
//! tied to the version of the parameters it was computed from, so that a paused page never
//! shows a picture of parameters it no longer has.

use super::lab::Lab;
use crate::numeric::grid::{Density, Grid, Window};
use crate::{Error, Result};

/// Resolution of the first picture of a new flow.
pub const FIRST_RES: usize = 64;
/// Multiply-adds per slice of grid work: about a millisecond in the browser, so a slice
/// never overshoots a frame's budget by much, whatever the flow's size.
const SLICE_MACS: usize = 4_000_000;
/// Multiply-adds a picture may cost (a few seconds in the browser): a flow so large that a
/// grid would cost more gets a coarser one.
const PICTURE_MACS: f64 = 40e9;

impl Lab {
    /// The resolution of a picture asked for at `most`: halved (down to [`FIRST_RES`])
    /// while a grid would cost more than [`PICTURE_MACS`].
    pub fn picture_res(&self, most: usize) -> usize {
        let per_point = self.density_macs() as f64;
        let mut res = most;
        while res > FIRST_RES && (res * res) as f64 * per_point > PICTURE_MACS {
            res /= 2;
        }
        res
    }

    /// Works on the density grid at [`Self::picture_res`]`(res)` (at most [`FIRST_RES`]
    /// while the flow has no picture yet) for up to `budget_ms`; true when a new complete grid is ready (see
    /// [`Self::density`]). With `current`, a grid whose parameters have changed since it
    /// began starts again (paused: the picture must be the model's); without, it is
    /// finished first (training: a picture slightly behind beats none). The digits have no
    /// map: their picture is the model's images ([`Self::model_images`]), worked on here.
    pub fn grid_work(
        &mut self,
        res: usize,
        budget_ms: f64,
        now: &mut dyn FnMut() -> f64,
        current: bool,
    ) -> bool {
        if !self.has_map() {
            return self.images_work(budget_ms, now, current);
        }
        let res = match self.heatmap.density() {
            None => res.min(FIRST_RES),
            Some(_) => self.picture_res(res),
        };
        let rows = self.slice_rows();
        let flow = &self.trainer.flow;
        self.heatmap
            .work_on(flow, (res, rows), budget_ms, now, current)
    }

    /// Grid rows per slice: [`SLICE_MACS`] over the multiply-adds one density costs.
    fn slice_rows(&self) -> usize {
        (SLICE_MACS / self.density_macs().max(1)).clamp(1, 1024)
    }

    /// Multiply-adds of one density evaluation of the flow.
    fn density_macs(&self) -> usize {
        let flow = &self.trainer.flow;
        flow.macs_per_point(flow.passes_per_density())
    }

    /// Whether the shown density is a grid of the parameters as they are now, at least as
    /// fine as [`Self::picture_res`]`(res)` (the GPU's is finer than the CPU's for the
    /// largest flows).
    /// For the digits, whether the model's images are of the current parameters.
    pub fn grid_settled(&self, res: usize) -> bool {
        !self.rebuild.due()
            && match self.has_map() {
                true => self.heatmap.settled(self.picture_res(res)),
                false => self.images_settled(),
            }
    }

    /// Whether the flow has a density map: it is 2-D.
    pub fn has_map(&self) -> bool {
        self.trainer.flow.dim() == 2
    }

    /// The version of the parameters: it changes whenever they do (a step, a message from
    /// the worker, a rebuild).
    pub fn version(&self) -> u64 {
        self.heatmap.version()
    }

    /// The whole `res x res` grid of the current parameters at once (for a test).
    pub fn density_now(&mut self, res: usize) -> &Density {
        let rows = self.slice_rows();
        let heatmap = &mut self.heatmap;
        heatmap.restart();
        while !heatmap.work_on(
            &self.trainer.flow,
            (res, rows),
            f64::INFINITY,
            &mut || 0.0,
            true,
        ) {}
        heatmap.density().expect("just computed")
    }

    /// The last complete density grid.
    pub fn density(&self) -> Option<&Density> {
        self.heatmap.density()
    }

    /// Takes a complete density grid computed elsewhere (the GPU backend) from the
    /// parameters of `version` on the view window at `res x res`, row-major from the top,
    /// in place of the sliced CPU grid.
    pub fn take_density(&mut self, res: usize, log_p: Vec<f32>, version: u64) -> Result<()> {
        let grid = Grid::new(Window::default(), res, res)?;
        if log_p.len() != res * res {
            let msg = format!("{} values for a {res} x {res} grid", log_p.len());
            return Err(Error::Invalid("density grid", msg));
        }
        self.heatmap.take(Density::new(grid, log_p), version);
        Ok(())
    }
}
