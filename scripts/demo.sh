#!/usr/bin/env bash
# scripts/demo.sh - set up, build, and serve the web demo on the embedded
# sample vault (an Obsidian-style editor running the vaultcrm plugin).
# PORT=8080 by default; prints the URL. Ctrl-C stops it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh
bash scripts/build.sh
exec node web-demo/serve.mjs "${PORT:-8080}"
