//! The digits' model images as a lab keeps them (they are computed a few at a time, like a
//! 2-D flow's density grid: `digits.rs`).

/// The model's images: the set being computed (from which image on, for which version of
/// the parameters) and the last complete one with its version.
#[derive(Debug, Default)]
pub struct Images {
    pub(super) job: Option<(Vec<f32>, u64)>,
    pub(super) done: Option<(Vec<f32>, u64)>,
    /// Milliseconds an image took in the last batch (it sizes the next call's first batch;
    /// a new flow starts again from one image).
    pub(super) per_image_ms: Option<f64>,
}

impl Images {
    /// A new flow or new draws: nothing of it yet.
    pub(super) fn clear(&mut self) {
        *self = Images::default();
    }
}
