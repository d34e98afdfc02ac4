//! Engine timings shared by the native benchmark CLI and the browser bench page: training
//! steps/s, a 256x256 density grid and 10,000 samples, for the fast kernels and for
//! dfdx's (the reference) in the same run, from the same initial parameters; and the
//! compare view's two flows, alone and in their pair.

use super::lab::Lab;
use super::settings::Settings;
use crate::flow::made::Kernels;
use crate::flow::{Flow, FlowConfig};
use crate::numeric::grid::{Grid, Window};
use crate::train::{TrainConfig, Trainer};
use crate::Result;

/// Steps before timing starts.
pub const WARMUP_STEPS: usize = 20;

/// One kernel choice's timings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    /// Which kernels.
    pub kernels: Kernels,
    /// Training steps per second after the warm-up.
    pub steps_per_second: f64,
    /// Milliseconds for `log p` on a 256 x 256 grid over `[-4, 4]^2`.
    pub grid_256_ms: f64,
    /// Milliseconds for 10,000 samples with their `log q`.
    pub sample_10k_ms: f64,
}

impl Timing {
    /// As the benchmarks print it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "kernels": format!("{:?}", self.kernels).to_lowercase(),
            "steps_per_second": self.steps_per_second,
            "grid_256_ms": self.grid_256_ms,
            "sample_10k_ms": self.sample_10k_ms,
        })
    }
}

/// Times `steps` training steps, the grid and sampling on each engine (the fast one and
/// dfdx's), from the same initial parameters; `now()` is a clock in
/// milliseconds.
pub fn time_engine(
    flow: &FlowConfig,
    train: TrainConfig,
    steps: usize,
    now: &mut dyn FnMut() -> f64,
) -> Result<Vec<Timing>> {
    let grid = Grid::new(Window::default(), 256, 256)?;
    [Kernels::Fast, Kernels::Dfdx]
        .into_iter()
        .map(|kernels| {
            let mut f = Flow::new(flow.clone())?;
            f.kernels = kernels;
            let mut trainer = Trainer::new(f, train)?;
            for _ in 0..WARMUP_STEPS {
                trainer.step();
            }
            let t0 = now();
            for _ in 0..steps {
                trainer.step();
            }
            let t1 = now();
            let density = trainer.flow.density(&grid);
            let t2 = now();
            let (x, _) = trainer.flow.sample(10_000);
            let t3 = now();
            assert_eq!((density.log_p.len(), x.len()), (256 * 256, 20_000));
            Ok(Timing {
                kernels,
                steps_per_second: steps as f64 / ((t1 - t0) / 1000.0),
                grid_256_ms: t2 - t1,
                sample_10k_ms: t3 - t2,
            })
        })
        .collect()
}

/// Steps per second of each flow of the compare view, trained alone and in the pair, in
/// the same run, each for `ms` of `now()` (in milliseconds) in the worker's chunks of
/// [`PAIR_CHUNK_MS`]: `[[the settings' trainer alone, in the pair], [the rival alone, in
/// the pair]]`. The settings must name a target that can be compared.
pub fn time_pair(
    settings: &Settings,
    ms: f64,
    now: &mut dyn FnMut() -> f64,
) -> Result<[[f64; 2]; 2]> {
    let mut both = settings.clone();
    both.compare = true;
    both.validate()?;
    let mut pair = Lab::new(both)?;
    let mut single = settings.clone();
    single.compare = false;
    let mut alone = Lab::new(single)?;
    let rival_config = pair
        .comparison()
        .expect("a compared target has a rival")
        .rival
        .config();
    let mut rival = Trainer::new(Flow::new(settings.flow_config())?, rival_config)?;
    // The pair and the lab's trainer alone, through the lab's own loop.
    let rates = |lab: &mut Lab, now: &mut dyn FnMut() -> f64| {
        lab.train(PAIR_CHUNK_MS, now);
        let count = |l: &Lab| {
            [
                l.trainer().step_count(),
                l.comparison().map_or(0, |d| d.rival.step_count()),
            ]
        };
        let (start, before) = (now(), count(lab));
        while now() - start < ms {
            lab.train(PAIR_CHUNK_MS, now);
        }
        let seconds = (now() - start) / 1000.0;
        let after = count(lab);
        [0, 1].map(|i| (after[i] - before[i]) as f64 / seconds)
    };
    let in_pair = rates(&mut pair, now);
    let main_alone = rates(&mut alone, now)[0];
    for _ in 0..WARMUP_STEPS {
        rival.step();
    }
    let (start, before) = (now(), rival.step_count());
    while now() - start < ms {
        rival.step();
    }
    let rival_alone = (rival.step_count() - before) as f64 / ((now() - start) / 1000.0);
    Ok([[main_alone, in_pair[0]], [rival_alone, in_pair[1]]])
}

/// The training worker's chunk of work between two messages, in milliseconds.
pub const PAIR_CHUNK_MS: f64 = 40.0;
