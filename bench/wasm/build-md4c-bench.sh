#!/usr/bin/env bash
# bench/wasm/build-md4c-bench.sh OUT.js - md4c alone as a node wasm module
# (bench/wasm/md4c_bench.c against the md4c the engine's wasm links), for
# scripts/bench.sh's parser-ceiling row. Needs emcc and the wasm deps
# (scripts/build-wasm-deps.sh, run by scripts/build-wasm.sh).
#
# The deps' md4c calls vaultcrm_md4c_strchr (scripts/build-wasm-deps.sh), so
# md4c alone links the same wasm/src/md4c_strchr.c as the engine.
# tests/tools/bench-build.test.mjs builds and runs it, so CI sees a break.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEPS=${VAULTCRM_DEPS_DIR:-$ROOT/.deps}
out=${1:?usage: build-md4c-bench.sh OUT.js}
export NODE_PATH=${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs
unset EM_CACHE
mkdir -p "$(dirname "$out")"
emcc -O3 "$ROOT/bench/wasm/md4c_bench.c" "$ROOT/wasm/src/md4c_strchr.c" -I"$DEPS/wasm-prefix/include" \
  "$DEPS/wasm-prefix/lib/libmd4c.a" -o "$out" -sMODULARIZE=1 -sEXPORT_NAME=createMd4cBench -sSINGLE_FILE=1 \
  -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -sEXPORTED_FUNCTIONS=_malloc,_free,_md4c_bench_run \
  -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0
