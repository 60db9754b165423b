#!/usr/bin/env bash
# scripts/bench.sh - the benchmarks of issue 7 in one command: builds what it
# needs, generates the corpora, runs native, wasm and the pure-JS baselines,
# and prints one table of medians with the issue's ratios (BENCHMARKS.md).
#
#   bash scripts/bench.sh                    1k + 10k notes + pathological set
#   BENCH_100K=1 bash scripts/bench.sh       also 100k notes (~+10 min here)
#   BENCH_REV=HEAD bash scripts/bench.sh     build a committed revision (git
#                                            archive) instead of the working
#                                            tree; the harness (bench/) is
#                                            always the working tree's
#
# Env: BENCH_RUNS (5; timed runs after one warm-up), BENCH_RUNS_100K (3),
#      BENCH_SKIP_BUILD=1 (use what is built), BENCH_CHUNK (2000 notes per
#      upsertMany crossing), JOBS.
# Outputs: build/bench/vault-*/ (corpora, never committed), build/bench/
#      results/*.jsonl, table.md and chart.svg. Single-threaded measurements;
#      the table prints the load average, since this box is shared.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=$ROOT/build/bench
RES=$OUT/results
RUNS=${BENCH_RUNS:-5}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
log() { printf '[bench] %s\n' "$*" >&2; }
export NODE_PATH=${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs
unset EM_CACHE

SIZES="1k 10k"
[[ ${BENCH_100K:-0} == 1 ]] && SIZES="$SIZES 100k"
mkdir -p "$OUT" "$RES"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
t_start=$(date +%s)

# --- the source tree to measure
if [[ -n ${BENCH_REV:-} ]]; then
  rev=$(git rev-parse --short "$BENCH_REV")
  SRC=$OUT/src-$rev
  if [[ ! -f $SRC/.bench-exported ]]; then
    log "exporting $BENCH_REV ($rev) to $SRC"
    rm -rf "$SRC" && mkdir -p "$SRC"
    git archive "$rev" | tar -x -C "$SRC"
    ln -s "$ROOT/node_modules" "$SRC/node_modules"
    touch "$SRC/.bench-exported"
  fi
  rm -rf "$SRC/bench" && cp -r "$ROOT/bench" "$SRC/bench"
  source_desc="git $rev (BENCH_REV=$BENCH_REV)"
else
  SRC=$ROOT
  source_desc="working tree at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- core wasm 2>/dev/null || echo ' + uncommitted core/wasm edits')"
fi

# --- build
if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  [[ -x node_modules/.bin/esbuild && -d node_modules/markdown-it ]] || { log "npm ci"; npm ci --no-audit --no-fund >&2; }
  log "native: vaultcrm_bench"
  cmake -S "$SRC" -B "$SRC/build/bench-native" -G Ninja -DCMAKE_BUILD_TYPE=Release -DVAULTCRM_TESTS=OFF -Wno-dev \
    >"$OUT/native.configure.log" 2>&1 || { cat "$OUT/native.configure.log" >&2; exit 1; }
  cmake --build "$SRC/build/bench-native" --target vaultcrm_bench -j "$JOBS" >&2
  log "wasm: scripts/build-wasm.sh"
  (cd "$SRC" && VAULTCRM_DEPS_DIR=$ROOT/.deps bash scripts/build-wasm.sh) >"$OUT/wasm.build.log" 2>&1 ||
    { tail -30 "$OUT/wasm.build.log" >&2; exit 1; }
  log "wasm: md4c alone"
  bash bench/wasm/build-md4c-bench.sh "$OUT/wasm/md4c-node.js" >&2
  if [[ -f $SRC/plugin/esbuild.config.mjs ]]; then
    log "plugin: main.js"
    (cd "$SRC" && node plugin/esbuild.config.mjs) >"$OUT/plugin.build.log" 2>&1 || log "plugin build failed (see $OUT/plugin.build.log)"
  fi
fi
BIN=$SRC/build/bench-native/bench/vaultcrm_bench
export VAULTCRM_WASM_DIR=$SRC/build/wasm MD4C_WASM=$OUT/wasm/md4c-node.js PLUGIN_MAIN=$SRC/plugin/main.js

# --- corpora (regenerated when the generator changes)
stamp=$(sha1sum bench/gen-vault.mjs | cut -c1-12)
gen() {  # name, args...
  local name=$1; shift
  if [[ $(cat "$OUT/$name.stamp" 2>/dev/null) != "$stamp" ]]; then
    node bench/gen-vault.mjs "$@" --out "$OUT/$name"
    echo "$stamp" >"$OUT/$name.stamp"
  fi
}
for s in $SIZES; do
  n=${s%k}000
  gen "vault-$s" --notes "$n"
done
gen patho --patho

# --- run
rm -f "$RES"/*.jsonl
for s in $SIZES; do
  runs=$RUNS
  [[ $s == 100k ]] && runs=${BENCH_RUNS_100K:-3}
  log "native $s (runs=$runs)"
  "$BIN" vault "$OUT/vault-$s" --label "$s" --edits "$OUT/vault-$s.edits.json" --runs "$runs" >"$RES/native-$s.jsonl"
  log "node: JS baselines + wasm $s (runs=$runs)"
  node --max-old-space-size=8192 --expose-gc bench/js/run.mjs vault "$OUT/vault-$s" --label "$s" --runs "$runs" >"$RES/node-$s.jsonl"
done
log "pathological set"
"$BIN" patho "$OUT/patho" --runs "$RUNS" >"$RES/native-patho.jsonl"
node bench/js/run.mjs patho "$OUT/patho" --runs "$RUNS" >"$RES/node-patho.jsonl"
node bench/js/run.mjs size >"$RES/size.jsonl"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
cat >"$RES/meta.json" <<EOF
{"machine": "$(nproc) cores, $cpu, $(free -g | awk '/Mem:/ {print $2}') GB RAM, Node $(node --version), emcc $(emcc --version 2>/dev/null | sed -n '1s/.* \([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p')",
 "load_before": "$load_before", "load_after": "$(cut -d' ' -f1-3 /proc/loadavg)",
 "source": "$source_desc", "runs": $RUNS, "date": "$(date -u +%Y-%m-%dT%H:%MZ)"}
EOF

# --- contact resolution over growing N (issue 7 target 9; BENCHMARKS.md
# "Contact resolution (target 9)"). Native resolve() at 1k/10k/100k mentions
# with the naive all-pairs extrapolation, then one generated 100k-mention
# vault through dedup::run natively and engine.dedup in wasm.
# BENCH_SKIP_DEDUP=1 skips it.
rm -f "$RES"/dedup-*.txt  # never report a previous run's figures
if [[ ${BENCH_SKIP_DEDUP:-0} != 1 ]]; then
  DEDUP_BIN=$SRC/build/bench-native/bench/vaultcrm_dedup_bench
  if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
    cmake --build "$SRC/build/bench-native" --target vaultcrm_dedup_bench -j "$JOBS" >&2
  fi
  log "dedup: resolve() at 1k/10k/100k mentions"
  "$DEDUP_BIN" scale --sizes 1000,10000,100000 --runs "$RUNS" --naive 2000 | tee "$RES/dedup-scale.txt" | grep -v '^json '
  log "dedup: a 100k-mention vault, native dedup::run and wasm engine.dedup"
  # --mentions 106000 generates the ~100,000 mentions the extractor finds in the notes.
  "$DEDUP_BIN" vault "$OUT/dedup-vault-100k" --mentions 106000 --runs 3 | tee "$RES/dedup-vault.txt" | grep -v '^json '
  node --max-old-space-size=8192 tools/dedup-wasm-bench.mjs "$OUT/dedup-vault-100k" --runs 3 | tee -a "$RES/dedup-vault.txt" | grep -v '^json '
fi

# The report reads the dedup stages too (target 9), so it comes last.
node bench/report.mjs "$RES"
log "done in $(($(date +%s) - t_start)) s; results in $RES (table.md, chart.svg)"
