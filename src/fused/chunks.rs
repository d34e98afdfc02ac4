//! A batch's loss and gradient by the fused step, in chunks of [`CHUNK_ROWS`] rows whose
//! gradients are summed in chunk order, so that a gradient is the same to the last bit
//! whoever computed which chunk.

use super::Fused;
use crate::flow::Flow;
use crate::objective::{energy_and_gradient, Objective};

/// Rows per chunk of a batch in the fused step.
pub const CHUNK_ROWS: usize = 64;

/// The fused step and its gradient buffers (the step's layout), reused from step to step.
#[derive(Debug, Clone)]
pub struct Chunked {
    step: Fused,
    chunk: Vec<f32>,
    sum: Vec<f32>,
}

impl Chunked {
    /// The step for `flow`'s shape.
    pub fn new(flow: &Flow) -> Chunked {
        Chunked {
            step: Fused::new(flow),
            chunk: Vec::new(),
            sum: Vec::new(),
        }
    }

    /// The loss of `batch` (row-major `n x 2`: data under forward KL, latent draws under
    /// reverse KL) at the parameters `theta`, and its gradient into `grad` (the flow's
    /// layout), chunk by chunk.
    pub fn run(
        &mut self,
        theta: &[f32],
        objective: Objective,
        batch: &[f32],
        grad: &mut [f32],
    ) -> f64 {
        self.step.load(theta);
        let total = batch.len() / 2;
        self.sum.clear();
        self.sum.resize(self.step.gradient_len(), 0.0);
        let mut loss = 0.0;
        for rows in batch.chunks(2 * CHUNK_ROWS) {
            self.chunk.clear();
            self.chunk.resize(self.step.gradient_len(), 0.0);
            loss += if objective.is_forward() {
                self.step.forward_kl(rows, total, &mut self.chunk)
            } else {
                let mut energy = |x: &[f32]| {
                    energy_and_gradient(objective, x).expect("reverse KL has an energy")
                };
                self.step
                    .reverse_kl(rows, total, &mut energy, &mut self.chunk)
            };
            self.sum
                .iter_mut()
                .zip(&self.chunk)
                .for_each(|(s, g)| *s += g);
        }
        self.step.export(&self.sum, grad);
        loss
    }
}
