//! A flow's parameters as plain slices, evaluated without a tape: the same math as
//! [`crate::flow`] without tensors, allocations per op or strided element loops, on
//! [`crate::kernels`]' blocked products. Held to the dfdx path by the tests.
//!
//! One saving is structural: in the first of the `D` sequential passes only the first
//! coordinate of the ordering becomes exact, and its `s, t` are the output biases alone
//! (it sees no input), so that pass needs no product at all.

use std::borrow::Borrow;

use crate::flow::base::BaseValues;
use crate::flow::layer::Towards;
use crate::flow::transformer::{Prepared, Transformer};
use crate::flow::{Direction, Flow};
use crate::kernels::{matmul_acc, pad_columns, repeat_rows, transpose, Activation, BLOCK_WIDTH};
use crate::numeric::normal::log_normal_f32;
use crate::numeric::tensor::values;

/// Rows evaluated together: the hidden activations stay in cache.
const ROWS: usize = 256;

/// A masked layer ready to multiply: `(W*M)^T` and `b`.
#[derive(Debug, Clone)]
struct Dense {
    wt: Vec<f32>,
    bias: Vec<f32>,
    inp: usize,
    out: usize,
}

impl Dense {
    /// Zero output columns up to a multiple of the product's block width, once, so that
    /// the narrow output layer (`P D` columns) takes the blocked path without per-call
    /// copies. [`Layer::conditioner`] reads the first `P D` of each padded row.
    fn pad(&mut self) {
        let wide = self.out.next_multiple_of(BLOCK_WIDTH);
        self.wt = pad_columns(&self.wt, self.out, wide);
        self.bias.resize(wide, 0.0);
        self.out = wide;
    }
}

/// One layer `T_k` on slices.
#[derive(Debug, Clone)]
pub(super) struct Layer {
    direction: Direction,
    transformer: Transformer,
    dense: Vec<Dense>,
    dim: usize,
    /// The MADE's outputs per row, `P D` (the output layer is padded wider).
    outputs: usize,
    /// The input at position 1 of the ordering.
    pub(super) first: usize,
}

impl Layer {
    /// The MADE's outputs for every row: `n x P D`.
    fn conditioner(&self, u: &[f32], n: usize) -> Vec<f32> {
        let mut h = u.to_vec();
        for (l, d) in self.dense.iter().enumerate() {
            let mut next = repeat_rows(&d.bias, n);
            matmul_acc(&h, &d.wt, &mut next, n, d.inp, d.out);
            if l + 1 < self.dense.len() {
                Activation::Relu.apply(&mut next);
            }
            h = next;
        }
        let width = self.dense.last().expect("an output layer").out;
        h.chunks_exact(width)
            .flat_map(|row| &row[..self.outputs])
            .copied()
            .collect()
    }

    /// Every coordinate of `v` (`n x D`) through the direct map or its inverse, with each
    /// row's `log|det|` summed.
    fn each(&self, v: &[f32], raw: &[f32], inverse: bool) -> (Vec<f32>, Vec<f32>) {
        self.through(v, self.maps(raw), inverse)
    }

    /// Each coordinate's map for every row of MADE outputs, in the order of the rows'
    /// coordinates (`r D + i`).
    fn maps<'a>(&'a self, raw: &'a [f32]) -> impl Iterator<Item = Prepared> + 'a {
        let (d, tau) = (self.dim, self.transformer);
        raw.chunks_exact(self.outputs)
            .flat_map(move |row| (0..d).map(move |i| tau.prepare(row, i, d)))
    }

    /// `v` (`n x D`) through its maps (`maps` gives row `r`'s coordinate `i` at `r D + i`):
    /// the outputs and each row's summed `log|det|`.
    fn through<M: Borrow<Prepared>>(
        &self,
        v: &[f32],
        maps: impl Iterator<Item = M>,
        inverse: bool,
    ) -> (Vec<f32>, Vec<f32>) {
        let mut out = Vec::with_capacity(v.len());
        let mut sums = vec![0.0f32; v.len() / self.dim];
        for (j, (&x, m)) in v.iter().zip(maps).enumerate() {
            let m = m.borrow();
            let (y, ld) = if inverse { m.inverse(x) } else { m.forward(x) };
            out.push(y);
            sums[j / self.dim] += ld;
        }
        (out, sums)
    }

    /// The outputs that the `D` passes of a solve end with. The first pass needs no
    /// product: only the first coordinate becomes exact, and its parameters are output
    /// biases, the same for every row.
    fn solve_conditioner(&self, y: &[f32], n: usize) -> Vec<f32> {
        let d = self.dim;
        let bias = &self.dense.last().expect("an output layer").bias[..self.outputs];
        if d == 1 {
            return bias.repeat(n);
        }
        let (tau, first) = (self.transformer, self.first);
        let mut u = y.to_vec();
        for row in u.chunks_exact_mut(d) {
            row[first] = tau.inverse_one(row[first], bias, first, d).0;
        }
        let mut raw = Vec::new();
        for pass in 1..d {
            raw = self.conditioner(&u, n);
            if pass + 1 < d {
                u = self.each(y, &raw, true).0;
            }
        }
        raw
    }

    /// The MADE outputs of this layer's pass `towards` the prior or the data (the last
    /// pass of a solve), for `n` rows of its input.
    pub(super) fn coefficients(&self, u: &[f32], n: usize, towards: Towards) -> Vec<f32> {
        if self.direction.solves(towards) {
            self.solve_conditioner(u, n)
        } else {
            self.conditioner(u, n)
        }
    }

    /// The layer's output and `log|det|` per row from its input and final MADE outputs:
    /// the direct map for a direct pass, its inverse for a solve.
    pub(super) fn apply(&self, u: &[f32], raw: &[f32], towards: Towards) -> (Vec<f32>, Vec<f32>) {
        self.each(u, raw, self.direction.solves(towards))
    }

    /// Each coordinate's prepared map for every row of MADE outputs: `n x D`.
    pub(super) fn prepare(&self, raw: &[f32]) -> Vec<Prepared> {
        self.maps(raw).collect()
    }

    /// [`Self::apply`] with the maps prepared (`maps[r * D + i]` for row `r`, coordinate
    /// `i`).
    pub(super) fn apply_prepared<'a>(
        &self,
        u: &[f32],
        maps: impl Iterator<Item = &'a Prepared>,
        towards: Towards,
    ) -> (Vec<f32>, Vec<f32>) {
        self.through(u, maps, self.direction.solves(towards))
    }

    fn pass(&self, u: &[f32], n: usize, towards: Towards) -> (Vec<f32>, Vec<f32>) {
        let raw = self.coefficients(u, n, towards);
        self.apply(u, &raw, towards)
    }
}

/// `log N(z; 0, I)` per row.
fn log_normal(z: &[f32], d: usize) -> Vec<f32> {
    z.chunks_exact(d).map(log_normal_f32).collect()
}

/// A snapshot of a flow's parameters with its masked weights transposed once, for many
/// evaluations (it does not follow later training).
#[derive(Debug, Clone)]
pub struct Plan {
    pub(super) layers: Vec<Layer>,
    pub(super) dim: usize,
    base: BaseValues,
}

impl Plan {
    /// Reads `flow`'s current parameters.
    pub fn new(flow: &Flow) -> Plan {
        let layers = flow
            .layers
            .iter()
            .map(|l| {
                let mut dense: Vec<Dense> = l
                    .made
                    .layers
                    .iter()
                    .map(|m| Dense {
                        wt: transpose(&m.masked_weight(), m.mask.rows, m.mask.cols),
                        bias: values(&m.bias),
                        inp: m.mask.cols,
                        out: m.mask.rows,
                    })
                    .collect();
                dense.last_mut().expect("an output layer").pad();
                let first = l.made.first_input();
                Layer {
                    direction: l.direction,
                    transformer: l.transformer,
                    outputs: l.transformer.outputs_per_coordinate() * flow.dim(),
                    dense,
                    dim: flow.dim(),
                    first,
                }
            })
            .collect();
        Plan {
            layers,
            dim: flow.dim(),
            base: BaseValues(flow.base.as_ref().map(|b| b.values())),
        }
    }

    /// `log p(x)` for row-major points `n x D`.
    pub fn log_prob(&self, x: &[f32]) -> Vec<f32> {
        let n = x.len() / self.dim;
        self.towards_prior(x.to_vec(), vec![0.0; n], self.layers.len())
    }

    /// `log N(z) + sum log|det|` after the first `count` layers towards the prior (the
    /// last `count` of the composition) on `u` (`n x D`), whose `log|det|` so far is `total`.
    pub(super) fn towards_prior(&self, u: Vec<f32>, total: Vec<f32>, count: usize) -> Vec<f32> {
        let (z, sum) = self.prior_side(&u, total, count);
        log_normal(&z, self.dim)
            .iter()
            .zip(&sum)
            .map(|(a, b)| a + b)
            .collect()
    }

    /// The latent `eps = T^-1(x)` (standardised by a learnable base) for row-major points
    /// `n x D`.
    pub fn to_prior(&self, x: &[f32]) -> Vec<f32> {
        let n = x.len() / self.dim;
        self.prior_side(x, vec![0.0; n], self.layers.len()).0
    }

    /// `u` (`n x D`) after the first `count` layers towards the prior and the base's
    /// standardisation, and its `log|det|` added to `total`, a block of rows at a time.
    fn prior_side(&self, u: &[f32], mut total: Vec<f32>, count: usize) -> (Vec<f32>, Vec<f32>) {
        let d = self.dim;
        let mut out = Vec::with_capacity(u.len());
        for (chunk, sum) in u.chunks(ROWS * d).zip(total.chunks_mut(ROWS)) {
            let n = sum.len();
            let mut u = chunk.to_vec();
            for layer in self.layers[..count].iter().rev() {
                let (v, ld) = layer.pass(&u, n, Towards::Prior);
                u = v;
                sum.iter_mut().zip(&ld).for_each(|(t, l)| *t += l);
            }
            let ls = self.base.to_prior(&mut u);
            sum.iter_mut().for_each(|t| *t -= ls);
            out.extend(u);
        }
        (out, total)
    }

    /// The composition from latent draws `eps` (`n x D`): `[z, T_1(z), ..., x]`.
    pub fn trace(&self, eps: &[f32]) -> Vec<Vec<f32>> {
        let n = eps.len() / self.dim;
        let mut u = eps.to_vec();
        self.base.to_data(&mut u);
        let mut points = vec![u.clone()];
        for layer in &self.layers {
            u = layer.pass(&u, n, Towards::Data).0;
            points.push(u.clone());
        }
        points
    }

    /// `x = T(z)` and `log q(x)` for row-major latent points `eps` (`n x D`; `z` is
    /// `mu + sigma eps` under a learnable base).
    pub fn to_data(&self, z: &[f32]) -> (Vec<f32>, Vec<f32>) {
        let d = self.dim;
        let (mut xs, mut log_q) = (Vec::with_capacity(z.len()), Vec::with_capacity(z.len() / d));
        for chunk in z.chunks(ROWS * d) {
            let n = chunk.len() / d;
            let mut lq = log_normal(chunk, d);
            let mut u = chunk.to_vec();
            let ls = self.base.to_data(&mut u);
            lq.iter_mut().for_each(|q| *q -= ls);
            for layer in &self.layers {
                let (v, ld) = layer.pass(&u, n, Towards::Data);
                u = v;
                lq.iter_mut().zip(&ld).for_each(|(q, l)| *q -= l);
            }
            xs.extend(u);
            log_q.extend(lq);
        }
        (xs, log_q)
    }
}
