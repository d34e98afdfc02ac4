//! Density grids as RGBA bytes (one `putImageData`, stretched by CSS), in viridis:
//! brightness is proportional to `p(x) / max p` on the grid; non-finite values are zero.

use super::{charts, err, Area, FONT, INK, TEXT};
use crate::numeric::grid::Density;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The colour of zero density, as one RGBA pixel.
pub fn zero() -> [u8; 4] {
    let [r, g, b] = colour(0.0);
    [r, g, b, 255]
}

/// `nx * ny * 4` bytes, row 0 at the top, as `ImageData` takes them.
pub fn rgba(density: &Density) -> Vec<u8> {
    let p: Vec<f64> = density.probabilities().collect();
    let max = p.iter().cloned().fold(0.0, f64::max);
    let mut out = Vec::with_capacity(p.len() * 4);
    for v in p {
        let [r, g, b] = colour(if max > 0.0 { v / max } else { 0.0 });
        out.extend([r, g, b, 255]);
    }
    out
}

/// Width of the colour bar beside the density map (gradient, ticks and labels).
pub const BAR: u32 = 78;
/// Where the colour bar has ticks: shares `t = p / max p` of the brightest cell.
pub const BAR_SHARES: [f64; 5] = [1.0, 0.5, 0.2, 0.1, 0.0];

/// The colour of the share `t = p / max p` (what [`rgba`] paints).
pub fn colour(t: f64) -> [u8; 3] {
    let c = colorous::VIRIDIS.eval_continuous(t.clamp(0.0, 1.0));
    [c.r, c.g, c.b]
}

/// The colour bar's ticks, `(t, log p)` for each of [`BAR_SHARES`]: the colour is linear in
/// `p`, so the share `t` of the brightest cell's density is `log p = max log p + ln t`
/// (`-inf` at the bottom). `None` without a finite density.
pub fn bar_ticks(density: &Density) -> Option<Vec<(f64, f64)>> {
    let top = density
        .log_p
        .iter()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, |m, &v| m.max(v as f64));
    top.is_finite()
        .then(|| BAR_SHARES.iter().map(|&t| (t, top + t.ln())).collect())
}

/// The density map's area and the colour bar's beside it, so that the map's plot is square
/// (`charts::axes` lays its chart out on the first).
pub fn split<'a, DB: DrawingBackend>(area: &Area<'a, DB>) -> (Area<'a, DB>, Area<'a, DB>) {
    let (w, h) = area.dim_in_pixel();
    let margin = 2 * charts::MARGIN;
    let side = w
        .saturating_sub(BAR + charts::Y_AXIS + margin)
        .min(h.saturating_sub(charts::X_AXIS + margin));
    let (map, rest) = area.split_horizontally(side + charts::Y_AXIS + margin);
    let (bar, _) = rest.split_horizontally(BAR);
    (map, bar)
}

/// The colour bar on `bar`, beside a plot whose pixel rows are `rows` (absolute, as
/// `charts::axes` returns them): the gradient from zero density (bottom) to the brightest
/// cell (top), each tick labelled with its `log p`; blank without ticks (no density yet).
pub fn colour_bar<DB: DrawingBackend>(
    bar: &Area<DB>,
    rows: std::ops::Range<i32>,
    ticks: &[(f64, f64)],
) -> Result<(), String> {
    bar.fill(&WHITE).map_err(err)?;
    if ticks.is_empty() {
        return Ok(());
    }
    let y0 = rows.start - bar.get_base_pixel().1;
    let height = (rows.end - rows.start).max(1);
    let (x0, x1) = (4, 18);
    for r in 0..height {
        let t = 1.0 - r as f64 / (height - 1).max(1) as f64;
        let [red, green, blue] = colour(t);
        let style = RGBColor(red, green, blue).filled();
        bar.draw(&Rectangle::new([(x0, y0 + r), (x1, y0 + r + 1)], style))
            .map_err(err)?;
    }
    bar.draw(&Rectangle::new([(x0, y0), (x1, y0 + height)], INK))
        .map_err(err)?;
    let font = (FONT, TEXT).into_font().color(&INK);
    for &(t, log_p) in ticks {
        let y = y0 + ((1.0 - t) * (height - 1) as f64).round() as i32;
        bar.draw(&PathElement::new([(x1, y), (x1 + 4, y)], INK))
            .map_err(err)?;
        let label = if log_p.is_finite() {
            format!("{log_p:.2}")
        } else {
            "p = 0".to_string()
        };
        let anchor = Pos::new(HPos::Left, VPos::Center);
        bar.draw(&Text::new(label, (x1 + 6, y), font.pos(anchor)))
            .map_err(err)?;
    }
    bar.draw(&Text::new("log p(x)", (0, y0 + height + 12), font))
        .map_err(err)
}
