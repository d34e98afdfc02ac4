//! The rational-quadratic spline ([`crate::spline`]) on dfdx tensors, with autodiff: the
//! reference path of the coming spline transform. Each row's bin is found off the tape
//! (by the plain spline, so both pick the same one) and enters as a constant one-hot row;
//! everything else (softmax, cumulative knots, softplus derivatives, the rational
//! quadratic) is on the tape, so gradients reach the raw numbers and `x`.

use crate::spline::{bin_of, derivative_shift, Spline, MIN_BIN, MIN_DERIVATIVE};
use crate::tensor::{row_sum, values, Col, Dev, Mat};
use dfdx::prelude::*;

/// A constant `rows x cols` matrix.
fn constant(dev: &Dev, v: Vec<f32>, rows: usize, cols: usize) -> Mat {
    dev.tensor_from_vec(v, (rows, cols))
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

/// `y = g(x)` and `log dy/dx` per row: `x` is `n`, `raw` is `n x (3K - 1)` (each row's
/// widths, heights and interior derivatives), on `[-bound, bound]`.
pub fn forward<T: Tape<f32, Dev> + Merge<T>>(
    x: Col<T>,
    raw: Mat<T>,
    bound: f32,
) -> (Col<T>, Col<T>) {
    let dev = x.device().clone();
    let (n, p) = (raw.shape().0, raw.shape().1);
    let k = (p + 1) / 3;
    let (xv, rv) = (values(&x), values(&raw));
    // Off the tape: each row's bin (bin 0 for a row in the tails, where the mask drops it).
    let mut inside = vec![0.0; n];
    let (mut one, mut this, mut next) = (
        vec![0.0; n * k],
        vec![0.0; n * (k + 1)],
        vec![0.0; n * (k + 1)],
    );
    for i in 0..n {
        let s = Spline::from_raw(&rv[i * p..(i + 1) * p], bound);
        let b = match (-bound..=bound).contains(&xv[i]) {
            true => {
                inside[i] = 1.0;
                bin_of(&s.x, xv[i])
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
    let d0 = row_sum(d.with_empty_tape() * this);
    let d1 = row_sum(d * next);
    // Rows in the tails sit at the left knot of bin 0 (a finite formula), then are masked.
    let mask: Col = dev.tensor_from_vec(inside.clone(), (n,));
    let parked: Col =
        dev.tensor_from_vec(inside.iter().map(|m| (1.0 - m) * -bound).collect(), (n,));
    let x_in = x.with_empty_tape() * mask.clone() + parked;
    let s = h.with_empty_tape() / w.with_empty_tape();
    let xi = (x_in - xk) / w;
    let q = xi.with_empty_tape() * (xi.with_empty_tape().negate() + 1.0);
    let c = d1.with_empty_tape() + d0.with_empty_tape() - s.with_empty_tape() * 2.0;
    let den = s.with_empty_tape() + c * q.with_empty_tape();
    let xi2 = xi.with_empty_tape().square();
    let y_in = yk
        + h * (s.with_empty_tape() * xi2.with_empty_tape()
            + d0.with_empty_tape() * q.with_empty_tape())
            / den.with_empty_tape();
    let slope =
        s.with_empty_tape().square() * (d1 * xi2 + s * q * 2.0 + d0 * (xi.negate() + 1.0).square());
    let log_det = (slope.ln() - den.ln() * 2.0) * mask.clone();
    let outside: Col = dev.tensor_from_vec(inside.iter().map(|m| 1.0 - m).collect(), (n,));
    (y_in * mask + x * outside, log_det)
}
