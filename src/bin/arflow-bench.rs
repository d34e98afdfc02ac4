//! `arflow-bench`: train one flow natively and print one JSON line of quality and speed.
//!
//! `cargo run --release --bin arflow-bench -- --dataset moons --flow maf --layers 4
//! --hidden 64,64 --batch 256 --steps 2000 --lr 1e-3 --seed 0` (every flag optional, these
//! the defaults); `--target u1..u4` trains by reverse KL instead; `--transform spline
//! [--bins K]` trains spline layers (and times their affine twin in the same run),
//! `--learn-base` a learnable diagonal Gaussian base. Bad flags: exit code 2.

use arflow::data::target::Target;
use arflow::data::{flatten, DataSet};
use arflow::flow::made::Kernels;
use arflow::flow::scale::Scale;
use arflow::flow::{Direction, Flow, FlowConfig, LayerOrder, Transform};
use arflow::numeric::grid::{Grid, Window};
use arflow::session::bench::{time_engine, WARMUP_STEPS};
use arflow::train::objective::{mean_finite_nll, Objective};
use arflow::train::{TrainConfig, Trainer};
use serde_json::json;
use std::time::Instant;

const USAGE: &str = "usage: arflow-bench [--dataset NAME | --target u1..u4] [--flow maf|iaf] \
[--layers K] [--hidden W,W,..] [--batch N] [--steps N] [--lr X] [--seed N] \
[--scale exp|tanh|softplus] [--order alternate|same|random] [--clip X] [--kernels fast|dfdx] \
[--transform affine|spline] [--bins K] [--learn-base]";

/// Steps timed for each kernel choice in the engine comparison.
const ENGINE_STEPS: usize = 200;
const CURVE_EVERY: usize = 200;
const FRESH_TEST_POINTS: usize = 20_000;

struct Args {
    flow: FlowConfig,
    kernels: Kernels,
    train: TrainConfig,
    steps: usize,
}

fn parse(argv: &[String]) -> Result<Args, String> {
    let mut flow = FlowConfig::default();
    let mut kernels = None;
    let mut scale = None;
    let mut train = TrainConfig::default();
    let mut steps = 2000;
    let mut order = "alternate".to_string();
    let mut it = argv.iter();
    while let Some(flag) = it.next() {
        if flag == "--learn-base" {
            flow.learn_base = true;
            continue;
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let num = |what: &str| -> Result<f64, String> {
            value
                .parse::<f64>()
                .map_err(|_| format!("{what}: '{value}' is not a number"))
        };
        let whole = |what: &str| -> Result<usize, String> {
            value
                .parse::<usize>()
                .map_err(|_| format!("{what}: '{value}' is not a whole number"))
        };
        match flag.as_str() {
            "--dataset" => {
                train.objective =
                    Objective::ForwardKl(DataSet::from_name(value).map_err(|e| e.to_string())?)
            }
            "--target" => {
                train.objective =
                    Objective::ReverseKl(Target::from_name(value).map_err(|e| e.to_string())?)
            }
            "--flow" => {
                flow.direction = match value.as_str() {
                    "maf" => Direction::Maf,
                    "iaf" => Direction::Iaf,
                    _ => return Err(format!("--flow: '{value}' is not maf or iaf")),
                }
            }
            "--scale" => {
                scale = Some(
                    Scale::ALL
                        .into_iter()
                        .find(|s| s.name() == value)
                        .ok_or_else(|| {
                            format!("--scale: '{value}' is not exp, tanh or softplus")
                        })?,
                )
            }
            "--order" => order = value.clone(),
            "--transform" => {
                flow.transform = Transform::ALL
                    .into_iter()
                    .find(|t| t.name() == value)
                    .ok_or_else(|| format!("--transform: '{value}' is not affine or spline"))?
            }
            "--bins" => flow.bins = whole("--bins")?,
            "--kernels" => {
                kernels = match value.as_str() {
                    "fast" => Some(Kernels::Fast),
                    "dfdx" => Some(Kernels::Dfdx),
                    _ => return Err(format!("--kernels: '{value}' is not fast or dfdx")),
                }
            }
            "--layers" => flow.layers = whole("--layers")?,
            "--hidden" => {
                flow.hidden = value
                    .split(',')
                    .map(|w| {
                        w.trim()
                            .parse::<usize>()
                            .map_err(|_| format!("--hidden: '{w}' is not a whole number"))
                    })
                    .collect::<Result<_, _>>()?
            }
            "--batch" => train.batch = whole("--batch")?,
            "--steps" => steps = whole("--steps")?,
            "--lr" => train.lr = num("--lr")?,
            "--clip" => train.clip = Some(num("--clip")?),
            "--seed" => train.seed = whole("--seed")? as u64,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    flow.seed = train.seed;
    // The page's rule: each flow type has its default scale.
    flow.scale = scale.unwrap_or(flow.direction.default_scale());
    flow.order = match order.as_str() {
        "alternate" => LayerOrder::Alternate,
        "same" => LayerOrder::Same,
        "random" => LayerOrder::Random(train.seed),
        _ => {
            return Err(format!(
                "--order: '{order}' is not alternate, same or random"
            ))
        }
    };
    if steps < WARMUP_STEPS + 1 {
        return Err(format!("--steps must be at least {}", WARMUP_STEPS + 1));
    }
    flow.validate().map_err(|e| e.to_string())?;
    train.validate().map_err(|e| e.to_string())?;
    Ok(Args {
        kernels: kernels.unwrap_or(Kernels::Fast),
        flow,
        train,
        steps,
    })
}

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

    let mut curve = Vec::new();
    let mut train_seconds = 0.0;
    for step in 1..=args.steps {
        let start = Instant::now();
        trainer.step();
        if step > WARMUP_STEPS {
            train_seconds += start.elapsed().as_secs_f64();
        }
        if step % CURVE_EVERY == 0 || step == args.steps {
            curve.push(json!([step, test_metric(&mut trainer)]));
        }
    }
    let final_value = test_metric(&mut trainer);

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
            .map(|t| {
                json!({
                    "kernels": format!("{:?}", t.kernels).to_lowercase(),
                    "steps_per_second": t.steps_per_second,
                    "grid_256_ms": t.grid_256_ms,
                    "sample_10k_ms": t.sample_10k_ms,
                })
            })
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
        "config": {
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
        },
        "steps_per_second": (args.steps - WARMUP_STEPS) as f64 / train_seconds,
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
