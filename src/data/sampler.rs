//! Exact-enough samples of a density known only pointwise: tabulate it on a fine grid,
//! draw a cell by inverse CDF, then a uniform point inside the cell. For the energy targets
//! U1-U4 the grid covers the box and its wall (`[-4.3, 4.3]^2`, six wall widths past the
//! box: beyond, the walled density is below `e^-18` of the box's), so the draws include the
//! 1.5-2 % of U2-U4's mass in the wall.

use crate::data::target::{Target, BOX, BOX_SOFTNESS};
use crate::numeric::grid::{Grid, Window};
use rand::{rngs::StdRng, Rng};

/// Cells a side of a target's sampling grid: 1,024 (cells of 0.0084, six per wall width).
pub const SAMPLER_RES: usize = 1024;

/// A piecewise-constant density on a grid, sampled by inverse CDF.
#[derive(Debug, Clone)]
pub struct GridSampler {
    grid: Grid,
    /// The cumulative mass of the cells in row-major order, ending at 1.
    cdf: Vec<f64>,
}

impl GridSampler {
    /// A sampler of `exp(log_density)` on `grid` (any normalisation; non-finite values are
    /// zero mass).
    pub fn new(grid: Grid, log_density: &[f32]) -> GridSampler {
        let top = log_density
            .iter()
            .cloned()
            .filter(|v| v.is_finite())
            .fold(f32::MIN, f32::max);
        let mut acc = 0.0;
        let mut cdf: Vec<f64> = log_density
            .iter()
            .map(|&l| {
                acc += if l.is_finite() {
                    ((l - top) as f64).exp()
                } else {
                    0.0
                };
                acc
            })
            .collect();
        cdf.iter_mut().for_each(|c| *c /= acc);
        GridSampler { grid, cdf }
    }

    /// A sampler of a target's walled density.
    pub fn target(t: Target) -> GridSampler {
        GridSampler::target_at(t, SAMPLER_RES)
    }

    /// A sampler of the energy target `t` on a grid of `res` cells a side (the same
    /// window): coarser is cheaper to build, for a display's few draws.
    pub fn target_at(t: Target, res: usize) -> GridSampler {
        let h = BOX + 6.0 * BOX_SOFTNESS;
        let grid = Grid {
            window: Window::square(h),
            nx: res,
            ny: res,
        };
        GridSampler::new(grid, &t.log_unnormalised(&grid.points()))
    }

    /// `n` draws, row-major `n x 2`.
    pub fn sample(&self, n: usize, rng: &mut StdRng) -> Vec<f32> {
        let g = self.grid;
        (0..n)
            .flat_map(|_| {
                let u: f64 = rng.gen();
                let cell = self.cdf.partition_point(|&c| c < u).min(self.cdf.len() - 1);
                let (i, j) = (cell % g.nx, cell / g.nx);
                let (a, b): (f32, f32) = (rng.gen(), rng.gen());
                [g.x(i) + (a - 0.5) * g.dx(), g.y(j) + (b - 0.5) * g.dy()]
            })
            .collect()
    }
}
