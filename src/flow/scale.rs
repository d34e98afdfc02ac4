//! How a MADE output `s` becomes the scale `a = exp(ln a)` of an affine autoregressive
//! layer: the one definition of each parameterisation and of its constants. The tensor
//! path ([`Scale::log_scale`]), the slice path ([`Scale::log_scale_f32`]) and the WebGPU
//! shader (its constants are filled in from these, `crate::gpu::layout`) all read them here.

use crate::numeric::tensor::{Dev, Mat};
use dfdx::prelude::*;

/// How the MADE output `s` becomes the scale `a = exp(ln a)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// `ln a = s`, as in the MAF and IAF papers.
    Exp,
    /// `ln a = 3 tanh(s / 3)`: the scale stays in `[e^-3, e^3]` per layer.
    Tanh,
    /// `a = softplus(s + c) + 1e-3`, with `c` chosen so that `s = 0` gives `a = 1`.
    Softplus,
}

/// The bound of [`Scale::Tanh`]: `|ln a| <= 3`.
pub const TANH_BOUND: f32 = 3.0;
/// The floor of [`Scale::Softplus`].
pub const SOFTPLUS_FLOOR: f32 = 1e-3;

/// The shift `c` of [`Scale::Softplus`]: `softplus(c) = 1 - floor`, so `s = 0` gives `a = 1`.
pub fn softplus_shift() -> f32 {
    ((1.0 - SOFTPLUS_FLOOR).exp() - 1.0).ln()
}

impl Scale {
    /// Every parameterisation, in the order of [`Self::code`].
    pub const ALL: [Scale; 3] = [Scale::Exp, Scale::Tanh, Scale::Softplus];

    /// The name the page and the CLI use.
    pub fn name(self) -> &'static str {
        match self {
            Scale::Exp => "exp",
            Scale::Tanh => "tanh",
            Scale::Softplus => "softplus",
        }
    }

    /// The number the shader switches on (`flow.wgsl`'s `log_scale`).
    pub fn code(self) -> u32 {
        self as u32
    }

    /// `ln a` from the raw MADE output `s`, on tensors (with their tape).
    pub fn log_scale<T: Tape<f32, Dev>>(self, s: Mat<T>) -> Mat<T> {
        match self {
            Scale::Exp => s,
            Scale::Tanh => (s / TANH_BOUND).tanh() * TANH_BOUND,
            Scale::Softplus => {
                let v = s + softplus_shift();
                // softplus(v) = relu(v) + ln(1 + exp(-|v|)), stable for any v.
                let tail = (v.with_empty_tape().abs().negate().exp() + 1.0).ln();
                (v.relu() + tail + SOFTPLUS_FLOOR).ln()
            }
        }
    }

    /// `ln a` from the raw MADE output `s`, on one number: the same formula as
    /// [`Self::log_scale`] for the tape-free path.
    #[inline(always)]
    pub fn log_scale_f32(self, s: f32) -> f32 {
        match self {
            Scale::Exp => s,
            Scale::Tanh => (s / TANH_BOUND).tanh() * TANH_BOUND,
            Scale::Softplus => {
                let v = s + softplus_shift();
                (v.max(0.0) + (-v.abs()).exp().ln_1p() + SOFTPLUS_FLOOR).ln()
            }
        }
    }

    /// `ln a`, `a` and `d ln a / ds` at one number, for the fused training step (its
    /// backward keeps them): `ln a` is [`Self::log_scale_f32`]'s, by the same operations.
    #[inline(always)]
    pub fn log_scale_parts(self, s: f32) -> [f32; 3] {
        match self {
            Scale::Exp => [s, s.exp(), 1.0],
            Scale::Tanh => {
                let th = (s / TANH_BOUND).tanh();
                let ls = th * TANH_BOUND;
                [ls, ls.exp(), 1.0 - th * th]
            }
            Scale::Softplus => {
                let v = s + softplus_shift();
                let e = (-v.abs()).exp();
                let a = v.max(0.0) + e.ln_1p() + SOFTPLUS_FLOOR;
                // sigmoid(v), from the same exp(-|v|).
                let sigmoid = if v >= 0.0 {
                    1.0 / (1.0 + e)
                } else {
                    e / (1.0 + e)
                };
                [a.ln(), a, sigmoid / a]
            }
        }
    }
}
