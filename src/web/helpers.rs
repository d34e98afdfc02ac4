//! Steps shared with helper threads (`www/threads.js`): the training worker's App begins a
//! step, posts chunks of it to helpers (each a [`Helper`] in its own worker), computes the
//! rest, takes their gradients back and ends the step ([`crate::session::helpers`]).

use super::dom::now;
use super::App;
use crate::session::helpers;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl App {
    /// Before a stretch of shared steps: pending changes applied, the speed's clock started.
    pub fn train_start(&mut self) {
        self.lab.train_start(now());
    }

    /// After a stretch of shared steps: the speed shown.
    pub fn train_end(&mut self) {
        self.lab.train_end(now());
    }

    /// Begins a step whose chunks helpers may share; false when this flow's steps cannot
    /// be shared (the compare view), and then [`App::train`] trains as usual.
    pub fn begin_step(&mut self) -> bool {
        self.lab.begin_step()
    }

    /// The begun step's batch (row-major `n x 2`).
    pub fn step_batch(&self) -> Vec<f32> {
        self.lab.step_work().0.to_vec()
    }

    /// The begun step's parameters.
    pub fn step_parameters(&self) -> Vec<f32> {
        self.lab.step_work().1.to_vec()
    }

    /// The begun step's chunks.
    pub fn step_chunks(&self) -> usize {
        self.lab.step_work().2
    }

    /// Computes chunk `i` of the begun step here.
    pub fn compute_chunk(&mut self, i: usize) {
        self.lab.compute_chunk(i);
    }

    /// Chunk `i`'s loss and gradient from a helper; a wrong-sized or non-finite one is
    /// computed here instead, and what the helper did wrong is returned (see
    /// `Lab::put_chunk`).
    pub fn put_chunk(&mut self, i: usize, loss: f64, gradient: &[f32]) -> Option<String> {
        self.lab.put_chunk(i, loss, gradient)
    }

    /// Ends the begun step (every chunk computed or put).
    pub fn end_step(&mut self) {
        self.lab.end_step();
    }
}

/// A helper thread's engine: its share of the steps of the lab a settings hash describes.
#[wasm_bindgen]
pub struct Helper {
    inner: helpers::Helper,
}

#[wasm_bindgen]
impl Helper {
    /// The helper for the lab of `hash`.
    #[wasm_bindgen(constructor)]
    pub fn new(hash: &str) -> Result<Helper, JsError> {
        let inner = helpers::Helper::new(hash).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Helper { inner })
    }

    /// The chunks `which` of `batch` at `theta`: their gradients one after another (each
    /// [`Helper::gradient_len`] long); their losses are [`Helper::losses`].
    pub fn compute(&mut self, theta: &[f32], batch: &[f32], which: Vec<u32>) -> Vec<f32> {
        let which: Vec<usize> = which.into_iter().map(|i| i as usize).collect();
        self.inner.compute(theta, batch, &which).1.to_vec()
    }

    /// The losses of the last [`Helper::compute`]'s chunks.
    pub fn losses(&self) -> Vec<f64> {
        let (losses, _) = self.inner.last();
        losses.to_vec()
    }

    /// The length of one chunk's gradient.
    pub fn gradient_len(&self) -> usize {
        self.inner.gradient_len()
    }
}
