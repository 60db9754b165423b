#!/usr/bin/env bash
# scripts/build.sh - native build (CLI + tests), wasm modules, plugin bundle
# and web demo. Prints how long each part took.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
log() { printf '[build] %s\n' "$*" >&2; }
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
t() { date +%s; }

t0=$(t)
mkdir -p build
cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release -Wno-dev >build/native.configure.log 2>&1 ||
  { mkdir -p build; cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release; }
cmake --build build/native -j "$JOBS"
t1=$(t)
bash scripts/build-wasm.sh
t2=$(t)
npm run --silent build:plugin
npm run --silent build:demo
t3=$(t)
log "native $((t1 - t0))s, wasm $((t2 - t1))s, plugin+demo $((t3 - t2))s"
