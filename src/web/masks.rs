//! The MADE panels: the chosen layer's MADE and the explorer's, as a diagram or as
//! matrices (the view setting; `auto`: matrices when a layer is too wide for the diagram),
//! and picking a coordinate on the matrices to light up its paths.

use super::dom::canvases::{EXPLORER, MASKS};
use super::dom::{backend, canvas, device_ratio, js, scale};
use super::App;
use crate::draw::area;
use crate::draw::mask_matrix::{matrices, Zone};
use crate::draw::masks::{self, SHOWN_UNITS};
use crate::flow::masks::Mask;
use crate::session::settings::MaskView;
use wasm_bindgen::prelude::*;

/// The two MADE canvases, in the order of [`App::mask_zones`].
const CANVASES: [&str; 2] = [MASKS, EXPLORER];

impl App {
    /// Draws a MADE on canvas `CANVASES[k]` in the chosen view, keeping its pick zones.
    fn draw_made(&self, k: usize, degrees: &[Vec<usize>], m: &[Mask]) -> Result<(), JsError> {
        let root = area(backend(canvas(CANVASES[k])?)?);
        let wide = degrees.iter().skip(1).any(|l| l.len() > SHOWN_UNITS);
        let matrix = match self.lab.settings().mask_view {
            MaskView::Auto => wide,
            MaskView::Diagram => false,
            MaskView::Matrix => true,
        };
        let zones = if matrix {
            let pick = self.mask_pick.get().filter(|p| p.0 == k).map(|p| p.1);
            matrices(&root, degrees, m, pick).map_err(js)?
        } else {
            masks::draw(&root, degrees, m).map_err(js)?;
            Vec::new()
        };
        self.mask_zones.borrow_mut()[k] = zones;
        Ok(())
    }
}

#[wasm_bindgen]
impl App {
    /// Draws the chosen layer's MADE on `#masks`.
    pub(super) fn render_masks(&self) -> Result<(), JsError> {
        let (degrees, m) = self.lab.layer_masks();
        self.draw_made(0, &degrees, &m)
    }

    /// Draws the explorer's MADE on `#explorer`.
    pub(super) fn render_explorer(&self) -> Result<(), JsError> {
        let (degrees, m) = self
            .lab
            .explorer_masks()
            .map_err(|e| JsError::new(&e.to_string()))?;
        self.draw_made(1, &degrees, &m)
    }

    /// What the unit under `(x, y)` (CSS pixels in canvas `id`) is, for a tooltip where its
    /// degree has no room for a label: `hidden layer 2: m(k) = 3 (it may see x_1..x_3)`,
    /// or an empty string off the matrices.
    pub fn mask_unit_at(&self, id: &str, x: f64, y: f64) -> String {
        let Some(k) = CANVASES.iter().position(|c| *c == id) else {
            return String::new();
        };
        let unit = canvas(id).map_or(1.0, |c| device_ratio(&c) / scale(&c));
        let (x, y) = (x * unit, y * unit);
        self.mask_zones.borrow()[k]
            .iter()
            .find_map(|z: &Zone| {
                let m = z.degrees[z.row_at(x, y)?];
                let below = if z.what.ends_with("(product)") {
                    "inputs"
                } else {
                    "hidden units"
                };
                Some(if z.rows.is_empty() {
                    format!(
                        "{}: m(k) = {m}, so it may see the inputs of degree 1 to {m}",
                        z.what
                    )
                } else {
                    format!(
                        "{}: an output of degree m(x) = {m}, so it sees the {below} of degree \
                         below {m}",
                        z.what
                    )
                })
            })
            .unwrap_or_default()
    }

    /// Picks the coordinate under `(x, y)` (CSS pixels in canvas `id`) on its matrices, to
    /// light up its paths: the coordinate, or -1 where there is none (the pick is cleared).
    pub fn pick_mask(&self, id: &str, x: f64, y: f64) -> i32 {
        let Some(k) = CANVASES.iter().position(|c| *c == id) else {
            return -1;
        };
        // CSS pixels to the charts' layout units.
        let unit = canvas(id).map_or(1.0, |c| device_ratio(&c) / scale(&c));
        let (x, y) = (x * unit, y * unit);
        let hit = self.mask_zones.borrow()[k]
            .iter()
            .find_map(|z: &Zone| z.rows.get(z.row_at(x, y)?).copied());
        self.mask_pick.set(hit.map(|c| (k, c)));
        hit.map_or(-1, |c| c as i32)
    }
}
