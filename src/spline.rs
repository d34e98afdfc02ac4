//! The monotone rational-quadratic spline of one coordinate (Durkan, Bekasov, Murray,
//! Papamakarios, *Neural Spline Flows*, 2019), on plain numbers: `K` bins inside
//! `[-B, B]`, the identity outside (linear tails of slope 1), its inverse by the root of a
//! quadratic, and `log dy/dx`. A conditioner gives `3K - 1` raw numbers per
//! coordinate: `K` widths and `K` heights (softmax, with a floor) and the `K - 1` interior
//! derivatives (softplus, with a floor; the two boundary derivatives are 1 so the tails
//! join smoothly). Raw zeros give equal bins and slope 1 everywhere: the identity.

/// The smallest share of `[-B, B]` a bin may take.
pub const MIN_BIN: f32 = 1e-3;
/// The smallest derivative at an interior knot.
pub const MIN_DERIVATIVE: f32 = 1e-3;

/// The shift that makes a raw zero a derivative of exactly 1:
/// `softplus(0 + c) = 1 - MIN_DERIVATIVE`.
pub fn derivative_shift() -> f32 {
    ((1.0 - MIN_DERIVATIVE).exp() - 1.0).ln()
}

fn softplus(v: f32) -> f32 {
    if v > 20.0 {
        v
    } else {
        v.exp().ln_1p()
    }
}

/// Bin sizes from raw numbers: `MIN_BIN + (1 - K MIN_BIN) softmax(raw)`, times `2B`.
fn sizes(raw: &[f32], bound: f32) -> Vec<f32> {
    let top = raw.iter().cloned().fold(f32::MIN, f32::max);
    let e: Vec<f32> = raw.iter().map(|&r| (r - top).exp()).collect();
    let total: f32 = e.iter().sum();
    let k = raw.len() as f32;
    e.iter()
        .map(|&v| (MIN_BIN + (1.0 - k * MIN_BIN) * v / total) * 2.0 * bound)
        .collect()
}

/// Knots `-B, -B + s_0, ...`, the last set to `B` exactly.
fn knots(sizes: &[f32], bound: f32) -> Vec<f32> {
    let mut out = Vec::with_capacity(sizes.len() + 1);
    let mut at = -bound;
    out.push(at);
    for s in sizes {
        at += s;
        out.push(at);
    }
    *out.last_mut().expect("at least one knot") = bound;
    out
}

/// One coordinate's spline: knots `(x_k, y_k)` and the derivatives `d_k` there.
#[derive(Debug, Clone, PartialEq)]
pub struct Spline {
    /// The `K + 1` knots in `x`.
    pub x: Vec<f32>,
    /// The `K + 1` knots in `y`.
    pub y: Vec<f32>,
    /// The `K + 1` derivatives at the knots (the first and last are 1).
    pub d: Vec<f32>,
}

/// One bin's numbers.
struct Bin {
    w: f32,
    h: f32,
    s: f32,
    d0: f32,
    d1: f32,
}

/// Where `v` falls among the knots: the bin `k` with `knots[k] <= v < knots[k + 1]`, the
/// last bin for `v == B`.
pub fn bin_of(knots: &[f32], v: f32) -> usize {
    let k = knots.partition_point(|&t| t <= v);
    k.clamp(1, knots.len() - 1) - 1
}

impl Spline {
    /// The spline of `3K - 1` raw numbers (`K` widths, `K` heights, `K - 1` derivatives)
    /// on `[-bound, bound]`.
    pub fn from_raw(raw: &[f32], bound: f32) -> Spline {
        let k = (raw.len() + 1) / 3;
        assert_eq!(raw.len(), 3 * k - 1, "3K - 1 raw numbers");
        let x = knots(&sizes(&raw[..k], bound), bound);
        let y = knots(&sizes(&raw[k..2 * k], bound), bound);
        let shift = derivative_shift();
        let mut d = vec![1.0];
        d.extend(
            raw[2 * k..]
                .iter()
                .map(|&r| MIN_DERIVATIVE + softplus(r + shift)),
        );
        d.push(1.0);
        Spline { x, y, d }
    }

    /// Bins `K`.
    pub fn bins(&self) -> usize {
        self.x.len() - 1
    }

    fn inside(&self, v: f32, knots: &[f32]) -> bool {
        v >= knots[0] && v <= knots[knots.len() - 1]
    }

    /// Bin `k`'s width, height, slope `s = h / w` and end derivatives.
    fn bin(&self, k: usize) -> Bin {
        let (w, h) = (self.x[k + 1] - self.x[k], self.y[k + 1] - self.y[k]);
        Bin {
            w,
            h,
            s: h / w,
            d0: self.d[k],
            d1: self.d[k + 1],
        }
    }

    /// `y = g(x)` and `log dy/dx`.
    pub fn forward(&self, x: f32) -> (f32, f32) {
        if !self.inside(x, &self.x) {
            return (x, 0.0);
        }
        let k = bin_of(&self.x, x);
        let Bin { w, h, s, d0, d1 } = self.bin(k);
        let xi = ((x - self.x[k]) / w).clamp(0.0, 1.0);
        let q = xi * (1.0 - xi);
        let den = s + (d1 + d0 - 2.0 * s) * q;
        let y = self.y[k] + h * (s * xi * xi + d0 * q) / den;
        let slope = s * s * (d1 * xi * xi + 2.0 * s * q + d0 * (1.0 - xi) * (1.0 - xi));
        (y, slope.ln() - 2.0 * den.ln())
    }

    /// `x = g^-1(y)` and `log dx/dy` (the root of the bin's quadratic, computed without
    /// cancellation).
    pub fn inverse(&self, y: f32) -> (f32, f32) {
        if !self.inside(y, &self.y) {
            return (y, 0.0);
        }
        let k = bin_of(&self.y, y);
        let Bin { w, h, s, d0, d1 } = self.bin(k);
        let e = y - self.y[k];
        let c2 = d1 + d0 - 2.0 * s;
        let a = h * (s - d0) + e * c2;
        let b = h * d0 - e * c2;
        let c = -s * e;
        let root = (b * b - 4.0 * a * c).max(0.0).sqrt();
        // The root of `a xi^2 + b xi + c = 0` in [0, 1], in whichever of its two forms adds
        // numbers of one sign (`2c / (-b - root)` cancels when `b < 0`).
        let xi = if c == 0.0 {
            0.0
        } else if b >= 0.0 {
            2.0 * c / (-b - root)
        } else {
            (-b + root) / (2.0 * a)
        };
        let xi = xi.clamp(0.0, 1.0);
        let x = self.x[k] + xi * w;
        (x, -self.forward(x).1)
    }
}
