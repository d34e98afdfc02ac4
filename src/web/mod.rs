//! The `#[wasm_bindgen]` shell over a [`crate::session::lab::Lab`]: JavaScript owns the
//! animation loop and calls [`App`]. Errors become messages for the page; panics show a
//! banner. The API, by what it is for:
//!
//! - settings: `new(hash)`, `notes`, `hash`, `get`, `set`, `adopt`, `load`, `apply`,
//!   `rebuilding`, and [`settings_fields`] (the table the controls are built from);
//! - training: `train`, `step`, `reset`, `evaluate`, `resample`, `undo`, `undo_step`,
//!   `restore_best`;
//! - views: `render(view)`, `read(what)` (both in `api.rs`), `grid_work`, `grid_settled`,
//!   `set_probe`, `set_slice`, `slice_line`, `pick_mask`, and the digits' sequential view
//!   (`sequence_start`, `sequence_show`, in `digits.rs`), and the one-dimensional warm-up
//!   (`warmup_set`, in `warmup.rs`);
//! - files: `export(kind)`, `import_model`, `import_csv`, and the user's points
//!   (`points`, `set_points`, `points_count`, `stamp`, `erase`, `set_drawing`);
//! - MAF against IAF on this flow (`costs.rs`: `costs_start`, `costs_work`, `costs_result`
//!   in the worker) and as `D` grows (`dimension_cost.rs`: `sweep_start`, `sweep_work`,
//!   `sweep_result` in the worker, `take_dimension_costs` on the page);
//! - the training worker's hand-off (`progress.rs`) and the step shared with helper
//!   threads (`helpers.rs`, and its `Helper`);
//! - the WebGPU backend ([`Gpu`], `take_density`, `take_samples`, `version`);
//! - the benchmarks ([`bench`], [`pair_bench`], [`train_run`]) and the test hooks
//!   (`simulate_panic`, `density_now`, `heatmap_rgba`, `heatmap_rect`).

mod api;
mod app;
mod bench;
mod compare;
mod costs;
mod digits;
mod dimension_cost;
mod dom;
mod gpu;
mod helpers;
mod json;
mod masks;
mod progress;
mod render;
mod user_data;
mod views;
mod warmup;

pub use app::{settings_fields, App};
pub use bench::{bench, pair_bench, train_run};
pub use gpu::{gpu_connect, Gpu};
