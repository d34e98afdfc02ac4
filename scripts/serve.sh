#!/usr/bin/env bash
# Sets up a fresh machine, builds the page and serves it on http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh
bash scripts/build-web.sh
echo "arflow: open http://127.0.0.1:8000 (Ctrl-C stops the server)"
exec python3 -m http.server 8000 --bind 127.0.0.1
