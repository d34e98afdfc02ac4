//! A MADE on flat slices for the fused training step: its masked weights packed once per
//! update, a forward pass that keeps its activations, and a backward pass into a gradient
//! of the step's own layout (each layer's `dW^T`, then `db`, padded like the products), which
//! [`SliceMade::export`] turns into the flow's parameter layout, masked, once per step.
//!
//! Every buffer a product writes is a multiple of the kernels' block width wide (the
//! narrow output layer's `P D` columns, a hidden width that is not a multiple of 4), its
//! padding columns zero, so every product takes the blocked path with no padded copy.

use crate::flow::made::Made;
use crate::kernels::{matmul_into, Left, Scratch, BLOCK_WIDTH};

fn pad(v: usize) -> usize {
    v.next_multiple_of(BLOCK_WIDTH)
}

/// Adds every row of `rows` (each `acc.len()` long) to `acc`.
fn sum_rows(rows: &[f32], acc: &mut [f32]) {
    for row in rows.chunks_exact(acc.len()) {
        acc.iter_mut().zip(row).for_each(|(a, g)| *a += g);
    }
}

/// One masked layer, packed for the products.
#[derive(Debug, Clone)]
struct Dense {
    /// Real inputs and outputs (`W` is `out x inp`).
    inp: usize,
    out: usize,
    /// Input columns as stored (`D` for the first layer, the layer before's `width`).
    kin: usize,
    /// Output columns as stored (`out` padded).
    width: usize,
    /// Where `W` (then `b`) starts in the flow's parameters.
    param: usize,
    /// Where `dW^T` (`kin x width`, then `db`, `width`) starts in the step's gradient.
    grad: usize,
    /// `M`, `out x inp`, as 0.0 / 1.0.
    mask: Vec<f32>,
    /// `(W * M)^T`, `kin x width`: the forward product's right operand.
    wt: Vec<f32>,
    /// `W * M`, `width x pad(kin)`: the input gradient's.
    wm: Vec<f32>,
    /// `b`, `width`.
    bias: Vec<f32>,
}

/// One MADE pass's activations: its input and each layer's output (ReLU applied; the
/// last is the raw `n x width` outputs).
#[derive(Debug, Clone, Default)]
pub(super) struct Acts {
    input: Vec<f32>,
    outs: Vec<Vec<f32>>,
    n: usize,
}

impl Acts {
    /// The raw outputs, `n x width` (the first `P D` of each row are the MADE's).
    pub(super) fn raw(&self) -> &[f32] {
        self.outs.last().expect("a pass ran")
    }
}

/// Buffers of the backward pass, reused from step to step.
#[derive(Debug, Clone, Default)]
pub(super) struct Work {
    pub(super) scratch: Scratch,
    dz: Vec<f32>,
    dx: Vec<f32>,
}

/// A MADE on slices.
#[derive(Debug, Clone)]
pub(super) struct SliceMade {
    dense: Vec<Dense>,
    dim: usize,
    /// The stored width of a row of raw outputs (`P D` padded).
    pub(super) width: usize,
}

impl SliceMade {
    /// The layout of `made`, whose parameters start at `*param` in the flow's and whose
    /// gradient starts at `*grad` in the step's (both advanced past it).
    pub(super) fn new(made: &Made, param: &mut usize, grad: &mut usize) -> SliceMade {
        let mut kin = made.dim;
        let dense = made
            .layers
            .iter()
            .map(|l| {
                let (out, inp) = (l.mask.rows, l.mask.cols);
                let width = pad(out);
                let d = Dense {
                    inp,
                    out,
                    kin,
                    width,
                    param: *param,
                    grad: *grad,
                    mask: l.mask.to_f32(),
                    wt: vec![0.0; kin * width],
                    wm: vec![0.0; width * pad(kin)],
                    bias: vec![0.0; width],
                };
                *param += out * inp + out;
                *grad += kin * width + width;
                kin = width;
                d
            })
            .collect::<Vec<_>>();
        SliceMade {
            width: kin,
            dense,
            dim: made.dim,
        }
    }

    /// Packs the masked weights and biases from the flow's parameters `theta`.
    pub(super) fn load(&mut self, theta: &[f32]) {
        for d in &mut self.dense {
            let w = &theta[d.param..d.param + d.out * d.inp];
            let b = &theta[d.param + d.out * d.inp..][..d.out];
            let wide = pad(d.kin);
            for o in 0..d.out {
                for i in 0..d.inp {
                    let v = w[o * d.inp + i] * d.mask[o * d.inp + i];
                    d.wt[i * d.width + o] = v;
                    d.wm[o * wide + i] = v;
                }
            }
            d.bias[..d.out].copy_from_slice(b);
        }
    }

    /// The output layer's biases, one row of raw outputs (`width`): the MADE's outputs
    /// for an input it does not see, as the first pass of a solve uses them.
    pub(super) fn output_bias(&self) -> &[f32] {
        &self.dense.last().expect("an output layer").bias
    }

    /// Where the output layer's `db` sits in the step's gradient.
    pub(super) fn output_bias_grad(&self) -> usize {
        let d = self.dense.last().expect("an output layer");
        d.grad + d.kin * d.width
    }

    /// One pass on `u` (`n x D`), its activations kept in `acts`.
    pub(super) fn forward(&self, u: &[f32], n: usize, acts: &mut Acts, s: &mut Scratch) {
        acts.n = n;
        acts.input.clear();
        acts.input.extend_from_slice(&u[..n * self.dim]);
        acts.outs.resize_with(self.dense.len(), Vec::new);
        let last = self.dense.len() - 1;
        for (l, d) in self.dense.iter().enumerate() {
            let (before, rest) = acts.outs.split_at_mut(l);
            let x = if l == 0 { &acts.input } else { &before[l - 1] };
            let y = &mut rest[0];
            y.clear();
            for _ in 0..n {
                y.extend_from_slice(&d.bias);
            }
            matmul_into(Left::Rows(x), &d.wt, y, (n, d.kin, d.width), s);
            if l < last {
                y.iter_mut().for_each(|v| *v = v.max(0.0));
            }
        }
    }

    /// The backward pass of the forward that left `acts`, from `draw` (`n x width`, the
    /// raw outputs' gradient, zero in the padding): adds each layer's `dW^T` and `db` to
    /// `grad` (the step's layout) and, if asked, the input's gradient to `gin` (`n x D`).
    pub(super) fn backward(
        &self,
        acts: &Acts,
        draw: &[f32],
        grad: &mut [f32],
        gin: Option<&mut [f32]>,
        w: &mut Work,
    ) {
        let n = acts.n;
        // The output layer's `db`; each hidden layer's is summed as its gradient is masked.
        let top = self.dense.last().expect("an output layer");
        sum_rows(
            draw,
            &mut grad[top.grad + top.kin * top.width..][..top.width],
        );
        let mut dz = std::mem::take(&mut w.dz);
        let mut dx = std::mem::take(&mut w.dx);
        for (l, d) in self.dense.iter().enumerate().rev() {
            let x = if l == 0 {
                &acts.input
            } else {
                &acts.outs[l - 1]
            };
            let g = if l == self.dense.len() - 1 {
                draw
            } else {
                &dz[..]
            };
            let dwt = &mut grad[d.grad..d.grad + d.kin * d.width];
            matmul_into(
                Left::Transposed(x),
                g,
                dwt,
                (d.kin, n, d.width),
                &mut w.scratch,
            );
            if l == 0 && gin.is_none() {
                break;
            }
            let wide = pad(d.kin);
            dx.clear();
            dx.resize(n * wide, 0.0);
            matmul_into(
                Left::Rows(g),
                &d.wm,
                &mut dx,
                (n, d.width, wide),
                &mut w.scratch,
            );
            if l > 0 {
                // ReLU: the gradient passes where the unit was on; the layer below's `db`
                // is the sum of what passes.
                let below = &self.dense[l - 1];
                let db = &mut grad[below.grad + below.kin * below.width..][..below.width];
                for (grow, hrow) in dx.chunks_exact_mut(wide).zip(x.chunks_exact(wide)) {
                    for ((g, h), b) in grow.iter_mut().zip(hrow).zip(db.iter_mut()) {
                        *g = if *h > 0.0 { *g } else { 0.0 };
                        *b += *g;
                    }
                }
                std::mem::swap(&mut dz, &mut dx);
            }
        }
        if let Some(gin) = gin {
            for (g, row) in gin
                .chunks_exact_mut(self.dim)
                .zip(dx.chunks_exact(pad(self.dim)))
            {
                g.iter_mut().zip(row).for_each(|(a, b)| *a += b);
            }
        }
        (w.dz, w.dx) = (dz, dx);
    }

    /// The step's gradient `internal` in the flow's parameter layout (`dW` masked, `db`),
    /// written into `flat`.
    pub(super) fn export(&self, internal: &[f32], flat: &mut [f32]) {
        for d in &self.dense {
            let (dwt, db) = internal[d.grad..].split_at(d.kin * d.width);
            let (w, b) = flat[d.param..d.param + d.out * (d.inp + 1)].split_at_mut(d.out * d.inp);
            for o in 0..d.out {
                for i in 0..d.inp {
                    w[o * d.inp + i] = dwt[i * d.width + o] * d.mask[o * d.inp + i];
                }
            }
            b.copy_from_slice(&db[..d.out]);
        }
    }
}
