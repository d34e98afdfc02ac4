//! One Adam step on flat slices: the parameters, their gradient and both moments in the
//! flow's parameter layout, whichever code computed the gradient. The arithmetic is dfdx's
//! Adam kernel's (its default betas and epsilon, the same operations in the same order), so
//! a run trains as it did when dfdx applied the update.

use dfdx::optim::AdamConfig;

/// Adam's state: its step count and both moments, in [`crate::flow::Flow::parameters`]'
/// order (plain numbers, so that they travel in model files and to other trainers).
#[derive(Debug, Clone, PartialEq)]
pub struct Optimiser {
    /// Adam's step count (its bias correction).
    pub t: i32,
    /// The first moments.
    pub m: Vec<f32>,
    /// The second moments.
    pub v: Vec<f32>,
}

impl Optimiser {
    /// Adam before its first step, for `n` parameters.
    pub fn new(n: usize) -> Optimiser {
        Optimiser {
            t: 0,
            m: vec![0.0; n],
            v: vec![0.0; n],
        }
    }

    /// One update of the parameters `p` with learning rate `lr` and their gradient `g`
    /// scaled by `factor` (gradient clipping).
    pub fn update(&mut self, lr: f64, p: &mut [f32], g: &[f32], factor: f32) {
        self.t += 1;
        adam(lr, self.t, p, g, [&mut self.m, &mut self.v], factor);
    }
}

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
