#!/usr/bin/env bash
# Builds the page's wasm into pkg/ (bundler-free ES module) and shrinks it with npm's
# binaryen. Nothing is downloaded: wasm-pack runs with --mode no-install and uses the
# wasm-bindgen CLI that scripts/setup.sh installed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

wasm-pack build --target web --profile web --mode no-install --no-typescript --out-name arflow
wasm="pkg/arflow_bg.wasm"
node_modules/.bin/wasm-opt -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$wasm" -o "$wasm.opt"
mv "$wasm.opt" "$wasm"
echo "build-web: $(stat -c %s "$wasm") bytes in $wasm"
