//! `arflow-bench`: train one flow natively and print one JSON line of quality and speed.
//!
//! `cargo run --release --bin arflow-bench -- --dataset moons --flow maf --layers 4
//! --hidden 64,64 --batch 256 --steps 2000 --lr 1e-3 --seed 0` (every flag optional, these
//! the defaults); `--target u1..u4` trains by reverse KL instead; `--transform spline
//! [--bins K]` trains spline layers (and times their affine twin in the same run),
//! `--learn-base` a learnable diagonal Gaussian base. `--dataset digits` trains the default
//! digits flow (`FlowConfig::digits`, 1,500 steps of batch 128) and reports the held-out
//! NLL of the images in nats and bits per dimension. `--cost-dims` first times MAF and IAF
//! at D = 2 to 64 (the page's cost chart). Bad flags: exit code 2.

mod args;

use arflow::data::digits::bits_per_dim;
use arflow::data::flatten;
use arflow::flow::{Flow, FlowConfig, Transform};
use arflow::numeric::grid::{Grid, Window};
use arflow::session::bench::{time_engine, WARMUP_STEPS};
use arflow::train::objective::{mean_finite_nll, Objective};
use arflow::train::Trainer;
use args::{parse, Args, USAGE};
use serde_json::{json, Value};
use std::time::Instant;

/// Steps timed for each kernel choice in the engine comparison.
const ENGINE_STEPS: usize = 200;
/// Steps between the points of the test curve (toy sets; the digits every 250).
const CURVE_EVERY: usize = 200;
const DIGITS_CURVE_EVERY: usize = 250;
const FRESH_TEST_POINTS: usize = 20_000;

fn clock() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

fn seconds(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return;
    }
    if argv.first().is_some_and(|a| a == "--cost-dims") {
        println!("{}", cost_by_dimension(&argv[1..]));
        return;
    }
    let args = match parse(&argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("arflow-bench: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let mut flow = Flow::new(args.flow.clone()).unwrap_or_else(|e| fail(&e.to_string()));
    flow.kernels = args.kernels;
    let mut trainer = Trainer::new(flow, args.train).unwrap_or_else(|e| fail(&e.to_string()));
    let fresh = match args.train.objective {
        Objective::ForwardKl(d) => Some(flatten(
            &d.sample_seeded(FRESH_TEST_POINTS, args.train.seed + 1_000_003),
        )),
        _ => None,
    };
    // Forward KL: the NLL on fresh points. Reverse KL: the trainer's own KL estimate, which
    // it makes every EVAL_EVERY steps (as on the page), or now between those.
    let test_metric = |t: &mut Trainer| match &fresh {
        Some(points) => mean_finite_nll(&t.flow.log_prob_points(points)),
        None => match t.history.latest {
            Some((step, v)) if step == t.step_count() => v,
            _ => t.test_metric(),
        },
    };

    let digits = args.train.objective == Objective::Digits;
    let every = if digits {
        DIGITS_CURVE_EVERY
    } else {
        CURVE_EVERY
    };
    let mut curve = Vec::new();
    let mut train_seconds = 0.0;
    for step in 1..=args.steps {
        let start = Instant::now();
        trainer.step();
        if step > WARMUP_STEPS {
            train_seconds += start.elapsed().as_secs_f64();
        }
        if step % every == 0 || step == args.steps {
            curve.push(json!([step, test_metric(&mut trainer)]));
        }
    }
    let final_value = test_metric(&mut trainer);
    let steps_per_second = (args.steps - WARMUP_STEPS) as f64 / train_seconds;
    if digits {
        println!(
            "{}",
            digits_report(&args, &trainer, curve, steps_per_second)
        );
        return;
    }

    let grid = Grid::new(Window::default(), 256, 256).expect("a valid grid");
    let mut density = None;
    let grid_seconds = seconds(|| density = Some(trainer.flow.density(&grid)));
    let density = density.expect("evaluated");
    let sample_seconds = seconds(|| drop(trainer.flow.sample(10_000)));

    // The fast kernels against dfdx's on the same initial parameters, in this same run.
    let timings = |config: &FlowConfig| -> Vec<serde_json::Value> {
        time_engine(config, args.train, ENGINE_STEPS, &mut clock)
            .unwrap_or_else(|e| fail(&e.to_string()))
            .iter()
            .map(|t| t.to_json())
            .collect()
    };
    let engine = timings(&args.flow);
    // A spline flow's affine twin (same shapes, base and seed), timed in this same run.
    let affine = (args.flow.transform == Transform::Spline).then(|| {
        let twin = FlowConfig {
            transform: Transform::Affine,
            ..args.flow.clone()
        };
        timings(&twin)
    });

    let mut out = json!({
        "config": config_json(&args),
        "steps_per_second": steps_per_second,
        "grid_256_seconds": grid_seconds,
        "sample_10k_seconds": sample_seconds,
        "grid_mass": density.mass(),
        "grid_non_finite": density.non_finite,
        // Every rollback, whether a step's loss or an evaluation's metric set it off.
        "rollbacks": trainer.history.rollbacks,
        "events": trainer
            .history
            .events
            .iter()
            .map(|e| json!([e.step, e.restored_step, e.cause]))
            .collect::<Vec<_>>(),
        "made_passes_per_density": trainer.flow.passes_per_density(),
        "made_passes_per_sample": trainer.flow.passes_per_sample(),
        "kernels": format!("{:?}", args.kernels).to_lowercase(),
        "engine": engine,
        "affine_twin_engine": affine,
    });
    match args.train.objective {
        Objective::ForwardKl(d) => {
            out["test_nll"] = json!(final_value);
            out["nll_curve"] = json!(curve);
            out["entropy"] = json!(d.entropy());
            if let Some(g) = trainer.grid_kl(&grid) {
                out["grid_kl"] = json!(g.kl);
                out["grid_kl_model_mass"] = json!(g.model_mass);
            }
        }
        _ => {
            let est = trainer.last_estimate().expect("reverse KL has estimates");
            out["kl_estimate"] = json!(final_value);
            out["kl_estimate_se"] = json!(est.loss_se);
            out["kl_curve"] = json!(curve);
            out["ess"] = json!(est.ess);
            out["samples"] = json!(est.n);
            out["non_finite_samples"] = json!(est.non_finite);
            out["log_z"] = json!(trainer.target_log_z());
            // The model's mass reaches past the box: the wall's soft region and beyond.
            let wide = Grid::new(Window::square(6.0), 480, 480).expect("a valid grid");
            let g = trainer
                .grid_kl(&wide)
                .expect("energy targets have a grid KL");
            out["grid_kl"] = json!(g.kl);
            out["grid_kl_model_mass"] = json!(g.model_mass);
        }
    }
    println!("{out}");
}

fn fail(msg: &str) -> ! {
    eprintln!("arflow-bench: {msg}");
    std::process::exit(2);
}

/// The run's settings, for its JSON line.
fn config_json(args: &Args) -> Value {
    json!({
        "objective": format!(
            "{}:{}",
            if args.train.objective.is_forward() { "forward-kl" } else { "reverse-kl" },
            args.train.objective.target_name()
        ),
        "flow": format!("{:?}", args.flow.direction).to_lowercase(),
        "layers": args.flow.layers,
        "hidden": args.flow.hidden,
        "scale": format!("{:?}", args.flow.scale).to_lowercase(),
        "transform": args.flow.transform.name(),
        "bins": args.flow.bins,
        "learn_base": args.flow.learn_base,
        "order": format!("{:?}", args.flow.order).to_lowercase(),
        "batch": args.train.batch,
        "steps": args.steps,
        "lr": args.train.lr,
        "clip": args.train.clip,
        "seed": args.train.seed,
        "threads": std::env::var("RAYON_NUM_THREADS").ok(),
    })
}

/// The digits' read-outs: the held-out NLL of the images (nats per image, with the
/// pre-processing's log-det) on the curve, at the end and at its best (the trainer
/// evaluates every 100 steps), in bits per dimension too, and the speed.
fn digits_report(
    args: &Args,
    trainer: &Trainer,
    curve: Vec<Value>,
    steps_per_second: f64,
) -> Value {
    let test = &trainer.history.test;
    let (best_step, best) = test
        .points()
        .iter()
        .copied()
        .filter(|(_, v)| v.is_finite())
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((0, f64::INFINITY));
    let last = trainer.history.latest.map_or(f64::INFINITY, |(_, v)| v);
    json!({
        "config": config_json(args),
        "steps_per_second": steps_per_second,
        "test_nll": last,
        "bits_per_dim": bits_per_dim(last),
        "best_test_nll": best,
        "best_step": best_step,
        "best_bits_per_dim": bits_per_dim(best),
        "nll_curve": curve,
        "rollbacks": trainer.history.rollbacks,
        "made_passes_per_density": trainer.flow.passes_per_density(),
        "made_passes_per_sample": trainer.flow.passes_per_sample(),
    })
}

/// MAF and IAF timed at every dimension of the page's chart (`--cost-dims`, then the flow's
/// flags): per `D` and direction, the passes and the median ms per 1,000 densities and
/// samples with their range, and the two ratios the chart is about.
fn cost_by_dimension(argv: &[String]) -> Value {
    use arflow::session::dimension_cost::{Sweep, DIMS};
    let args = parse(argv).unwrap_or_else(|e| fail(&e));
    let mut sweep = Sweep::new(&args.flow, &DIMS).unwrap_or_else(|e| fail(&e.to_string()));
    while !sweep.work(&mut clock) {}
    let rows: Vec<Value> = sweep
        .result()
        .expect("the sweep is done")
        .iter()
        .map(|r| {
            json!({
                "dim": r.dim,
                "flow": format!("{:?}", r.direction).to_lowercase(),
                "passes": r.passes,
                "density_ms": [r.density.median, r.density.low, r.density.high],
                "sample_ms": [r.sample.median, r.sample.low, r.sample.high],
                "sample_over_density": r.sample.median / r.density.median,
            })
        })
        .collect();
    json!({ "config": config_json(&args), "per_1000_points": rows })
}
