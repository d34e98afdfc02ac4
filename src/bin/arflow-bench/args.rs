//! The command line of `arflow-bench`: flags to a flow, a training configuration and a
//! step count; `--dataset digits` starts from the default digits flow instead.

use arflow::data::target::Target;
use arflow::data::DataSet;
use arflow::flow::made::Kernels;
use arflow::flow::scale::Scale;
use arflow::flow::{Direction, FlowConfig, LayerOrder, Transform};
use arflow::session::bench::WARMUP_STEPS;
use arflow::train::objective::Objective;
use arflow::train::TrainConfig;

pub const USAGE: &str =
    "usage: arflow-bench [--dataset NAME|digits | --target u1..u4] [--flow maf|iaf] \
[--layers K] [--hidden W,W,..] [--batch N] [--steps N] [--lr X] [--seed N] \
[--scale exp|tanh|softplus] [--order alternate|same|random] [--clip X] [--kernels fast|dfdx] \
[--transform affine|spline] [--bins K] [--learn-base]";

/// A run's flow, engine, training and length.
pub struct Args {
    pub flow: FlowConfig,
    pub kernels: Kernels,
    pub train: TrainConfig,
    pub steps: usize,
}

/// The flags, read; an error names the flag.
pub fn parse(argv: &[String]) -> Result<Args, String> {
    // The digits start from their default flow, which the other flags then change.
    let digits = argv
        .windows(2)
        .any(|w| w[0] == "--dataset" && w[1] == "digits");
    let (mut flow, mut train, mut steps) = if digits {
        (FlowConfig::digits(), TrainConfig::digits(), 1500)
    } else {
        (FlowConfig::default(), TrainConfig::default(), 2000)
    };
    let mut kernels = None;
    let mut scale = None;
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
            "--dataset" if value == "digits" => train.objective = Objective::Digits,
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
