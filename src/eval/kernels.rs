//! The fast path for MADE's masked layers: `y = act(x (W*M)^T + b)` and its backward as
//! plain loops over row-major slices, blocked 4 rows x 8 columns so that LLVM turns them
//! into SIMD: `v128` (SIMD128) in the browser, SSE/AVX natively. No `unsafe`; the plain
//! loops are the portable path, and a build with relaxed SIMD (the page's second wasm,
//! for browsers that have it) swaps in fused multiply-adds for the register block. dfdx
//! stays the reference: the tests hold this path to dfdx's loss and gradients.

/// Rows per register block.
const MR: usize = 4;
/// Columns per register block (two `f32x4`).
const NR: usize = 8;
/// Products whose width is a multiple of this take the blocked path without padding.
pub const BLOCK_WIDTH: usize = NR;

/// `c (n x m) += a (n x k) . b (k x m)`, all row-major. Narrow products (`m` not a
/// multiple of 8, like the output layer's `2D` columns) run on zero-padded copies, so every
/// product takes the vectorised path.
pub fn matmul_acc(a: &[f32], b: &[f32], c: &mut [f32], n: usize, k: usize, m: usize) {
    assert!(
        a.len() >= n * k && b.len() >= k * m && c.len() >= n * m,
        "matmul_acc: shapes"
    );
    if m.is_multiple_of(NR) {
        return blocked(a, b, c, n, k, m);
    }
    let wide = m.next_multiple_of(NR);
    let bp = pad_columns(&b[..k * m], m, wide);
    let mut cp = pad_columns(&c[..n * m], m, wide);
    blocked(a, &bp, &mut cp, n, k, wide);
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

/// [`matmul_acc`] for `m` a multiple of `NR`, four rows of `a` at a time. A last partial
/// group runs as a zero-padded full one, so every row takes the same instructions: a row's
/// result does not depend on where it sits in the batch, to the last bit.
fn blocked(a: &[f32], b: &[f32], c: &mut [f32], n: usize, k: usize, m: usize) {
    let mut panel = vec![0f32; k * MR];
    let mut spare = Vec::new();
    for r0 in (0..n).step_by(MR) {
        let rows = MR.min(n - r0);
        // Pack the rows of `a` interleaved, `panel[i * MR + r] = a[r0 + r][i]`, so the
        // inner loop reads both operands front to back with no bounds checks.
        if rows < MR {
            panel.fill(0.0);
        }
        for r in 0..rows {
            for (p, v) in panel
                .chunks_exact_mut(MR)
                .zip(&a[(r0 + r) * k..(r0 + r + 1) * k])
            {
                p[r] = *v;
            }
        }
        let out = &mut c[r0 * m..(r0 + rows) * m];
        if rows == MR {
            kernel::block(&panel, b, out, m);
        } else {
            spare.clear();
            spare.extend_from_slice(out);
            spare.resize(MR * m, 0.0);
            kernel::block(&panel, b, &mut spare, m);
            out.copy_from_slice(&spare[..rows * m]);
        }
    }
}

/// The register block, `c (4 x m) += panel . b`, in plain loops that LLVM vectorises
/// (SIMD128 in the browser, SSE/AVX natively).
#[cfg(not(all(target_arch = "wasm32", target_feature = "relaxed-simd")))]
mod kernel {
    use super::{MR, NR};

    #[inline(always)]
    pub fn block(panel: &[f32], b: &[f32], c: &mut [f32], m: usize) {
        for c0 in (0..m).step_by(NR) {
            let mut acc = [[0f32; NR]; MR];
            for (av, brow) in panel.chunks_exact(MR).zip(b.chunks_exact(m)) {
                let av: &[f32; MR] = av.try_into().expect("MR tall");
                let bv: &[f32; NR] = brow[c0..c0 + NR].try_into().expect("NR wide");
                for (row, a) in acc.iter_mut().zip(av) {
                    for (x, y) in row.iter_mut().zip(bv) {
                        *x += a * y;
                    }
                }
            }
            for (r, row) in acc.iter().enumerate() {
                let out = &mut c[r * m + c0..r * m + c0 + NR];
                for (o, x) in out.iter_mut().zip(row) {
                    *o += x;
                }
            }
        }
    }
}

/// The register block on relaxed SIMD's fused multiply-add (`f32x4.relaxed_madd`), for
/// browsers that have it: one instruction per four multiply-adds instead of two. Whether
/// it rounds once or twice is the engine's choice; the tests hold it to dfdx at 1e-5.
#[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
mod kernel {
    use super::{MR, NR};
    use core::arch::wasm32::{f32x4, f32x4_extract_lane, f32x4_relaxed_madd, f32x4_splat, v128};

    #[inline(always)]
    fn load(v: &[f32]) -> v128 {
        f32x4(v[0], v[1], v[2], v[3])
    }

    #[inline(always)]
    fn lanes(v: v128) -> [f32; 4] {
        [
            f32x4_extract_lane::<0>(v),
            f32x4_extract_lane::<1>(v),
            f32x4_extract_lane::<2>(v),
            f32x4_extract_lane::<3>(v),
        ]
    }

    #[inline(always)]
    pub fn block(panel: &[f32], b: &[f32], c: &mut [f32], m: usize) {
        for c0 in (0..m).step_by(NR) {
            let mut acc = [[f32x4_splat(0.0); 2]; MR];
            for (av, brow) in panel.chunks_exact(MR).zip(b.chunks_exact(m)) {
                let bv = &brow[c0..c0 + NR];
                let (b0, b1) = (load(&bv[..4]), load(&bv[4..]));
                for (row, &a) in acc.iter_mut().zip(av) {
                    let a = f32x4_splat(a);
                    row[0] = f32x4_relaxed_madd(a, b0, row[0]);
                    row[1] = f32x4_relaxed_madd(a, b1, row[1]);
                }
            }
            for (out, row) in c.chunks_exact_mut(m).zip(&acc) {
                let sums = row.iter().flat_map(|&v| lanes(v));
                for (o, x) in out[c0..c0 + NR].iter_mut().zip(sums) {
                    *o += x;
                }
            }
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

/// Forward of one masked layer: `y = act(x (W*M)^T + b)`, `x (n x in)`, `wm = W*M (out x in)`.
pub fn layer_forward(
    x: &[f32],
    wm: &[f32],
    bias: &[f32],
    n: usize,
    inp: usize,
    out: usize,
    act: Activation,
) -> Vec<f32> {
    let mut y = repeat_rows(bias, n);
    matmul_acc(x, &transpose(wm, out, inp), &mut y, n, inp, out);
    act.apply(&mut y);
    y
}

/// Gradients of one masked layer given `dy`: `(dx, dW*M, db)`. With ReLU, `y` is the
/// layer's output and `dy` is masked by `y > 0` first.
pub struct LayerGrads {
    /// `dL/dx`, `n x in`.
    pub dx: Vec<f32>,
    /// `dL/dW`, `out x in`, zero where the mask is 0.
    pub dw: Vec<f32>,
    /// `dL/db`, `out`.
    pub db: Vec<f32>,
}

/// The backward pass of [`layer_forward`].
#[allow(clippy::too_many_arguments)]
pub fn layer_backward(
    x: &[f32],
    wm: &[f32],
    mask: &[f32],
    y: &[f32],
    dy: &[f32],
    n: usize,
    inp: usize,
    out: usize,
    act: Activation,
) -> LayerGrads {
    let dz: Vec<f32> = if act == Activation::Relu {
        dy.iter()
            .zip(y)
            .map(|(g, v)| if *v > 0.0 { *g } else { 0.0 })
            .collect()
    } else {
        dy.to_vec()
    };
    let mut db = vec![0.0; out];
    for row in dz.chunks_exact(out) {
        db.iter_mut().zip(row).for_each(|(b, g)| *b += g);
    }
    let mut dw = vec![0.0; out * inp];
    matmul_acc(&transpose(&dz, n, out), x, &mut dw, out, n, inp);
    dw.iter_mut().zip(mask).for_each(|(g, m)| *g *= m);
    let mut dx = vec![0.0; n * inp];
    matmul_acc(&dz, wm, &mut dx, n, out, inp);
    LayerGrads { dx, dw, db }
}
