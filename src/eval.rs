//! Tape-free evaluation of a whole flow on plain slices, for the density grid and for
//! sampling: the same math as [`crate::flow`] without tensors, allocations per op or
//! strided element loops, on [`crate::fast`]'s blocked products. Held to the dfdx path by
//! the tests.
//!
//! One saving is structural: in the first of the `D` sequential passes only the first
//! coordinate of the ordering becomes exact, and its `s, t` are the output biases alone
//! (it sees no input), so that pass needs no product at all. Another is for grids
//! ([`Lattice`]): in 2-D the first layer applied to the data sees one coordinate, so its
//! MADE runs once per grid column (or row), not once per cell.

use crate::fast::{matmul_acc, pad_columns, repeat_rows, transpose, BLOCK_WIDTH};
use crate::flow::{softplus_shift, Direction, Flow, Scale, SOFTPLUS_FLOOR, TANH_BOUND};
use crate::grid::{Density, Grid};

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
    /// the narrow output layer (`2D` columns) takes the blocked path without per-call
    /// copies. [`Layer::split`] reads the first `2D` of each padded row.
    fn pad(&mut self) {
        let wide = self.out.next_multiple_of(BLOCK_WIDTH);
        self.wt = pad_columns(&self.wt, self.out, wide);
        self.bias.resize(wide, 0.0);
        self.out = wide;
    }
}

/// `ln a` from the raw MADE output `s`, as [`Scale::log_scale`] computes it on tensors.
#[inline(always)]
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
#[derive(Debug, Clone)]
struct Layer {
    direction: Direction,
    scale: Scale,
    dense: Vec<Dense>,
    dim: usize,
    /// The input at position 1 of the ordering.
    first: usize,
}

impl Layer {
    /// `(ln a, t)` for every row: `n x D` each.
    fn conditioner(&self, u: &[f32], n: usize) -> (Vec<f32>, Vec<f32>) {
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

    fn split(&self, out: &[f32], n: usize) -> (Vec<f32>, Vec<f32>) {
        let d = self.dim;
        let mut ls = Vec::with_capacity(n * d);
        let mut t = Vec::with_capacity(n * d);
        let width = self.dense.last().expect("an output layer").out;
        for row in out.chunks_exact(width) {
            ls.extend(row[..d].iter().map(|&s| log_scale(self.scale, s)));
            t.extend_from_slice(&row[d..2 * d]);
        }
        (ls, t)
    }

    /// The `(ln a, t)` that the `D` passes of a solve end with. The first pass needs no
    /// product: only the first coordinate becomes exact, and its `s, t` are output biases,
    /// the same for every row.
    fn solve_conditioner(&self, y: &[f32], n: usize) -> (Vec<f32>, Vec<f32>) {
        let d = self.dim;
        let bias = &self.dense.last().expect("an output layer").bias;
        let (ls0, t0) = self.split(bias, 1);
        if d == 1 {
            return (ls0.repeat(n), t0.repeat(n));
        }
        let (l, t) = (ls0[self.first], t0[self.first]);
        let inv = (-l).exp();
        let mut u = y.to_vec();
        for row in u.chunks_exact_mut(d) {
            row[self.first] = (row[self.first] - t) * inv;
        }
        let (mut ls, mut t) = (Vec::new(), Vec::new());
        for pass in 1..d {
            (ls, t) = self.conditioner(&u, n);
            if pass + 1 < d {
                for ((u, y), (l, t)) in u.iter_mut().zip(y).zip(ls.iter().zip(&t)) {
                    *u = (y - t) * (-l).exp();
                }
            }
        }
        (ls, t)
    }

    /// The final `(ln a, t)` of this layer's pass towards the prior (`normalising`) or the
    /// data, for `n` rows of its input.
    fn coefficients(&self, u: &[f32], n: usize, normalising: bool) -> (Vec<f32>, Vec<f32>) {
        if self.solves(normalising) {
            self.solve_conditioner(u, n)
        } else {
            self.conditioner(u, n)
        }
    }

    /// Whether the pass in this direction is the sequential one.
    fn solves(&self, normalising: bool) -> bool {
        (self.direction == Direction::Iaf) == normalising
    }

    /// The layer's output and `log|det|` per row from its input and final coefficients:
    /// `y = u * a + t`, `sum ln a` for a direct pass; `u = (y - t) / a`, `-sum ln a` for
    /// a solve.
    fn apply(&self, u: &[f32], ls: &[f32], t: &[f32], normalising: bool) -> (Vec<f32>, Vec<f32>) {
        let terms = u.iter().zip(ls).zip(t);
        let sums = ls.chunks_exact(self.dim).map(|r| r.iter().sum::<f32>());
        if self.solves(normalising) {
            let v = terms.map(|((y, l), t)| (y - t) * (-l).exp()).collect();
            (v, sums.map(|s| -s).collect())
        } else {
            let v = terms.map(|((u, l), t)| u * l.exp() + t).collect();
            (v, sums.collect())
        }
    }

    fn pass(&self, u: &[f32], n: usize, normalising: bool) -> (Vec<f32>, Vec<f32>) {
        let (ls, t) = self.coefficients(u, n, normalising);
        self.apply(u, &ls, &t, normalising)
    }
}

/// `log N(z; 0, I)` per row.
fn log_normal(z: &[f32], d: usize) -> Vec<f32> {
    let c = 0.5 * d as f32 * (2.0 * std::f32::consts::PI).ln();
    z.chunks_exact(d)
        .map(|r| -0.5 * r.iter().map(|v| v * v).sum::<f32>() - c)
        .collect()
}

/// A snapshot of a flow's parameters with its masked weights transposed once, for many
/// evaluations (it does not follow later training).
#[derive(Debug, Clone)]
pub struct Plan {
    layers: Vec<Layer>,
    dim: usize,
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
                        bias: m.bias.as_vec(),
                        inp: m.mask.cols,
                        out: m.mask.rows,
                    })
                    .collect();
                dense.last_mut().expect("an output layer").pad();
                let first = l.made.first_input();
                Layer {
                    direction: l.direction,
                    scale: l.scale,
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
        let n = x.len() / self.dim;
        self.towards_prior(x.to_vec(), vec![0.0; n], self.layers.len())
    }

    /// `log N(z) + sum log|det|` after the first `count` layers towards the prior (the
    /// last `count` of the composition) on `u` (`n x D`), whose `log|det|` so far is `total`.
    fn towards_prior(&self, u: Vec<f32>, total: Vec<f32>, count: usize) -> Vec<f32> {
        let d = self.dim;
        let mut out = Vec::with_capacity(total.len());
        for (chunk, sum) in u.chunks(ROWS * d).zip(total.chunks(ROWS)) {
            let n = sum.len();
            let (mut u, mut sum) = (chunk.to_vec(), sum.to_vec());
            for layer in self.layers[..count].iter().rev() {
                let (v, ld) = layer.pass(&u, n, true);
                u = v;
                sum.iter_mut().zip(&ld).for_each(|(t, l)| *t += l);
            }
            out.extend(log_normal(&u, d).iter().zip(&sum).map(|(a, b)| a + b));
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
                let (v, ld) = layer.pass(&u, n, false);
                u = v;
                lq.iter_mut().zip(&ld).for_each(|(q, l)| *q -= l);
            }
            xs.extend(u);
            log_q.extend(lq);
        }
        (xs, log_q)
    }
}

/// `log p` on the cells of a 2-D product grid, any range of cells at a time, from one
/// [`Plan`]. The first layer towards the prior sees a single coordinate of the data (its
/// first in the ordering; the other is masked out), and on a grid that coordinate takes
/// one value per column (`x1`) or per row (`x2`): its coefficients are computed once per
/// value, up front, and looked up per cell. The result equals [`Plan::log_prob`] on the
/// same points to the last bit.
#[derive(Debug, Clone)]
pub struct Lattice {
    plan: Plan,
    grid: Grid,
    /// The cell centres, row-major from the top (as [`Grid::points`] lays them out).
    points: Vec<f32>,
    /// `(ln a, t)` of the first layer per distinct value, `values x 2` each.
    table: (Vec<f32>, Vec<f32>),
}

impl Lattice {
    /// `plan` (a 2-D flow) over the cells of `grid`.
    pub fn new(plan: Plan, grid: &Grid) -> Lattice {
        assert_eq!(plan.dim, 2, "a lattice is 2-D");
        let (points, nx) = (grid.points(), grid.nx);
        let layer = plan.layers.last().expect("a layer");
        // One representative cell per distinct value: row 0 for x1, column 0 for x2.
        let reps: Vec<f32> = if layer.first == 0 {
            points[..2 * nx].to_vec()
        } else {
            points
                .chunks_exact(2 * nx)
                .flat_map(|r| [r[0], r[1]])
                .collect()
        };
        let table = layer.coefficients(&reps, reps.len() / 2, true);
        Lattice {
            plan,
            grid: *grid,
            points,
            table,
        }
    }

    /// The grid it covers.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// `log p` on every cell: the whole [`Density`].
    pub fn density(&self) -> Density {
        Density::new(self.grid, self.log_prob(0..self.len()))
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.points.len() / 2
    }

    /// Whether there are no cells.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// `log p` at cells `range` (row-major indices).
    pub fn log_prob(&self, range: std::ops::Range<usize>) -> Vec<f32> {
        let layer = self.plan.layers.last().expect("a layer");
        let u = &self.points[2 * range.start..2 * range.end];
        let (mut ls, mut t) = (Vec::with_capacity(u.len()), Vec::with_capacity(u.len()));
        for cell in range {
            let v = if layer.first == 0 {
                cell % self.grid.nx
            } else {
                cell / self.grid.nx
            };
            ls.extend_from_slice(&self.table.0[2 * v..2 * v + 2]);
            t.extend_from_slice(&self.table.1[2 * v..2 * v + 2]);
        }
        let (v, ld) = layer.apply(u, &ls, &t, true);
        self.plan.towards_prior(v, ld, self.plan.layers.len() - 1)
    }
}
