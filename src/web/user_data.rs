//! The user's own data and models, page side: the brush and its stamps, CSV import and
//! export, model files, and undo (the work is in `session::user_data`, `model_file` and
//! `undo`).

use super::App;
use crate::data::points::Stamp;
use crate::session::model_read::OpenedModel;
use wasm_bindgen::prelude::*;

fn js(e: crate::Error) -> JsError {
    JsError::new(&e.to_string())
}

#[wasm_bindgen]
impl App {
    /// The user's points, row-major `n x 2` (what the page keeps in local storage).
    pub fn points(&self) -> Vec<f32> {
        self.lab.drawn_flat()
    }

    /// Turns the brush on or off: while it is on, the data panel and the overlay show the
    /// user's points whatever the data set.
    pub fn set_drawing(&mut self, on: bool) {
        self.drawing = on;
    }

    /// `[points drawn, points in the set trained on]`.
    pub fn points_count(&self) -> Vec<u32> {
        let (drawn, set) = self.lab.drawn_counts();
        vec![drawn as u32, set as u32]
    }

    /// Replaces the user's points (from local storage, or the page's for the worker).
    pub fn set_points(&mut self, values: Vec<f32>) -> Result<(), JsError> {
        self.lab.set_points(&values).map_err(js)
    }

    /// One use of a stamp (`dab`, `blob`, `ring`, `line`) at `(x, y)`, a line from
    /// `(x0, y0)`, with the brush's `spread`.
    pub fn stamp(
        &mut self,
        kind: &str,
        x0: f32,
        y0: f32,
        x: f32,
        y: f32,
        spread: f32,
    ) -> Result<(), JsError> {
        let stamp = Stamp::from_name(kind).map_err(js)?;
        self.lab.stamp(stamp, [x0, y0], [x, y], spread).map_err(js)
    }

    /// Erases the user's points within `radius` of `(x, y)`.
    pub fn erase(&mut self, x: f32, y: f32, radius: f32) -> Result<(), JsError> {
        self.lab.erase_points([x, y], radius).map_err(js)
    }

    /// Replaces the user's points with a CSV file's; returns what was done, in words.
    pub fn import_csv(
        &mut self,
        bytes: &[u8],
        skip_bad: bool,
        fit: bool,
    ) -> Result<String, JsError> {
        self.lab.import_csv(bytes, skip_bad, fit).map_err(js)
    }

    /// The user's points as CSV.
    pub(super) fn points_csv(&self) -> String {
        self.lab.points_csv()
    }

    /// The model samples on screen as CSV.
    pub(super) fn samples_csv(&self) -> String {
        self.lab.samples_csv()
    }

    /// The model as a file (see `session::model_file`).
    pub(super) fn model_json(&self, optimiser: bool, history: bool) -> String {
        self.lab.model_json(optimiser, history)
    }

    /// Replaces the model with a file's; refused, with nothing changed, with a message.
    pub fn import_model(&mut self, text: &str) -> Result<(), JsError> {
        self.lab.import_model(text).map_err(js)?;
        self.probe_cache.replace(None);
        Ok(())
    }

    /// The first half of taking a file's head (`export('page-head')`) and its numbers
    /// apart, what a checker worker that read a large file hands the page (the page never
    /// parses the numbers' text): the head read and its flow built. Refused as the file
    /// would be, with a message.
    pub fn open_model(&mut self, head: &str) -> Result<(), JsError> {
        self.opened = Some(OpenedModel::open(head).map_err(js)?);
        Ok(())
    }

    /// The second half, in a task of its own: the numbers, [`Self::model_parameters`]
    /// of the file's model, put in the flow `open_model` built, which replaces the model.
    pub fn import_opened(&mut self, parameters: Vec<f32>) -> Result<(), JsError> {
        let opened = self
            .opened
            .take()
            .ok_or_else(|| JsError::new("no model file is open"))?;
        self.lab
            .import_opened(opened, Some(parameters))
            .map_err(js)?;
        self.probe_cache.replace(None);
        Ok(())
    }

    /// Every parameter of the model (a comparison's rival's after the flow's own).
    pub fn model_parameters(&self) -> Vec<f32> {
        self.lab.all_parameters()
    }

    /// Brings back the model one step back; false if there is none.
    pub fn undo(&mut self) -> bool {
        self.probe_cache.replace(None);
        self.lab.undo()
    }

    /// The step of the model undo would bring back, or -1 for none.
    pub fn undo_step(&self) -> f64 {
        self.lab.undo_target().map_or(-1.0, |(step, _)| step as f64)
    }
}
