#!/usr/bin/env bash
# Sets up a fresh machine (only what serving needs), builds the page and serves it on
# http://127.0.0.1:8000, saying how long each step took. The page is served as soon as its
# SIMD128 build is ready; the relaxed-SIMD build (about 1.5x faster training) follows in the
# background and the page loads it from the next reload on.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

start=$SECONDS
bash scripts/setup.sh serve
built=$SECONDS
# A relaxed build left from older source must not be served beside the new SIMD128 one.
rm -rf pkg/relaxed
bash scripts/build-web.sh simd128
echo "serve: set up in $((built - start)) s, page built in $((SECONDS - built)) s"
echo "arflow: open http://127.0.0.1:8000 (Ctrl-C stops the server)"
echo "serve: building the relaxed-SIMD page in the background (log: target/relaxed-build.log)"
relaxed_start=$SECONDS
(
  if bash scripts/build-web.sh relaxed > target/relaxed-build.log 2>&1; then
    echo "serve: the relaxed-SIMD build is ready after $((SECONDS - relaxed_start)) s: reload the page to use it"
  else
    echo "serve: the relaxed-SIMD build failed (target/relaxed-build.log); the page keeps the SIMD128 build"
  fi
) &
exec python3 -m http.server 8000 --bind 127.0.0.1
