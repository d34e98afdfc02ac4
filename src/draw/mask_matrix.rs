//! The MADE as matrices, readable at any width: each mask as a grid of cells (a row per unit
//! of its layer, a column per unit of the layer before, both sorted by degree, so that the
//! allowed cells read as a staircase), and their product, which inputs each output sees:
//! strictly triangular in the ordering. A picked coordinate (hover or tap) lights up the
//! units and connections on its outputs' paths back to the inputs.

use super::charts::PixelRect;
use super::masks::degree_colour;
use super::{err, Area, FONT, INK, MODEL, TEXT};
use crate::flow::masks::{on_paths, reach, Mask};
use plotters::prelude::*;

/// An allowed connection.
const ON: RGBColor = RGBColor(62, 70, 98);
/// An allowed connection off the picked paths.
const FADED: RGBColor = RGBColor(196, 201, 214);
/// A cell the mask forbids.
const OFF: RGBColor = RGBColor(240, 242, 246);
/// Height of the titles above the matrices (three lines: the name, the shape, the rule).
const TITLE: i32 = 58;
/// Space between matrices: room for the degrees `m` left of each one's rows.
const GAP: f64 = 30.0;
/// Least height between two degree labels.
const LABEL_GAP: f64 = 17.0;

/// Where the picture can be picked or read: a rectangle whose rows, top to bottom, belong
/// to these coordinates (an output's coordinate is its unit index mod `D`; a hidden layer's
/// rows belong to none) and have these degrees.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// The rectangle in the area's pixels (absolute, as plotters gives them).
    pub rect: PixelRect,
    /// The coordinate of each row (empty for a hidden layer: nothing to pick).
    pub rows: Vec<usize>,
    /// What the rows are (`hidden layer 1`, `outputs`, `outputs (product)`).
    pub what: String,
    /// The degree of each row: a hidden unit's `m(k)`, an output's coordinate's place.
    pub degrees: Vec<usize>,
}

impl Zone {
    /// The row under a point of the area's pixels, if the point is inside.
    pub fn row_at(&self, x: f64, y: f64) -> Option<usize> {
        let (xs, ys) = (&self.rect.0, &self.rect.1);
        let inside = (xs.start as f64..xs.end as f64).contains(&x)
            && (ys.start as f64..ys.end as f64).contains(&y);
        let n = self.degrees.len();
        let row = (y - ys.start as f64) / (ys.end - ys.start).max(1) as f64 * n as f64;
        (inside && n > 0).then_some((row as usize).min(n - 1))
    }
}

/// `0..n` sorted by `key` (then by index).
fn sorted(n: usize, key: impl Fn(usize) -> usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&u| (key(u), u));
    order
}

/// Runs of equal degree in `order` (units sorted by degree): `(first position, end
/// position, a unit of the run)`.
fn runs(order: &[usize], degrees: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for (p, &u) in order.iter().enumerate() {
        match out.last_mut() {
            Some(run) if degrees[run.2] == degrees[u] => run.1 = p + 1,
            _ => out.push((p, p + 1, u)),
        }
    }
    out
}

/// The boxes' widths: in proportion to the masks' columns within `room`, none narrower
/// than a title where there is room.
fn box_widths(masks: &[Mask], room: f64) -> Vec<f64> {
    let least = (room / masks.len().max(1) as f64).min(56.0);
    let mut narrow = vec![false; masks.len()];
    loop {
        let fixed = narrow.iter().filter(|&&n| n).count() as f64 * least;
        let cols: usize = masks
            .iter()
            .zip(&narrow)
            .filter(|(_, &n)| !n)
            .map(|(m, _)| m.cols)
            .sum();
        let unit = (room - fixed).max(0.0) / cols.max(1) as f64;
        let widths: Vec<f64> = masks
            .iter()
            .zip(&narrow)
            .map(|(m, &n)| if n { least } else { m.cols as f64 * unit })
            .collect();
        match widths.iter().position(|&w| w < least) {
            Some(k) if !narrow[k] => narrow[k] = true,
            _ => return widths,
        }
    }
}

/// Draws the masks and their product on `area`, `pick` (a coordinate) lit; returns the
/// zones that pick a coordinate (the product's rows and the output mask's rows).
pub fn matrices<DB: DrawingBackend>(
    area: &Area<DB>,
    degrees: &[Vec<usize>],
    masks: &[Mask],
    pick: Option<usize>,
) -> Result<Vec<Zone>, String> {
    area.fill(&WHITE).map_err(err)?;
    let d = degrees[0].len();
    let outputs = masks.last().map_or(0, |m| m.rows);
    let mut units: Vec<Vec<usize>> = degrees.to_vec();
    units.push((0..outputs).map(|u| degrees[0][u % d]).collect());
    let order: Vec<Vec<usize>> = units.iter().map(|c| sorted(c.len(), |u| c[u])).collect();
    // The units on the picked coordinate's paths (every block of its outputs).
    let lit: Option<Vec<Vec<bool>>> = pick.filter(|&p| p < d).map(|p| {
        let mut on = on_paths(masks, p);
        for o in (p + d..outputs).step_by(d) {
            for (a, b) in on.iter_mut().zip(on_paths(masks, o)) {
                a.iter_mut().zip(b).for_each(|(x, y)| *x |= y);
            }
        }
        on
    });
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as f64, h as f64);
    let (base_x, base_y) = area.get_base_pixel();
    let font = (FONT, TEXT).into_font().color(&INK);
    // The product gets a square of its own on the right, labelled rows and columns.
    let label = 28.0;
    let side = (0.3 * w).min(h - TITLE as f64 - label - 24.0).max(24.0);
    let left = w - side - label - 4.0;
    // Each mask in a box of the full height; widths in proportion to their columns, but at
    // least wide enough for a title (a 64x2 mask is a tall, readable box, not a line).
    let widths = box_widths(masks, left - GAP * (masks.len() + 1) as f64);
    let top = TITLE as f64;
    let height = (h - top - 8.0).max(8.0);
    let mut zones = Vec::new();
    let mut x = GAP;
    for (l, (m, &bw)) in masks.iter().zip(&widths).enumerate() {
        let name = if l + 1 == masks.len() {
            "M out".to_string()
        } else {
            format!("M{}", l + 1)
        };
        let shape = format!("{}x{}", m.rows, m.cols);
        for (line, text) in [name, shape].into_iter().enumerate() {
            let at = (x as i32 - 6, 2 + 18 * line as i32);
            area.draw(&Text::new(text, at, font.clone())).map_err(err)?;
        }
        // The rule that made the mask: a hidden unit sees the units of degree at most its
        // own; an output of coordinate i, the units of degree below m(x_i).
        let rule = if l + 1 == masks.len() {
            "m(x)>m"
        } else {
            "m\u{2032}\u{2265}m"
        };
        let at = (x as i32 - 6, 2 + 36);
        area.draw(&Text::new(rule, at, font.clone())).map_err(err)?;
        let (cw, ch) = (bw / m.cols as f64, height / m.rows as f64);
        let px = |v: f64| v.round() as i32;
        // Sorted by degree, a mask is constant on blocks of equal degrees (a mask entry and
        // a unit's place on the paths depend only on degrees): one rectangle per block, at
        // most D x D of them however wide the layers.
        let (row_runs, col_runs) = (
            runs(&order[l + 1], &units[l + 1]),
            runs(&order[l], &units[l]),
        );
        let mut labelled = f64::NEG_INFINITY;
        for &(r0, r1, r) in &row_runs {
            for &(c0, c1, c) in &col_runs {
                let allowed = m.get(r, c);
                let colour = match (&lit, allowed) {
                    (_, false) => OFF,
                    (None, true) => ON,
                    (Some(on), true) if on[l][c] && on[l + 1][r] => MODEL,
                    (Some(_), true) => FADED,
                };
                let (x0, y0) = (x + c0 as f64 * cw, top + r0 as f64 * ch);
                let (x1, y1) = (x + c1 as f64 * cw, top + r1 as f64 * ch);
                let corner = (px(x1).max(px(x0) + 1), px(y1).max(px(y0) + 1));
                area.draw(&Rectangle::new([(px(x0), px(y0)), corner], colour.filled()))
                    .map_err(err)?;
            }
            // The units' degree, as a coloured strip left of their rows.
            let (y0, y1) = (top + r0 as f64 * ch, top + r1 as f64 * ch);
            let strip = [(px(x - 6.0), px(y0)), (px(x - 2.0), px(y1).max(px(y0) + 1))];
            let colour = degree_colour(units[l + 1][r], d);
            area.draw(&Rectangle::new(strip, colour.filled()))
                .map_err(err)?;
            // The degree m(k) of the run, where there is room for its label.
            let mid = (y0 + y1) / 2.0;
            if mid - labelled >= LABEL_GAP && y1 - top <= height + 0.5 {
                labelled = mid;
                let text = units[l + 1][r].to_string();
                let at = (px(x - 8.0) - 8 * text.len() as i32, px(mid) - 8);
                area.draw(&Text::new(text, at, font.clone())).map_err(err)?;
            }
        }
        let rect = (
            base_x + px(x)..base_x + px(x + bw),
            base_y + px(top)..base_y + px(top + height),
        );
        let output = l + 1 == masks.len();
        zones.push(Zone {
            rect,
            rows: if output {
                order[l + 1].iter().map(|&u| u % d).collect()
            } else {
                Vec::new()
            },
            what: if output {
                "outputs".into()
            } else {
                format!("hidden layer {}", l + 1)
            },
            degrees: order[l + 1].iter().map(|&u| units[l + 1][u]).collect(),
        });
        x += bw + GAP;
    }
    // The product: output coordinate (rows) sees input (columns), both in the ordering.
    let seen = reach(masks);
    let by_degree = sorted(d, |i| degrees[0][i]);
    let (px, py) = (w - side - 4.0, TITLE as f64 + label);
    let step = side / d as f64;
    for (line, text) in ["sees", "(product)"].into_iter().enumerate() {
        let at = ((px - label) as i32, 2 + 18 * line as i32);
        area.draw(&Text::new(text, at, font.clone())).map_err(err)?;
    }
    for (ri, &o) in by_degree.iter().enumerate() {
        for (ci, &i) in by_degree.iter().enumerate() {
            let colour = match (seen[o][i], pick) {
                (false, _) => OFF,
                (true, Some(p)) if p == o => MODEL,
                (true, Some(_)) => FADED,
                (true, None) => ON,
            };
            let (x0, y0) = (px + ci as f64 * step, py + ri as f64 * step);
            // Cells apart while they are large enough to show a gap.
            let inset = i32::from(step >= 4.0);
            let rect = [
                (x0 as i32 + inset, y0 as i32 + inset),
                ((x0 + step) as i32 - inset, (y0 + step) as i32 - inset),
            ];
            area.draw(&Rectangle::new(rect, colour.filled()))
                .map_err(err)?;
            if ri == ci {
                area.draw(&Rectangle::new(rect, INK.stroke_width(1)))
                    .map_err(err)?;
            }
        }
        if d <= 12 {
            let name = format!("x{}", o + 1);
            let mid = (py + (ri as f64 + 0.5) * step) as i32;
            area.draw(&Text::new(
                name.clone(),
                ((px - label) as i32, mid - 8),
                font.clone(),
            ))
            .map_err(err)?;
            let at = (
                (px + (ri as f64 + 0.5) * step) as i32 - 8,
                (py - 18.0) as i32,
            );
            area.draw(&Text::new(name, at, font.clone())).map_err(err)?;
        }
    }
    let rect = (
        base_x + px as i32..base_x + (px + side) as i32,
        base_y + py as i32..base_y + (py + side) as i32,
    );
    zones.push(Zone {
        rect,
        what: "outputs (product)".into(),
        degrees: by_degree.iter().map(|&i| degrees[0][i]).collect(),
        rows: by_degree,
    });
    area.present().map_err(err)?;
    Ok(zones)
}
