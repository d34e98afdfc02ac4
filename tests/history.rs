//! The history in constant memory: a series keeps at most SERIES_CAP points, each the mean
//! of the raw values it stands for, and a copy kept by index follows it through merges.

use arflow::train::history::{Series, SERIES_CAP};

fn filled(n: u64) -> Series {
    let mut s = Series::default();
    for step in 1..=n {
        s.push(step, step as f64);
    }
    s
}

#[test]
fn memory_after_a_million_steps_is_memory_after_ten_thousand() {
    let (short, long) = (filled(10_000), filled(1_000_000));
    assert!(long.len() <= SERIES_CAP && short.len() <= SERIES_CAP);
    assert_eq!(long.heap_bytes(), short.heap_bytes());
    assert!(
        long.len() >= SERIES_CAP / 2,
        "the curve keeps its resolution"
    );
}

#[test]
fn each_point_is_the_mean_of_the_raw_values_it_stands_for() {
    let n = (SERIES_CAP + SERIES_CAP / 2) as u64 + 5;
    let s = filled(n);
    let per = s.per_point();
    assert_eq!(per, 2);
    for (i, &(step, v)) in s.points().iter().enumerate() {
        // Point i stands for raw steps i*per+1 ..= (i+1)*per, whose mean is this.
        let first = i as u64 * per + 1;
        let last = first + per - 1;
        assert_eq!(step, last);
        assert_eq!(v, (first + last) as f64 / 2.0);
    }
    // The raw values of the point being filled are not shown yet.
    assert_eq!(s.last().unwrap().0, n - 1);
}

#[test]
fn a_copy_kept_by_index_follows_the_original_through_merges() {
    let mut original = Series::default();
    let mut copy = Series::default();
    let mut mark = original.mark();
    let mut step = 0;
    // Uneven bursts between messages, across several merges.
    for burst in (0..400).map(|i| (i * 37) % 101 + 1) {
        for _ in 0..burst {
            step += 1;
            original.push(step, (step as f64).sin());
        }
        let (from, points) = original.since(mark);
        copy.replace_from(from, points);
        mark = original.mark();
        assert_eq!(copy.points(), original.points());
    }
    assert!(original.per_point() > 1, "merged on the way");
}

#[test]
fn overfitting_is_a_test_metric_above_its_best_for_three_evaluations_while_the_loss_falls() {
    use arflow::train::history::History;
    // The loss falls all along; the test metric falls to step 300, then rises.
    let history = |test: &[f64]| {
        let mut h = History::default();
        for step in 1..=100 * test.len() as u64 {
            h.loss.push(step, 3.0 - step as f64 / 1000.0);
        }
        for (i, &v) in test.iter().enumerate() {
            h.test.push(100 * (i as u64 + 1), v);
        }
        h
    };
    let o = history(&[3.0, 2.8, 2.7, 2.75, 2.8, 2.9])
        .overfitting()
        .unwrap();
    assert_eq!((o.best_step, o.best, o.evaluations), (300, 2.7, 3));
    assert!((o.rise - 0.2).abs() < 1e-12 && o.loss_fall > 0.0);
    // Two evaluations above the best are not yet a trend; one back at the best ends it.
    assert_eq!(history(&[3.0, 2.8, 2.7, 2.75, 2.8]).overfitting(), None);
    assert_eq!(
        history(&[3.0, 2.8, 2.7, 2.75, 2.8, 2.7]).overfitting(),
        None
    );
    // A test metric that rises while the loss rises too is not overfitting (a bad step).
    let mut h = history(&[3.0, 2.8, 2.7, 2.75, 2.8, 2.9]);
    for step in 601..=1200 {
        h.loss.push(step, 10.0);
    }
    h.test.push(700, 3.0);
    assert_eq!(h.overfitting(), None);
}
