//! The register block of [`crate::kernels`]' products, `c (4 x m) += panel . b` with the
//! rows of `a` packed four at a time: plain loops that LLVM vectorises, or relaxed SIMD's
//! fused multiply-add in the page's second wasm build (the `relaxed-simd` feature: only the
//! register block is compiled for relaxed SIMD, so only it uses the instructions).

/// Rows per register block.
pub(super) const MR: usize = 4;

pub(super) use kernel::block;

/// The register block, `c (4 x m) += panel . b`, in plain loops that LLVM vectorises
/// (SIMD128 in the browser, SSE/AVX natively): strips of 16 columns natively (eight AVX
/// accumulators: four would wait on each other's latency), then 8, then 4. With the
/// `fma` target feature (a native build for the host, `scripts/bench-native.sh`) each
/// multiply-add is one fused instruction; without it, a multiply and an add.
#[cfg(not(all(target_arch = "wasm32", feature = "relaxed-simd")))]
mod kernel {
    use super::MR;

    /// The widest strip: 8 columns (two `f32x4` per row, 8 of the 16 SIMD128 or SSE
    /// registers), or 16 with AVX (eight 8-lane accumulators; measured: 32 columns in
    /// AVX-512's registers was slower).
    const WIDE: usize = if cfg!(target_feature = "avx") { 16 } else { 8 };

    #[inline(always)]
    fn madd(a: f32, b: f32, c: f32) -> f32 {
        if cfg!(target_feature = "fma") {
            a.mul_add(b, c)
        } else {
            a * b + c
        }
    }

    #[inline(always)]
    fn strip<const N: usize>(panel: &[f32], b: &[f32], c: &mut [f32], m: usize, c0: usize) {
        let mut acc = [[0f32; N]; MR];
        for (av, brow) in panel.chunks_exact(MR).zip(b.chunks_exact(m)) {
            let av: &[f32; MR] = av.try_into().expect("MR tall");
            let bv: &[f32; N] = brow[c0..c0 + N].try_into().expect("N wide");
            for (row, &a) in acc.iter_mut().zip(av) {
                for (x, &y) in row.iter_mut().zip(bv) {
                    *x = madd(a, y, *x);
                }
            }
        }
        for (r, row) in acc.iter().enumerate() {
            let out = &mut c[r * m + c0..r * m + c0 + N];
            for (o, x) in out.iter_mut().zip(row) {
                *o += x;
            }
        }
    }

    #[inline(always)]
    pub fn block(panel: &[f32], b: &[f32], c: &mut [f32], m: usize) {
        let mut c0 = 0;
        while c0 + WIDE <= m {
            strip::<WIDE>(panel, b, c, m, c0);
            c0 += WIDE;
        }
        if WIDE > 8 && c0 + 8 <= m {
            strip::<8>(panel, b, c, m, c0);
            c0 += 8;
        }
        if c0 + 4 <= m {
            strip::<4>(panel, b, c, m, c0);
        }
    }
}

/// The register block on relaxed SIMD's fused multiply-add (`f32x4.relaxed_madd`), for
/// browsers that have it: one instruction per four multiply-adds instead of two. Whether
/// it rounds once or twice is the engine's choice; the tests hold it to dfdx at 1e-5.
/// Strips of 8 columns (two `f32x4` per row), then one of 4.
#[cfg(all(target_arch = "wasm32", feature = "relaxed-simd"))]
mod kernel {
    use super::MR;
    use core::arch::wasm32::{f32x4, f32x4_extract_lane, f32x4_relaxed_madd, f32x4_splat, v128};

    #[inline]
    #[target_feature(enable = "relaxed-simd")]
    fn load(v: &[f32]) -> v128 {
        f32x4(v[0], v[1], v[2], v[3])
    }

    #[inline]
    #[target_feature(enable = "relaxed-simd")]
    fn lanes(v: v128) -> [f32; 4] {
        [
            f32x4_extract_lane::<0>(v),
            f32x4_extract_lane::<1>(v),
            f32x4_extract_lane::<2>(v),
            f32x4_extract_lane::<3>(v),
        ]
    }

    /// Columns `c0 .. c0 + 4 V` of the block, `V` vectors per row.
    #[inline]
    #[target_feature(enable = "relaxed-simd")]
    fn strip<const V: usize>(panel: &[f32], b: &[f32], c: &mut [f32], m: usize, c0: usize) {
        let mut acc = [[f32x4_splat(0.0); V]; MR];
        for (av, brow) in panel.chunks_exact(MR).zip(b.chunks_exact(m)) {
            let bv: [v128; V] = std::array::from_fn(|v| load(&brow[c0 + 4 * v..c0 + 4 * v + 4]));
            for (row, &a) in acc.iter_mut().zip(av) {
                let a = f32x4_splat(a);
                for (x, &y) in row.iter_mut().zip(&bv) {
                    *x = f32x4_relaxed_madd(a, y, *x);
                }
            }
        }
        for (out, row) in c.chunks_exact_mut(m).zip(&acc) {
            let sums = row.iter().flat_map(|&v| lanes(v));
            for (o, x) in out[c0..c0 + 4 * V].iter_mut().zip(sums) {
                *o += x;
            }
        }
    }

    /// Compiled for relaxed SIMD, as is everything it calls (which inlines into it): one
    /// call a block of `k x m` multiply-adds, as a function with a target feature its
    /// callers lack is not inlined into them.
    #[target_feature(enable = "relaxed-simd")]
    pub fn block(panel: &[f32], b: &[f32], c: &mut [f32], m: usize) {
        let mut c0 = 0;
        while c0 + 8 <= m {
            strip::<2>(panel, b, c, m, c0);
            c0 += 8;
        }
        if c0 + 4 <= m {
            strip::<1>(panel, b, c, m, c0);
        }
    }
}
