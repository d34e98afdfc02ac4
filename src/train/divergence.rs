//! Both divergences between a target `p*` and a model `q`, from samples, with standard
//! errors: `KL(p* || q) = E_p*[log p* - log q]` on the target's draws (forward KL's
//! objective, the NLL minus the entropy, estimated pairwise) and `KL(q || p*) = E_q[log q -
//! log p*]` on the model's draws (reverse KL's); and how many of a mixture's modes a set of
//! draws covers. A target with both exact draws and a normalised density is a [`Truth`].

use crate::data::sampler::GridSampler;
use crate::data::target::Target;
use crate::data::{eight_gaussians_centres, DataSet};
use crate::flow::Flow;
pub use crate::train::metrics::Estimate;
use crate::train::objective::Objective;
use rand::rngs::StdRng;

/// A target with exact draws and a normalised log-density.
#[derive(Debug, Clone)]
pub enum Truth {
    /// A data set with an exact density.
    Data(DataSet),
    /// An energy target, drawn from its tabulated grid ([`GridSampler`]).
    Energy(Target, GridSampler),
}

impl Truth {
    /// The truth of a data set, if its density is known.
    pub fn data(d: DataSet) -> Option<Truth> {
        d.has_exact_density().then_some(Truth::Data(d))
    }

    /// The truth of an energy target (builds its sampling grid: about a million energies).
    pub fn energy(t: Target) -> Truth {
        Truth::Energy(t, GridSampler::target(t))
    }

    /// The truth of an objective's target, if it has one.
    pub fn of(objective: Objective) -> Option<Truth> {
        match objective {
            Objective::ForwardKl(d) | Objective::ReverseKlData(d) => Truth::data(d),
            Objective::ReverseKl(t) | Objective::ForwardKlEnergy(t) => Some(Truth::energy(t)),
            Objective::Digits => None,
        }
    }

    /// `n` exact draws, row-major `n x 2`.
    pub fn sample(&self, n: usize, rng: &mut StdRng) -> Vec<f32> {
        match self {
            Truth::Data(d) => crate::data::flatten(&d.sample(n, rng)),
            Truth::Energy(_, s) => s.sample(n, rng),
        }
    }

    /// `log p*` at row-major points.
    pub fn log_prob(&self, points: &[f32]) -> Vec<f64> {
        match self {
            Truth::Data(d) => d.exact_log_probs(points),
            Truth::Energy(t, _) => t.log_normalised(points),
        }
    }
}

/// `KL(p* || q)` from draws `x ~ p*`: the mean of `log p*(x) - log q(x)`.
pub fn forward_kl(flow: &Flow, truth: &Truth, x: &[f32]) -> Estimate {
    let log_q = flow.log_prob_points(x);
    let terms: Vec<f64> = truth
        .log_prob(x)
        .iter()
        .zip(&log_q)
        .map(|(p, &q)| p - q as f64)
        .collect();
    Estimate::of(&terms)
}

/// `KL(q || p*)` from the model's own draws `x = T(z)` of the latent points `z` (row-major
/// `n x 2`): the mean of `log q(x) - log p*(x)`, and the draws.
pub fn reverse_kl(flow: &Flow, truth: &Truth, z: &[f32]) -> (Estimate, Vec<f32>) {
    let (x, log_q) = flow.to_data_points(z);
    let terms: Vec<f64> = truth
        .log_prob(&x)
        .iter()
        .zip(&log_q)
        .map(|(p, &q)| q as f64 - p)
        .collect();
    (Estimate::of(&terms), x)
}

/// How many of 8gaussians' modes hold at least `share` of the draws (each draw counts for
/// its nearest centre).
pub fn eight_gaussians_modes(x: &[f32], share: f64) -> usize {
    let centres = eight_gaussians_centres().map(|c| [c[0] / 1.414, c[1] / 1.414]);
    let mut counts = [0usize; 8];
    for p in x.chunks(2) {
        let d = |c: &[f64; 2]| (p[0] as f64 - c[0]).powi(2) + (p[1] as f64 - c[1]).powi(2);
        let nearest = (0..8)
            .min_by(|&a, &b| d(&centres[a]).total_cmp(&d(&centres[b])))
            .unwrap_or(0);
        counts[nearest] += 1;
    }
    let n = (x.len() / 2).max(1) as f64;
    counts.iter().filter(|&&c| c as f64 / n >= share).count()
}
