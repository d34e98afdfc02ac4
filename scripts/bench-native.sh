#!/usr/bin/env bash
# The native benchmark built for this machine's CPU (AVX, FMA where it has them), in its
# own target directory so that neither the page's build nor the tests' depend on it:
#   scripts/bench-native.sh --flow maf --steps 2000
# passes its arguments to arflow-bench (docs/development.md); one thread, like the page's
# worker.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR=target/native \
  cargo build --quiet --release --bin arflow-bench
RAYON_NUM_THREADS=1 exec target/native/release/arflow-bench "$@"
