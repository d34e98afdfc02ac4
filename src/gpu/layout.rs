//! A flow as flat arrays for a compute shader, and that shader's source: the pure half of
//! the WebGPU backend (`device.rs` only moves these to the device and back).
//!
//! The shader (`flow.wgsl`) computes, per point and per invocation, exactly what
//! [`crate::eval::Plan`] computes per row: a MADE pass is `h <- relu(W h + b)` with the masked
//! weights, a direct pass is `y = u a + t`, a solve runs the `D` passes (the first from the
//! output biases alone). The CPU stays the definition of the right answer; the browser
//! tests hold the shader to it.

use crate::flow::scale::{softplus_shift, SOFTPLUS_FLOOR, TANH_BOUND};
use crate::flow::{Direction, Flow};
use crate::numeric::grid::Grid;
use crate::numeric::normal::HALF_LN_2PI;
use crate::numeric::tensor::values;

/// Points per workgroup (the shader's `@workgroup_size`).
pub const WORKGROUP: u32 = 64;

/// What one dispatch computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `log p` at the given points.
    LogProb = 0,
    /// `x = T(z)` and `log q(x)` from the given latent points.
    Push = 1,
    /// `log p` at the cell centres of a grid (generated in the shader: no points cross).
    Grid = 2,
}

/// A flow packed for the shader.
///
/// `meta` (u32): `[D, K, offset of layer 0, ..., offset of layer K-1, layer records...]`;
/// a layer record is `[direction (0 MAF, 1 IAF), scale (0 exp, 1 tanh, 2 softplus), first
/// input of the ordering, number of masked layers L, then L x [in, out, weight offset,
/// bias offset]]`. `params` (f32) holds each masked layer's `W * M` (row-major `out x in`)
/// and its bias, at those offsets.
#[derive(Debug, Clone, PartialEq)]
pub struct Packed {
    /// Shapes and offsets.
    pub meta: Vec<u32>,
    /// Masked weights and biases.
    pub params: Vec<f32>,
    /// The widest activation a pass holds: the shader's private arrays are this long.
    pub max_width: usize,
    /// The dimension `D`.
    pub dim: usize,
}

/// The magnitude every value a point carries in the shader stays below (2^64: past it the
/// prior's `z^2` overflows f32); a point that would pass it is flagged as overflowed.
pub const VALUE_BOUND: f32 = 18_446_744_073_709_551_616.0;
/// The magnitude every parameter stays within for the shader (2^50), so that a MADE sum of
/// at most [`crate::flow::config::MAX_WIDTH`] products stays below 2^124: finite.
pub const PARAM_BOUND: f32 = 1_125_899_906_842_624.0;

/// The largest f32 whose `exp` is finite in f32 (just below `ln(f32::MAX)`, which rounds
/// up to a value whose `exp` overflows): the shader's bound on `exp`'s argument.
pub fn exp_max() -> f32 {
    let mut x = f32::MAX.ln();
    while !x.exp().is_finite() {
        x = f32::from_bits(x.to_bits() - 1);
    }
    x
}

/// Whether the shader computes `flow`: affine layers on the `N(0, I)` base, every parameter
/// within [`PARAM_BOUND`]. Spline layers and a learnable base are computed on the CPU (the
/// page says so), and so are flows with wilder parameters.
pub fn fits(flow: &Flow) -> bool {
    flow.base.is_none()
        && flow.layers.iter().all(|l| l.scale().is_some())
        && flow.parameters().iter().all(|p| p.abs() <= PARAM_BOUND)
}

/// Packs `flow`'s current parameters (a flow that [`fits`]).
pub fn pack(flow: &Flow) -> Packed {
    let dim = flow.dim();
    let k = flow.layers.len();
    let mut meta = vec![dim as u32, k as u32];
    meta.resize(2 + k, 0);
    let mut params = Vec::new();
    let mut max_width = 2 * dim;
    for (i, layer) in flow.layers.iter().enumerate() {
        meta[2 + i] = meta.len() as u32;
        meta.extend([
            match layer.direction {
                Direction::Maf => 0,
                Direction::Iaf => 1,
            },
            layer.scale().expect("an affine layer (see `fits`)").code(),
            layer.made.first_input() as u32,
            layer.made.layers.len() as u32,
        ]);
        for m in &layer.made.layers {
            let (out, inp) = (m.mask.rows, m.mask.cols);
            max_width = max_width.max(out).max(inp);
            let w = params.len();
            params.extend(m.masked_weight());
            let b = params.len();
            params.extend(values(&m.bias));
            meta.extend([inp as u32, out as u32, w as u32, b as u32]);
        }
    }
    Packed {
        meta,
        params,
        max_width,
        dim,
    }
}

/// The job of one dispatch, as the shader's uniform block (8 x 4 bytes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Job {
    /// What to compute.
    pub mode: Mode,
    /// Points (or grid cells).
    pub n: u32,
    /// Grid columns ([`Mode::Grid`]).
    pub nx: u32,
    /// The window's left edge ([`Mode::Grid`]).
    pub x0: f32,
    /// The window's top edge (row 0 is the top, as in [`Grid`]).
    pub y1: f32,
    /// Cell width.
    pub dx: f32,
    /// Cell height.
    pub dy: f32,
}

impl Job {
    /// `log p` on every cell of `grid`.
    pub fn grid(grid: &Grid) -> Job {
        Job {
            mode: Mode::Grid,
            n: (grid.nx * grid.ny) as u32,
            nx: grid.nx as u32,
            x0: grid.window.x0,
            y1: grid.window.y1,
            dx: grid.dx(),
            dy: grid.dy(),
        }
    }

    /// `n` points of the given mode ([`Mode::LogProb`] or [`Mode::Push`]).
    pub fn points(mode: Mode, n: usize) -> Job {
        Job {
            mode,
            n: n as u32,
            nx: 0,
            x0: 0.0,
            y1: 0.0,
            dx: 0.0,
            dy: 0.0,
        }
    }

    /// The uniform block's bytes (little-endian, as WebGPU reads them).
    pub fn bytes(&self) -> Vec<u8> {
        le_bytes([
            self.n,
            self.mode as u32,
            self.nx,
            0,
            self.x0.to_bits(),
            self.y1.to_bits(),
            self.dx.to_bits(),
            self.dy.to_bits(),
        ])
    }

    /// Workgroups to dispatch.
    pub fn workgroups(&self) -> u32 {
        self.n.div_ceil(WORKGROUP)
    }

    /// f32 values the shader writes: `log p` per point, or `x` (`n x D`) then `log q`.
    pub fn outputs(&self, dim: usize) -> usize {
        match self.mode {
            Mode::Push => self.n as usize * (dim + 1),
            Mode::LogProb | Mode::Grid => self.n as usize,
        }
    }
}

/// What the shader writes for a point whose arithmetic left f32's range (WGSL has no NaN
/// constant, and may assume overflow away): [`read_outputs`] makes it NaN.
pub const OVERFLOWED: f32 = -f32::MAX;

/// The shader's outputs as the CPU path gives them: [`OVERFLOWED`] becomes NaN.
pub fn read_outputs(mut values: Vec<f32>) -> Vec<f32> {
    values
        .iter_mut()
        .filter(|v| **v == OVERFLOWED)
        .for_each(|v| *v = f32::NAN);
    values
}

/// 32-bit words as the little-endian bytes WebGPU reads (`f32`s via `to_bits`).
pub fn le_bytes(words: impl IntoIterator<Item = u32>) -> Vec<u8> {
    words.into_iter().flat_map(u32::to_le_bytes).collect()
}

/// The WGSL source for flows whose widest activation is `max_width` and dimension `dim`:
/// `flow.wgsl` with its array sizes and the scale constants filled in from the core's.
pub fn shader(max_width: usize, dim: usize) -> String {
    include_str!("flow.wgsl")
        .replace("{MAX_WIDTH}", &max_width.to_string())
        .replace("{MAX_DIM}", &dim.to_string())
        .replace("{WORKGROUP}", &WORKGROUP.to_string())
        .replace("{HALF_LN_2PI}", &wgsl_float(HALF_LN_2PI as f32))
        .replace("{TANH_BOUND}", &wgsl_float(TANH_BOUND))
        .replace("{SOFTPLUS_FLOOR}", &wgsl_float(SOFTPLUS_FLOOR))
        .replace("{SOFTPLUS_SHIFT}", &wgsl_float(softplus_shift()))
        .replace("{BOUND}", &wgsl_float(VALUE_BOUND))
        .replace("{EXP_MAX}", &wgsl_float(exp_max()))
        .replace("{F32_MAX}", &wgsl_float(f32::MAX))
        .replace("{OVERFLOWED}", &wgsl_float(OVERFLOWED))
}

/// An f32 constant with exactly these bits.
fn wgsl_float(v: f32) -> String {
    format!("bitcast<f32>({:#010x}u)", v.to_bits())
}
