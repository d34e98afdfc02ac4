//! Flows of spline layers, with and without a learnable base: exact inverses, log-dets
//! against finite-difference Jacobians, the autoregressive zeros, the fast path (one-op
//! spline, tape-free plan, lattice) equal to dfdx's autodiff, loss gradients against
//! finite differences, unit mass, and an identity-initialised flow that leaves `N(0, I)`
//! exactly as it is.

use crate::common;

use crate::common::{jacobian_fd, max_abs_diff, points, scramble};
use arflow::data::target::Target;
use arflow::flow::made::Kernels;
use arflow::flow::{Direction, Flow, FlowConfig, LayerOrder, Transform};
use arflow::numeric::grid::{Grid, Window};
use arflow::numeric::normal::log_normal_f64;
use arflow::numeric::tensor::matrix;
use arflow::train::objective::{forward_kl_loss, reverse_kl_loss};
use arflow::views::probe::forced_zeros;

const DIRECTIONS: [Direction; 2] = [Direction::Maf, Direction::Iaf];

fn spline(dim: usize, direction: Direction, bins: usize, learn_base: bool, seed: u64) -> Flow {
    Flow::new(FlowConfig {
        dim,
        layers: 3,
        hidden: vec![16, 16],
        direction,
        transform: Transform::Spline,
        bins,
        learn_base,
        order: LayerOrder::Random(seed),
        seed,
        ..FlowConfig::default()
    })
    .unwrap()
}

/// A spline flow moved far from the identity (bins of very different sizes) with a base
/// away from `N(0, I)`.
fn scrambled(dim: usize, direction: Direction, learn_base: bool, seed: u64) -> Flow {
    let mut f = spline(dim, direction, 6, learn_base, seed);
    scramble(&mut f, 4.0);
    if learn_base {
        let mut p = f.parameters();
        let n = p.len();
        for (i, v) in p[n - 2 * dim..].iter_mut().enumerate() {
            *v = 0.3 * (i as f32 + 1.0) * if i % 2 == 0 { 1.0 } else { -1.0 };
        }
        f.set_parameters(&p).unwrap();
    }
    f
}

#[test]
fn a_spline_flow_inverts_exactly_and_its_log_det_is_the_jacobians() {
    for direction in DIRECTIONS {
        for (dim, base) in [(2, false), (2, true), (3, true)] {
            let f = scrambled(dim, direction, base, 5 + dim as u64);
            let dev = f.device().clone();
            let name = format!("{direction:?} D={dim} base={base}");
            let z = points(200, dim, 2.5, 1);
            for layer in &f.layers {
                let (x, _) = layer.to_data(matrix(&dev, z.clone(), dim));
                let (back, _) = layer.to_prior(x);
                let err = max_abs_diff(&back.as_vec(), &z);
                assert!(err < 1e-5, "{name}: layer round trip {err}");
            }
            let (x, _) = f.to_data_points(&z);
            let (back, _) = f.to_prior(matrix(&dev, x, dim));
            let err = max_abs_diff(&back.as_vec(), &z);
            assert!(err < 1e-4, "{name}: flow round trip {err}");
            for point in points(5, dim, 2.0, 2).chunks(dim) {
                common::assert_log_det_matches_fd(&f, point, 2e-3, &name);
            }
        }
    }
}

#[test]
fn each_spline_layer_is_autoregressive() {
    for direction in DIRECTIONS {
        let f = scrambled(4, direction, false, 3);
        let dev = f.device().clone();
        for (k, layer) in f.layers.iter().enumerate() {
            let at = points(1, 4, 1.5, k as u64);
            let jac = jacobian_fd(
                |p| {
                    let m = matrix(&dev, p.to_vec(), 4);
                    layer.to_prior(m).0.as_vec()
                },
                &at,
                1e-3,
            );
            let order = f.config.layer_ordering(k);
            let zeros = forced_zeros(&order);
            for (i, j) in &zeros {
                assert_eq!(jac[*i][*j], 0.0, "{direction:?} layer {k}: ({i}, {j})");
            }
            let moved = (0..4)
                .flat_map(|i| (0..4).map(move |j| (i, j)))
                .filter(|(i, j)| i != j && !zeros.contains(&(*i, *j)))
                .filter(|&(i, j)| jac[i][j].abs() > 1e-4)
                .count();
            assert!(moved > 0, "{direction:?} layer {k}: no conditioning at all");
        }
    }
}

#[test]
fn loss_gradients_match_finite_differences() {
    for direction in DIRECTIONS {
        let mut f = spline(2, direction, 4, true, 3);
        scramble(&mut f, 3.0);
        let dev = f.device().clone();
        let x = points(64, 2, 3.0, 1);
        let z = points(64, 2, 2.0, 2);
        for reverse in [false, true] {
            let loss = |f: &Flow| match reverse {
                false => forward_kl_loss(f, matrix(&dev, x.clone(), 2)),
                true => reverse_kl_loss(f, Target::U1, matrix(&dev, z.clone(), 2)),
            };
            let (_, analytic) = common::loss_and_grads(&f, &loss);
            let params = f.parameters();
            // The base's four parameters and the 40 largest gradients.
            let mut order: Vec<usize> = (0..params.len() - 4).collect();
            order.sort_by(|&a, &b| analytic[b].abs().total_cmp(&analytic[a].abs()));
            let picked = order
                .into_iter()
                .take(40)
                .chain(params.len() - 4..params.len());
            for i in picked {
                let fd = common::fd_gradient(&mut f, &loss, i, 2e-3);
                let g = analytic[i] as f64;
                assert!(
                    (fd - g).abs() < 2e-2 * g.abs().max(0.05),
                    "{direction:?} reverse={reverse} parameter {i}: {g} vs finite difference {fd}"
                );
            }
        }
    }
}

#[test]
fn the_tape_free_plan_and_the_lattice_give_dfdx_densities_and_samples() {
    let grid = Grid::new(Window::square(4.5), 31, 27).unwrap();
    for direction in DIRECTIONS {
        for base in [false, true] {
            let mut f = scrambled(2, direction, base, 8);
            let name = format!("{direction:?} base={base}");
            let x = points(500, 2, 5.5, 6);
            let z = points(500, 2, 2.5, 7);
            f.kernels = Kernels::Dfdx;
            let (lp_ref, (x_ref, lq_ref)) = (f.log_prob_points(&x), f.to_data_points(&z));
            let grid_ref = f.log_prob_points(&grid.points());
            f.kernels = Kernels::Fast;
            let (lp, (xs, lq)) = (f.log_prob_points(&x), f.to_data_points(&z));
            for (what, a, b) in [
                ("log p", &lp, &lp_ref),
                ("samples", &xs, &x_ref),
                ("log q", &lq, &lq_ref),
            ] {
                for (u, v) in a.iter().zip(b.iter()) {
                    assert!(
                        (u - v).abs() <= 1e-4 * v.abs().max(1.0),
                        "{name} {what}: {u} vs {v}"
                    );
                }
            }
            let density = f.density(&grid);
            for (u, v) in density.log_p.iter().zip(&grid_ref) {
                assert!(
                    (u - v).abs() <= 1e-4 * v.abs().max(1.0),
                    "{name} grid: {u} vs {v}"
                );
            }
        }
    }
}

#[test]
fn spline_densities_hold_unit_mass() {
    let grid = Grid::new(Window::square(12.0), 600, 600).unwrap();
    for direction in DIRECTIONS {
        for base in [false, true] {
            let mut f = spline(2, direction, 8, base, 2);
            scramble(&mut f, 4.0);
            let d = f.density(&grid);
            assert_eq!(d.non_finite, 0);
            assert!(
                (d.mass() - 1.0).abs() < 5e-3,
                "{direction:?} base={base}: {}",
                d.mass()
            );
        }
    }
}

#[test]
fn an_identity_initialised_spline_flow_leaves_the_standard_normal_unchanged() {
    for direction in DIRECTIONS {
        for base in [false, true] {
            let mut f = spline(2, direction, 8, base, 4);
            // Zero output layers: every spline's raw numbers are zero, the identity.
            let mut p = f.parameters();
            let mut at = 0;
            for layer in &f.layers {
                for (l, m) in layer.made.layers.iter().enumerate() {
                    let len = m.mask.rows * m.mask.cols + m.mask.rows;
                    if l + 1 == layer.made.layers.len() {
                        p[at..at + len].iter_mut().for_each(|v| *v = 0.0);
                    }
                    at += len;
                }
            }
            f.set_parameters(&p).unwrap();
            for kernels in [Kernels::Dfdx, Kernels::Fast] {
                f.kernels = kernels;
                let x = points(400, 2, 6.0, 9);
                for (lp, pt) in f.log_prob_points(&x).iter().zip(x.chunks(2)) {
                    let want = log_normal_f64(pt);
                    assert!(
                        (*lp as f64 - want).abs() < 2e-5,
                        "{direction:?} {kernels:?}: {lp} vs {want}"
                    );
                }
                let z = points(400, 2, 3.0, 10);
                let (xs, log_q) = f.to_data_points(&z);
                assert!(
                    max_abs_diff(&xs, &z) < 1e-5,
                    "{direction:?} {kernels:?} samples"
                );
                for (q, pt) in log_q.iter().zip(z.chunks(2)) {
                    assert!((*q as f64 - log_normal_f64(pt)).abs() < 2e-5);
                }
            }
        }
    }
}

#[test]
fn the_composition_starts_from_the_learnable_base() {
    let f = scrambled(2, Direction::Maf, true, 1);
    let (mu, log_std) = f.base.as_ref().unwrap().values();
    let eps = points(50, 2, 2.0, 3);
    let frames = f.trace(&eps);
    for (z, e) in frames[0].chunks(2).zip(eps.chunks(2)) {
        for i in 0..2 {
            assert!((z[i] - (mu[i] + log_std[i].exp() * e[i])).abs() < 1e-6);
        }
    }
    let (x, _) = f.to_data_points(&eps);
    assert!(max_abs_diff(frames.last().unwrap(), &x) < 1e-4);
}
