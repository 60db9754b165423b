#!/usr/bin/env bash
# scripts/setup.sh - install what vaultcrm needs on a fresh Debian bookworm
# machine (as root), then the npm packages. Idempotent: apt runs only when a
# package is missing, npm ci only when node_modules is older than the lock.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
log() { printf '[setup] %s\n' "$*" >&2; }

# Debian packages and why:
#   build-essential cmake ninja-build pkg-config  native build
#   libyaml-cpp-dev libmd4c-dev nlohmann-json3-dev  the core's parsers (native)
#   libmd4c-html0                                 not used, but Debian's md4cConfig.cmake (in
#                                                 libmd4c-dev) names its .so and find_package fails without it
#   libutf8proc-dev libpcre2-dev                  Unicode folding, bounded regexes (core)
#   googletest libgtest-dev libbenchmark-dev      native tests and benchmarks
#   emscripten node-acorn                         the wasm build
#   xz-utils ca-certificates debian-archive-keyring  fetching Debian source tarballs for wasm
#   zopfli                                        compresses the wasm embedded in plugin/main.js (~5% under gzip -9)
#   chromium                                      browser tests (driven by playwright-core)
#   nodejs npm                                    only if no node is installed
PACKAGES=(build-essential cmake ninja-build pkg-config libyaml-cpp-dev libmd4c-dev libmd4c-html0 nlohmann-json3-dev
  libutf8proc-dev libpcre2-dev googletest libgtest-dev libbenchmark-dev emscripten node-acorn xz-utils zopfli
  ca-certificates debian-archive-keyring chromium)
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs)
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    log "missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}"
    exit 1
  fi
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
log "ready: $(node --version), $(cmake --version | head -1), $(emcc --version 2>/dev/null | head -1 | cut -c1-60)"
