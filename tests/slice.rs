//! Conditional slices and marginals: every curve integrates to 1 and every CDF climbs to 1;
//! the true conditional of 8gaussians is its closed-form mixture; a model's conditional
//! approaches the truth as it trains; with the same order in every layer the first
//! marginal stays exactly Gaussian.

use crate::common;

use crate::common::scramble;
use arflow::data::{eight_gaussians_centres, DataSet, EIGHT_GAUSSIANS_SIGMA};
use arflow::flow::{Flow, FlowConfig, LayerOrder};
use arflow::numeric::grid::{Grid, Window};
use arflow::train::objective::Objective;
use arflow::train::{TrainConfig, Trainer};
use arflow::views::slice::{conditional, marginal_of, Curve};

/// A curve normalised over the whole line: its CDF climbs from `F(lo)` by exactly the mass
/// in view, never past 1; `in_view` is the mass the view should hold (to 1e-3).
fn check_curve(c: &Curve, what: &str, in_view: f64) {
    assert!(
        (c.mass() - in_view).abs() < 1e-3,
        "{what}: mass {}",
        c.mass()
    );
    assert!(
        c.cdf.windows(2).all(|w| w[1] >= w[0]),
        "{what}: CDF decreases"
    );
    let last = *c.cdf.last().unwrap();
    assert!(
        last <= 1.0 && (last - c.below - c.mass()).abs() < 1e-4,
        "{what}: CDF ends at {last}"
    );
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
        check_curve(&c, "8gaussians", 1.0);
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
    // The scrambled flow keeps nearly all its mass in view (a fine grid says how much).
    let density = f.density(&Grid::new(Window::default(), 400, 400).unwrap());
    for axis in [0, 1] {
        let m = marginal_of(Window::default(), axis, 64, model(&f)).unwrap();
        check_curve(&m, "model marginal", m.mass());
        assert!(
            (m.mass() - density.mass()).abs() < 2e-3,
            "{} vs {}",
            m.mass(),
            density.mass()
        );
        for at in [-2.5f32, 0.0, 1.3] {
            let c = conditional(Window::default(), axis, at, 200, model(&f)).unwrap();
            check_curve(&c, "model", c.mass());
            for d in [
                DataSet::EightGaussians,
                DataSet::Rings,
                DataSet::Circles,
                DataSet::Moons,
            ] {
                check_curve(
                    &conditional(Window::default(), axis, at, 200, exact(d)).unwrap(),
                    d.name(),
                    1.0,
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
    let m = marginal_of(Window::square(8.0), 0, 256, model(&f)).unwrap();
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

/// A flow with a fifth of its mass outside the view: the exact map of `N(m, diag s^2)`
/// with `s = (2.5, 3)`. Its conditionals and marginals are normal in closed form, and the
/// slice's curves, normalised over the whole line, follow them to the view's edges: the CDF
/// starts at `Phi((lo - m) / s)`, not 0. Normalised on the view alone (as the panel was)
/// the CDF is off by 0.08-0.14.
#[test]
fn curves_normalised_over_the_whole_line_match_a_wide_gaussian_in_closed_form() {
    let (m, s) = ([0.5f32, -0.8], [2.5f32, 3.0]);
    let f = common::gaussian_map(m, s);
    let phi = |x: f64| 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2);
    let pdf = |x: f64, m: f64, s: f64| {
        (-((x - m) / s).powi(2) / 2.0).exp() / (s * (2.0 * std::f64::consts::PI).sqrt())
    };
    for axis in [0, 1] {
        let (ma, sa) = (m[axis] as f64, s[axis] as f64);
        let (mb, sb) = (m[1 - axis] as f64, s[1 - axis] as f64);
        let c = conditional(Window::default(), axis, 1.2, 200, model(&f)).unwrap();
        let h = c.step();
        let want_below = phi((-4.0 - mb) / sb);
        assert!(
            (c.below - want_below).abs() < 2e-3,
            "F(lo) {} vs {want_below}",
            c.below
        );
        let mut worst: f64 = 0.0;
        for ((x, p), cdf) in c.at.iter().zip(&c.p).zip(&c.cdf) {
            let x = *x as f64;
            worst = worst.max((cdf - phi((x + h / 2.0 - mb) / sb)).abs());
            let want = pdf(x, mb, sb);
            assert!(
                (p - want).abs() < 2e-3 * want.max(0.05),
                "p({x}) {p} vs {want}"
            );
        }
        println!(
            "axis {axis}: F(lo) {:.4}, mass in view {:.4}, CDF off by {worst:.1e}",
            c.below,
            c.mass()
        );
        assert!(worst < 2e-3, "CDF off by {worst}");
        assert!(c.mass() < 0.9, "the view should miss mass: {}", c.mass());
        // The same line normalised on the view alone, as the panel was.
        let line: Vec<f64> = c.at.iter().map(|&x| pdf(x as f64, mb, sb).ln()).collect();
        let on_view = Curve::from_log(-4.0, 4.0, &line).unwrap();
        let old = on_view
            .at
            .iter()
            .zip(&on_view.cdf)
            .map(|(x, cdf)| (cdf - phi((*x as f64 + h / 2.0 - mb) / sb)).abs())
            .fold(0.0, f64::max);
        println!("  normalised on the view alone: CDF off by {old:.3}");
        assert!(old > 0.03);
        let marginal = marginal_of(Window::default(), axis, 64, model(&f)).unwrap();
        for (x, p) in marginal.at.iter().zip(&marginal.p) {
            let want = pdf(*x as f64, ma, sa);
            assert!(
                (p - want).abs() < 3e-3 * want.max(0.05),
                "marginal p({x}) {p} vs {want}"
            );
        }
    }
}

/// Moons' and swissroll's marginals as 1-D integrals along the curve agree with their
/// exact 2-D densities integrated over the other coordinate (1,000 trapezoids on
/// `[-5, 5]`: the densities are smooth on a scale of 0.2, and below 1e-20 past it): within 2e-3 relative wherever the marginal is above 1e-6, along both axes;
/// the slice's marginal built on them is normalised.
#[test]
fn the_curve_data_sets_marginals_are_their_densities_integrated() {
    use arflow::views::slice::marginal_from;
    for d in [DataSet::Moons, DataSet::SwissRoll] {
        for axis in 0..2 {
            let values: Vec<f32> = (0..=18).map(|k| -4.5 + 0.5 * k as f32).collect();
            let fast = d.exact_marginal_log_probs(axis, &values).unwrap();
            let (n, lo, hi) = (1000, -5.0, 5.0);
            let h = (hi - lo) / n as f64;
            for (&v, &l) in values.iter().zip(&fast) {
                let integral: f64 = (0..=n)
                    .map(|k| {
                        let mut x = [v as f64; 2];
                        x[1 - axis] = lo + h * k as f64;
                        let w = if k == 0 || k == n { 0.5 } else { 1.0 };
                        w * h * d.exact_log_prob(x).unwrap().exp()
                    })
                    .sum();
                if integral > 1e-6 {
                    let rel = (l.exp() / integral - 1.0).abs();
                    assert!(
                        rel < 2e-3,
                        "{d:?} axis {axis} at {v}: {} vs {integral}",
                        l.exp()
                    );
                }
            }
            let curve = marginal_from(Window::default(), axis, 64, |v| {
                d.exact_marginal_log_probs(axis, v).unwrap()
            })
            .unwrap();
            check_curve(&curve, &format!("{d:?} {axis}"), curve.mass());
            assert!(curve.mass() > 0.95, "{d:?} {axis}: {}", curve.mass());
        }
    }
    assert!(DataSet::EightGaussians
        .exact_marginal_log_probs(0, &[0.0])
        .is_none());
}
