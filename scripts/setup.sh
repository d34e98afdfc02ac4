#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test arflow. Idempotent: each step is
# skipped when its tool is already there, so a warm machine pays nothing.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    rustup component add "$component"
  fi
done
have cargo-fmt || { echo "setup: rustfmt missing after install" >&2; exit 1; }
