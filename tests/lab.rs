//! The playground session without a browser: settings round trips, slice-by-slice grids
//! equal the whole grid, rebuilds and errors leave a working session.

use arflow::session::lab::Lab;
use arflow::session::settings::{Change, Settings};

#[test]
fn wall_clock_speed_counts_the_time_between_training_calls() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    let mut t = 0.0;
    // Each call trains for 5 ms of a fake clock, then 15 ms pass elsewhere (drawing).
    for _ in 0..100 {
        let mut clock = || {
            t += 5.0;
            t
        };
        lab.train(5.0, &mut clock);
        t += 15.0;
    }
    // A call reads the clock three times (start, after its one step, end): 15 ms, then
    // 15 ms elsewhere: one step per 30 ms of wall time.
    let rate = lab.status().progress.steps_per_second;
    assert!((rate - 1000.0 / 30.0).abs() < 1.0, "{rate}");
}

#[test]
fn the_hash_round_trips_every_setting() {
    let mut s = Settings::default();
    for (k, v) in [
        ("data", "pinwheel"),
        ("flow", "iaf"),
        ("layers", "6"),
        ("hidden", "32,16,8"),
        ("order", "random"),
        ("scale", "tanh"),
        ("lr", "5e-4"),
        ("batch", "128"),
        ("clip", "5"),
        ("seed", "42"),
        ("overlay", "0"),
        ("layer", "3"),
        ("mdim", "7"),
        ("mhidden", "5,9"),
        ("morder", "random"),
        ("mdegrees", "random"),
        ("objective", "reverse"),
        ("target", "u4"),
    ] {
        s.set(k, v).unwrap();
        assert_eq!(s.get(k).unwrap(), v, "{k}");
    }
    let (back, notes) = Settings::from_hash(&format!("#{}", s.to_hash()));
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(back, s);
}

#[test]
fn a_bad_hash_is_corrected_with_a_note_per_field() {
    let (s, notes) = Settings::from_hash(
        "#lr=abc&layers=99&hidden=64,x&data=spiral&bogus=1&seed=7&hidden%3D=1&flow=iaf",
    );
    assert_eq!(notes.len(), 6, "{notes:?}");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("learning rate") && n.contains("using 0.003")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.contains("unknown setting 'bogus'")),
        "{notes:?}"
    );
    assert_eq!((s.lr, s.layers, s.seed), (3e-3, 4, 7));
    assert_eq!(s.get("flow").unwrap(), "iaf");
    let (s, notes) = Settings::from_hash("#hidden=32%2C32&&=&layer=9&layers=12");
    assert_eq!(s.hidden, vec![32, 32]);
    assert_eq!(s.layer, 9, "layer is checked after layers: {notes:?}");
}

#[test]
fn bad_control_values_are_refused_and_change_nothing() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    let before = lab.settings().clone();
    for (k, v) in [
        ("lr", "NaN"),
        ("lr", "-1"),
        ("lr", ""),
        ("layers", "0"),
        ("layers", "13"),
        ("hidden", "0"),
        ("hidden", "64,64,64,64,64"),
        ("batch", "0"),
        ("seed", "-3"),
        ("mdim", "9"),
        ("data", "mnist"),
    ] {
        let err = lab.set(k, v).unwrap_err().to_string();
        let label = arflow::session::fields::FIELDS
            .iter()
            .find(|f| f.name == k)
            .unwrap()
            .label;
        assert!(err.starts_with(&format!("{label}: ")), "{k}={v}: {err}");
    }
    assert_eq!(lab.settings(), &before);
    assert_eq!(lab.set("lr", "0.01").unwrap(), Change::Live);
    assert_eq!(lab.trainer().config().lr, 0.01);
    assert_eq!(lab.set("overlay", "0").unwrap(), Change::View);
    let params = lab.trainer().flow.parameters();
    assert_eq!(lab.set("layer", "2").unwrap(), Change::View);
    assert_eq!(
        lab.trainer().flow.parameters(),
        params,
        "a view change keeps the model"
    );
    assert_eq!(lab.set("flow", "iaf").unwrap(), Change::Rebuild);
    assert_eq!(lab.status().passes, (8, 4));
}

#[test]
fn the_grid_in_slices_equals_the_grid_at_once() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    let mut t = 0.0;
    let mut slices = 0;
    while !lab.grid_work(
        64,
        1.0,
        &mut || {
            t += 1.0;
            t
        },
        true,
    ) {
        slices += 1;
    }
    assert!(slices >= 2, "the work was sliced");
    let sliced = lab.density().unwrap().log_p.clone();
    assert_eq!(lab.density_now(64).log_p, sliced);
    let mass = lab.status().grid_mass.unwrap();
    assert!((mass - 1.0).abs() < 0.02, "{mass}");
}

#[test]
fn training_moves_the_samples_and_lowers_the_metric() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    assert_eq!(lab.status().progress.metric, None, "not evaluated yet");
    lab.evaluate();
    let before = (lab.samples(), lab.status().progress.metric.unwrap());
    for _ in 0..200 {
        lab.step_once();
    }
    let after = (lab.samples(), lab.status().progress.metric.unwrap());
    assert_ne!(before.0, after.0);
    assert!(after.1 < before.1 - 0.2, "{} -> {}", before.1, after.1);
    assert_eq!(lab.trace().len(), 5);
    lab.reset();
    assert_eq!(lab.status().progress.step, 0);
    assert_eq!(
        lab.samples(),
        before.0,
        "reset gives the same initialisation for the same seed"
    );
}

#[test]
fn a_divergence_is_reported_in_words() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    lab.set("scale", "exp").unwrap();
    lab.set("lr", "10").unwrap();
    for _ in 0..20 {
        lab.step_once();
    }
    let event = lab.status().progress.event.expect("a rollback");
    assert!(
        event.contains("learning rate too high?")
            && event.contains("'s parameters, the last good model"),
        "{event}"
    );
}

#[test]
fn the_explorer_and_layer_diagrams_are_autoregressive() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    lab.set("mdim", "6").unwrap();
    lab.set("mhidden", "10,10").unwrap();
    let (degrees, masks) = lab.explorer_masks().unwrap();
    let d = arflow::draw::masks::layout(&degrees, &masks);
    assert_eq!(
        d.edges.len(),
        masks
            .iter()
            .map(|m| m.allowed.iter().filter(|&&a| a).count())
            .sum::<usize>()
    );
    assert_eq!(
        d.bias_only.len(),
        2,
        "s and t of the first input see nothing"
    );
    assert!(lab.set("mhidden", "40").is_err());
    let (degrees, masks) = lab.layer_masks();
    assert_eq!(degrees[0], vec![2, 1], "layer 1 reverses the order");
    assert_eq!(
        arflow::draw::masks::layout(&degrees, &masks)
            .bias_only
            .len(),
        2
    );
}

#[test]
fn the_metric_is_shown_with_its_estimate_or_in_words() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    lab.evaluate();
    let text = lab.status().metric_text();
    assert!(
        text.parse::<f64>().is_ok(),
        "forward KL: a plain NLL, {text}"
    );
    lab.set("objective", "reverse").unwrap();
    lab.evaluate();
    let s = lab.status();
    let (n, bad) = s.progress.samples.unwrap();
    assert_eq!((n, bad), (20_000, 0));
    let text = s.metric_text();
    assert!(
        text.contains(" ± ") && text.ends_with("(20,000 samples)"),
        "{text}"
    );
    let mut p = s.clone();
    p.progress.metric = Some(1.4e22);
    assert_eq!(p.metric_text(), "diverged");
    p.progress.metric = Some(f64::INFINITY);
    p.progress.samples = Some((20_000, 3));
    assert_eq!(p.metric_text(), "∞ (3 of 20,000 samples not finite)");
}

#[test]
fn while_a_rollback_warning_is_up_the_last_good_model_is_shown() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    for _ in 0..3 {
        lab.step_once();
    }
    assert_eq!(lab.shown_parameters(), lab.trainer().flow.parameters());
    lab.set("lr", "10").unwrap();
    for _ in 0..30 {
        lab.step_once();
    }
    assert!(lab.status().progress.event.is_some(), "lr 10 rolls back");
    let shown = lab.shown_parameters();
    assert_eq!(shown, lab.trainer().checkpoint_parameters());
    // That model is a sound one: its density holds its mass.
    let mut twin = Lab::new(Settings::default()).unwrap();
    twin.absorb(&shown, Default::default()).unwrap();
    let mass = twin.density_now(96).mass();
    assert!((mass - 1.0).abs() < 0.02, "mass {mass}");
}

#[test]
fn a_paused_picture_always_belongs_to_the_parameters_shown() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    let mut clock = 0.0;
    let mut tick = || {
        clock += 1.0;
        clock
    };
    // A new flow's first picture is coarse; the full one follows.
    assert!(lab.grid_work(256, f64::INFINITY, &mut tick, true));
    assert_eq!(lab.density().unwrap().grid.nx, 64);
    assert!(!lab.grid_settled(256));
    // A job of the old parameters, half done when a step arrives (as after Pause)...
    assert!(!lab.grid_work(256, 1.0, &mut tick, true));
    lab.step_once();
    assert!(!lab.grid_settled(256));
    // ...is started again when the picture must be current, so the one shown is a fresh
    // grid of the current parameters, bit for bit.
    while !lab.grid_work(256, 1.0, &mut tick, true) {}
    assert!(lab.grid_settled(256));
    let shown = lab.density().unwrap().log_p.clone();
    assert_eq!(shown, lab.density_now(256).log_p);
    // Training, an outdated job is finished (a picture slightly behind beats none) and
    // says it is not current.
    assert!(!lab.grid_work(256, 1.0, &mut tick, false));
    lab.step_once();
    while !lab.grid_work(256, 1.0, &mut tick, false) {}
    assert!(!lab.grid_settled(256));
}

#[test]
fn a_burst_of_changes_builds_one_flow_the_same_as_one_change_at_a_time() {
    let changes = [
        ("layers", "2"),
        ("hidden", "16"),
        ("seed", "5"),
        ("lr", "0.01"),
    ];
    let mut burst = Lab::new(Settings::default()).unwrap();
    for (k, v) in changes {
        burst.set_later(k, v).unwrap();
    }
    assert!(burst.set_later("layers", "99").is_err(), "still validated");
    assert_eq!(burst.trainer().flow.layers.len(), 4, "not built yet");
    assert!(burst.apply());
    assert!(!burst.apply(), "once");
    let mut one = Lab::new(Settings::default()).unwrap();
    for (k, v) in changes {
        one.set(k, v).unwrap();
    }
    assert_eq!(burst.settings(), one.settings());
    assert_eq!(
        burst.trainer().flow.parameters(),
        one.trainer().flow.parameters()
    );
    assert_eq!(burst.trainer().config().lr, 0.01);
}

#[test]
fn a_lab_carries_on_from_what_a_stopped_worker_sent() {
    let mut worker = Lab::new(Settings::default()).unwrap();
    let mut page = Lab::new(Settings::default()).unwrap();
    for _ in 0..150 {
        worker.step_once();
    }
    page.absorb(&worker.shown_parameters(), worker.take_update())
        .unwrap();
    let series = |l: &Lab| {
        (
            l.trainer().history.loss.clone(),
            l.trainer().history.test.clone(),
        )
    };
    assert_eq!(series(&page), series(&worker));
    // The worker stops; the page (or a new worker given the whole history) carries on.
    let mut next = Lab::new(Settings::default()).unwrap();
    next.absorb(&page.shown_parameters(), page.whole_update())
        .unwrap();
    next.resume();
    assert_eq!(series(&next), series(&worker));
    assert_eq!(
        next.trainer().checkpoint_parameters(),
        &worker.trainer().flow.parameters()[..]
    );
    next.step_once();
    assert_eq!(next.trainer().step_count(), 151);
    assert_eq!(
        next.take_update().loss.len(),
        1,
        "only the new point travels"
    );
}

#[test]
fn a_link_to_a_large_flow_is_built_a_layer_at_a_time_into_the_same_flow() {
    let hash = "#layers=6&hidden=128,128&seed=9&flow=iaf";
    let mut staged = Lab::new(Settings::default()).unwrap();
    assert!(staged.load(hash).is_empty());
    assert!(staged.rebuilding());
    let mut clock = 0.0;
    let mut calls = 1;
    // Each call may add one layer before its (fake) budget is spent.
    while !staged.apply_within(0.5, &mut || {
        clock += 1.0;
        clock
    }) {
        calls += 1;
        assert_eq!(
            staged.trainer().flow.layers.len(),
            4,
            "the old flow until done"
        );
    }
    assert_eq!(calls, 6);
    assert!(!staged.rebuilding());
    let (whole, _) = Lab::from_hash(hash);
    assert_eq!(staged.settings(), whole.settings());
    assert_eq!(
        staged.trainer().flow.parameters(),
        whole.trainer().flow.parameters()
    );
    // A change while building starts the build again, with the new settings.
    staged.set_later("layers", "3").unwrap();
    let mut t = 0.0;
    let mut tick = || {
        t += 1.0;
        t
    };
    assert!(!staged.apply_within(0.5, &mut tick), "one layer of three");
    staged.set_later("seed", "2").unwrap();
    assert!(staged.apply());
    let (again, _) = Lab::from_hash("#layers=3&hidden=128,128&seed=2&flow=iaf");
    assert_eq!(
        staged.trainer().flow.parameters(),
        again.trainer().flow.parameters()
    );
}

#[test]
fn the_longest_work_between_two_worker_messages_is_counted_in_multiply_adds() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    let per_point = |lab: &Lab| {
        let flow = &lab.trainer().flow;
        (flow.parameters().len() / flow.layers.len()) as f64
    };
    // Forward KL, MAF: the test NLL of 2,000 points, 4 passes each, beats a 256-point step.
    let s = lab.status();
    assert_eq!(s.work_macs, 2000.0 * 4.0 * per_point(&lab));
    // Reverse KL: 20,000 samples (8 passes each for MAF) and their density (4).
    lab.set("objective", "reverse").unwrap();
    assert_eq!(lab.status().work_macs, 20_000.0 * 12.0 * per_point(&lab));
    // A batch large enough makes the step the longest: 3 x 4,096 x 4 passes (forward KL).
    lab.set("objective", "forward").unwrap();
    lab.set("batch", "4096").unwrap();
    assert_eq!(lab.status().work_macs, 3.0 * 4096.0 * 4.0 * per_point(&lab));
}

#[test]
fn the_largest_flow_gets_a_coarser_picture_and_a_finer_one_counts() {
    let (mut lab, _) = Lab::from_hash("#layers=12&hidden=256,256,256,256");
    // 2.39 M multiply-adds a point: 256 x 256 would be 157 G, 128 x 128 is 39 G.
    assert_eq!(lab.picture_res(256), 128);
    assert_eq!(Lab::new(Settings::default()).unwrap().picture_res(256), 256);
    // The GPU's 256 x 256 grid of the current parameters is settled; new ones are not.
    let version = lab.version();
    lab.take_density(256, vec![0.0; 256 * 256], version)
        .unwrap();
    assert!(lab.grid_settled(256));
    // The worker's message with the same parameters (its evaluation of the flow the page
    // built too) keeps the picture; one parameter changed by a bit does not.
    let mut params = lab.trainer().flow.parameters();
    lab.absorb(&params, Default::default()).unwrap();
    assert!(lab.grid_settled(256));
    assert_eq!(lab.version(), version);
    params[7] = f32::from_bits(params[7].to_bits() ^ 1);
    lab.absorb(&params, Default::default()).unwrap();
    assert!(!lab.grid_settled(256));
}
