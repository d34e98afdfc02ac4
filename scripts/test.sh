#!/usr/bin/env bash
# Runs every check arflow has: formatting, lints (native and both wasm32 builds), the native
# tests, the in-browser wasm tests of both builds, the page build, and the end-to-end browser
# tests. Sets up what is missing first, and says how long each stage took.
#
# Two lanes share the two cores: the native lane (formatting, clippy, cargo test) in the
# foreground and the wasm lane (the page, wasm-bindgen's CLI, clippy on wasm32, the browser
# tests) beside it, its output kept in target/wasm-lane.log and shown when it ends. Neither
# waits on the other's cargo lock: the native lane builds in target/debug, the wasm lane in
# target/browser-tests, target/wasm-lints and (the page) target/wasm32-unknown-unknown and
# target/tools (its bindings tool). The end-to-end tests follow both, alone: their pages
# draw by the clock, so beside the lanes they cost more CPU, not less time (run as a third
# lane, from the moment the page was built, they took 1,750 s instead of about 950, and the
# command 2,193 s). Two of their files run at a time: one at a time left the cores 15% idle
# (page loads, timers); two at a time took 422 and 473 s where one took 475 and 486 s.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

begin=$SECONDS
# clock: sets NOW to the time since boot and BUSY to the CPU time this machine's cores have
# spent on work since then, both in hundredths of a second (/proc/uptime; user, nice,
# system and interrupt time in /proc/stat, leaving out idle, I/O wait and time stolen by a
# hypervisor). BUSY counts every process: Chromium's too, which the test harnesses do not
# wait for. Both are empty where there is no /proc.
clock() {
  NOW=$(awk '{ printf "%d", $1 * 100 }' /proc/uptime 2>/dev/null || true)
  BUSY=$(awk -v hz="$(getconf CLK_TCK)" \
    '$1 == "cpu" { printf "%d", ($2 + $3 + $4 + $7 + $8) * 100 / hz }' /proc/stat 2>/dev/null || true)
}
cores=$(nproc 2>/dev/null || echo 1)
# usage SINCE_NOW SINCE_BUSY: " (the cores busy B s of the C s they had)": whether a stage
# or the whole command had the machine's cores to itself or left them idle. The lanes run
# side by side, so a stage's figure includes the other lane's work.
usage() {
  clock
  [ -n "$NOW" ] && [ -n "$BUSY" ] && [ -n "$1" ] && [ -n "$2" ] &&
    echo " (the cores busy $(((BUSY - $2 + 50) / 100)) s of the $(((cores * (NOW - $1) + 50) / 100)) s they had)"
  return 0
}
clock
begin_now=$NOW begin_busy=$BUSY
# stage NAME COMMAND...: runs one check and says how long it took.
stage() {
  local name="$1" t=$SECONDS n b
  clock
  n=$NOW b=$BUSY
  shift
  echo "== $name"
  "$@"
  echo "== $name: $((SECONDS - t)) s$(usage "$n" "$b")"
}

bash scripts/setup.sh test-base

# The browser tests (tests/browser.rs: web.rs and gpu.rs) run through wasm-bindgen's test
# runner and Chromium's driver, as `wasm-pack test --headless --chrome -- --test browser`
# runs them, in a profile of their own (Cargo.toml: the page's, without its whole-program
# link) and in build directories of their own (beside the page's, the crate would be rebuilt
# at every switch between them: the test-only dependencies change its dependencies'
# features). Only that crate is built for wasm32 and run there (the native tests' wasm32
# build is checked by clippy). webdriver.json holds Chromium's flags (WebGPU on SwiftShader).
# The relaxed-SIMD build is this crate's feature `relaxed-simd` (Cargo.toml): it shares the
# SIMD128 build's dependencies, so each pair of stages shares a build directory.
browser_tests() { # CARGO_ARGS...
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}" WASM_BINDGEN_TEST_TIMEOUT=900 \
    CARGO_TARGET_DIR=target/browser-tests \
    cargo test --target wasm32-unknown-unknown --profile browser-tests --test browser "$@"
}
lints_wasm() { # CARGO_ARGS...
  CARGO_TARGET_DIR=target/wasm-lints cargo clippy --target wasm32-unknown-unknown "$@" -- -D warnings
}
wasm_lane() {
  # The page first: its link (whole-program, one codegen unit) and wasm-opt leave a core
  # idle, which the native lane's build fills (last, they left 50 core-seconds idle).
  stage "build the page (both builds)" bash scripts/build-web.sh
  bash scripts/setup.sh runner
  # Relaxed SIMD changes only the library's code (src/kernels/register_block.rs is the one
  # place with a cfg on it), so the relaxed build's lint is of the library; every target is
  # linted on wasm32 with SIMD128.
  stage "clippy (wasm32)" lints_wasm --all-targets
  stage "clippy (wasm32, relaxed SIMD)" lints_wasm --lib --features relaxed-simd
  stage "in-browser tests (headless Chromium, WebGPU on SwiftShader)" browser_tests
  stage "the same with relaxed SIMD (the build browsers that have it load)" browser_tests --features relaxed-simd
}

mkdir -p target
wasm_lane > target/wasm-lane.log 2>&1 &
lane=$!
echo "== the wasm lane runs beside the native one (its output: target/wasm-lane.log)"

stage "cargo fmt --check" cargo fmt --all -- --check
stage "clippy (native)" cargo clippy --all-targets -- -D warnings
stage "cargo test (native)" cargo test

echo "== waiting for the wasm lane"
lane_ok=0
wait "$lane" || lane_ok=$?
cat target/wasm-lane.log
if [ "$lane_ok" != 0 ]; then
  echo "== the wasm lane failed (exit $lane_ok): its output is above" >&2
  exit "$lane_ok"
fi

stage "end-to-end tests (Playwright, Debian's Chromium)" \
  node --test --test-concurrency=2 --test-timeout=900000 tests/e2e/
echo "== all checks passed in $((SECONDS - begin)) s$(usage "$begin_now" "$begin_busy")"
