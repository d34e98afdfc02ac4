//! The exported Python file run by Python: for MAF and IAF, affine with each scale and
//! spline, with and without a learned base, forward and reverse KL, and the 64-D digits,
//! the NumPy part rebuilds the flow from the file alone and agrees with the page's numbers
//! to 1e-5 relative (its own check, exit 0); a file whose parameters were moved by 1e-4
//! fails that check (exit 1). Also: the same model exports the same bytes, the notebook
//! holds the same code, and a 4-layer 64,64 flow's file is under 1 MB.
//!
//! Needs `python3` with NumPy (`scripts/setup.sh` installs NumPy from PyPI if missing), or
//! the Python that `ARFLOW_PYTHON` names: one where `torch` imports also checks the
//! PyTorch part of every file (its numbers, and its gradient reaching every parameter).

#![cfg(not(target_arch = "wasm32"))]

use arflow::session::lab::Lab;
use std::path::PathBuf;
use std::process::Command;

fn trained(hash: &str, steps: usize) -> Lab {
    let (mut lab, notes) = Lab::from_hash(hash);
    assert!(notes.is_empty(), "{hash}: {notes:?}");
    for _ in 0..steps {
        lab.step_once();
    }
    lab
}

/// Runs `script` with Python; its exit code and what it printed.
fn run(name: &str, script: &str) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("arflow-python-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join(format!("{name}.py"));
    std::fs::write(&path, script).unwrap();
    let python = std::env::var("ARFLOW_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(python)
        .arg(&path)
        .output()
        .expect("python3 runs (scripts/setup.sh installs what the tests need)");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        !text.contains("No module named 'numpy'"),
        "NumPy is missing: run scripts/setup.sh (it installs it from PyPI)"
    );
    (out.status.code().unwrap_or(-1), text)
}

/// The file's `MODEL` JSON, and the text around it.
fn model_of(script: &str) -> (serde_json::Value, &str, &str) {
    let (head, rest) = script.split_once("r\"\"\"").unwrap();
    let (json, tail) = rest.split_once("\"\"\"").unwrap();
    (serde_json::from_str(json).unwrap(), head, tail)
}

/// Every kind of flow: MAF and IAF, x affine with each scale and spline, x a learned base
/// or not, x forward and reverse KL (32 hashes).
fn cases() -> Vec<String> {
    let mut out = Vec::new();
    for flow in ["maf", "iaf"] {
        for transform in [
            "scale=exp",
            "scale=tanh",
            "scale=softplus",
            "transform=spline&bins=5",
        ] {
            for base in ["0", "1"] {
                for objective in [
                    "objective=forward&data=8gaussians",
                    "objective=reverse&target=u2",
                ] {
                    out.push(format!(
                        "flow={flow}&{transform}&learnbase={base}&{objective}&layers=2&hidden=16,16&batch=64"
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn every_kind_of_flow_runs_its_own_check_in_python() {
    // Each flow's file, and a copy whose parameters moved by 1e-4 (the page's check kept).
    let files: Vec<(String, String, String)> = cases()
        .into_iter()
        .map(|hash| {
            let lab = trained(&hash, 20);
            let script = lab.python_script("http://127.0.0.1:8000/");
            let mut file: serde_json::Value =
                serde_json::from_str(&lab.model_json(false, false)).unwrap();
            let moved: Vec<f64> = (lab.trainer().flow.parameters().iter())
                .map(|&v| f64::from(v + 1e-4))
                .collect();
            file["parameters"] = moved.into();
            let mut other = trained(&hash, 0);
            other.import_model(&file.to_string()).unwrap();
            let (mut model, head, tail) = model_of(&script);
            let (perturbed, _, _) = model_of(&other.python_script(""));
            model["layers"] = perturbed["layers"].clone();
            model["base"] = perturbed["base"].clone();
            let mutated = format!("{head}r\"\"\"{model}\"\"\"{tail}");
            (hash, script, mutated)
        })
        .collect();
    // Python runs them two at a time.
    std::thread::scope(|s| {
        for (part, chunk) in files.chunks(files.len().div_ceil(2)).enumerate() {
            s.spawn(move || {
                for (i, (hash, script, mutated)) in chunk.iter().enumerate() {
                    let (code, text) = run(&format!("case{part}-{i}"), script);
                    assert_eq!(code, 0, "{hash}:\n{text}");
                    assert_eq!(text.matches("ok   NumPy").count(), 2, "{hash}:\n{text}");
                    if !text.contains("PyTorch: not installed") {
                        assert_eq!(text.matches("ok   PyTorch").count(), 3, "{hash}:\n{text}");
                    }
                    let (code, text) = run(&format!("mutant{part}-{i}"), mutated);
                    assert_eq!(code, 1, "{hash}: the moved file passed its check:\n{text}");
                    assert!(text.contains("FAIL NumPy"), "{text}");
                }
            });
        }
    });
}

#[test]
fn a_digits_flow_runs_its_check_with_its_pre_processing() {
    let iaf = trained("space=digits&flow=iaf&layers=2&hidden=64", 20).python_script("");
    let (code, text) = run("digits-iaf", &iaf);
    assert_eq!(code, 0, "{text}");
    let lab = trained("space=digits&layers=2&hidden=64", 30);
    let script = lab.python_script("");
    assert!(script.contains("def to_flow_space(y):"));
    let (code, text) = run("digits", &script);
    assert_eq!(code, 0, "{text}");
    // The file's pre-processing and the page's agree: the held-out images' density of `y`.
    let probe = format!(
        "{}\nimport numpy as np\ny = to_images(np.array(MODEL['check']['x'])[4:])\nx, ld = to_flow_space(y)\nprint('roundtrip', float(np.abs(x - np.array(MODEL['check']['x'])[4:]).max()))\n",
        script.replace("sys.exit(0 if check() else 1)", "pass")
    );
    let (code, text) = run("digits-probe", &probe);
    assert_eq!(code, 0, "{text}");
    let worst: f64 = text
        .split("roundtrip ")
        .nth(1)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(worst < 1e-4, "{worst}");
}

#[test]
fn the_files_are_deterministic_small_and_the_notebook_holds_the_same_code() {
    let lab = trained("layers=4&hidden=64,64", 20);
    let script = lab.python_script("");
    assert_eq!(
        script,
        trained("layers=4&hidden=64,64", 20).python_script("")
    );
    assert!(script.len() < 1 << 20, "{} bytes", script.len());
    let book: serde_json::Value = serde_json::from_str(&lab.notebook("")).unwrap();
    let cells = book["cells"].as_array().unwrap();
    let text = |c: &serde_json::Value| -> String {
        c["source"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect()
    };
    assert_eq!(cells[0]["cell_type"], "markdown");
    assert!(
        text(&cells[0]).contains("at step 20"),
        "{}",
        text(&cells[0])
    );
    let code: String = cells
        .iter()
        .filter(|c| c["cell_type"] == "code")
        .map(|c| text(c) + "\n")
        .collect();
    assert!(code.contains("class NormalizingFlowModel(nn.Module):"));
    assert!(code.trim_end().ends_with("check()"));
    // The notebook's code, run as one file, checks as the script does.
    let (status, out) = run(
        "notebook",
        &format!("{code}\nimport sys\nsys.exit(0 if check() else 1)\n"),
    );
    assert_eq!(status, 0, "{out}");
}

#[test]
fn the_command_line_tool_writes_what_the_page_writes() {
    let lab = trained("flow=iaf&layers=2&hidden=8&learnbase=1", 60);
    let dir = std::env::temp_dir().join(format!("arflow-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("model.json");
    std::fs::write(&model, lab.model_json(true, true)).unwrap();
    for (flag, want) in [
        (None, lab.python_script("")),
        (Some("--notebook"), lab.notebook("")),
    ] {
        let out = dir.join("out");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_arflow-export"));
        cmd.arg(&model).arg("--out").arg(&out);
        cmd.args(flag);
        assert!(cmd.status().unwrap().success());
        assert_eq!(std::fs::read_to_string(&out).unwrap(), want, "{flag:?}");
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_arflow-export"))
        .arg(dir.join("missing.json"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("missing.json"));
}
