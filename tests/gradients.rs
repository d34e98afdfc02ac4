//! dfdx's gradients of both losses match central finite differences of the same loss on
//! the same batch, for every parameter with a gradient large enough to measure in f32.

use crate::common;

use crate::common::points;
use arflow::data::target::Target;
use arflow::data::DataSet;
use arflow::flow::scale::Scale;
use arflow::flow::{Direction, Flow};
use arflow::numeric::tensor::matrix;
use arflow::train::objective::{forward_kl_loss, reverse_kl_data_loss, reverse_kl_loss, Scalar};
use dfdx::prelude::*;

fn check(name: &str, mut f: Flow, loss: impl Fn(&Flow) -> Scalar) {
    let (_, analytic) = common::loss_and_grads(&f, &loss);
    let params = f.parameters();
    assert_eq!(analytic.len(), params.len());
    // The 40 largest gradients, and a spread of others above the f32 noise floor.
    let mut order: Vec<usize> = (0..params.len()).collect();
    order.sort_by(|&a, &b| analytic[b].abs().total_cmp(&analytic[a].abs()));
    let picked: Vec<usize> = order
        .iter()
        .take(40)
        .chain(order.iter().skip(40).step_by(97))
        .copied()
        .collect();
    let mut checked = 0;
    for i in picked {
        if analytic[i].abs() < 5e-2 {
            continue;
        }
        let fd = common::fd_gradient(&mut f, &loss, i, 5e-3);
        let rel = (fd - analytic[i] as f64).abs() / (analytic[i] as f64).abs();
        assert!(
            rel < 1e-2,
            "{name}: parameter {i}: autodiff {} vs finite difference {fd}",
            analytic[i]
        );
        checked += 1;
    }
    f.set_parameters(&params).unwrap();
    assert!(
        checked >= 20,
        "{name}: only {checked} gradients were large enough to check"
    );
}

fn small(direction: Direction, scale: Scale) -> Flow {
    common::flow(direction, scale, 2, &[12, 12], 3)
}

#[test]
fn forward_kl_gradients_match_finite_differences() {
    for direction in [Direction::Maf, Direction::Iaf] {
        for scale in [Scale::Exp, Scale::Tanh, Scale::Softplus] {
            let f = small(direction, scale);
            let x = points(64, 2, 3.0, 1);
            let dev = f.device().clone();
            check(&format!("forward {direction:?} {scale:?}"), f, |f| {
                forward_kl_loss(f, matrix(&dev, x.clone(), 2))
            });
        }
    }
}

#[test]
fn reverse_kl_gradients_match_finite_differences() {
    for direction in [Direction::Iaf, Direction::Maf] {
        for target in [Target::U3, Target::U1] {
            let f = small(direction, Scale::Exp);
            let z = f.draw_latent(64).as_vec();
            let dev = f.device().clone();
            check(&format!("reverse {direction:?} {target:?}"), f, |f| {
                reverse_kl_loss(f, target, matrix(&dev, z.clone(), 2))
            });
        }
    }
}

/// Reverse KL against a data set's exact density: `log p*` is off the tape and enters by
/// its central-difference gradient, so the finite differences of the loss's value (which
/// must be the true `mean(log q - log p*)`) check that route end to end. (Rings, with its
/// noise of 0.08, curves too fast for this check's parameter step of 5e-3.)
#[test]
fn reverse_kl_on_data_densities_matches_finite_differences() {
    for direction in [Direction::Maf, Direction::Iaf] {
        for data in [
            DataSet::EightGaussians,
            DataSet::Moons,
            DataSet::Circles,
            DataSet::SwissRoll,
        ] {
            let f = small(direction, Scale::Tanh);
            let z = f.draw_latent(64).as_vec();
            let dev = f.device().clone();
            let loss = reverse_kl_data_loss(&f, data, matrix(&dev, z.clone(), 2)).array() as f64;
            let (x, log_q) = f.to_data_points(&z);
            let direct: f64 = data
                .exact_log_probs(&x)
                .iter()
                .zip(&log_q)
                .map(|(p, &q)| q as f64 - p)
                .sum::<f64>()
                / 64.0;
            assert!(
                (loss - direct).abs() < 1e-4 * direct.abs().max(1.0),
                "{direction:?} {data:?}: loss {loss} vs direct {direct}"
            );
            check(&format!("reverse {direction:?} {data:?}"), f, |f| {
                reverse_kl_data_loss(f, data, matrix(&dev, z.clone(), 2))
            });
        }
    }
}
