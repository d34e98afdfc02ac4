//! The in-browser tests, as one test crate (wasm32 only; empty natively), run by
//! wasm-bindgen's test runner in headless Chromium (`scripts/test.sh`, or
//! `wasm-pack test --headless --chrome -- --test browser`): one build and one link for both
//! files. `web.rs` checks the page's App and canvases, `gpu.rs` the WebGPU backend against
//! the CPU.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[path = "common/mod.rs"]
mod common;

#[path = "gpu.rs"]
mod gpu;
#[path = "web.rs"]
mod web;
