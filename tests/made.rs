//! MADE's masks are autoregressive: output `i` depends only on inputs before `i` in the
//! ordering, checked on the masks themselves and on the network's Jacobian (autodiff and
//! finite differences).

mod common;

use arflow::made::{Kernels, Made};
use arflow::masks::{self, input_degrees, ordering, HiddenDegrees, Ordering};
use arflow::tensor::{device, matrix};
use arflow::tensor::{Dev, Mat};
use common::{jacobian_autodiff, jacobian_fd};
use dfdx::prelude::*;

/// The MADE's whole output, `(n, P D)`.
fn both<T: Tape<f32, Dev>>(net: &Made, x: Mat<T>) -> Mat<T> {
    net.forward(x, Kernels::Dfdx)
}

fn orderings(seed: u64) -> [Ordering; 3] {
    [
        Ordering::Natural,
        Ordering::Reversed,
        Ordering::Random(seed),
    ]
}

fn rules(seed: u64) -> [HiddenDegrees; 2] {
    [HiddenDegrees::Deterministic, HiddenDegrees::Random(seed)]
}

#[test]
fn input_degrees_are_positions_in_the_ordering() {
    assert_eq!(
        input_degrees(&ordering(4, Ordering::Natural)),
        vec![1, 2, 3, 4]
    );
    assert_eq!(
        input_degrees(&ordering(4, Ordering::Reversed)),
        vec![4, 3, 2, 1]
    );
    let random = input_degrees(&ordering(6, Ordering::Random(3)));
    let mut sorted = random.clone();
    sorted.sort();
    assert_eq!(sorted, vec![1, 2, 3, 4, 5, 6]);
}

#[test]
fn hidden_degrees_lie_between_the_previous_minimum_and_d_minus_one() {
    for d in 2..=8 {
        for seed in 0..4 {
            for rule in rules(seed) {
                let order = ordering(d, Ordering::Random(seed));
                let degrees = masks::degrees(&order, &[13, 7, 21], rule).unwrap();
                for w in degrees.windows(2) {
                    let low = *w[0].iter().min().unwrap();
                    assert!(
                        w[1].iter().all(|&m| (low..d).contains(&m)),
                        "{d} {rule:?} {w:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn masks_use_greater_or_equal_in_hidden_layers_and_strict_at_the_output() {
    let degrees = vec![vec![1, 2], vec![1, 1, 1]];
    let masks = masks::masks(&degrees, 2);
    assert_eq!(masks.len(), 2);
    assert!(masks[0]
        .allowed
        .iter()
        .enumerate()
        .all(|(i, &a)| a == (i % 2 == 0)));
    // Outputs (s1, s2, t1, t2): degree 1 sees no hidden unit, degree 2 sees all.
    for h in 0..3 {
        assert!(
            !masks[1].get(0, h) && masks[1].get(1, h) && !masks[1].get(2, h) && masks[1].get(3, h)
        );
    }
}

#[test]
fn masks_are_autoregressive() {
    for d in 2..=8 {
        for seed in 0..3 {
            for o in orderings(seed) {
                for rule in rules(seed) {
                    let order = ordering(d, o);
                    let degrees = masks::degrees(&order, &[3 * d, 2 * d], rule).unwrap();
                    let reach = masks::reach(&masks::masks(&degrees, 2));
                    let m0 = &degrees[0];
                    for (out, row) in reach.iter().enumerate() {
                        for (inp, &r) in row.iter().enumerate() {
                            let allowed = m0[inp] < m0[out % d];
                            assert!(
                                !r || allowed,
                                "D={d} {o:?} {rule:?}: output {out} reaches input {inp}"
                            );
                            if rule == HiddenDegrees::Deterministic {
                                assert_eq!(
                                    r, allowed,
                                    "D={d} {o:?}: deterministic degrees connect all allowed pairs"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn made_jacobian_is_zero_exactly_where_the_ordering_says() {
    let dev = device(7);
    // Two outputs per input (affine) and five (a spline of two bins: `3K - 1`), every
    // output `j` belonging to input `j mod D`.
    for (d, blocks) in (2..=8).map(|d| (d, 2)).chain((2..=4).map(|d| (d, 5))) {
        for seed in 0..2 {
            for o in orderings(seed) {
                for rule in rules(seed) {
                    let order = ordering(d, o);
                    let hidden = [4 * d + 16, 4 * d + 16];
                    let net = Made::new(&dev, &order, &hidden, rule, blocks).unwrap();
                    let m0 = &net.degrees[0];
                    let x = common::points(1, d, 1.5, seed + d as u64);
                    let auto = jacobian_autodiff(&dev, |v| both(&net, v), &x);
                    let fd = jacobian_fd(
                        |p| both(&net, matrix(&dev, p.to_vec(), d)).as_vec(),
                        &x,
                        1e-3,
                    );
                    let mut nonzero = 0;
                    for out in 0..blocks * d {
                        for inp in 0..d {
                            let allowed = m0[inp] < m0[out % d];
                            if !allowed {
                                assert_eq!(
                                    auto[out][inp], 0.0,
                                    "autodiff D={d} {o:?} {rule:?} out {out} in {inp}"
                                );
                                assert_eq!(
                                    fd[out][inp], 0.0,
                                    "finite differences D={d} {o:?} {rule:?} out {out} in {inp}"
                                );
                            } else {
                                assert!(
                                    (auto[out][inp] - fd[out][inp]).abs() < 2e-3,
                                    "D={d} {auto:?} vs {fd:?}"
                                );
                                nonzero += (auto[out][inp] != 0.0) as usize;
                            }
                        }
                    }
                    assert!(nonzero > 0, "D={d}: the test would be vacuous");
                }
            }
        }
    }
}

#[test]
fn deterministic_degrees_spread_over_the_range_in_narrow_layers() {
    let order = ordering(8, Ordering::Natural);
    let d = masks::degrees(&order, &[3], HiddenDegrees::Deterministic).unwrap();
    assert_eq!(
        d[1],
        vec![2, 4, 6],
        "midpoints of three equal parts of 1..=7"
    );
    // Inputs up to position 6 now condition a later output (before, only 1-3 did).
    let reach = masks::reach(&masks::masks(&d, 2));
    let conditioning: Vec<usize> = (0..8).filter(|&i| (0..16).any(|o| reach[o][i])).collect();
    assert_eq!(conditioning, vec![0, 1, 2, 3, 4, 5]);
    // As wide as the range or wider: every degree, cycled (the 2-D flows' case: all 1).
    let d = masks::degrees(&order, &[14], HiddenDegrees::Deterministic).unwrap();
    assert_eq!(d[1], (0..14).map(|k| 1 + k % 7).collect::<Vec<_>>());
    let d2 = masks::degrees(
        &ordering(2, Ordering::Reversed),
        &[64],
        HiddenDegrees::Deterministic,
    );
    assert!(d2.unwrap()[1].iter().all(|&m| m == 1));
}
