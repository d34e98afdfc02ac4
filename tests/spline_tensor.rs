//! The spline on dfdx tensors, both directions: the same values and log-determinants as
//! the plain spline, row by row (tails included; to 1e-4, the bound the fast path is held to for densities:
//! the knots are summed in another order), and gradients with respect to the raw numbers and `x` that
//! match central finite differences of the plain spline.

use arflow::flow::spline::Spline;
use arflow::flow::spline_tensor::{forward, inverse};
use arflow::numeric::tensor::device;
use arflow::numeric::tensor::{Col, Mat};
use dfdx::prelude::*;
use rand::{rngs::StdRng, Rng, SeedableRng};

const B: f32 = 4.5;
const BINS: usize = 6;
const P: usize = 3 * BINS - 1;

type TensorMap = fn(
    Col<OwnedTape<f32, Cpu>>,
    Mat<OwnedTape<f32, Cpu>>,
    f32,
) -> (Col<OwnedTape<f32, Cpu>>, Col<OwnedTape<f32, Cpu>>);

type PlainMap = fn(&Spline, f32) -> (f32, f32);

/// The two directions: the tensor map, and the plain spline's.
const DIRECTIONS: [(&str, TensorMap, PlainMap); 2] = [
    ("forward", forward, Spline::forward),
    ("inverse", inverse, Spline::inverse),
];

fn inputs(n: usize, scale: f32, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let x = (0..n).map(|_| 12.0 * rng.gen::<f32>() - 6.0).collect();
    let raw = (0..n * P)
        .map(|_| scale * (2.0 * rng.gen::<f32>() - 1.0))
        .collect();
    (x, raw)
}

#[test]
fn the_tensor_spline_is_the_plain_spline_row_by_row() {
    let dev = device(0);
    for (name, map, plain) in DIRECTIONS {
        for (seed, scale) in [(0, 0.0), (1, 1.0), (2, 3.0)] {
            let (x, raw) = inputs(300, scale, seed);
            let (y, log_det) = map(
                dev.tensor_from_vec(x.clone(), (300,)).leaky_traced(),
                dev.tensor_from_vec(raw.clone(), (300, P)).leaky_traced(),
                B,
            );
            let (y, log_det) = (y.as_vec(), log_det.as_vec());
            for i in 0..300 {
                let (py, pl) = plain(&Spline::from_raw(&raw[i * P..(i + 1) * P], B), x[i]);
                // The inverse's rounding (and its log-determinant's) grows with its slope `dx/dy`.
                let cond = if name == "inverse" {
                    pl.exp().max(1.0)
                } else {
                    1.0
                };
                assert!(
                    (y[i] - py).abs() < 1e-4 * py.abs().max(1.0) * cond,
                    "{name} seed {seed} row {i}: {} vs {py}",
                    y[i]
                );
                assert!(
                    (log_det[i] - pl).abs() < 1e-4 * cond,
                    "{name} seed {seed} row {i}: {} vs {pl}",
                    log_det[i]
                );
            }
        }
    }
}

/// `L = sum_i (a_i y_i + b_i log dy_i/dx_i)` with fixed random weights, in f64 from the
/// plain spline.
fn plain_loss(plain: PlainMap, x: &[f32], raw: &[f32], a: &[f32], b: &[f32]) -> f64 {
    (0..x.len())
        .map(|i| {
            let (y, l) = plain(&Spline::from_raw(&raw[i * P..(i + 1) * P], B), x[i]);
            a[i] as f64 * y as f64 + b[i] as f64 * l as f64
        })
        .sum()
}

#[test]
fn gradients_match_finite_differences_of_the_plain_spline() {
    for (name, map, plain) in DIRECTIONS {
        gradients_match(name, map, plain);
    }
}

fn gradients_match(name: &str, map: TensorMap, plain: PlainMap) {
    let dev = device(0);
    let n = 40;
    let (x, raw) = inputs(n, 1.0, 7);
    let mut rng = StdRng::seed_from_u64(8);
    let a: Vec<f32> = (0..n).map(|_| rng.gen::<f32>() - 0.5).collect();
    let b: Vec<f32> = (0..n).map(|_| rng.gen::<f32>() - 0.5).collect();
    let xt = dev.tensor_from_vec(x.clone(), (n,));
    let rt = dev.tensor_from_vec(raw.clone(), (n, P));
    let (y, l) = map(xt.clone().leaky_traced(), rt.clone().leaky_traced(), B);
    let at = dev.tensor_from_vec(a.clone(), (n,));
    let bt = dev.tensor_from_vec(b.clone(), (n,));
    let loss = (y * at + l * bt).sum::<(), _>();
    let grads = loss.backward();
    let (gx, gr) = (grads.get(&xt).as_vec(), grads.get(&rt).as_vec());
    let eps = 1e-3;
    let mut checked = 0;
    for (which, grad) in [(0, &gx), (1, &gr)] {
        for i in (0..grad.len()).step_by(if which == 0 { 1 } else { 7 }) {
            let mut v = if which == 0 { x.clone() } else { raw.clone() };
            v[i] += eps;
            let hi = if which == 0 {
                plain_loss(plain, &v, &raw, &a, &b)
            } else {
                plain_loss(plain, &x, &v, &a, &b)
            };
            v[i] -= 2.0 * eps;
            let lo = if which == 0 {
                plain_loss(plain, &v, &raw, &a, &b)
            } else {
                plain_loss(plain, &x, &v, &a, &b)
            };
            let fd = (hi - lo) / (2.0 * eps as f64);
            let g = grad[i] as f64;
            assert!(
                (fd - g).abs() < 2e-2 * g.abs().max(0.05),
                "{name} {} {i}: autodiff {g} vs finite difference {fd}",
                ["x", "raw"][which]
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}
