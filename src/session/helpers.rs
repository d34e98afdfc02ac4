//! Training steps shared with helper threads (the page's training worker and its helpers):
//! the lab begins a step, hands chunks of its batch with the parameters to helpers, computes
//! the rest itself, takes the helpers' gradients back and ends the step. Every chunk's
//! gradient is computed from zero and the chunks are summed in chunk order
//! ([`crate::train::fused::Chunked`]), so the trajectory is the same to the last bit whatever the
//! number of helpers and whichever computed which chunk.

use super::lab::Lab;
use super::settings::Settings;
use crate::flow::made::Kernels;
use crate::flow::Flow;
use crate::train::fused::Chunked;
use crate::train::objective::Objective;
use crate::Result;

impl Lab {
    /// Whether the next step may be shared: the fused step trains this flow, and the
    /// compare view (whose two flows take turns on one thread) is off.
    pub fn can_share(&self) -> bool {
        self.comparison.is_none() && self.trainer.flow.kernels == Kernels::Fast
    }

    /// Begins a shared step: its batch is drawn and its parameters read. False (and nothing
    /// begun) when the step cannot be shared.
    pub fn begin_step(&mut self) -> bool {
        if !self.can_share() {
            return false;
        }
        let fused = self.trainer.begin_step();
        debug_assert!(fused, "the fast kernels train on the fused step");
        fused
    }

    /// The shared step's batch (row-major `n x 2`), its parameters and its chunk count.
    pub fn step_work(&self) -> (&[f32], &[f32], usize) {
        let (batch, theta) = self.trainer.step_work();
        (batch, theta, self.trainer.step_chunks())
    }

    /// Computes chunk `i` of the shared step on this thread.
    pub fn compute_chunk(&mut self, i: usize) {
        self.trainer.compute_chunk(i);
    }

    /// Chunk `i`'s loss and gradient from a helper, which is not trusted: a gradient of the
    /// wrong length or with a number that is not finite is dropped and the chunk computed
    /// here. Returns what the helper did wrong, if it did: a wrong length always; numbers
    /// that are not finite when this thread's own are (a diverging model makes them on
    /// every thread, and that is the guard's to handle, not the helper's fault).
    pub fn put_chunk(&mut self, i: usize, loss: f64, gradient: &[f32]) -> Option<String> {
        if self.trainer.put_chunk(i, loss, gradient) {
            return None;
        }
        self.trainer.compute_chunk(i);
        let expected = self.trainer.chunk_gradient_len();
        if gradient.len() != expected {
            let got = gradient.len();
            return Some(format!("a gradient of {got} numbers, not {expected}"));
        }
        let own = self.trainer.chunk_finite(i);
        own.then(|| "a loss or gradient that is not a finite number".to_string())
    }

    /// Ends the shared step (every chunk computed or put).
    pub fn end_step(&mut self) {
        self.trainer.end_step();
        self.after_step();
    }
}

/// A helper thread's share of steps: the fused step of the flow a settings hash describes
/// (the same masks as the lab's: they follow from the settings) and its objective.
#[derive(Debug)]
pub struct Helper {
    chunked: Chunked,
    objective: Objective,
    losses: Vec<f64>,
    gradients: Vec<f32>,
}

impl Helper {
    /// The helper for the lab of `hash`.
    pub fn new(hash: &str) -> Result<Helper> {
        let (settings, _) = Settings::from_hash(hash);
        settings.validate()?;
        let flow = Flow::new(settings.flow_config())?;
        Ok(Helper {
            chunked: Chunked::new(&flow),
            objective: settings.objective(),
            losses: Vec::new(),
            gradients: Vec::new(),
        })
    }

    /// The chunks `which` of `batch` at the parameters `theta`: their losses, and their
    /// gradients one after another (each [`Self::gradient_len`] long, the step's layout).
    pub fn compute(&mut self, theta: &[f32], batch: &[f32], which: &[usize]) -> (&[f64], &[f32]) {
        let len = self.chunked.gradient_len();
        self.chunked.load(theta);
        self.losses.clear();
        self.gradients.clear();
        self.gradients.resize(which.len() * len, 0.0);
        for (&i, out) in which.iter().zip(self.gradients.chunks_exact_mut(len)) {
            let loss = self.chunked.compute_into(self.objective, batch, i, out);
            self.losses.push(loss);
        }
        (&self.losses, &self.gradients)
    }

    /// The last [`Self::compute`]'s losses and gradients.
    pub fn last(&self) -> (&[f64], &[f32]) {
        (&self.losses, &self.gradients)
    }

    /// The length of one chunk's gradient.
    pub fn gradient_len(&self) -> usize {
        self.chunked.gradient_len()
    }
}
