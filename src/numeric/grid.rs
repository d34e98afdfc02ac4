//! A lattice over the view window, the density on it, and what follows from it: the
//! probability mass (`sum p * cell area`, about 1 when the window holds the density) and
//! 1-D slices (the marginal `p(x1)` and the conditional `p(x2 | x1 = c)`).
//!
//! Non-finite log-densities (far from the data an affine flow's scales compound) count as
//! zero density and are counted, never averaged in.

use crate::{Error, Result};

/// An axis-aligned rectangle `[x0, x1] x [y0, y1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// Left edge.
    pub x0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y0: f32,
    /// Top edge.
    pub y1: f32,
}

impl Window {
    /// The square `[-h, h]^2`.
    pub fn square(h: f32) -> Window {
        Window {
            x0: -h,
            x1: h,
            y0: -h,
            y1: h,
        }
    }
}

impl Default for Window {
    /// `[-4, 4]^2`, where every toy data set lives.
    fn default() -> Self {
        Window::square(4.0)
    }
}

/// `nx x ny` cells over a window; cell centres are the evaluation points. Row 0 is the top
/// (largest `x2`), as in an image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    /// The window covered.
    pub window: Window,
    /// Columns (along `x1`).
    pub nx: usize,
    /// Rows (along `x2`).
    pub ny: usize,
}

impl Grid {
    /// A grid with a checked size and window.
    pub fn new(window: Window, nx: usize, ny: usize) -> Result<Grid> {
        if nx == 0 || ny == 0 || nx * ny > 4096 * 4096 {
            return Err(Error::Invalid(
                "grid size",
                format!("{nx} x {ny} is out of range"),
            ));
        }
        let finite = [window.x0, window.x1, window.y0, window.y1]
            .iter()
            .all(|v| v.is_finite());
        if !finite || window.x1 <= window.x0 || window.y1 <= window.y0 {
            return Err(Error::Invalid(
                "window",
                format!("{window:?} is empty or not finite"),
            ));
        }
        Ok(Grid { window, nx, ny })
    }

    /// Cell width along `x1`.
    pub fn dx(&self) -> f32 {
        (self.window.x1 - self.window.x0) / self.nx as f32
    }

    /// Cell height along `x2`.
    pub fn dy(&self) -> f32 {
        (self.window.y1 - self.window.y0) / self.ny as f32
    }

    /// The centre of column `i` (`x1`).
    pub fn x(&self, i: usize) -> f32 {
        self.window.x0 + (i as f32 + 0.5) * self.dx()
    }

    /// The centre of row `j` (`x2`, row 0 at the top).
    pub fn y(&self, j: usize) -> f32 {
        self.window.y1 - (j as f32 + 0.5) * self.dy()
    }

    /// All cell centres, row-major `(ny * nx) x 2`.
    pub fn points(&self) -> Vec<f32> {
        (0..self.ny)
            .flat_map(|j| (0..self.nx).flat_map(move |i| [self.x(i), self.y(j)]))
            .collect()
    }

    /// The density of `log_density` (row-major points in, one log-density per point out).
    pub fn tabulate(&self, log_density: impl Fn(&[f32]) -> Vec<f32>) -> Density {
        Density::new(*self, log_density(&self.points()))
    }
}

/// Log-densities on a grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Density {
    /// The grid they were evaluated on.
    pub grid: Grid,
    /// `log p` at each cell centre, row-major, row 0 at the top.
    pub log_p: Vec<f32>,
    /// How many values were NaN or `+inf` (shown as zero density).
    pub non_finite: usize,
    /// How many values were `-inf` (zero density): in f32 a sound flow's `log p` does not
    /// get there, so these mark a flow whose maps overflowed.
    pub neg_infinite: usize,
}

impl Density {
    /// Wraps values computed on `grid`, counting the non-finite ones.
    pub fn new(grid: Grid, log_p: Vec<f32>) -> Density {
        let count = |f: fn(f32) -> bool| log_p.iter().filter(|v| f(**v)).count();
        Density {
            grid,
            non_finite: count(|v| v.is_nan() || v == f32::INFINITY),
            neg_infinite: count(|v| v == f32::NEG_INFINITY),
            log_p,
        }
    }

    /// `p` at every cell, with non-finite log values taken as zero density.
    pub fn probabilities(&self) -> impl Iterator<Item = f64> + '_ {
        self.log_p
            .iter()
            .map(|&l| if l.is_finite() { (l as f64).exp() } else { 0.0 })
    }

    fn cell_area(&self) -> f64 {
        self.grid.dx() as f64 * self.grid.dy() as f64
    }

    /// `sum p * cell area`: 1 when the window holds all the mass.
    pub fn mass(&self) -> f64 {
        self.probabilities().sum::<f64>() * self.cell_area()
    }
}

/// The lines of a regular grid over `window`: `count` vertical lines then `count`
/// horizontal ones, each `per_line` points from edge to edge, row-major `x1, x2` pairs.
pub fn grid_lines(window: Window, count: usize, per_line: usize) -> Vec<f32> {
    let lerp = |a: f32, b: f32, i: usize, n: usize| a + (b - a) * i as f32 / (n.max(2) - 1) as f32;
    let mut out = Vec::with_capacity(4 * count * per_line);
    for vertical in [true, false] {
        for l in 0..count {
            for p in 0..per_line {
                let (x, y) = if vertical {
                    (
                        lerp(window.x0, window.x1, l, count),
                        lerp(window.y0, window.y1, p, per_line),
                    )
                } else {
                    (
                        lerp(window.x0, window.x1, p, per_line),
                        lerp(window.y0, window.y1, l, count),
                    )
                };
                out.extend([x, y]);
            }
        }
    }
    out
}
