//! Shorthands for the runtime-shaped dfdx tensors every module uses.

use dfdx::prelude::*;

/// The CPU device (seeded, so every draw is reproducible).
pub type Dev = Cpu;
/// A `(rows, cols)` matrix, optionally carrying an autodiff tape.
pub type Mat<T = NoneTape> = Tensor<(usize, usize), f32, Dev, T>;
/// A vector of `n` values, optionally carrying an autodiff tape.
pub type Col<T = NoneTape> = Tensor<(usize,), f32, Dev, T>;

/// A device whose random draws all follow from `seed`.
pub fn device(seed: u64) -> Dev {
    Cpu::seed_from_u64(seed)
}

/// The values of a parameter tensor, row-major, copied in one go (dfdx's `as_vec` walks
/// the tensor an element at a time, which in the page's size-built wasm costs more than the
/// matrix products). Parameter tensors are always contiguous; a view whose storage differs
/// in length from its shape panics rather than give wrong values.
pub fn values<S: Shape, T>(t: &Tensor<S, f32, Dev, T>) -> Vec<f32> {
    let mut out = vec![0.0; t.shape().num_elements()];
    t.copy_into(&mut out);
    out
}

/// `rows x dim` row-major values as a matrix.
pub fn matrix(dev: &Dev, values: Vec<f32>, dim: usize) -> Mat {
    let rows = values.len() / dim.max(1);
    dev.tensor_from_vec(values, (rows, dim))
}

/// Sums each row: `(n, d) -> (n,)`.
pub fn row_sum<T: Tape<f32, Dev>>(x: Mat<T>) -> Col<T> {
    x.sum::<(usize,), Axis<1>>()
}

/// `log N(z; 0, I)` per row: `-|z|^2 / 2 - (d / 2) ln 2 pi`.
pub fn log_normal<T: Tape<f32, Dev>>(z: Mat<T>) -> Col<T> {
    let d = z.shape().1 as f32;
    row_sum(z.square()) * -0.5 - d * super::normal::HALF_LN_2PI as f32
}

/// Column `j` of `x` as `(n, 1)`, as `x e_j` with a constant one-hot `e_j`. Unlike a slice
/// this may be taken many times: dfdx 0.13's slice backward *assigns* the input gradient
/// instead of adding to it, so a second slice of the same tensor would erase the first's.
pub fn column<T: Tape<f32, Dev>>(x: Mat<T>, j: usize) -> Mat<T> {
    let d = x.shape().1;
    let mut e = vec![0.0; d];
    e[j] = 1.0;
    let e_j: Mat = x.device().tensor_from_vec(e, (d, 1));
    x.matmul(e_j)
}
