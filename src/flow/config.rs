//! What fixes a flow's structure and its initial parameters: dimension, layers, MADE
//! widths, direction, transform (affine with its scale, or spline with its bins), base,
//! orderings, degrees and seed, each checked with a message that names it.

use crate::flow::layer::Direction;
use crate::flow::masks::{ordering, Ordering};
use crate::flow::scale::Scale;
use crate::flow::transformer::{Transform, Transformer, BINS_RANGE, DEFAULT_BINS};
use crate::{Error, Result};

/// How the autoregressive ordering changes from layer to layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerOrder {
    /// Natural order in every layer: in 2-D the first coordinate never sees the second.
    Same,
    /// Reversed, natural, reversed, ... from `T_1`: every coordinate is conditioned on the
    /// others in some layer.
    Alternate,
    /// A fresh seeded permutation per layer.
    Random(u64),
}

/// Everything that fixes a flow's structure and its initial parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowConfig {
    /// The dimension `D >= 2`.
    pub dim: usize,
    /// The number of layers `K >= 1`.
    pub layers: usize,
    /// MADE hidden widths, e.g. `[64, 64]`.
    pub hidden: Vec<usize>,
    /// MAF or IAF.
    pub direction: Direction,
    /// The scale parameterisation (affine layers).
    pub scale: Scale,
    /// Affine or spline layers.
    pub transform: Transform,
    /// The spline's bins `K` (spline layers).
    pub bins: usize,
    /// Whether the base is a learnable diagonal Gaussian rather than `N(0, I)`.
    pub learn_base: bool,
    /// Orderings across layers.
    pub order: LayerOrder,
    /// How the hidden degrees are chosen.
    pub degrees: DegreeRule,
    /// Seed of the initial parameters, the degrees and every draw.
    pub seed: u64,
}

/// How a flow's MADEs choose their hidden degrees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DegreeRule {
    /// Spread evenly ([`HiddenDegrees::Deterministic`]).
    Deterministic,
    /// Drawn per layer from the flow's seed, as in the MADE paper.
    Random,
}

impl Default for FlowConfig {
    /// The standard config: 2-D MAF, K = 4, hidden 64,64, softplus scale, alternating order.
    /// Softplus is the default because it trained best in the benchmark (mean test NLL over
    /// seeds 0-2, MAF and IAF, moons / 8gaussians / checkerboard) and never overflows.
    fn default() -> Self {
        FlowConfig {
            dim: 2,
            layers: 4,
            hidden: vec![64, 64],
            direction: Direction::Maf,
            scale: Scale::Softplus,
            transform: Transform::Affine,
            bins: DEFAULT_BINS,
            learn_base: false,
            order: LayerOrder::Alternate,
            degrees: DegreeRule::Deterministic,
            seed: 0,
        }
    }
}

/// Largest number of layers a flow may have.
pub const MAX_LAYERS: usize = 64;
/// Largest MADE hidden width.
pub const MAX_WIDTH: usize = 1024;

impl FlowConfig {
    /// The default flow of the 8x8 digits (64-D): a MAF of 5 layers with hidden widths
    /// 128,128, the orderings alternating. Chosen on seeds 10 and 11 against 256,256: as
    /// good a best held-out NLL (-83.2 and -82.8 nats per image against -82.4 and -82.5)
    /// at twice the steps per second (`docs/math.md` has the seeds it was then reported on).
    pub fn digits() -> FlowConfig {
        FlowConfig {
            dim: 64,
            layers: 5,
            hidden: vec![128, 128],
            ..FlowConfig::default()
        }
    }

    /// Checks every field, with a message that names the field.
    pub fn validate(&self) -> Result<()> {
        if !(2..=64).contains(&self.dim) {
            return Err(Error::Invalid(
                "dimension",
                format!("must be 2 to 64, got {}", self.dim),
            ));
        }
        if !(1..=MAX_LAYERS).contains(&self.layers) {
            let msg = format!("must be 1 to {MAX_LAYERS}, got {}", self.layers);
            return Err(Error::Invalid("layers", msg));
        }
        if let Some(w) = self.hidden.iter().find(|&&w| w == 0 || w > MAX_WIDTH) {
            let msg = format!("each width must be 1 to {MAX_WIDTH}, got {w}");
            return Err(Error::Invalid("hidden widths", msg));
        }
        if self.transform == Transform::Spline && !BINS_RANGE.contains(&self.bins) {
            let (lo, hi) = (BINS_RANGE.start(), BINS_RANGE.end());
            let msg = format!("must be {lo} to {hi}, got {}", self.bins);
            return Err(Error::Invalid("bins", msg));
        }
        Ok(())
    }

    /// Each layer's element-wise map.
    pub fn transformer(&self) -> Transformer {
        match self.transform {
            Transform::Affine => Transformer::Affine(self.scale),
            Transform::Spline => Transformer::Spline { bins: self.bins },
        }
    }

    /// The input ordering of layer `k` (`order[p]` = the input at position `p`).
    pub fn layer_ordering(&self, k: usize) -> Vec<usize> {
        let o = match self.order {
            LayerOrder::Same => Ordering::Natural,
            LayerOrder::Alternate if k.is_multiple_of(2) => Ordering::Reversed,
            LayerOrder::Alternate => Ordering::Natural,
            LayerOrder::Random(seed) => Ordering::Random(mix(seed, k as u64)),
        };
        ordering(self.dim, o)
    }
}

/// A distinct seed per `(seed, k)`.
pub(crate) fn mix(seed: u64, k: u64) -> u64 {
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ k.wrapping_add(1).wrapping_mul(0xBF58_476D_1CE4_E5B9)
}
