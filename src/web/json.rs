//! The page's JSON is serde_json's, as the model files' is. Lists of f32 are widened to f64
//! first, so that every number reads back in the page as the f64 the engine's f32 is.

/// `v` as f64s (a JSON list of numbers; non-finite ones become `null`).
pub fn floats<T: Copy + Into<f64>>(v: &[T]) -> Vec<f64> {
    v.iter().map(|&x| x.into()).collect()
}
