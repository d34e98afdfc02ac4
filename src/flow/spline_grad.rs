//! The spline transform's backward written out in closed form (for the fused training
//! step, [`crate::train::fused`]): the vector-Jacobian product of `y = g(x)`
//! and `log dy/dx` with respect to `x` and the `3K - 1` raw numbers. The inverse's comes
//! from the forward's at the root, by the implicit function theorem:
//! `dx/dy = 1 / g'(x)`, `dx/d theta = -(dg/d theta) / g'(x)`. Held to the autodiff of
//! [`crate::flow::spline_tensor`] by the tests.

use crate::flow::spline::{derivative_shift, softmax, Spline, MAX_BINS, MIN_BIN};

/// `dy` and `d log dy/dx` with respect to `x`, the bin's left knots `x_k, y_k`, its
/// width and height, and its end derivatives, in that order.
struct Local {
    dy: [f32; 7],
    dl: [f32; 7],
}

const X: usize = 0;
const XK: usize = 1;
const W: usize = 2;
const YK: usize = 3;
const H: usize = 4;
const D0: usize = 5;
const D1: usize = 6;

/// The partial derivatives at `x` in bin `k` (see the formulas of [`crate::flow::spline`]).
fn local(s: &Spline, k: usize, x: f32) -> Local {
    let b = s.bin(k);
    let (w, h, sl, d0, d1) = (b.w, b.h, b.s, b.d0, b.d1);
    let xi = ((x - s.xs()[k]) / w).clamp(0.0, 1.0);
    let q = xi * (1.0 - xi);
    let c = d1 + d0 - 2.0 * sl;
    let den = sl + c * q;
    let num = sl * xi * xi + d0 * q;
    let m = d1 * xi * xi + 2.0 * sl * q + d0 * (1.0 - xi) * (1.0 - xi);
    // Through xi, s, d0, d1: (N, Den, M) partials.
    let parts = [
        (
            2.0 * sl * xi + d0 * (1.0 - 2.0 * xi),
            c * (1.0 - 2.0 * xi),
            2.0 * d1 * xi + 2.0 * sl * (1.0 - 2.0 * xi) - 2.0 * d0 * (1.0 - xi),
        ),
        (xi * xi, 1.0 - 2.0 * q, 2.0 * q),
        (q, q, (1.0 - xi) * (1.0 - xi)),
        (0.0, q, xi * xi),
    ];
    let y_of = |(n_v, den_v, _): (f32, f32, f32)| h * (n_v * den - num * den_v) / (den * den);
    let l_of = |(_, den_v, m_v): (f32, f32, f32)| m_v / m - 2.0 * den_v / den;
    let [y_xi, y_s, y_d0, y_d1] = parts.map(y_of);
    let [l_xi, l_s, l_d0, l_d1] = parts.map(l_of);
    let l_s = l_s + 2.0 / sl;
    let chain = |f_xi: f32, f_s: f32, f_h: f32, f_yk: f32, f_d0: f32, f_d1: f32| {
        [
            f_xi / w,
            -f_xi / w,
            -(f_xi * xi + f_s * sl) / w,
            f_yk,
            f_s / w + f_h,
            f_d0,
            f_d1,
        ]
    };
    Local {
        dy: chain(y_xi, y_s, num / den, 1.0, y_d0, y_d1),
        dl: chain(l_xi, l_s, 0.0, 0.0, l_d0, l_d1),
    }
}

/// Back through `MIN_BIN + (1 - K MIN_BIN) softmax(raw)` times `2B`: `g[j]` the gradient of
/// size `j`, written through `out(j, value)` for the raw numbers `raw` (`K`).
fn sizes_back(raw: &[f32], bound: f32, g: &[f32], mut out: impl FnMut(usize, f32)) {
    let k = raw.len();
    let mut share = [0.0f32; MAX_BINS];
    softmax(raw, &mut share);
    let c = (1.0 - k as f32 * MIN_BIN) * 2.0 * bound;
    let dot: f32 = (0..k).map(|j| g[j] * share[j]).sum();
    for j in 0..k {
        out(j, share[j] * c * (g[j] - dot));
    }
}

/// Adds `gy dy/d(.) + gl d(log dy/dx)/d(.)` at the point of `loc` (in bin `k`) to the
/// gradient of the spline's `3K - 1` raw numbers `raw` (`put(j, value)` for raw number `j`)
/// and returns the part for `x`.
fn backward(
    s: &Spline,
    raw: &[f32],
    (k, loc): (usize, &Local),
    gy: f32,
    gl: f32,
    mut put: impl FnMut(usize, f32),
) -> f32 {
    let g: [f32; 7] = std::array::from_fn(|v| gy * loc.dy[v] + gl * loc.dl[v]);
    let bins = s.bins();
    // Knot k is the sum of the sizes before it; the bin's size is size k.
    let mut gw = [0.0f32; MAX_BINS];
    let mut gh = [0.0f32; MAX_BINS];
    for j in 0..k {
        gw[j] = g[XK];
        gh[j] = g[YK];
    }
    gw[k] += g[W];
    gh[k] += g[H];
    let bound = s.xs()[bins];
    sizes_back(&raw[..bins], bound, &gw[..bins], &mut put);
    sizes_back(&raw[bins..2 * bins], bound, &gh[..bins], |j, v| {
        put(bins + j, v)
    });
    for (knot, gd) in [(k, g[D0]), (k + 1, g[D1])] {
        if (1..bins).contains(&knot) {
            let r = raw[2 * bins + knot - 1] + derivative_shift();
            let sigmoid = 1.0 / (1.0 + (-r).exp());
            put(2 * bins + knot - 1, gd * sigmoid);
        }
    }
    g[X]
}

/// The gradient of `x` (the input of a direct map, or the root of an inverse) and of the
/// raw numbers (through `put`), from the output's `gy` and the log-determinant's `gl`.
fn back_one(
    s: &Spline,
    raw: &[f32],
    x: f32,
    (gy, gl): (f32, f32),
    inverse: bool,
    put: impl FnMut(usize, f32),
) -> f32 {
    let Some(k) = s.bin_at(x) else { return gy };
    let loc = local(s, k, x);
    if !inverse {
        return backward(s, raw, (k, &loc), gy, gl, put);
    }
    // x = g^-1(y), log dx/dy = -log g'(x): with a = (gx - gl L_x) / g'(x), the gradient of
    // y is a and that of theta -(a dy/d theta + gl dL/d theta).
    let a = (gy - gl * loc.dl[X]) / loc.dy[X];
    backward(s, raw, (k, &loc), -a, -gl, put);
    a
}

/// Coordinate `i`'s `p` raw numbers from a row of MADE outputs in the block layout.
fn gather(row: &[f32], i: usize, d: usize, p: usize) -> [f32; 3 * MAX_BINS] {
    std::array::from_fn(|b| if b < p { row[b * d + i] } else { 0.0 })
}

/// One coordinate's backward for a caller on slices (the fused training step): `s` is
/// coordinate `i`'s spline built from `row` (one row of MADE outputs, `P D` in blocks of
/// `D`), `x` the direct map's input or the inverse's root; adds the raw numbers' gradient
/// to `graw` (the row's, same layout) and returns `x`'s (or `y`'s, for the inverse).
pub(crate) fn coordinate_backward(
    s: &Spline,
    (row, graw): (&[f32], &mut [f32]),
    (i, d): (usize, usize),
    x: f32,
    g: (f32, f32),
    inverse: bool,
) -> f32 {
    let p = 3 * s.bins() - 1;
    let raw = gather(row, i, d, p);
    back_one(s, &raw[..p], x, g, inverse, |b, v| graw[b * d + i] += v)
}
