//! The layering that `src/lib.rs` states, checked on the source text: no folder (storey)
//! importing one above it, no import cycle among the files of `src/`, the browser and
//! plotters only where they belong, and files small enough to read.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Every file below `dir` with this extension.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path, ext));
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// `flow::made` for `src/flow/made.rs`, `flow` for `src/flow/mod.rs`.
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix("src").unwrap().with_extension("");
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into()).collect();
    let parts = match parts.last().map(String::as_str) {
        Some("mod") | Some("lib") => &parts[..parts.len() - 1],
        _ => &parts[..],
    };
    parts.join("::")
}

/// The modules of the library (the benchmark binary is a client, not a module).
fn modules() -> BTreeMap<String, String> {
    files(Path::new("src"), "rs")
        .into_iter()
        .filter(|p| !p.starts_with("src/bin"))
        .map(|p| (module_of(&p), fs::read_to_string(&p).unwrap()))
        .collect()
}

/// The modules `source` (of module `me`) names through `crate::` or `super::` paths,
/// resolved to the longest path that is a module (a file).
fn imports(me: &str, source: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let parent = me.rsplit_once("::").map_or("", |(p, _)| p);
    let mut out = BTreeSet::new();
    let code: String = source
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    for (prefix, base) in [("crate::", String::new()), ("super::", parent.to_string())] {
        for (i, _) in code.match_indices(prefix) {
            let rest = &code[i + prefix.len()..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut candidate = base.clone();
            let mut best = None;
            for seg in path.split("::").filter(|s| !s.is_empty()) {
                candidate = if candidate.is_empty() {
                    seg.to_string()
                } else {
                    format!("{candidate}::{seg}")
                };
                if known.contains(&candidate) {
                    best = Some(candidate.clone());
                }
            }
            if let Some(m) = best.filter(|m| m != me && !me.starts_with(&format!("{m}::"))) {
                out.insert(m);
            }
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules();
    let known: BTreeSet<String> = mods.keys().filter(|k| !k.is_empty()).cloned().collect();
    mods.iter()
        .filter(|(m, _)| !m.is_empty())
        .map(|(m, src)| (m.clone(), imports(m, src, &known)))
        .collect()
}

#[test]
fn no_module_imports_itself_through_others() {
    let g = graph();
    // Depth-first search for a back edge.
    fn visit(
        m: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(i) = path.iter().position(|p| p == m) {
            panic!("import cycle: {}", path[i..].join(" -> ") + " -> " + m);
        }
        if !done.insert(m.to_string()) {
            return;
        }
        path.push(m.to_string());
        for d in g.get(m).into_iter().flatten() {
            visit(d, g, path, done);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for m in g.keys() {
        visit(m, &g, &mut Vec::new(), &mut done);
    }
    assert!(
        g["flow"].contains("flow::layer") && g["eval"].contains("flow"),
        "{g:?}"
    );
}

/// The storeys of `src/lib.rs`, bottom up: a folder (or a file at the top, such as `error`)
/// and its rank. Modules of one storey may import each other (without a cycle).
const STOREYS: [(&str, usize); 12] = [
    ("error", 1),
    ("numeric", 1),
    ("kernels", 2),
    ("data", 3),
    ("flow", 4),
    ("eval", 5),
    ("train", 6),
    ("views", 7),
    ("session", 8),
    ("draw", 9),
    ("gpu", 10),
    ("web", 11),
];

fn storey(module: &str) -> usize {
    let top = module.split("::").next().unwrap();
    let found = STOREYS.iter().find(|(name, _)| *name == top);
    found
        .unwrap_or_else(|| panic!("{module} is in no storey of STOREYS"))
        .1
}

/// The first import, in module order, from a storey above the importer's.
fn first_upward_import(g: &BTreeMap<String, BTreeSet<String>>) -> Option<(String, String)> {
    g.iter().find_map(|(m, deps)| {
        let d = deps.iter().find(|d| storey(d) > storey(m))?;
        Some((m.clone(), d.clone()))
    })
}

#[test]
fn no_storey_imports_one_above_it() {
    let mut g = graph();
    if let Some((m, d)) = first_upward_import(&g) {
        panic!(
            "{m} (storey {}) imports {d} (storey {})",
            storey(&m),
            storey(&d)
        );
    }
    // The check sees a back edge: a model that imported the trainer would be refused.
    g.get_mut("flow::made")
        .unwrap()
        .insert("train::adam".into());
    assert_eq!(
        first_upward_import(&g),
        Some(("flow::made".into(), "train::adam".into()))
    );
}

#[test]
fn only_the_shell_and_the_gpu_device_touch_the_browser_and_only_draw_plots() {
    for (m, src) in modules() {
        let src: String = src
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let browser = src.contains("web_sys") || src.contains("wasm_bindgen");
        let shell = m.starts_with("web") || m == "gpu::device";
        assert!(!browser || shell, "{m} touches the browser");
        // (The shell hands draw a plotters-canvas backend: `plotters_canvas` is not plotters.)
        let plots = src.contains("plotters::");
        assert!(!plots || m.starts_with("draw"), "{m} uses plotters");
    }
}

#[test]
fn files_stay_small_and_page_scripts_keep_little_global_state() {
    for path in files(Path::new("src"), "rs") {
        let lines = fs::read_to_string(&path).unwrap().lines().count();
        assert!(lines <= 350, "{} has {lines} lines", path.display());
    }
    for path in files(Path::new("www"), "js") {
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.lines().count() <= 320,
            "{} is too long",
            path.display()
        );
        let lets = text.lines().filter(|l| l.starts_with("let ")).count();
        assert!(lets <= 3, "{} has {lets} top-level lets", path.display());
    }
}

/// The version in `name = "=X"` of a Cargo.toml, if it pins one.
fn pinned(manifest: &str, name: &str) -> Option<String> {
    let text = fs::read_to_string(manifest).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{name} = \"=")))?;
    Some(line.split('"').nth(1)?.trim_start_matches('=').to_string())
}

#[test]
fn the_bindings_tool_is_the_wasm_bindgen_the_crate_links() {
    // The page's bindings must come from the wasm-bindgen library of the version the wasm
    // links (its custom sections' schema changes between versions); scripts/setup.sh reads
    // the CLI's version from the same line of Cargo.toml.
    let crate_pin = pinned("Cargo.toml", "wasm-bindgen").expect("Cargo.toml pins wasm-bindgen");
    let tool_pin = pinned("tools/bindgen/Cargo.toml", "wasm-bindgen-cli-support");
    assert_eq!(tool_pin.as_deref(), Some(crate_pin.as_str()));
    let lock = fs::read_to_string("tools/bindgen/Cargo.lock").unwrap();
    let locked = format!("name = \"wasm-bindgen-cli-support\"\nversion = \"{crate_pin}\"");
    assert!(
        lock.contains(&locked),
        "tools/bindgen/Cargo.lock locks {crate_pin}"
    );
}

#[test]
fn relaxed_simd_changes_only_the_library() {
    // scripts/test.sh lints the relaxed-SIMD build's library only, and every target on
    // SIMD128: that covers all the code the relaxed build changes while no file outside the
    // library (its binaries, the tests, the tools) has a cfg on relaxed SIMD (the crate's
    // feature or the target feature: the pattern matches both).
    let cfg = format!("feature = \"{}\"", "relaxed-simd");
    let has_cfg = |p: &PathBuf| fs::read_to_string(p).unwrap().contains(&cfg);
    let (library, outside): (Vec<_>, Vec<_>) = ["src", "tests", "tools"]
        .iter()
        .flat_map(|d| files(Path::new(d), "rs"))
        .filter(has_cfg)
        .partition(|p| p.starts_with("src") && !p.starts_with("src/bin"));
    assert!(
        outside.is_empty(),
        "a cfg on relaxed SIMD outside the library: {outside:?}"
    );
    assert!(!library.is_empty(), "the library has its relaxed-SIMD code");
}
