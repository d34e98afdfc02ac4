//! The native tests, as one test crate: one build and one link instead of one per file, and
//! every test of every file shares the cores while it runs. Each file of `tests/` is one
//! module; `cargo test --test native data::` runs one file's tests. The browser's tests
//! (`web.rs`, `gpu.rs`) are the crate `browser.rs`, built for wasm32 only.

#[path = "common/mod.rs"]
mod common;

#[path = "architecture.rs"]
mod architecture;
#[path = "bench_cli.rs"]
mod bench_cli;
#[path = "charts.rs"]
mod charts;
#[path = "compare.rs"]
mod compare;
#[path = "contour.rs"]
mod contour;
#[path = "coordinate_map.rs"]
mod coordinate_map;
#[path = "coverage.rs"]
mod coverage;
#[path = "curves.rs"]
mod curves;
#[path = "data.rs"]
mod data;
#[path = "degenerate_data.rs"]
mod degenerate_data;
#[path = "digits.rs"]
mod digits;
#[path = "digits_page.rs"]
mod digits_page;
#[path = "dimension_cost.rs"]
mod dimension_cost;
#[path = "divergence.rs"]
mod divergence;
#[path = "drawn_points.rs"]
mod drawn_points;
#[path = "fast.rs"]
mod fast;
#[path = "flow.rs"]
mod flow;
#[path = "fused.rs"]
mod fused;
#[path = "gpu_layout.rs"]
mod gpu_layout;
#[path = "gradients.rs"]
mod gradients;
#[path = "grid.rs"]
mod grid;
#[path = "guard.rs"]
mod guard;
#[path = "helper_faults.rs"]
mod helper_faults;
#[path = "history.rs"]
mod history;
#[path = "lab.rs"]
mod lab;
#[path = "latent.rs"]
mod latent;
#[path = "made.rs"]
mod made;
#[path = "model_file.rs"]
mod model_file;
#[path = "probe.rs"]
mod probe;
#[path = "python_export.rs"]
mod python_export;
#[path = "sampler.rs"]
mod sampler;
#[path = "settings.rs"]
mod settings;
#[path = "slice.rs"]
mod slice;
#[path = "spline.rs"]
mod spline;
#[path = "spline_flow.rs"]
mod spline_flow;
#[path = "spline_tensor.rs"]
mod spline_tensor;
#[path = "stats.rs"]
mod stats;
#[path = "sync.rs"]
mod sync;
#[path = "target.rs"]
mod target;
#[path = "train.rs"]
mod train;
#[path = "user_data.rs"]
mod user_data;
#[path = "verdict.rs"]
mod verdict;
#[path = "views.rs"]
mod views;
#[path = "warmup.rs"]
mod warmup;
