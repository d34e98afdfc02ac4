//! The training worker's side of the session: parameters and progress out, and the page's
//! side: the same taken in. The progress message is [`crate::session::sync`]'s codec.

use super::App;
use crate::session::sync::Update;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl App {
    /// The parameters the page should show (sent from the training worker to the page):
    /// see [`crate::session::lab::Lab::shown_parameters`].
    pub fn parameters(&self) -> Vec<f32> {
        self.lab.shown_parameters()
    }

    /// `[loss entries, test entries]` in the history so far.
    pub fn history_len(&self) -> Vec<usize> {
        let h = &self.lab.trainer().history;
        vec![h.loss.len(), h.test.len()]
    }

    /// Progress and the history entries from these indices on, as
    /// [`crate::session::sync::Update::encode`]'s numbers.
    pub fn progress(&self, loss_from: usize, test_from: usize) -> Vec<f64> {
        self.lab.update(loss_from, test_from).encode()
    }

    /// The last rollback in words, or an empty string.
    pub fn event(&self) -> String {
        self.lab.progress().event.clone().unwrap_or_default()
    }

    /// Takes over the worker's parameters, its [`App::progress`] and its [`App::event`].
    pub fn absorb(
        &mut self,
        params: Vec<f32>,
        progress: Vec<f64>,
        event: String,
    ) -> Result<(), JsError> {
        let update = Update::decode(&progress, &event).map_err(|e| JsError::new(&e.to_string()))?;
        self.lab
            .absorb(&params, update)
            .map_err(|e| JsError::new(&e.to_string()))
    }
}
