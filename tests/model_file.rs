//! Model files and undo: export then import gives the same parameters, grid and next
//! training steps bit for bit; damaged, truncated, newer and mismatched files are refused
//! with a message and change nothing; undo brings back the exact parameters and history
//! a change threw away.

use arflow::data::points::Stamp;
use arflow::session::lab::Lab;
use arflow::session::model_read::OpenedModel;
use arflow::session::settings::Settings;

fn trained(hash: &str, steps: usize) -> Lab {
    let mut lab = Lab::from_hash(hash).0;
    for _ in 0..steps {
        lab.step_once();
    }
    lab
}

/// What a refused import must leave as it was.
fn fingerprint(lab: &Lab) -> (String, Vec<f32>, u64, Vec<(u64, f64)>) {
    let h = &lab.trainer().history;
    (
        lab.settings().to_hash(),
        lab.trainer().flow.parameters(),
        lab.status().progress.step,
        h.loss.points().to_vec(),
    )
}

#[test]
fn an_imported_model_has_the_same_grid_and_takes_the_same_next_steps() {
    for hash in [
        "layers=2&hidden=16,16&data=8gaussians",
        "flow=iaf&layers=2&hidden=8&transform=spline&bins=4&learnbase=1",
        "objective=reverse&target=u2&layers=2&hidden=8,8",
    ] {
        let mut a = trained(hash, 120);
        let text = a.model_json(true, true);
        let mut b = Lab::new(Settings::default()).unwrap();
        b.import_model(&text).unwrap();
        assert_eq!(b.settings(), a.settings(), "{hash}");
        assert_eq!(b.trainer().flow.parameters(), a.trainer().flow.parameters());
        assert_eq!(b.density_now(64).log_p, a.density_now(64).log_p, "{hash}");
        assert_eq!(
            b.trainer().history.loss.points(),
            a.trainer().history.loss.points()
        );
        assert_eq!(
            b.trainer().history.test.points(),
            a.trainer().history.test.points()
        );
        assert_eq!(b.status().progress.step, 120);
        for _ in 0..30 {
            a.step_once();
            b.step_once();
        }
        assert_eq!(
            b.trainer().flow.parameters(),
            a.trainer().flow.parameters(),
            "{hash}"
        );
        assert_eq!(
            b.trainer().history.loss.points(),
            a.trainer().history.loss.points()
        );
        // Without Adam's state the parameters still arrive exactly; the steps differ.
        let mut c = Lab::new(Settings::default()).unwrap();
        c.import_model(&a.model_json(false, false)).unwrap();
        assert_eq!(c.trainer().flow.parameters(), a.trainer().flow.parameters());
        assert!(c.trainer().history.loss.is_empty());
    }
}

#[test]
fn a_model_of_drawn_points_carries_them() {
    let mut a = Lab::new(Settings::default()).unwrap();
    a.stamp(Stamp::Ring, [0.0; 2], [0.5, 0.0], 0.3).unwrap();
    a.set("data", "drawn").unwrap();
    for _ in 0..20 {
        a.step_once();
    }
    let mut b = Lab::new(Settings::default()).unwrap();
    b.import_model(&a.model_json(true, true)).unwrap();
    assert_eq!(b.drawn_flat(), a.drawn_flat());
    assert_eq!(b.settings().get("data").unwrap(), "drawn");
    a.step_once();
    b.step_once();
    assert_eq!(b.trainer().flow.parameters(), a.trainer().flow.parameters());
}

#[test]
fn the_compare_view_travels_with_its_rival() {
    let a = trained("compare=1&data=8gaussians&layers=2&hidden=8,8", 40);
    let mut b = Lab::new(Settings::default()).unwrap();
    b.import_model(&a.model_json(true, true)).unwrap();
    let rival = |l: &Lab| l.comparison().unwrap().rival.flow.parameters();
    assert_eq!(rival(&b), rival(&a));
}

#[test]
fn bad_files_are_refused_and_change_nothing() {
    let source = trained("layers=2&hidden=8,8", 10);
    let good = source.model_json(true, true);
    let mut lab = trained("data=rings&layers=1&hidden=4", 5);
    let before = fingerprint(&lab);
    let refuse = |lab: &mut Lab, text: &str, want: &str| {
        let err = lab.import_model(text).unwrap_err().to_string();
        assert!(err.contains(want), "{want} not in {err}");
        assert!(err.starts_with("model file: "), "{err}");
    };
    // Truncated anywhere.
    for cut in (0..good.len() - 1).step_by(97) {
        let err = lab.import_model(&good[..cut]).unwrap_err().to_string();
        assert!(err.contains("model file"), "{err}");
    }
    refuse(&mut lab, "", "not a model file");
    refuse(&mut lab, "\u{0}\u{1}binary", "not a model file");
    refuse(
        &mut lab,
        "{\"format\": \"something\"}",
        "not an arflow model",
    );
    // (what the good file's text becomes, what the message must say)
    let edits = [
        (
            ("\"version\":1", "\"version\":2"),
            "made by a newer arflow (schema 2",
        ),
        (("\"version\":1", "\"version\":\"one\""), "schema version"),
        (("hidden=8,8", "hidden=8,9"), "do not fit"),
        (("layers=2", "layers=99"), "do not read here"),
        (
            ("\"parameters\":[", "\"parameters\":[1e39,"),
            "not a finite 32-bit number",
        ),
        (("\"parameters\":[", "\"parameters\":[\"x\","), "entry 1"),
        (("\"m\":[", "\"m\":[0.5,"), "optimiser state"),
        (("\"step\":10", "\"step\":-1"), "step"),
        // Absurd numbers (issue 30, item 5): one parameter of 1e30, a negative second
        // moment, a step past the integers a page's number holds.
        (
            ("\"parameters\":[", "\"parameters\":[1e30,"),
            "entry 1 is 1e30, and no trained model has a parameter beyond ±1e4",
        ),
        (
            ("\"v\":[", "\"v\":[-1,"),
            "'optimiser v' entry 1 is -1e0, and a second moment",
        ),
        (
            ("\"step\":10", "\"step\":18446744073709551615"),
            "step is not a whole number from 0 to 9007199254740991",
        ),
    ];
    for ((from, to), want) in edits {
        assert!(good.contains(from), "{from}");
        refuse(&mut lab, &good.replace(from, to), want);
    }
    let flipped: String = good.replacen(',', ";", 3);
    refuse(&mut lab, &flipped, "damaged");
    assert_eq!(fingerprint(&lab), before);
    lab.import_model(&good).unwrap();
    assert_ne!(fingerprint(&lab), before);
}

#[test]
fn undo_brings_back_the_exact_model_a_change_threw_away() {
    let mut lab = trained("layers=2&hidden=16,16", 150);
    let before = fingerprint(&lab);
    let tests = lab.trainer().history.test.points().to_vec();
    assert!(lab.undo_target().is_none());
    lab.set("hidden", "32").unwrap();
    lab.step_once();
    assert_eq!(lab.undo_target().unwrap().0, 150);
    assert!(lab.undo());
    assert_eq!(fingerprint(&lab), before);
    assert_eq!(lab.trainer().history.test.points(), &tests[..]);
    // The model undo replaced is one step back now: undo again goes forward.
    assert_eq!(lab.undo_target().unwrap().0, 1);
    assert!(lab.undo());
    assert_eq!(lab.settings().get("hidden").unwrap(), "32");
    assert!(lab.undo());
    // Training on from the restored model takes the steps the original would have.
    let mut twin = trained("layers=2&hidden=16,16", 150);
    lab.step_once();
    twin.step_once();
    assert_eq!(
        lab.trainer().flow.parameters(),
        twin.trainer().flow.parameters()
    );
    // A reset and an import are undone the same way; an untrained model is not kept.
    lab.reset();
    assert!(lab.undo());
    assert_eq!(lab.status().progress.step, 151);
    let mut fresh = Lab::new(Settings::default()).unwrap();
    fresh.set("layers", "3").unwrap();
    assert!(fresh.undo_target().is_none());
    fresh.import_model(&lab.model_json(true, true)).unwrap();
    assert!(fresh.undo_target().is_none());
}

/// A model file's event note is shown cut short and without the characters that reorder
/// a line, whatever its length (issue 30, item 7).
#[test]
fn a_files_event_note_is_cut_short() {
    let source = trained("layers=2&hidden=8,8", 10);
    let mut v: serde_json::Value = serde_json::from_str(&source.model_json(true, true)).unwrap();
    v["event"] = serde_json::Value::String("\u{202E}".to_string() + &"e".repeat(200_000));
    let mut lab = trained("layers=2&hidden=8,8", 1);
    lab.import_model(&v.to_string()).unwrap();
    let event = lab.progress().event.clone().unwrap();
    let cut = arflow::session::model_file::EVENT_CHARS;
    assert_eq!(event, "e".repeat(cut) + "…");
}

/// A link's model has no history: its test NLL is computed anew, the same as the lab that
/// wrote it computes (it showed "test NLL –" until training ran; issue 30, item 11).
#[test]
fn a_links_model_gets_its_test_nll() {
    let mut source = trained("layers=2&hidden=8,8", 20);
    source.refresh_metric();
    let expected = source.progress().metric.unwrap();
    let mut lab = trained("layers=2&hidden=8,8", 1);
    lab.import_model(&source.model_json(false, false)).unwrap();
    assert_eq!(lab.progress().metric, None);
    lab.evaluate();
    assert_eq!(lab.progress().metric, Some(expected));
    // A file with a test history shows its last value and computes nothing.
    lab.import_model(&source.model_json(true, true)).unwrap();
    assert!(lab.progress().metric.is_some());
}

#[test]
fn a_head_and_its_numbers_apart_read_as_the_whole_file() {
    for hash in [
        "layers=2&hidden=16,16&data=8gaussians",
        "compare=1&data=8gaussians&layers=2&hidden=8,8",
    ] {
        let a = trained(hash, 40);
        let head = a.model_head();
        assert!(!head.contains("\"parameters\""), "{head}");
        let (mut whole, mut apart) = (Lab::from_hash("").0, Lab::from_hash("").0);
        whole.import_model(&a.model_json(false, true)).unwrap();
        let opened = OpenedModel::open(&head).unwrap();
        apart
            .import_opened(opened, Some(a.all_parameters()))
            .unwrap();
        assert_eq!(fingerprint(&apart), fingerprint(&whole), "{hash}");
        assert_eq!(apart.all_parameters(), whole.all_parameters(), "{hash}");
        assert_eq!(apart.comparison().is_some(), hash.contains("compare"));
        assert_eq!(apart.model_json(false, true), a.model_json(false, true));
        // The numbers apart are checked as the file's own would be.
        let mut short = a.all_parameters();
        short.pop();
        let mut wild = a.all_parameters();
        wild[3] = 1e30;
        for (numbers, why) in [(short, "do not fit its flow"), (wild, "entry 4 is 1e30")] {
            let before = fingerprint(&apart);
            let opened = OpenedModel::open(&head).unwrap();
            let e = apart.import_opened(opened, Some(numbers)).unwrap_err();
            assert!(e.to_string().contains(why), "{e}");
            assert_eq!(fingerprint(&apart), before);
        }
    }
}
