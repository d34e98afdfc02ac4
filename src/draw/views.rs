//! The mechanism views: the data in data, latent and uniform space with marginal
//! histograms, and the conditional slice with its CDF beside the marginals.

use super::charts::{framed, MARGIN, X_AXIS, Y_AXIS};
use super::{err, Area, DATA, FONT, INK, MODEL, TEXT, TITLE};
use crate::numeric::grid::Window;
use crate::views::latent::{column, histogram, LatentView};
use crate::views::slice::Curve;
use plotters::prelude::*;
use std::ops::Range;

/// Bins of each marginal histogram.
const BINS: usize = 24;
/// The histogram strips' thickness in pixels.
const STRIP: u32 = 34;
/// Faint grey for guides.
const GUIDE: RGBColor = RGBColor(170, 170, 170);

/// Puts a histogram's (position, height) in a strip's axes.
type Orient = dyn Fn((f64, f64)) -> (f64, f64);

/// A reference density drawn over a panel's histograms.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reference {
    None,
    Normal,
    Uniform,
}

fn pdf(r: Reference, v: f64) -> f64 {
    match r {
        Reference::None => f64::NAN,
        Reference::Normal => (-0.5 * v * v).exp() / (2.0 * std::f64::consts::PI).sqrt(),
        Reference::Uniform => 1.0,
    }
}

/// One square scatter with its marginal histograms above (the first coordinate) and to
/// the right (the second).
fn scatter_with_marginals<DB: DrawingBackend>(
    area: &Area<DB>,
    (title, letter): (&str, char),
    range: Range<f32>,
    points: &[f32],
    colour: RGBColor,
    reference: Reference,
) -> Result<(), String> {
    let (w, h) = area.dim_in_pixel();
    let (n1, n2) = (format!("{letter}1"), format!("{letter}2"));
    let names = (n1.as_str(), n2.as_str());
    let titled = area
        .titled(title, (FONT, TITLE).into_font().color(&INK))
        .map_err(err)?;
    // The plot square plus its axes (`charts::framed`'s layout), the strips above and right.
    let (ax, ay) = (Y_AXIS + 2 * MARGIN, X_AXIS + 2 * MARGIN);
    let side = (w.saturating_sub(ax + STRIP))
        .min(h.saturating_sub(22 + ay + STRIP))
        .max(40);
    let (top, rest) = titled.split_vertically(STRIP);
    let (main, _) = rest.split_vertically(side + ay);
    let (plot, right) = main.split_horizontally(side + ax);
    let (top_strip, _) = top.split_horizontally(side + ax);
    let lo = range.start as f64;
    let hi = range.end as f64;
    let square = Window {
        x0: range.start,
        x1: range.end,
        y0: range.start,
        y1: range.end,
    };
    let mut chart = framed(&plot, square, "", names)?;
    if reference == Reference::Normal {
        for r in [1.0f32, 2.0, 3.0] {
            let ring = (0..=64).map(|i| {
                let a = i as f32 / 64.0 * std::f32::consts::TAU;
                (r * a.cos(), r * a.sin())
            });
            chart
                .draw_series(LineSeries::new(ring, GUIDE.stroke_width(1)))
                .map_err(err)?;
        }
    }
    let inside = points
        .chunks(2)
        .filter(|p| range.contains(&p[0]) && range.contains(&p[1]));
    chart
        .draw_series(inside.map(|p| Circle::new((p[0], p[1]), 2, colour.mix(0.5).filled())))
        .map_err(err)?;
    // Pixel ranges are absolute on the canvas: the strips' margins are relative to the panel.
    let (px, py) = chart.plotting_area().get_pixel_range();
    let (bx, by) = plot.get_base_pixel();
    let left = (px.start - bx).max(0) as u32;
    let top = (py.start - by).max(0) as u32;
    let bottom = (plot.dim_in_pixel().1 as i32 - (py.end - by)).max(0) as u32;
    for (j, strip) in [(0, top_strip), (1, right)] {
        let values = column(points, 2, j);
        let hist = histogram(&values, lo, hi, BINS);
        let peak = hist
            .iter()
            .cloned()
            .fold(pdf(reference, 0.0).max(0.0), f64::max)
            .max(1e-9)
            * 1.1;
        let bin = (hi - lo) / BINS as f64;
        let bars = hist
            .iter()
            .enumerate()
            .map(|(b, &v)| (lo + b as f64 * bin, v));
        let curve: Vec<(f64, f64)> = (0..=60)
            .map(|i| lo + (hi - lo) * i as f64 / 60.0)
            .map(|v| (v, pdf(reference, v)))
            .collect();
        // The top strip runs along x (bars up), the right one along y (bars right), each
        // aligned with the plot's axis: `at` puts (position, height) in the strip's axes.
        let flip = |(p, v): (f64, f64)| (v, p);
        let keep = |pv: (f64, f64)| pv;
        let (strip, ranges, at): (_, _, &Orient) = if j == 0 {
            (strip.margin(2, 0, left, 0), (lo..hi, 0.0..peak), &keep)
        } else {
            (strip.margin(top, bottom, 2, 0), (0.0..peak, lo..hi), &flip)
        };
        let mut c = ChartBuilder::on(&strip)
            .build_cartesian_2d(ranges.0, ranges.1)
            .map_err(err)?;
        let fill = colour.mix(0.35).filled();
        c.draw_series(bars.map(|(p, v)| Rectangle::new([at((p, 0.0)), at((p + bin, v))], fill)))
            .map_err(err)?;
        if reference != Reference::None {
            let curve = curve.into_iter().map(at);
            c.draw_series(LineSeries::new(curve, INK.stroke_width(1)))
                .map_err(err)?;
        }
    }
    Ok(())
}

/// An area cut into three charts: side by side on a wide canvas, one above the other on a
/// tall one (a phone's, where three side by side would run their tick labels together).
pub(super) fn three<'a, DB: DrawingBackend>(area: &Area<'a, DB>) -> Vec<Area<'a, DB>> {
    let (w, h) = area.dim_in_pixel();
    if w as f64 >= 1.6 * h as f64 {
        area.split_evenly((1, 3))
    } else {
        area.split_evenly((3, 1))
    }
}

/// Three panels: `x`, `z = T^-1(x)` over the `N(0, I)` contours, and `u = Phi(z)`, each
/// with its marginal histograms (the reference densities drawn over them). `target`: the
/// points are exact draws of an energy target (reverse KL) rather than data.
pub fn latent<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &LatentView,
    target: bool,
) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let colour = DATA;
    let panels = three(area);
    let what = if target {
        "target draws x"
    } else {
        "data draws x"
    };
    scatter_with_marginals(
        &panels[0],
        (what, 'x'),
        -4.0..4.0,
        &view.x,
        colour,
        Reference::None,
    )?;
    scatter_with_marginals(
        &panels[1],
        ("z = T\u{207b}\u{b9}(x)", 'z'),
        -4.0..4.0,
        &view.z,
        colour,
        Reference::Normal,
    )?;
    scatter_with_marginals(
        &panels[2],
        ("u = \u{3a6}(z)", 'u'),
        0.0..1.0,
        &view.u,
        colour,
        Reference::Uniform,
    )?;
    area.present().map_err(err)
}

/// The axis names.
fn name(axis: usize) -> &'static str {
    if axis == 0 {
        "x1"
    } else {
        "x2"
    }
}

/// Curves on one chart (`(curve, colour)`; their CDFs with `cdf`), with a vertical mark at
/// `mark`. The page's caption says which colour is which.
fn curves<DB: DrawingBackend>(
    area: &Area<DB>,
    title: &str,
    x_name: &str,
    lines: &[(&Curve, RGBColor)],
    cdf: bool,
    mark: Option<f32>,
) -> Result<(), String> {
    let Some(first) = lines.first() else {
        let style = (FONT, TEXT).into_font().color(&INK);
        area.titled(title, style.clone())
            .map_err(err)?
            .draw_text("no density on this line", &style, (10, 30))
            .map_err(err)?;
        return Ok(());
    };
    let (lo, hi) = (
        first.0.at[0] - 0.5 * first.0.step() as f32,
        *first.0.at.last().unwrap_or(&0.0) + 0.5 * first.0.step() as f32,
    );
    let top = if cdf {
        1.05
    } else {
        lines
            .iter()
            .flat_map(|l| l.0.p.iter())
            .cloned()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
            .max(1e-6)
            * 1.1
    };
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, TITLE).into_font().color(&INK))
        .margin(6)
        // Room for the last x label, centred on the frame's right edge.
        .margin_right(16)
        .x_label_area_size(36)
        .y_label_area_size(40)
        .build_cartesian_2d(lo..hi, 0.0..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        .x_labels(5)
        .y_labels(5)
        .x_desc(x_name)
        .label_style((FONT, TEXT).into_font().color(&INK))
        .axis_desc_style((FONT, TEXT).into_font().color(&INK))
        .draw()
        .map_err(err)?;
    if let Some(c) = mark {
        chart
            .draw_series(LineSeries::new([(c, 0.0), (c, top)], GUIDE.stroke_width(1)))
            .map_err(err)?;
    }
    for (curve, colour) in lines {
        let values = if cdf { &curve.cdf } else { &curve.p };
        let pts: Vec<(f32, f64)> = if cdf {
            // The CDF is at the right edge of each cell.
            let h = curve.step() as f32 * 0.5;
            std::iter::once((lo, curve.below))
                .chain(curve.at.iter().map(|x| x + h).zip(values.iter().copied()))
                .collect()
        } else {
            curve
                .at
                .iter()
                .copied()
                .zip(values.iter().copied())
                .collect()
        };
        chart
            .draw_series(LineSeries::new(pts, colour.stroke_width(2)))
            .map_err(err)?;
    }
    Ok(())
}

/// The slice panel: `p(x_b | x_a = c)`, its CDF, and the marginals `p(x_a)` with `c`
/// marked; the model in the model colour, the data's in the data colour.
pub fn slice<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &crate::session::views::SliceView,
) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let (a, b) = (name(view.axis), name(1 - view.axis));
    let panels = three(area);
    let mut cond = Vec::new();
    if let Some(m) = &view.model {
        cond.push((m, MODEL));
    }
    if let Some(t) = &view.truth {
        cond.push((t, DATA));
    }
    let at = format!("{}", (view.at * 100.0).round() / 100.0);
    curves(
        &panels[0],
        &format!("p({b} | {a} = {at})"),
        b,
        &cond,
        false,
        None,
    )?;
    curves(
        &panels[1],
        &format!("F({b} | {a} = {at})"),
        b,
        &cond,
        true,
        None,
    )?;
    let mut marg = Vec::new();
    if let Some(m) = &view.model_marginal {
        marg.push((m, MODEL));
    }
    if let Some(d) = &view.data_marginal {
        marg.push((d, DATA));
    }
    curves(
        &panels[2],
        &format!("p({a})"),
        a,
        &marg,
        false,
        Some(view.at),
    )?;
    area.present().map_err(err)
}
