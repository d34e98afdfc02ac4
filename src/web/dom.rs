//! The browser's document, canvases and clock, and the panic banner: the DOM helpers the
//! shell's other files share.

use crate::draw::charts;
use crate::draw::scaled::Scaled;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// The page's document.
pub fn document() -> Result<web_sys::Document, JsError> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsError::new("no document"))
}

/// Every canvas the shell draws on, by its element id in `index.html` (the one table of
/// them: each panel's render call names its canvas here).
pub mod canvases {
    pub const HEATMAP: &str = "heatmap";
    pub const SAMPLES_MODEL: &str = "samples-model";
    pub const SAMPLES_DATA: &str = "samples-data";
    pub const LOSS: &str = "loss";
    pub const CONDITIONAL: &str = "conditional";
    pub const LATENT: &str = "latent";
    pub const COMPOSITION: &str = "composition";
    pub const TRANSFORM_MAP: &str = "transform-map";
    pub const COMPARE_MAPS: &str = "compare-maps";
    pub const COMPARE_CHART: &str = "compare-chart";
    pub const MASKS: &str = "masks";
    pub const EXPLORER: &str = "explorer";
    pub const DIMENSION_COST: &str = "dimension-cost";
    pub const SEQUENCE: &str = "sequence";
    pub const JACOBIAN: &str = "jacobian";
    pub const WARMUP: &str = "warmup";
}

/// The canvas with this id.
pub fn canvas(id: &str) -> Result<HtmlCanvasElement, JsError> {
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

/// plotters on a canvas, in CSS pixels: the backing store has `scale` device pixels per CSS
/// pixel (the page sizes it to CSS size x device pixel ratio, `www/canvas-size.js`).
pub fn backend(c: HtmlCanvasElement) -> Result<Scaled<CanvasBackend>, JsError> {
    let k = scale(&c);
    CanvasBackend::with_canvas_object(c)
        .map(|b| Scaled::new(b, k))
        .ok_or_else(|| JsError::new("no canvas backend"))
}

/// Device pixels per CSS pixel of `c`'s backing store: its width over its laid-out width,
/// or the device pixel ratio while it is not laid out (hidden).
pub fn device_ratio(c: &HtmlCanvasElement) -> f64 {
    match c.client_width() {
        w if w > 0 => c.width() as f64 / w as f64,
        _ => web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()),
    }
}

/// The largest zoom of a chart's layout unit: past it a chart's frame (whose CSS size the
/// page's columns fix) has too few units left for its axes and legend; its text is then
/// already 1.6 times its 14 px.
pub const MAX_CHART_ZOOM: f64 = 1.6;

/// Device pixels per layout unit of a chart on `c`: [`device_ratio`], times the
/// presentation's size in a presentation (`<body class="present" data-scale="1.4">`, from
/// the `pscale` setting; at most [`MAX_CHART_ZOOM`]): a chart's layout unit is then that
/// many CSS pixels, so its text grows with the page's.
pub fn scale(c: &HtmlCanvasElement) -> f64 {
    let zoom = document()
        .ok()
        .and_then(|d| d.body())
        .filter(|b| b.class_list().contains("present"))
        .and_then(|b| b.get_attribute("data-scale"))
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|z| crate::session::settings::PRESENT_SCALES.contains(z))
        .map_or(1.0, |z| z.min(MAX_CHART_ZOOM));
    device_ratio(c) * zoom
}

/// A drawing error as a JavaScript error.
pub fn js(e: String) -> JsError {
    JsError::new(&e)
}

/// Milliseconds from `performance.now()` of the global scope (a window or a worker), or
/// `Date.now()` where there is none: a clock that stood still would never end a slice.
pub fn now() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()
        .filter(|p| p.is_object())
        .map_or_else(js_sys::Date::now, |p| {
            p.unchecked_into::<web_sys::Performance>().now()
        })
}

/// Shows panics in the page's banner as well as the console.
pub fn install_panic_hook() {
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

/// `rect` in CSS pixels (a chart's) as device pixels of `c`'s backing store.
pub fn device_rect(c: &HtmlCanvasElement, rect: &charts::PixelRect) -> charts::PixelRect {
    let k = scale(c);
    let d = |v: i32| (v as f64 * k).round() as i32;
    (
        d(rect.0.start)..d(rect.0.end),
        d(rect.1.start)..d(rect.1.end),
    )
}

/// Puts `rgba` (`res x res`) into an offscreen canvas and draws it scaled into `rect` (CSS
/// pixels, like the chart it belongs to).
pub fn draw_image(
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
    let (xs, ys) = device_rect(target, rect);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
        &off,
        xs.start as f64,
        ys.start as f64,
        (xs.end - xs.start) as f64,
        (ys.end - ys.start) as f64,
    )
    .map_err(|_| JsError::new("drawImage failed"))
}
