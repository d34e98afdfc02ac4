#!/usr/bin/env bash
# Builds the page's wasm from the same source as bundler-free ES modules, shrunk with npm's
# binaryen: pkg/ with SIMD128 (every current browser) and pkg/relaxed/ with relaxed SIMD's
# fused multiply-add too; www/engine.js loads the second where the browser validates it and
# falls back to the first while it is missing. Nothing is downloaded: cargo builds the wasm
# and tools/bindgen (wasm-bindgen's own library) writes its bindings.
#
#   scripts/build-web.sh            both builds (what scripts/test.sh checks)
#   scripts/build-web.sh simd128    pkg/ only (scripts/serve.sh serves it, then builds...)
#   scripts/build-web.sh relaxed    ...pkg/relaxed/, which the page picks up on a reload
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
WHICH="${1:-both}"
case "$WHICH" in both|simd128|relaxed) ;; *) echo "usage: scripts/build-web.sh [both|simd128|relaxed]" >&2; exit 2 ;; esac

# The bindings tool, unoptimised: about 45 s of a cold build rather than 115 s, and it
# writes the bindings in 2 s instead of 0.3 s. Its own target directory, so that it builds
# beside the page's wasm without waiting on cargo's lock.
TOOLS_DIR="${CARGO_TARGET_DIR:-target}/tools"
BINDGEN="$TOOLS_DIR/debug/arflow-bindgen"
tool() { cargo build --quiet --manifest-path tools/bindgen/Cargo.toml --target-dir "$TOOLS_DIR"; }

# build OUT [CARGO_ARGS...]: the wasm for OUT (cargo's build with CARGO_ARGS), its bindings, and
# binaryen's -O1, which takes 1.75 MB to 1.48 MB in 12 s (-Oz reaches 1.43 MB in 46 s).
# Written beside OUT and moved in whole, so a page never loads half a build.
build() {
  local out="$1" target_dir="${CARGO_TARGET_DIR:-target}"
  shift
  cargo build --lib --target wasm32-unknown-unknown --profile web "$@"
  wait_tool
  local new="$out.new"
  rm -rf "$new"
  "$BINDGEN" "$target_dir/wasm32-unknown-unknown/web/arflow.wasm" "$new"
  node_modules/.bin/wasm-opt -O1 \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$new/arflow_bg.wasm" -o "$new/opt.wasm"
  mkdir -p "$out"
  mv "$new/opt.wasm" "$out/arflow_bg.wasm"
  mv "$new/arflow.js" "$out/arflow.js"
  rm -rf "$new"
  echo "build-web: $(stat -c %s "$out/arflow_bg.wasm") bytes in $out/arflow_bg.wasm"
}

# The tool builds beside the first wasm build (a cold wasm build leaves a core idle while
# its last crate links).
tool & tool_pid=$!
wait_tool() { if [ -n "$tool_pid" ]; then wait "$tool_pid"; tool_pid=""; fi; }

if [ "$WHICH" != relaxed ]; then build pkg; fi
# The relaxed build is this crate's feature (Cargo.toml): it shares the first build's
# dependencies and rebuilds only this crate.
if [ "$WHICH" != simd128 ]; then build pkg/relaxed --features relaxed-simd; fi
wait_tool
