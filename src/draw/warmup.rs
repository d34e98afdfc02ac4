//! The warm-up panel: the base density `p_Z(z)`, the map `x = f(z)` with its knots, and
//! the pushed-forward density `p_X(x)`, one beside the other (one above the other on a
//! phone), the point's interval shaded on all three. Returns where each chart's plot
//! lies, so the shell can turn a pointer into `z` or `x`.

use super::charts::{framed, PixelRect};
use super::coordinate_map::{clip_to_band, guides_to_axes, identity_and_edges, map_curve, GUIDE};
use super::views::three;
use super::{err, Area, DATA, INK, MODEL};
use crate::numeric::grid::Window;
use crate::views::warmup::{normal_pdf, span, Reading, Warmup, BINS, BOUND, VIEW};
use plotters::prelude::*;
use std::ops::Range;

/// Points on each curve.
const CURVE_POINTS: usize = 481;
/// Radius of a knot the student can drag, in CSS pixels.
pub const HANDLE: u32 = 7;

/// Where one chart's plot lies on the canvas (CSS pixels) and what it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// The plot's rectangle, in CSS pixels.
    pub pixels: PixelRect,
    /// What its horizontal axis shows.
    pub x: Range<f32>,
    /// What its vertical axis shows.
    pub y: Range<f32>,
}

/// A density's curve over the view as chart points.
fn curve(xs: &[f64], p: &[f64]) -> Vec<(f32, f32)> {
    xs.iter()
        .zip(p)
        .map(|(&x, &p)| (x as f32, p as f32))
        .collect()
}

/// The region under `points` between `lo` and `hi` (clipped to the view), as a polygon.
fn under(points: &[(f32, f32)], lo: f64, hi: f64, at: impl Fn(f64) -> f64) -> Vec<(f32, f32)> {
    let (lo, hi) = (lo.max(-VIEW as f64), hi.min(VIEW as f64));
    if hi <= lo {
        return Vec::new();
    }
    let mut poly = vec![(lo as f32, 0.0), (lo as f32, at(lo) as f32)];
    poly.extend(
        points
            .iter()
            .filter(|p| (p.0 as f64) > lo && (p.0 as f64) < hi),
    );
    poly.extend([(hi as f32, at(hi) as f32), (hi as f32, 0.0)]);
    poly
}

/// One density chart: the curve, the interval's probability shaded, the point marked, and
/// optionally a dashed ghost of another density for comparison.
#[allow(clippy::too_many_arguments)]
fn density<DB: DrawingBackend>(
    area: &Area<DB>,
    (title, name): (&str, &str),
    top: f32,
    points: &[(f32, f32)],
    ghost: Option<&[(f32, f32)]>,
    colour: RGBColor,
    interval: [f64; 2],
    (at, p_at): (f64, f64),
    p: impl Fn(f64) -> f64,
) -> Result<Frame, String> {
    let window = Window {
        x0: -VIEW,
        x1: VIEW,
        y0: 0.0,
        y1: top,
    };
    let mut chart = framed(area, window, title, (name, "density"))?;
    if let Some(g) = ghost {
        chart
            .draw_series(DashedLineSeries::new(
                g.iter().copied(),
                4,
                4,
                GUIDE.stroke_width(1),
            ))
            .map_err(err)?;
    }
    let shade = under(points, interval[0], interval[1], p);
    if !shade.is_empty() {
        chart
            .draw_series([Polygon::new(shade, colour.mix(0.3).filled())])
            .map_err(err)?;
    }
    for piece in clip_to_band(
        &points.iter().map(|p| [p.0, p.1]).collect::<Vec<_>>(),
        0.0,
        top,
    ) {
        chart
            .draw_series(LineSeries::new(piece, colour.stroke_width(2)))
            .map_err(err)?;
    }
    let (at, p_at) = (at as f32, p_at as f32);
    if (-VIEW..=VIEW).contains(&at) {
        chart
            .draw_series(LineSeries::new(
                [(at, 0.0), (at, p_at.min(top))],
                INK.stroke_width(1),
            ))
            .map_err(err)?;
        if p_at <= top {
            chart
                .draw_series([Circle::new((at, p_at), 5, INK.filled())])
                .map_err(err)?;
        }
    }
    Ok(Frame {
        pixels: chart.plotting_area().get_pixel_range(),
        x: -VIEW..VIEW,
        y: 0.0..top,
    })
}

/// The map's chart: the identity (dashed), the spline's interval `[-B, B]` (grey edges),
/// the map, the interval in `z` carried to `x` through it, and the knots (the interior
/// ones ringed: those are dragged).
fn map<DB: DrawingBackend>(area: &Area<DB>, w: &Warmup, r: &Reading) -> Result<Frame, String> {
    let window = Window::square(VIEW);
    let seen = |p: [f32; 2]| p.iter().all(|v| (-VIEW..=VIEW).contains(v));
    let mut chart = framed(area, window, "x = f(z) = t + e^s g(z)", ("z", "x"))?;
    let (lo, hi) = (-VIEW, VIEW);
    identity_and_edges(&mut chart, VIEW, BOUND)?;
    // The interval in z (up to the curve) and its image in x (across to the axis).
    let [za, zb] = r.z_interval.map(|v| v.clamp(lo as f64, hi as f64) as f32);
    let [xa, xb] = r.x_interval.map(|v| v.clamp(lo as f64, hi as f64) as f32);
    let band = |c: RGBColor| c.mix(0.18).filled();
    chart
        .draw_series([
            Rectangle::new([(za, lo), (zb, xb)], band(DATA)),
            Rectangle::new([(lo, xa), (zb, xb)], band(MODEL)),
        ])
        .map_err(err)?;
    let zs = span(lo as f64, hi as f64, CURVE_POINTS);
    let line: Vec<[f32; 2]> = zs
        .iter()
        .zip(w.forward(&zs))
        .map(|(&z, (x, _))| [z as f32, x as f32])
        .collect();
    map_curve(&mut chart, &line, VIEW)?;
    let (z0, x0) = (r.z as f32, r.x as f32);
    if seen([z0, x0]) {
        guides_to_axes(&mut chart, (z0, x0), lo)?;
        chart
            .draw_series([Circle::new((z0, x0), 5, INK.filled())])
            .map_err(err)?;
    }
    for (k, p) in w.knot_points().into_iter().enumerate() {
        if !seen(p) {
            continue;
        }
        let at = (p[0], p[1]);
        if k == 0 || k == BINS {
            chart
                .draw_series([Circle::new(at, 3, INK.filled())])
                .map_err(err)?;
        } else {
            chart
                .draw_series([
                    Circle::new(at, HANDLE, WHITE.filled()),
                    Circle::new(at, HANDLE, INK.stroke_width(2)),
                ])
                .map_err(err)?;
        }
    }
    Ok(Frame {
        pixels: chart.plotting_area().get_pixel_range(),
        x: lo..hi,
        y: lo..hi,
    })
}

/// Draws the panel; returns the frames of `p_Z`, the map and `p_X`.
pub fn warmup<DB: DrawingBackend>(area: &Area<DB>, w: &Warmup) -> Result<[Frame; 3], String> {
    area.fill(&WHITE).map_err(err)?;
    let panels = three(area);
    let r = w.reading();
    let grid = span(-VIEW as f64, VIEW as f64, CURVE_POINTS);
    let pz: Vec<f64> = grid.iter().map(|&z| normal_pdf(z)).collect();
    let px = w.density_x(&grid);
    let (base, pushed) = (curve(&grid, &pz), curve(&grid, &px));
    // One height for both densities, so their heights compare by eye.
    let top =
        pz.iter()
            .chain(&px)
            .chain([&r.p_x])
            .fold(0.0f64, |m, &v| if v.is_finite() { m.max(v) } else { m });
    let top = (top * 1.12) as f32;
    let z_frame = density(
        &panels[0],
        ("base: p_Z(z) = N(0, 1)", "z"),
        top,
        &base,
        None,
        DATA,
        r.z_interval,
        (r.z, r.p_z),
        normal_pdf,
    )?;
    let map_frame = map(&panels[1], w, &r)?;
    let x_frame = density(
        &panels[2],
        ("pushed forward: p_X(x)", "x"),
        top,
        &pushed,
        Some(&base),
        MODEL,
        r.x_interval,
        (r.x, r.p_x),
        |x| w.density_x(&[x])[0],
    )?;
    area.present().map_err(err)?;
    Ok([z_frame, map_frame, x_frame])
}
