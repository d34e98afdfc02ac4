//! Training lowers the test NLL on every data set and the KL on U1, and a diverging run is
//! rolled back to the last good parameters without losing anything.

use crate::common;

use arflow::data::target::Target;
use arflow::data::DataSet;
use arflow::flow::{Direction, Flow, FlowConfig};
use arflow::numeric::grid::{Grid, Window};
use arflow::train::objective::Objective;
use arflow::train::{StepOutcome, TrainConfig, Trainer};

fn trainer(objective: Objective, direction: Direction, lr: f64) -> Trainer {
    let flow = Flow::new(FlowConfig {
        direction,
        ..FlowConfig::default()
    })
    .unwrap();
    Trainer::new(
        flow,
        TrainConfig {
            objective,
            lr,
            ..TrainConfig::default()
        },
    )
    .unwrap()
}

/// `n` steps, every one of which must update the parameters.
fn run(t: &mut Trainer, n: usize) {
    for _ in 0..n {
        let outcome = t.step();
        assert!(
            matches!(outcome, StepOutcome::Updated { .. }),
            "{outcome:?}"
        );
    }
}

#[test]
fn forward_kl_lowers_the_test_nll_on_every_data_set() {
    for d in DataSet::ALL {
        let mut t = trainer(Objective::ForwardKl(d), Direction::Maf, 3e-3);
        let before = t.test_metric();
        run(&mut t, 300);
        let after = t.test_metric();
        assert!(after < before - 0.05, "{d:?}: {before} -> {after}");
        assert!(
            after > d.entropy() - 0.1,
            "{d:?}: {after} is below the entropy floor"
        );
    }
}

#[test]
fn iaf_learns_too() {
    let mut t = trainer(
        Objective::ForwardKl(DataSet::EightGaussians),
        Direction::Iaf,
        3e-3,
    );
    let before = t.test_metric();
    run(&mut t, 300);
    assert!(t.test_metric() < before - 0.3);
}

#[test]
fn reverse_kl_lowers_the_kl_on_u1() {
    for direction in [Direction::Maf, Direction::Iaf] {
        let mut t = trainer(Objective::ReverseKl(Target::U1), direction, 3e-3);
        let grid = Grid::new(Window::default(), 128, 128).unwrap();
        let (before, grid_before) = (t.test_metric(), t.grid_kl(&grid).unwrap().kl);
        run(&mut t, 300);
        let (after, grid_after) = (t.test_metric(), t.grid_kl(&grid).unwrap().kl);
        assert!(
            after < before - 0.2,
            "{direction:?}: estimate {before} -> {after}"
        );
        assert!(
            grid_after < grid_before - 0.2,
            "{direction:?}: grid {grid_before} -> {grid_after}"
        );
        assert!(
            after > -0.05,
            "{direction:?}: a KL estimate cannot be negative beyond noise: {after}"
        );
        // From 20,000 samples (2,000 read heavy-tailed weights optimistically): after 300
        // steps MAF reads 0.19 on seed 0.
        let e = t.last_estimate().unwrap();
        assert!(e.ess > 0.1 && e.ess <= 1.0, "{direction:?}: ess {}", e.ess);
        assert_eq!((e.n, e.non_finite), (20_000, 0));
    }
}

#[test]
fn grid_kl_to_the_exact_8gaussians_falls_with_training() {
    let mut t = trainer(
        Objective::ForwardKl(DataSet::EightGaussians),
        Direction::Maf,
        3e-3,
    );
    let grid = Grid::new(Window::square(4.5), 160, 160).unwrap();
    let before = t.grid_kl(&grid).unwrap().kl;
    run(&mut t, 300);
    let after = t.grid_kl(&grid).unwrap().kl;
    assert!(after < before && after > 0.0, "{before} -> {after}");
    assert!(trainer(
        Objective::ForwardKl(DataSet::Pinwheel),
        Direction::Maf,
        1e-3
    )
    .grid_kl(&grid)
    .is_none());
}

#[test]
fn a_huge_learning_rate_rolls_back_to_the_last_good_parameters() {
    let mut t = trainer(Objective::ForwardKl(DataSet::Moons), Direction::Maf, 1e-3);
    for _ in 0..5 {
        t.step();
    }
    // An evaluation with a good metric makes this model the checkpoint.
    t.test_metric();
    let mut after_step = vec![(t.step_count(), t.flow.parameters())];
    let cfg = TrainConfig {
        lr: 1e6,
        ..t.config()
    };
    t.set_config(cfg).unwrap();
    let mut rolled_back = None;
    for _ in 0..10 {
        match t.step() {
            StepOutcome::RolledBack { restored_step, .. } => {
                rolled_back = Some(restored_step);
                break;
            }
            StepOutcome::Updated { .. } => after_step.push((t.step_count(), t.flow.parameters())),
        }
    }
    let restored = rolled_back.expect("lr = 1e6 must diverge within 10 steps");
    assert_eq!(
        restored, 5,
        "the checkpoint is the last evaluated good model"
    );
    let (_, good) = after_step
        .iter()
        .find(|(s, _)| *s == restored)
        .expect("a recorded step");
    assert_eq!(&t.flow.parameters(), good);
    assert!(t.flow.parameters().iter().all(|p| p.is_finite()));
    assert_eq!(t.history.events.back().unwrap().restored_step, restored);
    // Nothing is lost: with a sane rate training carries on from there.
    t.set_config(TrainConfig { lr: 1e-3, ..cfg }).unwrap();
    assert!(matches!(t.step(), StepOutcome::Updated { .. }));
    assert!(t.test_metric().is_finite());
}

#[test]
fn bad_settings_are_refused_with_a_message() {
    let mut t = trainer(Objective::ForwardKl(DataSet::Moons), Direction::Maf, 1e-3);
    for bad in [
        TrainConfig {
            lr: f64::NAN,
            ..t.config()
        },
        TrainConfig {
            lr: -1.0,
            ..t.config()
        },
        TrainConfig {
            batch: 0,
            ..t.config()
        },
        TrainConfig {
            clip: Some(0.0),
            ..t.config()
        },
        TrainConfig {
            objective: Objective::ReverseKl(Target::U2),
            ..t.config()
        },
    ] {
        let err = t.set_config(bad).unwrap_err();
        assert!(!err.to_string().is_empty());
    }
    assert_eq!(
        t.config(),
        TrainConfig {
            lr: 1e-3,
            ..TrainConfig::default()
        }
    );
    let flow3 = Flow::new(FlowConfig {
        dim: 3,
        ..FlowConfig::default()
    })
    .unwrap();
    assert!(Trainer::new(flow3, TrainConfig::default()).is_err());
}

#[test]
fn clipping_rescales_the_gradient() {
    let max_move = |clip: Option<f64>| {
        let mut t = trainer(Objective::ForwardKl(DataSet::Moons), Direction::Maf, 1e-2);
        t.set_config(TrainConfig { clip, ..t.config() }).unwrap();
        let before = t.flow.parameters();
        t.step();
        t.flow
            .parameters()
            .iter()
            .zip(&before)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max)
    };
    // Adam's first step moves a weight by about lr * g / (|g| + 1e-8): about lr unclipped,
    // far less once the whole gradient is scaled down to a norm of 1e-10, far below eps.
    let free = max_move(None);
    let clipped = max_move(Some(1e-10));
    assert!(free > 5e-3, "{free}");
    assert!(clipped < 0.05 * free, "{clipped} vs {free}");
}

#[test]
fn a_trained_flow_keeps_unit_mass_on_the_data_window() {
    for d in [DataSet::Moons, DataSet::EightGaussians] {
        let mut t = trainer(Objective::ForwardKl(d), Direction::Maf, 3e-3);
        run(&mut t, 600);
        let grid = Grid::new(Window::default(), 256, 256).unwrap();
        let density = grid.tabulate(|p| t.flow.log_prob_points(p));
        common::assert_unit_mass(&density, &format!("{d:?}"));
    }
}

#[test]
fn an_exploding_but_finite_loss_is_a_divergence_too() {
    // Softplus scales cannot overflow, so lr = 1 gives huge finite losses (about 1e27
    // nats), not NaN.
    let mut t = trainer(Objective::ForwardKl(DataSet::Moons), Direction::Maf, 1.0);
    let causes: Vec<&str> = (0..20)
        .filter_map(|_| match t.step() {
            StepOutcome::RolledBack { cause, .. } => Some(cause),
            StepOutcome::Updated { .. } => None,
        })
        .collect();
    assert!(causes.iter().any(|c| c.contains("exploded")), "{causes:?}");
    assert!(
        t.test_metric() < 10.0,
        "the model kept is the last good one"
    );
}

/// `n` standard-normal latent draws, row-major `n x 2`, from their own seed.
fn latent(n: usize, seed: u64) -> Vec<f32> {
    use rand::{rngs::StdRng, SeedableRng};
    use rand_distr::{Distribution, StandardNormal};
    let mut rng = StdRng::seed_from_u64(seed);
    (0..2 * n)
        .map(|_| StandardNormal.sample(&mut rng))
        .collect()
}

#[test]
fn the_kl_estimate_agrees_with_a_large_sample_and_with_the_grid() {
    for (target, direction) in [(Target::U2, Direction::Maf), (Target::U4, Direction::Iaf)] {
        let mut t = trainer(Objective::ReverseKl(target), direction, 3e-3);
        run(&mut t, 600);
        let page = t.test_metric();
        let small = t.last_estimate().unwrap();
        let large = t.estimate_on(&latent(200_000, 77)).unwrap();
        let large_kl = large.loss + target.log_z();
        let se = (small.loss_se.powi(2) + large.loss_se.powi(2)).sqrt();
        let grid = Grid::new(Window::square(6.0), 480, 480).unwrap();
        let g = t.grid_kl(&grid).unwrap();
        println!(
            "{target:?} {direction:?}: page {page:.4} ± {:.4}, 200k {large_kl:.4} ± {:.4}, grid {:.4} (model mass {:.4})",
            small.loss_se, large.loss_se, g.kl, g.model_mass
        );
        assert!(
            (page - large_kl).abs() < 3.0 * se,
            "{target:?}: {page} vs {large_kl} (se {se})"
        );
        assert!(
            (g.model_mass - 1.0).abs() < 1e-3,
            "{target:?}: the grid holds the model"
        );
        assert!(
            (g.kl - large_kl).abs() < 3.0 * large.loss_se,
            "{target:?}: grid {} vs {large_kl}",
            g.kl
        );
    }
}
