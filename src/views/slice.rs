//! The factorisation `p(x) = p(x_a) p(x_b | x_a)` on a grid: a conditional along the line
//! `x_a = c` and its CDF `F(x_b | x_a = c)` (the `z_i = F_i(x_i | x_<i)` of an
//! autoregressive flow, before `Phi^-1`), and a marginal `p(x_a)`. Both are shown on the
//! view but normalised over the whole line: each integrates [`TAIL_WIDTHS`] view widths past
//! either end (to `[-16, 16]` for the default `[-4, 4]`), so a model with mass outside the
//! view shows a curve of mass below 1 and a CDF from `F(lo)` to `F(hi)`.

use crate::numeric::grid::Window;

/// View widths past each end of the view that the slice's curves integrate.
pub const TAIL_WIDTHS: f32 = 1.5;
/// How many times wider than the view's cells the tails' cells are.
pub const TAIL_COARSENESS: usize = 4;

/// A density on the cell centres of a 1-D lattice, with its CDF at the right cell edges.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// The cell centres.
    pub at: Vec<f32>,
    /// The density at each centre (integrates to 1 on the lattice).
    pub p: Vec<f64>,
    /// `F` at each cell's right edge: non-decreasing, ending at `F(hi)` (1 when
    /// normalised on the view alone).
    pub cdf: Vec<f64>,
    /// `F(lo)`: the mass below the view (0 when normalised on the view alone).
    pub below: f64,
}

impl Curve {
    /// `n` equal cells over `[lo, hi]`, normalised from log-densities at their centres
    /// (non-finite values count as zero). `None` when nothing has mass.
    pub fn from_log(lo: f32, hi: f32, log_p: &[f64]) -> Option<Curve> {
        Curve::from_line(&Line::plain(lo, hi, log_p.len()), log_p)
    }

    /// The view's part of a density known along a whole [`Line`]: `log_p` at the line's
    /// cell centres, normalised over all of them. `None` when nothing has mass.
    fn from_line(line: &Line, log_p: &[f64]) -> Option<Curve> {
        let m = max_finite(log_p)?;
        let mass: Vec<f64> = log_p
            .iter()
            .zip(&line.width)
            .map(|(&l, w)| {
                if l.is_finite() {
                    (l - m).exp() * w
                } else {
                    0.0
                }
            })
            .collect();
        let total: f64 = mass.iter().sum();
        let view = line.view.clone();
        let below = mass[..view.start].iter().sum::<f64>() / total;
        let mut acc = below;
        let cdf = mass[view.clone()]
            .iter()
            .map(|v| {
                acc += v / total;
                acc.min(1.0)
            })
            .collect();
        let p = view
            .clone()
            .map(|i| mass[i] / total / line.width[i])
            .collect();
        Some(Curve {
            at: line.at[view].to_vec(),
            p,
            cdf,
            below,
        })
    }

    /// `n = p.len()` equal cells over `[lo, hi]` holding a density `p` that is already
    /// normalised over the whole line, with `below` its mass below `lo`.
    pub fn from_density(lo: f32, hi: f32, p: Vec<f64>, below: f64) -> Curve {
        let h = (hi - lo) as f64 / p.len().max(1) as f64;
        let mut acc = below;
        let cdf = p
            .iter()
            .map(|v| {
                acc += v * h;
                acc.min(1.0)
            })
            .collect();
        let at = (0..p.len())
            .map(|i| lo + (i as f32 + 0.5) * h as f32)
            .collect();
        Curve { at, p, cdf, below }
    }

    /// The cell width.
    pub fn step(&self) -> f64 {
        match self.at.as_slice() {
            [a, b, ..] => (*b - *a) as f64,
            _ => 1.0,
        }
    }

    /// `sum p * width`: the mass in view (1 for a curve normalised on the view alone).
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

/// The cells of a whole line: `n` equal cells over `[lo, hi]` and, either side,
/// [`TAIL_WIDTHS`] view widths in cells [`TAIL_COARSENESS`] times as wide.
#[derive(Debug, Clone)]
struct Line {
    at: Vec<f32>,
    width: Vec<f64>,
    /// Where the view's cells are in `at`.
    view: std::ops::Range<usize>,
}

/// The largest finite value, if any.
fn max_finite(values: &[f64]) -> Option<f64> {
    let m = values
        .iter()
        .cloned()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    m.is_finite().then_some(m)
}

impl Line {
    /// `n` equal cells over `[lo, hi]` and nothing past them.
    fn plain(lo: f32, hi: f32, n: usize) -> Line {
        let h = (hi - lo) / n as f32;
        Line {
            at: (0..n).map(|i| lo + (i as f32 + 0.5) * h).collect(),
            width: vec![h as f64; n],
            view: 0..n,
        }
    }

    /// `n` equal cells over `[lo, hi]` with coarser tail cells past both ends.
    fn new(lo: f32, hi: f32, n: usize) -> Line {
        let middle = Line::plain(lo, hi, n);
        let tail = ((TAIL_WIDTHS * n as f32) as usize / TAIL_COARSENESS).max(1);
        let wide = middle.width[0] as f32 * TAIL_COARSENESS as f32;
        let left = (0..tail).rev().map(|k| lo - (k as f32 + 0.5) * wide);
        let right = (0..tail).map(|k| hi + (k as f32 + 0.5) * wide);
        let at: Vec<f32> = left.chain(middle.at).chain(right).collect();
        let mut width = vec![wide as f64; tail];
        width.extend(middle.width);
        width.extend(vec![wide as f64; tail]);
        Line {
            at,
            width,
            view: tail..tail + n,
        }
    }
}

/// The points `(x_a = at, x_b)` for `x_b` at each of `bs`, row-major `n x 2`.
fn points_on(axis: usize, at: f32, bs: &[f32]) -> Vec<f32> {
    bs.iter()
        .flat_map(|&b| if axis == 0 { [at, b] } else { [b, at] })
        .collect()
}

/// The conditional `p(x_b | x_a = at)` on `n` cells across `window`, normalised over the
/// whole line (see the module), from a log-density of row-major points.
pub fn conditional(
    window: Window,
    axis: usize,
    at: f32,
    n: usize,
    log_density: impl Fn(&[f32]) -> Vec<f64>,
) -> Option<Curve> {
    let (lo, hi) = range(window, 1 - axis);
    let line = Line::new(lo, hi, n);
    Curve::from_line(&line, &log_density(&points_on(axis, at, &line.at)))
}

/// How many points [`marginal_of`] evaluates for `n` cells a side.
pub fn marginal_points(n: usize) -> usize {
    n * Line::new(0.0, 1.0, n).at.len()
}

/// The marginal `p(x_a)` on `n` cells of `x_a` across `window` (and the tails) from a
/// marginal log-density known in closed form or as a 1-D integral: one evaluation a cell.
pub fn marginal_from(
    window: Window,
    axis: usize,
    n: usize,
    log_marginal: impl Fn(&[f32]) -> Vec<f64>,
) -> Option<Curve> {
    let (lo, hi) = range(window, axis);
    let along = Line::new(lo, hi, n);
    Curve::from_line(&along, &log_marginal(&along.at))
}

/// The marginal `p(x_a)` of a density on `n` cells of `x_a` across `window`, each
/// integrating `x_b` over the whole line (`n` cells in view and the tails), so its mass is
/// what the density puts at those `x_a` wherever `x_b` is: [`marginal_points`] evaluations.
pub fn marginal_of(
    window: Window,
    axis: usize,
    n: usize,
    log_density: impl Fn(&[f32]) -> Vec<f64>,
) -> Option<Curve> {
    let (lo, hi) = range(window, axis);
    let (blo, bhi) = range(window, 1 - axis);
    let (along, across) = (Line::new(lo, hi, n), Line::new(blo, bhi, n));
    let points: Vec<f32> = along
        .at
        .iter()
        .flat_map(|&a| points_on(axis, a, &across.at))
        .collect();
    let log_p = log_density(&points);
    let top = max_finite(&log_p)?;
    // Each x_a cell's mass relative to the peak: sum over x_b of p * width; the scale
    // cancels in the normalisation.
    let logs: Vec<f64> = log_p
        .chunks(across.at.len())
        .map(|row| {
            row.iter()
                .zip(&across.width)
                .map(|(&l, w)| {
                    if l.is_finite() {
                        (l - top).exp() * w
                    } else {
                        0.0
                    }
                })
                .sum::<f64>()
                .ln()
        })
        .collect();
    Curve::from_line(&along, &logs)
}
