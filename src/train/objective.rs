//! The two objectives: forward KL (maximum likelihood on fresh data batches) and reverse KL
//! (`E_q[log q(x) - log p~(x)]` on reparameterised samples `x = T(z)`), as losses on the
//! tape, with the normaliser and the NLL read-out they are reported against. The compare
//! view also trains each objective on the other kind of target: forward KL on exact draws
//! of an energy, reverse KL against a data set's exact density.

use crate::data::target::Target;
use crate::data::DataSet;
use crate::flow::Flow;
use crate::numeric::grid::{Density, Grid};
use crate::numeric::tensor::{matrix, row_sum, values, Dev, Mat};
use dfdx::prelude::*;

/// What the flow learns from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Objective {
    /// Forward KL = maximum likelihood on samples of a data set.
    ForwardKl(DataSet),
    /// Reverse KL against an unnormalised energy target.
    ReverseKl(Target),
    /// Forward KL on exact draws of an energy target ([`crate::data::sampler::GridSampler`]).
    ForwardKlEnergy(Target),
    /// Reverse KL against a data set's exact density (one that is positive everywhere:
    /// [`DataSet::has_smooth_density`]).
    ReverseKlData(DataSet),
    /// Forward KL on the 8x8 digits, dequantised and logit-transformed
    /// ([`crate::data::digits`]): the one 64-dimensional objective.
    Digits,
}

impl Objective {
    /// Whether the flow learns from draws of the target (forward KL).
    pub fn is_forward(self) -> bool {
        matches!(
            self,
            Objective::ForwardKl(_) | Objective::ForwardKlEnergy(_) | Objective::Digits
        )
    }

    /// Whether it trains on a fixed set of points, which a model can learn by heart (the
    /// user's points, the digits' 1,437 images): one that draws fresh points at every step
    /// (a data set's recipe, an energy's exact draws, reverse KL's own samples) cannot
    /// overfit, and a test metric above its best there is noise.
    pub fn can_overfit(self) -> bool {
        matches!(
            self,
            Objective::ForwardKl(DataSet::Drawn) | Objective::Digits
        )
    }

    /// The dimension of the points it learns: 64 for the digits, 2 for the toy sets.
    pub fn dim(self) -> usize {
        match self {
            Objective::Digits => crate::data::digits::DIM,
            _ => 2,
        }
    }

    /// The same target under the other objective, if the target has both draws and a
    /// density that reverse KL can train against.
    pub fn opposite(self) -> Option<Objective> {
        match self {
            Objective::ForwardKl(d) => d
                .has_smooth_density()
                .then_some(Objective::ReverseKlData(d)),
            Objective::ReverseKl(t) => Some(Objective::ForwardKlEnergy(t)),
            Objective::ForwardKlEnergy(t) => Some(Objective::ReverseKl(t)),
            Objective::ReverseKlData(d) => Some(Objective::ForwardKl(d)),
            Objective::Digits => None,
        }
    }

    /// The target's normalised `log p*` at row-major points `n x 2`, where it is known (a
    /// data set's exact density; an energy's with its tabulated `ln Z`).
    pub fn log_target(self, points: &[f32]) -> Option<Vec<f64>> {
        match self {
            Objective::ForwardKl(d) | Objective::ReverseKlData(d) => {
                d.has_exact_density().then(|| d.exact_log_probs(points))
            }
            Objective::ReverseKl(t) | Objective::ForwardKlEnergy(t) => {
                Some(t.log_normalised(points))
            }
            Objective::Digits => None,
        }
    }

    /// [`Self::log_target`] on every cell of `grid`, if the density is known.
    pub fn target_density(self, grid: &Grid) -> Option<Density> {
        let known = match self {
            Objective::ForwardKl(d) | Objective::ReverseKlData(d) => d.has_exact_density(),
            Objective::ReverseKl(_) | Objective::ForwardKlEnergy(_) => true,
            Objective::Digits => false,
        };
        known.then(|| {
            grid.tabulate(|p| {
                let log_p = self.log_target(p).expect("a known density");
                log_p.into_iter().map(|v| v as f32).collect()
            })
        })
    }

    /// The target's name.
    pub fn target_name(self) -> &'static str {
        match self {
            Objective::ForwardKl(d) | Objective::ReverseKlData(d) => d.name(),
            Objective::ReverseKl(t) | Objective::ForwardKlEnergy(t) => t.name(),
            Objective::Digits => "digits",
        }
    }
}

/// A scalar loss with its tape.
pub type Scalar = Tensor<(), f32, Dev, OwnedTape<f32, Dev>>;

/// Forward KL up to the data entropy: `-mean_i log p(x_i)`.
pub fn forward_kl_loss(flow: &Flow, x: Mat) -> Scalar {
    flow.log_prob(x.leaky_traced()).mean::<(), _>().negate()
}

/// Reverse KL up to `ln Z`: `mean_i [log q(x_i) + U(x_i)]`, `x_i = T(z_i)` (reparameterised).
pub fn reverse_kl_loss(flow: &Flow, target: Target, z: Mat) -> Scalar {
    let (x, log_q) = flow.to_data(z.leaky_traced());
    (log_q + target.energy(x)).mean::<(), _>()
}

/// Reverse KL against a data set's normalised density: `mean_i [log q(x_i) - log p*(x_i)]`,
/// `x_i = T(z_i)`. `log p*` is computed off the tape (in f64,
/// [`DataSet::exact_log_prob_gradient`]): its gradient at the samples enters as the linear
/// term `-g_i . x_i`, whose gradient is the true one, and a constant restores the loss's
/// value.
pub fn reverse_kl_data_loss(flow: &Flow, d: DataSet, z: Mat) -> Scalar {
    let (x, log_q) = flow.to_data(z.leaky_traced());
    let points = values(&x);
    let (neg_log_p, grad) = data_energy(d, &points);
    // The linear term's value `-g . x` is taken back by a constant: the loss is
    // `mean [log q - log p*]`, its gradient that of `-log p*` at the samples.
    let shift: f64 = neg_log_p
        .iter()
        .zip(points.chunks(2).zip(grad.chunks(2)))
        .map(|(e, (p, g))| e - g[0] as f64 * p[0] as f64 - g[1] as f64 * p[1] as f64)
        .sum();
    let n = (points.len() / 2).max(1) as f64;
    let g = matrix(flow.device(), grad, 2);
    (log_q + row_sum(x * g)).mean::<(), _>() + (shift / n) as f32
}

/// A data set's `-log p*` at row-major points `n x 2` (f64, NaN where it has none) and
/// its gradient ([`DataSet::exact_log_prob_gradient`]).
fn data_energy(d: DataSet, points: &[f32]) -> (Vec<f64>, Vec<f32>) {
    let (mut e, mut grad) = (
        Vec::with_capacity(points.len() / 2),
        Vec::with_capacity(points.len()),
    );
    for p in points.chunks(2) {
        let at = [p[0] as f64, p[1] as f64];
        let (log_p, g) = d
            .exact_log_prob_gradient(at)
            .unwrap_or((f64::NAN, [0.0; 2]));
        e.push(-log_p);
        grad.extend(g.map(|v| -v as f32));
    }
    (e, grad)
}

/// The energy reverse KL pushes the samples down, `U` (an energy target) or `-log p*` (a
/// data set's density), at row-major points `n x 2`, with its gradient: for a training
/// step on slices. `None` for a forward objective.
pub fn energy_and_gradient(objective: Objective, points: &[f32]) -> Option<(Vec<f64>, Vec<f32>)> {
    match objective {
        Objective::ReverseKl(t) => {
            let x = matrix(&crate::numeric::tensor::device(0), points.to_vec(), 2);
            let e = t.energy(x.clone().leaky_traced());
            let values = e
                .retaped::<NoneTape>()
                .as_vec()
                .into_iter()
                .map(f64::from)
                .collect();
            let grads = e.sum().backward();
            Some((values, grads.get(&x).as_vec()))
        }
        Objective::ReverseKlData(d) => Some(data_energy(d, points)),
        Objective::ForwardKl(_) | Objective::ForwardKlEnergy(_) | Objective::Digits => None,
    }
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
