//! The benchmark CLI prints one JSON line with every field, and refuses bad flags with a
//! message and exit code 2.

use std::process::Command;

fn bench(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_arflow-bench"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_short_run_prints_one_json_line_with_every_field() {
    let out = bench(&[
        "--dataset",
        "checkerboard",
        "--steps",
        "40",
        "--hidden",
        "16",
        "--layers",
        "2",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for key in [
        "test_nll",
        "nll_curve",
        "steps_per_second",
        "grid_256_seconds",
        "sample_10k_seconds",
        "grid_mass",
        "entropy",
        "grid_kl",
    ] {
        assert!(!v[key].is_null(), "missing {key}: {v}");
    }
    assert_eq!(v["config"]["objective"], "forward-kl:checkerboard");
    assert_eq!(v["entropy"], 3.466);
    assert!(v["test_nll"].as_f64().unwrap() > 3.466);
}

#[test]
fn reverse_kl_reports_the_kl_estimate_and_ess() {
    let out = bench(&[
        "--target", "u2", "--steps", "30", "--hidden", "16", "--flow", "iaf",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["kl_estimate"].is_number() && v["ess"].is_number() && v["log_z"].is_number(),
        "{v}"
    );
}

#[test]
fn bad_flags_exit_with_code_2_and_say_why() {
    for (args, says) in [
        (vec!["--dataset", "spiral"], "unknown data set 'spiral'"),
        (vec!["--lr", "fast"], "--lr: 'fast' is not a number"),
        (vec!["--lr", "NaN"], "learning rate"),
        (vec!["--hidden", "64,0"], "hidden widths"),
        (vec!["--flow", "nice"], "not maf or iaf"),
        (vec!["--bogus", "1"], "unknown flag --bogus"),
        (vec!["--steps"], "--steps needs a value"),
    ] {
        let out = bench(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
}
