//! The `#[wasm_bindgen]` shell: an opaque `App` handle owning a [`Lab`], the canvases it
//! draws on, and errors turned into messages for the page. JavaScript owns the animation
//! loop and calls `train`, `grid_work` and the `render_*` methods.

use crate::bench::time_engine;
use crate::draw::{charts, heatmap, masks};
use crate::grid::{Density, Grid, Window};
use crate::lab::{Lab, Progress};
use crate::settings::Change;
use crate::settings::Settings;
use crate::target::Target;
use crate::train::{target_log_normaliser, Objective};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// Resolution of the target-density picture shown for reverse KL.
const TARGET_RES: usize = 128;

fn document() -> Result<web_sys::Document, JsError> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsError::new("no document"))
}

fn canvas(id: &str) -> Result<HtmlCanvasElement, JsError> {
    document()?
        .get_element_by_id(id)
        .ok_or_else(|| JsError::new(&format!("no element #{id}")))?
        .dyn_into::<HtmlCanvasElement>()
        .map_err(|_| JsError::new(&format!("#{id} is not a canvas")))
}

fn context(c: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsError> {
    c.get_context("2d")
        .map_err(|_| JsError::new("no 2d context"))?
        .ok_or_else(|| JsError::new("no 2d context"))?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(|_| JsError::new("no 2d context"))
}

fn backend(c: HtmlCanvasElement) -> Result<CanvasBackend, JsError> {
    CanvasBackend::with_canvas_object(c).ok_or_else(|| JsError::new("no canvas backend"))
}

fn js(e: String) -> JsError {
    JsError::new(&e)
}

/// Milliseconds from `performance.now()` of the global scope (a window or a worker), or
/// `Date.now()` where there is none: a clock that stood still would never end a slice.
fn now() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()
        .filter(|p| p.is_object())
        .map_or_else(js_sys::Date::now, |p| {
            p.unchecked_into::<web_sys::Performance>().now()
        })
}

/// Shows panics in the page's banner as well as the console.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if let Ok(doc) = document() {
            if let Some(el) = doc.get_element_by_id("panic-message") {
                el.set_text_content(Some(&info.to_string()));
            }
            if let Some(el) = doc.get_element_by_id("panic") {
                let _ = el.remove_attribute("hidden");
            }
        }
    }));
}

/// Puts `rgba` (`res x res`) into an offscreen canvas and draws it scaled into `rect`.
fn draw_image(
    target: &HtmlCanvasElement,
    rgba: &[u8],
    res: usize,
    rect: &charts::PixelRect,
) -> Result<(), JsError> {
    let off = document()?
        .create_element("canvas")
        .map_err(|_| JsError::new("no canvas"))?;
    let off: HtmlCanvasElement = off.dyn_into().map_err(|_| JsError::new("no canvas"))?;
    off.set_width(res as u32);
    off.set_height(res as u32);
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), res as u32, res as u32)
        .map_err(|_| JsError::new("bad image data"))?;
    context(&off)?
        .put_image_data(&image, 0, 0)
        .map_err(|_| JsError::new("putImageData failed"))?;
    let ctx = context(target)?;
    ctx.set_image_smoothing_enabled(true);
    let (xs, ys) = rect;
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
        &off,
        xs.start as f64,
        ys.start as f64,
        (xs.end - xs.start) as f64,
        (ys.end - ys.start) as f64,
    )
    .map_err(|_| JsError::new("drawImage failed"))
}

/// The playground behind the page.
#[wasm_bindgen]
pub struct App {
    lab: Lab,
    notes: Vec<String>,
    target_image: Option<(Target, Vec<u8>)>,
    heatmap_rect: std::cell::Cell<[i32; 4]>,
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

    /// Sets one setting: `"rebuild"`, `"live"` or `"view"`, or an error with the reason.
    pub fn set(&mut self, key: &str, value: &str) -> Result<String, JsError> {
        let change = self
            .lab
            .set(key, value)
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(match change {
            Change::Rebuild => "rebuild",
            Change::Live => "live",
            Change::View => "view",
        }
        .into())
    }

    /// Trains for about `budget_ms`; returns the number of steps.
    pub fn train(&mut self, budget_ms: f64) -> usize {
        self.lab.train(budget_ms, &mut now)
    }

    /// One training step.
    pub fn step(&mut self) {
        self.lab.step_once();
    }

    /// A fresh initialisation with the same settings.
    pub fn reset(&mut self) {
        self.lab.reset();
    }

    /// New display draws.
    pub fn resample(&mut self) {
        self.lab.resample();
    }

    /// Works on the `res x res` density grid for about `budget_ms`; true when a new one is done.
    pub fn grid_work(&mut self, res: usize, budget_ms: f64) -> bool {
        self.lab.grid_work(res, budget_ms, &mut now)
    }

    /// The heatmap bytes of the last complete grid (for tests and export).
    pub fn heatmap_rgba(&self) -> Vec<u8> {
        self.lab.density().map(heatmap::rgba).unwrap_or_default()
    }

    /// Where the last heatmap was drawn on its canvas: `[x0, x1, y0, y1]` in pixels.
    pub fn heatmap_rect(&self) -> Vec<i32> {
        self.heatmap_rect.get().to_vec()
    }

    /// Evaluates the density grid at `res x res` at once and returns its `log p` (for tests).
    pub fn density_now(&mut self, res: usize) -> Vec<f32> {
        self.lab.density_now(res).log_p.clone()
    }

    /// Draws the density panel (axes, heatmap, optional data points) on `#heatmap`.
    pub fn render_heatmap(&self) -> Result<(), JsError> {
        let Some(density) = self.lab.density() else {
            return Ok(());
        };
        let c = canvas("heatmap")?;
        let window = Window::default();
        let root = backend(c.clone())?.into_drawing_area();
        let rect = charts::axes(&root, window, "").map_err(js)?;
        draw_image(&c, &heatmap::rgba(density), density.grid.nx, &rect)?;
        self.heatmap_rect
            .set([rect.0.start, rect.0.end, rect.1.start, rect.1.end]);
        if self.lab.settings().overlay && !self.lab.data_flat().is_empty() {
            let points = self.lab.data_flat();
            charts::overlay(&root, window, "", points, WHITE.mix(0.7), 1).map_err(js)?;
        }
        Ok(())
    }

    /// Draws model samples and data (or the target density) side by side.
    pub fn render_samples(&mut self) -> Result<(), JsError> {
        let window = Window::default();
        let model = backend(canvas("samples-model")?)?.into_drawing_area();
        charts::scatter(&model, window, "model: x = T(z)", &self.lab.samples(), true)
            .map_err(js)?;
        match self.lab.settings().objective() {
            Objective::ForwardKl(d) => {
                let data = backend(canvas("samples-data")?)?.into_drawing_area();
                let caption = format!("data: {}", d.name());
                charts::scatter(&data, window, &caption, self.lab.data_flat(), false)
                    .map_err(js)?;
            }
            Objective::ReverseKl(t) => {
                let c = canvas("samples-data")?;
                let root = backend(c.clone())?.into_drawing_area();
                let caption = format!("target: exp(-{})", t.name().to_uppercase());
                let rect = charts::axes(&root, window, &caption).map_err(js)?;
                draw_image(&c, &self.target_rgba(t), TARGET_RES, &rect)?;
            }
        }
        Ok(())
    }

    fn target_rgba(&mut self, t: Target) -> Vec<u8> {
        match &self.target_image {
            Some((cached, bytes)) if *cached == t => bytes.clone(),
            _ => {
                let grid = Grid {
                    window: Window::default(),
                    nx: TARGET_RES,
                    ny: TARGET_RES,
                };
                // The trainer computed ln Z for its target already; the same grid again otherwise.
                let log_z = self
                    .lab
                    .trainer()
                    .target_log_z()
                    .unwrap_or_else(|| target_log_normaliser(t)) as f32;
                let log_p = t
                    .log_unnormalised(&grid.points())
                    .iter()
                    .map(|v| v - log_z)
                    .collect();
                let bytes = heatmap::rgba(&Density::new(grid, log_p));
                self.target_image = Some((t, bytes.clone()));
                bytes
            }
        }
    }

    /// Draws the loss chart on `#loss`.
    pub fn render_loss(&self) -> Result<(), JsError> {
        let root = backend(canvas("loss")?)?.into_drawing_area();
        let status = self.lab.status();
        charts::loss(
            &root,
            &self.lab.trainer().history,
            status.floor,
            status.metric_name,
        )
        .map_err(js)
    }

    /// Draws the chosen layer's MADE on `#masks`.
    pub fn render_masks(&self) -> Result<(), JsError> {
        let root = backend(canvas("masks")?)?.into_drawing_area();
        let (degrees, m) = self.lab.layer_masks();
        masks::draw(&root, &degrees, &m).map_err(js)
    }

    /// Draws the explorer's MADE on `#explorer`.
    pub fn render_explorer(&self) -> Result<(), JsError> {
        let root = backend(canvas("explorer")?)?.into_drawing_area();
        let (degrees, m) = self
            .lab
            .explorer_masks()
            .map_err(|e| JsError::new(&e.to_string()))?;
        masks::draw(&root, &degrees, &m).map_err(js)
    }

    /// Draws the composition's small multiples on `#composition`.
    pub fn render_composition(&self) -> Result<(), JsError> {
        let root = backend(canvas("composition")?)?.into_drawing_area();
        charts::composition(&root, Window::default(), &self.lab.trace()).map_err(js)
    }

    /// The order of the chosen layer as text, e.g. `x2, x1`.
    pub fn layer_order(&self) -> String {
        let (degrees, _) = self.lab.layer_masks();
        let mut inputs: Vec<(usize, usize)> = degrees[0]
            .iter()
            .enumerate()
            .map(|(i, &m)| (m, i))
            .collect();
        inputs.sort();
        inputs
            .iter()
            .map(|(_, i)| format!("x{}", i + 1))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The status line's numbers as JSON.
    pub fn status_json(&self) -> String {
        let s = self.lab.status();
        let fields = [
            ("step", s.progress.step.to_string()),
            ("steps_per_second", num(Some(s.progress.steps_per_second))),
            ("metric", num(s.progress.metric)),
            ("metric_name", text(s.metric_name)),
            ("ess", num(s.progress.ess)),
            ("floor", num(s.floor)),
            ("grid_mass", num(s.grid_mass)),
            ("non_finite", s.non_finite.to_string()),
            ("passes_density", s.passes.0.to_string()),
            ("passes_sample", s.passes.1.to_string()),
            (
                "event",
                s.progress.event.as_deref().map_or("null".into(), text),
            ),
        ];
        object(&fields)
    }

    /// Every parameter of the flow (sent from the training worker to the page).
    pub fn parameters(&self) -> Vec<f32> {
        self.lab.trainer().flow.parameters()
    }

    /// `[loss entries, test entries]` in the history so far.
    pub fn history_len(&self) -> Vec<usize> {
        let h = &self.lab.trainer().history;
        vec![h.loss.len(), h.test.len()]
    }

    /// Progress and the history entries from these indices on, packed as numbers for the
    /// worker-to-page message: `[step, steps/s, metric, ess, n, (step, loss) x n, m,
    /// (step, test) x m]`, NaN for a missing metric or ESS.
    pub fn progress(&self, loss_from: usize, test_from: usize) -> Vec<f64> {
        let h = &self.lab.trainer().history;
        let p = self.lab.progress();
        let mut out = vec![
            p.step as f64,
            p.steps_per_second,
            p.metric.unwrap_or(f64::NAN),
            p.ess.unwrap_or(f64::NAN),
        ];
        for series in [h.loss.get(loss_from..), h.test.get(test_from..)] {
            let series = series.unwrap_or_default();
            out.push(series.len() as f64);
            out.extend(series.iter().flat_map(|&(s, v)| [s as f64, v]));
        }
        out
    }

    /// The last rollback in words, or an empty string.
    pub fn event(&self) -> String {
        self.lab.progress().event.clone().unwrap_or_default()
    }

    /// Takes over the worker's parameters, its [`App::progress`] and its [`App::event`].
    pub fn absorb(
        &mut self,
        params: Vec<f32>,
        progress: Vec<f64>,
        event: String,
    ) -> Result<(), JsError> {
        let bad = || JsError::new("malformed progress message");
        let mut it = progress.into_iter();
        let mut next = || it.next().ok_or_else(bad);
        let (step, sps, metric, ess) = (next()?, next()?, next()?, next()?);
        let mut series = [Vec::new(), Vec::new()];
        for s in &mut series {
            let n = next()? as usize;
            for _ in 0..n {
                s.push((next()? as u64, next()?));
            }
        }
        let p = Progress {
            step: step as u64,
            steps_per_second: sps,
            metric: Some(metric).filter(|m| m.is_finite()),
            ess: Some(ess).filter(|e| e.is_finite()),
            event: Some(event).filter(|e| !e.is_empty()),
        };
        self.lab
            .absorb(&params, &series[0], &series[1], p)
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// Shows a density grid computed by the GPU backend (`res x res`, row 0 at the top).
    pub fn take_density(&mut self, res: usize, log_p: Vec<f32>) -> Result<(), JsError> {
        self.lab
            .take_density(res, log_p)
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

    /// Panics on purpose: the end-to-end test uses it to check the banner and the reset.
    pub fn simulate_panic(&self) {
        panic!("simulated panic (end-to-end test of the banner)");
    }
}

/// What the GPU backend reads (not exported to JavaScript).
impl App {
    /// The flow as it is now.
    pub(crate) fn flow(&self) -> &crate::flow::Flow {
        &self.lab.trainer().flow
    }

    /// The fixed latent draws behind the samples panel, `n x 2`.
    pub(crate) fn display_latent(&self) -> Vec<f32> {
        self.lab.display_latent().to_vec()
    }
}

/// Times the engine in this browser: standard config unless the hash says otherwise
/// (same keys as the page). JSON: for MAF and IAF, steps/s, grid and sampling times with
/// the fast kernels and with dfdx's, from the same initial parameters.
#[wasm_bindgen]
pub fn bench(hash: &str, steps: usize) -> String {
    let (base, _) = Settings::from_hash(hash);
    let mut fields = Vec::new();
    for flow in ["maf", "iaf"] {
        let mut s = base.clone();
        s.set("flow", flow).expect("a valid flow name");
        let timings = match time_engine(&s.flow_config(), s.train_config(), steps, &mut now) {
            Ok(t) => t,
            Err(e) => return object(&[("error", text(&e.to_string()))]),
        };
        let rows: Vec<String> = timings
            .iter()
            .map(|t| {
                object(&[
                    ("kernels", text(&format!("{:?}", t.kernels).to_lowercase())),
                    ("steps_per_second", num(Some(t.steps_per_second))),
                    ("grid_256_ms", num(Some(t.grid_256_ms))),
                    ("sample_10k_ms", num(Some(t.sample_10k_ms))),
                ])
            })
            .collect();
        fields.push((flow, format!("[{}]", rows.join(","))));
    }
    fields.push(("config", text(&base.to_hash())));
    object(&fields)
}

/// A JSON number, `null` for none or non-finite (JSON has no NaN).
fn num(v: Option<f64>) -> String {
    v.filter(|v| v.is_finite())
        .map_or("null".into(), |v| v.to_string())
}

/// A JSON string (the texts here have no control characters).
fn text(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A JSON object from already-encoded values. Small JSON by hand keeps serde_json (and
/// its float formatting) out of the page's wasm.
fn object(fields: &[(&str, String)]) -> String {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", text(k)))
        .collect();
    format!("{{{}}}", body.join(","))
}
