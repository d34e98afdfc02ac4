//! The fast engine's arithmetic: the products of MADE's masked layers, forward and
//! backward (`y = act(x (W*M)^T + b)`), as plain loops over row-major slices, blocked 4 rows x 4 to 16 columns so that LLVM turns them
//! into SIMD: `v128` (SIMD128) in the browser, SSE/AVX natively. No `unsafe`; the plain
//! loops are the portable path, and a build with relaxed SIMD (the page's second wasm,
//! for browsers that have it) swaps in fused multiply-adds for the register block. dfdx
//! stays the reference: the tests hold the fused step and the plan that use these to
//! dfdx's loss, gradients, densities and samples.

mod register_block;
use register_block::{block, MR};

/// Products whose width is a multiple of this (one `f32x4`) take the blocked path
/// without padding.
pub const BLOCK_WIDTH: usize = 4;

/// `c (n x m) += a (n x k) . b (k x m)`, all row-major. Narrow products (`m` not a
/// multiple of 4, like the output layer's `2D` columns) run on zero-padded copies, so every
/// product takes the vectorised path.
pub fn matmul_acc(a: &[f32], b: &[f32], c: &mut [f32], n: usize, k: usize, m: usize) {
    assert!(
        a.len() >= n * k && b.len() >= k * m && c.len() >= n * m,
        "matmul_acc: shapes"
    );
    let mut s = Scratch::default();
    if m.is_multiple_of(BLOCK_WIDTH) {
        return matmul_into(Left::Rows(a), b, c, (n, k, m), &mut s);
    }
    let wide = m.next_multiple_of(BLOCK_WIDTH);
    let bp = pad_columns(&b[..k * m], m, wide);
    let mut cp = pad_columns(&c[..n * m], m, wide);
    matmul_into(Left::Rows(a), &bp, &mut cp, (n, k, wide), &mut s);
    for (dst, src) in c.chunks_exact_mut(m).zip(cp.chunks_exact(wide)) {
        dst.copy_from_slice(&src[..m]);
    }
}

/// Row-major `a` with `cols` columns, widened to `wide` columns by zeros on the right.
pub fn pad_columns(a: &[f32], cols: usize, wide: usize) -> Vec<f32> {
    let mut out = vec![0.0; a.len() / cols * wide];
    for (dst, src) in out.chunks_exact_mut(wide).zip(a.chunks_exact(cols)) {
        dst[..cols].copy_from_slice(src);
    }
    out
}

/// Reusable buffers of the blocked product (the packed rows of `a`, a last partial block),
/// so that a caller that multiplies every step allocates nothing.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    panel: Vec<f32>,
    spare: Vec<f32>,
}

/// The left operand of a product `c (n x m) += A . b`.
#[derive(Debug, Clone, Copy)]
pub enum Left<'a> {
    /// `A = a`, row-major `n x k`.
    Rows(&'a [f32]),
    /// `A = a^T` for row-major `a (k x n)`: a weight gradient `x^T dy` with no transposed
    /// copy (the packing reads `a` by rows).
    Transposed(&'a [f32]),
}

/// `c (n x m) += A . b (k x m)`, all row-major, `m` a multiple of 4 (a caller pads its
/// buffers once), with the caller's scratch.
pub fn matmul_into(
    left: Left,
    b: &[f32],
    c: &mut [f32],
    (n, k, m): (usize, usize, usize),
    s: &mut Scratch,
) {
    match left {
        Left::Rows(a) => {
            let pack = |r0: usize, rows: usize, panel: &mut [f32]| {
                for r in 0..rows {
                    for (p, v) in panel
                        .chunks_exact_mut(MR)
                        .zip(&a[(r0 + r) * k..(r0 + r + 1) * k])
                    {
                        p[r] = *v;
                    }
                }
            };
            blocked(pack, a.len(), (b, c), (n, k, m), s);
        }
        Left::Transposed(a) => {
            let pack = |r0: usize, rows: usize, panel: &mut [f32]| {
                for (i, p) in panel.chunks_exact_mut(MR).enumerate() {
                    let src = &a[i * n + r0..i * n + r0 + rows];
                    // A full group as one fixed-size copy: a copy of a run-time length is a call
                    // to memmove for four floats (measured: 5 % of a native step).
                    match (<&mut [f32; MR]>::try_from(p), <&[f32; MR]>::try_from(src)) {
                        (Ok(p), Ok(src)) => *p = *src,
                        (Ok(p), Err(_)) => p[..rows].copy_from_slice(src),
                        (Err(_), _) => unreachable!("chunks of MR"),
                    }
                }
            };
            blocked(pack, a.len(), (b, c), (n, k, m), s);
        }
    }
}

/// The product for `m` a multiple of [`BLOCK_WIDTH`], four rows of `a` at a time, packed by `pack(r0,
/// rows, panel)` as `panel[i * MR + r] = a[r0 + r][i]`, so the inner loop reads both
/// operands front to back with no bounds checks. A last partial group runs as a
/// zero-padded full one, so every row takes the same instructions: a row's result does not
/// depend on where it sits in the batch, to the last bit.
fn blocked(
    pack: impl Fn(usize, usize, &mut [f32]),
    a_len: usize,
    (b, c): (&[f32], &mut [f32]),
    (n, k, m): (usize, usize, usize),
    s: &mut Scratch,
) {
    assert!(
        m.is_multiple_of(BLOCK_WIDTH) && a_len >= n * k && b.len() >= k * m && c.len() >= n * m,
        "blocked product: shapes"
    );
    s.panel.resize(k * MR, 0.0);
    for r0 in (0..n).step_by(MR) {
        let rows = MR.min(n - r0);
        if rows < MR {
            s.panel.fill(0.0);
        }
        pack(r0, rows, &mut s.panel);
        let out = &mut c[r0 * m..(r0 + rows) * m];
        if rows == MR {
            block(&s.panel, b, out, m);
        } else {
            s.spare.clear();
            s.spare.extend_from_slice(out);
            s.spare.resize(MR * m, 0.0);
            block(&s.panel, b, &mut s.spare, m);
            out.copy_from_slice(&s.spare[..rows * m]);
        }
    }
}

/// `n` copies of `row`, one after another (a bias broadcast to every row).
pub fn repeat_rows(row: &[f32], n: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(row.len() * n);
    for _ in 0..n {
        out.extend_from_slice(row);
    }
    out
}

/// `a^T` for row-major `a (rows x cols)`.
pub fn transpose(a: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut t = vec![0.0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = a[r * cols + c];
        }
    }
    t
}

/// What a masked layer applies to `x (W*M)^T + b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// `max(0, v)`: MADE's hidden layers.
    Relu,
    /// `v`: the output layer (`s` and `t`).
    Identity,
}

impl Activation {
    /// Applies the activation in place.
    pub fn apply(self, y: &mut [f32]) {
        if self == Activation::Relu {
            y.iter_mut().for_each(|v| *v = v.max(0.0));
        }
    }
}
