//! The digits' panels on the page: the data and model images in the samples panel, the
//! held-out images in latent space in the latent panel, the Jacobians at an image in the
//! probe panel, and the sequential view (one
//! sample and one density, MADE pass by MADE pass), which the page animates by asking for
//! one pass count after another.

use super::dom::canvases::{JACOBIAN, LATENT, SAMPLES_DATA, SAMPLES_MODEL, SEQUENCE};
use super::dom::{backend, canvas, js};
use super::App;
use crate::data::digits::{from_logit, DIM};
use crate::draw::{area, digits, jacobian};
use serde_json::json;
use wasm_bindgen::prelude::*;

/// Images of `z` the latent panel shows.
const LATENT_IMAGES: usize = 9;

impl App {
    /// The samples panel of the digits: the model's images (the last complete set, see
    /// `grid_work`) beside held-out images.
    pub(super) fn render_digit_samples(&self) -> Result<(), JsError> {
        let model: Vec<f32> = self
            .lab
            .model_images()
            .unwrap_or_default()
            .iter()
            .map(|&x| from_logit(f64::from(x)) as f32)
            .collect();
        let caption = "model: x = T(z)";
        let root = area(backend(canvas(SAMPLES_MODEL)?)?);
        let wait = "computing the model's images…";
        digits::image_grid(&root, caption, &model, wait, true).map_err(js)?;
        let root = area(backend(canvas(SAMPLES_DATA)?)?);
        let data = self.lab.data_flat();
        digits::image_grid(&root, "data: held-out images", data, "", false).map_err(js)
    }

    /// The latent panel of the digits; its caption's numbers as JSON.
    pub(super) fn render_digit_latent(&self) -> Result<String, JsError> {
        let view = self.lab.latent_view();
        let root = area(backend(canvas(LATENT)?)?);
        digits::latent(&root, &view, LATENT_IMAGES).map_err(js)?;
        Ok(json!({
            "n": view.x.len() / DIM,
            "mapped": self.lab.latent_mapped().words(),
            "ks": view.ks,
            "ks_max": view.ks_max(),
            "threshold": view.ks_threshold(),
        })
        .to_string())
    }

    /// Draws the digits' probe: each layer's Jacobian at the chosen data image shown;
    /// its numbers as JSON (`null` while there is no such image).
    pub(super) fn render_jacobian(&self) -> Result<String, JsError> {
        let i = self.jacobian_image.get();
        let Some((x, shift)) = self.lab.shown_image(i) else {
            return Ok("null".into());
        };
        let probe = self.lab.trainer().flow.probe(&x);
        let root = area(backend(canvas(JACOBIAN)?)?);
        jacobian::jacobians(&root, &probe).map_err(js)?;
        let layers: Vec<_> = probe
            .steps
            .iter()
            .map(|s| json!({ "layer": s.layer, "log_det": s.log_det }))
            .collect();
        Ok(json!({
            "image": i + 1,
            "step": self.lab.progress().step,
            "layers": layers,
            "log_normal": probe.log_normal,
            "log_det": probe.log_det,
            "log_p": probe.log_p,
            "pre_log_det": shift,
            "log_p_y": probe.log_p + shift,
        })
        .to_string())
    }

    /// Draws the sequential view after the pass count last asked for.
    pub(super) fn render_sequence(&self) -> Result<(), JsError> {
        let root = area(backend(canvas(SEQUENCE)?)?);
        let paths = self.sequence.borrow();
        match paths.as_ref() {
            Some(p) => digits::sequence(&root, p, self.sequence_at.get()).map_err(js),
            None => Ok(()),
        }
    }
}

#[wasm_bindgen]
impl App {
    /// Starts the sequential view from the current parameters: computes the two paths and
    /// returns their MADE passes, `[sample, density]` (empty for a 2-D flow).
    pub fn sequence_start(&mut self) -> Vec<u32> {
        let paths = self.lab.sequences();
        let passes = paths
            .as_ref()
            .map(|p| p.iter().map(|p| p.passes() as u32).collect())
            .unwrap_or_default();
        *self.sequence.borrow_mut() = paths;
        self.sequence_at.set(0);
        passes
    }

    /// Shows the sequential view after `t` MADE passes of each side.
    pub fn sequence_show(&mut self, t: usize) -> Result<(), JsError> {
        self.sequence_at.set(t);
        self.render_sequence()
    }

    /// The data image shown (1-based) whose Jacobians the digits' probe draws.
    pub fn set_jacobian_image(&mut self, image: usize) {
        self.jacobian_image.set(image.saturating_sub(1));
    }

    /// Goes back to the model with the lowest test metric so far: its step, or -1 when the
    /// model is already the best (the training worker does this, and sends the model).
    pub fn restore_best(&mut self) -> f64 {
        self.lab.restore_best().map_or(-1.0, |s| s as f64)
    }
}
