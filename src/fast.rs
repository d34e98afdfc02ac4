//! The fast path for MADE's masked layers: `y = act(x (W*M)^T + b)` and its backward as
//! plain loops over row-major slices, blocked 4 rows x 8 columns so that LLVM turns them
//! into SIMD: `v128` (SIMD128) in the browser, SSE/AVX natively. No `unsafe`, no
//! intrinsics: the same source is the portable fallback. dfdx stays the reference: the
//! tests hold this path to dfdx's loss and gradients.

/// Rows per register block.
const MR: usize = 4;
/// Columns per register block (two `f32x4`).
const NR: usize = 8;

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
    let mut bp = vec![0.0; k * wide];
    for (dst, src) in bp.chunks_exact_mut(wide).zip(b.chunks_exact(m)) {
        dst[..m].copy_from_slice(src);
    }
    let mut cp = vec![0.0; n * wide];
    for (dst, src) in cp.chunks_exact_mut(wide).zip(c.chunks_exact(m)) {
        dst[..m].copy_from_slice(src);
    }
    blocked(a, &bp, &mut cp, n, k, wide);
    for (dst, src) in c.chunks_exact_mut(m).zip(cp.chunks_exact(wide)) {
        dst.copy_from_slice(&src[..m]);
    }
}

/// [`matmul_acc`] for `m` a multiple of `NR`: 4 x 8 register blocks, then leftover rows.
fn blocked(a: &[f32], b: &[f32], c: &mut [f32], n: usize, k: usize, m: usize) {
    let tall = n - n % MR;
    let mut panel = vec![0f32; k * MR];
    for r0 in (0..tall).step_by(MR) {
        // Pack the block's rows of `a` interleaved, `panel[i * MR + r] = a[r0 + r][i]`, so the
        // inner loop reads both operands front to back with no bounds checks.
        for (i, p) in panel.chunks_exact_mut(MR).enumerate() {
            for (r, v) in p.iter_mut().enumerate() {
                *v = a[(r0 + r) * k + i];
            }
        }
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
                let out = &mut c[(r0 + r) * m + c0..(r0 + r) * m + c0 + NR];
                for (o, x) in out.iter_mut().zip(row) {
                    *o += x;
                }
            }
        }
    }
    // Leftover rows sum from zero and add once, as the blocks do: a row's result does not
    // depend on where it sits in the batch, to the last bit.
    let mut acc = vec![0f32; m];
    for r in tall..n {
        acc.fill(0.0);
        for (&av, brow) in a[r * k..(r + 1) * k].iter().zip(b.chunks_exact(m)) {
            for (x, y) in acc.iter_mut().zip(brow) {
                *x += av * y;
            }
        }
        for (o, x) in c[r * m..(r + 1) * m].iter_mut().zip(&acc) {
            *o += x;
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

/// Forward of one masked layer: `y = act(x (W*M)^T + b)`, `x (n x in)`, `wm = W*M (out x in)`.
pub fn layer_forward(
    x: &[f32],
    wm: &[f32],
    bias: &[f32],
    n: usize,
    inp: usize,
    out: usize,
    relu: bool,
) -> Vec<f32> {
    let mut y = repeat_rows(bias, n);
    matmul_acc(x, &transpose(wm, out, inp), &mut y, n, inp, out);
    if relu {
        y.iter_mut().for_each(|v| *v = v.max(0.0));
    }
    y
}

/// Gradients of one masked layer given `dy`: `(dx, dW*M, db)`. With `relu`, `y` is the
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
    relu: bool,
) -> LayerGrads {
    let dz: Vec<f32> = if relu {
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
