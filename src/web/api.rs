//! The calls that take a name: `render(view)` draws one panel, `read(what)` returns one
//! read-out as JSON, `export(kind)` one file's text. Each name is in one match below, and the
//! page keeps no other list of methods to draw or read (`www/panels.js` names the views).

use super::App;
use serde_json::json;
use wasm_bindgen::prelude::*;

/// No such name: the page asked for something the shell does not have.
fn unknown(what: &str, name: &str) -> JsError {
    JsError::new(&format!("there is no {what} '{name}'"))
}

/// `Ok(())` of a panel without a caption, as the empty caption.
fn drawn(r: Result<(), JsError>) -> Result<String, JsError> {
    r.map(|()| String::new())
}

#[wasm_bindgen]
impl App {
    /// Draws one panel on its canvas (`web/dom.rs` lists the canvases): `heatmap` (or
    /// `stroke`: only the points a brush stroke added since),
    /// `samples`, `loss`, `slice`, `latent`, `composition`, `transform`, `compare`,
    /// `masks`, `explorer`, `dimension-cost`, `sequence`, `jacobian` or `warmup` (the digits'
    /// samples and latent panels are drawn by `samples` and `latent`). Returns the
    /// caption's numbers as JSON for `latent`, `transform`, `compare`, `jacobian` and
    /// `warmup`, and
    /// an empty string for the others.
    pub fn render(&mut self, view: &str) -> Result<String, JsError> {
        match view {
            "heatmap" => drawn(self.render_heatmap()),
            "stroke" => drawn(self.render_stroke()),
            "samples" => drawn(self.render_samples()),
            "loss" => drawn(self.render_loss()),
            "slice" => drawn(self.render_slice()),
            "latent" => self.render_latent(),
            "composition" => drawn(self.render_composition()),
            "transform" => self.render_transform(),
            "compare" => self.render_compare(),
            "masks" => drawn(self.render_masks()),
            "explorer" => drawn(self.render_explorer()),
            "dimension-cost" => drawn(self.render_dimension_cost()),
            "sequence" => drawn(self.render_sequence()),
            "jacobian" => self.render_jacobian(),
            "warmup" => self.render_warmup(),
            _ => Err(unknown("view", view)),
        }
    }

    /// One read-out as JSON: `status` (the status line's numbers), `probe` (the probed
    /// point's path, or `null`), `dimension-cost` (MAF and IAF measured as `D` grows, with
    /// what it claims) or
    /// `model` (`order` of the chosen layer, the learned `base`'s caption, the
    /// composition's `aspect`) or `limits` (the largest file each decoder takes, checked
    /// before the file is read into the page).
    pub fn read(&self, what: &str) -> Result<String, JsError> {
        match what {
            "status" => Ok(self.status_json()),
            "probe" => Ok(self.probe_json()),
            "dimension-cost" => Ok(self.dimension_cost_json()),
            "model" => Ok(json!({
                "order": self.layer_order(),
                "base": self.base_text(),
                "aspect": self.composition_aspect(),
            })
            .to_string()),
            "limits" => Ok(json!({
                "csv_bytes": crate::data::csv_file::MAX_BYTES,
                "model_bytes": crate::session::model_file::MAX_FILE_BYTES,
            })
            .to_string()),
            _ => Err(unknown("read-out", what)),
        }
    }

    /// The trained flow as a Python file (or, `notebook`, a Jupyter notebook) that
    /// rebuilds it in NumPy and PyTorch and checks itself against this page's numbers;
    /// `link` is the page's address before the hash.
    pub fn python(&self, link: &str, notebook: bool) -> String {
        match notebook {
            true => self.lab.notebook(link),
            false => self.lab.python_script(link),
        }
    }

    /// One file's text: `model` (the model with its optimiser and history), `page-model`
    /// (with its history but not Adam's state, which only a training worker needs),
    /// `link-model` (the model alone, what a link carries), `page-head` (`page-model`
    /// without the parameters, which go apart: `model_parameters`), `points` (the user's points as
    /// CSV) or `samples` (the model samples on screen as CSV).
    pub fn export(&self, kind: &str) -> Result<String, JsError> {
        match kind {
            "model" => Ok(self.model_json(true, true)),
            "page-model" => Ok(self.model_json(false, true)),
            "link-model" => Ok(self.model_json(false, false)),
            "page-head" => Ok(self.lab.model_head()),
            "points" => Ok(self.points_csv()),
            "samples" => Ok(self.samples_csv()),
            _ => Err(unknown("file", kind)),
        }
    }
}
