//! Views of a trained flow, each the mechanism at one place: a point followed through the
//! layers with its Jacobians ([`probe`]), the data mapped to the latent and the uniform square
//! ([`latent`]), a conditional along a line ([`slice`]), a target's probability contours
//! ([`contour`]), one coordinate's map inside a layer ([`coordinate_map`]), and before any
//! flow the change of variables in one dimension ([`warmup`]).

pub mod contour;
pub mod coordinate_map;
pub mod latent;
pub mod probe;
pub mod sampling;
pub mod slice;
pub mod warmup;
