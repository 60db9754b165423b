#!/usr/bin/env bash
# bench/wasm-instructions.sh - x86 instructions that the wasm engine's
# compiled code runs for one workload (bench/js/instructions.cjs), counted by
# callgrind. The count repeats run to run (within 0.1%), where wall times on
# this VM moved 1.8x every few seconds: use it to compare two builds.
#
#   bash bench/wasm-instructions.sh [MODULE] load build/bench/vault-1k
#   bash bench/wasm-instructions.sh [MODULE] note build/bench/patho/wide-table.md 2
#   bash bench/wasm-instructions.sh [MODULE] edit build/bench/patho/link-flood.md 2
#   bash bench/wasm-instructions.sh [MODULE] warm build/bench/vault-1k
#     (a warm start: the snapshot is saved first by an uncounted run)
#   bash bench/wasm-instructions.sh [MODULE] panels build/bench/vault-1k 200
#     (minus the same `load`, over 200: one edit and its panel)
#   bash bench/wasm-instructions.sh [MODULE] open build/bench/vault-1k 200
#     (the same edits with one account's panel open: version check, and
#     the panel only when its version moved)
#   bash bench/wasm-instructions.sh [MODULE] dashboard build/bench/vault-1k 200
#     (the same edits with the six query blocks of bench/js/queries.mjs
#     open: each block's version check, and its page when that moved)
#
# MODULE defaults to build/wasm/vaultcrm-node.js (scripts/build-wasm.sh); for
# an A/B, copy an older build aside and pass its path. Needs valgrind
# (apt-get install valgrind); a 1k load takes about a minute.
#
# How: V8 is run with TurboFan only (--no-liftoff: no tier-up that depends on
# timing) on one thread; callgrind's --smc-check=all sees the code V8 writes.
# The code V8 generated has no symbols: it is the "???" object in
# callgrind_annotate, and its sum is printed as "engine". It includes the
# wrapper's JavaScript, which is small next to the engine. Node's own C++
# (start-up, the wasm compiler, the garbage collector) is the rest of "total".
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
module=$ROOT/build/wasm/vaultcrm-node.js
if [[ $# -gt 0 && $1 == *.js ]]; then module=$1; shift; fi
if [[ $# -lt 2 ]]; then sed -n 2,26p "$0" >&2; exit 2; fi
command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install valgrind" >&2; exit 1; }
if [[ $1 == warm ]]; then
  node "$ROOT/bench/js/instructions.cjs" "$module" snapshot "$2" >/dev/null
fi
out=$(mktemp /tmp/wasm-instructions.XXXXXX)
trap 'rm -f "$out"' EXIT
valgrind --tool=callgrind --smc-check=all --callgrind-out-file="$out" \
  node --no-liftoff --single-threaded "$ROOT/bench/js/instructions.cjs" "$module" "$@" 2>/dev/null
callgrind_annotate --threshold=100 "$out" 2>/dev/null | awk '
  /PROGRAM TOTALS/ { total = $1; gsub(",", "", total) }
  /^ *[0-9,]+ .*\?\?\?:0x[0-9a-f]+ \[\?\?\?\]/ { n = $1; gsub(",", "", n); engine += n }
  END { printf "engine (JIT code): %.1f M instructions; total with node: %.1f M\n", engine / 1e6, total / 1e6 }'
