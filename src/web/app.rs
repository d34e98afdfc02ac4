//! The `#[wasm_bindgen]` App: an opaque handle owning a [`Lab`], its lifecycle, settings
//! and status. Drawing is in `render.rs`, the worker's hand-off in `progress.rs`.

use super::dom::{install_panic_hook, now};
use crate::data::target::Target;
use crate::draw::heatmap;
use crate::flow::Flow;
use crate::session::fields::{Kind, FIELDS};
use crate::session::lab::Lab;
use crate::session::model_read::OpenedModel;
use crate::session::values::number_text;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

/// The playground behind the page.
#[wasm_bindgen]
pub struct App {
    pub(super) lab: Lab,
    notes: Vec<String>,
    /// The reverse-KL target's picture, drawn once per target.
    pub(super) target_image: Option<(Target, Vec<u8>)>,
    pub(super) heatmap_rect: std::cell::Cell<[i32; 4]>,
    /// The probed point, if any, and the slice line's `c`.
    pub(super) probe: std::cell::Cell<Option<[f32; 2]>>,
    /// The last probe computed: the parameters' version and the point it belongs to (the
    /// heatmap, the composition and the table all draw it; a large flow's takes ~25 ms).
    pub(super) probe_cache: std::cell::RefCell<Option<(u64, [f32; 2], crate::views::probe::Probe)>>,
    pub(super) slice_at: std::cell::Cell<f32>,
    /// The brush is on: the data panel and the overlay show the user's points.
    pub(super) drawing: bool,
    /// How many of the user's points there were when the density map was last drawn: a
    /// stroke draws only the ones after them (`render.rs`).
    pub(super) map_points: std::cell::Cell<usize>,
    /// A model file's head opened, waiting for its numbers (`user_data.rs`).
    pub(super) opened: Option<OpenedModel>,
    /// The coordinate picked on a MADE's matrices: `(canvas, coordinate)` (`web/masks.rs`).
    pub(super) mask_pick: std::cell::Cell<Option<(usize, usize)>>,
    /// Where each MADE canvas's matrices can be picked.
    pub(super) mask_zones: std::cell::RefCell<[Vec<crate::draw::mask_matrix::Zone>; 2]>,
    /// MAF against IAF as `D` grows: the measurement under way (the worker's App) and the
    /// figures shown (the page's), see `dimension_cost.rs`.
    pub(super) sweep: Option<crate::session::dimension_cost::Sweep>,
    /// MAF against IAF on this flow: the measurement under way (the worker's App, `costs.rs`).
    pub(super) costs: Option<crate::session::cost::CostJob>,
    pub(super) dimension_costs: Option<Vec<crate::session::dimension_cost::DimensionCost>>,
    /// The digits' sequential view: its two paths and the pass count shown (`digits.rs`).
    pub(super) sequence: std::cell::RefCell<Option<[crate::views::sampling::Path; 2]>>,
    pub(super) sequence_at: std::cell::Cell<usize>,
    /// The data image shown (0-based) whose Jacobians the digits' probe draws.
    pub(super) jacobian_image: std::cell::Cell<usize>,
    /// The one-dimensional warm-up: its map and point (`warmup.rs`).
    pub(super) warmup: crate::views::warmup::Warmup,
}

#[wasm_bindgen]
impl App {
    /// A session from the URL hash; `notes()` says what in it had to be corrected.
    #[wasm_bindgen(constructor)]
    pub fn new(hash: &str) -> App {
        install_panic_hook();
        let (lab, notes) = Lab::from_hash(hash);
        App {
            lab,
            notes,
            target_image: None,
            heatmap_rect: std::cell::Cell::new([0; 4]),
            probe: std::cell::Cell::new(None),
            probe_cache: std::cell::RefCell::new(None),
            slice_at: std::cell::Cell::new(0.0),
            drawing: false,
            map_points: std::cell::Cell::new(0),
            opened: None,
            mask_pick: std::cell::Cell::new(None),
            mask_zones: std::cell::RefCell::new([Vec::new(), Vec::new()]),
            sweep: None,
            costs: None,
            dimension_costs: None,
            sequence: std::cell::RefCell::new(None),
            sequence_at: std::cell::Cell::new(0),
            jacobian_image: std::cell::Cell::new(0),
            warmup: Default::default(),
        }
    }

    /// Corrections made to the hash, one per line (empty when it was fine).
    pub fn notes(&self) -> String {
        self.notes.join("\n")
    }

    /// The whole state as a URL hash (without `#`).
    pub fn hash(&self) -> String {
        self.lab.settings().to_hash()
    }

    /// One setting's text, for its control.
    pub fn get(&self, key: &str) -> String {
        self.lab.settings().get(key).unwrap_or_default()
    }

    /// Sets one setting: `"rebuild"`, `"live"` or `"view"`, or an error with the reason. A
    /// rebuild waits for [`App::apply`], so that a burst of changes builds one flow.
    pub fn set(&mut self, key: &str, value: &str) -> Result<String, JsError> {
        let change = self
            .lab
            .set_later(key, value)
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(change.name().into())
    }

    /// Takes another App's settings whole (its [`App::hash`]): what the training worker
    /// does with the page's, which the page validated. Returns the change, like `set`.
    pub fn adopt(&mut self, hash: &str) -> Result<String, JsError> {
        let change = self
            .lab
            .adopt(hash)
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(change.name().into())
    }

    /// Takes the settings of a link (`notes()` says what had to be corrected); their flow
    /// is built by [`App::apply`].
    pub fn load(&mut self, hash: &str) {
        self.notes = self.lab.load(hash);
    }

    /// Builds the flow a change asked for, a layer at a time for about `budget_ms`; true
    /// once it is in place.
    pub fn apply(&mut self, budget_ms: f64) -> bool {
        self.lab.apply_within(budget_ms, &mut now)
    }

    /// Whether a change waits for its flow to be built.
    pub fn rebuilding(&self) -> bool {
        self.lab.rebuilding()
    }

    /// Evaluates a new flow's test metric, if not done yet (the worker does this; the
    /// page's thread only when it trains itself).
    pub fn evaluate(&mut self) {
        self.lab.evaluate();
    }

    /// Trains for about `budget_ms`; returns the number of steps.
    pub fn train(&mut self, budget_ms: f64) -> usize {
        self.lab.train(budget_ms, &mut now)
    }

    /// One training step.
    pub fn step(&mut self) {
        self.lab.step_once();
    }

    /// A fresh initialisation with the same settings, built by [`App::apply`].
    pub fn reset(&mut self) {
        self.lab.reset_later();
    }

    /// New display draws.
    pub fn resample(&mut self) {
        self.lab.resample();
    }

    /// Works on the `res x res` density grid for about `budget_ms`; true when a new one is
    /// done. With `current`, a grid of outdated parameters starts again.
    pub fn grid_work(&mut self, res: usize, budget_ms: f64, current: bool) -> bool {
        self.lab.grid_work(res, budget_ms, &mut now, current)
    }

    /// Whether the heatmap shown is the `res x res` grid of the current parameters.
    pub fn grid_settled(&self, res: usize) -> bool {
        self.lab.grid_settled(res)
    }

    /// The version of the parameters, which changes whenever they do (for the GPU's jobs).
    pub fn version(&self) -> f64 {
        self.lab.version() as f64
    }

    /// The heatmap bytes of the last complete grid (for tests and export).
    pub fn heatmap_rgba(&self) -> Vec<u8> {
        self.lab.density().map(heatmap::rgba).unwrap_or_default()
    }

    /// Where the last heatmap was drawn on its canvas: `[x0, x1, y0, y1]` in device pixels of
    /// its backing store.
    pub fn heatmap_rect(&self) -> Vec<i32> {
        self.heatmap_rect.get().to_vec()
    }

    /// Evaluates the density grid at `res x res` at once and returns its `log p` (for tests).
    pub fn density_now(&mut self, res: usize) -> Vec<f32> {
        self.lab.density_now(res).log_p.clone()
    }

    /// The order of the chosen layer as text, e.g. `x2, x1`.
    pub(super) fn layer_order(&self) -> String {
        let (degrees, _) = self.lab.layer_masks();
        let mut inputs: Vec<(usize, usize)> = degrees[0]
            .iter()
            .enumerate()
            .map(|(i, &m)| (m, i))
            .collect();
        inputs.sort();
        let names: Vec<String> = inputs.iter().map(|(_, i)| format!("x{}", i + 1)).collect();
        // Beyond a few coordinates, the first three and the last.
        match names.len() {
            0..=8 => names.join(", "),
            n => format!("{}, …, {}", names[..3].join(", "), names[n - 1]),
        }
    }

    /// The status line's numbers as JSON.
    pub(super) fn status_json(&self) -> String {
        let s = self.lab.status();
        let (history, forward) = (&self.lab.trainer().history, s.objective.is_forward());
        json!({
            "step": s.progress.step,
            "steps_per_second": s.progress.steps_per_second,
            "metric": s.progress.metric,
            "metric_text": s.metric_text(),
            "metric_name": s.metric_name,
            "ess": s.progress.ess,
            "coverage": s.progress.coverage,
            "floor": s.floor,
            "grid_mass": s.grid_mass,
            "non_finite": s.non_finite,
            "neg_infinite": s.neg_infinite,
            "passes_density": s.passes.0,
            "passes_sample": s.passes.1,
            "work_macs": s.work_macs,
            "event": s.progress.event,
            // The model the trainer keeps (forward KL only: `train/best.rs`), and whether
            // the history shows overfitting.
            "best": history.best_test().filter(|_| forward),
            "overfitting": history.overfitting().filter(|_| s.objective.can_overfit()).map(|o| json!({
                "best_step": o.best_step,
                "rise": o.rise,
                "evaluations": o.evaluations,
            })),
            "bits_per_dim": s.bits_per_dim(),
        })
        .to_string()
    }

    /// Shows a density grid computed by the GPU backend from the parameters of `version`
    /// (`res x res`, row 0 at the top).
    pub fn take_density(
        &mut self,
        res: usize,
        log_p: Vec<f32>,
        version: f64,
    ) -> Result<(), JsError> {
        self.lab
            .take_density(res, log_p, version as u64)
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// Shows display samples computed by the GPU backend from the fixed draws.
    pub fn take_samples(&mut self, x: Vec<f32>) -> Result<(), JsError> {
        self.lab
            .take_samples(x)
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// Computes the display samples here again (the GPU backend has stopped).
    pub fn drop_outside_samples(&mut self) {
        self.lab.drop_outside_samples();
    }

    /// Panics on purpose: one of the page's test hooks (`window.arflowTest`, see
    /// `www/main.js`), for the end-to-end test of the banner and the reset.
    pub fn simulate_panic(&self) {
        panic!("simulated panic (end-to-end test of the banner)");
    }
}

/// What the GPU backend reads (not exported to JavaScript).
impl App {
    /// The flow as it is now.
    pub(crate) fn flow(&self) -> &Flow {
        &self.lab.trainer().flow
    }

    /// The fixed latent draws behind the samples panel, `n x 2`.
    pub(crate) fn display_latent(&self) -> Vec<f32> {
        self.lab.display_latent().to_vec()
    }
}

/// The settings table for the page's controls, as JSON: `[{name, label, change, kind,
/// ...limits}]` in hash order, where a choice has `options: [[name, label], ...]`, a whole
/// number `min` and `max`, a number `zero` (whether 0 is allowed), widths `depth` and
/// `width`. The page builds its selects and limits from this (no copy in HTML or JS).
#[wasm_bindgen]
pub fn settings_fields() -> String {
    let rows: Vec<Value> = FIELDS
        .iter()
        .map(|f| {
            let mut row = json!({ "name": f.name, "label": f.label, "change": f.change.name() });
            let more = match f.kind {
                Kind::Choice(options) => json!({ "kind": "choice", "options": options }),
                Kind::Whole { min, max } => json!({ "kind": "whole", "min": min, "max": max }),
                Kind::Number { zero, min, max } => json!({
                    "kind": "number",
                    "zero": zero,
                    "min": number_text(&min),
                    "max": number_text(&max),
                }),
                Kind::Widths { depth, width } => {
                    json!({ "kind": "widths", "depth": depth, "width": width })
                }
                Kind::Flag => json!({ "kind": "flag" }),
                Kind::Names(all) => json!({ "kind": "names", "names": all }),
            };
            if let (Value::Object(row), Value::Object(more)) = (&mut row, more) {
                row.extend(more);
            }
            row
        })
        .collect();
    Value::Array(rows).to_string()
}
