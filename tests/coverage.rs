//! The share of the target's mass a model covers, `integral min(p*, q)`, from target draws:
//! against a fine grid on trained reverse-KL models, and on a model that is exactly one of
//! a target's two modes, where the ESS (which only sees the model's own samples) reads 100 %.

use crate::common;

use arflow::data::target::Target;
use arflow::flow::{Flow, FlowConfig};
use arflow::numeric::grid::{Grid, Window};
use arflow::train::divergence::Truth;
use arflow::train::metrics::{coverage, sample_estimate};
use arflow::train::objective::Objective;
use arflow::train::{TrainConfig, Trainer};
use rand::{rngs::StdRng, SeedableRng};

/// `integral min(p*, q)` on a 1,000^2 grid over the sampler's box.
fn on_grid(flow: &Flow, truth: &Truth) -> f64 {
    let grid = Grid::new(Window::square(4.3), 1000, 1000).unwrap();
    let points = grid.points();
    let log_q = flow.log_prob_points(&points);
    let log_p = truth.log_prob(&points);
    let cell = (grid.dx() * grid.dy()) as f64;
    log_q
        .iter()
        .zip(&log_p)
        .map(|(&q, &p)| (q as f64).exp().min(p.exp()) * cell)
        .sum()
}

#[test]
fn coverage_from_target_draws_matches_a_fine_grid_on_trained_reverse_kl_models() {
    for (target, hidden, steps) in [
        (Target::U3, vec![16], 2000),
        (Target::U4, vec![16, 16], 1500),
    ] {
        let config = TrainConfig {
            objective: Objective::ReverseKl(target),
            lr: 3e-3,
            ..TrainConfig::default()
        };
        let flow = Flow::new(FlowConfig {
            layers: 1,
            hidden,
            ..FlowConfig::default()
        })
        .unwrap();
        let mut t = Trainer::new(flow, config).unwrap();
        for _ in 0..steps {
            t.step();
        }
        t.test_metric();
        let ess = t.last_estimate().unwrap().ess;
        let reported = t.last_coverage().unwrap();
        let truth = Truth::energy(target);
        let x = truth.sample(20_000, &mut StdRng::seed_from_u64(5));
        let mc = coverage(&t.flow.log_prob_points(&x), &truth.log_prob(&x));
        let grid = on_grid(&t.flow, &truth);
        println!(
            "{}: ESS {ess:.3}, covers {:.3} +- {:.3} (page, 2,000 draws), {:.4} +- {:.4} (20,000), grid {grid:.4}",
            target.name(),
            reported.value,
            reported.se,
            mc.value,
            mc.se
        );
        assert!(
            (mc.value - grid).abs() < 4.0 * mc.se + 2e-3,
            "{mc:?} vs {grid}"
        );
        assert!((reported.value - grid).abs() < 4.0 * reported.se + 2e-3);
    }
}

/// `q` is exactly one component of `p* = (N(a, I) + N(b, I)) / 2`, far apart: on `q`'s own
/// samples `p* / q = 1/2` everywhere, so the ESS is 1; the model covers half the mass.
#[test]
fn a_model_of_one_mode_of_two_reads_a_full_ess_and_half_coverage() {
    use rand_distr::{Distribution, StandardNormal};
    let (a, b) = ([-5.0f32, 0.0], [5.0f32, 0.0]);
    let q = common::gaussian_map(a, [1.0, 1.0]);
    let log_n = |x: &[f32], m: [f32; 2]| {
        -0.5 * ((x[0] - m[0]).powi(2) + (x[1] - m[1]).powi(2)) as f64
            - (2.0 * std::f64::consts::PI).ln()
    };
    let log_p = |pts: &[f32]| -> Vec<f64> {
        pts.chunks(2)
            .map(|x| {
                let (u, v) = (log_n(x, a), log_n(x, b));
                u.max(v) + (-(u - v).abs()).exp().ln_1p() - std::f64::consts::LN_2
            })
            .collect()
    };
    let mut rng = StdRng::seed_from_u64(3);
    let z: Vec<f32> = (0..40_000)
        .map(|_| StandardNormal.sample(&mut rng))
        .collect();
    let (from_q, log_q) = q.to_data_points(&z);
    let lp: Vec<f32> = log_p(&from_q).iter().map(|&v| v as f32).collect();
    let ess = sample_estimate(&log_q, &lp).ess;
    // Target draws: each component half the time.
    let from_p: Vec<f32> = z
        .chunks(2)
        .enumerate()
        .flat_map(|(i, e)| {
            let m = if i % 2 == 0 { a } else { b };
            [e[0] + m[0], e[1] + m[1]]
        })
        .collect();
    let c = coverage(&q.log_prob_points(&from_p), &log_p(&from_p));
    println!(
        "one mode of two: ESS {ess:.4}, covers {:.4} +- {:.4}",
        c.value, c.se
    );
    assert!(ess > 0.98, "the ESS cannot see the missing mode: {ess}");
    // Exactly: integral min(p*, q) = 1/2, less the overlap of the far components (1e-7).
    assert!((c.value - 0.5).abs() < 4.0 * c.se + 2e-3, "{c:?}");
}
