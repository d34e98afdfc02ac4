//! The fast engine's evaluation: the blocked products against the textbook loop, and the
//! plan and the lattice against dfdx's tensors (densities, samples, pass counts, grids).
//! Its training step is held to dfdx's tape in `tests/fused.rs`.

use crate::common;

use crate::common::points;
use arflow::eval::{Lattice, Plan};
use arflow::flow::made::Kernels;
use arflow::flow::scale::Scale;
use arflow::flow::{Direction, Flow, FlowConfig};
use arflow::kernels::matmul_acc;
use arflow::numeric::grid::{Grid, Window};

fn flow(direction: Direction, scale: Scale, hidden: &[usize], layers: usize) -> Flow {
    let mut f = common::flow(direction, scale, layers, hidden, 11);
    common::scramble(&mut f, 3.0);
    f
}

const SHAPES: [(&[usize], usize); 4] = [
    (&[8], 1),
    (&[16, 16], 3),
    (&[64, 64], 4),
    (&[32, 48, 16], 2),
];

#[test]
fn matmul_matches_the_textbook_triple_loop_on_every_shape() {
    for (n, k, m) in [
        (1, 1, 1),
        (4, 3, 8),
        (7, 5, 3),
        (9, 64, 4),
        (512, 64, 64),
        (13, 2, 64),
        (64, 256, 2),
    ] {
        let a = points(n, k, 1.0, 1);
        let b = points(k, m, 1.0, 2);
        let mut c = points(n, m, 1.0, 3);
        let mut want = c.clone();
        for r in 0..n {
            for j in 0..m {
                want[r * m + j] += (0..k).map(|i| a[r * k + i] * b[i * m + j]).sum::<f32>();
            }
        }
        matmul_acc(&a, &b, &mut c, n, k, m);
        let err = common::max_abs_diff(&c, &want);
        assert!(err < 1e-4, "{n}x{k}x{m}: {err}");
    }
}

#[test]
fn the_tape_free_plan_gives_dfdx_densities_samples_and_pass_counts() {
    for direction in [Direction::Maf, Direction::Iaf] {
        for scale in [Scale::Exp, Scale::Tanh, Scale::Softplus] {
            for (hidden, layers) in SHAPES {
                for dim in [2, 3] {
                    let mut f = flow(direction, scale, hidden, layers);
                    if dim == 3 {
                        f = Flow::new(FlowConfig {
                            dim: 3,
                            ..f.config.clone()
                        })
                        .unwrap();
                    }
                    let name = format!("{direction:?} {scale:?} {hidden:?} K={layers} D={dim}");
                    let x = points(700, dim, 3.0, 6);
                    let z = points(700, dim, 2.5, 7);
                    f.kernels = Kernels::Dfdx;
                    let (lp_ref, (x_ref, lq_ref)) = (f.log_prob_points(&x), f.to_data_points(&z));
                    f.kernels = Kernels::Fast;
                    let (lp, (xs, lq)) = (f.log_prob_points(&x), f.to_data_points(&z));
                    let close = |a: &[f32], b: &[f32], what: &str| {
                        for (u, v) in a.iter().zip(b) {
                            assert!(
                                (u - v).abs() <= 1e-4 * v.abs().max(1.0),
                                "{name} {what}: {u} vs {v}"
                            );
                        }
                    };
                    close(&lp, &lp_ref, "log p");
                    close(&xs, &x_ref, "samples");
                    close(&lq, &lq_ref, "log q");
                }
            }
        }
    }
}

#[test]
fn the_lattice_gives_the_plans_grid_to_the_last_bit_in_any_slices() {
    // Alternate orders over K = 1, 3 (last layer reversed: it sees x2, one value per row)
    // and K = 2, 4 (natural: it sees x1, one value per column); a grid that is not square.
    let grid = Grid::new(Window::square(3.5), 37, 23).unwrap();
    for direction in [Direction::Maf, Direction::Iaf] {
        for scale in [Scale::Exp, Scale::Tanh, Scale::Softplus] {
            for (hidden, layers) in SHAPES {
                let mut f = flow(direction, scale, hidden, layers);
                f.kernels = Kernels::Fast;
                let name = format!("{direction:?} {scale:?} {hidden:?} K={layers}");
                let plan = Plan::new(&f);
                let reference = plan.log_prob(&grid.points());
                let lattice = Lattice::new(plan, &grid);
                assert_eq!(lattice.len(), 37 * 23);
                let whole = lattice.log_prob(0..lattice.len());
                let mut sliced = Vec::new();
                for cut in [0, 5, 40, 41, 300, 851].windows(2) {
                    sliced.extend(lattice.log_prob(cut[0]..cut[1]));
                }
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&whole), bits(&reference), "{name}: whole grid");
                assert_eq!(bits(&sliced), bits(&reference), "{name}: in slices");
                assert_eq!(f.density(&grid).log_p, reference, "{name}: Flow::density");
            }
        }
    }
}
