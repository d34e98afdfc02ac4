//! `arflow-compare`: the compare view natively, to find and check its presets. Trains the
//! lab of a page's URL hash (with `compare=1`) for each seed and prints one JSON line per
//! seed: both models' `KL(p* || q)` and `KL(q || p*)` with standard errors, the modes each
//! covers (8gaussians), and the seconds it took; then one line with the speed of the pair
//! against the single flow of the same hash, steps per second of each, in the same run.
//!
//! `cargo run --release --bin arflow-compare -- 'data=8gaussians&compare=1&layers=2'
//! --steps 3000 --seeds 0,1,2`

use arflow::flow::Flow;
use arflow::session::lab::Lab;
use arflow::train::Trainer;
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

/// Trains for `ms` milliseconds of wall time; returns the seconds.
fn train_for(lab: &mut Lab, ms: f64) -> f64 {
    let start = Instant::now();
    let mut now = || start.elapsed().as_secs_f64() * 1000.0;
    while now() < ms {
        lab.train(40.0, &mut now);
    }
    start.elapsed().as_secs_f64()
}

fn run(argv: &[String]) -> Result<(), String> {
    let (hash, steps, seeds) = parse(argv)?;
    for &seed in &seeds {
        let mut pair = lab(&hash, seed, true)?;
        let seconds = train(&mut pair, steps);
        let duel = pair.duel().ok_or("this target cannot be compared")?;
        let s = duel.scores.ok_or("no scores")?;
        let e = |m: usize, k: usize| json!([s.kl[m][k].value, s.kl[m][k].se]);
        println!(
            "{}",
            json!({
                "seed": seed,
                "steps": s.steps,
                "forward_model": {"kl_p_q": e(0, 0), "kl_q_p": e(0, 1)},
                "reverse_model": {"kl_p_q": e(1, 0), "kl_q_p": e(1, 1)},
                "modes": s.modes,
                "rollbacks": [duel.models(pair.trainer())[0].history.rollbacks,
                              duel.models(pair.trainer())[1].history.rollbacks],
                "seconds": seconds,
            })
        );
    }
    // Speed: each flow of the pair against the same flow trained alone, 3 s each.
    let (mut single, mut pair) = (lab(&hash, seeds[0], false)?, lab(&hash, seeds[0], true)?);
    let rival = pair
        .duel()
        .ok_or("this target cannot be compared")?
        .rival
        .config();
    let flow = Flow::new(pair.settings().flow_config()).map_err(|e| e.to_string())?;
    let mut rival_alone = Trainer::new(flow, rival).map_err(|e| e.to_string())?;
    let rate = |steps: [u64; 2], seconds: f64| steps.map(|s| s as f64 / seconds);
    let before = [pair.trainer().step_count(), 0];
    let seconds = train_for(&mut pair, SPEED_MS);
    let rival_steps = pair.duel().map_or(0, |d| d.rival.step_count());
    let pair_rates = rate(
        [pair.trainer().step_count() - before[0], rival_steps],
        seconds,
    );
    let main_alone = {
        let s = train_for(&mut single, SPEED_MS);
        single.trainer().step_count() as f64 / s
    };
    let start = Instant::now();
    while start.elapsed().as_secs_f64() * 1000.0 < SPEED_MS {
        rival_alone.step();
    }
    let rival_alone = rival_alone.step_count() as f64 / start.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({
            "lab_trainer": {"alone": main_alone, "in_pair": pair_rates[0],
                            "ratio": pair_rates[0] / main_alone},
            "rival": {"alone": rival_alone, "in_pair": pair_rates[1],
                      "ratio": pair_rates[1] / rival_alone},
        })
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
