//! Axes, scatter plots, the loss chart and the composition's small multiples.

use super::{err, Area, DATA, FONT, INK, MODEL, TEXT, TITLE};
use crate::numeric::grid::Window;
use crate::numeric::stats::sort_floats;
use crate::train::History;
use plotters::prelude::*;
use std::ops::Range;

/// Pixel rectangle `(x range, y range)` of a chart's plotting area.
pub type PixelRect = (Range<i32>, Range<i32>);

/// A chart whose coordinates are a [`Window`].
pub(super) type Chart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf32, plotters::coord::types::RangedCoordf32>,
>;

/// Height of the x axis's labels and title, in CSS pixels.
pub const X_AXIS: u32 = 40;
/// Width of the y axis's labels and title.
pub const Y_AXIS: u32 = 50;
/// The margin around a chart.
pub const MARGIN: u32 = 6;

/// A tick label: integers without a decimal point, else the shortest form.
pub fn tick(v: &f32) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

fn frame<'a, DB: DrawingBackend>(
    area: &'a Area<DB>,
    window: Window,
    caption: &str,
) -> Result<Chart<'a, DB>, String> {
    let mut b = ChartBuilder::on(area);
    b.margin(MARGIN)
        .x_label_area_size(X_AXIS)
        .y_label_area_size(Y_AXIS);
    if !caption.is_empty() {
        b.caption(caption, (FONT, TITLE).into_font().color(&INK));
    }
    b.build_cartesian_2d(window.x0..window.x1, window.y0..window.y1)
        .map_err(err)
}

/// The chart of `window` on `area` with its axes drawn (ticks, no grid) and named
/// (`names`: the x and the y axis), ready for points.
pub(super) fn framed<'a, DB: DrawingBackend>(
    area: &'a Area<DB>,
    window: Window,
    caption: &str,
    names: (&str, &str),
) -> Result<Chart<'a, DB>, String> {
    let mut chart = frame(area, window, caption)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(5)
        .y_labels(5)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .x_desc(names.0)
        .y_desc(names.1)
        .label_style((FONT, TEXT).into_font().color(&INK))
        .axis_desc_style((FONT, TEXT).into_font().color(&INK))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// Clears `area` and draws the axes of `window`; returns where the plot goes, so the shell
/// can put the heatmap image exactly there.
pub fn axes<DB: DrawingBackend>(
    area: &Area<DB>,
    window: Window,
    caption: &str,
) -> Result<PixelRect, String> {
    area.fill(&WHITE).map_err(err)?;
    let chart = framed(area, window, caption, ("x1", "x2"))?;
    Ok(chart.plotting_area().get_pixel_range())
}

/// Points over what is already drawn (same layout as [`axes`]).
pub fn overlay<DB: DrawingBackend>(
    area: &Area<DB>,
    window: Window,
    caption: &str,
    points: &[f32],
    colour: RGBAColor,
    size: i32,
) -> Result<(), String> {
    let mut chart = frame(area, window, caption)?;
    let inside = points
        .chunks(2)
        .filter(|p| p[0].is_finite() && p[1].is_finite())
        .filter(|p| {
            (window.x0..window.x1).contains(&p[0]) && (window.y0..window.y1).contains(&p[1])
        });
    chart
        .draw_series(inside.map(|p| Circle::new((p[0], p[1]), size, colour.filled())))
        .map_err(err)?;
    area.present().map_err(err)
}

/// Whose points a scatter plot shows (each has its colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dots {
    /// Model samples.
    Model,
    /// Data points.
    Data,
}

/// A scatter plot with axes: model samples or data.
pub fn scatter<DB: DrawingBackend>(
    area: &Area<DB>,
    window: Window,
    caption: &str,
    points: &[f32],
    dots: Dots,
) -> Result<(), String> {
    axes(area, window, caption)?;
    let colour = match dots {
        Dots::Model => MODEL,
        Dots::Data => DATA,
    };
    overlay(area, window, caption, points, colour.mix(0.55), 2)
}

/// Median of each of at most `n` buckets of `(step, value)`, skipping non-finite values:
/// a blow-up that was rolled back does not drag its bucket along.
fn thin(series: &[(u64, f64)], n: usize) -> Vec<(f32, f32)> {
    let size = series.len().div_ceil(n.max(1)).max(1);
    series
        .chunks(size)
        .filter_map(|c| {
            let mut finite: Vec<f64> = c.iter().map(|p| p.1).filter(|v| v.is_finite()).collect();
            sort_floats(&mut finite);
            let median = *finite.get(finite.len() / 2)?;
            Some((c[c.len() / 2].0 as f32, median as f32))
        })
        .collect()
}

/// The y range that shows the values, robust to outliers: the 10 % and 90 % quantiles
/// widened by three times their spread, within the extremes, with `must` (the floor)
/// always inside. Values outside are drawn at the edge.
pub fn robust_range(values: &[f32], must: Option<f32>) -> (f32, f32) {
    let mut v: Vec<f64> = values
        .iter()
        .filter(|v| v.is_finite())
        .map(|&v| v as f64)
        .collect();
    if v.is_empty() {
        return must.map_or((0.0, 1.0), |m| (m - 0.5, m + 0.5));
    }
    sort_floats(&mut v);
    let q = |p: f32| v[((v.len() - 1) as f32 * p).round() as usize] as f32;
    let spread = (q(0.9) - q(0.1)).max(0.1);
    let mut lo = (q(0.1) - 3.0 * spread).max(q(0.0));
    let mut hi = (q(0.9) + 3.0 * spread).min(q(1.0));
    if let Some(m) = must {
        (lo, hi) = (lo.min(m), hi.max(m));
    }
    (lo, hi)
}

/// The loss chart's y range: each series' own [`robust_range`], joined, so neither is
/// drawn along an edge for being the other's outlier (reverse KL's training loss,
/// `KL - ln Z`, can sit nats below the few estimates of `KL` beside it), with the floor.
pub fn loss_range(train: &[f32], test: &[f32], floor: Option<f32>) -> (f32, f32) {
    let (lo, hi) = robust_range(train, floor);
    if test.iter().all(|v| !v.is_finite()) {
        return (lo, hi);
    }
    let (a, b) = robust_range(test, None);
    (lo.min(a), hi.max(b))
}

/// What the loss chart shows besides the history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossMarks<'a> {
    /// The entropy floor (forward KL on a data set whose entropy is known).
    pub floor: Option<f64>,
    /// What the test series is.
    pub metric: &'a str,
    /// The y axis's unit.
    pub unit: &'a str,
    /// The best test point, ringed (where the model is kept).
    pub best: Option<(u64, f64)>,
}

/// Training loss and test metric over steps, with the entropy floor (forward KL) and the
/// best test point.
pub fn loss<DB: DrawingBackend>(
    area: &Area<DB>,
    history: &History,
    marks: LossMarks,
) -> Result<(), String> {
    let LossMarks {
        floor,
        metric,
        unit,
        best,
    } = marks;
    area.fill(&WHITE).map_err(err)?;
    let train = thin(history.loss.points(), 400);
    let test = thin(history.test.points(), 400);
    let values = |pts: &[(f32, f32)]| pts.iter().map(|p| p.1).collect::<Vec<_>>();
    let (lo, top) = loss_range(&values(&train), &values(&test), floor.map(|f| f as f32));
    let pad = ((top - lo) * 0.08).max(0.05);
    let clamp = |pts: Vec<(f32, f32)>| -> Vec<(f32, f32)> {
        pts.into_iter()
            .map(|(x, y)| (x, y.clamp(lo - pad, top + pad)))
            .collect()
    };
    let (train, test) = (clamp(train), clamp(test));
    let last = history.loss.last().map_or(100, |p| p.0.max(10)) as f32;
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .margin_right(22)
        .x_label_area_size(X_AXIS)
        .y_label_area_size(Y_AXIS + 6)
        .build_cartesian_2d(0f32..last, (lo - pad)..(top + pad))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_labels(5)
        .y_labels(5)
        .x_label_formatter(&|v| format!("{}", v.round() as i64))
        .x_desc("step")
        .y_desc(unit)
        .light_line_style(RGBColor(236, 236, 236))
        .label_style((FONT, TEXT).into_font().color(&INK))
        .axis_desc_style((FONT, TEXT).into_font().color(&INK))
        .draw()
        .map_err(err)?;
    if let Some(f) = floor {
        let f = f as f32;
        chart
            .draw_series(LineSeries::new([(0.0, f), (last, f)], INK.stroke_width(2)))
            .map_err(err)?
            .label("entropy H(p*) (floor)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], INK.stroke_width(2)));
    }
    chart
        .draw_series(LineSeries::new(train, DATA.mix(0.65).stroke_width(1)))
        .map_err(err)?
        .label("train loss")
        .legend(|(x, y)| {
            PathElement::new(vec![(x, y), (x + 14, y)], DATA.mix(0.65).stroke_width(2))
        });
    // Dots as well as the line: the first evaluation is a single point.
    let dots = test.iter().map(|&p| Circle::new(p, 3, MODEL.filled()));
    chart.draw_series(dots).map_err(err)?;
    chart
        .draw_series(LineSeries::new(test, MODEL.stroke_width(2)))
        .map_err(err)?
        .label(metric)
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], MODEL.stroke_width(2)));
    if let Some((step, value)) = best.filter(|b| (lo - pad..=top + pad).contains(&(b.1 as f32))) {
        let ring = ShapeStyle::from(INK).stroke_width(2);
        chart
            .draw_series([Circle::new((step as f32, value as f32), 7, ring)])
            .map_err(err)?
            .label("best")
            .legend(move |(x, y)| Circle::new((x + 7, y), 5, ring));
    }
    legend_and_present(&mut chart, area, SeriesLabelPosition::UpperRight)
}

/// The series' legend at `position` on a light ground, then `area` presented: how every
/// chart with a legend ends.
pub fn legend_and_present<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    area: &Area<DB>,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font((FONT, TEXT).into_font().color(&INK))
        .draw()
        .map_err(err)?;
    area.present().map_err(err)
}

/// The probe's path and the slice line over the heatmap (same layout as [`axes`]): the
/// line `x_a = c` across the window, and the path `x -> ... -> z` as a polyline with the
/// point `x` ringed, cut to the window.
pub fn marks<DB: DrawingBackend>(
    area: &Area<DB>,
    window: Window,
    slice: Option<(usize, f32)>,
    path: &[[f32; 2]],
) -> Result<(), String> {
    let mut chart = frame(area, window, "")?;
    if let Some((axis, c)) = slice {
        let ends = if axis == 0 {
            [(c, window.y0), (c, window.y1)]
        } else {
            [(window.x0, c), (window.x1, c)]
        };
        chart
            .draw_series(LineSeries::new(ends, WHITE.mix(0.9).stroke_width(2)))
            .map_err(err)?;
    }
    let inside = |p: &[f32; 2]| {
        (window.x0..=window.x1).contains(&p[0]) && (window.y0..=window.y1).contains(&p[1])
    };
    for seg in path.windows(2).filter(|s| inside(&s[0]) && inside(&s[1])) {
        let pts = [(seg[0][0], seg[0][1]), (seg[1][0], seg[1][1])];
        chart
            .draw_series(LineSeries::new(pts, BLACK.stroke_width(3)))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(pts, WHITE.stroke_width(1)))
            .map_err(err)?;
    }
    let stops = path.iter().filter(|p| inside(p)).map(|p| (p[0], p[1]));
    chart
        .draw_series(stops.map(|p| Circle::new(p, 3, WHITE.filled())))
        .map_err(err)?;
    if let Some(x) = path.first().filter(|p| inside(p)) {
        let at = (x[0], x[1]);
        chart
            .draw_series([
                Circle::new(at, 7, BLACK.stroke_width(3)),
                Circle::new(at, 7, WHITE.stroke_width(2)),
            ])
            .map_err(err)?;
    }
    area.present().map_err(err)
}
