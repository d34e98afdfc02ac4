//! Grids, slices and divergences against densities known in closed form.

use arflow::numeric::grid::{Density, Grid, Window};
use arflow::train::metrics::{kl_on_grid, log_normaliser, sample_estimate};

/// `log N(x; mu, s^2 I)` in 2-D.
fn gaussian(mu: [f32; 2], s: f32) -> impl Fn(&[f32]) -> Vec<f32> {
    move |p: &[f32]| {
        p.chunks(2)
            .map(|c| {
                let d2 = (c[0] - mu[0]).powi(2) + (c[1] - mu[1]).powi(2);
                -d2 / (2.0 * s * s) - (2.0 * std::f32::consts::PI * s * s).ln()
            })
            .collect()
    }
}

#[test]
fn cell_centres_run_left_to_right_and_top_to_bottom() {
    let g = Grid::new(Window::square(4.0), 4, 2).unwrap();
    let p = g.points();
    assert_eq!(&p[..4], &[-3.0, 2.0, -1.0, 2.0]);
    assert_eq!(&p[p.len() - 2..], &[3.0, -2.0]);
    assert!(Grid::new(Window::square(4.0), 0, 2).is_err());
    assert!(Grid::new(
        Window {
            x0: 1.0,
            x1: 1.0,
            y0: 0.0,
            y1: 1.0
        },
        4,
        4
    )
    .is_err());
    assert!(Grid::new(
        Window {
            x0: f32::NAN,
            ..Window::default()
        },
        4,
        4
    )
    .is_err());
}

#[test]
fn a_gaussian_has_unit_mass_and_gaussian_marginals() {
    let g = Grid::new(Window::default(), 200, 200).unwrap();
    let d = g.tabulate(gaussian([0.5, -0.5], 0.8));
    assert!((d.mass() - 1.0).abs() < 1e-3, "{}", d.mass());
    // p(x1) = sum over a column of p * dy.
    let p: Vec<f64> = d.probabilities().collect();
    let marginal =
        (0..g.nx).map(|i| (0..g.ny).map(|j| p[j * g.nx + i]).sum::<f64>() * g.dy() as f64);
    for (i, m) in marginal.enumerate() {
        let x = g.x(i) - 0.5;
        let exact = (-x * x / (2.0 * 0.64)).exp() / (2.0 * std::f32::consts::PI * 0.64).sqrt();
        assert!((m - exact as f64).abs() < 1e-3, "p(x1) at {}", g.x(i));
    }
}

#[test]
fn non_finite_values_count_as_zero_density_and_are_counted() {
    let g = Grid::new(Window::default(), 2, 2).unwrap();
    let d = Density::new(
        g,
        vec![
            f32::NAN,
            f32::NEG_INFINITY,
            f32::INFINITY,
            (1.0f32 / 16.0).ln(),
        ],
    );
    assert_eq!((d.non_finite, d.neg_infinite), (2, 1));
    assert!((d.mass() - 1.0).abs() < 1e-6);
}

#[test]
fn kl_between_gaussians_on_a_grid_is_the_closed_form() {
    let g = Grid::new(Window::square(6.0), 300, 300).unwrap();
    let a = g.tabulate(gaussian([0.0, 0.0], 1.0));
    let b = g.tabulate(gaussian([1.0, 0.0], 1.0));
    // KL(N(0, I) || N(mu, I)) = |mu|^2 / 2.
    assert!((kl_on_grid(&a, &b) - 0.5).abs() < 1e-3);
    assert!(kl_on_grid(&a, &a).abs() < 1e-9);
    let shifted = Density::new(g, a.log_p.iter().map(|v| v + 2.0).collect());
    assert!((log_normaliser(&shifted) - 2.0).abs() < 1e-3);
}

#[test]
fn a_perfect_model_has_full_ess_and_the_exact_log_z() {
    let log_q: Vec<f32> = (0..100).map(|i| -(i as f32) / 10.0).collect();
    let log_p: Vec<f32> = log_q.iter().map(|v| v + 1.5).collect();
    let e = sample_estimate(&log_q, &log_p);
    assert!(
        (e.ess - 1.0).abs() < 1e-9 && (e.log_z - 1.5).abs() < 1e-6 && (e.loss + 1.5).abs() < 1e-6
    );
    let mut uneven = log_p.clone();
    uneven[0] += 5.0;
    uneven[1] = f32::NAN;
    let e = sample_estimate(&log_q, &uneven);
    assert!(e.ess < 0.5 && e.non_finite == 1 && e.n == 100, "{e:?}");
    assert_eq!(
        e.loss,
        f64::INFINITY,
        "a non-finite sample makes the KL infinite"
    );
    // The standard error is sd / sqrt(n): here log q - log p~ is -1.5 everywhere but one.
    let e = sample_estimate(&log_q, &log_p);
    assert!(e.loss_se < 1e-9, "{e:?}");
}
