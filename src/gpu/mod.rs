//! The WebGPU backend: `layout` packs a flow into flat arrays and fills in the compute
//! shader `flow.wgsl` (pure, tested natively); `device` (browser only) moves them to the
//! GPU and reads results back. The CPU path ([`crate::eval`]) defines the right answer.

#[cfg(target_arch = "wasm32")]
pub mod device;
pub mod layout;
