//! The transform panel: one layer's map of one coordinate at the probed point, a curve
//! over the identity's diagonal, with the spline's knots and the point itself.

use super::charts::{framed, Chart};
use super::{err, Area, INK, MODEL};
use crate::flow::Direction;
use crate::numeric::grid::Window;
use crate::views::coordinate_map::{CoordinateMap, RANGE};
use plotters::prelude::*;

/// Faint grey for the identity and the interval's edges.
pub(super) const GUIDE: RGBColor = RGBColor(175, 175, 175);

/// `x1`, `x2`, ... or `z1`, ... as the axis names.
fn name(letter: char, i: usize) -> String {
    format!("{letter}{}", i + 1)
}

/// The axis names of the map: what it reads and what it writes.
pub fn axis_names(m: &CoordinateMap) -> (String, String) {
    let (from, to) = match m.direction {
        Direction::Maf => ('x', 'z'),
        Direction::Iaf => ('z', 'x'),
    };
    (name(from, m.coord), name(to, m.coord))
}

/// Over a map's square chart of `[-half, half]`: the identity (dashed grey) and the
/// spline's interval `[-bound, bound]` (grey edges).
pub(super) fn identity_and_edges<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    half: f32,
    bound: f32,
) -> Result<(), String> {
    let style = GUIDE.stroke_width(1);
    let diagonal = [(-half, -half), (half, half)];
    chart
        .draw_series(DashedLineSeries::new(diagonal, 4, 4, style))
        .map_err(err)?;
    for edge in [-bound, bound] {
        let line = [(edge, -half), (edge, half)];
        chart
            .draw_series(LineSeries::new(line, style))
            .map_err(err)?;
    }
    Ok(())
}

/// A map's curve (red), cut where it leaves the chart's `[-half, half]`: a straight map
/// stays straight to the edge.
pub(super) fn map_curve<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    points: &[[f32; 2]],
    half: f32,
) -> Result<(), String> {
    for piece in clip_to_band(points, -half, half) {
        chart
            .draw_series(LineSeries::new(piece, MODEL.stroke_width(2)))
            .map_err(err)?;
    }
    Ok(())
}

/// Dashed guides from the point `(u, y)` down and across to the axes at `lo`.
pub(super) fn guides_to_axes<DB: DrawingBackend>(
    chart: &mut Chart<DB>,
    (u, y): (f32, f32),
    lo: f32,
) -> Result<(), String> {
    for guide in [[(u, lo), (u, y)], [(lo, y), (u, y)]] {
        chart
            .draw_series(DashedLineSeries::new(guide, 3, 3, INK.stroke_width(1)))
            .map_err(err)?;
    }
    Ok(())
}

/// Draws `m` on `area`: the identity (dashed grey), the interval `[-B, B]` (grey edges),
/// the map (red), its knots (dots) and the point (ringed, with guides to both axes).
pub fn coordinate_map<DB: DrawingBackend>(
    area: &Area<DB>,
    m: &CoordinateMap,
) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let (from, to) = axis_names(m);
    let window = Window::square(RANGE);
    let caption = format!("{to} as a function of {from}, layer {}", m.layer);
    let mut chart = framed(area, window, &caption, (&from, &to))?;
    let lo = -RANGE;
    identity_and_edges(&mut chart, RANGE, crate::flow::transformer::SPLINE_BOUND)?;
    map_curve(&mut chart, &m.curve, RANGE)?;
    chart
        .draw_series(
            m.knots
                .iter()
                .map(|k| Circle::new((k[0], k[1]), 3, INK.filled())),
        )
        .map_err(err)?;
    let [u, y] = m.point;
    if (lo..=RANGE).contains(&u) && (lo..=RANGE).contains(&y) {
        guides_to_axes(&mut chart, (u, y), lo)?;
        chart
            .draw_series([Circle::new((u, y), 6, MODEL.stroke_width(2))])
            .map_err(err)?;
    }
    Ok(())
}

/// The pieces of the polyline `curve` inside the band `lo <= y <= hi`, each cut exactly
/// where the line crosses an edge (never flattened along it).
pub fn clip_to_band(curve: &[[f32; 2]], lo: f32, hi: f32) -> Vec<Vec<(f32, f32)>> {
    let inside = |y: f32| (lo..=hi).contains(&y);
    // Where the segment from `a` to `b` crosses the level `level`.
    let cross = |a: [f32; 2], b: [f32; 2], level: f32| {
        let t = (level - a[1]) / (b[1] - a[1]);
        (a[0] + t * (b[0] - a[0]), level)
    };
    let mut pieces: Vec<Vec<(f32, f32)>> = Vec::new();
    let mut current: Vec<(f32, f32)> = Vec::new();
    for (k, &p) in curve.iter().enumerate() {
        let prev = k.checked_sub(1).map(|j| curve[j]);
        match (prev, inside(p[1])) {
            (Some(a), true) if !inside(a[1]) => {
                current.push(cross(a, p, if a[1] > hi { hi } else { lo }));
                current.push((p[0], p[1]));
            }
            (_, true) => current.push((p[0], p[1])),
            (Some(a), false) if inside(a[1]) => {
                current.push(cross(a, p, if p[1] > hi { hi } else { lo }));
                pieces.push(std::mem::take(&mut current));
            }
            (Some(a), false) if (a[1] > hi && p[1] < lo) || (a[1] < lo && p[1] > hi) => {
                // Through the whole band in one step.
                let (first, second) = if a[1] > hi { (hi, lo) } else { (lo, hi) };
                pieces.push(vec![cross(a, p, first), cross(a, p, second)]);
            }
            _ => {}
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces.retain(|p| p.len() >= 2);
    pieces
}
