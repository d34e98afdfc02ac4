//! One layer's map of one coordinate at a point, drawn as a 1-D curve: the autoregressive
//! transform `u_i -> tau(u_i; MADE(u)_i)` with everything before `i` in the layer's
//! ordering held at the point's values. For a spline layer it is a learned monotone curve
//! with its knots (in the layer that reads the data, the learned conditional CDF's shape
//! before `Phi^-1`); for an affine layer, a straight line.
//!
//! The map reads the layer's conditioner side: the data side for MAF (`x_i -> z_i`, the
//! density's direction) and the prior side for IAF (`z_i -> x_i`, the sampling direction).

use crate::flow::transformer::{Transformer, SPLINE_BOUND};
use crate::flow::{Direction, Flow};
use crate::numeric::tensor::{matrix, values};
use crate::views::probe::Probe;

/// The curve's input range: the spline's interval and a margin of its linear tails.
pub const RANGE: f32 = SPLINE_BOUND + 1.0;
/// Points along the curve.
const POINTS: usize = 241;

/// The map of coordinate `coord` of layer `layer` at a probed point.
#[derive(Debug, Clone, PartialEq)]
pub struct CoordinateMap {
    /// `k` of `T_k` (1 = next to the prior).
    pub layer: usize,
    /// The coordinate `i` (0-based).
    pub coord: usize,
    /// MAF (`x_i -> z_i`) or IAF (`z_i -> x_i`).
    pub direction: Direction,
    /// The point on the conditioner's side of the layer.
    pub at: Vec<f32>,
    /// The coordinates the map is conditioned on (before `i` in the ordering).
    pub given: Vec<usize>,
    /// `(u, tau(u))` across [`RANGE`].
    pub curve: Vec<[f32; 2]>,
    /// The spline's knots (none for an affine layer).
    pub knots: Vec<[f32; 2]>,
    /// The point's own `(u_i, tau(u_i))`.
    pub point: [f32; 2],
    /// `log tau'(u_i)` there: this coordinate's share of the layer's `log|det|`.
    pub log_slope: f32,
}

/// The map of coordinate `coord` in layer `layer` (1-based) where `probe` passes.
pub fn coordinate_map(flow: &Flow, probe: &Probe, layer: usize, coord: usize) -> CoordinateMap {
    let d = flow.dim();
    let l = &flow.layers[layer - 1];
    let step = probe
        .steps
        .iter()
        .find(|s| s.layer == layer)
        .expect("the probe passes every layer");
    let at = match l.direction {
        Direction::Maf => step.input.clone(),
        Direction::Iaf => step.output.clone(),
    };
    let raw = values(&l.conditioner(matrix(flow.device(), at.clone(), d)));
    let tau = l.transformer;
    let curve = (0..POINTS)
        .map(|p| {
            let u = -RANGE + 2.0 * RANGE * p as f32 / (POINTS - 1) as f32;
            [u, tau.map_one(u, &raw, coord, d).0]
        })
        .collect();
    let knots = match tau {
        Transformer::Spline { .. } => {
            let s = tau.spline(&raw, coord, d);
            s.xs().iter().zip(s.ys()).map(|(&x, &y)| [x, y]).collect()
        }
        Transformer::Affine(_) => Vec::new(),
    };
    let (y, log_slope) = tau.map_one(at[coord], &raw, coord, d);
    let order = flow.config.layer_ordering(layer - 1);
    let position = order
        .iter()
        .position(|&i| i == coord)
        .expect("in the ordering");
    CoordinateMap {
        layer,
        coord,
        direction: l.direction,
        point: [at[coord], y],
        at,
        given: order[..position].to_vec(),
        curve,
        knots,
        log_slope,
    }
}
