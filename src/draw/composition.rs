//! The composition's small multiples: square panels on shared axes, the prior draws `z`
//! and the lines of a regular grid in `z`, then both after each layer `T_1, ..., T_K`;
//! optionally the density of each stage under them (the shell puts each in its frame as an
//! image), and a probed point's trail to each stage.

use super::charts::{Chart, PixelRect};
use super::{err, square_dots, Area, FONT, INK, TEXT, TITLE};
use crate::numeric::grid::Window;
use plotters::prelude::*;

/// What one stage of the composition shows.
#[derive(Debug, Clone, Copy)]
pub struct Stage<'a> {
    /// The display draws after this stage, `n x 2`.
    pub points: &'a [f32],
    /// The grid lines after this stage (lines of `per_line` points, `x1, x2` pairs).
    pub lines: &'a [f32],
    /// The probed point's path up to this stage (`z`, `T_1(z)`, ...), empty if none.
    pub probe: &'a [[f32; 2]],
}

/// The colour of a trace point, by the angle of its prior draw, so a point can be followed
/// from panel to panel.
fn hue(z: &[f32]) -> RGBAColor {
    let t = (z[1].atan2(z[0]) as f64 + std::f64::consts::PI) / (2.0 * std::f64::consts::PI);
    let c = colorous::SINEBOW.eval_continuous(t);
    RGBColor(c.r, c.g, c.b).mix(0.8)
}

/// Columns and rows of the panels of `n` stages: one row up to 7, else two.
pub fn shape(n: usize) -> (usize, usize) {
    let cols = if n <= 7 { n.max(1) } else { n.div_ceil(2) };
    (cols, n.div_ceil(cols))
}

/// The canvas shape (width / height) that makes the panels of `n` stages square and no
/// wider than a quarter of the canvas (so that two stages are not drawn half a page tall).
pub fn aspect(n: usize) -> f64 {
    let (cols, rows) = shape(n);
    cols.max(4) as f64 / rows as f64
}

/// The square panels of `n` stages on `area`, in rows of [`shape`].
fn panels<'a, DB: DrawingBackend>(area: &Area<'a, DB>, n: usize) -> Vec<Area<'a, DB>> {
    let (cols, rows) = shape(n);
    let (w, h) = area.dim_in_pixel();
    let side = (w / cols as u32).min(h / rows as u32);
    let grid = area
        .margin(0, 0, 0, 0)
        .shrink((0, 0), (side * cols as u32, side * rows as u32));
    grid.split_evenly((rows, cols))
}

/// The chart of stage `k` of `n` (the same layout for the frame and for what goes over
/// it), the first titled `base`.
fn chart<'a, DB: DrawingBackend>(
    panel: &'a Area<DB>,
    window: Window,
    (k, n): (usize, usize),
    base: &str,
) -> Result<Chart<'a, DB>, String> {
    let title = match k {
        0 => base.to_string(),
        k if k == n - 1 => format!("x = T{k}(\u{2026})"),
        k => format!("after T{k}"),
    };
    ChartBuilder::on(panel)
        .margin(3)
        .caption(title, (FONT, TITLE).into_font().color(&INK))
        .x_label_area_size(18)
        .y_label_area_size(18)
        .build_cartesian_2d(window.x0..window.x1, window.y0..window.y1)
        .map_err(err)
}

/// Clears `area` and draws the axes and titles of `n` stages' panels on `window`, the
/// first titled `base` (the base distribution); returns where each stage's plot lies (the
/// shell puts the stage densities there, when shown, then calls [`composition`]).
pub fn frames<DB: DrawingBackend>(
    area: &Area<DB>,
    window: Window,
    n: usize,
    base: &str,
) -> Result<Vec<PixelRect>, String> {
    area.fill(&WHITE).map_err(err)?;
    let mut rects = Vec::with_capacity(n);
    for (k, panel) in panels(area, n).iter().enumerate() {
        let mut chart = chart(panel, window, (k, n), base)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(0)
            .y_labels(0)
            .x_desc("x1")
            .y_desc("x2")
            .label_style((FONT, TEXT).into_font().color(&INK))
            .axis_desc_style((FONT, TEXT).into_font().color(&INK))
            .draw()
            .map_err(err)?;
        rects.push(chart.plotting_area().get_pixel_range());
    }
    area.present().map_err(err)?;
    Ok(rects)
}

/// Over the panels of [`frames`]: each stage's warped grid lines (white over `shaded`
/// densities), draws and probe trail, and the plot's border; `per_line` is the number of
/// points on each grid line.
pub fn composition<DB: DrawingBackend>(
    area: &Area<DB>,
    window: Window,
    (stages, base): (&[Stage], &str),
    (per_line, shaded): (usize, bool),
) -> Result<(), String> {
    let n = stages.len();
    let colours: Vec<RGBAColor> = stages[0].points.chunks(2).map(hue).collect();
    let inside = |p: &[f32]| {
        (window.x0..=window.x1).contains(&p[0]) && (window.y0..=window.y1).contains(&p[1])
    };
    let line_colour = if shaded {
        WHITE.mix(0.45)
    } else {
        RGBColor(120, 120, 140).mix(0.55)
    };
    for (k, (panel, stage)) in panels(area, n).iter().zip(stages).enumerate() {
        let mut chart = chart(panel, window, (k, n), base)?;
        // Grid lines, cut where they leave the window: each run of points inside is one
        // path (a segment is drawn only between two points inside, so nothing spills over
        // the frame).
        let runs = stage.lines.chunks(2 * per_line.max(2)).flat_map(|line| {
            line.chunks(2)
                .collect::<Vec<_>>()
                .split(|p| !inside(p))
                .filter(|run| run.len() > 1)
                .map(|run| run.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        });
        let style = line_colour.stroke_width(1);
        chart
            .draw_series(runs.map(|run| PathElement::new(run, style)))
            .map_err(err)?;
        let pts = stage
            .points
            .chunks(2)
            .zip(&colours)
            .filter(|(p, _)| inside(p));
        square_dots(&mut chart, pts.map(|(p, c)| ((p[0], p[1]), c.filled())))?;
        // The probe's trail through the stages so far, ringed where it is now.
        for seg in stage
            .probe
            .windows(2)
            .filter(|s| inside(&s[0]) && inside(&s[1]))
        {
            let pts = [(seg[0][0], seg[0][1]), (seg[1][0], seg[1][1])];
            chart
                .draw_series(LineSeries::new(pts, BLACK.stroke_width(2)))
                .map_err(err)?;
        }
        if let Some(p) = stage.probe.last().filter(|p| inside(&p[..])) {
            let at = (p[0], p[1]);
            let ring = [
                Circle::new(at, 6, WHITE.filled()),
                Circle::new(at, 6, BLACK.stroke_width(2)),
            ];
            chart.draw_series(ring).map_err(err)?;
        }
        chart
            .plotting_area()
            .draw(&Rectangle::new(
                [(window.x0, window.y0), (window.x1, window.y1)],
                RGBColor(200, 200, 200),
            ))
            .map_err(err)?;
    }
    area.present().map_err(err)
}
