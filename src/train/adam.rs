//! One Adam step on flat slices: the parameters, their gradient and both moments in the
//! flow's parameter layout, whichever code computed the gradient. The arithmetic is dfdx's
//! Adam kernel's (its default betas and epsilon, the same operations in the same order), so
//! a run trains as it did when dfdx applied the update.

use dfdx::optim::AdamConfig;

/// One Adam update of `p` at step `t` (from 1) with learning rate `lr`, its gradient `g`
/// scaled by `factor` (gradient clipping), the moments `m` and `v` updated in place.
pub fn adam(lr: f64, t: i32, p: &mut [f32], g: &[f32], [m, v]: [&mut [f32]; 2], factor: f32) {
    let cfg = AdamConfig::default();
    let [b1, b2] = cfg.betas.map(|b| b as f32);
    let (eps, lr) = (cfg.eps as f32, lr as f32);
    let c1 = (1.0 - b1.powi(t)).recip();
    let c2 = (1.0 - b2.powi(t)).recip();
    for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
        let g = if factor != 1.0 { g * factor } else { g };
        *m = *m * b1 + g * (1.0 - b1);
        *v = *v * b2 + g.powi(2) * (1.0 - b2);
        let (m_hat, v_hat) = (*m * c1, *v * c2);
        *p -= lr * m_hat / (v_hat.sqrt() + eps);
    }
}
