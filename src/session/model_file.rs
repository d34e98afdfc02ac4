//! A trained model as a file (JSON, versioned) and back: the settings (as the URL hash),
//! the parameters (each `f32` written as the shortest decimal of its exact value, so it
//! reads back bit for bit), the step, the loss and test history, the last rollback, the
//! user's points when the flow learns them, and Adam's state when the lab that writes the
//! file has it. Reading one is all or nothing: a file from a newer schema, a damaged or
//! truncated one, or one whose numbers do not fit the flow its settings describe is
//! refused with a message, and the lab stays as it was.

use super::lab::Lab;
use super::model_numbers::Written;
use crate::Error;
use serde::Serialize;
use serde_json::{json, Value};

/// The `format` field of a model file.
pub const FORMAT: &str = "arflow-model";
/// The schema this build writes and the newest it reads.
pub const VERSION: u64 = 1;
/// The largest parameter a model file may hold, in absolute value: no trained flow comes
/// near it (the guard rolls a diverging one back long before), and a flow with one of
/// `1e30` computes nothing but overflows.
pub const PARAMETER_BOUND: f32 = 1e4;
/// The largest step a model file may hold: the largest integer a page's number holds exactly.
pub const MAX_STEP: u64 = (1 << 53) - 1;
/// The largest model file the page reads, in bytes: twice the largest flow's own file (12
/// layers of 256,256,256,256 with Adam's state: 118 MB). A larger one is refused unread.
pub const MAX_FILE_BYTES: usize = 256 << 20;
/// Most characters of a loaded file's event note that the page shows.
pub const EVENT_CHARS: usize = 300;

pub(super) fn bad(why: String) -> Error {
    Error::Invalid("model file", why)
}

/// A model file as written, its fields in the order a JSON object's keys sort.
#[derive(Serialize)]
struct FileOut<'a> {
    data: &'static str,
    event: &'a Option<String>,
    format: &'static str,
    history: Option<Value>,
    made_by: &'static str,
    optimiser: Option<OptimiserOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameters: Option<Written<'a>>,
    points: Option<Value>,
    rival_parameters: Option<Written<'a>>,
    settings: String,
    step: u64,
    version: u64,
}

#[derive(Serialize)]
struct OptimiserOut<'a> {
    m: Written<'a>,
    t: i32,
    v: Written<'a>,
}

fn series(points: &[(u64, f64)]) -> Value {
    let pairs = points
        .iter()
        .map(|&(s, v)| json!([s, v.is_finite().then_some(v)]));
    Value::from(pairs.collect::<Vec<_>>())
}

impl Lab {
    /// The model as a file's text: with its history if `history`, with Adam's state if
    /// `optimiser` and this lab trained the model itself (a page whose worker trains
    /// has only the parameters; the worker's own lab writes the whole file).
    pub fn model_json(&self, optimiser: bool, history: bool) -> String {
        self.model_text(optimiser, history, true)
    }

    /// The model's file without its numbers: the head, which [`Lab::import_opened`]
    /// reads (opened by [`super::model_read::OpenedModel::open`]) with the numbers of
    /// [`Lab::all_parameters`] handed over apart (as `f32`s, not as text to parse again).
    /// With the history, without Adam's state.
    pub fn model_head(&self) -> String {
        self.model_text(false, true, false)
    }

    /// Every parameter of the model, the rival's (in a comparison) after the flow's own.
    pub fn all_parameters(&self) -> Vec<f32> {
        self.with_rival(self.trainer.flow.parameters())
    }

    /// `main` (the flow's parameters), the rival's after them in a comparison.
    pub(super) fn with_rival(&self, mut main: Vec<f32>) -> Vec<f32> {
        if let Some(d) = &self.comparison {
            main.extend(d.rival.flow.parameters());
        }
        main
    }

    fn model_text(&self, optimiser: bool, history: bool, numbers: bool) -> String {
        let t = &self.trainer;
        let adam = (optimiser && t.step_count() == self.progress.step && t.step_count() > 0)
            .then(|| t.optimiser());
        let points = t.points().map(|p| {
            let pairs = p.points().iter().map(|&[a, b]| json!([a as f64, b as f64]));
            Value::from(pairs.collect::<Vec<_>>())
        });
        let h = &t.history;
        let history = history
            .then(|| json!({"loss": series(h.loss.points()), "test": series(h.test.points())}));
        let parameters = numbers.then(|| t.flow.parameters());
        let rival = self.comparison.as_ref().filter(|_| numbers);
        let rival = rival.map(|d| d.rival.flow.parameters());
        let file = FileOut {
            data: self.settings.objective().target_name(),
            event: &self.progress.event,
            format: FORMAT,
            history,
            made_by: concat!("arflow ", env!("CARGO_PKG_VERSION")),
            optimiser: adam.as_ref().map(|o| OptimiserOut {
                m: Written(&o.m),
                t: o.t,
                v: Written(&o.v),
            }),
            parameters: parameters.as_deref().map(Written),
            points,
            rival_parameters: rival.as_deref().map(Written),
            settings: self.settings.to_hash(),
            step: self.progress.step,
            version: VERSION,
        };
        serde_json::to_string(&file).expect("a model file's fields all write as JSON")
    }
}
