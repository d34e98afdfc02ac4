//! MAF against IAF as the dimension grows: ms per 1,000 densities and per 1,000 samples of
//! each direction against `D`, both axes logarithmic, each median with the range of its
//! rounds as a whisker (`session::dimension_cost`).

use super::charts::legend_and_present;
use super::compare::{FORWARD, REVERSE};
use super::{err, Area, FONT, INK, TEXT};
use crate::flow::Direction;
use crate::session::dimension_cost::{DimensionCost, Spread};
use plotters::prelude::*;

/// Draws the chart of `rows` (both directions at every `D`).
pub fn dimension_cost<DB: DrawingBackend>(
    area: &Area<DB>,
    rows: &[DimensionCost],
) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let spreads = rows.iter().flat_map(|r| [r.density, r.sample]);
    let low = spreads.clone().map(|s| s.low).fold(f64::INFINITY, f64::min);
    let high = spreads.map(|s| s.high).fold(0.0, f64::max);
    let (low, high) = if low.is_finite() && high > 0.0 {
        (low / 1.5, high * 1.5)
    } else {
        (0.1, 10.0)
    };
    // `D` on a log2 axis: one step per doubling, labelled 2, 4, ..., 64.
    let top = (rows.iter().map(|r| r.dim).max().unwrap_or(64) as f64).log2();
    // MAF a little left of each `D` and IAF a little right: where their times agree (MAF's
    // samples and IAF's densities) both lines stay in sight.
    let x = |dim: usize, d: Direction| {
        (dim as f64).log2() + if d == Direction::Maf { -0.04 } else { 0.04 }
    };
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .margin_right(16)
        .x_label_area_size(42)
        .y_label_area_size(56)
        .build_cartesian_2d(0.7f64..top + 0.3, (low..high).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_labels(top as usize)
        .y_labels(8)
        .x_label_formatter(&|v| {
            if v.fract().abs() < 1e-9 {
                format!("{}", 2f64.powf(*v).round())
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|v| {
            if *v < 1.0 {
                format!("{v:.2}")
            } else {
                format!("{v:.0}")
            }
        })
        .x_desc("dimension D")
        .y_desc("ms per 1,000 points")
        .light_line_style(RGBColor(236, 236, 236))
        .label_style((FONT, TEXT).into_font().color(&INK))
        .axis_desc_style((FONT, TEXT).into_font().color(&INK))
        .draw()
        .map_err(err)?;
    for direction in [Direction::Maf, Direction::Iaf] {
        let colour = if direction == Direction::Maf {
            FORWARD
        } else {
            REVERSE
        };
        let mine: Vec<&DimensionCost> = rows.iter().filter(|r| r.direction == direction).collect();
        for (sample, name) in [(false, "densities"), (true, "samples")] {
            let pick = |r: &DimensionCost| if sample { r.sample } else { r.density };
            // Densities thick with filled dots, samples thin with open dots.
            let style = colour.stroke_width(if sample { 1 } else { 3 });
            let points: Vec<(f64, f64)> = mine
                .iter()
                .map(|r| (x(r.dim, direction), pick(r).median))
                .collect();
            let flow = if direction == Direction::Maf {
                "MAF"
            } else {
                "IAF"
            };
            let label = format!("{flow} {name}");
            chart
                .draw_series(LineSeries::new(points.clone(), style))
                .map_err(err)?
                .label(label)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], style));
            let marks = points.iter().map(|&p| {
                if sample {
                    Circle::new(p, 4, colour.stroke_width(2))
                } else {
                    Circle::new(p, 4, colour.filled())
                }
            });
            chart.draw_series(marks).map_err(err)?;
            let whiskers = mine.iter().map(|r| {
                let Spread { low, high, .. } = pick(r);
                PathElement::new(
                    vec![(x(r.dim, direction), low), (x(r.dim, direction), high)],
                    colour.stroke_width(1),
                )
            });
            chart.draw_series(whiskers).map_err(err)?;
        }
    }
    legend_and_present(&mut chart, area, SeriesLabelPosition::UpperLeft)
}
