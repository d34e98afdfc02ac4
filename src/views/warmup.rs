//! The one-dimensional warm-up: the change of variables before any flow. A standard
//! normal `z` is pushed through a monotone map `x = f(z) = t + e^s g(z)`, where `g` is the
//! spline a spline layer uses (`flow::spline`), bent through knots the student drags, and
//! `t`, `s` the affine layer's shift and log-scale. Then `p_X(x) = p_Z(z) / |dx/dz|` at
//! `z = f^-1(x)`: where the map stretches, probability spreads over more room and the
//! density falls by exactly the stretch. A point `z0` with an interval around it shows it
//! with numbers: the interval's image holds the same probability over `dx/dz` times the
//! width.

use super::latent::normal_cdf;
use crate::flow::spline::{derivative_shift, Spline, MIN_BIN, MIN_DERIVATIVE};
use std::ops::RangeInclusive;

/// The spline bends `[-BOUND, BOUND]` and is the identity outside.
pub const BOUND: f32 = 3.0;
/// Bins of the spline: `BINS - 1` interior knots to drag.
pub const BINS: usize = 4;
/// The least height of a bin: the flattest the map can be is `GAP / (2 BOUND / BINS)`.
pub const GAP: f32 = 0.15;
/// The log-scale `s` the slider offers.
pub const LOG_SCALES: RangeInclusive<f32> = -1.0..=1.0;
/// The shift `t` the slider offers.
pub const SHIFTS: RangeInclusive<f32> = -3.0..=3.0;
/// The interval's width in `z` the slider offers.
pub const WIDTHS: RangeInclusive<f32> = 0.05..=1.0;
/// Both axes, `z` and `x`, show `[-VIEW, VIEW]`.
pub const VIEW: f32 = 6.0;

/// The standard normal density.
pub fn normal_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// `softplus^-1(v) = ln(e^v - 1)`, for `v > 0`.
fn inverse_softplus(v: f32) -> f32 {
    v + (-(-v).exp_m1()).ln()
}

/// The warm-up's state: the map and the point.
#[derive(Debug, Clone, PartialEq)]
pub struct Warmup {
    /// `g` at the interior knots `z = -BOUND + k 2 BOUND / BINS`, `k = 1..BINS-1`.
    pub knots: [f32; BINS - 1],
    /// The log-scale `s`.
    pub log_scale: f32,
    /// The shift `t`.
    pub shift: f32,
    /// The point `z0`.
    pub at: f32,
    /// The interval's width in `z`.
    pub width: f32,
}

impl Default for Warmup {
    /// An affine map that stretches by `e^0.4 = 1.49` (knots on the diagonal, `t = 0`), so
    /// the first sight already shows a lower, wider density; the point at `z0 = 0.5`.
    fn default() -> Self {
        Warmup {
            knots: std::array::from_fn(|k| Self::knot_z(k + 1)),
            log_scale: 0.4,
            shift: 0.0,
            at: 0.5,
            width: 0.4,
        }
    }
}

/// What the panel says at the point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    /// `z0`.
    pub z: f64,
    /// `p_Z(z0)`.
    pub p_z: f64,
    /// `x0 = f(z0)`.
    pub x: f64,
    /// `dx/dz` at `z0`.
    pub slope: f64,
    /// `p_X(x0) = p_Z(z0) / (dx/dz)`.
    pub p_x: f64,
    /// The interval in `z`, centred on `z0`.
    pub z_interval: [f64; 2],
    /// Its image in `x`.
    pub x_interval: [f64; 2],
    /// The probability both hold, `Phi(b) - Phi(a)`.
    pub mass: f64,
}

impl Warmup {
    /// Where knot `k` (`0..=BINS`) sits in `z`.
    pub fn knot_z(k: usize) -> f32 {
        -BOUND + k as f32 * 2.0 * BOUND / BINS as f32
    }

    /// `g` at every knot, the two ends included (`-BOUND`, `BOUND`).
    pub fn knot_values(&self) -> [f32; BINS + 1] {
        std::array::from_fn(|k| match k {
            0 => -BOUND,
            BINS => BOUND,
            _ => self.knots[k - 1],
        })
    }

    /// The knots as points `(z, f(z))` of the map, ends included.
    pub fn knot_points(&self) -> Vec<[f32; 2]> {
        let scale = self.log_scale.exp();
        (0..=BINS)
            .zip(self.knot_values())
            .map(|(k, g)| [Self::knot_z(k), self.shift + scale * g])
            .collect()
    }

    /// Moves interior knot `k` (`1..BINS`) to `f(z_k) = x`, kept between its neighbours
    /// by at least `GAP` in `g` so the map stays increasing.
    pub fn drag_knot(&mut self, k: usize, x: f32) {
        if !(1..BINS).contains(&k) || !x.is_finite() {
            return;
        }
        let g = (x - self.shift) / self.log_scale.exp();
        let v = self.knot_values();
        let lo = v[k - 1] + GAP;
        self.knots[k - 1] = g.min(v[k + 1] - GAP).max(lo);
    }

    /// Puts the knots back on the diagonal: `g` is the identity, the map affine.
    pub fn straighten(&mut self) {
        self.knots = Warmup::default().knots;
    }

    /// Sets `s`, `t`, the point or the width, each clamped to what its control offers;
    /// a value that is not a number changes nothing.
    pub fn set(&mut self, log_scale: f32, shift: f32, at: f32, width: f32) {
        let keep = |v: f32, old: f32, r: &RangeInclusive<f32>| {
            if v.is_finite() {
                v.clamp(*r.start(), *r.end())
            } else {
                old
            }
        };
        self.log_scale = keep(log_scale, self.log_scale, &LOG_SCALES);
        self.shift = keep(shift, self.shift, &SHIFTS);
        self.at = keep(at, self.at, &(-VIEW..=VIEW));
        self.width = keep(width, self.width, &WIDTHS);
    }

    /// The spline `g` through the knots: equal bins, each knot's derivative the harmonic
    /// mean of its two bins' slopes (1 at the ends, where the identity tails join).
    pub fn spline(&self) -> Spline {
        let v = self.knot_values();
        let span = 2.0 * BOUND;
        let w = span / BINS as f32;
        let slope = |k: usize| (v[k + 1] - v[k]) / w;
        let mut raw = [0.0f32; 3 * BINS - 1];
        for k in 0..BINS {
            raw[BINS + k] = ((v[k + 1] - v[k]) / span - MIN_BIN).ln();
        }
        for j in 1..BINS {
            let (a, b) = (slope(j - 1), slope(j));
            let d = 2.0 * a * b / (a + b);
            raw[2 * BINS + j - 1] = inverse_softplus(d - MIN_DERIVATIVE) - derivative_shift();
        }
        Spline::from_raw(&raw, BOUND)
    }

    /// `x = f(z)` and `dx/dz` of many `z`.
    pub fn forward(&self, zs: &[f64]) -> Vec<(f64, f64)> {
        let (g, scale) = (self.spline(), (self.log_scale as f64).exp());
        zs.iter()
            .map(|&z| {
                let (y, log_dy) = g.forward(z as f32);
                (
                    self.shift as f64 + scale * y as f64,
                    scale * (log_dy as f64).exp(),
                )
            })
            .collect()
    }

    /// `z = f^-1(x)` and `dx/dz` there, of many `x`.
    pub fn inverse(&self, xs: &[f64]) -> Vec<(f64, f64)> {
        let (g, scale) = (self.spline(), (self.log_scale as f64).exp());
        xs.iter()
            .map(|&x| {
                let (z, log_dz) = g.inverse(((x - self.shift as f64) / scale) as f32);
                (z as f64, scale * (-log_dz as f64).exp())
            })
            .collect()
    }

    /// `p_X(x) = p_Z(f^-1(x)) / |dx/dz|` of many `x`.
    pub fn density_x(&self, xs: &[f64]) -> Vec<f64> {
        self.inverse(xs)
            .into_iter()
            .map(|(z, slope)| normal_pdf(z) / slope)
            .collect()
    }

    /// The numbers at the point and its interval.
    pub fn reading(&self) -> Reading {
        let (z, half) = (self.at as f64, 0.5 * self.width as f64);
        let z_interval = [z - half, z + half];
        let mapped = self.forward(&[z, z_interval[0], z_interval[1]]);
        let (x, slope) = mapped[0];
        Reading {
            z,
            p_z: normal_pdf(z),
            x,
            slope,
            p_x: normal_pdf(z) / slope,
            z_interval,
            x_interval: [mapped[1].0, mapped[2].0],
            mass: normal_cdf(z_interval[1]) - normal_cdf(z_interval[0]),
        }
    }

    /// The share of `X`'s probability in the view `[-VIEW, VIEW]`: `Phi` of its ends'
    /// preimages.
    pub fn mass_in_view(&self) -> f64 {
        let ends = self.inverse(&[-VIEW as f64, VIEW as f64]);
        normal_cdf(ends[1].0) - normal_cdf(ends[0].0)
    }
}

/// `n` evenly spaced points from `lo` to `hi`, both included.
pub fn span(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| lo + (hi - lo) * i as f64 / (n - 1).max(1) as f64)
        .collect()
}
