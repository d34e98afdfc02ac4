//! The change of variables at one point: the path `x -> z` through the layers in the order
//! the density uses them (`T_K^-1` first), each layer's Jacobian at the point (read from
//! dfdx's reverse mode), the entries its ordering forces to zero, its `log|det|`, the
//! iterates of a `D`-pass solve, and the sum `log p(x) = log N(z) + sum_k log|det|`.

use crate::flow::base::BaseValues;
use crate::flow::layer::Towards;
use crate::flow::Flow;
use crate::numeric::normal::log_normal_f64;
use crate::numeric::tensor::{matrix, values};
use dfdx::prelude::*;

/// One layer `T_k^-1` at the probed point.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// `k` of `T_k` (1 = next to the prior).
    pub layer: usize,
    /// The layer's ordering: `order[p]` is the input at position `p`.
    pub order: Vec<usize>,
    /// The point before this layer (the data side).
    pub input: Vec<f32>,
    /// The point after `T_k^-1`.
    pub output: Vec<f32>,
    /// `J[i][j] = d output_i / d input_j`, row-major `D x D`.
    pub jacobian: Vec<f64>,
    /// The entries `(i, j)` the ordering forces to zero: input `j` comes after output `i`.
    pub zeros: Vec<(usize, usize)>,
    /// `log|det J|`, as the density adds it.
    pub log_det: f64,
    /// For a `D`-pass solve (IAF), the iterate after each pass (the last is `output`);
    /// empty for a single pass (MAF).
    pub passes: Vec<Vec<f32>>,
}

/// The whole path of one point.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// The probed point.
    pub x: Vec<f32>,
    /// `T_K^-1, ..., T_1^-1` at the point, in that order.
    pub steps: Vec<Step>,
    /// `z = T^-1(x)`.
    pub z: Vec<f32>,
    /// `log N(z; 0, I)`, or the learnable base's `log N(z; mu, diag sigma^2)`.
    pub log_normal: f64,
    /// `sum_k log|det|`.
    pub log_det: f64,
    /// `log p(x) = log N(z) + sum_k log|det|`.
    pub log_p: f64,
}

/// The entries `(i, j)` of a layer's Jacobian its ordering forces to zero: output `i` sees
/// only inputs before it, so `j` after `i` gives zero.
pub fn forced_zeros(order: &[usize]) -> Vec<(usize, usize)> {
    let mut position = vec![0; order.len()];
    for (p, &i) in order.iter().enumerate() {
        position[i] = p;
    }
    let d = order.len();
    (0..d)
        .flat_map(|i| (0..d).map(move |j| (i, j)))
        .filter(|&(i, j)| position[j] > position[i])
        .collect()
}

impl Flow {
    /// The path of `x` (`D` values) to the prior, layer by layer.
    pub fn probe(&self, x: &[f32]) -> Probe {
        let d = self.dim();
        let mut u = x.to_vec();
        let mut steps = Vec::with_capacity(self.layers.len());
        for (k, layer) in self.layers.iter().enumerate().rev() {
            let mut calls = Vec::new();
            let input = matrix(self.device(), u.clone(), d);
            let (out, log_det) = layer.pass_with(input, Towards::Prior, &mut |v| {
                calls.push(values(&v));
                layer.conditioner(v)
            });
            let output = values(&out);
            let passes = if calls.len() > 1 {
                calls.drain(1..).chain([output.clone()]).collect()
            } else {
                Vec::new()
            };
            let order = self.config.layer_ordering(k);
            steps.push(Step {
                layer: k + 1,
                zeros: forced_zeros(&order),
                order,
                jacobian: self.layer_jacobian(k, &u),
                log_det: values(&log_det)[0] as f64,
                input: std::mem::replace(&mut u, output.clone()),
                output,
                passes,
            });
        }
        let log_normal = match &self.base {
            Some(base) => BaseValues(Some(base.values())).log_density(&u),
            None => log_normal_f64(&u),
        };
        let log_det: f64 = steps.iter().map(|s| s.log_det).sum();
        Probe {
            x: x.to_vec(),
            steps,
            log_normal,
            log_det,
            log_p: log_normal + log_det,
            z: u,
        }
    }

    /// `d T_k^-1(u)_i / d u_j` at one point: one reverse pass over `D` copies of the
    /// point, copy `i` carrying output `i` (the rows never mix, so row `i` of the gradient
    /// is output `i`'s; one batched pass instead of `D` single ones).
    fn layer_jacobian(&self, k: usize, u: &[f32]) -> Vec<f64> {
        let d = self.dim();
        let copies: Vec<f32> = (0..d).flat_map(|_| u.iter().copied()).collect();
        let at = matrix(self.device(), copies, d);
        let eye: Vec<f32> = (0..d * d)
            .map(|n| f32::from(u8::from(n / d == n % d)))
            .collect();
        let eye = matrix(self.device(), eye, d);
        let (out, _) = self.layers[k].to_prior(at.clone().leaky_traced());
        let grads = (out * eye).sum::<(), _>().backward();
        values(&grads.get(&at)).into_iter().map(f64::from).collect()
    }
}
