//! The worker's progress message: what the worker encodes, the page decodes to the same
//! update; anything else is refused with a message.

use arflow::session::sync::{Progress, Update};

fn update() -> Update {
    Update {
        progress: Progress {
            step: 1200,
            steps_per_second: 431.5,
            metric: Some(2.5123),
            ess: None,
            samples: Some((20_000, 3)),
            metric_se: Some(0.004),
            event: Some("step 578: the loss exploded".into()),
        },
        loss_from: 7,
        loss: vec![(1199, 2.61), (1200, 2.58)],
        test_from: 0,
        test: vec![(1200, 2.5123)],
    }
}

#[test]
fn an_update_round_trips() {
    let u = update();
    let numbers = u.encode();
    assert_eq!(numbers.len(), 7 + 2 + 4 + 2 + 2);
    assert!(numbers[3].is_nan(), "a missing ESS travels as NaN");
    let back = Update::decode(&numbers, "step 578: the loss exploded").unwrap();
    assert_eq!(back, u);
    let quiet = Update::decode(&Update::default().encode(), "").unwrap();
    assert_eq!(quiet, Update::default(), "an empty event is none");
}

#[test]
fn malformed_messages_are_refused() {
    let good = update().encode();
    let mut longer = good.clone();
    longer.push(1.0);
    let mut bad_count = good.clone();
    bad_count[8] = 2.5;
    let mut huge_count = good.clone();
    huge_count[8] = 1e9;
    let mut bad_from = good.clone();
    bad_from[7] = -1.0;
    for numbers in [
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
