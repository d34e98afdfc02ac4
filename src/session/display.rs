//! The draws a lab shows: data points for the overlay and the samples panel, and the fixed
//! latent draws behind the model samples (so that they move smoothly as the model learns).

use crate::data::digits::{digits, DIM, LEVELS};
use crate::data::points::PointSet;
use crate::data::sampler::GridSampler;
use crate::data::{flatten, DataSet};
use crate::train::divergence::Truth;
use crate::train::objective::Objective;
use crate::{Error, Result};
use rand::{rngs::StdRng, Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use std::sync::Arc;

/// Points drawn for the samples panel and the data overlay.
pub const DISPLAY_POINTS: usize = 1000;
/// Cells a side of the grid an energy target's display draws come from: 256 (65,536
/// energies, a few ms; the training's and read-outs' 1,024 take a million, over 100 ms,
/// which the page would pay on every rebuild).
pub const DISPLAY_SAMPLER_RES: usize = 256;

/// What gives the exact target draws the latent view maps under a reverse or energy
/// objective: the data set's own draws (reverse KL on data), or an energy's tabulated
/// density on a [`DISPLAY_SAMPLER_RES`] grid; `None` for the others.
pub fn display_truth(objective: Objective) -> Option<Truth> {
    match objective {
        Objective::ReverseKl(t) | Objective::ForwardKlEnergy(t) => Some(Truth::Energy(
            t,
            GridSampler::target_at(t, DISPLAY_SAMPLER_RES),
        )),
        Objective::ReverseKlData(d) => Truth::data(d),
        Objective::ForwardKl(_) | Objective::Digits => None,
    }
}
/// Most of the user's points shown (every k-th beyond it).
pub const MAX_SHOWN_POINTS: usize = 5000;
/// Images drawn for the digits' samples panel, and as many of the held-out data.
pub const SHOWN_IMAGES: usize = 40;

/// The draws on screen: data points for the overlay and the samples panel, the fixed
/// latent draws behind the model samples, and those samples when computed elsewhere (the
/// GPU), until the draws change.
#[derive(Debug, Default)]
pub struct Draws {
    /// How many times the draws were renewed: each renewal draws from the next seed.
    count: u64,
    /// Display data points, flattened `n x 2` (empty for energy targets); for the digits,
    /// held-out images `n x 64` as pixel values `y` in `(0, 1)` (each bin's centre).
    data: Vec<f32>,
    /// Exact draws of a reverse-KL objective's or an energy's target, flattened `n x 2`
    /// (empty otherwise):
    /// what the latent view maps, since the model's own samples map back to their latent
    /// draws whatever the model.
    target: Vec<f32>,
    latent: Vec<f32>,
    outside: Option<Vec<f32>>,
}

impl Draws {
    /// New draws for the lab's `seed` and `objective` (the user's `points` are shown as they
    /// are, every one up to a cap, when the objective learns them; a reverse or energy
    /// objective's `truth` gives the exact target draws).
    pub(super) fn draw(
        &mut self,
        seed: u64,
        objective: Objective,
        points: Option<&Arc<PointSet>>,
        truth: Option<&Truth>,
    ) {
        let seed = (seed << 16) ^ self.count ^ 0xD15C;
        let mut rng = StdRng::seed_from_u64(seed);
        self.data = match (objective, points) {
            (Objective::ForwardKl(DataSet::Drawn), Some(p)) => {
                let every = p.points().len().div_ceil(MAX_SHOWN_POINTS);
                flatten(
                    &p.points()
                        .iter()
                        .step_by(every)
                        .copied()
                        .collect::<Vec<_>>(),
                )
            }
            (Objective::ForwardKl(d), _) => flatten(&d.sample(DISPLAY_POINTS, &mut rng)),
            (Objective::Digits, _) => shown_images(&mut rng),
            _ => Vec::new(),
        };
        let n = match objective {
            Objective::Digits => SHOWN_IMAGES,
            _ => DISPLAY_POINTS,
        };
        self.latent = (0..n * objective.dim())
            .map(|_| StandardNormal.sample(&mut rng))
            .collect();
        self.target = truth.map_or_else(Vec::new, |t| t.sample(DISPLAY_POINTS, &mut rng));
        self.outside = None;
    }

    /// The next draws will come from the next seed.
    pub(super) fn next(&mut self) {
        self.count += 1;
    }

    /// Takes samples computed elsewhere from all the latent draws (`n x D`).
    pub(super) fn take_outside(&mut self, x: Vec<f32>) -> Result<()> {
        if x.len() != self.latent.len() {
            let msg = format!(
                "{} values for {} values of draws",
                x.len(),
                self.latent.len()
            );
            return Err(Error::Invalid("samples", msg));
        }
        self.outside = Some(x);
        Ok(())
    }

    /// Back to computing the samples here.
    pub(super) fn drop_outside(&mut self) {
        self.outside = None;
    }

    /// The samples computed elsewhere, if any.
    pub(super) fn outside(&self) -> Option<&Vec<f32>> {
        self.outside.as_ref()
    }

    /// All the fixed latent draws, `n x D`.
    pub fn latent(&self) -> &[f32] {
        &self.latent
    }

    /// The display data points, flattened `n x D`.
    pub fn data(&self) -> &[f32] {
        &self.data
    }

    /// Exact draws of a reverse-KL objective's or an energy's target, `n x 2` (else empty).
    pub fn target(&self) -> &[f32] {
        &self.target
    }
}

/// [`SHOWN_IMAGES`] held-out digits drawn with `rng`, as pixel values `y = (v + 1/2) / 17`.
fn shown_images(rng: &mut StdRng) -> Vec<f32> {
    let d = digits();
    let held = d.indices(true);
    let mut y = Vec::with_capacity(SHOWN_IMAGES * DIM);
    for _ in 0..SHOWN_IMAGES {
        let i = held[rng.gen_range(0..held.len())];
        y.extend(
            d.image(i)
                .iter()
                .map(|&v| (f32::from(v) + 0.5) / LEVELS as f32),
        );
    }
    y
}
