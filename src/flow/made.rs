//! MADE (Germain et al., ICML 2015) as a dfdx network on runtime shapes: masked linear
//! layers whose masks come from [`crate::flow::masks`]. Output `P` blocks of `D` (`(s, t)` of an
//! affine layer, a spline's widths, heights and derivatives), output `j` a function of the
//! inputs before `j mod D` only.

use crate::flow::masks::{self, HiddenDegrees, Mask};
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

/// Which engine computes a flow's training step and its evaluations. The tape (every
/// gradient, the probe's Jacobians) is always dfdx's ops: the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernels {
    /// dfdx everywhere: the step on the tape, densities and samples in tensor chunks.
    Dfdx,
    /// The fast engine: the fused step ([`crate::train::fused`]) for training, the plan and
    /// the lattice ([`crate::eval`]) for evaluation, all on [`crate::kernels`]' blocked
    /// products (measured faster than dfdx's in every build: 1.2x MAF, 1.7x IAF in the
    /// portable native build; 5x and 10x in the browser).
    Fast,
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

    /// `x (W * M)^T + b` for a batch `x` of shape `(n, in)`.
    pub fn forward<T: Tape<f32, Dev>>(&self, x: Mat<T>) -> Mat<T> {
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

    /// The outputs `(n, P D)` for a batch `x` of shape `(n, D)`: one MADE pass, ReLU
    /// after every hidden layer.
    pub fn forward<T: Tape<f32, Dev>>(&self, x: Mat<T>) -> Mat<T> {
        let (last, hidden) = self
            .layers
            .split_last()
            .expect("a MADE has an output layer");
        let h = hidden.iter().fold(x, |h, layer| layer.forward(h).relu());
        last.forward(h)
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
