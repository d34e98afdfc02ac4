//! Conditional slices and marginals: every curve integrates to 1 and every CDF climbs to 1;
//! the true conditional of 8gaussians is its closed-form mixture; a model's conditional
//! approaches the truth as it trains; with the same order in every layer the first
//! marginal stays exactly Gaussian.

mod common;

use arflow::data::{eight_gaussians_centres, DataSet, EIGHT_GAUSSIANS_SIGMA};
use arflow::flow::{Flow, FlowConfig, LayerOrder};
use arflow::numeric::grid::{Grid, Window};
use arflow::train::objective::Objective;
use arflow::train::{TrainConfig, Trainer};
use arflow::views::slice::{conditional, marginal, Curve};
use common::scramble;

fn check_curve(c: &Curve, what: &str) {
    assert!((c.mass() - 1.0).abs() < 1e-3, "{what}: mass {}", c.mass());
    assert!(
        c.cdf.windows(2).all(|w| w[1] >= w[0]),
        "{what}: CDF decreases"
    );
    assert_eq!(*c.cdf.last().unwrap(), 1.0, "{what}: CDF ends at 1");
    assert!(c.p.iter().all(|p| p.is_finite() && *p >= 0.0), "{what}");
}

fn exact(d: DataSet) -> impl Fn(&[f32]) -> Vec<f64> {
    move |pts: &[f32]| {
        pts.chunks(2)
            .map(|p| d.exact_log_prob([p[0] as f64, p[1] as f64]).unwrap())
            .collect()
    }
}

fn model(f: &Flow) -> impl Fn(&[f32]) -> Vec<f64> + '_ {
    |pts: &[f32]| f.log_prob_points(pts).into_iter().map(f64::from).collect()
}

#[test]
fn the_true_conditional_of_8gaussians_is_its_closed_form() {
    let s = EIGHT_GAUSSIANS_SIGMA;
    let normal = |x: f64, m: f64| {
        (-(x - m).powi(2) / (2.0 * s * s)).exp() / (s * (2.0 * std::f64::consts::PI).sqrt())
    };
    for (axis, at) in [(0, 0.0f32), (0, 2.0), (1, -1.7), (1, 2.83)] {
        let c = conditional(
            Window::default(),
            axis,
            at,
            256,
            exact(DataSet::EightGaussians),
        )
        .unwrap();
        check_curve(&c, "8gaussians");
        // p(x_b | x_a) = sum_k w_k N(x_b; m_kb, s), w_k proportional to N(x_a; m_ka, s).
        let centres = eight_gaussians_centres().map(|c| [c[0] / 1.414, c[1] / 1.414]);
        let w: Vec<f64> = centres.iter().map(|c| normal(at as f64, c[axis])).collect();
        let total: f64 = w.iter().sum();
        for (x, p) in c.at.iter().zip(&c.p) {
            let closed: f64 = centres
                .iter()
                .zip(&w)
                .map(|(c, w)| w / total * normal(*x as f64, c[1 - axis]))
                .sum();
            assert!(
                (p - closed).abs() < 2e-3 * closed.max(1.0),
                "axis {axis} at {at}, x {x}: {p} vs {closed}"
            );
        }
    }
}

#[test]
fn conditionals_and_marginals_of_models_and_data_are_normalised() {
    let mut f = Flow::new(FlowConfig::default()).unwrap();
    scramble(&mut f, 2.0);
    let grid = Grid::new(Window::default(), 96, 96).unwrap();
    let density = f.density(&grid);
    for axis in [0, 1] {
        check_curve(&marginal(&density, axis).unwrap(), "model marginal");
        for at in [-2.5f32, 0.0, 1.3] {
            check_curve(
                &conditional(Window::default(), axis, at, 200, model(&f)).unwrap(),
                "model",
            );
            for d in [
                DataSet::EightGaussians,
                DataSet::Rings,
                DataSet::Circles,
                DataSet::Moons,
            ] {
                check_curve(
                    &conditional(Window::default(), axis, at, 200, exact(d)).unwrap(),
                    d.name(),
                );
            }
        }
    }
    // Checkerboard's line through an empty column has no mass at all: no curve, no NaN.
    assert!(conditional(Window::default(), 0, 5.0, 64, exact(DataSet::Checkerboard)).is_none());
}

#[test]
fn a_model_conditional_approaches_the_true_one_as_it_trains() {
    let d = DataSet::EightGaussians;
    let config = TrainConfig {
        objective: Objective::ForwardKl(d),
        lr: 3e-3,
        ..TrainConfig::default()
    };
    let mut t = Trainer::new(Flow::new(FlowConfig::default()).unwrap(), config).unwrap();
    let truth = conditional(Window::default(), 0, 0.0, 128, exact(d)).unwrap();
    let distance = |f: &Flow| {
        let c = conditional(Window::default(), 0, 0.0, 128, model(f)).unwrap();
        c.p.iter()
            .zip(&truth.p)
            .map(|(a, b)| (a - b).abs())
            .sum::<f64>()
            * c.step()
    };
    let before = distance(&t.flow);
    for _ in 0..1500 {
        t.step();
    }
    let after = distance(&t.flow);
    println!("L1 distance to the true p(x2 | x1 = 0) of 8gaussians: {before:.3} -> {after:.3}");
    assert!(after < 0.5 * before, "L1 distance {before} -> {after}");
}

/// How far the `x1` marginal of a flow with this ordering, trained briefly on moons, is
/// from the Gaussian of its own mean and variance, relative to its peak.
fn gaussian_misfit(order: LayerOrder) -> f64 {
    let flow = Flow::new(FlowConfig {
        order,
        ..FlowConfig::default()
    })
    .unwrap();
    let config = TrainConfig {
        lr: 3e-3,
        ..TrainConfig::default()
    };
    let mut t = Trainer::new(flow, config).unwrap();
    for _ in 0..400 {
        t.step();
    }
    let f = t.flow;
    let grid = Grid::new(Window::square(8.0), 256, 256).unwrap();
    let m = marginal(&f.density(&grid), 0).unwrap();
    let h = m.step();
    let mean: f64 = m.at.iter().zip(&m.p).map(|(x, p)| *x as f64 * p * h).sum();
    let var: f64 =
        m.at.iter()
            .zip(&m.p)
            .map(|(x, p)| (*x as f64 - mean).powi(2) * p * h)
            .sum();
    let gauss = |x: f64| {
        (-(x - mean).powi(2) / (2.0 * var)).exp() / (2.0 * std::f64::consts::PI * var).sqrt()
    };
    let worst =
        m.at.iter()
            .zip(&m.p)
            .map(|(x, p)| (p - gauss(*x as f64)).abs())
            .fold(0.0, f64::max);
    worst / m.p.iter().cloned().fold(0.0, f64::max)
}

#[test]
fn with_the_same_order_every_layer_the_first_marginal_stays_gaussian() {
    let same = gaussian_misfit(LayerOrder::Same);
    let alternate = gaussian_misfit(LayerOrder::Alternate);
    println!("x1 marginal off its Gaussian: same order {same:.2e}, alternating {alternate:.3}");
    assert!(
        same < 2e-3,
        "same order: x1 marginal off a Gaussian by {same} of its peak"
    );
    assert!(alternate > 0.05, "alternating: {alternate}");
}
