//! The rational-quadratic spline ([`crate::flow::spline`]) on dfdx tensors, with autodiff: the
//! reference path of the spline transform. Each row's bin is found off the tape (by the
//! plain spline, so both pick the same one) and enters as a constant one-hot row;
//! everything else (softmax, cumulative knots, softplus derivatives, the rational
//! quadratic and, for the inverse, the root of its quadratic) is on the tape, so gradients
//! reach the raw numbers and the input.

use crate::flow::spline::{bin_of, derivative_shift, Spline, MIN_BIN, MIN_DERIVATIVE};
use crate::numeric::tensor::{row_sum, values, Col, Dev, Mat};
use dfdx::prelude::*;

/// A constant `rows x cols` matrix.
fn constant(dev: &Dev, v: Vec<f32>, rows: usize, cols: usize) -> Mat {
    dev.tensor_from_vec(v, (rows, cols))
}

/// A constant vector.
fn col(dev: &Dev, v: Vec<f32>) -> Col {
    let n = v.len();
    dev.tensor_from_vec(v, (n,))
}

/// The `p x count` matrix that picks columns `from..from + count` of a `p`-column matrix.
fn pick(dev: &Dev, p: usize, from: usize, count: usize) -> Mat {
    let mut v = vec![0.0; p * count];
    for j in 0..count {
        v[(from + j) * count + j] = 1.0;
    }
    constant(dev, v, p, count)
}

/// `softplus(v) = relu(v) + ln(1 + exp(-|v|))`, stable for any `v`.
fn softplus<T: Tape<f32, Dev>>(v: Mat<T>) -> Mat<T> {
    let tail = (v.with_empty_tape().abs().negate().exp() + 1.0).ln();
    v.relu() + tail
}

/// Bin sizes from raw columns: `(MIN_BIN + (1 - K MIN_BIN) softmax(raw)) 2B`.
fn sizes<T: Tape<f32, Dev>>(raw: Mat<T>, bound: f32) -> Mat<T> {
    let k = raw.shape().1 as f32;
    (raw.softmax::<Axis<1>>() * (1.0 - k * MIN_BIN) + MIN_BIN) * (2.0 * bound)
}

/// Which knots choose a row's bin: the `x` knots (the forward map) or the `y` knots (the
/// inverse).
#[derive(Clone, Copy, PartialEq)]
enum By {
    X,
    Y,
}

/// Each row's bin on the tape: its left knots, width, height, slope and end derivatives,
/// and (off the tape) whether the row is inside `[-B, B]`.
struct Bins<T> {
    xk: Col<T>,
    w: Col<T>,
    yk: Col<T>,
    h: Col<T>,
    s: Col<T>,
    d0: Col<T>,
    d1: Col<T>,
    inside: Vec<f32>,
}

fn bins<T: Tape<f32, Dev>>(v: &[f32], raw: Mat<T>, bound: f32, by: By) -> Bins<T> {
    let dev = raw.device().clone();
    let (n, p) = (raw.shape().0, raw.shape().1);
    let k = (p + 1) / 3;
    let rv = values(&raw);
    // Off the tape: each row's bin (bin 0 for a row in the tails, where the mask drops it).
    let mut inside = vec![0.0; n];
    let (mut one, mut this, mut next) = (
        vec![0.0; n * k],
        vec![0.0; n * (k + 1)],
        vec![0.0; n * (k + 1)],
    );
    for i in 0..n {
        let s = Spline::from_raw(&rv[i * p..(i + 1) * p], bound);
        let b = match (-bound..=bound).contains(&v[i]) {
            true => {
                inside[i] = 1.0;
                bin_of(if by == By::X { s.xs() } else { s.ys() }, v[i])
            }
            false => 0,
        };
        one[i * k + b] = 1.0;
        this[i * (k + 1) + b] = 1.0;
        next[i * (k + 1) + b + 1] = 1.0;
    }
    let one = constant(&dev, one, n, k);
    let (this, next) = (
        constant(&dev, this, n, k + 1),
        constant(&dev, next, n, k + 1),
    );
    let mut below = vec![0.0; k * k];
    for j in 0..k {
        for i in j + 1..k {
            below[j * k + i] = 1.0;
        }
    }
    let below = constant(&dev, below, k, k);
    // The bin's left knot and size, in x and in y.
    let knot = |raw: Mat<T>| {
        let size = sizes(raw, bound);
        let left = row_sum(size.with_empty_tape().matmul(below.clone()) * one.clone()) - bound;
        (left, row_sum(size * one.clone()))
    };
    let (xk, w) = knot(raw.with_empty_tape().matmul(pick(&dev, p, 0, k)));
    let (yk, h) = knot(raw.with_empty_tape().matmul(pick(&dev, p, k, k)));
    // The derivatives at every knot: 1 at both ends, softplus inside.
    let mut embed = vec![0.0; (k - 1) * (k + 1)];
    for j in 0..k - 1 {
        embed[j * (k + 1) + j + 1] = 1.0;
    }
    let mut ends = vec![0.0; n * (k + 1)];
    for i in 0..n {
        ends[i * (k + 1)] = 1.0;
        ends[i * (k + 1) + k] = 1.0;
    }
    let inner =
        softplus(raw.matmul(pick(&dev, p, 2 * k, k - 1)) + derivative_shift()) + MIN_DERIVATIVE;
    let d = inner.matmul(constant(&dev, embed, k - 1, k + 1)) + constant(&dev, ends, n, k + 1);
    Bins {
        s: h.with_empty_tape() / w.with_empty_tape(),
        d0: row_sum(d.with_empty_tape() * this),
        d1: row_sum(d * next),
        xk,
        w,
        yk,
        h,
        inside,
    }
}

/// `log dy/dx` at `xi` in the bin: `ln(s^2 (d1 xi^2 + 2 s q + d0 (1 - xi)^2)) - 2 ln den`.
fn log_slope<T: Tape<f32, Dev>>(xi: Col<T>, s: Col<T>, d0: Col<T>, d1: Col<T>) -> Col<T> {
    let q = xi.with_empty_tape() * (xi.with_empty_tape().negate() + 1.0);
    let c = d1.with_empty_tape() + d0.with_empty_tape() - s.with_empty_tape() * 2.0;
    let den = s.with_empty_tape() + c * q.with_empty_tape();
    let slope = s.with_empty_tape().square()
        * (d1 * xi.with_empty_tape().square() + s * q * 2.0 + d0 * (xi.negate() + 1.0).square());
    slope.ln() - den.ln() * 2.0
}

/// Rows in the tails sit at the left end, `-B` (a finite formula), then are masked.
fn parked<T: Tape<f32, Dev>>(v: Col<T>, inside: &[f32], bound: f32) -> Col<T> {
    let dev = v.device().clone();
    let park = inside.iter().map(|m| (1.0 - m) * -bound).collect();
    v * col(&dev, inside.to_vec()) + col(&dev, park)
}

/// Inside rows from `inner`, the rest from `outer`.
fn blend<T: Tape<f32, Dev>>(inner: Col<T>, outer: Col<T>, inside: &[f32]) -> Col<T> {
    let dev = inner.device().clone();
    let out = inside.iter().map(|m| 1.0 - m).collect();
    inner * col(&dev, inside.to_vec()) + outer * col(&dev, out)
}

/// `y = g(x)` and `log dy/dx` per row: `x` is `n`, `raw` is `n x (3K - 1)` (each row's
/// widths, heights and interior derivatives), on `[-bound, bound]`.
pub fn forward<T: Tape<f32, Dev>>(x: Col<T>, raw: Mat<T>, bound: f32) -> (Col<T>, Col<T>) {
    let b = bins(&values(&x), raw, bound, By::X);
    let x_in = parked(x.with_empty_tape(), &b.inside, bound);
    let xi = (x_in - b.xk) / b.w;
    // The value carries every tape (a caller may drop the log-determinant, as the passes of
    // a solve do); the log-determinant reads tape-free copies.
    let log_det = log_slope(
        xi.with_empty_tape(),
        b.s.with_empty_tape(),
        b.d0.with_empty_tape(),
        b.d1.with_empty_tape(),
    );
    let q = xi.with_empty_tape() * (xi.with_empty_tape().negate() + 1.0);
    let c = b.d1 + b.d0.with_empty_tape() - b.s.with_empty_tape() * 2.0;
    let den = b.s.with_empty_tape() + c * q.with_empty_tape();
    let num = b.s * xi.square() + b.d0 * q;
    let y_in = b.yk + b.h * num / den;
    let zero = col(&x.device().clone(), vec![0.0; b.inside.len()]);
    (
        blend(y_in, x, &b.inside),
        blend(log_det, zero.retaped(), &b.inside),
    )
}

/// `x = g^-1(y)` and `log dx/dy` per row, the inverse of [`forward`]: the root of the bin's
/// quadratic in whichever form adds numbers of one sign (chosen off the tape, as the plain
/// spline chooses it), and `-log dy/dx` at that root.
pub fn inverse<T: Tape<f32, Dev>>(y: Col<T>, raw: Mat<T>, bound: f32) -> (Col<T>, Col<T>) {
    let dev = y.device().clone();
    let yv = values(&y);
    let b = bins(&yv, raw, bound, By::Y);
    let e = parked(y.with_empty_tape(), &b.inside, bound) - b.yk;
    // As in the forward map, the value carries every tape and the log-determinant reads
    // tape-free copies.
    let (s, d0, d1) = (
        b.s.with_empty_tape(),
        b.d0.with_empty_tape(),
        b.d1.with_empty_tape(),
    );
    let c2 = b.d1 + b.d0.with_empty_tape() - b.s.with_empty_tape() * 2.0;
    let hv = b.h;
    let qa = hv.with_empty_tape() * (b.s.with_empty_tape() - b.d0.with_empty_tape())
        + e.with_empty_tape() * c2.with_empty_tape();
    let qb = hv * b.d0 - e.with_empty_tape() * c2;
    let qc = (b.s * e).negate();
    let disc = qb.with_empty_tape().square() - qa.with_empty_tape() * qc.with_empty_tape() * 4.0;
    let root = disc.relu().sqrt();
    // The form per row, from the plain values (`b >= 0`: `2c / (-b - root)`, else
    // `(-b + root) / 2a`); each denominator is 1 on the other form's rows, so both stay finite.
    let bv = values(&qb);
    let first: Vec<f32> = bv
        .iter()
        .map(|&v| if v >= 0.0 { 1.0 } else { 0.0 })
        .collect();
    let second: Vec<f32> = first.iter().map(|f| 1.0 - f).collect();
    let den1 = (qb.with_empty_tape().negate() - root.with_empty_tape()) * col(&dev, first.clone())
        + col(&dev, second.clone());
    let den2 = qa * 2.0 * col(&dev, second.clone()) + col(&dev, first.clone());
    let xi1 = qc * 2.0 / den1;
    let xi2 = (qb.negate() + root) / den2;
    let xi = xi1 * col(&dev, first) + xi2 * col(&dev, second);
    let log_det = log_slope(xi.with_empty_tape(), s, d0, d1).negate();
    let x_in = b.xk + xi * b.w;
    let zero = col(&dev, vec![0.0; b.inside.len()]);
    (
        blend(x_in, y, &b.inside),
        blend(log_det, zero.retaped(), &b.inside),
    )
}
