//! The probe of a 64-D flow: each layer's Jacobian at one image as a picture, rows and
//! columns in the layer's order, so that the entries its ordering forces to zero fill the
//! upper triangle; under each, its `log|det|`, the sum of its log-diagonal.

use super::{err, Area, FONT, INK, TEXT, TITLE};
use crate::views::probe::Probe;
use plotters::prelude::*;

/// An entry its ordering forces to zero.
const FORCED: RGBColor = RGBColor(236, 238, 242);

/// A signed entry on a diverging scale against the largest magnitude `top` (square root,
/// so that the small off-diagonal entries show beside the diagonal).
fn shade(v: f64, top: f64) -> RGBColor {
    let t = (v.abs() / top.max(1e-12)).sqrt().min(1.0);
    let fade = (255.0 * (1.0 - t)).round() as u8;
    if v >= 0.0 {
        RGBColor(255, fade, fade.saturating_sub((40.0 * t) as u8))
    } else {
        RGBColor(fade, fade, 255)
    }
}

/// Draws every layer's Jacobian of `probe`, the density's order (`T_K^-1` first).
pub fn jacobians<DB: DrawingBackend>(area: &Area<DB>, probe: &Probe) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let k = probe.steps.len().max(1);
    let (w, h) = area.dim_in_pixel();
    let gap = 14;
    let side = ((w as i32 - gap * (k as i32 + 1)) / k as i32)
        .min(h as i32 - 70)
        .max(16);
    let font = (FONT, TEXT).into_font().color(&INK);
    let title = (FONT, TITLE).into_font().color(&INK);
    for (n, step) in probe.steps.iter().enumerate() {
        let d = step.order.len();
        let x0 = gap + n as i32 * (side + gap);
        let y0 = 26;
        let cell = side as f64 / d as f64;
        let name = format!("T{}\u{207b}\u{b9}", step.layer);
        area.draw(&Text::new(name, (x0, 4), title.clone()))
            .map_err(err)?;
        let corner = (x0 + side, y0 + side);
        area.draw(&Rectangle::new([(x0, y0), corner], FORCED.filled()))
            .map_err(err)?;
        let top = step.jacobian.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        // Row p is the output at position p of the order, column q the input at position q:
        // only q <= p may be non-zero.
        for (p, &i) in step.order.iter().enumerate() {
            for (q, &j) in step.order.iter().enumerate().take(p + 1) {
                let v = step.jacobian[i * d + j];
                let at = |r: usize, c: usize| {
                    (
                        x0 + (c as f64 * cell).round() as i32,
                        y0 + (r as f64 * cell).round() as i32,
                    )
                };
                let (a, b) = (at(p, q), at(p + 1, q + 1));
                let b = (b.0.max(a.0 + 1), b.1.max(a.1 + 1));
                area.draw(&Rectangle::new([a, b], shade(v, top).filled()))
                    .map_err(err)?;
            }
        }
        let frame = ShapeStyle::from(RGBColor(170, 170, 170)).stroke_width(1);
        area.draw(&Rectangle::new([(x0, y0), corner], frame))
            .map_err(err)?;
        let text = format!("log|det| = {:.3}", step.log_det);
        area.draw(&Text::new(text, (x0, y0 + side + 6), font.clone()))
            .map_err(err)?;
    }
    area.present().map_err(err)
}
