//! The data space the page works in: the 2-D toy sets and energies, or the 8x8 digits
//! (64-D). Each space has its own defaults for the flow and its training; switching spaces
//! moves each of those fields that still holds the old space's default to the new one's, so
//! that a value the user chose stays (`hash.rs`, where one field's change moves others).

use crate::flow::FlowConfig;
use crate::train::TrainConfig;

/// The page's data space (the hash calls it `space`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    /// The 2-D toy data sets and energy targets.
    Toy,
    /// The 8x8 handwritten digits ([`crate::data::digits`]).
    Digits,
}

/// A space's defaults for the fields that differ between spaces.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceDefaults {
    /// Layers `K`.
    pub layers: usize,
    /// MADE hidden widths.
    pub hidden: Vec<usize>,
    /// Adam's learning rate.
    pub lr: f64,
    /// Points (or images) per step.
    pub batch: usize,
}

impl Space {
    /// The dimension of its points.
    pub fn dim(self) -> usize {
        match self {
            Space::Toy => 2,
            Space::Digits => crate::data::digits::DIM,
        }
    }

    /// Its defaults. The toy sets: the engine's standard flow ([`FlowConfig::default`]),
    /// learning rate 3e-3 (watched live, the moons form within seconds; the benchmark's
    /// 1e-3 measures final quality). The digits: the benchmark's digits flow and training
    /// ([`FlowConfig::digits`], [`TrainConfig::digits`]), whose quality `docs/math.md`
    /// reports on seeds it was not chosen on.
    pub fn defaults(self) -> SpaceDefaults {
        let (flow, train, lr) = match self {
            Space::Toy => (FlowConfig::default(), TrainConfig::default(), 3e-3),
            Space::Digits => (FlowConfig::digits(), TrainConfig::digits(), 1e-3),
        };
        SpaceDefaults {
            layers: flow.layers,
            hidden: flow.hidden,
            lr,
            batch: train.batch,
        }
    }
}
