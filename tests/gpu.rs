//! In the browser with WebGPU (`wasm-pack test --headless --chrome`, with
//! `--enable-unsafe-webgpu` from webdriver.json: SwiftShader gives a real adapter without a
//! GPU): the shader's density grid and samples equal the CPU's for trained MAF and IAF
//! flows of several shapes and every scale parameterisation.

use arflow::data::DataSet;
use arflow::flow::scale::Scale;
use arflow::flow::{Direction, Flow, FlowConfig, LayerOrder};
use arflow::gpu::device::Device;
use arflow::gpu::layout::{pack, Job, Mode};
use arflow::numeric::grid::{Grid, Window};
use arflow::train::objective::Objective;
use arflow::train::{TrainConfig, Trainer};
use wasm_bindgen_test::*;

/// Where the comparison of log-densities applies: log p > -20 (below that a cell carries
/// no visible colour and f32 round-off dominates).
const FLOOR: f32 = -20.0;

struct Case {
    direction: Direction,
    layers: usize,
    hidden: &'static [usize],
    scale: Scale,
    order: LayerOrder,
    data: DataSet,
    steps: usize,
}

const CASES: [Case; 6] = [
    Case {
        direction: Direction::Maf,
        layers: 1,
        hidden: &[16],
        scale: Scale::Softplus,
        order: LayerOrder::Alternate,
        data: DataSet::Moons,
        steps: 150,
    },
    Case {
        direction: Direction::Iaf,
        layers: 1,
        hidden: &[16, 16],
        scale: Scale::Exp,
        order: LayerOrder::Same,
        data: DataSet::EightGaussians,
        steps: 150,
    },
    Case {
        direction: Direction::Maf,
        layers: 4,
        hidden: &[64, 64],
        scale: Scale::Tanh,
        order: LayerOrder::Alternate,
        data: DataSet::Checkerboard,
        steps: 150,
    },
    Case {
        direction: Direction::Iaf,
        layers: 4,
        hidden: &[32, 48],
        scale: Scale::Softplus,
        order: LayerOrder::Random(3),
        data: DataSet::Moons,
        steps: 100,
    },
    Case {
        direction: Direction::Maf,
        layers: 8,
        hidden: &[128],
        scale: Scale::Exp,
        order: LayerOrder::Alternate,
        data: DataSet::EightGaussians,
        steps: 60,
    },
    Case {
        direction: Direction::Iaf,
        layers: 8,
        hidden: &[128, 128],
        scale: Scale::Softplus,
        order: LayerOrder::Alternate,
        data: DataSet::Moons,
        steps: 40,
    },
];

fn trained(case: &Case) -> Flow {
    let flow = Flow::new(FlowConfig {
        layers: case.layers,
        hidden: case.hidden.to_vec(),
        direction: case.direction,
        scale: case.scale,
        order: case.order,
        seed: 5,
        ..FlowConfig::default()
    })
    .unwrap();
    let mut t = Trainer::new(
        flow,
        TrainConfig {
            objective: Objective::ForwardKl(case.data),
            // Gentle enough that the exp-scale flows stay flows: at 3e-3 the K = 8 one
            // reached samples of 1e27 (and log q of 1e29) within 60 steps in some runs.
            lr: 1e-3,
            ..TrainConfig::default()
        },
    )
    .unwrap();
    for _ in 0..case.steps {
        t.step();
    }
    t.flow
}

async fn device() -> Device {
    Device::connect()
        .await
        .expect("no error while connecting")
        .expect("a WebGPU adapter (Chromium needs --enable-unsafe-webgpu, see webdriver.json)")
}

#[wasm_bindgen_test]
async fn the_gpu_density_grid_equals_the_cpu_grid_for_trained_flows() {
    let gpu = device().await;
    let grid = Grid::new(Window::default(), 48, 48).unwrap();
    for case in &CASES {
        let flow = trained(case);
        let name = format!(
            "{:?} K={} {:?} {:?}",
            case.direction, case.layers, case.hidden, case.scale
        );
        let cpu = flow.density(&grid).log_p;
        let out = gpu.run(&pack(&flow), Job::grid(&grid), &[]).await.unwrap();
        assert_eq!(out.len(), cpu.len(), "{name}");
        let (mut compared, mut worst) = (0, 0f32);
        for (i, (g, c)) in out.iter().zip(&cpu).enumerate() {
            if *c > FLOOR {
                assert!(
                    (g - c).abs() <= 1e-3,
                    "{name}: cell {i}: GPU {g} vs CPU {c}"
                );
                compared += 1;
                worst = worst.max((g - c).abs());
            }
        }
        console_log!("{name}: grid max |GPU - CPU| {worst:.2e} over {compared} cells");
        // Most of the window holds density for these data sets: the test compares.
        assert!(
            compared > cpu.len() / 4,
            "{name}: only {compared} cells above {FLOOR}"
        );
        // The same flow at arbitrary points (the point mode).
        let x = crate::common::points(300, 2, 4.0, 8);
        let cpu = flow.log_prob_points(&x);
        let job = Job::points(Mode::LogProb, 300);
        let out = gpu.run(&pack(&flow), job, &x).await.unwrap();
        for (g, c) in out.iter().zip(&cpu).filter(|(_, c)| **c > FLOOR) {
            assert!((g - c).abs() <= 1e-3, "{name}: point: GPU {g} vs CPU {c}");
        }
    }
}

#[wasm_bindgen_test]
async fn gpu_samples_from_the_same_draws_equal_cpu_samples() {
    let gpu = device().await;
    for case in &CASES {
        let flow = trained(case);
        let name = format!(
            "{:?} K={} {:?} {:?}",
            case.direction, case.layers, case.hidden, case.scale
        );
        let n = 1000;
        let z = flow.draw_latent(n).as_vec();
        let (x, log_q) = flow.to_data_points(&z);
        let out = gpu
            .run(&pack(&flow), Job::points(Mode::Push, n), &z)
            .await
            .unwrap();
        assert_eq!(out.len(), 3 * n, "{name}");
        let (gx, gq) = out.split_at(2 * n);
        console_log!(
            "{name}: samples max |GPU - CPU| {:.2e}",
            crate::common::max_abs_diff(gx, &x)
        );
        for (i, (g, c)) in gx.iter().zip(&x).enumerate() {
            assert!(
                (g - c).abs() <= 1e-4 * c.abs().max(1.0),
                "{name}: sample coordinate {i}: GPU {g} vs CPU {c}"
            );
        }
        for (g, c) in gq.iter().zip(&log_q).filter(|(_, c)| **c > FLOOR) {
            assert!((g - c).abs() <= 1e-3, "{name}: log q: GPU {g} vs CPU {c}");
        }
    }
}

#[wasm_bindgen_test]
async fn a_gpu_job_runs_again_after_the_flow_changes_shape() {
    // Pipelines and buffers are rebuilt for a wider flow and reused for a narrower one.
    let gpu = device().await;
    let grid = Grid::new(Window::default(), 16, 16).unwrap();
    for case in [&CASES[4], &CASES[0], &CASES[4]] {
        let flow = trained(&Case { steps: 5, ..*case });
        let out = gpu.run(&pack(&flow), Job::grid(&grid), &[]).await.unwrap();
        let cpu = flow.density(&grid).log_p;
        assert!(crate::common::max_abs_diff(&out, &cpu) <= 1e-3);
    }
}

#[wasm_bindgen_test]
async fn flows_built_to_overflow_give_zero_density_on_the_gpu_where_the_cpu_does() {
    use arflow::numeric::grid::Density;
    let gpu = device().await;
    let grid = Grid::new(Window::default(), 48, 48).unwrap();
    // Exp scales past f32's range in part of the window; tanh arguments far past +-88.7.
    for (direction, scale, gain) in [
        (Direction::Maf, Scale::Exp, 60.0),
        (Direction::Iaf, Scale::Exp, 60.0),
        (Direction::Maf, Scale::Tanh, 3000.0),
        (Direction::Iaf, Scale::Tanh, 3000.0),
    ] {
        let mut flow = crate::common::flow(direction, scale, 2, &[16], 7);
        crate::common::scramble(&mut flow, gain);
        let name = format!("{direction:?} {scale:?} x{gain}");
        let cpu = flow.density(&grid);
        let out = gpu.run(&pack(&flow), Job::grid(&grid), &[]).await.unwrap();
        let on_gpu = Density::new(grid, out);
        let zero = |d: &Density| d.non_finite + d.neg_infinite;
        console_log!(
            "{name}: zero-density cells CPU {} (NaN/+inf {}, -inf {}), GPU {}",
            zero(&cpu),
            cpu.non_finite,
            cpu.neg_infinite,
            zero(&on_gpu)
        );
        for (i, (g, c)) in on_gpu.log_p.iter().zip(&cpu.log_p).enumerate() {
            assert_eq!(
                g.is_finite(),
                c.is_finite(),
                "{name}: cell {i}: GPU {g} vs CPU {c}"
            );
            if *c > FLOOR {
                assert!(
                    (g - c).abs() <= 1e-3,
                    "{name}: cell {i}: GPU {g} vs CPU {c}"
                );
            }
        }
        if scale == Scale::Exp {
            let cells = grid.nx * grid.ny;
            assert!(
                zero(&cpu) > 0 && zero(&cpu) < cells,
                "{name}: overflows in part of the window"
            );
        } else {
            assert_eq!(zero(&cpu), 0, "{name}: a tanh scale never overflows");
        }
    }
}
