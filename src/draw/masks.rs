//! The MADE connectivity diagram: one column of units per layer, units sorted and coloured
//! by degree, an edge wherever the mask is 1. Outputs are `s_i` and `t_i` for each input.

use super::{err, Area, FONT, INK, TEXT};
use crate::flow::masks::Mask;
use plotters::prelude::*;

/// A unit of the diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Horizontal position in `[0, 1]` (the column).
    pub x: f64,
    /// Vertical position in `[0, 1]` (0 at the top).
    pub y: f64,
    /// The unit's degree (for outputs: the degree of its input).
    pub degree: usize,
    /// A label for inputs and outputs, empty for hidden units.
    pub label: String,
}

/// Units and edges, positions in the unit square.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    /// Every unit, column by column.
    pub nodes: Vec<Node>,
    /// `(from, to)` indices into `nodes`, one per mask entry that is 1.
    pub edges: Vec<(usize, usize)>,
    /// Output units that see no input at all (a bias only).
    pub bias_only: Vec<usize>,
}

/// Lays out a MADE with these degrees (`[m0, m1, ..]`) and masks.
pub fn layout(degrees: &[Vec<usize>], masks: &[Mask]) -> Diagram {
    let d = degrees[0].len();
    // Outputs in blocks of D: `(s, t)` of an affine layer, a spline's 3K - 1 numbers.
    let outputs = masks.last().map_or(2 * d, |m| m.rows);
    let out_degrees: Vec<usize> = degrees[0].iter().copied().cycle().take(outputs).collect();
    let mut columns: Vec<Vec<usize>> = degrees.to_vec();
    columns.push(out_degrees);
    let n_cols = columns.len();
    let mut nodes = Vec::new();
    let mut index: Vec<Vec<usize>> = Vec::new();
    for (c, col) in columns.iter().enumerate() {
        // Sort units by degree so that the ordering reads top to bottom.
        let mut order: Vec<usize> = (0..col.len()).collect();
        order.sort_by_key(|&u| (col[u], u));
        let mut slot = vec![0; col.len()];
        for (rank, &u) in order.iter().enumerate() {
            slot[u] = rank;
        }
        let mut ids = Vec::with_capacity(col.len());
        for (u, &m) in col.iter().enumerate() {
            let label = if c == 0 {
                format!("x{}", u + 1)
            } else if c == n_cols - 1 && outputs == 2 * d {
                format!("{}{}", if u < d { "s" } else { "t" }, u % d + 1)
            } else if c == n_cols - 1 && u < d {
                // A spline's numbers: one label per coordinate.
                format!("\u{3b8}{}", u + 1)
            } else {
                String::new()
            };
            ids.push(nodes.len());
            nodes.push(Node {
                x: c as f64 / (n_cols - 1) as f64,
                y: (slot[u] as f64 + 0.5) / col.len() as f64,
                degree: m,
                label,
            });
        }
        index.push(ids);
    }
    let mut edges = Vec::new();
    for (l, mask) in masks.iter().enumerate() {
        for r in 0..mask.rows {
            for c in 0..mask.cols {
                if mask.get(r, c) {
                    edges.push((index[l][c], index[l + 1][r]));
                }
            }
        }
    }
    let last = masks.last().expect("a MADE has an output mask");
    let bias_only = (0..last.rows)
        .filter(|&r| (0..last.cols).all(|c| !last.get(r, c)))
        .map(|r| index[n_cols - 1][r])
        .collect();
    Diagram {
        nodes,
        edges,
        bias_only,
    }
}

/// Most hidden units of a layer the diagram draws: a wider layer shows this many, spread
/// evenly over its degrees (tens of thousands of edges would take the page a third of a
/// second to draw, and read as a solid block).
pub const SHOWN_UNITS: usize = 32;

/// The MADE restricted to at most [`SHOWN_UNITS`] units per hidden layer, picked evenly in
/// degree order; its masks are the full masks' rows and columns of the units kept (a mask
/// entry depends only on the two degrees).
pub fn thinned(degrees: &[Vec<usize>], masks: &[Mask]) -> (Vec<Vec<usize>>, Vec<Mask>) {
    let outputs = masks.last().map_or(0, |m| m.rows);
    let mut kept: Vec<Vec<usize>> = degrees.iter().map(|col| (0..col.len()).collect()).collect();
    kept.push((0..outputs).collect());
    for (col, k) in degrees.iter().zip(&mut kept).skip(1) {
        if col.len() > SHOWN_UNITS {
            let mut order: Vec<usize> = (0..col.len()).collect();
            order.sort_by_key(|&u| (col[u], u));
            *k = (0..SHOWN_UNITS)
                .map(|i| order[(2 * i + 1) * col.len() / (2 * SHOWN_UNITS)])
                .collect();
            k.sort();
        }
    }
    let degrees = degrees
        .iter()
        .zip(&kept)
        .map(|(col, k)| k.iter().map(|&u| col[u]).collect())
        .collect();
    let masks = masks
        .iter()
        .enumerate()
        .map(|(l, m)| {
            let (rows, cols) = (&kept[l + 1], &kept[l]);
            Mask {
                rows: rows.len(),
                cols: cols.len(),
                allowed: rows
                    .iter()
                    .flat_map(|&r| cols.iter().map(move |&c| m.get(r, c)))
                    .collect(),
            }
        })
        .collect();
    (degrees, masks)
}

/// A distinct colour per degree `1..=D`.
pub fn degree_colour(degree: usize, dim: usize) -> RGBColor {
    let t = if dim <= 1 {
        0.0
    } else {
        (degree.saturating_sub(1)) as f64 / (dim - 1) as f64
    };
    let c = colorous::PLASMA.eval_continuous(0.1 + 0.75 * t);
    RGBColor(c.r, c.g, c.b)
}

/// The radius of a hidden unit that carries its degree.
const NUMBERED_RADIUS: i32 = 9;

/// Draws the diagram with column titles, each hidden unit's degree where it fits, and the
/// rule of the masks under it.
pub fn draw<DB: DrawingBackend>(
    area: &Area<DB>,
    degrees: &[Vec<usize>],
    masks: &[Mask],
) -> Result<(), String> {
    area.fill(&WHITE).map_err(err)?;
    let (w, h) = area.dim_in_pixel();
    let widths: Vec<usize> = degrees.iter().map(Vec::len).collect();
    let (degrees, masks) = &thinned(degrees, masks);
    let diagram = layout(degrees, masks);
    let dim = degrees[0].len();
    let thin = widths.iter().any(|&n| n > SHOWN_UNITS);
    // The rule under the units, and the thinned layers' note under that.
    let (left, right, top, bottom) = (44.0, 56.0, 24.0, if thin { 44.0 } else { 28.0 });
    let px = |n: &Node| {
        (
            (left + n.x * (w as f64 - left - right)) as i32,
            (top + n.y * (h as f64 - top - bottom)) as i32,
        )
    };
    let faint = diagram.edges.len() > 600;
    for &(a, b) in &diagram.edges {
        let colour =
            degree_colour(diagram.nodes[a].degree, dim).mix(if faint { 0.18 } else { 0.55 });
        area.draw(&PathElement::new(
            vec![px(&diagram.nodes[a]), px(&diagram.nodes[b])],
            colour,
        ))
        .map_err(err)?;
    }
    let columns = degrees.len() + 1;
    // Hidden units spaced widely enough carry their degree m(k) in a larger dot.
    let tallest = degrees.iter().map(Vec::len).max().unwrap_or(1).max(2);
    let spacing = (h as f64 - top - bottom) / (tallest - 1) as f64;
    let numbered = spacing >= 2.0 * NUMBERED_RADIUS as f64 + 1.0;
    let radius = if diagram.nodes.len() > 150 { 2 } else { 5 };
    let digits = (FONT, TEXT).into_font().color(&WHITE);
    for (i, n) in diagram.nodes.iter().enumerate() {
        let (x, y) = px(n);
        let colour = degree_colour(n.degree, dim);
        let bias_only = diagram.bias_only.contains(&i);
        let style = if bias_only {
            WHITE.filled()
        } else {
            colour.filled()
        };
        let hidden = n.label.is_empty();
        let r = if hidden && numbered {
            NUMBERED_RADIUS
        } else {
            radius
        };
        area.draw(&Circle::new((x, y), r, style)).map_err(err)?;
        if hidden && numbered {
            let text = n.degree.to_string();
            let at = (x - 4 * text.len() as i32, y - 8);
            area.draw(&Text::new(text, at, digits.clone()))
                .map_err(err)?;
        }
        if bias_only {
            area.draw(&Circle::new((x, y), radius, colour.stroke_width(2)))
                .map_err(err)?;
        }
        if !n.label.is_empty() {
            let right_side = n.x > 0.5;
            let text = format!("{} ({})", n.label, n.degree);
            let pos = if right_side {
                (x + 8, y - 6)
            } else {
                (x - 42, y - 6)
            };
            area.draw(&Text::new(text, pos, (FONT, TEXT).into_font().color(&INK)))
                .map_err(err)?;
        }
    }
    for c in 0..columns {
        let title = if c == 0 {
            "inputs".to_string()
        } else if c == columns - 1 {
            "outputs".to_string()
        } else {
            format!("hidden {c}")
        };
        let x = (left + c as f64 / (columns - 1) as f64 * (w as f64 - left - right)) as i32;
        if let Some(&n) = widths.get(c).filter(|&&n| c > 0 && n > SHOWN_UNITS) {
            let shown = format!("{SHOWN_UNITS} of {n} shown");
            let at = (x - 34, h as i32 - 34);
            area.draw(&Text::new(shown, at, (FONT, TEXT).into_font().color(&INK)))
                .map_err(err)?;
        }
        area.draw(&Text::new(
            title,
            (x - 20, 4),
            (FONT, TEXT).into_font().color(&INK),
        ))
        .map_err(err)?;
    }
    // The rule that drew every edge: a hidden unit takes the units of degree at most its
    // own, an output of x_i those of degree below m(x_i).
    let rule = "edge if m\u{2032} \u{2265} m (hidden), m(x) > m (output)";
    let at = (left as i32 - 36, h as i32 - 18);
    area.draw(&Text::new(rule, at, (FONT, TEXT).into_font().color(&INK)))
        .map_err(err)?;
    area.present().map_err(err)
}
