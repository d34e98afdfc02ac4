//! The prior's log-density, `log N(z; 0, I) = -|z|^2 / 2 - D ln sqrt(2 pi)`, defined once:
//! the fast engine's rows and the probe use these functions, dfdx's tensor form
//! ([`crate::numeric::tensor::log_normal`]) and the shader (filled in by
//! `gpu::layout::shader`) use [`HALF_LN_2PI`]. Every form gives the same bits as
//! `0.5 D ln(2 pi)` did (checked for D up to 256).

/// `ln sqrt(2 pi)`, the log-normaliser of one standard normal coordinate.
pub const HALF_LN_2PI: f64 = 0.918_938_533_204_672_7;

/// `log N(z; 0, I)` of one point, in f32.
pub fn log_normal_f32(z: &[f32]) -> f32 {
    -0.5 * z.iter().map(|v| v * v).sum::<f32>() - z.len() as f32 * HALF_LN_2PI as f32
}

/// `log N(z; 0, I)` of one point, its squares summed in f64.
pub fn log_normal_f64(z: &[f32]) -> f64 {
    let sq: f64 = z.iter().map(|&v| (v as f64) * (v as f64)).sum();
    -0.5 * sq - z.len() as f64 * HALF_LN_2PI
}
