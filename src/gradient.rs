//! A training step's batch, and its loss and gradient in the flow's parameter layout: by
//! dfdx's tape (the reference, [`Kernels::Dfdx`] and [`Kernels::Mixed`]) or by the fused
//! step on slices ([`crate::fused`], [`Kernels::Fast`]: the page's), in chunks of the
//! batch summed in a fixed order ([`Chunked`]).

use crate::data::{flatten, DataSet};
use crate::divergence::Truth;
use crate::fused::Chunked;
use crate::made::Kernels;
use crate::objective::{forward_kl_loss, reverse_kl_data_loss, reverse_kl_loss, Objective};
use crate::tensor::matrix;
use crate::train::Trainer;
use dfdx::prelude::*;
use rand::Rng;
use rand_distr::StandardNormal;

impl Trainer {
    /// Step `step`'s batch: fresh data (forward KL) or latent draws (reverse KL), row-major
    /// `n x 2`, drawn from the step's own stream.
    fn batch(&mut self) -> Vec<f32> {
        let n = self.config.batch;
        let mut rng = self.stream(0, self.step);
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
            Objective::ReverseKl(_) | Objective::ReverseKlData(_) => (0..n * self.flow.dim())
                .map(|_| rng.sample(StandardNormal))
                .collect(),
        }
    }

    /// The batch loss at the parameters `self.theta` (the flow's), with its gradient in
    /// `self.grad`: `-mean log p(x)` on fresh data, or `mean(log q(x) + U(x))` on fresh
    /// model samples.
    pub(crate) fn loss_and_gradient(&mut self) -> f64 {
        let batch = self.batch();
        let objective = self.config.objective;
        self.grad.resize(self.theta.len(), 0.0);
        if self.flow.kernels == Kernels::Fast {
            let fused = self.fused.get_or_insert_with(|| Chunked::new(&self.flow));
            return fused.run(&self.theta, objective, &batch, &mut self.grad);
        }
        let f = &self.flow;
        let x = matrix(f.device(), batch, 2);
        let loss = match objective {
            Objective::ForwardKl(_) | Objective::ForwardKlEnergy(_) => forward_kl_loss(f, x),
            Objective::ReverseKl(t) => reverse_kl_loss(f, t, x),
            Objective::ReverseKlData(d) => reverse_kl_data_loss(f, d, x),
        };
        let value = loss.array() as f64;
        let mut grads = loss.backward();
        let tensors = f.layers.iter().flat_map(|l| &l.made.layers);
        let mut rest = &mut self.grad[..];
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
