//! Reading a model file ([`super::model_file`]): all or nothing. The long lists go straight
//! into `f32`s, everything else is checked one field at a time, and a file that does not
//! read leaves the lab as it was. A file's parameters may also come apart from its text
//! (a checker worker that read the file hands the page its head and its numbers), and are
//! then checked exactly as if they had been read from it.

use super::codec::{ComparisonUpdate, Progress, Update};
use super::lab::Lab;
use super::model_file::{bad, EVENT_CHARS, FORMAT, MAX_STEP, PARAMETER_BOUND, VERSION};
use super::model_numbers::Read;
use super::settings::Settings;
use crate::data::Point;
use crate::train::adam::Optimiser;
use crate::Result;
use serde::Deserialize;
use serde_json::Value;

/// A model file as read: the long lists straight into `f32`s, the rest as JSON values to
/// check one by one (a field that is missing reads as `null`).
#[derive(Deserialize)]
struct FileIn {
    #[serde(default)]
    format: Value,
    #[serde(default)]
    version: Value,
    #[serde(default)]
    settings: Value,
    #[serde(default)]
    step: Value,
    #[serde(default)]
    parameters: Read,
    #[serde(default)]
    rival_parameters: Read,
    #[serde(default)]
    optimiser: Option<OptimiserIn>,
    #[serde(default)]
    history: Value,
    #[serde(default)]
    event: Value,
    #[serde(default)]
    points: Value,
}

#[derive(Deserialize)]
struct OptimiserIn {
    #[serde(default)]
    t: Value,
    #[serde(default)]
    m: Read,
    #[serde(default)]
    v: Read,
}

/// The `f32`s of a list read, every one finite.
fn numbers_of(read: Read, what: &str) -> Result<Vec<f32>> {
    match read {
        Read::Numbers(v) => Ok(v),
        Read::BadEntry(i) => Err(bad(format!(
            "'{what}' entry {i} is not a finite 32-bit number"
        ))),
        Read::NotAList => Err(bad(format!("'{what}' is not a list of numbers"))),
    }
}

/// The `f32`s of a list of numbers, every one finite.
fn read_numbers(v: &Value, what: &str) -> Result<Vec<f32>> {
    let list = v
        .as_array()
        .ok_or_else(|| bad(format!("'{what}' is not a list of numbers")))?;
    list.iter()
        .enumerate()
        .map(|(i, x)| match x.as_f64().map(|x| x as f32) {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(bad(format!(
                "'{what}' entry {} is not a finite 32-bit number",
                i + 1
            ))),
        })
        .collect()
}

/// Refuses `numbers` (the list `what`) unless every one keeps to `rule`, naming the first
/// that does not.
fn keep_to(numbers: &[f32], what: &str, ok: impl Fn(f32) -> bool, rule: &str) -> Result<()> {
    match numbers.iter().position(|&x| !ok(x)) {
        Some(i) => Err(bad(format!(
            "'{what}' entry {} is {:e}, and {rule}",
            i + 1,
            numbers[i]
        ))),
        None => Ok(()),
    }
}

/// A list of `[x1, x2]` pairs.
fn read_pairs(v: &Value) -> Result<Vec<Point>> {
    let list = v
        .as_array()
        .ok_or_else(|| bad("'points' is not a list of pairs".into()))?;
    list.iter()
        .enumerate()
        .map(|(i, q)| match read_numbers(q, "points")?[..] {
            [a, b] => Ok([a, b]),
            _ => Err(bad(format!("point {} is not a pair of numbers", i + 1))),
        })
        .collect()
}

fn read_series(v: &Value, what: &str) -> Result<Vec<(u64, f64)>> {
    let wrong = || {
        bad(format!(
            "the history's '{what}' is not a list of [step, value] pairs"
        ))
    };
    let Some(list) = v.as_array() else {
        return if v.is_null() {
            Ok(Vec::new())
        } else {
            Err(wrong())
        };
    };
    if list.len() > crate::train::history::SERIES_CAP {
        return Err(wrong());
    }
    list.iter()
        .map(|p| match p.as_array().map(Vec::as_slice) {
            Some([s, v]) => Ok((
                s.as_u64().ok_or_else(wrong)?,
                v.as_f64().unwrap_or(f64::NAN),
            )),
            _ => Err(wrong()),
        })
        .collect()
}

/// A model file opened: its fields read and a new lab built for its settings and points,
/// which [`Lab::import_opened`] fills with the file's numbers. An import's two halves,
/// which a page takes in two tasks: building the largest flow costs as much as the rest.
pub struct OpenedModel {
    file: FileIn,
    lab: Lab,
}

impl OpenedModel {
    /// The model file `text` (or a head, [`Lab::model_head`]) opened; refused as
    /// [`Lab::import_model`] refuses it.
    pub fn open(text: &str) -> Result<OpenedModel> {
        let v: FileIn = serde_json::from_str(text).map_err(|e| {
            bad(format!(
                "not a model file, or a damaged or truncated one ({e})"
            ))
        })?;
        if v.format.as_str() != Some(FORMAT) {
            return Err(bad(format!(
                "not an arflow model (no \"format\": \"{FORMAT}\")"
            )));
        }
        match v.version.as_u64() {
            Some(n) if n > VERSION => {
                let msg =
                    format!("made by a newer arflow (schema {n}; this page reads up to {VERSION})");
                return Err(bad(msg));
            }
            Some(1..) => {}
            _ => return Err(bad("its schema version is missing or wrong".into())),
        }
        let hash = v
            .settings
            .as_str()
            .ok_or_else(|| bad("no settings".into()))?;
        let (settings, notes) = Settings::from_hash(hash);
        if let Some(note) = notes.first() {
            return Err(bad(format!("its settings do not read here ({note})")));
        }
        let points = match &v.points {
            Value::Null => Vec::new(),
            p => read_pairs(p)?,
        };
        let lab = Lab::with_points(settings, &points)?;
        Ok(OpenedModel { file: v, lab })
    }
}

impl Lab {
    /// Replaces the model with a file's ([`Self::model_json`]'s text): the same
    /// parameters bit for bit, step, history and (if the file has it) Adam's state, so
    /// training carries on as it would have; the model it replaces is kept for undo.
    /// Refused, with nothing changed, if the file is not one this build reads.
    pub fn import_model(&mut self, text: &str) -> Result<()> {
        self.import_opened(OpenedModel::open(text)?, None)
    }

    /// [`Self::import_model`]'s second half: an opened file's numbers (or, `given`, all
    /// its parameters apart, [`Lab::all_parameters`], for a head: checked as if they had
    /// been read from the file) put in its lab, which replaces this one's model.
    pub fn import_opened(&mut self, opened: OpenedModel, given: Option<Vec<f32>>) -> Result<()> {
        let OpenedModel { file: v, mut lab } = opened;
        let params = match given {
            Some(all) => all,
            None => {
                let mut all = numbers_of(v.parameters, "parameters")?;
                if lab.comparison.is_some() {
                    all.extend(numbers_of(v.rival_parameters, "rival_parameters")?);
                }
                all
            }
        };
        let plausible = |x: f32| x.abs() <= PARAMETER_BOUND;
        let rule = format!("no trained model has a parameter beyond ±{PARAMETER_BOUND:e}");
        keep_to(&params, "parameters", plausible, &rule)?;
        let step = v.step.as_u64().filter(|&s| s <= MAX_STEP).ok_or_else(|| {
            bad(format!(
                "its step is not a whole number from 0 to {MAX_STEP}"
            ))
        })?;
        let loss = read_series(&v.history["loss"], "loss")?;
        let test = read_series(&v.history["test"], "test")?;
        let update = Update {
            progress: Progress {
                step,
                metric: test.last().map(|t| t.1),
                // The page's own notes are a sentence or two; a file may say anything.
                event: v.event.as_str().map(|e| crate::error::echo(e, EVENT_CHARS)),
                ..Progress::default()
            },
            loss,
            test,
            comparison: lab.comparison.is_some().then(ComparisonUpdate::default),
            ..Update::default()
        };
        lab.absorb(&params, update)
            .map_err(|e| bad(format!("its numbers do not fit its flow ({e})")))?;
        let optimiser = match v.optimiser {
            None => None,
            Some(o) => Some(Optimiser {
                t: o.t
                    .as_i64()
                    .and_then(|t| i32::try_from(t).ok())
                    .ok_or_else(|| bad("the optimiser's step is not a whole number".into()))?,
                m: numbers_of(o.m, "optimiser m")?,
                v: numbers_of(o.v, "optimiser v")?,
            }),
        };
        if let Some(o) = &optimiser {
            let rule = "a second moment (a mean of squares) is never negative";
            keep_to(&o.v, "optimiser v", |x| x >= 0.0, rule)?;
        }
        lab.trainer
            .restore(step, optimiser.as_ref())
            .map_err(|e| bad(e.to_string()))?;
        if let Some(d) = &mut lab.comparison {
            d.rival.resume_at(step);
        }
        // A file without a test history (a link's model) has its test NLL computed anew.
        lab.metric_due = lab.progress.metric.is_none();
        self.replace_with(lab);
        Ok(())
    }
}
