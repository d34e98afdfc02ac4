#!/usr/bin/env bash
# Builds the page's wasm twice from the same source, as bundler-free ES modules shrunk with
# npm's binaryen: pkg/ with SIMD128 (every current browser) and pkg/relaxed/ with relaxed
# SIMD's fused multiply-add too; www/engine.js loads the second where the browser
# validates it. Nothing is downloaded: wasm-pack runs with --mode no-install and uses the
# wasm-bindgen CLI that scripts/setup.sh installed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

build() {
  local out="$1"
  wasm-pack build --target web --profile web --mode no-install --no-typescript \
    --out-name arflow --out-dir "$out"
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
