//! MADE's connectivity as plain data: degrees and masks (Germain et al., ICML 2015).
//!
//! Input `i` has degree `m0(i)` = its 1-based position in the ordering. Hidden unit `k` of
//! layer `l` has a degree `m_l(k)` in `[min m_{l-1}, D - 1]`. A hidden connection `j -> k`
//! exists iff `m_l(k) >= m_{l-1}(j)`; an output connection iff `m_out(i) > m_L(k)` (strict),
//! so output `i` sees only the inputs before `i` in the ordering.

use crate::{Error, Result};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};

/// How the inputs are ordered for the autoregression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordering {
    /// `x1, x2, ..., xD`.
    Natural,
    /// `xD, ..., x2, x1`.
    Reversed,
    /// A permutation drawn from the seed.
    Random(u64),
}

/// How hidden degrees are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HiddenDegrees {
    /// Uniform in `[min of previous layer, D - 1]`, drawn from the seed (the MADE paper).
    Random(u64),
    /// Spread evenly over `[min of previous layer, D - 1]`: cycled through every degree when
    /// the layer is at least as wide as that range, else one per equal part of it.
    Deterministic,
}

/// A 0/1 connectivity matrix, `rows = outputs`, `cols = inputs`, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mask {
    /// Number of output units.
    pub rows: usize,
    /// Number of input units.
    pub cols: usize,
    /// `allowed[r * cols + c]`: may input `c` feed output `r`?
    pub allowed: Vec<bool>,
}

impl Mask {
    /// May input `c` feed output `r`?
    pub fn get(&self, r: usize, c: usize) -> bool {
        self.allowed[r * self.cols + c]
    }

    /// The mask as 0.0 / 1.0 values, the layout a weight tensor takes.
    pub fn to_f32(&self) -> Vec<f32> {
        self.allowed
            .iter()
            .map(|&a| if a { 1.0 } else { 0.0 })
            .collect()
    }
}

/// `order[p]` = the input at position `p` of the autoregression.
pub fn ordering(dim: usize, ordering: Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..dim).collect();
    match ordering {
        Ordering::Natural => {}
        Ordering::Reversed => order.reverse(),
        Ordering::Random(seed) => order.shuffle(&mut StdRng::seed_from_u64(seed)),
    }
    order
}

/// Input degrees `m0(i)`: `1 + position of input i in the ordering`.
pub fn input_degrees(order: &[usize]) -> Vec<usize> {
    let mut degrees = vec![0; order.len()];
    for (position, &input) in order.iter().enumerate() {
        degrees[input] = position + 1;
    }
    degrees
}

/// Degrees of every layer: `[m0 (inputs), m1, ..., mL]`, with `hidden[l]` units in layer `l+1`.
pub fn degrees(order: &[usize], hidden: &[usize], rule: HiddenDegrees) -> Result<Vec<Vec<usize>>> {
    let dim = order.len();
    if dim < 2 {
        return Err(Error::Invalid(
            "dimension",
            format!("MADE needs D >= 2, got {dim}"),
        ));
    }
    if let Some(&w) = hidden.iter().find(|&&w| w == 0) {
        return Err(Error::Invalid(
            "hidden widths",
            format!("every width must be >= 1, got {w}"),
        ));
    }
    let mut sorted = order.to_vec();
    sorted.sort_unstable();
    if sorted != (0..dim).collect::<Vec<_>>() {
        return Err(Error::Invalid(
            "ordering",
            format!("{order:?} is not a permutation"),
        ));
    }
    let mut rng = match rule {
        HiddenDegrees::Random(seed) => Some(StdRng::seed_from_u64(seed)),
        HiddenDegrees::Deterministic => None,
    };
    let mut layers = vec![input_degrees(order)];
    for &width in hidden {
        let low = *layers.last().and_then(|l| l.iter().min()).unwrap_or(&1);
        let high = dim - 1;
        let span = high - low + 1;
        let layer = (0..width)
            .map(|k| match rng.as_mut() {
                Some(rng) => rng.gen_range(low..=high),
                // Every degree equally often, or, in a layer narrower than the range, the
                // midpoints of `width` equal parts of it: spread over [low, D - 1] either way.
                None if width >= span => low + k % span,
                None => low + (2 * k + 1) * span / (2 * width),
            })
            .collect();
        layers.push(layer);
    }
    Ok(layers)
}

/// The masks of a MADE with these degrees and `blocks` outputs per input (`(s, t)` of an
/// affine layer: 2; a spline's `3K - 1`): `blocks x D` units, output `j` belonging to input
/// `j mod D`. Hidden layers use `>=`, the output layer strict `>`.
pub fn masks(degrees: &[Vec<usize>], blocks: usize) -> Vec<Mask> {
    let inputs = &degrees[0];
    let mut out: Vec<Mask> = degrees
        .windows(2)
        .map(|w| connect(&w[1], &w[0], |o, i| o >= i))
        .collect();
    let outputs: Vec<usize> = inputs
        .iter()
        .copied()
        .cycle()
        .take(blocks * inputs.len())
        .collect();
    let last = degrees.last().unwrap_or(inputs);
    out.push(connect(&outputs, last, |o, i| o > i));
    out
}

fn connect(out: &[usize], inp: &[usize], allowed: impl Fn(usize, usize) -> bool) -> Mask {
    Mask {
        rows: out.len(),
        cols: inp.len(),
        allowed: out
            .iter()
            .flat_map(|&o| inp.iter().map(move |&i| (o, i)))
            .map(|(o, i)| allowed(o, i))
            .collect(),
    }
}

/// Which inputs each output can see through all the masks: `reach[o][i]` (the product of
/// the masks). For a correct MADE, output `o` reaches input `i` only if `m0(i) < m0(o mod D)`.
pub fn reach(masks: &[Mask]) -> Vec<Vec<bool>> {
    let first = &masks[0];
    let mut reach: Vec<Vec<bool>> = (0..first.rows)
        .map(|r| (0..first.cols).map(|c| first.get(r, c)).collect())
        .collect();
    for mask in &masks[1..] {
        reach = (0..mask.rows)
            .map(|r| {
                let mut row = vec![false; first.cols];
                for (k, prev) in reach.iter().enumerate() {
                    if mask.get(r, k) {
                        row.iter_mut().zip(prev).for_each(|(a, &b)| *a |= b);
                    }
                }
                row
            })
            .collect();
    }
    reach
}

/// The units on a path from some input to output `output`, column by column (`[inputs,
/// hidden 1, ..., outputs]`): what output `output` depends on, and through which units.
/// A unit is on such a path when an input reaches it and it reaches the output.
pub fn on_paths(masks: &[Mask], output: usize) -> Vec<Vec<bool>> {
    let Some(first) = masks.first() else {
        return Vec::new();
    };
    // Forward: which units some input reaches (every input reaches itself).
    let mut from_inputs = vec![vec![true; first.cols]];
    for m in masks {
        let prev = from_inputs.last().cloned().unwrap_or_default();
        let row = (0..m.rows)
            .map(|r| (0..m.cols).any(|c| prev[c] && m.get(r, c)))
            .collect();
        from_inputs.push(row);
    }
    // Backward: which units reach the output.
    let last = masks.len();
    let mut to_output = vec![Vec::new(); last + 1];
    to_output[last] = (0..masks[last - 1].rows).map(|r| r == output).collect();
    for (l, m) in masks.iter().enumerate().rev() {
        let next = &to_output[l + 1];
        to_output[l] = (0..m.cols)
            .map(|c| (0..m.rows).any(|r| next[r] && m.get(r, c)))
            .collect();
    }
    from_inputs
        .iter()
        .zip(&to_output)
        .map(|(a, b)| a.iter().zip(b).map(|(&x, &y)| x && y).collect())
        .collect()
}
