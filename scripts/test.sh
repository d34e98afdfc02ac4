#!/usr/bin/env bash
# Runs every check arflow has, in order: formatting, lints, the native tests, and the
# wasm32 build of the core. Sets up what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets -- -D warnings
echo "== cargo test (native)"
cargo test
echo "== wasm32 build of the core"
cargo build --lib --target wasm32-unknown-unknown
echo "== all checks passed"
