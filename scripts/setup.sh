#!/usr/bin/env bash
# Installs what a fresh machine lacks, from the package registries only (nothing downloads
# a browser or a prebuilt binary), and says how long each step took. Idempotent: a step
# whose tool is already there is skipped, so a warm machine pays nothing.
#
#   scripts/setup.sh serve   what building and serving the page needs: the wasm32 target and
#                            npm's binaryen (the page's bindings tool, tools/bindgen, is
#                            built by scripts/build-web.sh beside the page's wasm)
#   scripts/setup.sh test    that, and what the tests need: wasm-bindgen's CLI for its test
#                            runner, rustfmt and clippy, Debian's Chromium and ChromeDriver,
#                            NumPy, the crates of every platform
# (scripts/test.sh runs `test-base`, all of `test` but the CLI, and builds the CLI (`runner`)
# beside its native tests.)
set -euo pipefail
cd "$(dirname "$0")/.."

# The wasm-bindgen that Cargo.toml pins (`wasm-bindgen = "=X"`): its CLI must be that version.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml)
export PATH="$HOME/.cargo/bin:$PATH"
MODE="${1:-test}"
case "$MODE" in serve|test|test-base|runner) ;; *) echo "usage: scripts/setup.sh serve|test" >&2; exit 2 ;; esac

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
# step NAME CHECK INSTALL...: runs INSTALL unless CHECK succeeds, and times it.
step() {
  local name="$1" check="$2"
  shift 2
  if eval "$check"; then return; fi
  echo "setup: $name ..."
  local start=$SECONDS
  "$@"
  echo "setup: $name took $((SECONDS - start)) s"
}

wasm_target() { rustup target add wasm32-unknown-unknown; }
# wasm-bindgen's CLI, for its test runner (wasm-bindgen-test-runner) and `wasm-bindgen`
# beside it (`wasm-pack test --mode no-install` checks that one's version and takes the
# runner from its folder; 2 s more of a build): unoptimised, without debug info and without
# TLS (the runner only talks to ChromeDriver on this machine), 34 s of a build on a quiet
# two-core machine where the default release build takes 300 s. --locked first; without it
# if a locked dependency has left the registry.
BINDGEN_BINS=(wasm-bindgen wasm-bindgen-test-runner)
bindgen_cli() {
  local how=(wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --no-default-features --debug)
  for b in "${BINDGEN_BINS[@]}"; do how+=(--bin "$b"); done
  CARGO_PROFILE_DEV_DEBUG=0 cargo install "${how[@]}" --locked 2>/dev/null \
    || CARGO_PROFILE_DEV_DEBUG=0 cargo install "${how[@]}"
}
# Whether each of those is on the PATH at the pinned version.
bindgen_cli_present() {
  local b
  for b in "${BINDGEN_BINS[@]}"; do
    "$b" --version 2>/dev/null | grep -qx "$b $WASM_BINDGEN_VERSION" || return 1
  done
}
npm_packages() { npm ci --no-audit --no-fund --loglevel=error; }

if [ "$MODE" = runner ]; then
  step "building wasm-bindgen's CLI $WASM_BINDGEN_VERSION, for its test runner (about a minute, once)" \
    bindgen_cli_present bindgen_cli
  exit 0
fi
step "adding the wasm32-unknown-unknown target" \
  "rustup target list --installed | grep -qx wasm32-unknown-unknown" wasm_target
# npm packages from the lock file: binaryen's wasm-opt, playwright-core (no browser) and
# axe-core (the tests' accessibility scan).
step "npm ci (binaryen's wasm-opt, playwright-core, axe-core)" \
  "[ -x node_modules/.bin/wasm-opt ] && [ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]" \
  npm_packages
[ "$MODE" = serve ] && exit 0

linters() { rustup component add rustfmt clippy; }
chromium_deb() {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
}
# The crates of both platforms (native and wasm32), before the lints and tests need them.
fetch() {
  cargo fetch --locked >/dev/null 2>&1 || cargo fetch >/dev/null
  cargo fetch --locked --manifest-path tools/bindgen/Cargo.toml >/dev/null
}

step "adding rustfmt and clippy" \
  "rustup component list --installed | grep -q '^rustfmt' && rustup component list --installed | grep -q '^clippy'" linters
# Debian's Chromium and ChromeDriver, for the in-browser tests (wasm-bindgen's test runner,
# which comes with the wasm-bindgen CLI) and Playwright.
step "installing Debian's chromium and chromium-driver" \
  "command -v chromium >/dev/null && command -v chromedriver >/dev/null" chromium_deb
# NumPy, for running the exported Python files (tests/python_export.rs): from PyPI (about
# 6 s), or Debian's package where this Python has no pip.
numpy() {
  python3 -m pip install --quiet --disable-pip-version-check numpy \
    || { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy >/dev/null; }
}
step "installing NumPy (the exported Python files' check)" \
  "python3 -c 'import numpy' 2>/dev/null" numpy
step "fetching the crates of every platform" "false" fetch
[ "$MODE" = test ] && bash "$0" runner
exit 0
