//! The compare view: one target learned both ways. Beside the lab's trainer (the objective
//! the settings choose) a rival starts from the same flow, bit for bit, and trains the other
//! objective on the same target: forward KL on its exact draws, reverse KL on its normalised
//! density. The two step in turn (the lab steps both), and whenever the lab's trainer
//! evaluates itself both models are scored on both divergences, with standard errors, and,
//! for 8gaussians, on how many modes they cover.

use crate::train::divergence::{eight_gaussians_modes, reverse_kl, Estimate, Truth};
use crate::train::history::{Mark, Series};
use crate::train::objective::Objective;
use crate::train::{TrainConfig, Trainer};
use rand::{rngs::StdRng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

/// Target draws and model draws behind each divergence in the table (standard errors of
/// a few hundredths of a nat).
pub const SCORE_POINTS: usize = 4000;
/// Training time (both flows, in ms) between two scores: a small flow evaluates itself
/// every few milliseconds, and scoring both models costs more than a hundred of its steps.
pub const SCORE_EVERY_MS: f64 = 250.0;
/// The share of a model's draws a mode must hold to count as covered.
pub const MODE_SHARE: f64 = 0.05;

/// Both models on both divergences at one step. Index `[m][k]`: model `m` (0: the forward-KL
/// model, 1: the reverse-KL model), divergence `k` (0: `KL(p* || q)`, 1: `KL(q || p*)`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// The lab's trainer's step they were measured at.
    pub step: u64,
    /// Each model's steps then, `[forward-KL model, reverse-KL model]`.
    pub steps: [u64; 2],
    /// Each model's seconds of training then.
    pub seconds: [f64; 2],
    /// Each model's rollbacks so far (the guard's, as in the status line's warning).
    pub rollbacks: [usize; 2],
    /// The divergences, with standard errors.
    pub kl: [[Estimate; 2]; 2],
    /// 8gaussians: the modes each model covers (at least [`MODE_SHARE`] of its draws).
    pub modes: Option<[usize; 2]>,
}

/// One model's picture in the compare view as the comparison keeps it: its map (if
/// mapped) and samples, and the version of the lab's parameters they were computed at.
#[derive(Debug, Clone)]
pub(super) struct ModelPicture {
    pub(super) density: Option<crate::numeric::grid::Density>,
    pub(super) samples: Vec<f32>,
    pub(super) version: u64,
}

/// The rival trainer and what the two models scored (each series point at its own
/// model's step).
#[derive(Debug)]
pub struct Comparison {
    /// The model of the other objective.
    pub rival: Trainer,
    /// The target's exact draws and density (an energy's is built on the first score: a
    /// page that only draws never needs it).
    truth: Option<Truth>,
    /// Held-out target draws and their `log p*` (fixed, so the curves are smooth).
    held_out: (Vec<f32>, Vec<f64>),
    /// The latest scores.
    pub scores: Option<Scores>,
    /// Every score so far, `[m * 2 + k]` as in [`Scores::kl`].
    pub series: [Series; 4],
    /// The target's `log p*` on the compare view's grid and its contour levels, computed
    /// once.
    pub(super) target_grid: Option<(crate::numeric::grid::Density, Vec<f32>)>,
    /// Each model's latest picture in the compare view.
    pub(super) pictures: [Option<ModelPicture>; 2],
    /// How much of the series another lab has been sent.
    pub(super) sent: [Mark; 4],
    /// Milliseconds each has trained, `[the lab's trainer, the rival]`: the lab steps the
    /// one that has had less.
    pub spent_ms: [f64; 2],
    /// Their sum at the last score.
    pub scored_ms: f64,
    seed: u64,
}

impl Comparison {
    /// A rival for `main`: the same flow and settings, the other objective; `None` if the
    /// target has no density reverse KL can train against.
    pub fn new(main: &Trainer) -> Option<Comparison> {
        let objective = main.config().objective.opposite()?;
        let config = TrainConfig {
            objective,
            ..main.config()
        };
        let rival = Trainer::new(main.flow.clone(), config).ok()?;
        Some(Comparison {
            rival,
            truth: None,
            held_out: (Vec::new(), Vec::new()),
            scores: None,
            series: Default::default(),
            sent: [Mark::default(); 4],
            target_grid: None,
            pictures: [None, None],
            spent_ms: [0.0; 2],
            scored_ms: 0.0,
            seed: main.config().seed,
        })
    }

    /// `[the forward-KL model, the reverse-KL model]`.
    pub fn models<'a>(&'a self, main: &'a Trainer) -> [&'a Trainer; 2] {
        if main.config().objective.is_forward() {
            [main, &self.rival]
        } else {
            [&self.rival, main]
        }
    }

    /// Scores both models at `main`'s step and records it. The draws come from streams of
    /// their own, fixed per step, so scoring never changes training.
    pub fn score(&mut self, main: &Trainer) {
        let objective = main.config().objective;
        if self.truth.is_none() {
            // A rival that learns an energy from its draws has tabulated it already.
            self.truth = self.rival.truth().cloned().or_else(|| Truth::of(objective));
        }
        let truth = self
            .truth
            .as_ref()
            .expect("a comparison's target has a truth");
        if self.held_out.0.is_empty() {
            let mut rng = StdRng::seed_from_u64(self.seed ^ 0x0D0E_11ED);
            let x = truth.sample(SCORE_POINTS, &mut rng);
            let log_p = truth.log_prob(&x);
            self.held_out = (x, log_p);
        }
        let step = main.step_count();
        let mut rng = StdRng::seed_from_u64(self.seed ^ step.rotate_left(17) ^ 0x5C0E);
        let z: Vec<f32> = (0..2 * SCORE_POINTS)
            .map(|_| StandardNormal.sample(&mut rng))
            .collect();
        let eight = matches!(
            objective,
            Objective::ForwardKl(crate::data::DataSet::EightGaussians)
                | Objective::ReverseKlData(crate::data::DataSet::EightGaussians)
        );
        let (x, log_p) = &self.held_out;
        let mut modes = [0; 2];
        let models = self.models(main);
        let kl = [0, 1].map(|m| {
            let flow = &models[m].flow;
            let log_q = flow.log_prob_points(x);
            let terms: Vec<f64> = log_p
                .iter()
                .zip(&log_q)
                .map(|(p, &q)| p - q as f64)
                .collect();
            let (reverse, draws) = reverse_kl(flow, truth, &z);
            modes[m] = eight_gaussians_modes(&draws, MODE_SHARE);
            [Estimate::of(&terms), reverse]
        });
        let steps = models.map(Trainer::step_count);
        let rollbacks = models.map(|t| t.history.rollbacks);
        self.scored_ms = self.spent_ms.iter().sum();
        let seconds = if main.config().objective.is_forward() {
            [self.spent_ms[0], self.spent_ms[1]]
        } else {
            [self.spent_ms[1], self.spent_ms[0]]
        }
        .map(|ms| ms / 1000.0);
        for (i, s) in self.series.iter_mut().enumerate() {
            s.push(steps[i / 2], kl[i / 2][i % 2].value);
        }
        self.scores = Some(Scores {
            step,
            steps,
            seconds,
            rollbacks,
            kl,
            modes: eight.then_some(modes),
        });
    }
}
