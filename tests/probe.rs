//! The probe against independent oracles: each layer's Jacobian against central finite
//! differences of that layer's map, the entries the ordering forces to zero exactly zero,
//! `log|det|` against the Jacobian's determinant, the solve's iterates against the exact
//! inverse, and `log p` against the density grid at cell centres.

#![allow(clippy::needless_range_loop)]

use crate::common::{jacobian_fd, log_abs_det, scramble};
use arflow::flow::made::Kernels;
use arflow::flow::scale::Scale;
use arflow::flow::{Direction, Flow, FlowConfig, LayerOrder};
use arflow::numeric::grid::{Grid, Window};
use arflow::numeric::tensor::matrix;
use arflow::views::probe::forced_zeros;

fn flows() -> Vec<(String, Flow)> {
    let mut out = Vec::new();
    for direction in [Direction::Maf, Direction::Iaf] {
        for scale in Scale::ALL {
            for order in [
                LayerOrder::Alternate,
                LayerOrder::Same,
                LayerOrder::Random(7),
            ] {
                let mut f = Flow::new(FlowConfig {
                    layers: 3,
                    hidden: vec![16, 16],
                    direction,
                    scale,
                    order,
                    seed: 3,
                    ..FlowConfig::default()
                })
                .unwrap();
                scramble(&mut f, 3.0);
                out.push((format!("{direction:?} {scale:?} {order:?}"), f));
            }
        }
    }
    out
}

#[test]
fn each_layers_jacobian_matches_finite_differences_and_its_forced_zero_is_exact() {
    for (name, f) in flows() {
        for x in [[0.3f32, -0.7], [-1.5, 1.2], [2.0, 0.4]] {
            let x = off_kinks(&f, x);
            let probe = f.probe(&x);
            assert_eq!(probe.steps.len(), 3);
            for step in &probe.steps {
                let map = layer_map(&f, step.layer);
                let fd = jacobian_fd(&map, &step.input, 2e-3);
                let scale = fd.iter().flatten().fold(0f64, |m, v| m.max(v.abs()));
                for i in 0..2 {
                    for j in 0..2 {
                        let (a, b) = (step.jacobian[2 * i + j], fd[i][j]);
                        assert!(
                            (a - b).abs() <= 1e-3 * scale.max(1.0),
                            "{name} x {x:?} layer {}: J[{i}][{j}] = {a}, finite differences {b}",
                            step.layer
                        );
                    }
                }
                assert_eq!(step.zeros.len(), 1, "{name}: one forced zero in 2-D");
                for &(i, j) in &step.zeros {
                    assert_eq!(
                        step.jacobian[2 * i + j],
                        0.0,
                        "{name}: J[{i}][{j}] is forced"
                    );
                    assert!(
                        fd[i][j].abs() < 1e-4 * scale.max(1.0),
                        "{name}: fd {}",
                        fd[i][j]
                    );
                }
                let rows = [step.jacobian[..2].to_vec(), step.jacobian[2..].to_vec()];
                let det = log_abs_det(&rows);
                assert!(
                    (det - step.log_det).abs() < 1e-4 * det.abs().max(1.0),
                    "{name}: {det} vs {}",
                    step.log_det
                );
                let expected = map(&step.input);
                assert_eq!(
                    step.output, expected,
                    "{name}: the step's output is the layer's"
                );
            }
            // The path is continuous and ends at z.
            for pair in probe.steps.windows(2) {
                assert_eq!(pair[0].output, pair[1].input);
            }
            assert_eq!(probe.steps[0].input, x.to_vec());
            assert_eq!(probe.steps.last().unwrap().output, probe.z);
        }
    }
}

/// `T_k^-1` of the flow's layer `k` (1-based) on one point.
fn layer_map(f: &Flow, k: usize) -> impl Fn(&[f32]) -> Vec<f32> + '_ {
    move |u: &[f32]| {
        f.layers[k - 1]
            .to_prior(matrix(f.device(), u.to_vec(), 2))
            .0
            .as_vec()
    }
}

/// Finite differences are no oracle across a ReLU kink: moves `x` a little until every
/// layer's differences agree at two step sizes.
fn off_kinks(f: &Flow, mut x: [f32; 2]) -> [f32; 2] {
    'search: loop {
        let probe = f.probe(&x);
        for step in &probe.steps {
            let map = layer_map(f, step.layer);
            let (a, b) = (
                jacobian_fd(&map, &step.input, 2e-3),
                jacobian_fd(&map, &step.input, 1e-3),
            );
            let scale = a.iter().flatten().fold(1f64, |m, v| m.max(v.abs()));
            let worst = a
                .iter()
                .flatten()
                .zip(b.iter().flatten())
                .map(|(p, q)| (p - q).abs())
                .fold(0.0, f64::max);
            if worst > 2e-4 * scale {
                x = [x[0] + 0.013, x[1] - 0.007];
                continue 'search;
            }
        }
        return x;
    }
}

#[test]
fn the_forced_zero_follows_the_ordering() {
    assert_eq!(forced_zeros(&[0, 1]), vec![(0, 1)]);
    assert_eq!(forced_zeros(&[1, 0]), vec![(1, 0)]);
    assert_eq!(forced_zeros(&[2, 0, 1]), vec![(0, 1), (2, 0), (2, 1)]);
}

#[test]
fn a_solve_shows_its_d_passes_and_a_direct_pass_none() {
    for (name, f) in flows() {
        let probe = f.probe(&[0.8, -0.4]);
        for step in &probe.steps {
            let solves = f.config.direction == Direction::Iaf;
            assert_eq!(step.passes.len(), if solves { 2 } else { 0 }, "{name}");
            if solves {
                // After pass 1 the first coordinate of the ordering is already exact.
                let first = step.order[0];
                assert!(
                    (step.passes[0][first] - step.output[first]).abs() < 1e-6,
                    "{name}"
                );
                assert_eq!(step.passes[1], step.output);
            }
        }
    }
}

#[test]
fn log_p_is_the_density_grids_value_at_a_cell_centre() {
    let grid = Grid::new(Window::default(), 32, 32).unwrap();
    for (name, mut f) in flows() {
        for kernels in [Kernels::Fast, Kernels::Dfdx] {
            f.kernels = kernels;
            let density = f.density(&grid);
            for (i, j) in [(3, 5), (16, 16), (27, 9)] {
                let x = [grid.x(i), grid.y(j)];
                let probe = f.probe(&x);
                let cell = density.log_p[j * grid.nx + i] as f64;
                let sum = probe.log_normal + probe.steps.iter().map(|s| s.log_det).sum::<f64>();
                assert_eq!(sum, probe.log_p);
                assert!(
                    (probe.log_p - cell).abs() <= 1e-5 * cell.abs().max(1.0),
                    "{name} {kernels:?} at {x:?}: probe {} vs grid {cell}",
                    probe.log_p
                );
            }
        }
    }
}
