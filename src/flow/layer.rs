//! One autoregressive layer `T_k` (MAF or IAF) with its MADE: a direct pass
//! `y_i = tau(u_i; MADE(u)_i)` (affine or spline, [`Transformer`]) and its inverse, a solve in
//! `D` sequential passes, both returning `(output, log_det)`. The conditioner is an
//! argument of the passes, so a caller can watch what the transform asks of it.

use crate::flow::made::Made;
use crate::flow::masks::HiddenDegrees;
use crate::flow::scale::Scale;
use crate::flow::transformer::Transformer;
use crate::numeric::tensor::{Col, Dev, Mat};
use crate::Result;
use dfdx::prelude::*;

/// Which direction of the layer costs one MADE pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Masked autoregressive flow: density `z = x * a(x) + t(x)` in one pass; sampling
    /// inverts it in `D` sequential passes.
    Maf,
    /// Inverse autoregressive flow: sampling `x = z * a(z) + t(z)` in one pass; density
    /// inverts it in `D` sequential passes.
    Iaf,
}

/// One autoregressive layer `T_k` with its MADE.
#[derive(Debug, Clone)]
pub struct ArLayer {
    /// The conditioner: each coordinate's parameters from the inputs before it.
    pub made: Made,
    /// MAF or IAF.
    pub direction: Direction,
    /// The element-wise map (affine with its scale, or spline).
    pub transformer: Transformer,
}

impl Direction {
    /// The scale a flow of this direction starts with. MAF: softplus (it trained best and
    /// cannot overflow). IAF: the tanh clamp, `|ln a| <= 3` per layer. An IAF's density is a
    /// `D`-pass solve that divides by `a`; with softplus `a` reaches 1e-3, a data point in
    /// the tail is sent a thousand times further out per layer, and the default view rolled
    /// back in 6 of 24 runs (8 data sets x seeds 0-2, 5,000 steps, the page's engine); with
    /// the clamp in none, at a similar test NLL.
    pub fn default_scale(self) -> Scale {
        match self {
            Direction::Maf => Scale::Softplus,
            Direction::Iaf => Scale::Tanh,
        }
    }

    /// Whether the pass `towards` the prior or the data is the sequential one (`D` MADE
    /// passes): IAF towards the prior, MAF towards the data.
    pub fn solves(self, towards: Towards) -> bool {
        (self == Direction::Iaf) == (towards == Towards::Prior)
    }
}

/// Which way a layer's pass goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Towards {
    /// `x -> z` (`T_k^-1`): densities.
    Prior,
    /// `z -> x` (`T_k`): samples.
    Data,
}

/// A conditioner as the layer's passes call it: the MADE's outputs from the current input.
pub type Conditioner<'a, T> = dyn FnMut(Mat<T>) -> Mat<T> + 'a;

impl ArLayer {
    /// A layer with a fresh MADE over `order` with these hidden widths and degrees.
    pub fn new(
        dev: &Dev,
        order: &[usize],
        hidden: &[usize],
        direction: Direction,
        transformer: Transformer,
        degrees: HiddenDegrees,
    ) -> Result<ArLayer> {
        let blocks = transformer.outputs_per_coordinate();
        Ok(ArLayer {
            made: Made::new(dev, order, hidden, degrees, blocks)?,
            direction,
            transformer,
        })
    }

    /// One MADE pass: the outputs for every row of `u`.
    pub fn conditioner<T: Tape<f32, Dev>>(&self, u: Mat<T>) -> Mat<T> {
        self.made.forward(u)
    }

    /// One pass: `y = tau(u; MADE(u))`, `log|det dy/du| = sum_i log tau'(u_i)`.
    fn direct<T: Tape<f32, Dev>>(&self, u: Mat<T>, cond: &mut Conditioner<T>) -> (Mat<T>, Col<T>) {
        let raw = cond(u.with_empty_tape());
        self.transformer.forward(u, raw)
    }

    /// `D` passes: `u <- tau^-1(y; MADE(u))`; after pass `p` the first `p` coordinates in
    /// the ordering are exact, so `D` passes give the exact inverse of [`Self::direct`].
    fn solve<T: Tape<f32, Dev>>(&self, y: Mat<T>, cond: &mut Conditioner<T>) -> (Mat<T>, Col<T>) {
        let mut u = y.with_empty_tape();
        for _ in 1..self.made.dim {
            let raw = cond(u);
            u = self.transformer.inverse(y.with_empty_tape(), raw).0;
        }
        let raw = cond(u);
        self.transformer.inverse(y, raw)
    }

    /// The scale of an affine layer (`None` for a spline).
    pub fn scale(&self) -> Option<Scale> {
        match self.transformer {
            Transformer::Affine(scale) => Some(scale),
            Transformer::Spline { .. } => None,
        }
    }

    /// `x = T_k(u)` (towards the data) and `log|det dx/du|`.
    pub fn to_data<T: Tape<f32, Dev>>(&self, u: Mat<T>) -> (Mat<T>, Col<T>) {
        self.pass_with(u, Towards::Data, &mut |u| self.conditioner(u))
    }

    /// `u = T_k^-1(x)` (towards the prior) and `log|det du/dx|`.
    pub fn to_prior<T: Tape<f32, Dev>>(&self, x: Mat<T>) -> (Mat<T>, Col<T>) {
        self.pass_with(x, Towards::Prior, &mut |x| self.conditioner(x))
    }

    /// The pass `towards` the prior or the data with any conditioner in place of the MADE
    /// pass (one call per MADE pass: a caller can count what the transform asks for).
    pub fn pass_with<T: Tape<f32, Dev>>(
        &self,
        u: Mat<T>,
        towards: Towards,
        cond: &mut Conditioner<T>,
    ) -> (Mat<T>, Col<T>) {
        if self.direction.solves(towards) {
            self.solve(u, cond)
        } else {
            self.direct(u, cond)
        }
    }
}
