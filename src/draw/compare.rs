//! The compare view: the two models' density maps side by side, each with its samples over
//! the target's contours, and one chart of both divergences of both models over their
//! steps (log scale: a model that drops modes is tens of nats off on `KL(p* || q)`).

use super::heatmap::cells;
use super::{err, Area, FONT, INK};
use crate::contour::contour;
use crate::grid::{Density, Window};
use plotters::prelude::*;

/// The forward-KL model's colour (lines and samples).
pub const FORWARD: RGBColor = RGBColor(38, 110, 200);
/// The reverse-KL model's colour.
pub const REVERSE: RGBColor = RGBColor(222, 84, 40);

/// One side of the view.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// Its title.
    pub title: &'a str,
    /// The model's density.
    pub density: &'a Density,
    /// The model's samples, row-major `n x 2`.
    pub samples: &'a [f32],
    /// The samples' colour.
    pub colour: RGBColor,
}

/// Draws the two maps in square panels, the target's contours (at `levels` of
/// `target.log_p`) over each, then the samples (cut to the window).
pub fn maps<DB: DrawingBackend>(
    area: &Area<DB>,
    window: Window,
    sides: [Side; 2],
    target: &Density,
    levels: &[f32],
) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let lines: Vec<_> = levels.iter().map(|&l| contour(target, l)).collect();
    let inside = |p: &[f32]| {
        (window.x0..=window.x1).contains(&p[0]) && (window.y0..=window.y1).contains(&p[1])
    };
    let (w, h) = area.dim_in_pixel();
    let side = (w / 2).min(h);
    let row = area
        .margin(0, 0, 0, 0)
        .shrink(((w - 2 * side) / 2, 0), (2 * side, side));
    for (panel, s) in row.split_evenly((1, 2)).iter().zip(sides) {
        let mut chart = ChartBuilder::on(panel)
            .margin(4)
            .caption(s.title, (FONT, 15).into_font().color(&INK))
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(window.x0..window.x1, window.y0..window.y1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(5)
            .y_labels(5)
            .x_desc("x1")
            .y_desc("x2")
            .label_style((FONT, 11).into_font().color(&INK))
            .axis_desc_style((FONT, 12).into_font().color(&INK))
            .draw()
            .map_err(err)?;
        chart.draw_series(cells(s.density)).map_err(err)?;
        for (k, segments) in lines.iter().enumerate() {
            let style = WHITE.mix(0.9 - 0.25 * k as f64).stroke_width(1);
            let paths = segments
                .iter()
                .map(|seg| PathElement::new(seg.to_vec(), style));
            chart.draw_series(paths).map_err(err)?;
        }
        let dots = s.samples.chunks(2).filter(|p| inside(p));
        let style = s.colour.mix(0.85).filled();
        chart
            .draw_series(dots.map(|p| Circle::new((p[0], p[1]), 2, style)))
            .map_err(err)?;
    }
    area.present().map_err(err)
}

/// Both divergences of both models over each model's own steps: `series` is
/// `[forward model's KL(p*||q), its KL(q||p*), reverse model's KL(p*||q), its KL(q||p*)]`.
/// Values are drawn on a log axis from 0.01 nats (an estimate below is drawn there).
pub fn divergences<DB: DrawingBackend>(
    area: &Area<DB>,
    series: [&[(u64, f64)]; 4],
) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    const FLOOR: f64 = 0.01;
    let finite = series
        .iter()
        .flat_map(|s| s.iter())
        .filter(|p| p.1.is_finite());
    let top = finite.clone().map(|p| p.1).fold(1.0, f64::max) * 1.5;
    let last = finite.map(|p| p.0).max().unwrap_or(0).max(100) as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .margin_right(16)
        .x_label_area_size(34)
        .y_label_area_size(52)
        .build_cartesian_2d(0f64..last, (FLOOR..top).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v}"))
        .x_desc("steps (each model its own)")
        .y_desc("nats")
        .light_line_style(RGBColor(236, 236, 236))
        .label_style((FONT, 12).into_font().color(&INK))
        .axis_desc_style((FONT, 12).into_font().color(&INK))
        .draw()
        .map_err(err)?;
    let names = [
        "forward-KL model: KL(p*||q)",
        "forward-KL model: KL(q||p*)",
        "reverse-KL model: KL(p*||q)",
        "reverse-KL model: KL(q||p*)",
    ];
    for (i, s) in series.iter().enumerate() {
        let colour = if i < 2 { FORWARD } else { REVERSE };
        // The model's own objective solid and thick, the other divergence thin.
        let own = (i == 0) || (i == 3);
        let style = colour
            .mix(if own { 1.0 } else { 0.55 })
            .stroke_width(if own { 3 } else { 1 });
        let pts: Vec<(f64, f64)> = s
            .iter()
            .filter(|p| p.1.is_finite())
            .map(|&(x, y)| (x as f64, y.max(FLOOR)))
            .collect();
        if !own {
            let dots = pts
                .iter()
                .map(|&p| Circle::new(p, 2, colour.mix(0.55).filled()));
            chart.draw_series(dots).map_err(err)?;
        }
        chart
            .draw_series(LineSeries::new(pts, style))
            .map_err(err)?
            .label(names[i])
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], style));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font((FONT, 12).into_font().color(&INK))
        .draw()
        .map_err(err)?;
    area.present().map_err(err)
}
