//! `arflow-bindgen IN.wasm OUT_DIR`: the page's bindings, exactly as
//! `wasm-bindgen --target web --no-typescript --out-name arflow --out-dir OUT_DIR IN.wasm`
//! writes them (the same calls the CLI makes with those flags), from the library alone.
//!
//! The CLI also carries wasm-bindgen's test runner with its web server, HTTP client and TLS,
//! which take most of its build; serving the page needs none of them, so
//! `scripts/build-web.sh` builds this instead and the tests build the CLI.

use std::process::ExitCode;
use wasm_bindgen_cli_support::Bindgen;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir] = args.as_slice() else {
        eprintln!("usage: arflow-bindgen IN.wasm OUT_DIR");
        return ExitCode::from(2);
    };
    let mut bindgen = Bindgen::new();
    let written = bindgen.web(true).and_then(|b| {
        b.input_path(input)
            .demangle(true)
            .typescript(false)
            .omit_default_module_path(false)
            .out_name("arflow")
            .generate(out_dir)
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("arflow-bindgen: {input}: {e:#}");
            ExitCode::FAILURE
        }
    }
}
