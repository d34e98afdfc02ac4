//! The divergence guard's test-metric rule: a jump far above the best and the last metric
//! is a divergence when the training loss has not fallen since the best, and overfitting
//! (left to the history to report) while it falls; the thresholds scale with the
//! dimension.

use arflow::train::adam::Optimiser;
use arflow::train::guard::{Guard, Snapshot};

fn snapshot() -> Snapshot {
    Snapshot {
        step: 0,
        params: vec![0.0],
        optimiser: Optimiser::new(1),
    }
}

/// A guard of `dim` dimensions whose best metric `best` came at a training loss of 3.
fn guard_at_best(dim: usize, best: f64) -> Guard {
    let mut g = Guard::new(snapshot(), dim);
    for _ in 0..32 {
        assert_eq!(g.judge_loss(3.0), None);
    }
    assert_eq!(g.judge_metric(best, snapshot), None);
    g
}

const DIVERGED: Option<&str> = Some("the test metric jumped far above its best");

#[test]
fn a_jump_in_the_test_metric_is_a_divergence_unless_the_loss_is_falling() {
    // The loss fell since the best: a model learning its training points, not a blow-up.
    let mut g = guard_at_best(2, 2.5);
    for _ in 0..64 {
        g.judge_loss(2.0);
    }
    assert_eq!(g.judge_metric(4.0, snapshot), None);
    // The loss did not fall: the same jump is a divergence.
    let mut g = guard_at_best(2, 2.5);
    for _ in 0..64 {
        g.judge_loss(3.2);
    }
    assert_eq!(g.judge_metric(4.0, snapshot), DIVERGED);
    // A metric that creeps up, less than a jump at a time, is never one.
    let mut g = guard_at_best(2, 2.5);
    for m in [3.0, 3.5, 4.0, 4.5] {
        assert_eq!(g.judge_metric(m, snapshot), None, "{m}");
    }
    assert_eq!(g.judge_metric(f64::NAN, snapshot), DIVERGED);
}

#[test]
fn the_jump_scales_with_the_dimension() {
    // A nat per two dimensions: 1 in 2-D, 32 for the 64-D digits.
    for (dim, small, large) in [(2, 3.4, 3.6), (64, -60.0, -45.0)] {
        let best = if dim == 2 { 2.5 } else { -80.0 };
        let mut g = guard_at_best(dim, best);
        assert_eq!(g.judge_metric(small, snapshot), None, "{dim}: {small}");
        let mut g = guard_at_best(dim, best);
        assert_eq!(g.judge_metric(large, snapshot), DIVERGED, "{dim}: {large}");
    }
}
