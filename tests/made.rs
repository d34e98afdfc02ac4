//! MADE's masks are autoregressive: output `i` depends only on inputs before `i` in the
//! ordering, checked on the masks themselves and on the network's Jacobian (autodiff and
//! finite differences).

use crate::common;

use crate::common::{jacobian_autodiff, jacobian_fd};
use arflow::flow::made::Made;
use arflow::flow::masks::{self, input_degrees, ordering, HiddenDegrees, Ordering};
use arflow::numeric::tensor::{device, matrix};
use arflow::numeric::tensor::{Dev, Mat};
use dfdx::prelude::*;

/// The MADE's whole output, `(n, P D)`.
fn both<T: Tape<f32, Dev>>(net: &Made, x: Mat<T>) -> Mat<T> {
    net.forward(x)
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

/// Every path from an input to output `o`, by depth-first search over the masks.
fn paths_by_search(masks: &[arflow::flow::masks::Mask], o: usize) -> Vec<Vec<bool>> {
    let mut on: Vec<Vec<bool>> = std::iter::once(masks[0].cols)
        .chain(masks.iter().map(|m| m.rows))
        .map(|n| vec![false; n])
        .collect();
    // Walk from each input; a unit on a completed walk to `o` is on a path.
    fn walk(
        masks: &[arflow::flow::masks::Mask],
        o: usize,
        l: usize,
        u: usize,
        trail: &mut Vec<usize>,
        on: &mut Vec<Vec<bool>>,
    ) {
        trail.push(u);
        if l == masks.len() {
            if u == o {
                for (k, &t) in trail.iter().enumerate() {
                    on[k][t] = true;
                }
            }
        } else {
            for r in 0..masks[l].rows {
                if masks[l].get(r, u) {
                    walk(masks, o, l + 1, r, trail, on);
                }
            }
        }
        trail.pop();
    }
    for i in 0..masks[0].cols {
        walk(masks, o, 0, i, &mut Vec::new(), &mut on);
    }
    on
}

#[test]
fn the_units_on_an_outputs_paths_are_those_a_search_of_every_path_finds() {
    use arflow::flow::masks::{degrees, masks, on_paths, ordering, reach, HiddenDegrees, Ordering};
    for (d, hidden) in [
        (2, vec![4, 4]),
        (4, vec![6, 5]),
        (5, vec![3]),
        (3, vec![4, 2, 5]),
    ] {
        for o in [Ordering::Natural, Ordering::Random(7)] {
            let deg = degrees(&ordering(d, o), &hidden, HiddenDegrees::Random(3)).unwrap();
            let m = masks(&deg, 2);
            for (out, seen) in reach(&m).iter().enumerate() {
                let on = on_paths(&m, out);
                assert_eq!(
                    on,
                    paths_by_search(&m, out),
                    "D={d} {hidden:?} output {out}"
                );
                // Its inputs are exactly the row of the masks' product.
                assert_eq!(&on[0], seen, "D={d} output {out}");
                // A unit's place on the paths depends only on its degree (the matrix view
                // draws a block per pair of degrees).
                for (l, col) in deg.iter().enumerate() {
                    for (a, b) in (0..col.len()).flat_map(|a| (0..col.len()).map(move |b| (a, b))) {
                        if col[a] == col[b] {
                            assert_eq!(on[l][a], on[l][b], "D={d} layer {l} units {a}, {b}");
                        }
                    }
                }
            }
        }
    }
}
