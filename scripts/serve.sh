#!/usr/bin/env bash
# Sets up a fresh machine (only what serving needs), builds the page and serves it on
# http://127.0.0.1:8000, saying how long each step took.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

start=$SECONDS
bash scripts/setup.sh serve
built=$SECONDS
bash scripts/build-web.sh
echo "serve: set up in $((built - start)) s, page built in $((SECONDS - built)) s"
echo "arflow: open http://127.0.0.1:8000 (Ctrl-C stops the server)"
exec python3 -m http.server 8000 --bind 127.0.0.1
