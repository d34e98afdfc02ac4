//! Engine timings shared by the native benchmark CLI and the browser bench page: training
//! steps/s, a 256x256 density grid and 10,000 samples, for the fast kernels and for
//! dfdx's (the reference) in the same run, from the same initial parameters.

use crate::flow::{Flow, FlowConfig};
use crate::grid::{Grid, Window};
use crate::made::Kernels;
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

/// Times `steps` training steps, the grid and sampling with each kernel choice, from the
/// same initial parameters; `now()` is a clock in milliseconds.
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
