//! The panels: each `render_*` draws one canvas from the session (plotters on the canvas,
//! heatmaps through `ImageData`).

use super::dom::canvases::{HEATMAP, LOSS, SAMPLES_DATA, SAMPLES_MODEL};
use super::dom::{backend, canvas, device_rect, draw_image, js};
use super::App;
use crate::data::target::Target;
use crate::draw::charts::Dots;
use crate::draw::{area, charts, heatmap, ON_HEATMAP};
use crate::numeric::grid::{Density, Grid, Window};
use crate::train::objective::Objective;
use wasm_bindgen::prelude::*;

/// Resolution of the target-density picture shown for reverse KL.
const TARGET_RES: usize = 128;
/// Most of the user's points the density map and the data panel draw while drawing.
const SHOWN_POINTS: usize = 4000;

impl App {
    /// Draws the density panel (axes, heatmap, optional data points) on `#heatmap`; only
    /// the axes while a new flow has no grid yet.
    pub(super) fn render_heatmap(&self) -> Result<(), JsError> {
        let c = canvas(HEATMAP)?;
        let window = Window::default();
        let root = area(backend(c.clone())?);
        let (map, bar) = heatmap::split(&root);
        let rect = charts::axes(&map, window, "").map_err(js)?;
        let ticks = self.lab.density().and_then(heatmap::bar_ticks);
        heatmap::colour_bar(&bar, rect.1.clone(), &ticks.unwrap_or_default()).map_err(js)?;
        let Some(density) = self.lab.density() else {
            return Ok(());
        };
        draw_image(&c, &heatmap::rgba(density), density.grid.nx, &rect)?;
        let (xs, ys) = device_rect(&c, &rect);
        self.heatmap_rect.set([xs.start, xs.end, ys.start, ys.end]);
        self.map_points.set(self.lab.drawn_counts().0);
        let drawn = self.drawing.then(|| self.lab.drawn_shown(SHOWN_POINTS));
        let points = drawn.as_deref().unwrap_or(self.lab.data_flat());
        if (self.lab.settings().overlay || self.drawing) && !points.is_empty() {
            charts::overlay(&map, window, "", points, ON_HEATMAP, 1).map_err(js)?;
        }
        let slice = Some((self.lab.slice_axis(), self.slice_at.get()));
        charts::marks(&map, window, slice, &self.probe_path()).map_err(js)
    }

    /// While a stroke is drawn: the points added since the density map was last drawn,
    /// over it, so that a frame of drawing costs the same whatever the set's size (the
    /// whole map took 15 ms). The whole map instead if it has nothing to draw over, or
    /// points were taken away since.
    pub(super) fn render_stroke(&self) -> Result<(), JsError> {
        let (drawn, _) = self.lab.drawn_counts();
        let from = self.map_points.get();
        if !self.drawing || from > drawn || self.lab.density().is_none() {
            return self.render_heatmap();
        }
        self.map_points.set(drawn);
        let root = area(backend(canvas(HEATMAP)?)?);
        let (map, _) = heatmap::split(&root);
        let added = self.lab.drawn_since(from);
        charts::overlay(&map, Window::default(), "", &added, ON_HEATMAP, 1).map_err(js)
    }

    /// Draws model samples and data (or the target density) side by side.
    pub(super) fn render_samples(&mut self) -> Result<(), JsError> {
        if !self.lab.has_map() {
            return self.render_digit_samples();
        }
        let window = Window::default();
        let model = area(backend(canvas(SAMPLES_MODEL)?)?);
        charts::scatter(
            &model,
            window,
            "model: x = T(z)",
            &self.lab.samples(),
            Dots::Model,
        )
        .map_err(js)?;
        match self.lab.settings().objective() {
            _ if self.drawing => {
                let data = area(backend(canvas(SAMPLES_DATA)?)?);
                let (drawn, set) = self.lab.drawn_counts();
                let points = self.lab.drawn_shown(SHOWN_POINTS);
                let shown = points.len() / 2;
                let caption = match (set, shown < drawn) {
                    (0, _) => format!("your points: {drawn} (20 needed)"),
                    // The newest all and an even sample of the rest (`drawn_shown`).
                    (_, true) => format!("{shown} of your {drawn} points"),
                    _ => format!("your points: {drawn}"),
                };
                charts::scatter(&data, window, &caption, &points, Dots::Data).map_err(js)?;
            }
            Objective::ForwardKl(d) | Objective::ReverseKlData(d) => {
                let data = area(backend(canvas(SAMPLES_DATA)?)?);
                let caption = format!("data: {}", d.name());
                charts::scatter(&data, window, &caption, self.lab.data_flat(), Dots::Data)
                    .map_err(js)?;
            }
            Objective::ReverseKl(t) | Objective::ForwardKlEnergy(t) => {
                let c = canvas(SAMPLES_DATA)?;
                let root = area(backend(c.clone())?);
                let caption = format!("target: exp(-{})", t.name().to_uppercase());
                let rect = charts::axes(&root, window, &caption).map_err(js)?;
                draw_image(&c, &self.target_rgba(t), TARGET_RES, &rect)?;
            }
            Objective::Digits => unreachable!("the digits are drawn as images"),
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
                let log_z = t.log_z() as f32;
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
    pub(super) fn render_loss(&self) -> Result<(), JsError> {
        let root = area(backend(canvas(LOSS)?)?);
        let status = self.lab.status();
        let history = &self.lab.trainer().history;
        let marks = charts::LossMarks {
            floor: status.floor,
            metric: status.metric_name,
            unit: if self.lab.has_map() {
                "nats"
            } else {
                "nats per image"
            },
            best: history
                .best_test()
                .filter(|_| status.objective.is_forward()),
        };
        charts::loss(&root, history, marks).map_err(js)
    }
}
