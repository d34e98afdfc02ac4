//! The worker's progress message: what the worker encodes, the page decodes to the same
//! update; anything else is refused with a message.

use arflow::session::codec::{ComparisonUpdate, Progress, Update};
use arflow::session::comparison::Scores;
use arflow::train::divergence::Estimate;

fn update() -> Update {
    Update {
        progress: Progress {
            step: 1200,
            steps_per_second: 431.5,
            metric: Some(2.5123),
            ess: None,
            samples: Some((20_000, 3)),
            metric_se: Some(0.004),
            coverage: Some(0.87),
            event: Some("step 578: the loss exploded".into()),
        },
        loss_from: 7,
        loss: vec![(1199, 2.61), (1200, 2.58)],
        test_from: 0,
        test: vec![(1200, 2.5123)],
        comparison: None,
    }
}

fn comparison_update() -> Update {
    let e = |value, se| Estimate {
        value,
        se,
        n: 4000,
        tail: 0.1,
        beyond: 0.0,
    };
    Update {
        comparison: Some(ComparisonUpdate {
            scores: Some(Scores {
                step: 1200,
                steps: [1200, 801],
                seconds: [3.5, 3.48],
                rollbacks: [0, 2],
                kl: [
                    [e(0.12, 0.01), e(0.9, 0.05)],
                    [e(f64::INFINITY, 0.3), e(0.2, 0.02)],
                ],
                modes: Some([8, 3]),
            }),
            series: [
                (0, vec![(100, 0.5), (200, 0.4)]),
                (3, vec![]),
                (1, vec![(1200, 0.2)]),
                (0, vec![]),
            ],
        }),
        ..update()
    }
}

#[test]
fn an_update_round_trips() {
    let u = update();
    let numbers = u.encode();
    assert_eq!(numbers.len(), 8 + 2 + 4 + 2 + 2);
    assert!(numbers[3].is_nan(), "a missing ESS travels as NaN");
    let back = Update::decode(&numbers, "step 578: the loss exploded").unwrap();
    assert_eq!(back, u);
    let quiet = Update::decode(&Update::default().encode(), "").unwrap();
    assert_eq!(quiet, Update::default(), "an empty event is none");
}

/// The compare view's scores and series ride after the rest; a view without scores yet
/// sends NaN for them and gets none back.
#[test]
fn a_compare_update_round_trips() {
    let u = comparison_update();
    let numbers = u.encode();
    assert_eq!(numbers.len(), 18 + 29 + (2 + 4) + 2 + (2 + 2) + 2);
    assert_eq!(
        Update::decode(&numbers, "step 578: the loss exploded").unwrap(),
        u
    );
    let mut early = comparison_update();
    early.comparison.as_mut().unwrap().scores = None;
    assert_eq!(
        Update::decode(&early.encode(), "step 578: the loss exploded").unwrap(),
        early
    );
    let mut no_modes = comparison_update();
    no_modes
        .comparison
        .as_mut()
        .unwrap()
        .scores
        .as_mut()
        .unwrap()
        .modes = None;
    assert_eq!(
        Update::decode(&no_modes.encode(), "step 578: the loss exploded").unwrap(),
        no_modes
    );
}

#[test]
fn malformed_messages_are_refused() {
    let good = update().encode();
    let mut longer = good.clone();
    longer.push(1.0);
    let mut bad_count = good.clone();
    bad_count[9] = 2.5;
    let mut huge_count = good.clone();
    huge_count[9] = 1e9;
    let mut bad_from = good.clone();
    bad_from[8] = -1.0;
    let comparison = comparison_update().encode();
    let mut bad_n = comparison.clone();
    bad_n[18 + 9] = 0.5;
    for numbers in [
        &comparison[..comparison.len() - 1],
        &comparison[..20],
        &bad_n,
        &good[..3],
        &good[..good.len() - 1],
        &longer,
        &bad_count,
        &huge_count,
        &bad_from,
    ] {
        let err = Update::decode(numbers, "").unwrap_err().to_string();
        assert!(err.starts_with("worker message: "), "{err}");
    }
}

/// The worker takes the page's settings whole (`Lab::adopt`, the `settings` message): it
/// ends with the page's settings and the change they need together, the most any changed
/// field needs, and a hash that is not a lab's changes nothing.
#[test]
fn the_worker_adopts_the_pages_settings_with_the_change_they_need() {
    use arflow::session::lab::Lab;
    use arflow::session::settings::{Change, Settings};
    let mut page = Lab::new(Settings::default()).unwrap();
    let mut worker = Lab::new(Settings::default()).unwrap();
    assert_eq!(
        worker.adopt(&page.settings().to_hash()).unwrap(),
        Change::View
    );
    for (changes, needs) in [
        (&[("overlay", "0")][..], Change::View),
        (&[("lr", "0.01"), ("overlay", "1")][..], Change::Live),
        (
            &[("batch", "64"), ("seed", "3"), ("overlay", "0")][..],
            Change::Rebuild,
        ),
    ] {
        for (k, v) in changes {
            page.set_later(k, v).unwrap();
        }
        assert_eq!(worker.adopt(&page.settings().to_hash()).unwrap(), needs);
        assert_eq!(worker.settings(), page.settings());
    }
    assert_eq!(
        worker.trainer().config().lr,
        0.01,
        "a live change reached the trainer"
    );
    let before = worker.settings().clone();
    let err = worker.adopt("lr=nan&nonsense=1").unwrap_err().to_string();
    assert!(
        err.starts_with("settings: ") && err.contains("nonsense"),
        "{err}"
    );
    assert_eq!(worker.settings(), &before);
}
