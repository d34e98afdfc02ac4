//! The settings a trainer takes that can change between steps (and the objective, which
//! cannot), each checked with a message that names it.

use crate::data::points::MAX_JITTER;
use crate::data::DataSet;
use crate::train::objective::Objective;
use crate::{Error, Result};

/// Settings that can change between steps without rebuilding the flow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainConfig {
    /// Data set or target.
    pub objective: Objective,
    /// Points per step.
    pub batch: usize,
    /// Adam's learning rate.
    pub lr: f64,
    /// Rescale the gradient to this global norm when larger.
    pub clip: Option<f64>,
    /// Seed of the batches (and the held-out set).
    pub seed: u64,
    /// The standard deviation added to each point resampled from the user's points
    /// ([`DataSet::Drawn`]); 0 for none.
    pub jitter: f64,
}

impl Default for TrainConfig {
    /// Moons, batch 256, lr 1e-3, no clipping, seed 0.
    fn default() -> Self {
        TrainConfig {
            objective: Objective::ForwardKl(DataSet::Moons),
            batch: 256,
            lr: 1e-3,
            clip: None,
            seed: 0,
            jitter: 0.0,
        }
    }
}

impl TrainConfig {
    /// Training on the 8x8 digits: batch 128, lr 1e-3, no clipping, seed 0.
    pub fn digits() -> Self {
        TrainConfig {
            objective: Objective::Digits,
            batch: 128,
            ..TrainConfig::default()
        }
    }
}

/// Largest batch a step may use.
pub const MAX_BATCH: usize = 65_536;

impl TrainConfig {
    /// Checks every field, with a message that names it.
    pub fn validate(&self) -> Result<()> {
        if !(1..=MAX_BATCH).contains(&self.batch) {
            let msg = format!("must be 1 to {MAX_BATCH}, got {}", self.batch);
            return Err(Error::Invalid("batch size", msg));
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            let msg = format!("must be a positive number, got {}", self.lr);
            return Err(Error::Invalid("learning rate", msg));
        }
        if let Some(c) = self.clip.filter(|c| !(c.is_finite() && *c > 0.0)) {
            let msg = format!("must be a positive number, got {c}");
            return Err(Error::Invalid("gradient clip", msg));
        }
        if !(0.0..=MAX_JITTER).contains(&self.jitter) {
            let msg = format!("must be 0 to {MAX_JITTER}, got {}", self.jitter);
            return Err(Error::Invalid("jitter", msg));
        }
        Ok(())
    }
}
