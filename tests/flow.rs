//! MAF and IAF layers and flows: exact inverses, log-determinants against finite-difference
//! Jacobians, consistent densities in both directions, and the MADE pass counts.

use crate::common;

use crate::common::{jacobian_fd, log_abs_det, max_abs_diff, points, scramble};
use arflow::flow::layer::Towards;
use arflow::flow::made::Kernels;
use arflow::flow::scale::Scale;
use arflow::flow::{DegreeRule, Direction, Flow, FlowConfig, LayerOrder};
use arflow::numeric::grid::{Grid, Window};
use arflow::numeric::tensor::matrix;

const SCALES: [Scale; 3] = [Scale::Exp, Scale::Tanh, Scale::Softplus];
const DIRECTIONS: [Direction; 2] = [Direction::Maf, Direction::Iaf];

fn flow(dim: usize, direction: Direction, scale: Scale, seed: u64) -> Flow {
    Flow::new(FlowConfig {
        dim,
        layers: 3,
        hidden: vec![16, 16],
        direction,
        scale,
        order: LayerOrder::Random(seed),
        degrees: if seed % 2 == 1 {
            DegreeRule::Random
        } else {
            DegreeRule::Deterministic
        },
        seed,
        ..FlowConfig::default()
    })
    .unwrap()
}

#[test]
fn inverse_undoes_forward() {
    for direction in DIRECTIONS {
        for scale in SCALES {
            for dim in [2, 3, 5] {
                let mut f = flow(dim, direction, scale, dim as u64);
                scramble(&mut f, 4.0);
                let dev = f.device().clone();
                let z = points(64, dim, 2.0, 1);
                for layer in &f.layers {
                    let (x, _) = layer.to_data(matrix(&dev, z.clone(), dim));
                    let (back, _) = layer.to_prior(x);
                    let err = max_abs_diff(&back.as_vec(), &z);
                    assert!(
                        err < 1e-5,
                        "{direction:?} {scale:?} D={dim}: layer error {err}"
                    );
                }
                let (x, _) = f.to_data_points(&z);
                let (back, _) = f.to_prior(matrix(&dev, x, dim));
                let err = max_abs_diff(&back.as_vec(), &z);
                assert!(
                    err < 1e-4,
                    "{direction:?} {scale:?} D={dim}: flow error {err}"
                );
            }
        }
    }
}

#[test]
fn log_det_matches_the_finite_difference_jacobian() {
    for direction in DIRECTIONS {
        for scale in SCALES {
            for dim in [2, 3] {
                let mut f = flow(dim, direction, scale, 10 + dim as u64);
                scramble(&mut f, 3.0);
                let dev = f.device().clone();
                for point in points(6, dim, 1.5, 2).chunks(dim) {
                    for layer in &f.layers {
                        for inverse in [false, true] {
                            let map = |p: &[f32]| {
                                let m = matrix(&dev, p.to_vec(), dim);
                                let (y, ld) = if inverse {
                                    layer.to_prior(m)
                                } else {
                                    layer.to_data(m)
                                };
                                (y.as_vec(), ld.as_vec()[0])
                            };
                            let fd = log_abs_det(&jacobian_fd(|p| map(p).0, point, 1e-3));
                            let ld = map(point).1 as f64;
                            assert!(
                                (fd - ld).abs() < 1e-3,
                                "{direction:?} {scale:?} D={dim} inverse={inverse}: {fd} vs {ld}"
                            );
                        }
                    }
                    let name = format!("{direction:?} {scale:?} D={dim} whole flow");
                    common::assert_log_det_matches_fd(&f, point, 1e-3, &name);
                }
            }
        }
    }
}

#[test]
fn sample_log_q_equals_log_prob_of_the_samples() {
    for direction in DIRECTIONS {
        for scale in SCALES {
            let mut f = flow(2, direction, scale, 3);
            scramble(&mut f, 2.0);
            let (x, log_q) = f.sample(500);
            let log_p = f.log_prob_points(&x);
            for (q, p) in log_q.iter().zip(&log_p) {
                assert!((q - p).abs() < 1e-3, "{direction:?} {scale:?}: {q} vs {p}");
            }
        }
    }
}

#[test]
fn autoregressive_layers_have_triangular_jacobians_in_their_ordering() {
    for direction in DIRECTIONS {
        let mut f = flow(4, direction, Scale::Exp, 5);
        scramble(&mut f, 2.0);
        let dev = f.device().clone();
        let x = points(1, 4, 1.0, 9);
        for layer in &f.layers {
            let m0 = &layer.made.degrees[0];
            let jac = jacobian_fd(
                |p| layer.to_prior(matrix(&dev, p.to_vec(), 4)).0.as_vec(),
                &x,
                1e-3,
            );
            for i in 0..4 {
                for j in 0..4 {
                    if m0[j] > m0[i] {
                        assert_eq!(
                            jac[i][j], 0.0,
                            "{direction:?}: z_{i} depends on later x_{j}"
                        );
                    }
                }
            }
        }
    }
}

/// Runs every layer of `f` towards the prior (`density`) or the data with a conditioner
/// that counts its calls: the MADE passes the transforms really ask for, and the result.
fn counted(f: &Flow, p: &[f32], density: bool) -> (usize, Vec<f32>) {
    let mut calls = 0;
    let mut u = matrix(f.device(), p.to_vec(), f.dim());
    let layers: Vec<_> = if density {
        f.layers.iter().rev().collect()
    } else {
        f.layers.iter().collect()
    };
    for layer in layers {
        let mut cond = |v| {
            calls += 1;
            layer.conditioner(v)
        };
        let towards = if density {
            Towards::Prior
        } else {
            Towards::Data
        };
        u = layer.pass_with(u, towards, &mut cond).0;
    }
    (calls, u.as_vec())
}

#[test]
fn maf_density_costs_one_pass_per_layer_and_iaf_sampling_likewise() {
    for (direction, density, sample) in [(Direction::Maf, 4, 12), (Direction::Iaf, 12, 4)] {
        let mut f = Flow::new(FlowConfig {
            dim: 3,
            direction,
            ..FlowConfig::default()
        })
        .unwrap();
        f.kernels = Kernels::Dfdx;
        assert_eq!(
            (f.passes_per_density(), f.passes_per_sample()),
            (density, sample)
        );
        let (x, z) = (points(10, 3, 1.0, 0), points(10, 3, 1.0, 1));
        let (passes, latent) = counted(&f, &x, true);
        assert_eq!(passes, density, "{direction:?} density");
        // The counted run is the flow's own: the same latent point as `Flow::to_prior`.
        let (z_ref, _) = f.to_prior(matrix(f.device(), x.clone(), 3));
        assert_eq!(latent, z_ref.as_vec(), "{direction:?} density result");
        let (passes, xs) = counted(&f, &z, false);
        assert_eq!(passes, sample, "{direction:?} sampling");
        assert_eq!(xs, f.to_data_points(&z).0, "{direction:?} sampling result");
    }
}

#[test]
fn untrained_flow_mass_on_a_wide_window_is_one() {
    for direction in DIRECTIONS {
        for scale in SCALES {
            let f = Flow::new(FlowConfig {
                direction,
                scale,
                seed: 4,
                ..FlowConfig::default()
            })
            .unwrap();
            let grid = Grid::new(Window::square(10.0), 300, 300).unwrap();
            let density = grid.tabulate(|p| f.log_prob_points(p));
            common::assert_unit_mass(&density, &format!("{direction:?} {scale:?}"));
        }
    }
}

#[test]
fn same_order_in_2d_leaves_the_first_coordinate_an_affine_gaussian() {
    let mut f = Flow::new(FlowConfig {
        order: LayerOrder::Same,
        ..FlowConfig::default()
    })
    .unwrap();
    scramble(&mut f, 3.0);
    // With x1 first in every layer, x1 = a z1 + b for constants a, b: the same affine map
    // of z1 whatever z2 is.
    let z = [0.3, -2.0, 0.3, 0.0, 0.3, 2.5];
    let (x, _) = f.to_data_points(&z);
    assert!(
        (x[0] - x[2]).abs() < 1e-5 && (x[0] - x[4]).abs() < 1e-5,
        "{x:?}"
    );
    let mut alt = Flow::new(FlowConfig::default()).unwrap();
    scramble(&mut alt, 3.0);
    let (x, _) = alt.to_data_points(&z);
    assert!(
        (x[0] - x[2]).abs() > 1e-3,
        "alternating order lets x1 depend on z2: {x:?}"
    );
}

#[test]
fn bad_configs_are_errors_not_panics() {
    let bad = [
        FlowConfig {
            dim: 1,
            ..FlowConfig::default()
        },
        FlowConfig {
            layers: 0,
            ..FlowConfig::default()
        },
        FlowConfig {
            hidden: vec![64, 0],
            ..FlowConfig::default()
        },
    ];
    for cfg in bad {
        let err = Flow::new(cfg.clone()).unwrap_err();
        assert!(!err.to_string().is_empty(), "{cfg:?}");
    }
    let mut f = Flow::new(FlowConfig::default()).unwrap();
    assert!(f.set_parameters(&[1.0, 2.0]).is_err());
}

#[test]
fn trace_runs_from_the_prior_through_every_layer_to_the_sample() {
    let mut f = flow(2, Direction::Maf, Scale::Softplus, 6);
    scramble(&mut f, 2.0);
    // On dfdx's tensors, as the layers' own passes below (the slice path rounds otherwise).
    f.kernels = Kernels::Dfdx;
    let z = points(50, 2, 2.0, 4);
    let trace = f.trace(&z);
    assert_eq!(trace.len(), f.layers.len() + 1);
    assert_eq!(trace[0], z);
    assert_eq!(trace.last().unwrap(), &f.to_data_points(&z).0);
    let dev = f.device().clone();
    for (k, layer) in f.layers.iter().enumerate() {
        let (next, _) = layer.to_data(matrix(&dev, trace[k].clone(), 2));
        assert_eq!(next.as_vec(), trace[k + 1], "layer {}", k + 1);
    }
}
