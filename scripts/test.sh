#!/usr/bin/env bash
# scripts/test.sh - everything from a fresh Debian machine to every test:
# setup, native build + GoogleTest (ctest), wasm build + Node tests on the
# same golden files, plugin type-check, and the headless-Chromium demo test.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
log() { printf '\n[test] == %s ==\n' "$*" >&2; }

log "setup"
bash scripts/setup.sh
log "build"
bash scripts/build.sh
if [[ -d ../shared/fixtures ]]; then
  log "../shared found: the shared-fixture checks run"
else
  log "../shared not found: the shared-fixture checks will report SKIPPED"
fi
log "native tests (ctest)"
ctest --test-dir build/native --output-on-failure -j 2
log "type-check (tsc --noEmit, strict)"
npx tsc --noEmit -p plugin/tsconfig.json
[[ -f web-demo/tsconfig.json ]] && npx tsc --noEmit -p web-demo/tsconfig.json
[[ -f wasm/tsconfig.json ]] && npx tsc --noEmit -p wasm/tsconfig.json
log "wasm tests (node --test)"
node --test tests/wasm/
if compgen -G "tests/tools/*.test.mjs" >/dev/null; then
  log "tool tests (node --test tests/tools/)"
  node --test tests/tools/
fi
log "browser tests (playwright-core + Debian chromium)"
node --test tests/browser/
