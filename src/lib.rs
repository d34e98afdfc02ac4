//! arflow: an in-browser laboratory for autoregressive normalizing flows.
//!
//! A flow maps data `x` to a latent `z = T^-1(x)` with a standard normal prior, so
//! `log p(x) = log N(z; 0, I) + log|det dz/dx|`, and a composition of K layers adds their
//! log-determinants.
//!
//! - MADE: Germain, Gregor, Murray, Larochelle, *MADE: Masked Autoencoder for Distribution
//!   Estimation*, ICML 2015 ([`flow::made`]).
//! - MAF: Papamakarios, Pavlakou, Murray, *Masked Autoregressive Flow for Density
//!   Estimation*, NeurIPS 2017 ([`flow`]).
//! - IAF: Kingma, Salimans, Jozefowicz, Chen, Sutskever, Welling, *Improved Variational
//!   Inference with Inverse Autoregressive Flow*, NeurIPS 2016 ([`flow`]).
//! - Energy targets: Rezende, Mohamed, *Variational Inference with Normalizing Flows*,
//!   ICML 2015, Table 1 ([`data::target`]).
//! - Toy data: Grathwohl et al., *FFJORD*, ICLR 2019 ([`data`]).
//!
//! # Storeys
//!
//! The crate is built in storeys, each a folder, in the order of the theory; a module imports
//! only from its own storey or the ones below it (`tests/architecture.rs` checks it).
//!
//! The engine, plain Rust, tested natively:
//! 1. [`numeric`]: dfdx tensors, the lattice over the view window, sums and sorts of floats.
//! 2. [`kernels`]: blocked matrix products on plain slices, the fast engine's arithmetic.
//! 3. [`data`]: what is learned: toy data sets, their exact densities, energy targets and
//!    their sampler, the user's points and CSV files.
//! 4. [`flow`]: the model: masks, MADE, scales and splines, layers, the base, the flow.
//! 5. [`eval`]: the fast engine's evaluation: densities, samples and grids without a tape.
//! 6. [`train`]: objectives, the step (dfdx's tape or the [`train::fused`] step), Adam,
//!    the guard, history, resumption, read-outs and divergences.
//! 7. [`views`]: the mechanism at a point: probe, latent, slice, contours, a coordinate's map.
//!
//! Above the engine:
//! 8. [`session`]: one playground without a browser (settings = URL hash, the lab, the
//!    worker message codec, engine timings).
//! 9. [`draw`]: pictures as bytes and plotters charts; the only user of plotters.
//! 10. [`gpu`]: the flow packed for a WGSL compute shader (pure) and the WebGPU device.
//! 11. `web` (wasm32 only): the `#[wasm_bindgen]` shell.
//!
//! Only `web` and `gpu::device` touch `web_sys` and `wasm_bindgen`.

// 1. Numbers (and the crate's error type).
pub mod error;
pub mod numeric;
// 2. Blocked products.
pub mod kernels;
// 3. What is learned.
pub mod data;
// 4. The model.
pub mod flow;
// 5. Evaluation without a tape.
pub mod eval;
// 6. Training and read-outs.
pub mod train;
// 7. Views of the mechanism.
pub mod views;
// 8. The browser-free session.
pub mod session;
// 9. Drawing.
pub mod draw;
// 10. WebGPU.
pub mod gpu;
// 11. The web shell.
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::{Error, Result};
