//! The fused training step: a flow's loss and its gradient on flat slices, with the
//! backward of every layer written out (no tape, no tensors, no copies out of dfdx), on the
//! blocked kernels of [`crate::kernels`]. The page trains with it; dfdx's tape stays
//! the reference, and the tests hold this step's loss and every gradient to it.
//!
//! The parameters come in the flow's layout ([`Flow::parameters`]) and are packed once per
//! update ([`Fused::load`]); a gradient is accumulated in the step's own layout (the
//! products' padded, transposed one, [`Fused::gradient_len`]) and turned into the flow's
//! once per step ([`Fused::export`]), so that the trainer can sum the gradients of chunks
//! of a batch, in a fixed order, wherever they were computed.

mod chunks;
mod made;
mod pass;

pub use chunks::{chunk, chunk_count, Chunked, CHUNK_ROWS};

use crate::flow::layer::Towards;
use crate::flow::Flow;
use crate::numeric::normal::log_normal_f32;
use made::Work;
use pass::{PassState, SliceLayer};

/// What reverse KL pushes the samples down: each point's energy (`U`, or `-log p*`) and
/// its gradient, for row-major points `n x D`.
pub type Energy<'a> = dyn FnMut(&[f32]) -> (Vec<f64>, Vec<f32>) + 'a;

/// A flow's training step on slices.
#[derive(Debug, Clone)]
pub struct Fused {
    layers: Vec<SliceLayer>,
    dim: usize,
    /// The learnable base: where its `mu` (then `ln sigma`) sit in the parameters, where
    /// their gradient sits in the step's, and their values.
    base: Option<(usize, usize, Vec<f32>, Vec<f32>)>,
    params: usize,
    grad_len: usize,
    states: Vec<PassState>,
    work: Work,
    /// Row buffers: the points between layers, each row's `log|det|` sum, their gradient.
    u: Vec<f32>,
    sums: Vec<f32>,
    g: Vec<f32>,
    gnext: Vec<f32>,
}

impl Fused {
    /// The step of `flow`'s shape, with its current parameters loaded.
    pub fn new(flow: &Flow) -> Fused {
        let (mut param, mut grad) = (0, 0);
        let layers: Vec<SliceLayer> = flow
            .layers
            .iter()
            .map(|l| SliceLayer::new(l, &mut param, &mut grad))
            .collect();
        let d = flow.dim();
        let base = flow.base.as_ref().map(|_| {
            let at = (param, grad, vec![0.0; d], vec![0.0; d]);
            param += 2 * d;
            grad += 2 * d;
            at
        });
        let mut fused = Fused {
            states: vec![PassState::default(); layers.len()],
            layers,
            dim: d,
            base,
            params: param,
            grad_len: grad,
            work: Work::default(),
            u: Vec::new(),
            sums: Vec::new(),
            g: Vec::new(),
            gnext: Vec::new(),
        };
        fused.load(&flow.parameters());
        fused
    }

    /// The flow's dimension `D`.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The length of a gradient in the step's layout.
    pub fn gradient_len(&self) -> usize {
        self.grad_len
    }

    /// Packs the parameters `theta` (the flow's layout) for the next steps.
    pub fn load(&mut self, theta: &[f32]) {
        assert_eq!(theta.len(), self.params, "the flow's parameters");
        for l in &mut self.layers {
            l.made.load(theta);
        }
        if let Some((at, _, mu, ls)) = &mut self.base {
            let d = mu.len();
            mu.copy_from_slice(&theta[*at..*at + d]);
            ls.copy_from_slice(&theta[*at + d..*at + 2 * d]);
        }
    }

    /// `gradient` (the step's layout) in the flow's parameter layout, into `flat`.
    pub fn export(&self, gradient: &[f32], flat: &mut [f32]) {
        for l in &self.layers {
            l.made.export(gradient, flat);
        }
        if let Some((at, g, _, _)) = &self.base {
            let d = self.dim;
            flat[*at..*at + 2 * d].copy_from_slice(&gradient[*g..*g + 2 * d]);
        }
    }

    /// Forward KL on a chunk `x` (row-major `n x D`) of a batch of `total` points: adds
    /// the gradient of `-sum_chunk log p(x) / total` to `grad` (the step's layout) and
    /// returns that sum.
    pub fn forward_kl(&mut self, x: &[f32], total: usize, grad: &mut [f32]) -> f64 {
        let (d, n, inv) = (self.dim, x.len() / self.dim, 1.0 / total as f32);
        self.u.clear();
        self.u.extend_from_slice(x);
        self.sums.clear();
        self.sums.resize(n, 0.0);
        for (layer, st) in self.layers.iter().zip(&mut self.states).rev() {
            layer.forward(&self.u, n, Towards::Prior, st, &mut self.work);
            self.u.clone_from(&st.output);
            self.sums
                .iter_mut()
                .zip(&st.log_det)
                .for_each(|(s, l)| *s += l);
        }
        // The base: eps = (z - mu) / sigma, log|det| = -sum ln sigma.
        let ls_sum = self.base.as_ref().map_or(0.0, |b| b.3.iter().sum::<f32>());
        if let Some((_, _, mu, ls)) = &self.base {
            for row in self.u.chunks_exact_mut(d) {
                for ((v, m), l) in row.iter_mut().zip(mu).zip(ls) {
                    *v = (*v - m) * (-l).exp();
                }
            }
        }
        let eps = &self.u;
        let mut loss = 0.0f64;
        for (r, row) in eps.chunks_exact(d).enumerate() {
            let log_n = log_normal_f32(row);
            loss -= (log_n + self.sums[r] - ls_sum) as f64;
        }
        // Backward: d(-log N)/d eps = eps, each log|det| enters with -1.
        self.g.clear();
        self.g.extend(eps.iter().map(|v| v * inv));
        if let Some((_, at, _, ls)) = &self.base {
            let (gmu, gls) = grad[*at..*at + 2 * d].split_at_mut(d);
            for (row, grow) in eps.chunks_exact(d).zip(self.g.chunks_exact_mut(d)) {
                for i in 0..d {
                    let gz = grow[i] * (-ls[i]).exp();
                    gmu[i] -= gz;
                    gls[i] += inv - grow[i] * row[i];
                    grow[i] = gz;
                }
            }
        }
        let last = self.layers.len() - 1;
        for (k, (layer, st)) in self.layers.iter().zip(&mut self.states).enumerate() {
            self.gnext.clear();
            self.gnext.resize(n * d, 0.0);
            let gin = (k < last).then_some(&mut self.gnext[..]);
            layer.backward(st, (&self.g, -inv), grad, gin, &mut self.work);
            std::mem::swap(&mut self.g, &mut self.gnext);
        }
        loss / total as f64
    }

    /// Reverse KL on a chunk `eps` (latent draws, `n x D`) of a batch of `total`, against
    /// `energy`, which gives each point's energy (`U`, or `-log p*`) and its gradient: adds
    /// the gradient of `sum_chunk [log q(x) + energy(x)] / total` to `grad` and returns
    /// that sum. `x = T(mu + sigma eps)` is reparameterised.
    pub fn reverse_kl(
        &mut self,
        eps: &[f32],
        total: usize,
        energy: &mut Energy,
        grad: &mut [f32],
    ) -> f64 {
        let (d, n, inv) = (self.dim, eps.len() / self.dim, 1.0 / total as f32);
        self.sums.clear();
        self.sums.extend(eps.chunks_exact(d).map(log_normal_f32));
        self.u.clear();
        self.u.extend_from_slice(eps);
        if let Some((_, _, mu, ls)) = &self.base {
            let ls_sum: f32 = ls.iter().sum();
            for (row, s) in self.u.chunks_exact_mut(d).zip(&mut self.sums) {
                for ((v, m), l) in row.iter_mut().zip(mu).zip(ls) {
                    *v = m + l.exp() * *v;
                }
                *s -= ls_sum;
            }
        }
        for (layer, st) in self.layers.iter().zip(&mut self.states) {
            layer.forward(&self.u, n, Towards::Data, st, &mut self.work);
            self.u.clone_from(&st.output);
            self.sums
                .iter_mut()
                .zip(&st.log_det)
                .for_each(|(s, l)| *s -= l);
        }
        let (e, ge) = energy(&self.u);
        let loss: f64 = self.sums.iter().zip(&e).map(|(q, e)| *q as f64 + e).sum();
        self.g.clear();
        self.g.extend(ge.iter().map(|v| v * inv));
        let need_input = self.base.is_some();
        for (k, (layer, st)) in self.layers.iter().zip(&mut self.states).enumerate().rev() {
            self.gnext.clear();
            self.gnext.resize(n * d, 0.0);
            let gin = (k > 0 || need_input).then_some(&mut self.gnext[..]);
            layer.backward(st, (&self.g, -inv), grad, gin, &mut self.work);
            std::mem::swap(&mut self.g, &mut self.gnext);
        }
        if let Some((_, at, _, ls)) = &self.base {
            let (gmu, gls) = grad[*at..*at + 2 * d].split_at_mut(d);
            for (row, grow) in eps.chunks_exact(d).zip(self.g.chunks_exact(d)) {
                for i in 0..d {
                    gmu[i] += grow[i];
                    gls[i] += grow[i] * ls[i].exp() * row[i] - inv;
                }
            }
        }
        loss / total as f64
    }
}
