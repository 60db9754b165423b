#!/usr/bin/env bash
# scripts/build-wasm.sh - build the WebAssembly modules and the Node wrapper.
#
#   1. scripts/build-wasm-deps.sh        third-party libraries -> .deps/wasm-prefix
#   2. emcmake cmake -S . -B build/wasm  core + wasm/ (bindings) -> two modules:
#        build/wasm/vaultcrm-web.js      (web,worker: plugin, demo) + its wasm,
#          embedded gzip'd as build/wasm/vaultcrm-web.wasm-gz.js
#        build/wasm/vaultcrm-node.js     (node: tests)
#   3. esbuild wasm/js/node.ts           -> build/wasm/vaultcrm-engine-node.cjs,
#        the TypeScript wrapper + node module in one CommonJS file, which
#        tests/wasm/*.test.mjs import.
# Then prints timings and artifact sizes (raw and gzip).
#
# Usage: scripts/build-wasm.sh   (then: node --test tests/wasm/)
# Env:   JOBS (default nproc), VAULTCRM_DEPS_DIR (default .deps)
# The build directory is build/wasm, fixed: wasm/js/web.ts and node.ts import
# the modules from there by relative path.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BUILD_DIR=build/wasm
PREFIX=${VAULTCRM_DEPS_DIR:-$ROOT/.deps}/wasm-prefix
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

log() { printf '[build-wasm] %s\n' "$*" >&2; }

# See build-wasm-deps.sh: Debian's emcc needs Debian's acorn and its own
# frozen cache.
export NODE_PATH=${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs
unset EM_CACHE
# pkg-config under emcmake sees only the sysroot plus EM_PKG_CONFIG_PATH: add
# the prefix (utf8proc and pcre2 ship .pc files, no CMake package for utf8proc).
export EM_PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig:$PREFIX/share/pkgconfig

if [[ ! -x node_modules/.bin/esbuild ]]; then
  log "node_modules/.bin/esbuild is missing: run \`npm ci\` (or scripts/setup.sh) first"
  exit 1
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fs", b - a }'; }

t0=$(now)
bash "$ROOT/scripts/build-wasm-deps.sh"
t1=$(now)

# CMAKE_FIND_ROOT_PATH: emcmake restricts find_package() to its sysroot
# (CMAKE_FIND_ROOT_PATH_MODE_PACKAGE=ONLY); the prefix must be a root as well
# for CMAKE_PREFIX_PATH to be searched.
# CMAKE_{C,CXX}_FLAGS: -fwasm-exceptions for every target, core included (wasm/
# CMakeLists.txt refuses to configure without it); -flto for link-time
# optimisation of the core with the bindings (wasm/CMakeLists.txt links
# with -flto): 2.5% fewer instructions in a 1k load, 3.8% in a new 1 MB
# wide table (bench/wasm-instructions.sh). The deps keep ordinary objects.
log "configuring $BUILD_DIR"
mkdir -p "$BUILD_DIR"
emcmake cmake -S . -B "$BUILD_DIR" -G Ninja -Wno-dev \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$PREFIX" \
  -DCMAKE_FIND_ROOT_PATH="$PREFIX" \
  -DCMAKE_C_FLAGS="-fwasm-exceptions -flto" \
  -DCMAKE_CXX_FLAGS="-fwasm-exceptions -flto" \
  >"$BUILD_DIR/configure.log" 2>&1 ||
  { cat "$BUILD_DIR/configure.log" >&2; exit 1; }
log "building"
cmake --build "$BUILD_DIR" -j "$JOBS"
t2=$(now)

log "bundling the Node wrapper"
node_modules/.bin/esbuild wasm/js/node.ts --bundle --platform=node --format=cjs \
  --target=node18 --log-level=warning \
  --outfile="$BUILD_DIR/vaultcrm-engine-node.cjs"
t3=$(now)

size_line() {
  local f=$1 raw gz
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  printf '  %-44s %8d B raw  %8d B gzip\n' "$f" "$raw" "$gz"
}
echo "vaultcrm wasm build"
echo "  deps:    $(elapsed "$t0" "$t1")"
echo "  modules: $(elapsed "$t1" "$t2")"
echo "  wrapper: $(elapsed "$t2" "$t3")"
for f in "$BUILD_DIR/vaultcrm-web.js" "$BUILD_DIR/vaultcrm-web.wasm" "$BUILD_DIR/vaultcrm-web.wasm-gz.js" "$BUILD_DIR/vaultcrm-node.js" "$BUILD_DIR/vaultcrm-engine-node.cjs"; do
  size_line "$f"
done
