//! MAF against IAF as the dimension grows: for `D` in [`DIMS`], the settings' flow at `D`
//! (its layers, transform, scale and seed; each hidden width at least `2 D`, so that every
//! degree `1..D-1` has units) in both directions, timed on density evaluations and on
//! samples with the page's kernels. The measurement is made in small blocks, one per call
//! of [`Sweep::work`], so that a worker trains between them; the blocks go round every
//! `(D, direction, operation)` in turn, [`ROUNDS`] times, and each figure is the median of
//! its rounds with their range: two figures whose ranges overlap are within noise.

use crate::flow::made::Kernels;
use crate::flow::{Direction, Flow, FlowConfig};
use crate::numeric::stats::sort_floats;
use crate::Result;

/// The dimensions measured.
pub const DIMS: [usize; 6] = [2, 4, 8, 16, 32, 64];
/// Rounds of every block (the median counts).
pub const ROUNDS: usize = 5;
/// Multiply-adds a timed block may cost (a few ms in the browser); times are reported per
/// 1,000 points.
const BLOCK_MACS: usize = 20_000_000;

/// What is timed: a density evaluation or a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `log p(x)` of a point.
    Density,
    /// A sample `x = T(z)` with its `log q`.
    Sample,
}

/// A median over rounds with their range, in ms per 1,000 points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// The median.
    pub median: f64,
    /// The fastest and slowest round.
    pub low: f64,
    /// See `low`.
    pub high: f64,
}

impl Spread {
    /// The median and range of `values` (not empty).
    pub fn of(values: &[f64]) -> Spread {
        let mut v = values.to_vec();
        sort_floats(&mut v);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Spread {
            median,
            low: v[0],
            high: v[n - 1],
        }
    }

    /// `[median, low, high]`, as the page's JSON and the worker's message carry it.
    pub fn as_array(&self) -> [f64; 3] {
        [self.median, self.low, self.high]
    }

    /// Whether the two ranges overlap: their difference is within the rounds' noise.
    pub fn overlaps(&self, other: &Spread) -> bool {
        self.low <= other.high && other.low <= self.high
    }
}

/// One flow's figures at one dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionCost {
    /// `D`.
    pub dim: usize,
    /// MAF or IAF.
    pub direction: Direction,
    /// MADE passes per density evaluation and per sample.
    pub passes: [usize; 2],
    /// Density evaluations and samples, per 1,000 points.
    pub density: Spread,
    /// See `density`.
    pub sample: Spread,
}

/// One timed block: a flow, its inputs and the rounds' times so far.
struct Block {
    flow: Flow,
    operation: Operation,
    input: Vec<f32>,
    points: usize,
    times: Vec<f64>,
}

/// The measurement in progress.
pub struct Sweep {
    blocks: Vec<Block>,
    next: usize,
}

/// The flow `base` (the settings') at dimension `dim` in `direction`.
pub fn flow_at(base: &FlowConfig, dim: usize, direction: Direction) -> FlowConfig {
    let base = base.clone();
    FlowConfig {
        dim,
        direction,
        hidden: base.hidden.iter().map(|&w| w.max(2 * dim)).collect(),
        ..base
    }
}

impl Sweep {
    /// The blocks of the flow `base` (the settings') at every `D` in `dims`, in both
    /// directions.
    pub fn new(base: &FlowConfig, dims: &[usize]) -> Result<Sweep> {
        let mut blocks = Vec::new();
        for &dim in dims {
            for direction in [Direction::Maf, Direction::Iaf] {
                for operation in [Operation::Density, Operation::Sample] {
                    let mut flow = Flow::new(flow_at(base, dim, direction))?;
                    flow.kernels = Kernels::Fast;
                    let passes = match operation {
                        Operation::Density => flow.passes_per_density(),
                        Operation::Sample => flow.passes_per_sample(),
                    };
                    let points = (BLOCK_MACS / flow.macs_per_point(passes).max(1)).clamp(4, 1000);
                    let input = flow.draw_latent(points).as_vec();
                    blocks.push(Block {
                        flow,
                        operation,
                        input,
                        points,
                        times: Vec::new(),
                    });
                }
            }
        }
        Ok(Sweep { blocks, next: 0 })
    }

    /// Times the next block (about a few ms); true once every block has its rounds.
    pub fn work(&mut self, now: &mut dyn FnMut() -> f64) -> bool {
        let total = self.blocks.len() * (ROUNDS + 1);
        if self.next >= total {
            return true;
        }
        let (n, warm) = (self.blocks.len(), self.next >= self.blocks.len());
        let b = &mut self.blocks[self.next % n];
        let start = now();
        let produced = match b.operation {
            Operation::Density => b.flow.log_prob_points(&b.input).len(),
            Operation::Sample => b.flow.to_data_points(&b.input).0.len(),
        };
        let ms = now() - start;
        assert!(produced > 0, "the timed work produced values");
        // The first round of each block is a warm-up (allocations, a browser's JIT tiers).
        if warm {
            b.times.push(ms / b.points as f64 * 1000.0);
        }
        self.next += 1;
        self.next >= total
    }

    /// How far the measurement is, `0..=1`.
    pub fn progress(&self) -> f64 {
        self.next as f64 / (self.blocks.len() * (ROUNDS + 1)) as f64
    }

    /// The figures, one per `(D, direction)` in order; `None` until every block is done.
    pub fn result(&self) -> Option<Vec<DimensionCost>> {
        if self.progress() < 1.0 {
            return None;
        }
        Some(
            self.blocks
                .chunks(2)
                .map(|pair| DimensionCost {
                    dim: pair[0].flow.dim(),
                    direction: pair[0].flow.config.direction,
                    passes: [
                        pair[0].flow.passes_per_density(),
                        pair[1].flow.passes_per_sample(),
                    ],
                    density: Spread::of(&pair[0].times),
                    sample: Spread::of(&pair[1].times),
                })
                .collect(),
        )
    }
}

/// Numbers per row in [`to_flat`]: `D`, the direction (0 MAF, 1 IAF), the two pass counts,
/// then median, low and high of densities and of samples.
const FLAT_ROW: usize = 10;

/// The rows as flat numbers, for the worker's message to the page.
pub fn to_flat(rows: &[DimensionCost]) -> Vec<f64> {
    rows.iter()
        .flat_map(|r| {
            let head = [
                r.dim as f64,
                if r.direction == Direction::Maf {
                    0.0
                } else {
                    1.0
                },
                r.passes[0] as f64,
                r.passes[1] as f64,
            ];
            head.into_iter()
                .chain(r.density.as_array())
                .chain(r.sample.as_array())
        })
        .collect()
}

/// [`to_flat`]'s numbers back to rows; an error names what is wrong with them.
pub fn from_flat(values: &[f64]) -> Result<Vec<DimensionCost>> {
    let bad = |why: &str| crate::Error::Invalid("dimension costs", why.to_string());
    if values.is_empty() || !values.len().is_multiple_of(FLAT_ROW) {
        return Err(bad("not whole rows"));
    }
    values
        .chunks(FLAT_ROW)
        .map(|v| {
            let spread = |i: usize| Spread {
                median: v[i],
                low: v[i + 1],
                high: v[i + 2],
            };
            let ok = v.iter().all(|x| x.is_finite() && *x >= 0.0) && v[0] >= 2.0 && v[1] <= 1.0;
            if !ok {
                return Err(bad("a number out of range"));
            }
            Ok(DimensionCost {
                dim: v[0] as usize,
                direction: if v[1] == 0.0 {
                    Direction::Maf
                } else {
                    Direction::Iaf
                },
                passes: [v[2] as usize, v[3] as usize],
                density: spread(4),
                sample: spread(7),
            })
        })
        .collect()
}

/// What the chart claims at one `D`: each direction's slower operation over its faster one
/// (MAF: samples over densities; IAF: densities over samples), and whether that difference
/// is within the rounds' noise (their ranges overlap).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Claim {
    /// `D`.
    pub dim: usize,
    /// MAF's samples over its densities, and whether the two are within noise.
    pub maf_ratio: f64,
    /// See `maf_ratio`.
    pub maf_within_noise: bool,
    /// IAF's densities over its samples, and whether the two are within noise.
    pub iaf_ratio: f64,
    /// See `iaf_ratio`.
    pub iaf_within_noise: bool,
}

/// The claims at every `D` the rows hold both directions of.
pub fn claims(rows: &[DimensionCost]) -> Vec<Claim> {
    let at = |dim: usize, d: Direction| rows.iter().find(|r| r.dim == dim && r.direction == d);
    rows.iter()
        .filter(|r| r.direction == Direction::Maf)
        .filter_map(|maf| {
            let iaf = at(maf.dim, Direction::Iaf)?;
            Some(Claim {
                dim: maf.dim,
                maf_ratio: maf.sample.median / maf.density.median,
                maf_within_noise: maf.sample.overlaps(&maf.density),
                iaf_ratio: iaf.density.median / iaf.sample.median,
                iaf_within_noise: iaf.density.overlaps(&iaf.sample),
            })
        })
        .collect()
}
