//! A batch's loss and gradient by the fused step in chunks of [`CHUNK_ROWS`] rows: each
//! chunk's gradient is computed on its own (from zero) and the chunks are summed in chunk
//! order, so a gradient is the same to the last bit whoever computed which chunk: this
//! thread, or helper threads that hand theirs over ([`Chunked::put`]).

use super::Fused;
use crate::flow::Flow;
use crate::train::objective::{energy_and_gradient, Objective};

/// Rows per chunk of a batch.
pub const CHUNK_ROWS: usize = 64;

/// The chunks of a batch of `rows` rows.
pub fn chunk_count(rows: usize) -> usize {
    rows.div_ceil(CHUNK_ROWS)
}

/// Chunk `i` of a row-major batch `n x dim`.
pub fn chunk(batch: &[f32], dim: usize, i: usize) -> &[f32] {
    let start = (dim * i * CHUNK_ROWS).min(batch.len());
    &batch[start..(start + dim * CHUNK_ROWS).min(batch.len())]
}

/// The fused step and each chunk's loss and gradient (the step's layout), reused from
/// step to step.
#[derive(Debug, Clone)]
pub struct Chunked {
    step: Fused,
    slots: Vec<(f64, Vec<f32>)>,
    sum: Vec<f32>,
}

impl Chunked {
    /// The step for `flow`'s shape.
    pub fn new(flow: &Flow) -> Chunked {
        Chunked {
            step: Fused::new(flow),
            slots: Vec::new(),
            sum: Vec::new(),
        }
    }

    /// The length of one chunk's gradient (what a helper hands over).
    pub fn gradient_len(&self) -> usize {
        self.step.gradient_len()
    }

    /// Packs the parameters `theta` (the flow's layout) for the chunks of the next batch.
    pub fn load(&mut self, theta: &[f32]) {
        self.step.load(theta);
    }

    /// Chunk `i` of `batch` (row-major `n x 2`: data under forward KL, latent draws under
    /// reverse KL): its share of the batch loss, its gradient into `out` (zeroed first).
    pub fn compute_into(
        &mut self,
        objective: Objective,
        batch: &[f32],
        i: usize,
        out: &mut [f32],
    ) -> f64 {
        out.fill(0.0);
        let dim = self.step.dim();
        let (rows, total) = (chunk(batch, dim, i), batch.len() / dim);
        if objective.is_forward() {
            self.step.forward_kl(rows, total, out)
        } else {
            let mut energy =
                |x: &[f32]| energy_and_gradient(objective, x).expect("reverse KL has an energy");
            self.step.reverse_kl(rows, total, &mut energy, out)
        }
    }

    /// Computes chunk `i` of `batch` here, into its slot.
    pub fn compute(&mut self, objective: Objective, batch: &[f32], i: usize) {
        let mut slot = self.slot(i);
        slot.0 = self.compute_into(objective, batch, i, &mut slot.1);
        self.slots[i] = slot;
    }

    /// Chunk `i`'s loss and gradient, computed elsewhere; refused (false, nothing kept)
    /// unless the gradient has this flow's length and every number is finite.
    pub fn put(&mut self, i: usize, loss: f64, gradient: &[f32]) -> bool {
        let finite = loss.is_finite() && gradient.iter().all(|v| v.is_finite());
        if gradient.len() != self.step.gradient_len() || !finite {
            return false;
        }
        let mut slot = self.slot(i);
        slot.1.copy_from_slice(gradient);
        slot.0 = loss;
        self.slots[i] = slot;
        true
    }

    /// Whether chunk `i`'s loss and gradient are finite numbers.
    pub fn finite(&self, i: usize) -> bool {
        self.slots
            .get(i)
            .is_some_and(|(l, g)| l.is_finite() && g.iter().all(|v| v.is_finite()))
    }

    /// Slot `i`'s buffers, taken out (its gradient sized).
    fn slot(&mut self, i: usize) -> (f64, Vec<f32>) {
        if self.slots.len() <= i {
            self.slots.resize_with(i + 1, Default::default);
        }
        let mut slot = std::mem::take(&mut self.slots[i]);
        slot.1.resize(self.step.gradient_len(), 0.0);
        slot
    }

    /// The batch loss and gradient from the first `chunks` slots, summed in order, the
    /// gradient in the flow's parameter layout into `grad`.
    pub fn reduce(&mut self, chunks: usize, grad: &mut [f32]) -> f64 {
        self.sum.clear();
        self.sum.resize(self.step.gradient_len(), 0.0);
        let mut loss = 0.0;
        for (l, g) in &self.slots[..chunks] {
            loss += l;
            self.sum.iter_mut().zip(g).for_each(|(s, v)| *s += v);
        }
        self.step.export(&self.sum, grad);
        loss
    }
}
