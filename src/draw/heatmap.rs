//! Density grids as RGBA bytes (one `putImageData`, stretched by CSS), in viridis:
//! brightness is proportional to `p(x) / max p` on the grid; non-finite values are zero.

use crate::grid::Density;

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
