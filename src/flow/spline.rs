//! The monotone rational-quadratic spline of one coordinate (Durkan, Bekasov, Murray,
//! Papamakarios, *Neural Spline Flows*, 2019), on plain numbers: `K` bins inside
//! `[-B, B]`, the identity outside (linear tails of slope 1), its inverse by the root of a
//! quadratic, and `log dy/dx`. A conditioner gives `3K - 1` raw numbers per
//! coordinate: `K` widths and `K` heights (softmax, with a floor) and the `K - 1` interior
//! derivatives (softplus, with a floor; the two boundary derivatives are 1 so the tails
//! join smoothly). Raw zeros give equal bins and slope 1 everywhere: the identity.
//!
//! A spline lives on the stack (no allocation: a density grid builds one per coordinate,
//! layer and cell), and an interior derivative is computed only when its bin is used.

/// The smallest share of `[-B, B]` a bin may take.
pub const MIN_BIN: f32 = 1e-3;
/// The smallest derivative at an interior knot.
pub const MIN_DERIVATIVE: f32 = 1e-3;
/// The most bins a spline may have.
pub const MAX_BINS: usize = 32;

/// The shift that makes a raw zero a derivative of exactly 1:
/// `softplus(0 + c) = 1 - MIN_DERIVATIVE`, i.e. `c = ln(e^(1 - MIN_DERIVATIVE) - 1)`
/// (checked by the tests).
pub fn derivative_shift() -> f32 {
    0.539_742_4
}

/// `softplus(v) = ln(1 + e^v)`.
pub fn softplus(v: f32) -> f32 {
    if v > 20.0 {
        v
    } else {
        v.exp().ln_1p()
    }
}

/// `e^v` for a softmax's shifted inputs (`v <= 0`; below `-87` it is `e^-87`), to a few
/// ulp: Cephes' `expf`, a polynomial on `[-ln 2 / 2, ln 2 / 2]` times a power of two. Plain
/// arithmetic, so a loop of them becomes SIMD (the library `exp` is a call per number): a
/// density grid of spline layers takes millions.
#[inline]
pub fn exp_shifted(v: f32) -> f32 {
    let v = v.max(-87.0);
    // Round to nearest with the 1.5 * 2^23 trick (a float op, unlike `round` in wasm).
    const SHIFT: f32 = 12_582_912.0;
    let n = (v * std::f32::consts::LOG2_E + SHIFT) - SHIFT;
    let r = v - n * 0.693_359_4 + n * 2.121_944_4e-4;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 0.166_666_65)
        * r
        + 0.5;
    (p * r * r + r + 1.0) * f32::from_bits(((n as i32 + 127) as u32) << 23)
}

/// `softmax(raw)` into `out[..K]` (the exponentials in a loop of their own, which the
/// compiler turns into SIMD): the shares of the bins' sizes, for the knots and for their
/// gradient ([`crate::flow::spline_grad`]).
pub fn softmax(raw: &[f32], out: &mut [f32; MAX_BINS]) {
    let k = raw.len();
    let top = raw.iter().fold(f32::MIN, |m, &v| if v > m { v } else { m });
    for (e, &r) in out.iter_mut().zip(raw) {
        *e = exp_shifted(r - top);
    }
    let total: f32 = out[..k].iter().sum();
    out[..k].iter_mut().for_each(|e| *e /= total);
}

/// Knots `-B, -B + s_0, ...` (the last set to `B` exactly) from raw widths `raw` (`K`):
/// sizes `(MIN_BIN + (1 - K MIN_BIN) softmax(raw)) 2B`.
fn knots(raw: &[f32], bound: f32, out: &mut [f32; MAX_BINS + 1]) {
    let k = raw.len();
    let mut share = [0.0f32; MAX_BINS];
    softmax(raw, &mut share);
    let c = (1.0 - k as f32 * MIN_BIN) * 2.0 * bound;
    let floor = MIN_BIN * 2.0 * bound;
    let mut at = -bound;
    out[0] = at;
    for j in 0..k {
        at += floor + c * share[j];
        out[j + 1] = at;
    }
    out[k] = bound;
}

/// One coordinate's spline: knots `(x_k, y_k)` and the raw derivatives at the interior ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Spline {
    k: usize,
    x: [f32; MAX_BINS + 1],
    y: [f32; MAX_BINS + 1],
    /// Raw derivative `j` (knot `j + 1`).
    raw_d: [f32; MAX_BINS],
}

/// One bin's numbers.
pub(crate) struct Bin {
    pub(crate) w: f32,
    pub(crate) h: f32,
    pub(crate) s: f32,
    pub(crate) d0: f32,
    pub(crate) d1: f32,
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
        Spline::build(k, |j| raw[j], bound)
    }

    /// The spline of `K` bins whose raw number `j` (of `3K - 1`) is `get(j)`.
    pub fn build(k: usize, get: impl Fn(usize) -> f32, bound: f32) -> Spline {
        assert!((1..=MAX_BINS).contains(&k), "1 to {MAX_BINS} bins");
        let mut raw = [0.0f32; 3 * MAX_BINS];
        for (j, r) in raw[..3 * k - 1].iter_mut().enumerate() {
            *r = get(j);
        }
        let mut s = Spline {
            k,
            x: [0.0; MAX_BINS + 1],
            y: [0.0; MAX_BINS + 1],
            raw_d: [0.0; MAX_BINS],
        };
        knots(&raw[..k], bound, &mut s.x);
        knots(&raw[k..2 * k], bound, &mut s.y);
        s.raw_d[..k - 1].copy_from_slice(&raw[2 * k..3 * k - 1]);
        s
    }

    /// Bins `K`.
    pub fn bins(&self) -> usize {
        self.k
    }

    /// The `K + 1` knots in `x`.
    pub fn xs(&self) -> &[f32] {
        &self.x[..=self.k]
    }

    /// The `K + 1` knots in `y`.
    pub fn ys(&self) -> &[f32] {
        &self.y[..=self.k]
    }

    /// The derivative at knot `j`: 1 at both ends, `MIN_DERIVATIVE + softplus(raw + c)`
    /// inside.
    pub fn derivative(&self, j: usize) -> f32 {
        if j == 0 || j == self.k {
            1.0
        } else {
            MIN_DERIVATIVE + softplus(self.raw_d[j - 1] + derivative_shift())
        }
    }

    fn inside(v: f32, knots: &[f32]) -> bool {
        v >= knots[0] && v <= knots[knots.len() - 1]
    }

    /// Bin `k`'s width, height, slope `s = h / w` and end derivatives.
    pub(crate) fn bin(&self, k: usize) -> Bin {
        let (w, h) = (self.x[k + 1] - self.x[k], self.y[k + 1] - self.y[k]);
        Bin {
            w,
            h,
            s: h / w,
            d0: self.derivative(k),
            d1: self.derivative(k + 1),
        }
    }

    /// The bin holding `x` inside `[-B, B]`, or none in the tails.
    pub(crate) fn bin_at(&self, x: f32) -> Option<usize> {
        Self::inside(x, self.xs()).then(|| bin_of(self.xs(), x))
    }

    /// `y = g(x)` and `log dy/dx`.
    pub fn forward(&self, x: f32) -> (f32, f32) {
        let Some(k) = self.bin_at(x) else {
            return (x, 0.0);
        };
        let bin = self.bin(k);
        let xi = ((x - self.x[k]) / bin.w).clamp(0.0, 1.0);
        let Bin { h, s, d0, d1, .. } = bin;
        let q = xi * (1.0 - xi);
        let den = s + (d1 + d0 - 2.0 * s) * q;
        let y = self.y[k] + h * (s * xi * xi + d0 * q) / den;
        (y, Self::log_slope(&bin, xi))
    }

    /// `log dy/dx` at `xi` in a bin: `ln(s^2 (d1 xi^2 + 2 s q + d0 (1 - xi)^2) / den^2)`.
    fn log_slope(&Bin { s, d0, d1, .. }: &Bin, xi: f32) -> f32 {
        let q = xi * (1.0 - xi);
        let den = s + (d1 + d0 - 2.0 * s) * q;
        let slope = s * s * (d1 * xi * xi + 2.0 * s * q + d0 * (1.0 - xi) * (1.0 - xi));
        slope.ln() - 2.0 * den.ln()
    }

    /// `x = g^-1(y)` and `log dx/dy` (the root of the bin's quadratic, computed without
    /// cancellation).
    pub fn inverse(&self, y: f32) -> (f32, f32) {
        if !Self::inside(y, self.ys()) {
            return (y, 0.0);
        }
        let k = bin_of(self.ys(), y);
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
