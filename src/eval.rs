//! Tape-free evaluation of a whole flow on plain slices, for the density grid and for
//! sampling: the same math as [`crate::flow`] without tensors, allocations per op or
//! strided element loops, on [`crate::fast`]'s blocked products. Held to the dfdx path by
//! the tests.
//!
//! One saving is structural: in the first of the `D` sequential passes only the first
//! coordinate of the ordering becomes exact, and its `s, t` are the output biases alone
//! (it sees no input), so that pass needs no product at all.

use crate::fast::{matmul_acc, repeat_rows, transpose};
use crate::flow::{softplus_shift, ArLayer, Direction, Flow, Scale, SOFTPLUS_FLOOR, TANH_BOUND};

/// Rows evaluated together: the hidden activations stay in cache.
const ROWS: usize = 256;

/// A masked layer ready to multiply: `(W*M)^T` and `b`.
struct Dense {
    wt: Vec<f32>,
    bias: Vec<f32>,
    inp: usize,
    out: usize,
}

/// `ln a` from the raw MADE output `s`, as [`Scale::log_scale`] computes it on tensors.
fn log_scale(scale: Scale, s: f32) -> f32 {
    match scale {
        Scale::Exp => s,
        Scale::Tanh => (s / TANH_BOUND).tanh() * TANH_BOUND,
        Scale::Softplus => {
            let v = s + softplus_shift();
            (v.max(0.0) + (-v.abs()).exp().ln_1p() + SOFTPLUS_FLOOR).ln()
        }
    }
}

/// One layer `T_k` on slices.
struct Layer<'a> {
    source: &'a ArLayer,
    dense: Vec<Dense>,
    dim: usize,
    /// The input at position 1 of the ordering.
    first: usize,
}

impl Layer<'_> {
    /// `(ln a, t)` for every row: `n x D` each.
    fn conditioner(&self, u: &[f32], n: usize) -> (Vec<f32>, Vec<f32>) {
        self.source.count_pass();
        let mut h = u.to_vec();
        for (l, d) in self.dense.iter().enumerate() {
            let mut next = repeat_rows(&d.bias, n);
            matmul_acc(&h, &d.wt, &mut next, n, d.inp, d.out);
            if l + 1 < self.dense.len() {
                next.iter_mut().for_each(|v| *v = v.max(0.0));
            }
            h = next;
        }
        self.split(&h, n)
    }

    /// The first pass of a solve: only the first coordinate's `(ln a, t)`, from the biases.
    fn first_pass(&self, n: usize) -> (Vec<f32>, Vec<f32>) {
        self.source.count_pass();
        let bias = &self.dense.last().expect("an output layer").bias;
        self.split(&repeat_rows(bias, n), n)
    }

    fn split(&self, out: &[f32], n: usize) -> (Vec<f32>, Vec<f32>) {
        let d = self.dim;
        let scale = self.source.scale;
        let mut ls = Vec::with_capacity(n * d);
        let mut t = Vec::with_capacity(n * d);
        for row in out.chunks_exact(2 * d) {
            ls.extend(row[..d].iter().map(|&s| log_scale(scale, s)));
            t.extend_from_slice(&row[d..]);
        }
        (ls, t)
    }

    /// `y = u * a(u) + t(u)` and `sum ln a` per row.
    fn direct(&self, u: &[f32], n: usize) -> (Vec<f32>, Vec<f32>) {
        let (ls, t) = self.conditioner(u, n);
        let y = u
            .iter()
            .zip(&ls)
            .zip(&t)
            .map(|((u, l), t)| u * l.exp() + t)
            .collect();
        (y, row_sums(&ls, self.dim))
    }

    /// `D` passes of `u <- (y - t(u)) / a(u)` and `-sum ln a` per row.
    fn solve(&self, y: &[f32], n: usize) -> (Vec<f32>, Vec<f32>) {
        let d = self.dim;
        let (ls, t) = self.first_pass(n);
        let mut u = y.to_vec();
        for r in 0..n {
            let i = r * d + self.first;
            u[i] = (y[i] - t[i]) * (-ls[i]).exp();
        }
        let mut last = Vec::new();
        for _ in 1..d {
            let (ls, t) = self.conditioner(&u, n);
            u = y
                .iter()
                .zip(&ls)
                .zip(&t)
                .map(|((y, l), t)| (y - t) * (-l).exp())
                .collect();
            last = ls;
        }
        let ld = row_sums(&last, d).into_iter().map(|v| -v).collect();
        (u, ld)
    }
}

fn row_sums(v: &[f32], d: usize) -> Vec<f32> {
    v.chunks_exact(d).map(|r| r.iter().sum()).collect()
}

/// `log N(z; 0, I)` per row.
fn log_normal(z: &[f32], d: usize) -> Vec<f32> {
    let c = 0.5 * d as f32 * (2.0 * std::f32::consts::PI).ln();
    z.chunks_exact(d)
        .map(|r| -0.5 * r.iter().map(|v| v * v).sum::<f32>() - c)
        .collect()
}

/// A flow's layers with their masked weights transposed once, for many evaluations.
pub struct Plan<'a> {
    layers: Vec<Layer<'a>>,
    dim: usize,
}

impl<'a> Plan<'a> {
    /// Reads `flow`'s current parameters.
    pub fn new(flow: &'a Flow) -> Plan<'a> {
        let layers = flow
            .layers
            .iter()
            .map(|l| {
                let dense = l
                    .made
                    .layers
                    .iter()
                    .map(|m| Dense {
                        wt: transpose(&m.masked_weight(), m.mask.rows, m.mask.cols),
                        bias: m.bias.as_vec(),
                        inp: m.mask.cols,
                        out: m.mask.rows,
                    })
                    .collect();
                let first = l.made.degrees[0]
                    .iter()
                    .position(|&m| m == 1)
                    .expect("a first input");
                Layer {
                    source: l,
                    dense,
                    dim: flow.dim(),
                    first,
                }
            })
            .collect();
        Plan {
            layers,
            dim: flow.dim(),
        }
    }

    /// `log p(x)` for row-major points `n x D`.
    pub fn log_prob(&self, x: &[f32]) -> Vec<f32> {
        let d = self.dim;
        let mut out = Vec::with_capacity(x.len() / d);
        for chunk in x.chunks(ROWS * d) {
            let n = chunk.len() / d;
            let mut u = chunk.to_vec();
            let mut total = vec![0.0; n];
            for layer in self.layers.iter().rev() {
                let (v, ld) = match layer.source.direction {
                    Direction::Maf => layer.direct(&u, n),
                    Direction::Iaf => layer.solve(&u, n),
                };
                u = v;
                total.iter_mut().zip(&ld).for_each(|(t, l)| *t += l);
            }
            out.extend(log_normal(&u, d).iter().zip(&total).map(|(a, b)| a + b));
        }
        out
    }

    /// `x = T(z)` and `log q(x)` for row-major latent points `n x D`.
    pub fn push(&self, z: &[f32]) -> (Vec<f32>, Vec<f32>) {
        let d = self.dim;
        let (mut xs, mut log_q) = (Vec::with_capacity(z.len()), Vec::with_capacity(z.len() / d));
        for chunk in z.chunks(ROWS * d) {
            let n = chunk.len() / d;
            let mut lq = log_normal(chunk, d);
            let mut u = chunk.to_vec();
            for layer in &self.layers {
                let (v, ld) = match layer.source.direction {
                    Direction::Maf => layer.solve(&u, n),
                    Direction::Iaf => layer.direct(&u, n),
                };
                u = v;
                lq.iter_mut().zip(&ld).for_each(|(q, l)| *q -= l);
            }
            xs.extend(u);
            log_q.extend(lq);
        }
        (xs, log_q)
    }
}
