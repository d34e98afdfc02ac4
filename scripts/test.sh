#!/usr/bin/env bash
# Runs every check arflow has, in order: formatting, lints (native and wasm32), the native
# tests, the in-browser wasm tests, the page build, and the end-to-end browser tests.
# Sets up what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh test
# The page's second build (scripts/build-web.sh): relaxed SIMD's fused multiply-add.
source scripts/flags.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy (native and wasm32)"
cargo clippy --all-targets -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
RUSTFLAGS="$RELAXED_RUSTFLAGS" CARGO_TARGET_DIR=target/relaxed \
  cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
echo "== cargo test (native)"
cargo test
# Only the crates that hold browser tests are compiled for wasm32 and run there (cargo runs
# them through wasm-bindgen's test runner and Chromium's driver; `wasm-pack test` would build
# every test crate for wasm32 first); the others are native tests (their wasm32 build is
# checked by clippy above). webdriver.json holds Chromium's flags (WebGPU on SwiftShader).
BROWSER_TESTS=(--test web --test gpu)
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}" WASM_BINDGEN_TEST_TIMEOUT=900
echo "== in-browser tests (headless Chromium, WebGPU on SwiftShader)"
cargo test --target wasm32-unknown-unknown --release "${BROWSER_TESTS[@]}"
echo "== the same with relaxed SIMD (the build browsers that have it load)"
RUSTFLAGS="$RELAXED_RUSTFLAGS" CARGO_TARGET_DIR=target/relaxed \
  cargo test --target wasm32-unknown-unknown --release "${BROWSER_TESTS[@]}"
echo "== build the page"
bash scripts/build-web.sh
echo "== end-to-end tests (Playwright, Debian's Chromium)"
node --test --test-concurrency=1 --test-timeout=900000 tests/e2e/
echo "== all checks passed"
