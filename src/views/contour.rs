//! Contour lines of a density grid: the levels that enclose given shares of its mass
//! (highest-density regions), and the line segments where the density crosses a level
//! (marching squares, linear along each cell edge).

use crate::numeric::grid::Density;

/// A segment `[(x1, x2), (x1, x2)]`.
pub type Segment = [(f32, f32); 2];

/// The log-density levels whose superlevel sets hold `shares` of the grid's mass (each in
/// `(0, 1)`), in the same order: the cells sorted from the densest down, the level of the
/// cell where the running mass passes the share.
pub fn mass_levels(density: &Density, shares: &[f64]) -> Vec<f32> {
    let mut cells: Vec<(f32, f64)> = density
        .log_p
        .iter()
        .zip(density.probabilities())
        .filter(|(l, _)| l.is_finite())
        .map(|(&l, p)| (l, p))
        .collect();
    cells.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f64 = cells.iter().map(|c| c.1).sum();
    shares
        .iter()
        .map(|&share| {
            let mut acc = 0.0;
            cells
                .iter()
                .find(|c| {
                    acc += c.1;
                    acc >= share * total
                })
                .or(cells.last())
                .map_or(f32::NEG_INFINITY, |c| c.0)
        })
        .collect()
}

/// The segments where `density.log_p` crosses `level`, each cell of four neighbouring grid
/// points cut along its edges (a saddle cell pairs its crossings in edge order).
pub fn contour(density: &Density, level: f32) -> Vec<Segment> {
    let g = density.grid;
    let v = |i: usize, j: usize| density.log_p[j * g.nx + i];
    let mut out = Vec::new();
    for j in 0..g.ny.saturating_sub(1) {
        for i in 0..g.nx.saturating_sub(1) {
            // Corners in order around the cell, and the crossing on each edge.
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let mut hits = Vec::with_capacity(4);
            for e in 0..4 {
                let (a, b) = (corners[e], corners[(e + 1) % 4]);
                let (va, vb) = (v(a.0, a.1), v(b.0, b.1));
                if !(va.is_finite() && vb.is_finite()) || (va >= level) == (vb >= level) {
                    continue;
                }
                let t = (level - va) / (vb - va);
                let (xa, ya) = (g.x(a.0), g.y(a.1));
                let (xb, yb) = (g.x(b.0), g.y(b.1));
                hits.push((xa + t * (xb - xa), ya + t * (yb - ya)));
            }
            for pair in hits.chunks_exact(2) {
                out.push([pair[0], pair[1]]);
            }
        }
    }
    out
}
