//! The page's whole state as one declarative table, which is also the URL hash: every
//! control's id is a field name here, so a copied link reproduces the view, seed included.
//! Each field is declared once, in [`super::fields::FIELDS`]: its name, what it is (a choice,
//! a whole number, a number, widths, a flag) with its limits, and what a change needs;
//! [`super::hash`] reads and writes the fields by that table.

use super::space::Space;
use crate::data::points::PointSet;
use crate::data::target::Target;
use crate::data::DataSet;
use crate::flow::masks::{HiddenDegrees, Ordering};
use crate::flow::scale::Scale;
use crate::flow::transformer::Transform;
use crate::flow::{DegreeRule, Direction, Flow, FlowConfig, LayerOrder};
use crate::train::objective::Objective;
use crate::train::{TrainConfig, Trainer};
use crate::Result;
use std::sync::Arc;

/// What a change of one field needs, from the most work to the least (so the least of
/// several changes is what they need together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A new flow and trainer (structure, objective or seed changed).
    Rebuild,
    /// The trainer's live settings (learning rate, batch, clipping).
    Live,
    /// Only what is drawn.
    View,
}

impl Change {
    /// The word the page switches on.
    pub fn name(self) -> &'static str {
        match self {
            Change::Rebuild => "rebuild",
            Change::Live => "live",
            Change::View => "view",
        }
    }
}

/// Which objective the page trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Forward KL: maximum likelihood on the data set.
    Forward,
    /// Reverse KL: the model's own samples against the energy target.
    Reverse,
}

/// The page's choice of ordering across layers (the seed makes [`LayerOrder::Random`]'s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// [`LayerOrder::Alternate`].
    Alternate,
    /// [`LayerOrder::Same`].
    Same,
    /// [`LayerOrder::Random`] from the seed.
    Random,
}

/// The explorer's input ordering (the seed makes the random one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExplorerOrder {
    /// [`Ordering::Natural`].
    Natural,
    /// [`Ordering::Reversed`].
    Reversed,
    /// [`Ordering::Random`] from the seed.
    Random,
}

/// How the MADE panels draw a MADE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskView {
    /// Matrices when a hidden layer is too wide for the diagram, else the diagram.
    Auto,
    /// Units and edges (wide layers thinned).
    Diagram,
    /// The masks and their product as matrices.
    Matrix,
}

/// How much larger a presentation may draw text, tables and charts: from 1.2 (a large
/// laptop) to 2 (the back row of a hall).
pub const PRESENT_SCALES: std::ops::RangeInclusive<f64> = 1.2..=2.0;

/// The panels a presentation can leave out (their ids without `panel-`).
pub const PANELS: &[&str] = &[
    "density",
    "samples",
    "loss",
    "sequence",
    "probe",
    "masks",
    "transform",
    "composition",
    "latent",
    "slice",
    "cost",
    "explorer",
    "compare",
    "warmup",
];

/// Every setting of the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The 2-D toy sets or the 8x8 digits.
    pub space: Space,
    /// Forward KL on data or reverse KL on an energy.
    pub objective: Mode,
    /// Compare objectives: a second flow learns the same target by the other objective.
    pub compare: bool,
    /// The data set, for forward KL.
    pub data: DataSet,
    /// The energy target, for reverse KL.
    pub target: Target,
    /// MAF or IAF (the hash calls it `flow`).
    pub direction: Direction,
    /// Layers `K`.
    pub layers: usize,
    /// MADE hidden widths.
    pub hidden: Vec<usize>,
    /// Ordering across layers.
    pub order: Order,
    /// Affine or spline layers.
    pub transform: Transform,
    /// Scale parameterisation (affine layers).
    pub scale: Scale,
    /// Spline bins `K` (spline layers).
    pub bins: usize,
    /// A learnable diagonal Gaussian base instead of `N(0, I)`.
    pub learn_base: bool,
    /// Adam's learning rate.
    pub lr: f64,
    /// Points per step.
    pub batch: usize,
    /// Gradient-norm clip, 0 for none.
    pub clip: f64,
    /// The noise added to each of the user's points as it is resampled, 0 for none.
    pub jitter: f64,
    /// Seed of the parameters, batches and display draws.
    pub seed: u64,
    /// Draw the data (or nothing, for energies) over the heatmap.
    pub overlay: bool,
    /// Which layer's MADE the mask diagram shows (1-based).
    pub layer: usize,
    /// Which layer's map the transform panel shows (1-based).
    pub tlayer: usize,
    /// Which coordinate's map the transform panel shows (0-based).
    pub coord: usize,
    /// The slice runs along the other coordinate than the one the last layer treats first.
    pub slice_other: bool,
    /// The composition shows the density at each stage under its points.
    pub stage_density: bool,
    /// How the MADE panels draw a MADE.
    pub mask_view: MaskView,
    /// Presentation: larger type, no controls, only the panels not in `hide`.
    pub present: bool,
    /// How much larger a presentation draws all text, tables and charts
    /// ([`PRESENT_SCALES`]).
    pub present_scale: f64,
    /// The panels a presentation leaves out.
    pub hide: Vec<&'static str>,
    /// Mask explorer: dimension `D`.
    pub mdim: usize,
    /// Mask explorer: hidden widths.
    pub mhidden: Vec<usize>,
    /// Mask explorer: input ordering.
    pub morder: ExplorerOrder,
    /// Mask explorer: hidden-degree rule.
    pub mdegrees: DegreeRule,
}

impl Default for Settings {
    /// The default view: a 4-layer MAF (hidden 64,64, softplus scale, alternating order) on
    /// moons, the toy space's defaults ([`Space::defaults`]). Switching to IAF switches the
    /// scale to IAF's default too ([`Direction::default_scale`]) unless the scale was chosen.
    fn default() -> Self {
        let flow = FlowConfig::default();
        let toy = Space::Toy.defaults();
        Settings {
            space: Space::Toy,
            objective: Mode::Forward,
            compare: false,
            data: DataSet::Moons,
            target: Target::U1,
            direction: flow.direction,
            layers: toy.layers,
            hidden: toy.hidden,
            order: Order::Alternate,
            transform: flow.transform,
            scale: flow.scale,
            bins: flow.bins,
            learn_base: flow.learn_base,
            lr: toy.lr,
            batch: toy.batch,
            clip: 0.0,
            jitter: 0.0,
            seed: 0,
            overlay: true,
            layer: 1,
            tlayer: 1,
            coord: 0,
            slice_other: false,
            stage_density: false,
            mask_view: MaskView::Auto,
            present: false,
            present_scale: 1.4,
            hide: Vec::new(),
            mdim: 4,
            mhidden: vec![8, 8],
            morder: ExplorerOrder::Natural,
            mdegrees: DegreeRule::Deterministic,
        }
    }
}

impl Settings {
    /// The flow these settings describe.
    pub fn flow_config(&self) -> FlowConfig {
        FlowConfig {
            dim: self.space.dim(),
            layers: self.layers,
            hidden: self.hidden.clone(),
            direction: self.direction,
            scale: self.scale,
            transform: self.transform,
            bins: self.bins,
            learn_base: self.learn_base,
            order: match self.order {
                Order::Same => LayerOrder::Same,
                Order::Random => LayerOrder::Random(self.seed),
                Order::Alternate => LayerOrder::Alternate,
            },
            degrees: DegreeRule::Deterministic,
            seed: self.seed,
        }
    }

    /// A fresh flow and trainer as these settings describe them (the page's worker, its
    /// drawing thread and the default-settings sweep all build theirs here).
    pub fn trainer(&self) -> Result<Trainer> {
        self.trainer_on(None)
    }

    /// [`Self::trainer`] on the user's `points` (which "your points" needs).
    pub fn trainer_on(&self, points: Option<Arc<PointSet>>) -> Result<Trainer> {
        Trainer::on_points(Flow::new(self.flow_config())?, self.train_config(), points)
    }

    /// Checks the flow and the training these settings describe as a whole (each field
    /// was checked on its own when it was set).
    pub fn validate(&self) -> Result<()> {
        self.flow_config().validate()?;
        self.train_config().validate()?;
        if self.compare && self.objective().opposite().is_none() {
            let smooth: Vec<&str> = DataSet::ALL
                .into_iter()
                .filter(|d| d.has_smooth_density())
                .map(DataSet::name)
                .collect();
            let msg = format!(
                "needs a target with both draws and a density that is positive everywhere \
                 ({} or an energy U1-U4), not {}",
                smooth.join(", "),
                self.objective().target_name()
            );
            return Err(crate::Error::Invalid("compare objectives", msg));
        }
        Ok(())
    }

    /// The training these settings describe.
    pub fn train_config(&self) -> TrainConfig {
        TrainConfig {
            objective: self.objective(),
            batch: self.batch,
            lr: self.lr,
            clip: (self.clip > 0.0).then_some(self.clip),
            seed: self.seed,
            jitter: self.jitter,
        }
    }

    /// The digits, or forward KL on the data set or reverse KL on the target.
    pub fn objective(&self) -> Objective {
        if self.space == Space::Digits {
            return Objective::Digits;
        }
        match self.objective {
            Mode::Reverse => Objective::ReverseKl(self.target),
            Mode::Forward => Objective::ForwardKl(self.data),
        }
    }

    /// The explorer's input ordering and hidden-degree rule.
    pub fn explorer(&self) -> (Ordering, HiddenDegrees) {
        let order = match self.morder {
            ExplorerOrder::Reversed => Ordering::Reversed,
            ExplorerOrder::Random => Ordering::Random(self.seed),
            ExplorerOrder::Natural => Ordering::Natural,
        };
        let degrees = match self.mdegrees {
            DegreeRule::Random => HiddenDegrees::Random(self.seed),
            DegreeRule::Deterministic => HiddenDegrees::Deterministic,
        };
        (order, degrees)
    }
}
