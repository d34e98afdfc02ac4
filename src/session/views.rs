//! What the mechanism views show, computed from the session: a probed point's path, the
//! data in latent and uniform space, the conditional slice with its CDF and the marginals,
//! the warped grid and the density at each stage of the composition. Each is bounded in
//! cost like the sample panels.

use super::display::DISPLAY_POINTS;
use super::draws::{MIN_DISPLAY_POINTS, PANEL_MACS};
use super::lab::Lab;
use crate::data::digits::{held_out, DIM};
use crate::data::flatten;
use crate::numeric::grid::{grid_lines, Density, Grid, Window};
use crate::train::objective::Objective;
use crate::views::latent::{column, histogram, LatentView};
use crate::views::probe::Probe;
use crate::views::slice::{conditional, marginal_from, marginal_of, marginal_points, Curve};

/// Cells across the slice (fewer, down to [`MIN_SLICE_CELLS`], where a flow is so large that
/// 200 density evaluations would cost more than a sample panel).
pub const SLICE_CELLS: usize = 200;
/// The fewest cells across the slice (the largest flow's; 28 densities with the tails).
pub const MIN_SLICE_CELLS: usize = 16;
/// Lines of the warped grid in each direction, and points along each line (fewer for
/// large flows, see [`Lab::warped_grid`]).
pub const GRID_LINES: usize = 9;
const POINTS_PER_LINE: usize = 41;
/// The stage densities' finest resolution (coarser for large flows).
pub const STAGE_RES: usize = 40;
/// Cells of a data marginal: from the exact density on a square grid of this size, or bins
/// of [`MARGINAL_SAMPLES`] draws where the density is not known.
const MARGINAL_CELLS: usize = 64;
const MARGINAL_SAMPLES: usize = 20_000;

/// The warped grid after each stage, with the points on each of its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct WarpedGrid {
    /// `[z, T_1(z), ...]`, each the lines' points as `x1, x2` pairs.
    pub stages: Vec<Vec<f32>>,
    /// Points on each line.
    pub per_line: usize,
}

/// The slice panel's curves.
#[derive(Debug, Clone, PartialEq)]
pub struct SliceView {
    /// `a` of the line `x_a = c` (0 = `x1`).
    pub axis: usize,
    /// `c`.
    pub at: f32,
    /// The model's `p(x_b | x_a = c)`.
    pub model: Option<Curve>,
    /// The data's, where its density is known (the target's, for reverse KL).
    pub truth: Option<Curve>,
    /// The model's marginal `p(x_a)` from the density map.
    pub model_marginal: Option<Curve>,
    /// The data's marginal: exact where known, else a histogram of draws (the target's,
    /// for reverse KL).
    pub data_marginal: Option<Curve>,
}

/// What the latent view maps: data, held-out images, or under a reverse or energy
/// objective exact draws of the target, since the model's own samples would map back to
/// their latent draws whatever the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapped {
    /// Display draws of the data set (forward KL).
    DataPoints,
    /// The digits' held-out images.
    HeldOutImages,
    /// Exact draws of the target (reverse KL, or an energy).
    TargetDraws,
}

impl Mapped {
    /// In words, for the caption.
    pub fn words(self) -> &'static str {
        match self {
            Mapped::DataPoints => "data points",
            Mapped::HeldOutImages => "held-out images",
            Mapped::TargetDraws => "exact draws of the target",
        }
    }
}

impl Lab {
    /// The path of `x` through the layers.
    pub fn probe(&self, x: [f32; 2]) -> Probe {
        self.trainer.flow.probe(&x)
    }

    /// The density map's cell holding `x` and its value, if the map is there and holds it.
    pub fn map_value(&self, x: [f32; 2]) -> Option<([f32; 2], f32)> {
        let d = self.density()?;
        let g = d.grid;
        let i = ((x[0] - g.window.x0) / g.dx()).floor();
        let j = ((g.window.y1 - x[1]) / g.dy()).floor();
        let inside = (0.0..g.nx as f32).contains(&i) && (0.0..g.ny as f32).contains(&j);
        inside.then(|| {
            let (i, j) = (i as usize, j as usize);
            ([g.x(i), g.y(j)], d.log_p[j * g.nx + i])
        })
    }

    /// The coordinate the slice line fixes: the one the last layer treats first (its
    /// factorisation is `p(x_a) p(x_b | x_a)`), or the other one.
    pub fn slice_axis(&self) -> usize {
        let flow = &self.trainer.flow;
        let first = flow.config.layer_ordering(flow.layers.len() - 1)[0];
        if self.settings.slice_other {
            1 - first
        } else {
            first
        }
    }

    /// The slice at `x_a = at`.
    pub fn slice(&mut self, at: f32) -> SliceView {
        let axis = self.slice_axis();
        let window = Window::default();
        let flow = &self.trainer.flow;
        // One panel's budget for the model's two curves: the conditional takes up to a third
        // (the tails add 3/4 of the view's cells, `slice.rs`), the marginal the rest.
        let budget = self.panel_points(flow.passes_per_density());
        let cells = (budget * 4 / 21).clamp(MIN_SLICE_CELLS, SLICE_CELLS);
        let marginal_budget = budget.saturating_sub(cells * 7 / 4);
        let model = conditional(window, axis, at, cells, |p| {
            flow.log_prob_points(p).into_iter().map(f64::from).collect()
        });
        // The truth does not change while the model trains: computed once per line.
        let objective = self.settings.objective();
        let truth = self
            .marginals
            .conditional((objective, axis, at, cells), || match objective {
                Objective::ForwardKl(d) | Objective::ReverseKlData(d) if d.has_exact_density() => {
                    conditional(window, axis, at, cells, |p| d.exact_log_probs(p))
                }
                Objective::ForwardKl(_) | Objective::ReverseKlData(_) | Objective::Digits => None,
                Objective::ReverseKl(t) | Objective::ForwardKlEnergy(t) => {
                    conditional(window, axis, at, cells, |p| {
                        t.log_unnormalised(p).into_iter().map(f64::from).collect()
                    })
                }
            });
        SliceView {
            axis,
            at,
            model,
            truth,
            model_marginal: self.model_marginal(axis, marginal_budget),
            data_marginal: self.data_marginal(axis),
        }
    }

    /// The model's marginal along `axis`, on as many cells as `budget` points allow (16 to
    /// [`MARGINAL_CELLS`]), each integrating the other coordinate over the whole line;
    /// `None` for a flow so large that 16 cells cost more (the largest flow's took 250 ms
    /// a frame).
    fn model_marginal(&self, axis: usize, budget: usize) -> Option<Curve> {
        let flow = &self.trainer.flow;
        let n = (16..=MARGINAL_CELLS)
            .rev()
            .find(|&n| marginal_points(n) <= budget)?;
        marginal_of(Window::default(), axis, n, |p| {
            flow.log_prob_points(p).into_iter().map(f64::from).collect()
        })
    }

    /// The data's (or the target's) marginal along `axis`, computed once per objective.
    fn data_marginal(&mut self, axis: usize) -> Option<Curve> {
        let objective = self.settings.objective();
        if let Some(curve) = self.marginals.get(objective, axis) {
            return curve.clone();
        }
        let window = Window::default();
        let curve = match objective {
            Objective::Digits => None,
            Objective::ReverseKl(t) | Objective::ForwardKlEnergy(t) => {
                marginal_of(window, axis, MARGINAL_CELLS, |p| {
                    t.log_unnormalised(p).into_iter().map(f64::from).collect()
                })
            }
            // Moons' and swissroll's marginals are 1-D integrals of their own: a grid of their
            // 2-D densities took 300 ms natively.
            Objective::ForwardKl(d) | Objective::ReverseKlData(d)
                if d.exact_marginal_log_probs(axis, &[]).is_some() =>
            {
                marginal_from(window, axis, MARGINAL_CELLS, |v| {
                    d.exact_marginal_log_probs(axis, v).unwrap_or_default()
                })
            }
            Objective::ForwardKl(d) | Objective::ReverseKlData(d) if d.has_exact_density() => {
                marginal_of(window, axis, MARGINAL_CELLS, |p| d.exact_log_probs(p))
            }
            Objective::ForwardKl(d) | Objective::ReverseKlData(d) => {
                let x = match self.trainer.points() {
                    Some(p) => flatten(p.points()),
                    None => flatten(&d.sample_seeded(MARGINAL_SAMPLES, 0x5EED)),
                };
                let (lo, hi) = crate::views::slice::range(window, axis);
                let values = column(&x, 2, axis);
                let p = histogram(&values, lo as f64, hi as f64, MARGINAL_CELLS / 2);
                let below = values.iter().filter(|&&v| v < lo as f64).count();
                let below = below as f64 / values.len().max(1) as f64;
                Some(Curve::from_density(lo, hi, p, below))
            }
        };
        self.marginals.put(objective, axis, curve.clone());
        curve
    }

    /// The data (for reverse KL and an energy target, exact draws of the target: the model's own samples would map
    /// back to their latent draws whatever the model; for the digits, the held-out images
    /// with their fixed noise) seen in latent and uniform space.
    /// What the latent view maps.
    pub fn latent_mapped(&self) -> Mapped {
        match self.settings.objective() {
            Objective::ForwardKl(_) => Mapped::DataPoints,
            Objective::Digits => Mapped::HeldOutImages,
            Objective::ReverseKl(_)
            | Objective::ReverseKlData(_)
            | Objective::ForwardKlEnergy(_) => Mapped::TargetDraws,
        }
    }

    /// The latent view of [`Self::latent_mapped`]'s points.
    pub fn latent_view(&self) -> LatentView {
        let flow = &self.trainer.flow;
        let n = self
            .panel_points(flow.passes_per_density())
            .clamp(MIN_DISPLAY_POINTS, DISPLAY_POINTS);
        let x = match self.settings.objective() {
            Objective::ForwardKl(_) => {
                let data = self.draws.data();
                data[..2 * n.min(data.len() / 2)].to_vec()
            }
            Objective::Digits => {
                let x = &held_out().x;
                x[..DIM * n.min(x.len() / DIM)].to_vec()
            }
            Objective::ReverseKl(_)
            | Objective::ReverseKlData(_)
            | Objective::ForwardKlEnergy(_) => {
                let x = self.draws.target();
                x[..2 * n.min(x.len() / 2)].to_vec()
            }
        };
        LatentView::new(flow, &x)
    }

    /// The lines of a regular grid on `[-3, 3]^2` in `z` after each stage: `[z, T_1(z), ...]`.
    /// Bounded like the sample panels: fewer and coarser lines for large flows, none (and
    /// `None`) where even 5 lines of 5 points would cost more.
    pub fn warped_grid(&self) -> Option<WarpedGrid> {
        let flow = &self.trainer.flow;
        let budget = self.panel_points(flow.passes_per_sample());
        let (lines, per_line) = match budget / (2 * GRID_LINES) {
            p if p >= 9 => (GRID_LINES, p.min(POINTS_PER_LINE)),
            _ => (5, (budget / 10).min(POINTS_PER_LINE)),
        };
        (per_line >= 5).then(|| WarpedGrid {
            stages: flow.trace(&grid_lines(Window::square(3.0), lines, per_line)),
            per_line,
        })
    }

    /// The density of each stage `T_k o ... o T_1 (z)`, `k = 0..K`, on a grid of at most
    /// [`STAGE_RES`] a side, coarser for large flows (all stages together cost about a
    /// sample panel), or `None` below 8 a side.
    pub fn stage_densities(&self) -> Option<Vec<Density>> {
        let flow = &self.trainer.flow;
        let k = flow.layers.len();
        // Stage s costs s/K of a density: all of them (K + 1) / 2 densities per point.
        let per_point = flow.macs_per_point(flow.passes_per_density()) * (k + 1) / 2;
        let res = ((PANEL_MACS / per_point.max(1)) as f64).sqrt() as usize;
        let side = res.min(STAGE_RES);
        let grid = Grid {
            window: Window::default(),
            nx: side,
            ny: side,
        };
        (res >= 8).then(|| {
            (0..=k)
                .map(|s| grid.tabulate(|p| flow.stage_log_prob(p, s)))
                .collect()
        })
    }
}
