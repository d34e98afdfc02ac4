//! The browser benchmark (`www/bench.html`): the engine's timings in this browser.

use super::dom::now;
use crate::session::bench::{time_engine, time_pair};
use crate::session::settings::Settings;
use serde_json::json;
use wasm_bindgen::prelude::*;

/// Times the engine in this browser: standard config unless the hash says otherwise
/// (same keys as the page). JSON: for MAF and IAF, steps/s, grid and sampling times with
/// the fast kernels and with dfdx's, from the same initial parameters.
#[wasm_bindgen]
pub fn bench(hash: &str, steps: usize) -> String {
    let (base, _) = Settings::from_hash(hash);
    let mut fields = serde_json::Map::new();
    for flow in ["maf", "iaf"] {
        let mut s = base.clone();
        s.set("flow", flow).expect("a valid flow name");
        let timings = match time_engine(&s.flow_config(), s.train_config(), steps, &mut now) {
            Ok(t) => t,
            Err(e) => return json!({ "error": e.to_string() }).to_string(),
        };
        let rows: Vec<_> = timings.iter().map(|t| t.to_json()).collect();
        fields.insert(flow.to_string(), rows.into());
    }
    fields.insert("config".into(), base.to_hash().into());
    serde_json::Value::Object(fields).to_string()
}

/// Trains the page's own engine for `steps` steps on the settings of `hash` (the page's
/// defaults for every key it leaves out), as the training worker would: JSON with the
/// rollbacks (`[step, restored step, cause]` each) and the last test metric. The
/// default-settings sweep (`tests/bench/sweep.mjs`) runs it for every data set and flow.
#[wasm_bindgen]
pub fn train_run(hash: &str, steps: usize) -> String {
    let (settings, _) = Settings::from_hash(hash);
    let mut trainer = match settings.trainer() {
        Ok(t) => t,
        Err(e) => return json!({ "error": e.to_string() }).to_string(),
    };
    for _ in 0..steps {
        trainer.step();
    }
    let events: Vec<_> = trainer
        .history
        .events
        .iter()
        .map(|e| json!([e.step, e.restored_step, e.cause]))
        .collect();
    json!({
        "config": settings.to_hash(),
        "rollbacks": events.len(),
        "events": events,
        "metric": trainer.test_metric(),
    })
    .to_string()
}

/// The compare view's speed in this browser (`www/pair-bench.html`): each flow's steps per
/// second alone and in the pair, each measured for `ms` milliseconds, on the settings of
/// `hash` with the comparison on (see `session::bench::time_pair`).
#[wasm_bindgen]
pub fn pair_bench(hash: &str, ms: usize) -> String {
    let (settings, _) = Settings::from_hash(hash);
    let rates = match time_pair(&settings, ms as f64, &mut now) {
        Ok(r) => r,
        Err(e) => return json!({ "error": e.to_string() }).to_string(),
    };
    let report = |[alone, in_pair]: [f64; 2]| json!({ "alone": alone, "in_pair": in_pair, "ratio": in_pair / alone });
    json!({
        "config": settings.to_hash(),
        "lab_trainer": report(rates[0]),
        "rival": report(rates[1]),
    })
    .to_string()
}
