//! MAF against IAF measured on this flow and its twin, in the page: the training worker's
//! App measures a piece at a time (`costs_start`, then `costs_work` between its messages
//! and training chunks, `costs_result` when done), and the page shows the table.

use super::dom::now;
use super::App;
use crate::session::cost::{Cost, CostJob};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

fn cost_json(c: &Cost) -> Value {
    json!({
        "flow": format!("{:?}", c.direction).to_uppercase(),
        "passes_density": c.passes_density,
        "passes_sample": c.passes_sample,
        "products_density": c.products[0],
        "products_sample": c.products[1],
        "density_ms": c.density_ms,
        "sample_ms": c.sample_ms,
        "steps_per_second": c.steps_per_second,
    })
}

#[wasm_bindgen]
impl App {
    /// Starts measuring the current flow and its twin of the other direction (see
    /// `session::cost`); a measurement under way starts again.
    pub fn costs_start(&mut self) {
        self.costs = Some(CostJob::new(self.lab.settings(), self.lab.point_set()));
    }

    /// Measures the next piece (at most a training step or tens of ms); true once the
    /// measurement is done (or when none was started).
    pub fn costs_work(&mut self) -> Result<bool, JsError> {
        match &mut self.costs {
            Some(job) => job.work(&mut now).map_err(|e| JsError::new(&e.to_string())),
            None => Ok(true),
        }
    }

    /// The finished measurement as JSON `[current, twin]`, or `null`.
    pub fn costs_result(&self) -> String {
        match self.costs.as_ref().and_then(CostJob::result) {
            Some([a, b]) => json!([cost_json(&a), cost_json(&b)]).to_string(),
            None => "null".into(),
        }
    }
}
