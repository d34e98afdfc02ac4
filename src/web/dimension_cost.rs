//! MAF against IAF as `D` grows, in the page: the training worker's App measures
//! (`sweep_start`, then `sweep_work` between training chunks, `sweep_result` when done),
//! the page's App takes the figures and draws them (`render("dimension-cost")`,
//! `read("dimension-cost")`).

use super::dom::canvases::DIMENSION_COST;
use super::dom::{backend, canvas, js, now};
use super::App;
use crate::draw::{area, dimension_cost as chart};
use crate::flow::Direction;
use crate::session::dimension_cost::{claims, from_flat, to_flat, Sweep, DIMS};
use serde_json::json;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl App {
    /// Starts measuring the settings' flow at every `D` (a measurement under way starts
    /// again).
    pub fn sweep_start(&mut self) -> Result<(), JsError> {
        let base = self.lab.settings().flow_config();
        self.sweep = Some(Sweep::new(&base, &DIMS).map_err(|e| JsError::new(&e.to_string()))?);
        Ok(())
    }

    /// Times the next block of the measurement (a few ms); true once it is done (or when
    /// none was started).
    pub fn sweep_work(&mut self) -> bool {
        self.sweep.as_mut().is_none_or(|s| s.work(&mut now))
    }

    /// The finished measurement as flat numbers (for the page's App), or none.
    pub fn sweep_result(&self) -> Vec<f64> {
        let rows = self.sweep.as_ref().and_then(|s| s.result());
        rows.map(|r| to_flat(&r)).unwrap_or_default()
    }

    /// Takes the worker's measurement; refused, with nothing changed, if it does not read.
    pub fn take_dimension_costs(&mut self, values: Vec<f64>) -> Result<(), JsError> {
        self.dimension_costs = Some(from_flat(&values).map_err(|e| JsError::new(&e.to_string()))?);
        Ok(())
    }
}

impl App {
    /// Draws the chart, or clears it while there is no measurement.
    pub(super) fn render_dimension_cost(&self) -> Result<(), JsError> {
        let root = area(backend(canvas(DIMENSION_COST)?)?);
        chart::dimension_cost(&root, self.dimension_costs.as_deref().unwrap_or(&[])).map_err(js)
    }

    /// The measurement as JSON: `rows` (`dim`, `flow`, `passes`, `density` and `sample` as
    /// `[median, low, high]` ms per 1,000 points) and `claims` (per `D`: MAF's samples over
    /// densities, IAF's densities over samples, and whether each is within noise); `null`
    /// before a measurement.
    pub(super) fn dimension_cost_json(&self) -> String {
        let Some(rows) = &self.dimension_costs else {
            return "null".into();
        };
        let rows_json: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    "dim": r.dim,
                    "flow": if r.direction == Direction::Maf { "MAF" } else { "IAF" },
                    "passes": r.passes,
                    "density": r.density.as_array(),
                    "sample": r.sample.as_array(),
                })
            })
            .collect();
        let claims: Vec<_> = claims(rows)
            .iter()
            .map(|c| {
                json!({
                    "dim": c.dim,
                    "maf_ratio": c.maf_ratio,
                    "maf_within_noise": c.maf_within_noise,
                    "iaf_ratio": c.iaf_ratio,
                    "iaf_within_noise": c.iaf_within_noise,
                })
            })
            .collect();
        json!({ "rows": rows_json, "claims": claims }).to_string()
    }
}
