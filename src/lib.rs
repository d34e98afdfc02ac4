//! arflow: an in-browser laboratory for autoregressive normalizing flows.
//!
//! A flow maps data `x` to a latent `z = T^-1(x)` with a standard normal prior, so
//! `log p(x) = log N(z; 0, I) + log|det dz/dx|`, and a composition of K layers adds their
//! log-determinants.
//!
//! - MADE: Germain, Gregor, Murray, Larochelle, *MADE: Masked Autoencoder for Distribution
//!   Estimation*, ICML 2015 ([`made`]).
//! - MAF: Papamakarios, Pavlakou, Murray, *Masked Autoregressive Flow for Density
//!   Estimation*, NeurIPS 2017 ([`flow`]).
//! - IAF: Kingma, Salimans, Jozefowicz, Chen, Sutskever, Welling, *Improved Variational
//!   Inference with Inverse Autoregressive Flow*, NeurIPS 2016 ([`flow`]).
//! - Energy targets: Rezende, Mohamed, *Variational Inference with Normalizing Flows*,
//!   ICML 2015, Table 1 ([`target`]).
//! - Toy data: Grathwohl et al., *FFJORD*, ICLR 2019 ([`data`]).
//!
//! # Layers
//!
//! The crate is built in storeys; a module imports only from its own storey or below.
//!
//! 1. The engine, plain Rust on dfdx's CPU tensors, tested natively. Its modules read like
//!    the theory's table of contents: [`data`] and [`target`] (what is learned),
//!    [`masks`] -> [`made`] -> [`scale`] -> [`layer`] -> [`flow`] (the model), [`objective`] and [`train`]
//!    (losses, Adam, its [`history`]), [`grid`] and [`metrics`] (read-outs). [`eval`] evaluates a flow without a tape
//!    (its `kernels` sit under [`made`], its `plan` and `lattice` over [`flow`]).
//! 2. [`session`]: one playground without a browser (settings = URL hash, the lab, the
//!    worker message codec, engine timings).
//! 3. [`draw`]: pictures as bytes and plotters charts; the only user of plotters.
//! 4. [`gpu`]: the flow packed for a WGSL compute shader (pure) and the WebGPU device.
//! 5. `web` (wasm32 only): the `#[wasm_bindgen]` shell.
//!
//! Only `web` and `gpu::device` touch `web_sys` and `wasm_bindgen`; nothing in the engine
//! imports anything above it, and there is no import cycle.

// The engine.
pub mod adam;
pub mod base;
pub mod config;
pub mod contour;
pub mod coordinate_map;
pub mod csv_file;
pub mod data;
pub mod divergence;
pub mod error;
pub mod eval;
pub mod exact;
pub mod flow;
pub mod fused;
pub mod gradient;
pub mod grid;
pub mod guard;
pub mod history;
pub mod latent;
pub mod layer;
pub mod made;
pub mod masks;
pub mod metrics;
pub mod objective;
pub mod points;
pub mod probe;
pub mod readout;
pub mod resume;
pub mod sampler;
pub mod scale;
pub mod slice;
pub mod spline;
pub mod spline_grad;
pub mod spline_tensor;
pub mod target;
pub mod tensor;
pub mod train;
pub mod train_config;
pub mod transformer;
// The browser-free session.
pub mod session;
// Drawing.
pub mod draw;
// WebGPU.
pub mod gpu;
// The web shell.
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::{Error, Result};
