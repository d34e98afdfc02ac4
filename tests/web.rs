//! In the browser (`wasm-pack test --headless --chrome`): the App trains, every canvas gets
//! a real picture, and the heatmap's pixels are the core's density grid for the same seed.

use arflow::draw::heatmap;
use arflow::numeric::grid::{Density, Grid, Window};
use arflow::session::settings::Settings;
use arflow::train::Trainer;
use arflow::web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

const CANVASES: [(&str, u32, u32); 14] = [
    ("heatmap", 420, 420),
    ("samples-model", 300, 300),
    ("samples-data", 300, 300),
    ("loss", 420, 240),
    ("masks", 420, 320),
    ("explorer", 420, 300),
    ("composition", 960, 210),
    ("latent", 960, 330),
    ("conditional", 960, 260),
    ("transform-map", 420, 340),
    ("compare-maps", 960, 440),
    ("compare-chart", 960, 250),
    ("sequence", 960, 270),
    ("jacobian", 960, 250),
];

fn canvas(id: &str) -> HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    if let Some(el) = doc.get_element_by_id(id) {
        return el.dyn_into().unwrap();
    }
    let (_, w, h) = CANVASES.iter().find(|c| c.0 == id).unwrap();
    let c: HtmlCanvasElement = doc.create_element("canvas").unwrap().dyn_into().unwrap();
    c.set_id(id);
    c.set_width(*w);
    c.set_height(*h);
    doc.body().unwrap().append_child(&c).unwrap();
    c
}

fn pixels(id: &str) -> Vec<u8> {
    let c = canvas(id);
    let ctx: CanvasRenderingContext2d = c.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    ctx.get_image_data(0, 0, c.width() as i32, c.height() as i32)
        .unwrap()
        .data()
        .0
}

fn distinct_colours(rgba: &[u8]) -> usize {
    let mut seen: Vec<[u8; 4]> = rgba.chunks(4).map(|p| [p[0], p[1], p[2], p[3]]).collect();
    seen.sort();
    seen.dedup();
    seen.len()
}

fn test_nll(app: &App) -> f64 {
    let s: serde_json::Value = serde_json::from_str(&app.read("status").unwrap()).unwrap();
    s["metric"].as_f64().unwrap()
}

#[wasm_bindgen_test]
fn the_app_trains_in_the_browser() {
    let mut app = App::new("#data=8gaussians&seed=1");
    app.evaluate();
    let before = test_nll(&app);
    for _ in 0..300 {
        app.step();
    }
    let after = test_nll(&app);
    assert!(after < before - 0.3, "test NLL {before} -> {after}");
}

#[wasm_bindgen_test]
fn every_canvas_gets_a_non_blank_non_uniform_picture() {
    for (id, _, _) in CANVASES {
        canvas(id);
    }
    for hash in [
        "#data=moons",
        "#objective=reverse&target=u3&flow=iaf",
        "#data=rings&transform=spline&learnbase=1",
    ] {
        let mut app = App::new(hash);
        for _ in 0..30 {
            app.step();
        }
        app.density_now(64);
        app.render("heatmap").unwrap();
        app.render("samples").unwrap();
        app.render("loss").unwrap();
        app.render("masks").unwrap();
        app.render("explorer").unwrap();
        app.set_probe(0.5, -0.25);
        app.render("composition").unwrap();
        let summary: serde_json::Value =
            serde_json::from_str(&app.render("latent").unwrap()).unwrap();
        assert!(summary["ks_max"].as_f64().unwrap() >= 0.0, "{summary}");
        app.render("slice").unwrap();
        let map: serde_json::Value =
            serde_json::from_str(&app.render("transform").unwrap()).unwrap();
        assert!(map["log_slope"].as_f64().unwrap().is_finite(), "{map}");
        assert_eq!(
            app.render("compare").unwrap(),
            "",
            "no compare view unless asked"
        );
        let two_d = ["sequence", "jacobian"];
        for (id, _, _) in CANVASES
            .iter()
            .filter(|c| !c.0.starts_with("compare") && !two_d.contains(&c.0))
        {
            let n = distinct_colours(&pixels(id));
            assert!(n > 20, "{hash}: #{id} has only {n} colours");
        }
    }
}

/// The digits' panels: model and data images, loss, latent, masks, the sequential view and
/// the Jacobians each get a real picture, and the probe's numbers add up.
#[wasm_bindgen_test]
fn every_digits_canvas_gets_a_picture() {
    for (id, _, _) in CANVASES {
        canvas(id);
    }
    for hash in [
        "#space=digits&layers=2&hidden=64",
        "#space=digits&layers=2&hidden=64&flow=iaf",
    ] {
        let mut app = App::new(hash);
        for _ in 0..5 {
            app.step();
        }
        while !app.grid_work(128, f64::INFINITY, false) {}
        for view in ["samples", "loss", "masks", "latent"] {
            app.render(view).unwrap();
        }
        let passes = app.sequence_start();
        assert_eq!(passes.iter().max(), Some(&128), "{hash}: {passes:?}");
        app.sequence_show(40).unwrap();
        let j: serde_json::Value = serde_json::from_str(&app.render("jacobian").unwrap()).unwrap();
        let sum: f64 = j["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["log_det"].as_f64().unwrap())
            .sum();
        assert!((sum - j["log_det"].as_f64().unwrap()).abs() < 1e-9, "{j}");
        for id in [
            "samples-model",
            "samples-data",
            "loss",
            "masks",
            "latent",
            "sequence",
            "jacobian",
        ] {
            let n = distinct_colours(&pixels(id));
            assert!(n > 20, "{hash}: #{id} has only {n} colours");
        }
    }
}

/// The compare view draws both maps and the chart, and its table has both models on both
/// divergences (the worker's scores arrive the same way, through the lab's update).
#[wasm_bindgen_test]
fn the_compare_view_draws_both_models_and_scores_them() {
    for id in ["compare-maps", "compare-chart"] {
        canvas(id);
    }
    for hash in [
        "#data=8gaussians&compare=1&layers=2&hidden=8,8",
        "#objective=reverse&target=u1&compare=1&layers=2&hidden=16,16",
    ] {
        let mut app = App::new(hash);
        for _ in 0..30 {
            app.step();
        }
        let table: serde_json::Value =
            serde_json::from_str(&app.render("compare").unwrap()).unwrap();
        let models = table["models"].as_array().unwrap();
        assert_eq!(models.len(), 2, "{table}");
        for m in models {
            assert_eq!(m["steps"], 30, "{m}");
            for k in ["kl_pq", "kl_qp"] {
                assert!(
                    m[k]["value"].as_f64().is_some() && m[k]["se"].as_f64().unwrap() > 0.0,
                    "{m}"
                );
            }
        }
        assert_eq!(models[0]["modes"].is_null(), hash.contains("u1"), "{table}");
        for id in ["compare-maps", "compare-chart"] {
            let n = distinct_colours(&pixels(id));
            assert!(n > 20, "{hash}: #{id} has only {n} colours");
        }
    }
}

#[wasm_bindgen_test]
fn heatmap_pixels_are_the_core_density_grid_for_the_same_seed() {
    let hash = "#data=checkerboard&seed=5&layers=3&hidden=32,32";
    let mut app = App::new(hash);
    for _ in 0..50 {
        app.step();
    }
    app.density_now(64);
    // The same settings and seed, trained the same way by the core directly.
    let (settings, _) = Settings::from_hash(hash);
    let mut trainer = Trainer::new(
        arflow::flow::Flow::new(settings.flow_config()).unwrap(),
        settings.train_config(),
    )
    .unwrap();
    for _ in 0..50 {
        trainer.step();
    }
    let grid = Grid::new(Window::default(), 64, 64).unwrap();
    let expected = heatmap::rgba(&Density::new(
        grid,
        trainer.flow.log_prob_points(&grid.points()),
    ));
    assert_eq!(app.heatmap_rgba(), expected);

    // And the canvas shows those bytes where the plot is (smoothing blends neighbours a little).
    canvas("heatmap");
    app.render("heatmap").unwrap();
    let rect = app.heatmap_rect();
    let (x0, x1, y0, y1) = (
        rect[0] as f64,
        rect[1] as f64,
        rect[2] as f64,
        rect[3] as f64,
    );
    let shown = pixels("heatmap");
    let width = canvas("heatmap").width() as usize;
    let mut close = 0;
    let cells = [
        (5, 5),
        (20, 40),
        (32, 32),
        (50, 12),
        (60, 60),
        (12, 52),
        (40, 20),
        (33, 8),
    ];
    for (i, j) in cells {
        let px = (x0 + (i as f64 + 0.5) / 64.0 * (x1 - x0)) as usize;
        let py = (y0 + (j as f64 + 0.5) / 64.0 * (y1 - y0)) as usize;
        let at = (py * width + px) * 4;
        let want = &expected[(j * 64 + i) * 4..(j * 64 + i) * 4 + 3];
        let diff = (0..3)
            .map(|c| (shown[at + c] as i32 - want[c] as i32).abs())
            .max()
            .unwrap();
        close += (diff <= 24) as usize;
    }
    assert!(
        close >= 6,
        "only {close} of {} cells match the grid",
        cells.len()
    );
}

#[wasm_bindgen_test]
fn a_bad_setting_is_an_error_message_and_the_app_keeps_working() {
    let mut app = App::new("#lr=oops&layers=3");
    assert!(app.notes().contains("learning rate"), "{}", app.notes());
    assert_eq!(app.get("layers"), "3");
    assert!(app.set("lr", "NaN").is_err());
    assert!(app.set("hidden", "0").is_err());
    assert_eq!(app.set("lr", "0.01").unwrap(), "live");
    app.step();
    assert!(test_nll(&app).is_finite());
}

/// What the page does with a worker's message: absorb only what is new.
fn sync(page: &mut App, worker: &mut App) {
    page.absorb(worker.parameters(), worker.take_progress(), worker.event())
        .unwrap();
}

#[wasm_bindgen_test]
fn a_page_app_that_absorbs_a_worker_app_shows_the_same_model() {
    let hash = "#data=pinwheel&seed=2";
    let mut worker = App::new(hash);
    let mut page = App::new(hash);
    for _ in 0..40 {
        worker.step();
    }
    sync(&mut page, &mut worker);
    assert_eq!(page.parameters(), worker.parameters());
    assert_eq!(page.history_len(), worker.history_len());
    assert_eq!(page.density_now(32), worker.density_now(32));
    let (p, w): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&page.read("status").unwrap()).unwrap(),
        serde_json::from_str(&worker.read("status").unwrap()).unwrap(),
    );
    assert_eq!(p["step"], w["step"]);
    assert_eq!(p["metric"], w["metric"]);
    // Only the entries made since the last message travel.
    for _ in 0..10 {
        worker.step();
    }
    sync(&mut page, &mut worker);
    assert_eq!(page.history_len(), worker.history_len());
    assert!(
        page.absorb(vec![1.0; 3], vec![0.0; 6], String::new())
            .is_err(),
        "wrong parameter count"
    );
}

#[wasm_bindgen_test]
fn the_fast_engines_densities_match_dfdx_in_the_browser() {
    use arflow::flow::made::Kernels;
    use arflow::flow::Transform;
    use arflow::flow::{Direction, Flow, FlowConfig};
    for (direction, transform) in [
        (Direction::Maf, Transform::Affine),
        (Direction::Iaf, Transform::Affine),
        (Direction::Maf, Transform::Spline),
        (Direction::Iaf, Transform::Spline),
    ] {
        let config = FlowConfig {
            direction,
            transform,
            learn_base: transform == Transform::Spline,
            seed: 4,
            ..FlowConfig::default()
        };
        let x = crate::common::points(256, 2, 3.0, 9);
        let mut f = Flow::new(config).unwrap();
        f.kernels = Kernels::Dfdx;
        let reference = f.log_prob_points(&x);
        f.kernels = Kernels::Fast;
        let fast = f.log_prob_points(&x);
        assert!(
            crate::common::max_abs_diff(&fast, &reference) < 1e-4,
            "{direction:?}: densities differ"
        );
    }
}

#[wasm_bindgen_test]
fn the_fused_training_step_matches_dfdx_in_the_browser() {
    use arflow::data::target::Target;
    use arflow::data::DataSet;
    use arflow::flow::scale::Scale;
    use arflow::flow::{Direction, Flow, FlowConfig, Transform};
    use arflow::train::objective::Objective;
    for (direction, transform, scale) in [
        (Direction::Maf, Transform::Affine, Scale::Softplus),
        (Direction::Iaf, Transform::Affine, Scale::Tanh),
        (Direction::Maf, Transform::Affine, Scale::Exp),
        (Direction::Iaf, Transform::Spline, Scale::Softplus),
    ] {
        let mut f = Flow::new(FlowConfig {
            direction,
            transform,
            scale,
            learn_base: transform == Transform::Spline,
            seed: 4,
            ..FlowConfig::default()
        })
        .unwrap();
        crate::common::scramble(&mut f, 3.0);
        let name = format!("{direction:?} {transform:?} {scale:?}");
        let x = crate::common::points(256, 2, 3.0, 9);
        crate::common::check_fused(&name, &f, Objective::ForwardKl(DataSet::Moons), &x, 64);
        let z = crate::common::points(256, 2, 2.0, 5);
        crate::common::check_fused(&name, &f, Objective::ReverseKl(Target::U1), &z, 64);
    }
}

#[wasm_bindgen_test]
fn the_probe_and_the_costs_report_finite_numbers_in_the_browser() {
    let mut app = App::new("#flow=iaf");
    for _ in 0..20 {
        app.step();
    }
    assert_eq!(app.read("probe").unwrap(), "null", "nothing probed yet");
    app.density_now(64);
    let grid = Grid::new(Window::default(), 64, 64).unwrap();
    app.set_probe(grid.x(20), grid.y(30));
    let p: serde_json::Value = serde_json::from_str(&app.read("probe").unwrap()).unwrap();
    // At a cell centre the probe's sum is the map's value (the fast kernels here).
    let (log_p, map) = (
        p["log_p"].as_f64().unwrap(),
        p["map"]["value"].as_f64().unwrap(),
    );
    assert!(
        (log_p - map).abs() <= 1e-5 * map.abs().max(1.0),
        "{log_p} vs {map}"
    );
    let steps = p["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 4);
    for s in steps {
        assert_eq!(
            s["passes"].as_array().unwrap().len(),
            2,
            "IAF's density is a 2-pass solve"
        );
        let j = s["jacobian"].as_array().unwrap();
        let [i, k] = [0, 1].map(|n| s["zeros"][0][n].as_u64().unwrap() as usize);
        assert_eq!(j[2 * i + k].as_f64(), Some(0.0), "the forced zero");
        assert!(j.iter().all(|v| v.as_f64().unwrap().is_finite()));
    }
    // The worker measures the costs a piece at a time: more than one piece, each done.
    assert_eq!(app.costs_result(), "null", "nothing measured yet");
    app.costs_start();
    let mut pieces = 1;
    while !app.costs_work().unwrap() {
        pieces += 1;
    }
    assert!(pieces > 4, "{pieces} pieces");
    let c: serde_json::Value = serde_json::from_str(&app.costs_result()).unwrap();
    assert_eq!(
        (c[0]["flow"].as_str(), c[1]["flow"].as_str()),
        (Some("IAF"), Some("MAF"))
    );
    assert!(c[0]["steps_per_second"].as_f64().unwrap() > 0.0);
}
