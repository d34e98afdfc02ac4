//! A training step's batch, and its loss and gradient in the flow's parameter layout: by
//! dfdx's tape (the reference, [`Kernels::Dfdx`]) or by the fused
//! step on slices ([`crate::train::fused`], [`Kernels::Fast`]: the page's), in chunks of the
//! batch summed in a fixed order ([`Chunked`]). A step is begun, its chunks computed here
//! or handed over by helpers (the page's training threads), and ended
//! ([`Trainer::end_step`]); [`Trainer::step`] does all three here.

use crate::data::digits::digits;
use crate::data::{flatten, DataSet};
use crate::flow::made::Kernels;
use crate::numeric::tensor::matrix;
use crate::train::divergence::Truth;
use crate::train::fused::{chunk_count, Chunked};
use crate::train::objective::{forward_kl_loss, reverse_kl_data_loss, reverse_kl_loss, Objective};
use crate::train::Trainer;
use dfdx::prelude::*;
use rand::Rng;
use rand_distr::StandardNormal;

/// The step being taken: its batch, the parameters it starts from and its gradient
/// (buffers kept from step to step), and the fused step's state once the flow trains on it.
#[derive(Debug, Default)]
pub struct StepWork {
    pub(crate) batch: Vec<f32>,
    pub(crate) theta: Vec<f32>,
    pub(crate) grad: Vec<f32>,
    pub(crate) fused: Option<Chunked>,
    /// What the loss of the batch's points is shifted by to be the NLL the test metric
    /// reports: the digits' mean log-det of `y -> x`, else 0.
    pub(crate) shift: f64,
}

impl Trainer {
    /// Step `step`'s batch: fresh data (forward KL) or latent draws (reverse KL), row-major
    /// `n x D`, drawn from the step's own stream.
    fn batch(&mut self) -> Vec<f32> {
        let n = self.config.batch;
        let mut rng = self.stream(0, self.step);
        self.work.shift = 0.0;
        match self.config.objective {
            Objective::ForwardKl(DataSet::Drawn) => {
                let points = self
                    .points
                    .as_ref()
                    .expect("a drawn objective has its points");
                flatten(&points.sample(n, self.config.jitter, &mut rng))
            }
            Objective::ForwardKl(d) => flatten(&d.sample(n, &mut rng)),
            Objective::ForwardKlEnergy(t) => {
                let truth = self.truth.get_or_insert_with(|| Truth::energy(t));
                truth.sample(n, &mut rng)
            }
            Objective::Digits => {
                let (x, log_det) = digits().training_batch(n, &mut rng);
                self.work.shift = log_det;
                x
            }
            Objective::ReverseKl(_) | Objective::ReverseKlData(_) => (0..n * self.flow.dim())
                .map(|_| rng.sample(StandardNormal))
                .collect(),
        }
    }

    /// Starts step `step + 1`: draws its batch and reads the parameters. True when the
    /// fused step computes it in chunks ([`Kernels::Fast`]): then every one of its
    /// [`Self::step_chunks`] chunks must be computed ([`Self::compute_chunk`]) or handed
    /// over ([`Self::put_chunk`]) before [`Self::end_step`].
    pub fn begin_step(&mut self) -> bool {
        self.step += 1;
        self.flow.parameters_into(&mut self.work.theta);
        self.work.batch = self.batch();
        if self.flow.kernels != Kernels::Fast {
            return false;
        }
        let fused = self
            .work
            .fused
            .get_or_insert_with(|| Chunked::new(&self.flow));
        fused.load(&self.work.theta);
        true
    }

    /// The step's batch (row-major `n x D`) and parameters, for helpers.
    pub fn step_work(&self) -> (&[f32], &[f32]) {
        (&self.work.batch, &self.work.theta)
    }

    /// The chunks of the step's batch.
    pub fn step_chunks(&self) -> usize {
        chunk_count(self.work.batch.len() / self.flow.dim())
    }

    /// Computes chunk `i` of the step here.
    pub fn compute_chunk(&mut self, i: usize) {
        let fused = self.work.fused.as_mut().expect("a fused step began");
        fused.compute(self.config.objective, &self.work.batch, i);
    }

    /// Chunk `i`'s loss and gradient, computed by a helper; false (nothing kept) unless
    /// the gradient has the flow's length and its numbers are finite.
    pub fn put_chunk(&mut self, i: usize, loss: f64, gradient: &[f32]) -> bool {
        let fused = self.work.fused.as_mut().expect("a fused step began");
        fused.put(i, loss, gradient)
    }

    /// Whether chunk `i`, as computed or put, is finite.
    pub fn chunk_finite(&self, i: usize) -> bool {
        self.work.fused.as_ref().is_some_and(|f| f.finite(i))
    }

    /// The length of a chunk's gradient.
    pub fn chunk_gradient_len(&self) -> usize {
        self.work.fused.as_ref().map_or(0, |f| f.gradient_len())
    }

    /// The step's batch loss, with its gradient in `self.work.grad` (the flow's layout): summed
    /// from the chunks, or from dfdx's tape.
    pub(crate) fn loss_and_gradient(&mut self) -> f64 {
        self.work.grad.resize(self.work.theta.len(), 0.0);
        if self.flow.kernels == Kernels::Fast {
            let chunks = self.step_chunks();
            let fused = self.work.fused.as_mut().expect("a fused step began");
            return fused.reduce(chunks, &mut self.work.grad);
        }
        let f = &self.flow;
        let x = matrix(f.device(), self.work.batch.clone(), f.dim());
        let loss = match self.config.objective {
            Objective::ForwardKl(_) | Objective::ForwardKlEnergy(_) | Objective::Digits => {
                forward_kl_loss(f, x)
            }
            Objective::ReverseKl(t) => reverse_kl_loss(f, t, x),
            Objective::ReverseKlData(d) => reverse_kl_data_loss(f, d, x),
        };
        let value = loss.array() as f64;
        let mut grads = loss.backward();
        let tensors = f.layers.iter().flat_map(|l| &l.made.layers);
        let mut rest = &mut self.work.grad[..];
        let mut put = |g: &[f32]| {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(g.len());
            head.copy_from_slice(g);
            rest = tail;
        };
        for l in tensors {
            put(grads.get_or_alloc_mut(&l.weight).expect("cpu alloc"));
            put(grads.get_or_alloc_mut(&l.bias).expect("cpu alloc"));
        }
        for c in f.base.iter().flat_map(|b| [&b.mean, &b.log_std]) {
            put(grads.get_or_alloc_mut(c).expect("cpu alloc"));
        }
        value
    }
}
