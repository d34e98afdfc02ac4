#!/usr/bin/env bash
# Runs every check arflow has: formatting, lints (native and both wasm32 builds), the native
# tests, the in-browser wasm tests of both builds, the page build, and the end-to-end browser
# tests. Sets up what is missing first, and says how long each stage took.
#
# Three lanes share the two cores, so that one lane's serial stretches (a link, a test
# binary's last long test, a page waiting on a timer) leave no core idle:
#   native   formatting, clippy, cargo test; its output is shown as it runs
#   page     the page (both builds), then the end-to-end tests on it
#   wasm     wasm-bindgen's CLI (for its test runner), clippy on wasm32, the browser tests
# The page and wasm lanes keep their output in target/page-lane.log and target/wasm-lane.log,
# shown when the native lane is done and each ends. No lane waits on another's cargo lock:
# the native lane builds in target/debug, the page in target/wasm32-unknown-unknown (and its
# bindings tool in target/tools), the wasm lane in target/browser-tests and target/wasm-lints.
# Every lane runs to its end, and the command fails if any of them failed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
source scripts/flags.sh

begin=$SECONDS
# stage NAME COMMAND...: runs and times one check.
stage() {
  local name="$1" t=$SECONDS
  shift
  echo "== $name"
  "$@"
  echo "== $name: $((SECONDS - t)) s"
}

bash scripts/setup.sh test-base

# The browser tests (tests/browser.rs: web.rs and gpu.rs) run through wasm-bindgen's test
# runner and Chromium's driver, as `wasm-pack test --headless --chrome -- --test browser`
# runs them, in a profile of their own (Cargo.toml: the page's, without its whole-program
# link). Only that crate is built for wasm32 and run there (the native tests' wasm32 build
# is checked by clippy). webdriver.json holds Chromium's flags (WebGPU on SwiftShader).
browser_tests() { # TARGET_DIR
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}" WASM_BINDGEN_TEST_TIMEOUT=900 \
    CARGO_TARGET_DIR="$1" \
    cargo test --target wasm32-unknown-unknown --profile browser-tests --test browser
}
browser_tests_relaxed() {
  RUSTFLAGS="$RELAXED_RUSTFLAGS" browser_tests target/browser-tests/relaxed
}
lints_wasm() { # TARGET_DIR WHICH_TARGETS
  CARGO_TARGET_DIR="$1" cargo clippy "$2" --target wasm32-unknown-unknown -- -D warnings
}
# Relaxed SIMD changes only the library's code (src/kernels/register_block.rs is the one
# place with a cfg on it), so the relaxed build's lint is of the library; every target is
# linted on wasm32 with SIMD128.
lints_wasm_relaxed() { RUSTFLAGS="$RELAXED_RUSTFLAGS" lints_wasm target/wasm-lints/relaxed --lib; }
e2e() { node --test --test-concurrency=1 --test-timeout=900000 tests/e2e/; }

native_lane() {
  stage "cargo fmt --check" cargo fmt --all -- --check
  stage "clippy (native)" cargo clippy --all-targets -- -D warnings
  stage "cargo test (native)" cargo test
}
page_lane() {
  stage "build the page (both builds)" bash scripts/build-web.sh
  stage "end-to-end tests (Playwright, Debian's Chromium)" e2e
}
wasm_lane() {
  bash scripts/setup.sh runner
  stage "clippy (wasm32)" lints_wasm target/wasm-lints --all-targets
  stage "clippy (wasm32, relaxed SIMD)" lints_wasm_relaxed
  stage "in-browser tests (headless Chromium, WebGPU on SwiftShader)" browser_tests target/browser-tests
  stage "the same with relaxed SIMD (the build browsers that have it load)" browser_tests_relaxed
}

# The page lane is the longest (the end-to-end tests alone take about 15 minutes on two
# cores), so the other two run at a lower priority: they fill the cores it leaves idle and
# finish on both cores after it, instead of delaying its start by minutes.
mkdir -p target
page_lane > target/page-lane.log 2>&1 &
page=$!
renice -n 10 -p $BASHPID >/dev/null
wasm_lane > target/wasm-lane.log 2>&1 &
wasm=$!
echo "== the page and wasm lanes run beside this one (target/page-lane.log, target/wasm-lane.log)"
native_lane &
native=$!

failed=()
# finish NAME PID [LOG]: waits for a lane, shows its log, and notes a failure.
finish() {
  local rc=0
  wait "$2" || rc=$?
  [ -z "${3:-}" ] || { echo "== the $1 lane's output:"; cat "$3"; }
  echo "== the $1 lane: $([ "$rc" = 0 ] && echo passed || echo "FAILED (exit $rc)") at $((SECONDS - begin)) s"
  [ "$rc" = 0 ] || failed+=("$1")
}
finish native "$native"
finish wasm "$wasm" target/wasm-lane.log
finish page "$page" target/page-lane.log
if [ "${#failed[@]}" != 0 ]; then
  echo "== FAILED: the ${failed[*]} lane(s); their output is above" >&2
  exit 1
fi
echo "== all checks passed in $((SECONDS - begin)) s"
