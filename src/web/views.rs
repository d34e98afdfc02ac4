//! The mechanism views in the page: the probed point (its path as JSON for the probe
//! table, drawn over the heatmap and the composition), the slice line and its panel, the
//! latent and uniform panel, and the composition with its warped grid.

use super::dom::canvases::{COMPOSITION, CONDITIONAL, LATENT, TRANSFORM_MAP};
use super::dom::{backend, canvas, draw_image, js};
use super::json::floats;
use super::App;
use crate::draw::composition::{composition, frames, Stage};
use crate::draw::heatmap::rgba;
use crate::draw::{area, coordinate_map as draw_map, views};
use crate::numeric::grid::Window;
use crate::session::views::Mapped;
use crate::views::coordinate_map::coordinate_map;
use crate::views::probe::Probe;
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

/// The probe's fields as JSON (the App adds the map's cell and the step).
fn probe_fields(p: &Probe) -> Map<String, Value> {
    let steps: Vec<Value> = p
        .steps
        .iter()
        .map(|s| {
            let passes: Vec<Vec<f64>> = s.passes.iter().map(|v| floats(v)).collect();
            json!({
                "layer": s.layer,
                "order": s.order,
                "input": floats(&s.input),
                "output": floats(&s.output),
                "jacobian": s.jacobian,
                "zeros": s.zeros,
                "log_det": s.log_det,
                "passes": passes,
            })
        })
        .collect();
    let fields = json!({
        "x": floats(&p.x),
        "steps": steps,
        "z": floats(&p.z),
        "log_normal": p.log_normal,
        "log_det": p.log_det,
        "log_p": p.log_p,
    });
    match fields {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object"),
    }
}

#[wasm_bindgen]
impl App {
    /// Probes the point `(x1, x2)`; the heatmap, the composition and `read("probe")`
    /// follow it.
    pub fn set_probe(&self, x1: f32, x2: f32) {
        self.probe.set(Some([x1, x2]));
    }

    /// The probed point's path as JSON (`x`, `steps` from `T_K^-1` on with each layer's
    /// `input`, `output`, `jacobian` row-major, forced `zeros`, `log_det`, `passes`; `z`,
    /// `log_normal` (the base's log-density), `log_det`, `log_p`), the density map's cell
    /// holding it (`map`: `centre`, `value`, or null), the `step` and whether the base is
    /// learned (`learned_base`); `null` when nothing is probed.
    pub(super) fn probe_json(&self) -> String {
        let Some(x) = self.probe.get() else {
            return "null".into();
        };
        let map = self
            .lab
            .map_value(x)
            .map(|(c, v)| json!({ "centre": floats(&c), "value": f64::from(v) }));
        let mut fields = probe_fields(&self.probed(x));
        fields.insert("map".into(), json!(map));
        fields.insert("step".into(), json!(self.lab.status().progress.step));
        fields.insert(
            "learned_base".into(),
            json!(self.lab.trainer().flow.base.is_some()),
        );
        Value::Object(fields).to_string()
    }

    /// Moves the slice line to `x_a = c`.
    pub fn set_slice(&self, c: f32) {
        self.slice_at.set(c.clamp(-4.0, 4.0));
    }

    /// The slice line: `[axis, c]` (axis 0 = `x1`).
    pub fn slice_line(&self) -> Vec<f32> {
        vec![self.lab.slice_axis() as f32, self.slice_at.get()]
    }

    /// The probe of `x` with the current parameters, computed once per version and point.
    fn probed(&self, x: [f32; 2]) -> Probe {
        let version = self.lab.version();
        let mut cache = self.probe_cache.borrow_mut();
        match &*cache {
            Some((v, at, p)) if *v == version && *at == x => p.clone(),
            _ => {
                let p = self.lab.probe(x);
                *cache = Some((version, x, p.clone()));
                p
            }
        }
    }

    /// The probe's path from `x` to `z`, for the marks on the heatmap.
    pub(super) fn probe_path(&self) -> Vec<[f32; 2]> {
        let Some(x) = self.probe.get() else {
            return Vec::new();
        };
        let p = self.probed(x);
        let mut path = vec![x];
        path.extend(p.steps.iter().map(|s| [s.output[0], s.output[1]]));
        path
    }

    /// Draws the slice panel on `#conditional`.
    pub(super) fn render_slice(&mut self) -> Result<(), JsError> {
        let root = area(backend(canvas(CONDITIONAL)?)?);
        let view = self.lab.slice(self.slice_at.get());
        views::slice(&root, &view).map_err(js)
    }

    /// Draws the latent and uniform panel on `#latent`; returns `{n, ks, ks_max,
    /// threshold}` for its caption.
    pub(super) fn render_latent(&self) -> Result<String, JsError> {
        if !self.lab.has_map() {
            return self.render_digit_latent();
        }
        let root = area(backend(canvas(LATENT)?)?);
        let view = self.lab.latent_view();
        let mapped = self.lab.latent_mapped();
        views::latent(&root, &view, mapped == Mapped::TargetDraws).map_err(js)?;
        Ok(json!({
            "n": view.x.len() / 2,
            "mapped": mapped.words(),
            "ks": view.ks,
            "ks_max": view.ks_max(),
            "threshold": view.ks_threshold(),
        })
        .to_string())
    }

    /// Draws the composition on `#composition`: the draws and the warped grid after each
    /// layer, the stage densities when asked for, the probed point at each stage.
    pub(super) fn render_composition(&self) -> Result<(), JsError> {
        let c = canvas(COMPOSITION)?;
        let root = area(backend(c.clone())?);
        let trace = self.lab.trace();
        let warped = self.lab.warped_grid();
        let densities = if self.lab.settings().stage_density {
            self.lab.stage_densities().unwrap_or_default()
        } else {
            Vec::new()
        };
        // The path runs x -> z; stage k is T_k o ... o T_1 (z), so it reads backwards.
        let path: Vec<[f32; 2]> = self.probe_path().into_iter().rev().collect();
        let stages: Vec<Stage> = trace
            .iter()
            .enumerate()
            .map(|(k, points)| Stage {
                points,
                lines: warped.as_ref().map_or(&[], |w| &w.stages[k]),
                probe: &path[..(k + 1).min(path.len())],
            })
            .collect();
        let per_line = warped.as_ref().map_or(2, |w| w.per_line);
        let base = match self.lab.trainer().flow.base {
            Some(_) => "z ~ N(μ, σ²)",
            None => "z ~ N(0, I)",
        };
        let window = Window::default();
        let rects = frames(&root, window, stages.len(), base).map_err(js)?;
        for (d, rect) in densities.iter().zip(&rects) {
            draw_image(&c, &rgba(d), d.grid.nx, rect)?;
        }
        let shaded = !densities.is_empty();
        composition(&root, window, (&stages, base), (per_line, shaded)).map_err(js)
    }

    /// The composition canvas's CSS aspect ratio (`width / height`) for this flow's stages.
    pub(super) fn composition_aspect(&self) -> String {
        let stages = self.lab.settings().layers + 1;
        format!("{} / 1", crate::draw::composition::aspect(stages))
    }

    /// The learnable base's numbers for the composition's caption (`Learned base: mu = ...,
    /// sigma = ...`), or an empty string for `N(0, I)`.
    pub(super) fn base_text(&self) -> String {
        let Some(base) = &self.lab.trainer().flow.base else {
            return String::new();
        };
        let (mu, ls) = base.values();
        let pair = |v: &[f32]| format!("({:.3}, {:.3})", v[0], v[1]);
        let sd: Vec<f32> = ls.iter().map(|l| l.exp()).collect();
        format!("Learned base: μ = {}, σ = {}", pair(&mu), pair(&sd))
    }

    /// Draws the transform panel on `#transform-map`: the map of the chosen layer and
    /// coordinate at the probed point (the origin when nothing is probed). Returns its
    /// numbers as JSON for the caption: `layer`, `from`, `to` (axis names), `given` (the
    /// conditioning coordinates' names and values), `point`, `log_slope`, `knots`,
    /// `probed`.
    pub(super) fn render_transform(&self) -> Result<String, JsError> {
        let root = area(backend(canvas(TRANSFORM_MAP)?)?);
        let x = self.probe.get();
        let probe = self.probed(x.unwrap_or([0.0, 0.0]));
        let settings = self.lab.settings();
        let flow = &self.lab.trainer().flow;
        let layer = settings.tlayer.min(flow.layers.len());
        let m = coordinate_map(flow, &probe, layer, settings.coord);
        draw_map::coordinate_map(&root, &m).map_err(js)?;
        let (from, to) = draw_map::axis_names(&m);
        let letter = &from[..1];
        let given: Vec<Value> = m
            .given
            .iter()
            .map(|&i| json!([format!("{letter}{}", i + 1), f64::from(m.at[i])]))
            .collect();
        Ok(json!({
            "layer": layer,
            "from": from,
            "to": to,
            "given": given,
            "point": floats(&m.point),
            "log_slope": f64::from(m.log_slope),
            "knots": m.knots.len(),
            "probed": x.is_some(),
        })
        .to_string())
    }
}
