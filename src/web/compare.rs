//! The compare view in the page: the two models' maps on `#compare-maps`, their divergences
//! over the steps on `#compare-chart`, and the scores as JSON for the table under them.

use super::dom::canvases::{COMPARE_CHART, COMPARE_MAPS};
use super::dom::{backend, canvas, draw_image, js};
use super::App;
use crate::draw::area;
use crate::draw::compare::{divergences, frames, overlays, FORWARD, REVERSE};
use crate::draw::heatmap::{rgba, zero};
use crate::numeric::grid::Window;
use crate::session::verdict::Call;
use crate::train::divergence::Estimate;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

fn estimate(e: &Estimate) -> Value {
    json!({ "value": e.value, "se": e.se, "n": e.n, "heavy": e.heavy() })
}

/// A call as the table marks it: the lower model's index, or null.
fn call(c: Call) -> Value {
    match c {
        Call::Lower(m) => json!(m),
        Call::Tie | Call::Unsure(_) => Value::Null,
    }
}

impl App {
    /// Draws the compare view and returns its table as JSON: `target`, `mapped` (false
    /// for a flow too large to map live), `current` (false while one model's picture is
    /// a call older than its parameters: call again), and per model
    /// (`[forward-KL model, reverse-KL model]`) its `steps`, `seconds`, `rollbacks`, `kl_pq` and
    /// `kl_qp` (`value`, `se`, `n`, `heavy`) and `modes` (8gaussians, else null); `wins`,
    /// the lower model of each divergence where the standard errors support a call (else
    /// null), and `verdict`, the table in words; an empty string when the settings do not
    /// compare objectives.
    pub(super) fn render_compare(&mut self) -> Result<String, JsError> {
        let Some(view) = self.lab.compare_view() else {
            return Ok(String::new());
        };
        let window = Window::default();
        let titles = [
            "forward KL: fit to draws of p*",
            "reverse KL: fit to the density p*",
        ];
        let c = canvas(COMPARE_MAPS)?;
        let root = area(backend(c.clone())?);
        let rects = frames(&root, window, titles).map_err(js)?;
        for (m, rect) in rects.iter().enumerate() {
            match &view.densities {
                Some(d) => draw_image(&c, &rgba(&d[m]), d[m].grid.nx, rect)?,
                // A flow too large to map live: the frame in the map's zero colour.
                None => draw_image(&c, &zero(), 1, rect)?,
            }
        }
        let samples = [
            (&view.samples[0][..], FORWARD),
            (&view.samples[1][..], REVERSE),
        ];
        overlays(&root, window, titles, &view.target, &view.levels, samples).map_err(js)?;
        let comparison = self
            .lab
            .comparison()
            .expect("a compare view has a comparison");
        let series = std::array::from_fn(|i| comparison.series[i].points());
        divergences(&area(backend(canvas(COMPARE_CHART)?)?), series).map_err(js)?;
        let models: Vec<Value> = comparison
            .scores
            .iter()
            .flat_map(|s| {
                (0..2).map(move |m| {
                    json!({
                        "steps": s.steps[m],
                        "seconds": s.seconds[m],
                        "rollbacks": s.rollbacks[m],
                        "kl_pq": estimate(&s.kl[m][0]),
                        "kl_qp": estimate(&s.kl[m][1]),
                        "modes": s.modes.map(|c| c[m]),
                    })
                })
            })
            .collect();
        let target = self.lab.settings().objective().target_name();
        let mapped = view.densities.is_some();
        let (wins, verdict) = match &comparison.scores {
            Some(s) => (s.calls().map(call).to_vec(), s.verdict()),
            None => (Vec::new(), String::new()),
        };
        Ok(json!({
            "target": target,
            "mapped": mapped,
            "current": view.current,
            "models": models,
            "wins": wins,
            "verdict": verdict,
        })
        .to_string())
    }
}
