#!/usr/bin/env node
// Contact resolution in wasm (issue 7, target 9): engine.dedup() on a vault
// written by `vaultcrm_dedup_bench vault DIR --mentions N`, in the same Node
// process the plugin would use. Prints the median of --runs after one
// warm-up, plus a JSON line ("json {...}") for scripts.
//
//   node tools/dedup-wasm-bench.mjs DIR [--runs 3]
//   (VAULTCRM_WASM_DIR picks the build, default build/wasm)
//
// The time is engine.dedup({}) alone - mention extraction, contact
// resolution and entry dedup, plus the JSON crossing back - with the vault
// already upserted; it is the same work as the native `vault` mode's
// dedup::run, so the two divide.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 3);
if (!dir) {
  console.error('usage: node tools/dedup-wasm-bench.mjs DIR [--runs 3]');
  process.exit(1);
}
const wasmDir = process.env.VAULTCRM_WASM_DIR || join(root, 'build/wasm');
const { createEngine } = require(join(wasmDir, 'vaultcrm-engine-node.cjs'));

function walk(d, out = []) {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.md')) out.push({ path: relative(dir, p), text: readFileSync(p, 'utf8'), mtime: 0 });
  }
  return out;
}

const notes = walk(dir);
const engine = await createEngine();
let t0 = performance.now();
for (let i = 0; i < notes.length; i += 2000) engine.upsertMany(notes.slice(i, i + 2000));
const indexMs = performance.now() - t0;
const times = [];
const cpus = [];  // process CPU time (user + system): less sensitive to other jobs' load than wall time
let report;
for (let r = 0; r <= runs; r++) {
  t0 = performance.now();
  const c0 = process.cpuUsage();
  report = engine.dedup({});
  const c = process.cpuUsage(c0);
  if (r > 0) times.push(performance.now() - t0), cpus.push((c.user + c.system) / 1000);  // the first call is the warm-up
}
times.sort((a, b) => a - b);
cpus.sort((a, b) => a - b);
const med = times[Math.floor(times.length / 2)];
const medCpu = cpus[Math.floor(cpus.length / 2)];
const clusters = report.contacts.clusters.length;
console.log(`wasm engine.dedup on ${notes.length} notes (upserted in ${(indexMs / 1000).toFixed(2)} s): ` +
  `median of ${runs} ${med >= 1000 ? (med / 1000).toFixed(2) + ' s' : med.toFixed(0) + ' ms'} wall, ` +
  `${(medCpu / 1000).toFixed(2)} s CPU, ${clusters} clusters`);
console.log(`json ${JSON.stringify({ stage: 'dedup_vault_wasm', notes: notes.length, median_s: med / 1000, median_cpu_s: medCpu / 1000, runs, clusters })}`);
engine.dispose();
