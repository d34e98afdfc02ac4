//! MADE (Germain et al., ICML 2015) as a dfdx network on runtime shapes: masked linear
//! layers whose masks come from [`crate::flow::masks`]. Output `P` blocks of `D` (`(s, t)` of an
//! affine layer, a spline's widths, heights and derivatives), output `j` a function of the
//! inputs before `j mod D` only.

use crate::flow::masks::{self, HiddenDegrees, Mask};
use crate::kernels;
use crate::numeric::tensor::{values, Col, Dev, Mat};
use crate::Result;
use dfdx::prelude::*;
use rand_distr::Uniform;

/// Initial weights of the output layer are scaled by this, so an untrained flow starts
/// close to the identity: its first picture is nearly the prior, and training starts from
/// a well-conditioned map (measured: better test NLL than 0.1 or 1 on moons).
const OUTPUT_INIT_SCALE: f32 = 0.01;

/// `y = x (W * M)^T + b`: a linear layer whose masked weights are never used or trained.
#[derive(Debug, Clone)]
pub struct MaskedLinear {
    /// `W`, shape `(out, in)`; entries where the mask is 0 are ignored.
    pub weight: Mat,
    /// `b`, shape `(out,)`.
    pub bias: Col,
    /// `M` as a constant 0/1 tensor (it has no tape, so it is never trained).
    mask_tensor: Mat,
    /// `M` as plain booleans, for drawing and checking.
    pub mask: Mask,
    /// `M` as 0.0 / 1.0, for the fast path.
    mask_values: Vec<f32>,
}

/// Which code computes the masked layers, the spline and the tape-free evaluations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernels {
    /// dfdx's ops everywhere (matmuls, broadcasts, the spline's autodiff, evaluation in
    /// tensor chunks): the reference.
    Dfdx,
    /// The fused loops of [`crate::kernels`] with a hand-written backward on dfdx's
    /// tape, the spline as one op ([`crate::flow::spline_grad`]), evaluation on slices.
    Fast,
    /// dfdx's matmuls with the spline as one op and evaluation on slices: the fastest
    /// natively for spline flows, where dfdx's gemm beats the portable loops.
    Mixed,
}

impl Kernels {
    /// The faster choice for a flow of spline layers (`spline`) or affine ones, as measured
    /// (`arflow-bench`, the engine comparison): the fused step in the browser (dfdx's matrix
    /// kernels have no SIMD128 path there) and natively (2,000 steps of the standard flow:
    /// 1.2x dfdx's speed for MAF, 1.7x for IAF in the portable build, 1.8x and 3.3x built
    /// for a CPU with FMA); for spline flows in the portable build, the mixed choice, as
    /// fast there (514 against 501 steps/s; 801 against 561 with FMA).
    pub fn preferred(spline: bool) -> Kernels {
        match (cfg!(target_arch = "wasm32"), spline) {
            (false, true) if !cfg!(target_feature = "fma") => Kernels::Mixed,
            _ => Kernels::Fast,
        }
    }

    /// Whether the masked layers run on the fused loops.
    pub fn fused_products(self) -> bool {
        self == Kernels::Fast
    }

    /// Whether the spline is one op with a written-out backward (else dfdx's autodiff).
    pub fn fused_spline(self) -> bool {
        self != Kernels::Dfdx
    }

    /// Whether densities and samples are evaluated on slices (else in tensor chunks).
    pub fn tape_free(self) -> bool {
        self != Kernels::Dfdx
    }
}

pub use kernels::Activation;

fn add_to(acc: &mut [f32], g: &[f32]) {
    acc.iter_mut().zip(g).for_each(|(a, b)| *a += b);
}

impl MaskedLinear {
    /// Weights and biases uniform in `+-scale / sqrt(in)`, like dfdx's `Linear`.
    fn new(dev: &Dev, mask: Mask, scale: f32) -> MaskedLinear {
        let (out, inp) = (mask.rows, mask.cols);
        let b = 1.0 / (inp as f32).sqrt();
        let weight = dev.sample_like(&(out, inp), Uniform::new(-b, b)) * scale;
        let bias = dev.sample_like(&(out,), Uniform::new(-b, b)) * scale;
        let mask_tensor = dev.tensor_from_vec(mask.to_f32(), (out, inp));
        MaskedLinear {
            weight,
            bias,
            mask_tensor,
            mask_values: mask.to_f32(),
            mask,
        }
    }

    /// `act(x (W * M)^T + b)` for a batch `x` of shape `(n, in)`, computed by `kernels`.
    pub fn forward<T: Tape<f32, Dev>>(
        &self,
        x: Mat<T>,
        act: Activation,
        kernels: Kernels,
    ) -> Mat<T> {
        match (kernels, act) {
            (k, _) if k.fused_products() => self.forward_fast(x, act),
            (_, Activation::Relu) => self.forward_dfdx(x).relu(),
            (_, Activation::Identity) => self.forward_dfdx(x),
        }
    }

    /// The fused loops of [`crate::kernels`] forward, and their backward recorded on
    /// `x`'s tape as one op that adds to the gradients of `x`, `W` and `b`.
    fn forward_fast<T: Tape<f32, Dev>>(&self, x: Mat<T>, act: Activation) -> Mat<T> {
        let (x, mut tape) = x.split_tape();
        let (n, inp, out) = (x.shape().0, self.mask.cols, self.mask.rows);
        let xv = x.as_vec();
        let wm = self.masked_weight();
        let y: Mat = x.device().tensor_from_vec(
            kernels::layer_forward(&xv, &wm, &values(&self.bias), n, inp, out, act),
            (n, out),
        );
        if T::OWNS_TAPE {
            let (w, b, mask, y) = (
                self.weight.clone(),
                self.bias.clone(),
                self.mask_values.clone(),
                y.clone(),
            );
            tape.add_backward_op(move |grads| {
                let dy = grads.get_or_alloc_mut(&y)?.to_vec();
                let g =
                    kernels::layer_backward(&xv, &wm, &mask, &y.as_vec(), &dy, n, inp, out, act);
                add_to(grads.get_or_alloc_mut(&x)?, &g.dx);
                add_to(grads.get_or_alloc_mut(&w)?, &g.dw);
                add_to(grads.get_or_alloc_mut(&b)?, &g.db);
                Ok(())
            });
        }
        y.put_tape(tape)
    }

    /// `x (W * M)^T + b` with dfdx's ops: the reference the fast path is held to.
    fn forward_dfdx<T: Tape<f32, Dev>>(&self, x: Mat<T>) -> Mat<T> {
        let n = x.shape().0;
        let w = self.weight.retaped::<T>() * self.mask_tensor.clone();
        let y = x.matmul(w.permute::<_, Axes2<1, 0>>());
        let shape = (n, self.mask.rows);
        y + self
            .bias
            .retaped::<T>()
            .broadcast_like::<_, Axis<0>>(&shape)
    }

    /// The weights actually used, `W * M`, row-major `(out, in)`.
    pub fn masked_weight(&self) -> Vec<f32> {
        let mut w = values(&self.weight);
        for (w, m) in w.iter_mut().zip(&self.mask_values) {
            *w *= m;
        }
        w
    }
}

/// A MADE with any list of hidden widths and ReLU hidden units (as in the MAF paper).
#[derive(Debug, Clone)]
pub struct Made {
    /// The dimension `D`.
    pub dim: usize,
    /// `[m0, m1, ..., mL]`: input degrees then each hidden layer's.
    pub degrees: Vec<Vec<usize>>,
    /// Hidden layers then the output layer (`P D` units, `P` blocks of `D`).
    pub layers: Vec<MaskedLinear>,
}

impl Made {
    /// A MADE over the inputs in `order` (`order[p]` = the input at position `p`) with
    /// `blocks` outputs per input.
    pub fn new(
        dev: &Dev,
        order: &[usize],
        hidden: &[usize],
        rule: HiddenDegrees,
        blocks: usize,
    ) -> Result<Made> {
        let degrees = masks::degrees(order, hidden, rule)?;
        let masks = masks::masks(&degrees, blocks);
        let last = masks.len() - 1;
        let layers = masks
            .into_iter()
            .enumerate()
            .map(|(l, m)| {
                MaskedLinear::new(dev, m, if l == last { OUTPUT_INIT_SCALE } else { 1.0 })
            })
            .collect();
        Ok(Made {
            dim: order.len(),
            degrees,
            layers,
        })
    }

    /// The masks of every layer, in order.
    pub fn masks(&self) -> Vec<&Mask> {
        self.layers.iter().map(|l| &l.mask).collect()
    }

    /// The outputs `(n, P D)` for a batch `x` of shape `(n, D)`: one MADE pass, computed by
    /// `kernels`.
    pub fn forward<T: Tape<f32, Dev>>(&self, x: Mat<T>, kernels: Kernels) -> Mat<T> {
        let (last, hidden) = self
            .layers
            .split_last()
            .expect("a MADE has an output layer");
        let h = hidden
            .iter()
            .fold(x, |h, layer| layer.forward(h, Activation::Relu, kernels));
        last.forward(h, Activation::Identity, kernels)
    }

    /// The input at position 1 of the ordering (degree 1): its `s, t` see no input.
    pub fn first_input(&self) -> usize {
        self.degrees[0]
            .iter()
            .position(|&m| m == 1)
            .expect("an ordering has a first input")
    }

    /// Number of trainable scalars (masked entries included: they exist but never move).
    pub fn num_params(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.weight.shape().num_elements() + l.bias.shape().0)
            .sum()
    }
}
