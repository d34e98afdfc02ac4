//! One Adam step on a tensor of any runtime shape, with dfdx's update kernel and the
//! moment buffers kept by the caller (the trainer owns its parameters, not a dfdx module).

use crate::tensor::Dev;
use dfdx::optim::AdamConfig;
use dfdx::prelude::*;

/// One Adam update of `p` with its gradient scaled by `factor`.
pub fn adam<S: Shape>(
    cfg: &AdamConfig,
    t: i32,
    p: &mut Tensor<S, f32, Dev>,
    grads: &mut Gradients<f32, Dev>,
    m: &mut Gradients<f32, Dev>,
    v: &mut Gradients<f32, Dev>,
    factor: f32,
) {
    let g = grads.get_or_alloc_mut(p).expect("cpu alloc");
    if factor != 1.0 {
        g.iter_mut().for_each(|x| *x *= factor);
    }
    let m = m.get_or_alloc_mut(p).expect("cpu alloc");
    let v = v.get_or_alloc_mut(p).expect("cpu alloc");
    cfg.try_update(t, p, m, v, g).expect("cpu adam");
}
