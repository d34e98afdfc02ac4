//! The two objectives: forward KL (maximum likelihood on fresh data batches) and reverse KL
//! (`E_q[log q(x) - log p~(x)]` on reparameterised samples `x = T(z)`), as losses on the
//! tape, with the normaliser and the NLL read-out they are reported against.

use crate::data::DataSet;
use crate::flow::Flow;
use crate::target::Target;
use crate::tensor::{Dev, Mat};
use dfdx::prelude::*;

/// What the flow learns from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    /// Forward KL = maximum likelihood on samples of a data set.
    ForwardKl(DataSet),
    /// Reverse KL against an unnormalised energy target.
    ReverseKl(Target),
}

/// A scalar loss with its tape.
pub type Scalar = Tensor<(), f32, Dev, OwnedTape<f32, Dev>>;

/// Forward KL up to the data entropy: `-mean_i log p(x_i)`.
pub fn forward_kl_loss(flow: &Flow, x: Mat) -> Scalar {
    flow.log_prob(x.leaky_traced()).mean::<(), _>().negate()
}

/// Reverse KL up to `ln Z`: `mean_i [log q(x_i) + U(x_i)]`, `x_i = T(z_i)` (reparameterised).
pub fn reverse_kl_loss(flow: &Flow, target: Target, z: Mat) -> Scalar {
    let (x, log_q) = flow.push(z.leaky_traced());
    (log_q + target.energy(x)).mean::<(), _>()
}

/// `-mean log p` over the finite values (the page reports how many were not).
pub fn mean_finite_nll(log_p: &[f32]) -> f64 {
    let finite: Vec<f64> = log_p
        .iter()
        .filter(|v| v.is_finite())
        .map(|&v| v as f64)
        .collect();
    if finite.len() < log_p.len() {
        return f64::INFINITY;
    }
    -finite.iter().sum::<f64>() / finite.len() as f64
}
