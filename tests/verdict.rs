//! The compare table in words: the calls follow the standard errors and the tails, and the
//! sentence says what the table shows, the textbook result or not, and the training.

use arflow::session::comparison::Scores;
use arflow::session::verdict::{call, Call};
use arflow::train::divergence::Estimate;

fn e(value: f64, se: f64, tail: f64) -> Estimate {
    Estimate {
        value,
        se,
        n: 4000,
        tail,
        beyond: if tail >= 0.5 { 0.2 } else { 0.0 },
    }
}

fn scores(kl: [[Estimate; 2]; 2], steps: [u64; 2], seconds: [f64; 2]) -> Scores {
    Scores {
        step: 100,
        steps,
        seconds,
        rollbacks: [0, 0],
        kl,
        modes: None,
    }
}

#[test]
fn a_call_needs_two_standard_errors_and_a_tail_that_allows_one() {
    assert_eq!(call([&e(1.0, 0.1, 0.1), &e(1.5, 0.1, 0.1)]), Call::Lower(0));
    assert_eq!(call([&e(1.0, 0.1, 0.1), &e(1.2, 0.1, 0.1)]), Call::Tie);
    // A heavy tail on the higher estimate: its typical estimate is low, the call stands.
    assert_eq!(call([&e(1.0, 0.1, 0.1), &e(1.5, 0.1, 0.8)]), Call::Lower(0));
    // On the lower one: it may not be lower at all, unless the gap passes two standard
    // errors and what its tail expects beyond its largest term (0.2 here) too.
    assert_eq!(
        call([&e(1.0, 0.1, 0.8), &e(1.4, 0.1, 0.1)]),
        Call::Unsure(0)
    );
    assert_eq!(call([&e(1.0, 0.1, 0.8), &e(1.5, 0.1, 0.1)]), Call::Lower(0));
    let inf = e(f64::INFINITY, f64::NAN, f64::NAN);
    assert_eq!(call([&inf, &e(9.0, 1.0, 0.1)]), Call::Lower(1));
    assert_eq!(call([&inf, &inf]), Call::Tie);
}

#[test]
fn the_verdict_says_what_the_table_shows() {
    let textbook = scores(
        [
            [e(0.10, 0.01, 0.1), e(0.50, 0.02, 0.2)],
            [e(0.60, 0.03, 0.1), e(0.20, 0.01, 0.1)],
        ],
        [1900, 300],
        [12.0, 12.2],
    );
    let v = textbook.verdict();
    println!("{v}");
    assert!(
        v.starts_with("As the theory says: the forward-KL model is lower on KL(p* || q) by 0.500")
    );
    assert!(v.contains("the reverse-KL model on KL(q || p*) by 0.300"));
    assert!(v.contains("Equal training time (12.1 s each), unequal steps: the forward-KL model 1900, the reverse-KL model 300"));
    // The moons case of the issue: the forward model wins both.
    let both = scores(
        [
            [e(0.05, 0.005, 0.1), e(0.164, 0.01, 0.3)],
            [e(0.90, 0.05, 0.1), e(0.540, 0.02, 0.1)],
        ],
        [1000, 1000],
        [10.0, 5.0],
    );
    let v = both.verdict();
    println!("{v}");
    assert!(v.starts_with("Not the textbook result on these models yet: on KL(p* || q), the forward-KL model is lower"));
    assert!(v.contains("on KL(q || p*), the forward-KL model is lower by 0.376"));
    assert!(v.contains("Unequal training: the forward-KL model 1000 steps in 10.0 s, the reverse-KL model 1000 steps in 5.0 s."));
    let unsure = scores(
        [
            [e(0.05, 0.005, 0.1), e(0.30, 0.01, 0.7)],
            [e(0.90, 0.05, 0.1), e(0.45, 0.02, 0.1)],
        ],
        [500, 510],
        [4.0, 4.0],
    );
    let v = unsure.verdict();
    println!("{v}");
    assert!(v.contains("the forward-KL model reads lower, but its terms have a tail too heavy"));
    assert!(v.ends_with("Equal training: about 505 steps in 4.0 s each."));
}
