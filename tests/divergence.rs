//! Both divergences on trained flows against independent computations: the exact KL on a
//! fine grid and a 200,000-draw Monte Carlo; the mode count against draws of known shape.

use arflow::data::target::Target;
use arflow::data::{flatten, DataSet};
use arflow::flow::{Flow, FlowConfig};
use arflow::numeric::grid::{Density, Grid, Window};
use arflow::train::divergence::{eight_gaussians_modes, forward_kl, reverse_kl, Estimate, Truth};
use arflow::train::metrics::kl_on_grid;
use arflow::train::objective::Objective;
use arflow::train::{TrainConfig, Trainer};
use rand::{rngs::StdRng, SeedableRng};

fn trained(objective: Objective, steps: usize) -> Flow {
    let config = TrainConfig {
        objective,
        lr: 3e-3,
        ..TrainConfig::default()
    };
    let mut t = Trainer::new(Flow::new(FlowConfig::default()).unwrap(), config).unwrap();
    for _ in 0..steps {
        t.step();
    }
    t.flow
}

fn grids(flow: &Flow, truth: &Truth) -> (Density, Density) {
    let grid = Grid::new(Window::square(5.0), 500, 500).unwrap();
    let model = grid.tabulate(|p| flow.log_prob_points(p));
    let exact = grid.tabulate(|p| truth.log_prob(p).iter().map(|&v| v as f32).collect());
    (model, exact)
}

fn close(what: &str, e: Estimate, reference: f64, slack: f64) {
    println!("{what}: {:.4} +- {:.4} vs {reference:.4}", e.value, e.se);
    assert!(
        (e.value - reference).abs() < 4.0 * e.se + slack,
        "{what}: {e:?} vs {reference}"
    );
}

#[test]
fn forward_kl_from_target_draws_matches_the_grid_and_a_large_monte_carlo() {
    let d = DataSet::EightGaussians;
    let flow = trained(Objective::ForwardKl(d), 600);
    let truth = Truth::data(d).unwrap();
    let mut rng = StdRng::seed_from_u64(3);
    let small = forward_kl(&flow, &truth, &truth.sample(2_000, &mut rng));
    let large = forward_kl(&flow, &truth, &truth.sample(200_000, &mut rng));
    let (model, exact) = grids(&flow, &truth);
    close(
        "KL(p* || q), 8gaussians, grid",
        small,
        kl_on_grid(&exact, &model),
        0.01,
    );
    close(
        "KL(p* || q), 8gaussians, 200k draws",
        small,
        large.value,
        4.0 * large.se,
    );
    assert!(
        small.value > 0.0 && small.se < 0.1 * small.value,
        "{small:?}"
    );
}

#[test]
fn reverse_kl_from_model_draws_matches_the_grid_and_a_large_monte_carlo() {
    let t = Target::U3;
    let flow = trained(Objective::ReverseKl(t), 600);
    let truth = Truth::energy(t);
    let z = |n: usize| flow.draw_latent(n).as_vec();
    let (small, _) = reverse_kl(&flow, &truth, &z(2_000));
    let (large, _) = reverse_kl(&flow, &truth, &z(200_000));
    let (model, exact) = grids(&flow, &truth);
    close(
        "KL(q || p*), U3, grid",
        small,
        kl_on_grid(&model, &exact),
        0.01,
    );
    close(
        "KL(q || p*), U3, 200k draws",
        small,
        large.value,
        4.0 * large.se,
    );
}

#[test]
fn the_mode_count_sees_dropped_modes() {
    let d = DataSet::EightGaussians;
    let all = flatten(&d.sample_seeded(4_000, 1));
    assert_eq!(eight_gaussians_modes(&all, 0.05), 8);
    // Keep only the draws nearest three of the centres.
    let three: Vec<f32> = all
        .chunks(2)
        .filter(|p| p[0] > 1.0)
        .flatten()
        .copied()
        .collect();
    assert_eq!(eight_gaussians_modes(&three, 0.05), 3);
}
