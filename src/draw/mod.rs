//! Drawing only: RGBA bytes for heatmaps, and plotters charts on any backend (the web shell
//! passes a canvas backend). No browser API is used here.

pub mod charts;
pub mod compare;
pub mod composition;
pub mod coordinate_map;
pub mod digits;
pub mod dimension_cost;
pub mod heatmap;
pub mod jacobian;
pub mod mask_matrix;
pub mod masks;
pub mod scaled;
pub mod views;
pub mod warmup;

use plotters::prelude::*;

/// A plotters drawing area on any backend.
pub type Area<'a, DB> = DrawingArea<DB, plotters::coord::Shift>;

/// The whole of `backend` as a drawing area: what the shell hands to every chart.
pub fn area<'a, DB: DrawingBackend>(backend: DB) -> Area<'a, DB> {
    backend.into_drawing_area()
}

/// Data points drawn over the heatmap.
pub const ON_HEATMAP: RGBAColor = RGBAColor(255, 255, 255, 0.7);

/// Samples drawn as squares of 4 pixels over `chart`, each in its own style: a canvas
/// fills a rectangle far faster than an arc, and a panel draws hundreds of them.
fn square_dots<DB: DrawingBackend, S: Into<ShapeStyle>>(
    chart: &mut charts::Chart<DB>,
    dots: impl Iterator<Item = ((f32, f32), S)>,
) -> Result<(), String> {
    let square = |(at, style)| EmptyElement::at(at) + Rectangle::new([(-2, -2), (1, 1)], style);
    chart.draw_series(dots.map(square)).map_err(err)?;
    Ok(())
}

/// A plotters error as text (the shell turns it into a page message).
pub fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("drawing failed: {e:?}")
}

/// Ink for text and axes.
pub const INK: RGBColor = RGBColor(40, 44, 52);
/// Model samples.
pub const MODEL: RGBColor = RGBColor(222, 84, 40);
/// Data points.
pub const DATA: RGBColor = RGBColor(38, 110, 200);
/// The font every chart uses.
pub const FONT: &str = "sans-serif";
/// The size of every chart's text (ticks, legends, axis titles, notes), in CSS pixels: the
/// shell lays charts out in CSS pixels (`scaled`), so this is its size on the page.
pub const TEXT: f64 = 14.0;
/// The size of chart titles, in CSS pixels.
pub const TITLE: f64 = 15.0;
