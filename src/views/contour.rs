//! Contour lines of a density grid: the levels that enclose given shares of its mass
//! (highest-density regions), and the lines where the density crosses a level (marching
//! squares, linear along each cell edge, chained into polylines).

use crate::numeric::grid::Density;
use std::collections::HashMap;

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

/// The lines where `density.log_p` crosses `level`: each cell of four neighbouring grid
/// points is cut along its edges (a saddle cell pairs its crossings in edge order), and
/// the cells' pieces are chained into polylines through the edges they share (a closed
/// line ends where it starts). Each crossing is computed once per grid edge, so
/// neighbouring cells meet at the same point.
pub fn contour(density: &Density, level: f32) -> Vec<Vec<(f32, f32)>> {
    let g = density.grid;
    let v = |i: usize, j: usize| density.log_p[j * g.nx + i];
    // The crossing on the edge from corner (i, j) right (`up` false) or up (`up` true),
    // keyed by that edge.
    let crossing = |i: usize, j: usize, up: bool| {
        let (k, l) = if up { (i, j + 1) } else { (i + 1, j) };
        let (va, vb) = (v(i, j), v(k, l));
        if !(va.is_finite() && vb.is_finite()) || (va >= level) == (vb >= level) {
            return None;
        }
        let t = (level - va) / (vb - va);
        let (xa, ya) = (g.x(i), g.y(j));
        let point = (xa + t * (g.x(k) - xa), ya + t * (g.y(l) - ya));
        Some((2 * (j * g.nx + i) + usize::from(up), point))
    };
    // Each cell's pieces, as pairs of edge keys; the point of each key.
    let mut pieces: Vec<[usize; 2]> = Vec::new();
    let mut points = HashMap::new();
    for j in 0..g.ny.saturating_sub(1) {
        for i in 0..g.nx.saturating_sub(1) {
            // The edges in order around the cell: bottom, right, top, left.
            let edges = [
                (i, j, false),
                (i + 1, j, true),
                (i, j + 1, false),
                (i, j, true),
            ];
            let hits: Vec<_> = edges
                .iter()
                .filter_map(|&(a, b, up)| crossing(a, b, up))
                .collect();
            for pair in hits.chunks_exact(2) {
                pieces.push([pair[0].0, pair[1].0]);
                points.extend([pair[0], pair[1]]);
            }
        }
    }
    chain(&pieces)
        .into_iter()
        .map(|keys| keys.iter().map(|k| points[k]).collect())
        .collect()
}

/// Chains pieces `[a, b]` that share an end (each end in at most two pieces) into runs
/// of ends: open runs from their loose ends first, then the closed loops.
fn chain(pieces: &[[usize; 2]]) -> Vec<Vec<usize>> {
    let mut at: HashMap<usize, Vec<usize>> = HashMap::new();
    for (n, piece) in pieces.iter().enumerate() {
        for &end in piece {
            at.entry(end).or_default().push(n);
        }
    }
    let mut used = vec![false; pieces.len()];
    let mut runs = Vec::new();
    let loose = pieces
        .iter()
        .enumerate()
        .flat_map(|(n, p)| p.iter().map(move |&e| (n, e)))
        .filter(|(_, e)| at[e].len() == 1);
    let starts: Vec<_> = loose
        .chain(pieces.iter().enumerate().map(|(n, p)| (n, p[0])))
        .collect();
    for (first, from) in starts {
        if used[first] {
            continue;
        }
        let (mut piece, mut end) = (first, from);
        let mut run = vec![end];
        loop {
            used[piece] = true;
            let [a, b] = pieces[piece];
            end = if a == end { b } else { a };
            run.push(end);
            match at[&end].iter().find(|&&n| !used[n]) {
                Some(&next) => piece = next,
                None => break,
            }
        }
        runs.push(run);
    }
    runs
}
