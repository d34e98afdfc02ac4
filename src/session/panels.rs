//! What the panels read from a session besides pictures: the status line's numbers and
//! the MADE masks of a flow layer and of the explorer.

use super::lab::Lab;
use super::sync::Progress;
use crate::grid::Density;
use crate::masks::{self, Mask};
use crate::objective::Objective;
use crate::Result;

/// What the status line shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// Where training stands.
    pub progress: Progress,
    /// What `progress.metric` is.
    pub metric_name: &'static str,
    /// The data entropy (the NLL floor), forward KL only.
    pub floor: Option<f64>,
    /// Mass of the last complete density grid.
    pub grid_mass: Option<f64>,
    /// Non-finite values in that grid.
    pub non_finite: usize,
    /// MADE passes per density evaluation / per sample.
    pub passes: (usize, usize),
}

impl Lab {
    /// Degrees and masks of layer `layer` (1-based) of the flow.
    pub fn layer_masks(&self) -> (Vec<Vec<usize>>, Vec<Mask>) {
        let k = self.settings.layer.clamp(1, self.trainer.flow.layers.len()) - 1;
        let made = &self.trainer.flow.layers[k].made;
        (
            made.degrees.clone(),
            made.masks().into_iter().cloned().collect(),
        )
    }

    /// Degrees and masks of the explorer's MADE.
    pub fn explorer_masks(&self) -> Result<(Vec<Vec<usize>>, Vec<Mask>)> {
        let s = &self.settings;
        let (o, rule) = s.explorer();
        let degrees = masks::degrees(&masks::ordering(s.mdim, o), &s.mhidden, rule)?;
        let masks = masks::masks(&degrees);
        Ok((degrees, masks))
    }

    /// What the status line shows.
    pub fn status(&self) -> Status {
        let forward = matches!(self.settings.objective(), Objective::ForwardKl(_));
        let floor = match self.settings.objective() {
            Objective::ForwardKl(d) => Some(d.entropy()),
            Objective::ReverseKl(_) => None,
        };
        Status {
            progress: self.progress.clone(),
            metric_name: if forward { "test NLL" } else { "KL estimate" },
            floor,
            grid_mass: self.density.as_ref().map(Density::mass),
            non_finite: self.density.as_ref().map_or(0, |d| d.non_finite),
            passes: (
                self.trainer.flow.passes_per_density(),
                self.trainer.flow.passes_per_sample(),
            ),
        }
    }
}
