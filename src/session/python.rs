//! The trained flow as a self-contained Python file (`flow_script.py`: NumPy, and PyTorch
//! when it imports) and as a Jupyter notebook of the same cells. The file carries the
//! flow's structure (each layer's ordering and MADE degrees, from which it builds the
//! masks; the transform, its scale or bins and bounds; the base), the parameters as the
//! page's float32 numbers (base64, little-endian, so that they read back exactly), and
//! numbers the page computed to check the file against: the log-densities of a few points
//! and the samples of a few fixed latent draws. The same model always gives the same
//! bytes.

use super::lab::Lab;
use crate::data::digits::{held_out, ALPHA, LEVELS};
use crate::flow::scale::{softplus_shift, SOFTPLUS_FLOOR, TANH_BOUND};
use crate::flow::spline::{derivative_shift, MIN_BIN, MIN_DERIVATIVE};
use crate::flow::transformer::SPLINE_BOUND;
use crate::flow::{Direction, Flow, Transform};
use crate::numeric::tensor::{matrix, values};
use crate::train::objective::Objective;
use base64::{engine::general_purpose::STANDARD, Engine};
use rand::{rngs::StdRng, Rng, SeedableRng};
use rand_distr::StandardNormal;
use serde_json::{json, Value};

const SCRIPT: &str = include_str!("flow_script.py");
const DIGITS: &str = include_str!("flow_script_digits.py");
/// The latent draws whose samples the file checks, and their seed.
const CHECK_DRAWS: usize = 4;
const CHECK_SEED: u64 = 0xC4EC;
/// Points of the view whose log-densities the file checks, besides the samples'.
const CHECK_POINTS: [[f32; 2]; 3] = [[0.0, 0.0], [1.0, -1.0], [-2.0, 0.5]];
/// Held-out images whose log-densities a digits file checks.
const CHECK_IMAGES: usize = 2;
/// How a script's last lines run its check, and a notebook's last cell instead.
const MAIN: &str = "if __name__ == \"__main__\":\n    sys.exit(0 if check() else 1)\n";

/// The page's float32 numbers as base64 of their little-endian bytes.
fn packed(numbers: &[f32]) -> String {
    let bytes: Vec<u8> = numbers.iter().flat_map(|v| v.to_le_bytes()).collect();
    STANDARD.encode(bytes)
}

/// Row-major `values` (`n x d`) as a list of rows of exact numbers.
fn rows(values: &[f32], d: usize) -> Value {
    let list = values
        .chunks(d)
        .map(|r| r.iter().map(|&v| f64::from(v)).collect::<Vec<_>>());
    Value::from(list.collect::<Vec<_>>())
}

/// The flow's numbers and the check, as the file's `MODEL`.
fn model(flow: &Flow, digits: bool) -> Value {
    let c = &flow.config;
    let layers: Vec<Value> = flow
        .layers
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let weights: Vec<Value> = (l.made.layers.iter())
                .map(|m| json!({"weight": packed(&values(&m.weight)), "bias": packed(&values(&m.bias))}))
                .collect();
            json!({"order": c.layer_ordering(k), "degrees": l.made.degrees, "weights": weights})
        })
        .collect();
    let base = flow.base.as_ref().map(|b| {
        let (mean, log_std) = b.values();
        json!({"mean": packed(&mean), "log_std": packed(&log_std)})
    });
    json!({
        "dim": c.dim,
        "direction": match c.direction { Direction::Maf => "maf", Direction::Iaf => "iaf" },
        "transform": c.transform.name(),
        "scale": c.scale.name(),
        "bins": c.bins,
        "layers": layers,
        "base": base,
        "digits": digits.then(|| json!({"alpha": ALPHA, "levels": LEVELS})),
        "constants": {
            "tanh_bound": TANH_BOUND, "softplus_floor": SOFTPLUS_FLOOR,
            "softplus_shift": softplus_shift(), "spline_bound": SPLINE_BOUND,
            "min_bin": MIN_BIN, "min_derivative": MIN_DERIVATIVE,
            "derivative_shift": derivative_shift(),
        },
        "check": check(flow, digits),
    })
}

/// What the page computes for the file's check: samples of fixed latent draws, and the
/// log-densities of those samples and of a few fixed points (or held-out images).
fn check(flow: &Flow, digits: bool) -> Value {
    let (d, dev) = (flow.dim(), flow.device());
    let mut rng = StdRng::seed_from_u64(CHECK_SEED);
    let eps: Vec<f32> = (0..CHECK_DRAWS * d)
        .map(|_| rng.sample(StandardNormal))
        .collect();
    let samples = values(&flow.to_data(matrix(dev, eps.clone(), d)).0);
    let mut x = samples.clone();
    match digits {
        true => x.extend_from_slice(&held_out().x[..CHECK_IMAGES * d]),
        false => x.extend(CHECK_POINTS.iter().flatten()),
    }
    let log_prob = values(&flow.log_prob(matrix(dev, x.clone(), d)));
    let log_prob: Vec<f64> = log_prob.into_iter().map(f64::from).collect();
    json!({"eps": rows(&eps, d), "samples": rows(&samples, d), "x": rows(&x, d), "log_prob": log_prob})
}

impl Lab {
    /// The model as a Python file: `link` is the page's address before the hash (empty
    /// where there is none), named with the settings as where the model came from.
    pub fn python_script(&self, link: &str) -> String {
        let flow = &self.trainer.flow;
        let digits = self.settings.objective() == Objective::Digits;
        let c = &flow.config;
        let kind = match (c.direction, c.transform) {
            (Direction::Maf, Transform::Affine) => "MAF",
            (Direction::Iaf, Transform::Affine) => "IAF",
            (Direction::Maf, Transform::Spline) => "MAF with spline layers",
            (Direction::Iaf, Transform::Spline) => "IAF with spline layers",
        };
        let title = format!(
            "# A trained {kind} from arflow: {} layers of MADE {:?}, D = {}",
            c.layers, c.hidden, c.dim
        );
        let status = self.status();
        let metric = self
            .progress
            .metric
            .map_or("not measured yet".into(), |m| format!("{m:.4}"));
        let provenance = format!(
            "Exported by arflow {} at step {}, {} {metric}, from the settings\n# `{link}#{}`.",
            env!("CARGO_PKG_VERSION"),
            self.progress.step,
            status.metric_name,
            self.settings.to_hash(),
        );
        let model = serde_json::to_string(&model(flow, digits)).expect("numbers and text write");
        SCRIPT
            .replacen("# __TITLE__", &title, 1)
            .replacen("__PROVENANCE__", &provenance, 1)
            .replacen("__MODEL__", &model, 1)
            .replacen("__DIGITS__\n", if digits { DIGITS } else { "" }, 1)
    }

    /// The model as a Jupyter notebook: [`Self::python_script`]'s cells (its `# %%`
    /// marks), the first saying where the model came from, the last running the check.
    pub fn notebook(&self, link: &str) -> String {
        let script = self.python_script(link).replacen(MAIN, "check()\n", 1);
        let cells: Vec<Value> = script
            .split("# %%")
            .filter(|c| !c.trim().is_empty())
            .enumerate()
            .map(|(i, cell)| {
                let (markdown, body) = match cell.strip_prefix(" [markdown]") {
                    Some(rest) => (true, rest),
                    None => (false, cell),
                };
                let body = body.trim_matches('\n');
                let lines: Vec<String> = body
                    .lines()
                    .map(|l| match markdown {
                        true => l.strip_prefix("# ").unwrap_or(l.trim_start_matches('#')),
                        false => l,
                    })
                    .map(|l| format!("{l}\n"))
                    .collect();
                let mut source = lines;
                if let Some(last) = source.last_mut() {
                    last.pop();
                }
                let mut c = json!({"cell_type": if markdown { "markdown" } else { "code" },
                    "id": format!("cell-{i}"), "metadata": {}, "source": source});
                if !markdown {
                    c["execution_count"] = Value::Null;
                    c["outputs"] = json!([]);
                }
                c
            })
            .collect();
        let book = json!({
            "cells": cells,
            "metadata": {
                "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                "language_info": {"name": "python"},
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        });
        serde_json::to_string_pretty(&book).expect("a notebook writes")
    }
}
