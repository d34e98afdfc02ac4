//! The fused training step (`arflow::train::fused`) gives dfdx's tape loss and every gradient, to
//! 1e-5 relative, over the matrix of the fast path's tests (MAF and IAF, every scale,
//! several widths and depths, forward and reverse KL) and the spline transform and the
//! learnable base, in chunks of any size.

use crate::common;

use crate::common::{check_fused as check, points, scramble};
use arflow::data::target::Target;
use arflow::data::DataSet;
use arflow::flow::made::Kernels;
use arflow::flow::scale::Scale;
use arflow::flow::{Direction, Flow, FlowConfig, LayerOrder, Transform};
use arflow::session::helpers::Helper;
use arflow::session::settings::Settings;
use arflow::train::objective::Objective;

const SHAPES: [(&[usize], usize); 4] = [
    (&[8], 1),
    (&[16, 16], 3),
    (&[64, 64], 4),
    (&[32, 48, 10], 2),
];

fn affine(direction: Direction, scale: Scale, hidden: &[usize], layers: usize) -> Flow {
    let mut f = common::flow(direction, scale, layers, hidden, 11);
    scramble(&mut f, 3.0);
    f
}

#[test]
fn the_fused_step_gives_dfdx_loss_and_gradients_on_forward_kl() {
    let x = points(256, 2, 3.0, 4);
    for direction in [Direction::Maf, Direction::Iaf] {
        for scale in Scale::ALL {
            for (hidden, layers) in SHAPES {
                let f = affine(direction, scale, hidden, layers);
                let name = format!("{direction:?} {scale:?} {hidden:?} K={layers}");
                check(&name, &f, Objective::ForwardKl(DataSet::Moons), &x, 256);
            }
        }
    }
}

#[test]
fn the_fused_step_gives_dfdx_loss_and_gradients_on_reverse_kl() {
    let z = points(256, 2, 2.0, 5);
    for direction in [Direction::Maf, Direction::Iaf] {
        for scale in Scale::ALL {
            for (hidden, layers) in SHAPES {
                for objective in [
                    Objective::ReverseKl(Target::U1),
                    Objective::ReverseKl(Target::U4),
                    Objective::ReverseKlData(DataSet::EightGaussians),
                ] {
                    let f = affine(direction, scale, hidden, layers);
                    let name =
                        format!("{direction:?} {scale:?} {hidden:?} K={layers} {objective:?}");
                    check(&name, &f, objective, &z, 256);
                }
            }
        }
    }
}

#[test]
fn the_fused_step_gives_dfdx_gradients_for_splines_and_a_learned_base_in_any_chunks() {
    let x = points(200, 2, 4.5, 4);
    let z = points(200, 2, 2.0, 5);
    for direction in [Direction::Maf, Direction::Iaf] {
        for (transform, bins, learn_base) in [
            (Transform::Affine, 8, true),
            (Transform::Spline, 2, false),
            (Transform::Spline, 8, true),
        ] {
            let mut f = Flow::new(FlowConfig {
                layers: 3,
                hidden: vec![16, 16],
                direction,
                transform,
                bins,
                learn_base,
                order: LayerOrder::Alternate,
                seed: 7,
                ..FlowConfig::default()
            })
            .unwrap();
            scramble(&mut f, 3.0);
            let name = format!("{direction:?} {transform:?} K={bins} base={learn_base}");
            for chunk in [200, 64, 7] {
                let n = format!("{name} chunks of {chunk}");
                check(&n, &f, Objective::ForwardKl(DataSet::Moons), &x, chunk);
                check(&n, &f, Objective::ReverseKl(Target::U2), &z, chunk);
            }
        }
    }
}

/// Trains `steps` steps of the lab of `hash` on this thread alone, and again with each
/// step's chunks dealt round-robin to this thread and `threads - 1` helpers (the number
/// changing from step to step): the parameters, losses and test metrics are the same to
/// the last bit.
#[test]
fn steps_shared_with_helpers_give_the_same_trajectory_to_the_last_bit() {
    for hash in [
        "seed=3",
        "flow=iaf&batch=200&learnbase=1",
        "objective=reverse&target=u3&flow=iaf",
        "transform=spline&bins=4&layers=2&batch=100",
    ] {
        let (settings, _) = Settings::from_hash(hash);
        let fast = || {
            let mut t = settings.trainer().unwrap();
            t.flow.kernels = Kernels::Fast;
            t
        };
        let (mut alone, mut shared) = (fast(), fast());
        let mut helpers: Vec<Helper> = (0..3).map(|_| Helper::new(hash).unwrap()).collect();
        for step in 0..120 {
            alone.step();
            let threads = 1 + step % 4;
            assert!(shared.begin_step(), "{hash}: the fused step");
            let (batch, theta) = shared.step_work();
            let (batch, theta) = (batch.to_vec(), theta.to_vec());
            for i in 0..shared.step_chunks() {
                match i % threads {
                    0 => shared.compute_chunk(i),
                    h => {
                        let (loss, grad) = helpers[h - 1].compute(&theta, &batch, &[i]);
                        let (loss, grad) = (loss[0], grad.to_vec());
                        assert!(shared.put_chunk(i, loss, &grad));
                    }
                }
            }
            shared.end_step();
        }
        let bits = |t: &arflow::train::Trainer| -> Vec<u32> {
            t.flow.parameters().iter().map(|v| v.to_bits()).collect()
        };
        assert_eq!(bits(&alone), bits(&shared), "{hash}: parameters");
        assert_eq!(alone.history.loss, shared.history.loss, "{hash}: losses");
        assert_eq!(
            alone.history.test, shared.history.test,
            "{hash}: test metric"
        );
    }
}

/// Trained for 2,000 steps from the same start on the same batches, the fused step and
/// dfdx's tape end at the same test NLL within noise (their rounding differs, so their paths
/// part slowly): the means of their last five evaluations (steps 1,600 to 2,000) agree to
/// 0.05 nats, for MAF and IAF.
#[test]
fn a_short_run_on_the_fused_step_ends_at_dfdx_test_nll() {
    for hash in ["seed=0", "flow=iaf&seed=1"] {
        let (settings, _) = Settings::from_hash(hash);
        let nll = |kernels| {
            let mut t = settings.trainer().unwrap();
            t.flow.kernels = kernels;
            for _ in 0..2000 {
                t.step();
            }
            assert_eq!(t.history.rollbacks, 0, "{hash}: no rollback");
            let last = &t.history.test.points()[t.history.test.len() - 5..];
            last.iter().map(|p| p.1).sum::<f64>() / 5.0
        };
        let (fast, dfdx) = (nll(Kernels::Fast), nll(Kernels::Dfdx));
        println!("{hash}: test NLL over steps 1,600-2,000: fused {fast:.4}, dfdx {dfdx:.4}");
        assert!(
            (fast - dfdx).abs() < 0.05,
            "{hash}: fused {fast} vs dfdx {dfdx}"
        );
    }
}

/// The seam a new element-wise transform plugs into: it is written on tensors (the tape)
/// and on plain numbers (the fast engine), and this test holds the two to each other for
/// every transform in `Transform::ALL`: the fused step's loss and gradients to the tape's,
/// the plan's densities and samples to the tensors'.
#[test]
fn every_transform_is_the_same_map_on_both_engines() {
    let (x, z) = (points(128, 2, 3.0, 21), points(128, 2, 2.0, 22));
    for transform in Transform::ALL {
        for direction in [Direction::Maf, Direction::Iaf] {
            for learn_base in [false, true] {
                let config = FlowConfig {
                    direction,
                    transform,
                    learn_base,
                    layers: 2,
                    hidden: vec![16, 16],
                    seed: 23,
                    ..FlowConfig::default()
                };
                let mut f = Flow::new(config).unwrap();
                scramble(&mut f, 3.0);
                let name = format!("{transform:?} {direction:?} base={learn_base}");
                check(&name, &f, Objective::ForwardKl(DataSet::Moons), &x, 64);
                check(&name, &f, Objective::ReverseKl(Target::U1), &z, 64);
                f.kernels = Kernels::Dfdx;
                let (lp_ref, (xs_ref, _)) = (f.log_prob_points(&x), f.to_data_points(&z));
                f.kernels = Kernels::Fast;
                let (lp, (xs, _)) = (f.log_prob_points(&x), f.to_data_points(&z));
                for (what, a, b) in [("log p", &lp, &lp_ref), ("samples", &xs, &xs_ref)] {
                    for (u, v) in a.iter().zip(b) {
                        let tol = 1e-4 * v.abs().max(1.0);
                        assert!((u - v).abs() <= tol, "{name} {what}: {u} vs {v}");
                    }
                }
            }
        }
    }
}
