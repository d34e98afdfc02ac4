//! One autoregressive layer's pass on slices, with its backward written out: the direct
//! map (one MADE pass) or the solve (`D` passes), as [`crate::flow::layer`] computes them.
//!
//! The solve's first pass needs no product (as in [`crate::eval::plan`]): only the first
//! coordinate of the ordering becomes exact, from the output biases alone. The others keep
//! their input's value; no later output reads them (the masks give them no path), so the
//! result and every gradient are those of the full passes.

use super::made::{Acts, SliceMade, Work};
use crate::flow::layer::{ArLayer, Direction, Towards};
use crate::flow::spline::Spline;
use crate::flow::spline_grad::coordinate_backward;
use crate::flow::transformer::Transformer;

/// A layer on slices.
#[derive(Debug, Clone)]
pub(super) struct SliceLayer {
    pub(super) made: SliceMade,
    tau: Transformer,
    direction: Direction,
    /// The input at position 1 of the ordering.
    first: usize,
    dim: usize,
}

/// What a pass keeps for its backward, reused from step to step.
#[derive(Debug, Clone, Default)]
pub(super) struct PassState {
    input: Vec<f32>,
    pub(super) output: Vec<f32>,
    /// Each row's `log|det|`.
    pub(super) log_det: Vec<f32>,
    /// The full MADE passes: one for the direct map, `D - 1` for a solve.
    acts: Vec<Acts>,
    /// A solve's intermediate inputs `u_1 .. u_{D-1}`.
    roots: Vec<Vec<f32>>,
    /// Each pass's maps: `[0]` the direct map's, or a solve's first pass's (coordinate
    /// `first` of every row), then passes `2 .. D`.
    coefs: Vec<Coefs>,
    solve: bool,
    n: usize,
    /// Gradient buffers: the raw outputs', the intermediate inputs'.
    draw: Vec<f32>,
    gu: Vec<f32>,
    gprev: Vec<f32>,
    gy: Vec<f32>,
}

/// Each coordinate's map as a pass worked it out, kept for the backward: an affine map's
/// `ln a`, `a`, `d ln a / ds`, or a spline.
#[derive(Debug, Clone, Default)]
struct Coefs {
    affine: Vec<[f32; 3]>,
    splines: Vec<Spline>,
}

impl Coefs {
    fn clear(&mut self) {
        self.affine.clear();
        self.splines.clear();
    }

    /// Coordinate `i`'s map (`inverse`: its inverse) at `v` from one row of raw outputs:
    /// the output and `log|det|`; the map is kept.
    fn push(
        &mut self,
        tau: Transformer,
        row: &[f32],
        (i, d): (usize, usize),
        v: f32,
        inverse: bool,
    ) -> (f32, f32) {
        match tau {
            Transformer::Affine(scale) => {
                let [ls, a, dls] = scale.log_scale_parts(row[i]);
                self.affine.push([ls, a, dls]);
                match inverse {
                    false => (v * a + row[d + i], ls),
                    true => ((v - row[d + i]) / a, -ls),
                }
            }
            Transformer::Spline { .. } => {
                let s = tau.spline(row, i, d);
                let out = if inverse { s.inverse(v) } else { s.forward(v) };
                self.splines.push(s);
                out
            }
        }
    }

    /// The backward of the `j`-th [`Self::push`]: from the output's gradient `gy` and the
    /// log-determinant's `gl`, adds the raw numbers' gradient to `grow` and returns the
    /// input's.
    #[allow(clippy::too_many_arguments)]
    fn back(
        &self,
        j: usize,
        tau: Transformer,
        (row, grow): (&[f32], &mut [f32]),
        (i, d): (usize, usize),
        (v, out): (f32, f32),
        (gy, gl): (f32, f32),
        inverse: bool,
    ) -> f32 {
        if let Transformer::Spline { .. } = tau {
            let x = if inverse { out } else { v };
            return coordinate_backward(
                &self.splines[j],
                (row, grow),
                (i, d),
                x,
                (gy, gl),
                inverse,
            );
        }
        let [_, a, dls] = self.affine[j];
        if inverse {
            // out = (v - t) / a, log|det| = -ln a.
            let gv = gy / a;
            grow[d + i] -= gv;
            grow[i] += (-gy * out - gl) * dls;
            gv
        } else {
            // out = v a + t, log|det| = ln a.
            grow[d + i] += gy;
            grow[i] += (gy * v * a + gl) * dls;
            gy * a
        }
    }
}

impl SliceLayer {
    /// `layer`'s layout, its parameters and gradient at `*param` and `*grad`.
    pub(super) fn new(layer: &ArLayer, param: &mut usize, grad: &mut usize) -> SliceLayer {
        SliceLayer {
            made: SliceMade::new(&layer.made, param, grad),
            tau: layer.transformer,
            direction: layer.direction,
            first: layer.made.first_input(),
            dim: layer.made.dim,
        }
    }

    /// Every coordinate of `v` through its map from `raw` (rows of `width`) into `out`,
    /// the maps kept in `coefs`, each row's `log|det|` into `ld` (if given).
    fn each(
        &self,
        (v, raw): (&[f32], &[f32]),
        out: &mut Vec<f32>,
        coefs: &mut Coefs,
        mut ld: Option<&mut Vec<f32>>,
        inverse: bool,
    ) {
        let d = self.dim;
        out.clear();
        coefs.clear();
        if let Some(ld) = ld.as_deref_mut() {
            ld.clear();
        }
        for (vr, row) in v.chunks_exact(d).zip(raw.chunks_exact(self.made.width)) {
            let mut sum = 0.0;
            for (i, &x) in vr.iter().enumerate() {
                let (y, l) = coefs.push(self.tau, row, (i, d), x, inverse);
                out.push(y);
                sum += l;
            }
            if let Some(ld) = ld.as_deref_mut() {
                ld.push(sum);
            }
        }
    }

    /// The pass `towards` the prior or the data on `u` (`n x D`): its output and `log|det|`
    /// land in `st`, with what the backward needs.
    pub(super) fn forward(
        &self,
        u: &[f32],
        n: usize,
        towards: Towards,
        st: &mut PassState,
        w: &mut Work,
    ) {
        let d = self.dim;
        st.n = n;
        st.solve = self.direction.solves(towards);
        st.input.clear();
        st.input.extend_from_slice(u);
        let passes = if st.solve { d - 1 } else { 1 };
        st.acts.resize_with(passes, Acts::default);
        st.coefs.resize_with(d, Coefs::default);
        if !st.solve {
            self.made.forward(u, n, &mut st.acts[0], &mut w.scratch);
            let ins = (u, st.acts[0].raw());
            self.each(
                ins,
                &mut st.output,
                &mut st.coefs[0],
                Some(&mut st.log_det),
                false,
            );
            return;
        }
        st.roots.resize_with(d - 1, Vec::new);
        let bias = self.made.output_bias();
        let (first, coefs) = (&mut st.roots[0], &mut st.coefs[0]);
        first.clear();
        first.extend_from_slice(u);
        coefs.clear();
        for row in first.chunks_exact_mut(d) {
            row[self.first] = coefs
                .push(self.tau, bias, (self.first, d), row[self.first], true)
                .0;
        }
        for p in 2..=d {
            let (before, rest) = st.roots.split_at_mut(p - 1);
            self.made
                .forward(&before[p - 2], n, &mut st.acts[p - 2], &mut w.scratch);
            let ins = (u, st.acts[p - 2].raw());
            if p < d {
                self.each(ins, &mut rest[0], &mut st.coefs[p - 1], None, true);
            } else {
                self.each(
                    ins,
                    &mut st.output,
                    &mut st.coefs[p - 1],
                    Some(&mut st.log_det),
                    true,
                );
            }
        }
    }

    /// The backward of the pass in `st`, from its output's gradient `gout` (`n x D`) and
    /// `gl` for every row's `log|det|`: adds to the step's gradient `grad` and, if asked,
    /// the input's gradient to `gin`.
    pub(super) fn backward(
        &self,
        st: &mut PassState,
        (gout, gl): (&[f32], f32),
        grad: &mut [f32],
        gin: Option<&mut [f32]>,
        w: &mut Work,
    ) {
        let (d, n, width) = (self.dim, st.n, self.made.width);
        let tau = self.tau;
        if !st.solve {
            let (raw, coefs) = (st.acts[0].raw(), &st.coefs[0]);
            st.draw.clear();
            st.draw.resize(n * width, 0.0);
            st.gu.clear();
            st.gu.resize(n * d, 0.0);
            for (j, (gu, &g)) in st.gu.iter_mut().zip(gout).enumerate() {
                let (r, i) = (j / d, j % d);
                let rows = (
                    &raw[r * width..(r + 1) * width],
                    &mut st.draw[r * width..(r + 1) * width],
                );
                *gu = coefs.back(
                    j,
                    tau,
                    rows,
                    (i, d),
                    (st.input[j], st.output[j]),
                    (g, gl),
                    false,
                );
            }
            let mut gin = gin;
            if let Some(g) = gin.as_deref_mut() {
                g.iter_mut().zip(&st.gu).for_each(|(a, b)| *a += b);
            }
            self.made.backward(&st.acts[0], &st.draw, grad, gin, w);
            return;
        }
        // A solve: the input is `y`; its gradient gathers from every pass.
        st.gy.clear();
        st.gy.resize(n * d, 0.0);
        st.gu.clear();
        st.gu.extend_from_slice(gout);
        for p in (2..=d).rev() {
            let (raw, coefs) = (st.acts[p - 2].raw(), &st.coefs[p - 1]);
            let root = if p == d { &st.output } else { &st.roots[p - 1] };
            let g_ld = if p == d { gl } else { 0.0 };
            st.draw.clear();
            st.draw.resize(n * width, 0.0);
            for (j, gyj) in st.gy.iter_mut().enumerate() {
                let (r, i) = (j / d, j % d);
                let rows = (
                    &raw[r * width..(r + 1) * width],
                    &mut st.draw[r * width..(r + 1) * width],
                );
                let vals = (st.input[j], root[j]);
                *gyj += coefs.back(j, tau, rows, (i, d), vals, (st.gu[j], g_ld), true);
            }
            st.gprev.clear();
            st.gprev.resize(n * d, 0.0);
            self.made
                .backward(&st.acts[p - 2], &st.draw, grad, Some(&mut st.gprev), w);
            std::mem::swap(&mut st.gu, &mut st.gprev);
        }
        // The first pass: coordinate `first` from the output biases, the others copied.
        let (bias, at) = (self.made.output_bias(), self.made.output_bias_grad());
        let gbias = &mut grad[at..at + width];
        let f = self.first;
        for r in 0..n {
            for i in 0..d {
                let j = r * d + i;
                st.gy[j] += if i == f {
                    let vals = (st.input[j], st.roots[0][j]);
                    let rows = (bias, &mut *gbias);
                    st.coefs[0].back(r, tau, rows, (f, d), vals, (st.gu[j], 0.0), true)
                } else {
                    st.gu[j]
                };
            }
        }
        if let Some(gin) = gin {
            gin.iter_mut().zip(&st.gy).for_each(|(a, b)| *a += b);
        }
    }
}
