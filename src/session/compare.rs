//! What the compare view draws: each model's density on a grid and its samples (the same
//! latent draws pushed through both, so a point can be followed from one to the other),
//! over the contours of the target's density that hold 50, 90 and 99 % of its mass.

use super::comparison::ModelPicture;
use super::display::DISPLAY_POINTS;
use super::draws::MIN_DISPLAY_POINTS;
use super::lab::Lab;
use crate::numeric::grid::{Density, Grid, Window};
use crate::views::contour::mass_levels;

/// Cells a side of each model's map, at most (fewer for a flow too large to afford them:
/// each map gets the panel budget of [`Lab::panel_points`]).
pub const COMPARE_RES: usize = 96;
/// Cells a side of each model's map, at least: a flow whose budget affords fewer shows
/// its samples only (the default flow's budget gives 46 cells a side, the largest flow's
/// 2).
pub const MIN_COMPARE_RES: usize = 16;
/// Cells a side of the target's map (computed once per target).
pub const TARGET_RES: usize = 100;
/// The shares of the target's mass its contours enclose.
pub const CONTOUR_SHARES: [f64; 3] = [0.5, 0.9, 0.99];

/// The compare view's pictures, `[forward-KL model, reverse-KL model]`.
#[derive(Debug, Clone)]
pub struct CompareView {
    /// Each model's `log q` on the grid; none for a flow too large to map within the
    /// panel budget (the samples still show).
    pub densities: Option<[Density; 2]>,
    /// Each model's samples, row-major `n x 2`.
    pub samples: [Vec<f32>; 2],
    /// The target's `log p*` on its own grid.
    pub target: Density,
    /// The contour levels of [`CONTOUR_SHARES`], in `log p*`.
    pub levels: Vec<f32>,
    /// Whether both models' pictures are of their current parameters (while training, one
    /// of them is a view older: see [`Lab::compare_view`]).
    pub current: bool,
}

impl Lab {
    /// The compare view's pictures, if the settings compare objectives. Each call brings
    /// the picture of one model up to date, the older one (both on the first call), and
    /// keeps the other's: a map and samples cost about a panel's budget each, so two per
    /// call would be a long task while training. `current` says when both are up to date.
    pub fn compare_view(&mut self) -> Option<CompareView> {
        let window = Window::default();
        let objective = self.settings.objective();
        let version = self.version();
        let flow = &self.trainer.flow;
        // Each map gets a panel's budget: in this view they are what the student watches.
        let cells = self.panel_points(flow.passes_per_density());
        let res = ((cells as f64).sqrt() as usize).min(COMPARE_RES);
        // Half the sample panel's budget each (a large flow's few samples cost as much as
        // a map: the floor is half the sample panel's too).
        let n = (self.panel_points(flow.passes_per_sample()) / 2)
            .clamp(MIN_DISPLAY_POINTS / 2, DISPLAY_POINTS);
        let latent = self.draws.latent();
        let latent = &latent[..2 * n.min(latent.len() / 2)];
        let comparison = self.comparison.as_mut()?;
        let (target, levels) = comparison.target_grid.get_or_insert_with(|| {
            let grid = Grid::new(window, TARGET_RES, TARGET_RES).expect("a valid grid");
            let target = objective
                .target_density(&grid)
                .expect("a compared target has a density");
            let levels = mass_levels(&target, &CONTOUR_SHARES);
            (target, levels)
        });
        let (target, levels) = (target.clone(), levels.clone());
        let models = comparison.models(&self.trainer);
        let picture = |m: usize| {
            let flow = &models[m].flow;
            let density = (res >= MIN_COMPARE_RES).then(|| {
                let grid = Grid::new(window, res, res).expect("a valid grid");
                grid.tabulate(|p| flow.log_prob_points(p))
            });
            let samples = flow.to_data_points(latent).0;
            ModelPicture {
                density,
                samples,
                version,
            }
        };
        let kept = &comparison.pictures;
        let due: Vec<usize> = match kept {
            [Some(a), Some(b)] if a.version == version && b.version == version => vec![],
            [Some(a), Some(b)] => vec![usize::from(b.version < a.version)],
            _ => vec![0, 1],
        };
        let fresh: Vec<_> = due.iter().map(|&m| (m, picture(m))).collect();
        for (m, p) in fresh {
            comparison.pictures[m] = Some(p);
        }
        let [Some(a), Some(b)] = &comparison.pictures else {
            unreachable!("both pictures were just made")
        };
        let densities = match (&a.density, &b.density) {
            (Some(da), Some(db)) => Some([da.clone(), db.clone()]),
            _ => None,
        };
        Some(CompareView {
            densities,
            samples: [a.samples.clone(), b.samples.clone()],
            target,
            levels,
            current: a.version == version && b.version == version,
        })
    }
}
