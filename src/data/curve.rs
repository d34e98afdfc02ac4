//! Moons' and swissroll's exact densities: a curve blurred by isotropic Gaussian noise, the
//! mean of the noise's density over the curve, by a quadrature along it that gives the
//! log-density's gradient in the same pass.

use crate::data::{moon_arc, MOONS_NOISE};
use std::f64::consts::PI;
use std::sync::OnceLock;

/// A log-density at a point and its gradient there.
pub(super) type WithGradient = (f64, [f64; 2]);
/// A curve's [`WithGradient`] at a point whose `None` coordinates are integrated out.
pub(super) type Marginal = fn([Option<f64>; 2]) -> WithGradient;

/// Simpson intervals per moon arc (even; spacing 0.1 against a noise of 0.2 after scaling,
/// refined near each peak: the tests hold the log-density to a 20,000-node quadrature
/// within 2e-3 at 20,000 draws and on a grid over `[-4.5, 4.5]^2`, tails included: 2.5e-4).
const MOON_INTERVALS: usize = 64;
/// Simpson intervals along the swiss roll (spacing at most 0.14 where the roll is fastest,
/// against a noise of 0.2; held to the same quadrature as moons: 1.0e-3).
const ROLL_INTERVALS: usize = 192;

/// How many times finer the nodes are near a peak of the integrand: far from the curve,
/// past one of its ends or outside a bend, the integrand falls off within a fraction of a
/// coarse interval (at distance 3 past the roll's end, by e in 0.004 of `t`), which coarse
/// nodes alone miss by up to 0.85 nats.
const REFINE: usize = 24;
/// Coarse nodes refined either side of a peak: the narrowest peaks (outside a bend) are
/// about one coarse interval wide, so this holds 4 of their widths.
const NEAR: usize = 4;
/// A local peak this many nats below the highest is refined too (its share is then below
/// e^-30 of the total); a curve can have a peak at an end and one mid-way, as the roll's
/// outer end and the turn beside it have.
const PEAKS_WITHIN: f64 = 30.0;

/// A curve `c(t)`, `t ~ U(t0, t1)`, as [`along_curve`] integrates it: its points at the
/// nodes of `n` coarse intervals, each cut [`REFINE`] times finer (computed once per data
/// set: the sines and cosines were most of the work).
struct Curve {
    /// `c` at `t0 + (t1 - t0) j / (n REFINE)`, `j = 0..=n REFINE`.
    nodes: Vec<[f64; 2]>,
    /// Coarse intervals (even).
    n: usize,
    /// `t1 - t0`.
    length: f64,
}

impl Curve {
    fn new(c: impl Fn(f64) -> [f64; 2], (t0, t1): (f64, f64), n: usize) -> Curve {
        let h = (t1 - t0) / (n * REFINE) as f64;
        Curve {
            nodes: (0..=n * REFINE).map(|j| c(t0 + h * j as f64)).collect(),
            n,
            length: t1 - t0,
        }
    }
}

/// `log` of the mean over `t ~ U(t0, t1)` of `N(x; c(t), sigma^2 I)`, a curve blurred by
/// isotropic noise, and its gradient in `x`: Simpson's rule on the curve's `n` intervals,
/// each panel of two intervals within [`NEAR`] nodes of a peak of the integrand
/// [`REFINE`] times finer. The gradient is that of the same sum,
/// `sum_k w_k N_k (c(t_k) - x) / sigma^2` over `sum_k w_k N_k`: one pass gives both,
/// where central differences took five. A coordinate of `x` that is `None` is integrated
/// out (the noise is independent per coordinate, so the marginal of the others is the same
/// mean over their 1-D normals) and its gradient is 0.
fn along_curve(x: [Option<f64>; 2], curve: &Curve, sigma: f64) -> WithGradient {
    let s2 = sigma * sigma;
    // A node's `log N` up to its constant, and `c(t) - x` in the coordinates given.
    let node = |j: usize| {
        let p = curve.nodes[j];
        let d = [0, 1].map(|i| x[i].map_or(0.0, |x| p[i] - x));
        (-(d[0] * d[0] + d[1] * d[1]) / (2.0 * s2), d)
    };
    let n = curve.n;
    let dims = x.iter().flatten().count() as f64;
    let h = curve.length / n as f64;
    let coarse: Vec<(f64, [f64; 2])> = (0..=n).map(|k| node(k * REFINE)).collect();
    let top = coarse.iter().map(|c| c.0).fold(f64::NEG_INFINITY, f64::max);
    if !top.is_finite() {
        return (f64::NEG_INFINITY, [0.0; 2]);
    }
    // Panels (pairs of intervals) near a local peak, the ends included.
    let mut fine = vec![false; n / 2];
    for k in 0..=n {
        let rises = k == 0 || coarse[k].0 >= coarse[k - 1].0;
        let falls = k == n || coarse[k].0 >= coarse[k + 1].0;
        if rises && falls && coarse[k].0 > top - PEAKS_WITHIN {
            let panels = k.saturating_sub(NEAR) / 2..((k + NEAR) / 2 + 1).min(n / 2);
            fine[panels].iter_mut().for_each(|f| *f = true);
        }
    }
    // The sums scaled by `e^-top`: `top` is a node's value, so the sum holds at least its
    // term, and a fine node rises above it by a few nats at most.
    let (mut sum, mut pull) = (0.0, [0.0; 2]);
    let mut add = |weight: f64, (l, d): (f64, [f64; 2])| {
        let w = weight * (l - top).exp();
        sum += w;
        pull = [pull[0] + w * d[0], pull[1] + w * d[1]];
    };
    for (j, &refined) in fine.iter().enumerate() {
        let k = 2 * j;
        if refined {
            let m = 2 * REFINE;
            for i in 0..=m {
                add(simpson_weight(i, m) / REFINE as f64, node(k * REFINE + i));
            }
        } else {
            for i in 0..=2 {
                add(simpson_weight(i, 2), coarse[k + i]);
            }
        }
    }
    let log_p = top + (sum * h / 3.0).ln() - curve.length.ln() - dims / 2.0 * (2.0 * PI * s2).ln();
    (log_p, pull.map(|g| g / (sum * s2)))
}

/// Simpson's weight of node `k` of `n` (even) intervals: 1 at the ends, else 4 and 2 in
/// turn.
fn simpson_weight(k: usize, n: usize) -> f64 {
    match k {
        0 => 1.0,
        _ if k == n => 1.0,
        _ if k % 2 == 1 => 4.0,
        _ => 2.0,
    }
}

/// Two log-densities and their gradients as one of their equal mixture.
fn mixture_of_two(a: WithGradient, b: WithGradient) -> WithGradient {
    let top = a.0.max(b.0);
    if !top.is_finite() {
        return (top, [0.0; 2]);
    }
    let (wa, wb) = ((a.0 - top).exp(), (b.0 - top).exp());
    let grad = [0, 1].map(|i| (wa * a.1[i] + wb * b.1[i]) / (wa + wb));
    (top + ((wa + wb) / 2.0).ln(), grad)
}

/// Half the mass on each moon: `2 arc(a) + (-1, -0.2)`, `a ~ U(0, pi)`, noise `2 * 0.1`.
pub(super) fn moons_log_prob(x: [Option<f64>; 2]) -> WithGradient {
    static ARCS: OnceLock<[Curve; 2]> = OnceLock::new();
    let arcs = ARCS.get_or_init(|| {
        [false, true].map(|inner| {
            let c = |a: f64| {
                let [cx, cy] = moon_arc(inner, a);
                [2.0 * cx - 1.0, 2.0 * cy - 0.2]
            };
            Curve::new(c, (0.0, PI), MOON_INTERVALS)
        })
    });
    let [outer, inner] = arcs
        .each_ref()
        .map(|arc| along_curve(x, arc, 2.0 * MOONS_NOISE));
    mixture_of_two(outer, inner)
}

/// The roll `(t cos t, t sin t) / 5`, `t ~ U(1.5 pi, 4.5 pi)`, noise `1 / 5`.
pub(super) fn swiss_roll_log_prob(x: [Option<f64>; 2]) -> WithGradient {
    static ROLL: OnceLock<Curve> = OnceLock::new();
    let roll = ROLL.get_or_init(|| {
        let c = |t: f64| [t * t.cos() / 5.0, t * t.sin() / 5.0];
        Curve::new(c, (1.5 * PI, 4.5 * PI), ROLL_INTERVALS)
    });
    along_curve(x, roll, 0.2)
}
