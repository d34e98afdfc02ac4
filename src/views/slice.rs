//! The factorisation `p(x) = p(x_a) p(x_b | x_a)` on a grid: a conditional along the line
//! `x_a = c`, normalised on the line's cells, its CDF `F(x_b | x_a = c)` (the `z_i =
//! F_i(x_i | x_<i)` of an autoregressive flow, before `Phi^-1`), and a marginal `p(x_a)`
//! from a density grid.

use crate::numeric::grid::{Density, Window};

/// A density on the cell centres of a 1-D lattice, with its CDF at the right cell edges.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// The cell centres.
    pub at: Vec<f32>,
    /// The density at each centre (integrates to 1 on the lattice).
    pub p: Vec<f64>,
    /// `F` at each cell's right edge: non-decreasing, ending at 1.
    pub cdf: Vec<f64>,
}

impl Curve {
    /// `n` equal cells over `[lo, hi]`, normalised from log-densities at their centres
    /// (non-finite values count as zero). `None` when nothing has mass.
    pub fn from_log(lo: f32, hi: f32, log_p: &[f64]) -> Option<Curve> {
        let n = log_p.len();
        let h = (hi - lo) as f64 / n as f64;
        let m = log_p
            .iter()
            .cloned()
            .filter(|v| v.is_finite())
            .fold(f64::NEG_INFINITY, f64::max);
        if !m.is_finite() {
            return None;
        }
        let w: Vec<f64> = log_p
            .iter()
            .map(|&l| if l.is_finite() { (l - m).exp() } else { 0.0 })
            .collect();
        let total: f64 = w.iter().sum::<f64>() * h;
        let p: Vec<f64> = w.iter().map(|v| v / total).collect();
        let mut acc = 0.0;
        let mut cdf: Vec<f64> = p
            .iter()
            .map(|v| {
                acc += v * h;
                acc
            })
            .collect();
        // The sum is 1 up to rounding; the last edge is 1 by construction.
        let last = cdf.last().copied().unwrap_or(1.0);
        cdf.iter_mut().for_each(|c| *c = (*c / last).min(1.0));
        let at = (0..n).map(|i| lo + (i as f32 + 0.5) * h as f32).collect();
        Some(Curve { at, p, cdf })
    }

    /// The cell width.
    pub fn step(&self) -> f64 {
        match self.at.as_slice() {
            [a, b, ..] => (*b - *a) as f64,
            _ => 1.0,
        }
    }

    /// `sum p * width`: 1 for a normalised curve.
    pub fn mass(&self) -> f64 {
        self.p.iter().sum::<f64>() * self.step()
    }
}

/// The window's range along coordinate `axis` (0 = `x1`, 1 = `x2`).
pub fn range(window: Window, axis: usize) -> (f32, f32) {
    if axis == 0 {
        (window.x0, window.x1)
    } else {
        (window.y0, window.y1)
    }
}

/// The points `(x_a = at, x_b)` for `n` cell centres of `x_b` across `window`, row-major
/// `n x 2`.
pub fn line(window: Window, axis: usize, at: f32, n: usize) -> Vec<f32> {
    let (lo, hi) = range(window, 1 - axis);
    let h = (hi - lo) / n as f32;
    (0..n)
        .flat_map(|i| {
            let b = lo + (i as f32 + 0.5) * h;
            if axis == 0 {
                [at, b]
            } else {
                [b, at]
            }
        })
        .collect()
}

/// The conditional `p(x_b | x_a = at)` on `n` cells across `window`, from a log-density of
/// row-major points.
pub fn conditional(
    window: Window,
    axis: usize,
    at: f32,
    n: usize,
    log_density: impl Fn(&[f32]) -> Vec<f64>,
) -> Option<Curve> {
    let (lo, hi) = range(window, 1 - axis);
    Curve::from_log(lo, hi, &log_density(&line(window, axis, at, n)))
}

/// The marginal `p(x_a)` of a density grid, `sum_b p * cell height`, normalised on the
/// grid's cells along `axis`.
pub fn marginal(density: &Density, axis: usize) -> Option<Curve> {
    let g = density.grid;
    let p: Vec<f64> = density.probabilities().collect();
    let sums: Vec<f64> = if axis == 0 {
        (0..g.nx)
            .map(|i| (0..g.ny).map(|j| p[j * g.nx + i]).sum())
            .collect()
    } else {
        // Row 0 is the top: reverse so that the curve runs upwards along x2.
        (0..g.ny)
            .rev()
            .map(|j| p[j * g.nx..(j + 1) * g.nx].iter().sum())
            .collect()
    };
    let (lo, hi) = range(g.window, axis);
    let logs: Vec<f64> = sums.iter().map(|s| s.ln()).collect();
    Curve::from_log(lo, hi, &logs)
}
