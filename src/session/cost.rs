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

/// The settings' flow and its twin of the other direction, in that order.
pub fn measure_both(
    settings: &Settings,
    points: Option<&Arc<PointSet>>,
    now: &mut dyn FnMut() -> f64,
) -> Result<[Cost; 2]> {
    let mut twin = settings.clone();
    twin.direction = match settings.direction {
        Direction::Maf => Direction::Iaf,
        Direction::Iaf => Direction::Maf,
    };
    // Two rounds, the best of each counts: a page's first round runs code the browser has
    // not optimised yet, which would flatter whichever flow is timed second.
    let mut best = [
        measure(settings, points, now)?,
        measure(&twin, points, now)?,
    ];
    for (b, s) in best.iter_mut().zip([settings, &twin]) {
        let again = measure(s, points, now)?;
        b.density_ms = b.density_ms.min(again.density_ms);
        b.sample_ms = b.sample_ms.min(again.sample_ms);
        b.steps_per_second = b.steps_per_second.max(again.steps_per_second);
    }
    Ok(best)
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

/// Times `settings`' flow with the fast kernels (the page's), training on the user's
/// points when the settings learn them.
pub fn measure(
    settings: &Settings,
    user_points: Option<&Arc<PointSet>>,
    now: &mut dyn FnMut() -> f64,
) -> Result<Cost> {
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
    let mut trainer = Trainer::on_points(flow, settings.train_config(), user_points.cloned())?;
    trainer.step();
    let (t2, mut steps) = (now(), 0);
    while steps < 2 || now() - t2 < TRAIN_MS {
        trainer.step();
        steps += 1;
    }
    Ok(Cost {
        direction: settings.direction,
        passes_density,
        passes_sample,
        products,
        density_ms,
        sample_ms,
        steps_per_second: steps as f64 / ((now() - t2) / 1000.0),
    })
}
