//! The one-dimensional warm-up in the page: its state lives in the page's App (like the
//! probe, not in the hash), `warmup_set` changes it, `render("warmup")` draws it and
//! returns the numbers and where each chart lies (`www/warmup.js` turns pointers into `z`
//! and `x` with them).

use super::dom::canvases::WARMUP;
use super::dom::{backend, canvas, js};
use super::App;
use crate::draw::{area, warmup as chart};
use crate::views::warmup::{Warmup, BINS, LOG_SCALES, SHIFTS, VIEW, WIDTHS};
use serde_json::json;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl App {
    /// Changes the warm-up: `s` (log-scale), `t` (shift), `width` (the interval's, in `z`)
    /// and `at` (the point `z0`) each clamped to its range; `x` moves the point to
    /// `f^-1(x)`; `knot1` to `knot3` drag that knot to `f(z_k) = value`; `straighten`
    /// puts the knots back on the diagonal, `reset` everything as it was at the start. A
    /// value that is not a number changes nothing.
    pub fn warmup_set(&mut self, key: &str, value: f64) -> Result<(), JsError> {
        let w = &mut self.warmup;
        let v = value as f32;
        let (s, t, at, width) = (w.log_scale, w.shift, w.at, w.width);
        match key {
            "s" => w.set(v, t, at, width),
            "t" => w.set(s, v, at, width),
            "width" => w.set(s, t, at, v),
            "at" => w.set(s, t, v, width),
            "x" if value.is_finite() => {
                let z = w.inverse(&[value])[0].0 as f32;
                w.set(s, t, z, width);
            }
            "x" => {}
            "straighten" => w.straighten(),
            "reset" => *w = Warmup::default(),
            _ => match key
                .strip_prefix("knot")
                .and_then(|k| k.parse::<usize>().ok())
            {
                Some(k) if (1..BINS).contains(&k) => w.drag_knot(k, v),
                _ => return Err(JsError::new(&format!("the warm-up has no '{key}'"))),
            },
        }
        Ok(())
    }
}

impl App {
    /// Draws the warm-up; returns its numbers as JSON: `reading` (the point, its density,
    /// `dx/dz`, the interval and its image, the probability both hold), `in_view` (the
    /// share of `p_X` in the view), the controls' values and ranges, the draggable `knots`
    /// (`[z, x]`, interior ones) and `frames` (each chart's plot in CSS pixels, `left`,
    /// `right`, `top`, `bottom`, with the values at its edges `x0`, `x1`, `y0`, `y1`).
    pub(super) fn render_warmup(&self) -> Result<String, JsError> {
        let root = area(backend(canvas(WARMUP)?)?);
        let frames = chart::warmup(&root, &self.warmup).map_err(js)?;
        let w = &self.warmup;
        let r = w.reading();
        let frames: Vec<_> = frames
            .iter()
            .map(|f| {
                json!({
                    "left": f.pixels.0.start, "right": f.pixels.0.end,
                    "top": f.pixels.1.start, "bottom": f.pixels.1.end,
                    "x0": f.x.start, "x1": f.x.end, "y0": f.y.start, "y1": f.y.end,
                })
            })
            .collect();
        let points = w.knot_points();
        let range = |r: &std::ops::RangeInclusive<f32>| [*r.start(), *r.end()];
        Ok(json!({
            "reading": {
                "z": r.z, "p_z": r.p_z, "x": r.x, "slope": r.slope, "p_x": r.p_x,
                "z_interval": r.z_interval, "x_interval": r.x_interval, "mass": r.mass,
            },
            "in_view": w.mass_in_view(),
            "view": VIEW,
            "s": w.log_scale, "t": w.shift, "width": w.width,
            "ranges": { "s": range(&LOG_SCALES), "t": range(&SHIFTS), "width": range(&WIDTHS) },
            "knots": &points[1..BINS],
            "frames": frames,
        })
        .to_string())
    }
}
