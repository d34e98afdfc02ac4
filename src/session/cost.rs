//! MAF against IAF, measured: the current flow and its twin of the other direction (the
//! same settings otherwise: shapes, scale, seed), each timed on density evaluations,
//! samples and training steps with the page's kernels. Measured when the settings change,
//! in the worker where there is one.

use super::settings::Settings;
use crate::data::points::PointSet;
use crate::flow::made::Kernels;
use crate::flow::{Direction, Flow};
use crate::train::Trainer;
use crate::Result;
use std::sync::Arc;

/// Multiply-adds each timed batch of points may cost (about 10-20 ms in the browser); the
/// time is reported per 1,000 points.
const MEASURE_MACS: usize = 40_000_000;
/// Training is timed over at least this long (ms), and at least two steps.
const TRAIN_MS: f64 = 60.0;
/// Timed rounds of each evaluation (the fastest counts), each at least this long (ms).
const REPEATS: usize = 3;
const ROUND_MS: f64 = 10.0;

/// One direction's measured costs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    /// MAF or IAF.
    pub direction: Direction,
    /// MADE passes per density evaluation and per sample.
    pub passes_density: usize,
    /// MADE passes per sample.
    pub passes_sample: usize,
    /// Of those, the passes with matrix products (density, sample): a solve's first pass
    /// reads only the output biases, and the fast path skips its arithmetic
    /// (`eval::plan`), so a solve costs `K (D - 1)` products.
    pub products: [usize; 2],
    /// Milliseconds per 1,000 density evaluations.
    pub density_ms: f64,
    /// Milliseconds per 1,000 samples (with their `log q`).
    pub sample_ms: f64,
    /// Training steps per second at the settings' batch and objective.
    pub steps_per_second: f64,
}

/// Work a piece of a [`CostJob`] may take before it returns (ms), past one training step: a
/// training step of the largest flow takes seconds, which in one piece kept the worker from
/// its messages for 20 s.
const PIECE_MS: f64 = 50.0;
/// Rounds of measurements of both flows.
const ROUNDS: usize = 2;

/// The measurement of both directions, a piece at a time ([`CostJob::work`]), so that the
/// worker that measures answers its messages in between. Two rounds, the best of each
/// counts: a page's first round runs code the browser has not optimised yet, which would
/// flatter whichever flow is timed second.
pub struct CostJob {
    /// `[the settings, their twin]`.
    settings: [Settings; 2],
    points: Option<Arc<PointSet>>,
    /// Measurements begun: round `begun / 2`, flow `begun % 2`.
    begun: usize,
    /// The training of the measurement under way, once its evaluations are timed.
    training: Option<Training>,
    /// Each flow's best figures so far.
    best: [Option<Cost>; 2],
}

/// A measurement's training, timed in pieces: only the steps count, not the time between.
struct Training {
    trainer: Trainer,
    cost: Cost,
    /// Whether the untimed first step is done.
    warm: bool,
    /// Timed steps, and the milliseconds they took.
    steps: usize,
    ms: f64,
}

impl CostJob {
    /// A measurement of `settings`' flow and its twin, training on the user's points when
    /// the settings learn them.
    pub fn new(settings: &Settings, points: Option<&Arc<PointSet>>) -> CostJob {
        let mut twin = settings.clone();
        twin.direction = match settings.direction {
            Direction::Maf => Direction::Iaf,
            Direction::Iaf => Direction::Maf,
        };
        CostJob {
            settings: [settings.clone(), twin],
            points: points.cloned(),
            begun: 0,
            training: None,
            best: [None, None],
        }
    }

    /// Does the next piece (a flow's evaluations timed, or its training steps for up to
    /// [`PIECE_MS`], or one step where a step takes longer); true once all is measured.
    pub fn work(&mut self, now: &mut dyn FnMut() -> f64) -> Result<bool> {
        let Some(t) = &mut self.training else {
            if self.begun == 2 * ROUNDS {
                return Ok(true);
            }
            let s = &self.settings[self.begun % 2];
            self.training = Some(start(s, self.points.as_ref(), now)?);
            self.begun += 1;
            return Ok(false);
        };
        let piece = now();
        if !t.warm {
            // The first step pays for allocations the others reuse.
            t.trainer.step();
            t.warm = true;
            if now() - piece >= PIECE_MS {
                return Ok(false);
            }
        }
        let begin = now();
        loop {
            t.trainer.step();
            t.steps += 1;
            let spent = now() - begin;
            if t.steps >= 2 && t.ms + spent >= TRAIN_MS {
                t.ms += spent;
                break;
            }
            if now() - piece >= PIECE_MS {
                t.ms += spent;
                return Ok(false);
            }
        }
        let mut cost = t.cost;
        cost.steps_per_second = t.steps as f64 / (t.ms / 1000.0);
        let m = (self.begun - 1) % 2;
        self.best[m] = Some(match self.best[m] {
            None => cost,
            Some(b) => Cost {
                density_ms: b.density_ms.min(cost.density_ms),
                sample_ms: b.sample_ms.min(cost.sample_ms),
                steps_per_second: b.steps_per_second.max(cost.steps_per_second),
                ..b
            },
        });
        self.training = None;
        Ok(self.begun == 2 * ROUNDS)
    }

    /// The figures `[the settings' flow, its twin]` once [`Self::work`] said it is done.
    pub fn result(&self) -> Option<[Cost; 2]> {
        match (self.training.is_none(), self.best) {
            (true, [Some(a), Some(b)]) if self.begun == 2 * ROUNDS => Some([a, b]),
            _ => None,
        }
    }
}

/// The time of one run of `work` in ms: the fastest of [`REPEATS`] rounds, each running it
/// for at least [`ROUND_MS`] (a browser's clock may tick in 0.1 ms), after one untimed run
/// (the first pays for allocations the others reuse).
fn fastest(now: &mut dyn FnMut() -> f64, mut work: impl FnMut() -> usize) -> f64 {
    let mut done = work();
    let mut best = f64::INFINITY;
    for _ in 0..REPEATS {
        let (t, mut runs) = (now(), 0);
        while runs == 0 || now() - t < ROUND_MS {
            done += work();
            runs += 1;
        }
        best = best.min((now() - t) / runs as f64);
    }
    assert!(done > 0, "the timed work produced values");
    best
}

/// Times `settings`' flow's evaluations with the fast kernels (the page's) and sets up its
/// training, on the user's points when the settings learn them.
fn start(
    settings: &Settings,
    user_points: Option<&Arc<PointSet>>,
    now: &mut dyn FnMut() -> f64,
) -> Result<Training> {
    let mut flow = Flow::new(settings.flow_config())?;
    flow.kernels = Kernels::Fast;
    let (passes_density, passes_sample) = (flow.passes_per_density(), flow.passes_per_sample());
    let skipped = flow.layers.len();
    let products = match settings.direction {
        Direction::Maf => [passes_density, passes_sample - skipped],
        Direction::Iaf => [passes_density - skipped, passes_sample],
    };
    let points =
        |passes: usize| (MEASURE_MACS / flow.macs_per_point(passes).max(1)).clamp(16, 1000);
    let n = points(passes_density);
    let x: Vec<f32> = flow.draw_latent(n).as_vec();
    let density_ms = fastest(now, || flow.log_prob_points(&x).len()) / n as f64 * 1000.0;
    let m = points(passes_sample);
    let z: Vec<f32> = flow.draw_latent(m).as_vec();
    let sample_ms = fastest(now, || flow.to_data_points(&z).0.len()) / m as f64 * 1000.0;
    let trainer = Trainer::on_points(flow, settings.train_config(), user_points.cloned())?;
    Ok(Training {
        trainer,
        cost: Cost {
            direction: settings.direction,
            passes_density,
            passes_sample,
            products,
            density_ms,
            sample_ms,
            steps_per_second: 0.0,
        },
        warm: false,
        steps: 0,
        ms: 0.0,
    })
}
