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
//! Everything here is plain Rust on dfdx's CPU tensors and is tested natively; the web
//! shell and the drawing layer sit on top of it.

pub mod bench;
pub mod data;
pub mod draw;
pub mod error;
pub mod eval;
pub mod fast;
pub mod flow;
#[cfg(target_arch = "wasm32")]
pub mod gpu;
pub mod gpu_layout;
pub mod grid;
pub mod lab;
pub mod made;
pub mod masked;
pub mod metrics;
pub mod settings;
pub mod target;
pub mod tensor;
pub mod train;
#[cfg(target_arch = "wasm32")]
pub mod web;

pub use error::{Error, Result};
