//! Independent oracles shared by the native tests: finite-difference Jacobians, an LU
//! determinant in f64, and autodiff Jacobians read straight from dfdx.
#![allow(dead_code, clippy::needless_range_loop)]

use arflow::flow::made::Kernels;
use arflow::flow::scale::Scale;
use arflow::flow::{Direction, Flow, FlowConfig, LayerOrder};
use arflow::numeric::tensor::{matrix, Dev, Mat};
use arflow::train::fused::Fused;
use arflow::train::objective::{
    energy_and_gradient, forward_kl_loss, reverse_kl_data_loss, reverse_kl_loss, Objective, Scalar,
};
use dfdx::prelude::*;

/// `J[i][j] = d f_i / d x_j` by central differences with step `eps`.
pub fn jacobian_fd(f: impl Fn(&[f32]) -> Vec<f32>, x: &[f32], eps: f32) -> Vec<Vec<f64>> {
    let n_out = f(x).len();
    let mut jac = vec![vec![0.0; x.len()]; n_out];
    for j in 0..x.len() {
        let mut hi = x.to_vec();
        let mut lo = x.to_vec();
        hi[j] += eps;
        lo[j] -= eps;
        let (fh, fl) = (f(&hi), f(&lo));
        let step = (hi[j] as f64) - (lo[j] as f64);
        for i in 0..n_out {
            jac[i][j] = (fh[i] as f64 - fl[i] as f64) / step;
        }
    }
    jac
}

/// `J[i][j] = d f_i / d x_j` by dfdx's reverse mode, one backward pass per output.
pub fn jacobian_autodiff(
    dev: &Dev,
    f: impl Fn(Mat<OwnedTape<f32, Dev>>) -> Mat<OwnedTape<f32, Dev>>,
    x: &[f32],
) -> Vec<Vec<f64>> {
    let d = x.len();
    let probe: Mat = dev.tensor_from_vec(x.to_vec(), (1, d));
    let n_out = f(probe.clone().leaky_traced()).shape().1;
    (0..n_out)
        .map(|i| {
            let y = f(probe.clone().leaky_traced());
            let yi = y.slice((.., i..i + 1)).sum::<(), _>();
            let grads = yi.backward();
            grads
                .get(&probe)
                .as_vec()
                .into_iter()
                .map(f64::from)
                .collect()
        })
        .collect()
}

/// `ln |det A|` by LU with partial pivoting.
pub fn log_abs_det(a: &[Vec<f64>]) -> f64 {
    let n = a.len();
    let mut m = a.to_vec();
    let mut total = 0.0;
    for c in 0..n {
        let p = (c..n)
            .max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs()))
            .unwrap();
        m.swap(c, p);
        let pivot = m[c][c];
        total += pivot.abs().ln();
        for r in c + 1..n {
            let factor = m[r][c] / pivot;
            for k in c..n {
                m[r][k] -= factor * m[c][k];
            }
        }
    }
    total
}

/// Row-major `n x d` points, each coordinate uniform in `[-h, h]`, from a fixed seed.
pub fn points(n: usize, d: usize, h: f32, seed: u64) -> Vec<f32> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..n * d).map(|_| rng.gen_range(-h..h)).collect()
}

/// `max_i |a_i - b_i|`.
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// A 2-D flow with alternating orders (the page's), of this shape.
pub fn flow(
    direction: Direction,
    scale: Scale,
    layers: usize,
    hidden: &[usize],
    seed: u64,
) -> Flow {
    Flow::new(FlowConfig {
        layers,
        hidden: hidden.to_vec(),
        direction,
        scale,
        order: LayerOrder::Alternate,
        seed,
        ..FlowConfig::default()
    })
    .unwrap()
}

/// Moves a flow far from its near-identity start (parameters times `gain`), so that the
/// tests see real scales and shifts and every part of the network matters.
pub fn scramble(f: &mut Flow, gain: f32) {
    let p: Vec<f32> = f.parameters().iter().map(|v| v * gain).collect();
    f.set_parameters(&p).unwrap();
}

/// Loss and every parameter's gradient, flattened like `Flow::parameters`.
pub fn loss_and_grads(f: &Flow, loss: &dyn Fn(&Flow) -> Scalar) -> (f64, Vec<f32>) {
    let l = loss(f);
    let value = l.array() as f64;
    let grads = l.backward();
    let mut g = Vec::new();
    for layer in f.layers.iter().flat_map(|l| &l.made.layers) {
        g.extend(grads.get(&layer.weight).as_vec());
        g.extend(grads.get(&layer.bias).as_vec());
    }
    for c in f.base.iter().flat_map(|b| [&b.mean, &b.log_std]) {
        g.extend(grads.get(c).as_vec());
    }
    (value, g)
}

/// A density that holds all its mass on the grid: no non-finite value, mass 1 +- 0.01.
pub fn assert_unit_mass(density: &arflow::numeric::grid::Density, what: &str) {
    assert_eq!(density.non_finite, 0, "{what}");
    assert!(
        (density.mass() - 1.0).abs() < 0.01,
        "{what}: mass {}",
        density.mass()
    );
}

/// `log|det dz/dx|` of the whole flow at `point` against the log of a finite-difference
/// Jacobian's determinant, to `tol`.
pub fn assert_log_det_matches_fd(f: &Flow, point: &[f32], tol: f64, name: &str) {
    let (dev, dim) = (f.device().clone(), f.dim());
    let (_, ld) = f.to_prior(matrix(&dev, point.to_vec(), dim));
    let fd = log_abs_det(&jacobian_fd(
        |p| f.to_prior(matrix(&dev, p.to_vec(), dim)).0.as_vec(),
        point,
        1e-3,
    ));
    let ld = ld.as_vec()[0] as f64;
    assert!((fd - ld).abs() < tol, "{name} at {point:?}: {fd} vs {ld}");
}

/// The central finite difference of `loss` in parameter `i` with step `eps` (the
/// parameters are restored).
pub fn fd_gradient(f: &mut Flow, loss: &dyn Fn(&Flow) -> Scalar, i: usize, eps: f32) -> f64 {
    let params = f.parameters();
    let mut p = params.clone();
    p[i] += eps;
    f.set_parameters(&p).unwrap();
    let hi = loss(f).array() as f64;
    p[i] -= 2.0 * eps;
    f.set_parameters(&p).unwrap();
    let lo = loss(f).array() as f64;
    f.set_parameters(&params).unwrap();
    (hi - lo) / (2.0 * eps as f64)
}

/// The fused step's loss and gradient (the flow's layout) on `rows`, a batch cut into
/// chunks of `chunk` rows whose gradients are summed in order.
pub fn fused(f: &Flow, objective: Objective, rows: &[f32], chunk: usize) -> (f64, Vec<f32>) {
    let mut step = Fused::new(f);
    let total = rows.len() / f.dim();
    let (mut loss, mut sum) = (0.0, vec![0.0f32; step.gradient_len()]);
    for c in rows.chunks(f.dim() * chunk) {
        let mut g = vec![0.0f32; step.gradient_len()];
        loss += if objective.is_forward() {
            step.forward_kl(c, total, &mut g)
        } else {
            let mut energy = |x: &[f32]| energy_and_gradient(objective, x).unwrap();
            step.reverse_kl(c, total, &mut energy, &mut g)
        };
        sum.iter_mut().zip(&g).for_each(|(s, v)| *s += v);
    }
    let mut flat = vec![0.0; f.parameters_len()];
    step.export(&sum, &mut flat);
    (loss, flat)
}

/// dfdx's tape loss and gradient for `objective` on `rows`.
pub fn reference(f: &Flow, objective: Objective, rows: &[f32]) -> (f64, Vec<f32>) {
    let mut f = f.clone();
    f.kernels = Kernels::Dfdx;
    let dev = f.device().clone();
    let m = || matrix(&dev, rows.to_vec(), f.dim());
    loss_and_grads(&f, &|f| match objective {
        Objective::ForwardKl(_) | Objective::ForwardKlEnergy(_) | Objective::Digits => {
            forward_kl_loss(f, m())
        }
        Objective::ReverseKl(t) => reverse_kl_loss(f, t, m()),
        Objective::ReverseKlData(d) => reverse_kl_data_loss(f, d, m()),
    })
}

/// The fused step gives dfdx's tape loss and every gradient on `rows` (in chunks of
/// `chunk` rows), to 1e-5 relative.
pub fn check_fused(name: &str, f: &Flow, objective: Objective, rows: &[f32], chunk: usize) {
    let (l_ref, g_ref) = reference(f, objective, rows);
    let (l, g) = fused(f, objective, rows, chunk);
    assert!(
        (l - l_ref).abs() <= 1e-5 * l_ref.abs().max(1.0),
        "{name}: loss {l} vs {l_ref}"
    );
    let scale = g_ref.iter().fold(0f32, |m, g| m.max(g.abs()));
    assert!(scale > 0.0, "{name}: no gradient");
    let (worst, at) = g_ref
        .iter()
        .zip(&g)
        .enumerate()
        .map(|(i, (a, b))| ((a - b).abs(), i))
        .fold((0f32, 0), |m, v| if v.0 > m.0 { v } else { m });
    assert!(
        worst <= 1e-5 * scale,
        "{name}: gradient {at} differs by {worst} ({} vs {}, largest {scale})",
        g[at],
        g_ref[at]
    );
}

/// A one-layer MAF whose only non-zero parameters are its output biases: exactly
/// `z_i = (x_i - m_i) / s_i`, the map of the Gaussian `N(m, diag s^2)` to `N(0, I)`.
pub fn gaussian_map(m: [f32; 2], s: [f32; 2]) -> Flow {
    let mut f = Flow::new(FlowConfig {
        layers: 1,
        scale: Scale::Exp,
        direction: Direction::Maf,
        ..FlowConfig::default()
    })
    .unwrap();
    let zeros = vec![0.0; f.parameters_len()];
    f.set_parameters(&zeros).unwrap();
    let out = f.layers[0].made.layers.last_mut().unwrap();
    // Output rows: ln a for each coordinate, then t: z = x a + t.
    let bias = [-s[0].ln(), -s[1].ln(), -m[0] / s[0], -m[1] / s[1]];
    out.bias.copy_from(&bias);
    f
}

/// MAF against IAF on `lab`'s flow and its twin (`[the flow, its twin]`), measured to the end
/// in one go: the worker runs the same job a piece at a time between its messages.
pub fn costs(
    lab: &arflow::session::lab::Lab,
    now: &mut dyn FnMut() -> f64,
) -> [arflow::session::cost::Cost; 2] {
    let mut job = arflow::session::cost::CostJob::new(lab.settings(), lab.point_set());
    while !job.work(now).unwrap() {}
    job.result().expect("a finished measurement has a result")
}
