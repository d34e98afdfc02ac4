//! The element-wise map of an autoregressive layer (the "transformer" of the flow
//! literature; the MADE is its conditioner): each coordinate `u_i` goes through a monotone
//! map whose parameters are the MADE's outputs for coordinate `i`. Affine,
//! `y = u a + t` (two numbers per coordinate, the scale through [`Scale`]), or the
//! rational-quadratic spline of [`crate::flow::spline`] (`3K - 1` numbers per coordinate).
//!
//! The MADE's `P` outputs per coordinate come in `P` blocks of `D` (output `j` belongs to
//! coordinate `j mod D`): for the affine map `s` then `t`; for the spline the `K` widths,
//! the `K` heights, then the `K - 1` interior derivatives. Both the tensor path (with its
//! tape) and the plain path (one coordinate at a time) read them here.

use crate::flow::scale::Scale;
use crate::flow::spline::{Spline, MAX_BINS};
use crate::flow::spline_tensor;
use crate::numeric::tensor::{row_sum, Col, Dev, Mat};
use dfdx::prelude::*;

/// The spline's interval `[-B, B]`: the view window `[-4, 4]^2` with a margin, which also
/// holds nearly all of the `N(0, I)` prior's mass; outside it the map is the identity.
pub const SPLINE_BOUND: f32 = 5.0;
/// Spline bins when none are chosen.
pub const DEFAULT_BINS: usize = 8;
/// The fewest and most bins a spline may have.
pub const BINS_RANGE: std::ops::RangeInclusive<usize> = 2..=MAX_BINS;

/// How an autoregressive layer maps each coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transformer {
    /// `y = u a + t`, `a` from the first output through the scale.
    Affine(Scale),
    /// A monotone rational-quadratic spline of this many bins on `[-B, B]`.
    Spline {
        /// `K`.
        bins: usize,
    },
}

/// Reorders the block layout `(n, P D)` to the coordinate-major
/// `(n D, P)`: one row per (point, coordinate).
fn by_coordinate<T: Tape<f32, Dev>>(raw: Mat<T>, d: usize) -> Mat<T> {
    let (n, pd) = (raw.shape().0, raw.shape().1);
    let p = pd / d;
    let mut perm = vec![0.0; pd * pd];
    for i in 0..d {
        for b in 0..p {
            perm[(b * d + i) * pd + i * p + b] = 1.0;
        }
    }
    let perm: Mat = raw.device().tensor_from_vec(perm, (pd, pd));
    raw.matmul(perm).reshape_like(&(n * d, p))
}

impl Transformer {
    /// The MADE outputs one coordinate needs: 2 (affine) or `3K - 1` (spline).
    pub fn outputs_per_coordinate(self) -> usize {
        match self {
            Transformer::Affine(_) => 2,
            Transformer::Spline { bins } => 3 * bins - 1,
        }
    }

    /// The direct map `y = tau(u; raw)` of every coordinate, and `log|det dy/du|` per row:
    /// `u` is `n x D`, `raw` the MADE's `n x P D` outputs.
    pub fn forward<T: Tape<f32, Dev>>(self, u: Mat<T>, raw: Mat<T>) -> (Mat<T>, Col<T>) {
        self.each(u, raw, false)
    }

    /// The inverse map `u = tau^-1(y; raw)` and `log|det du/dy|` per row.
    pub fn inverse<T: Tape<f32, Dev>>(self, y: Mat<T>, raw: Mat<T>) -> (Mat<T>, Col<T>) {
        self.each(y, raw, true)
    }

    fn each<T: Tape<f32, Dev>>(self, v: Mat<T>, raw: Mat<T>, inverse: bool) -> (Mat<T>, Col<T>) {
        let (n, d) = (v.shape().0, v.shape().1);
        match self {
            Transformer::Affine(scale) => {
                // Two disjoint slices, each taken once: safe although dfdx 0.13's slice
                // backward assigns rather than adds (see `tensor::column`).
                let s = raw.with_empty_tape().slice((.., 0..d));
                let t = raw.slice((.., d..2 * d));
                let ls = scale.log_scale(s);
                let sum = row_sum(ls.with_empty_tape());
                match inverse {
                    false => (v * ls.exp() + t, sum),
                    true => ((v - t) * ls.negate().exp(), sum.negate()),
                }
            }
            Transformer::Spline { .. } => {
                let x = v.reshape_like(&(n * d,));
                let raw = by_coordinate(raw, d);
                let (y, ld) = match inverse {
                    false => spline_tensor::forward(x, raw, SPLINE_BOUND),
                    true => spline_tensor::inverse(x, raw, SPLINE_BOUND),
                };
                (y.reshape_like(&(n, d)), row_sum(ld.reshape_like(&(n, d))))
            }
        }
    }

    /// Coordinate `i`'s map from one row of raw outputs (`P D`, block layout), ready to
    /// apply: the plain path (a density grid prepares each coordinate of the layer that
    /// reads the data once per column or row).
    #[inline]
    pub fn prepare(self, raw: &[f32], i: usize, d: usize) -> Prepared {
        match self {
            Transformer::Affine(scale) => Prepared::Affine {
                log_scale: scale.log_scale_f32(raw[i]),
                shift: raw[d + i],
            },
            Transformer::Spline { .. } => Prepared::Spline(self.spline(raw, i, d)),
        }
    }

    /// Coordinate `i`'s direct map at `u` and its `log dy/du`, from one row of raw outputs.
    #[inline]
    pub fn map_one(self, u: f32, raw: &[f32], i: usize, d: usize) -> (f32, f32) {
        self.prepare(raw, i, d).forward(u)
    }

    /// Coordinate `i`'s inverse map at `y` and its `log du/dy`.
    #[inline]
    pub fn inverse_one(self, y: f32, raw: &[f32], i: usize, d: usize) -> (f32, f32) {
        self.prepare(raw, i, d).inverse(y)
    }

    /// Coordinate `i`'s spline from one row of raw outputs (block layout).
    pub fn spline(self, raw: &[f32], i: usize, d: usize) -> Spline {
        let k = (self.outputs_per_coordinate() + 1) / 3;
        Spline::build(k, |b| raw[b * d + i], SPLINE_BOUND)
    }
}

/// One coordinate's map with its parameters worked out (a spline's knots take a few
/// hundred bytes: a grid keeps one per coordinate and column, not per cell).
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Prepared {
    /// `y = u e^(ln a) + t`.
    Affine {
        /// `ln a`.
        log_scale: f32,
        /// `t`.
        shift: f32,
    },
    /// The spline.
    Spline(Spline),
}

impl Prepared {
    /// The direct map at `u` and `log dy/du`.
    #[inline]
    pub fn forward(&self, u: f32) -> (f32, f32) {
        match self {
            Prepared::Affine { log_scale, shift } => (u * log_scale.exp() + shift, *log_scale),
            Prepared::Spline(s) => s.forward(u),
        }
    }

    /// The inverse map at `y` and `log du/dy`.
    #[inline]
    pub fn inverse(&self, y: f32) -> (f32, f32) {
        match self {
            Prepared::Affine { log_scale, shift } => ((y - shift) * (-log_scale).exp(), -log_scale),
            Prepared::Spline(s) => s.inverse(y),
        }
    }
}

/// The transform a flow's settings choose (the affine map takes its scale from the flow's
/// scale setting, the spline its bins from the bins setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// `y = u a + t`.
    Affine,
    /// The rational-quadratic spline.
    Spline,
}

impl Transform {
    /// Both, in the order the page lists them.
    pub const ALL: [Transform; 2] = [Transform::Affine, Transform::Spline];

    /// The name the page, the hash and the CLI use.
    pub fn name(self) -> &'static str {
        match self {
            Transform::Affine => "affine",
            Transform::Spline => "spline",
        }
    }
}
