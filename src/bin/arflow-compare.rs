//! `arflow-compare`: the compare view natively, to find and check its presets. Trains the
//! lab of a page's URL hash (with `compare=1`) for each seed and prints one JSON line per
//! seed: both models' `KL(p* || q)` and `KL(q || p*)` with standard errors and tail shapes,
//! the modes each covers (8gaussians), the seconds it took, whether the table shows the
//! textbook result (each model lower on its own divergence by two standard errors) and the
//! table's verdict in words; then one line with the speed of the pair
//! against the single flow of the same hash, steps per second of each, in the same run.
//!
//! `cargo run --release --bin arflow-compare -- 'data=8gaussians&compare=1&layers=2'
//! --steps 3000 --seeds 0,1,2`

use arflow::session::bench::time_pair;
use arflow::session::lab::Lab;
use arflow::session::verdict::Call;
use serde_json::json;
use std::time::Instant;

const USAGE: &str = "usage: arflow-compare HASH [--steps N] [--seeds S,S,..]";

/// Steps per seed, and the seeds, from the flags.
fn parse(argv: &[String]) -> Result<(String, usize, Vec<u64>), String> {
    let hash = argv.first().ok_or("a URL hash is needed")?.clone();
    let (mut steps, mut seeds) = (3000, vec![0, 1, 2]);
    let mut it = argv[1..].iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |_| format!("{flag}: '{value}' is not a whole number or a list of them");
        match flag.as_str() {
            "--steps" => steps = value.parse().map_err(bad)?,
            "--seeds" => {
                seeds = value
                    .split(',')
                    .map(|s| s.trim().parse())
                    .collect::<Result<_, _>>()
                    .map_err(bad)?
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok((hash, steps, seeds))
}

/// A lab of `hash` with `seed`, or the notes that say what in the hash was wrong.
fn lab(hash: &str, seed: u64, compare: bool) -> Result<Lab, String> {
    let full = format!("{hash}&seed={seed}&compare={}", u8::from(compare));
    let (lab, notes) = Lab::from_hash(&full);
    if notes.is_empty() {
        Ok(lab)
    } else {
        Err(notes.join("; "))
    }
}

/// Trains (the lab's own loop, in the page's chunks of 40 ms, the two flows sharing the
/// time) until the lab's trainer has taken `steps` steps; returns the seconds it took.
fn train(lab: &mut Lab, steps: usize) -> f64 {
    let start = Instant::now();
    let mut now = || start.elapsed().as_secs_f64() * 1000.0;
    while lab.trainer().step_count() < steps as u64 {
        lab.train(40.0, &mut now);
    }
    start.elapsed().as_secs_f64()
}

/// Milliseconds each speed measurement trains.
const SPEED_MS: f64 = 3000.0;

fn run(argv: &[String]) -> Result<(), String> {
    let (hash, steps, seeds) = parse(argv)?;
    for &seed in &seeds {
        let mut pair = lab(&hash, seed, true)?;
        let seconds = train(&mut pair, steps);
        // One more step, as the page's step button takes it, scores both models now.
        pair.step_once();
        let comparison = pair.comparison().ok_or("this target cannot be compared")?;
        let s = comparison.scores.ok_or("no scores")?;
        let e = |m: usize, k: usize| json!([s.kl[m][k].value, s.kl[m][k].se, s.kl[m][k].tail]);
        let textbook = s.calls() == [Call::Lower(0), Call::Lower(1)];
        println!(
            "{}",
            json!({
                "seed": seed,
                "steps": s.steps,
                "forward_model": {"kl_p_q": e(0, 0), "kl_q_p": e(0, 1)},
                "reverse_model": {"kl_p_q": e(1, 0), "kl_q_p": e(1, 1)},
                "modes": s.modes,
                "rollbacks": [comparison.models(pair.trainer())[0].history.rollbacks,
                              comparison.models(pair.trainer())[1].history.rollbacks],
                "seconds": seconds,
                "textbook": textbook,
                "verdict": s.verdict(),
            })
        );
    }
    // Speed: each flow of the pair against the same flow trained alone.
    let start = Instant::now();
    let mut now = || start.elapsed().as_secs_f64() * 1000.0;
    let settings = lab(&hash, seeds[0], true)?.settings().clone();
    let [main, rival] = time_pair(&settings, SPEED_MS, &mut now).map_err(|e| e.to_string())?;
    let report = |[alone, in_pair]: [f64; 2]| json!({"alone": alone, "in_pair": in_pair, "ratio": in_pair / alone});
    println!(
        "{}",
        json!({"lab_trainer": report(main), "rival": report(rival)})
    );
    Ok(())
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return;
    }
    if let Err(e) = run(&argv) {
        eprintln!("arflow-compare: {e}\n{USAGE}");
        std::process::exit(2);
    }
}
