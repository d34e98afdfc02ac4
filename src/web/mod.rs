//! The `#[wasm_bindgen]` shell over a [`crate::session::lab::Lab`]: JavaScript owns the
//! animation loop and calls `train`, `grid_work` and the `render_*` methods of [`App`].
//! Errors become messages for the page; panics show a banner.

mod app;
mod bench;
mod compare;
mod dom;
mod gpu;
mod helpers;
mod json;
mod masks;
mod progress;
mod render;
mod user_data;
mod views;

pub use app::{settings_fields, App};
pub use bench::{bench, pair_bench, train_run};
pub use gpu::{gpu_connect, Gpu};
