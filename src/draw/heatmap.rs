//! Density grids as RGBA bytes (one `putImageData`, stretched by CSS), in viridis:
//! brightness is proportional to `p(x) / max p` on the grid; non-finite values are zero.

use crate::grid::Density;
use plotters::prelude::*;

/// The colour of zero density, as one RGBA pixel.
pub fn zero() -> [u8; 4] {
    let c = colorous::VIRIDIS.eval_continuous(0.0);
    [c.r, c.g, c.b, 255]
}

/// `nx * ny * 4` bytes, row 0 at the top, as `ImageData` takes them.
pub fn rgba(density: &Density) -> Vec<u8> {
    let p: Vec<f64> = density.probabilities().collect();
    let max = p.iter().cloned().fold(0.0, f64::max);
    let mut out = Vec::with_capacity(p.len() * 4);
    for v in p {
        let t = if max > 0.0 { v / max } else { 0.0 };
        let c = colorous::VIRIDIS.eval_continuous(t.clamp(0.0, 1.0));
        out.extend([c.r, c.g, c.b, 255]);
    }
    out
}

/// A density as plotters cells in the heatmap's colours (brightness `p / max p`), for
/// small maps drawn inside a chart (the composition's stages, the compare view).
pub fn cells<'a>(d: &'a Density) -> impl Iterator<Item = Rectangle<(f32, f32)>> + 'a {
    let g = d.grid;
    let p: Vec<f64> = d.probabilities().collect();
    let max = p.iter().cloned().fold(0.0, f64::max).max(1e-300);
    (0..g.ny).flat_map(move |j| {
        let p = p.clone();
        (0..g.nx).map(move |i| {
            let c = colorous::VIRIDIS.eval_continuous((p[j * g.nx + i] / max).clamp(0.0, 1.0));
            let (x, y) = (g.x(i), g.y(j));
            let (hx, hy) = (g.dx() / 2.0, g.dy() / 2.0);
            Rectangle::new(
                [(x - hx, y - hy), (x + hx, y + hy)],
                RGBColor(c.r, c.g, c.b).filled(),
            )
        })
    })
}
