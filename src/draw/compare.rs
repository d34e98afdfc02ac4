//! The compare view: the two models' density maps side by side (the shell puts each model's
//! density image in its frame), each with its samples over the target's contours, and one chart of both divergences of both models over their
//! steps (log scale: a model that drops modes is tens of nats off on `KL(p* || q)`).

use super::charts::{legend_and_present, Chart, PixelRect};
use super::{err, square_dots, Area, FONT, INK, TEXT, TITLE};
use crate::numeric::grid::{Density, Window};
use crate::views::contour::contour;
use plotters::prelude::*;

/// The forward-KL model's colour (lines and samples).
pub const FORWARD: RGBColor = RGBColor(38, 110, 200);
/// The reverse-KL model's colour.
pub const REVERSE: RGBColor = RGBColor(222, 84, 40);

/// The two square panels of `area`, side by side and centred.
fn panels<'a, DB: DrawingBackend>(area: &Area<'a, DB>) -> Vec<Area<'a, DB>> {
    let (w, h) = area.dim_in_pixel();
    let side = (w / 2).min(h);
    area.margin(0, 0, 0, 0)
        .shrink(((w - 2 * side) / 2, 0), (2 * side, side))
        .split_evenly((1, 2))
}

/// The chart of one panel (the same layout for the frame and for what goes over the map).
fn chart<'a, DB: DrawingBackend>(
    panel: &'a Area<DB>,
    window: Window,
    title: &str,
) -> Result<Chart<'a, DB>, String> {
    ChartBuilder::on(panel)
        .margin(4)
        .caption(title, (FONT, TITLE).into_font().color(&INK))
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d(window.x0..window.x1, window.y0..window.y1)
        .map_err(err)
}

/// Clears `area` and draws the two panels' axes and titles; returns where each map goes
/// (the shell puts the models' density images there, then calls [`overlays`]).
pub fn frames<DB: DrawingBackend>(
    area: &Area<DB>,
    window: Window,
    titles: [&str; 2],
) -> Result<[PixelRect; 2], String> {
    area.fill(&WHITE).map_err(err)?;
    let panels = panels(area);
    let mut rects = Vec::with_capacity(2);
    for (panel, title) in panels.iter().zip(titles) {
        let mut chart = chart(panel, window, title)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(5)
            .y_labels(5)
            .x_desc("x1")
            .y_desc("x2")
            .label_style((FONT, TEXT).into_font().color(&INK))
            .axis_desc_style((FONT, TEXT).into_font().color(&INK))
            .draw()
            .map_err(err)?;
        rects.push(chart.plotting_area().get_pixel_range());
    }
    area.present().map_err(err)?;
    Ok([rects[0].clone(), rects[1].clone()])
}

/// Over each map (same layout as [`frames`]): the target's contours at `levels` of
/// `target.log_p`, then the model's samples (row-major `n x 2`, cut to the window) in its
/// colour.
pub fn overlays<DB: DrawingBackend>(
    area: &Area<DB>,
    window: Window,
    titles: [&str; 2],
    target: &Density,
    levels: &[f32],
    samples: [(&[f32], RGBColor); 2],
) -> Result<(), String> {
    let lines: Vec<_> = levels.iter().map(|&l| contour(target, l)).collect();
    let inside = |p: &[f32]| {
        (window.x0..=window.x1).contains(&p[0]) && (window.y0..=window.y1).contains(&p[1])
    };
    for ((panel, title), (points, colour)) in panels(area).iter().zip(titles).zip(samples) {
        let mut chart = chart(panel, window, title)?;
        for (k, polylines) in lines.iter().enumerate() {
            let style = WHITE.mix(0.9 - 0.25 * k as f64).stroke_width(1);
            let paths = polylines
                .iter()
                .map(|line| PathElement::new(line.as_slice(), style));
            chart.draw_series(paths).map_err(err)?;
        }
        let style = colour.mix(0.85).filled();
        let dots = points.chunks(2).filter(|p| inside(p));
        square_dots(&mut chart, dots.map(|p| ((p[0], p[1]), style)))?;
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
        .label_style((FONT, TEXT).into_font().color(&INK))
        .axis_desc_style((FONT, TEXT).into_font().color(&INK))
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
    legend_and_present(&mut chart, area, SeriesLabelPosition::UpperRight)
}
