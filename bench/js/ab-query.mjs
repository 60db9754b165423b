// bench/js/ab-query.mjs - an A/B of two wasm builds on the query shapes of
// bench/js/queries.mjs, in one process: both engines hold the same vault and
// each round runs the query on A then on B, so a slow phase of the machine
// (this VM's speed moves 1.5x within minutes) lands on both alike. Prints the
// p50 of each build per shape and B's time over A's.
//
//   node bench/js/ab-query.mjs DIR_A DIR_B VAULT [ROUNDS] [SHAPE]
//
// DIR_A, DIR_B: directories holding vaultcrm-engine-node.cjs and
// vaultcrm-node.js (build/wasm, or a copy of an older build). SHAPE: the
// start of a shape's name (e.g. "tasks"); all shapes without it.
import { createRequire } from "node:module";
import path from "node:path";
import { loadCorpus, percentile } from "./common.mjs";
import * as regexLite from "./regex-lite.mjs";
import { QUERIES } from "./queries.mjs";

const require = createRequire(import.meta.url);
const [dirA, dirB, vault, roundsArg, only] = process.argv.slice(2);
if (!dirA || !dirB || !vault) {
  console.error("usage: node bench/js/ab-query.mjs DIR_A DIR_B VAULT [ROUNDS] [SHAPE]");
  process.exit(2);
}
const rounds = Number(roundsArg || 200);

async function engineFrom(dir) {
  const abs = path.resolve(dir);
  const wrapper = require(path.join(abs, "vaultcrm-engine-node.cjs"));
  const factory = require(path.join(abs, "vaultcrm-node.js"));
  return wrapper.createEngineFrom((options) => factory(options));
}

const files = loadCorpus(vault);
const engines = [await engineFrom(dirA), await engineFrom(dirB)];
for (const engine of engines)
  for (let i = 0; i < files.length; i += 2000)
    engine.upsertMany(files.slice(i, i + 2000).map((f) => ({ path: f.path, text: f.text, mtime: 0 })));
const pages = files.map((f) => regexLite.indexNote(f.path, f.text));

console.log(`${path.basename(vault)}: ${files.length} notes, ${rounds} rounds, A = ${dirA}, B = ${dirB}`);
for (const q of QUERIES) {
  if (only && !q.name.startsWith(only)) continue;
  const source = q.source(q.prepare(pages, files));
  const options = q.options ?? "";
  const answers = engines.map((e) => JSON.stringify(e.query(source, "", options)));
  if (answers[0] !== answers[1]) console.log(`  ${q.name}: the two builds answer differently`);
  const lat = [[], []];
  for (let r = 0; r < rounds; r++)
    for (let k = 0; k < 2; k++) {
      const t0 = performance.now();
      engines[k].query(source, "", options);
      lat[k].push(performance.now() - t0);
    }
  const [a, b] = lat.map((l) => percentile(l, 0.5));
  console.log(`  ${q.name.padEnd(30)} A ${a.toFixed(3)} ms  B ${b.toFixed(3)} ms  B/A ${(b / a).toFixed(2)}`);
}
