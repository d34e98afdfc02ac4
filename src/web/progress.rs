//! The training worker's side of the session: parameters and progress out, and the page's
//! side: the same taken in. The progress message is [`crate::session::codec`]'s codec.

use super::App;
use crate::session::codec::Update;
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

    /// Progress and the history points made since the last call, as
    /// [`crate::session::codec::Update::encode`]'s numbers.
    pub fn take_progress(&mut self) -> Vec<f64> {
        self.lab.take_update().encode()
    }

    /// Progress and the whole history, for a new worker that carries on from this App.
    pub fn whole_progress(&self) -> Vec<f64> {
        self.lab.whole_update().encode()
    }

    /// Carries on training from what was absorbed last (the worker has stopped).
    pub fn resume(&mut self) {
        self.lab.resume();
    }

    /// The last rollback in words, or an empty string.
    pub fn event(&self) -> String {
        self.lab.progress().event.clone().unwrap_or_default()
    }

    /// Takes over the worker's parameters, its [`App::take_progress`] and its [`App::event`].
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
