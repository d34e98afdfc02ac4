#!/usr/bin/env bash
# Builds the page's wasm twice from the same source, as bundler-free ES modules shrunk with
# npm's binaryen: pkg/ with SIMD128 (every current browser) and pkg/relaxed/ with relaxed
# SIMD's fused multiply-add too; www/engine.js loads the second where the browser
# validates it. Nothing is downloaded: cargo builds the wasm and the wasm-bindgen CLI that
# scripts/setup.sh installed writes its bindings.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

build() {
  local out="$1" target_dir="${CARGO_TARGET_DIR:-target}"
  cargo build --lib --target wasm32-unknown-unknown --profile web
  wasm-bindgen --target web --no-typescript --out-name arflow --out-dir "$out" \
    "$target_dir/wasm32-unknown-unknown/web/arflow.wasm"
  local wasm="$out/arflow_bg.wasm"
  node_modules/.bin/wasm-opt -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
  echo "build-web: $(stat -c %s "$wasm") bytes in $wasm"
}

build pkg
# Its own target directory keeps both builds' caches warm.
source scripts/flags.sh
RUSTFLAGS="$RELAXED_RUSTFLAGS" CARGO_TARGET_DIR=target/relaxed build pkg/relaxed
