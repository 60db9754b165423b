#!/usr/bin/env node
// bench/js/run.mjs - the Node side of scripts/bench.sh: the wasm engine, md4c
// alone in wasm, and the two pure-JS baselines, all in this one process on
// the same files. JSON lines on stdout (bench/report.mjs joins them with the
// native ones); progress on stderr.
//
//   node bench/js/run.mjs vault build/bench/vault-10k --label 10k [--runs 5]
//   node bench/js/run.mjs vault build/bench/vault-10k --label 10k --only query,edit
//   node bench/js/run.mjs patho build/bench/patho [--only wasm]   (--only wasm: no JS baselines)
//   node bench/js/run.mjs size                       (plugin/main.js, wasm modules)
//
// Stages per corpus (throughput = note bytes / median time):
//   js_markdown_it   gray-matter + markdown-it token walk, every note
//   js_regex_lite    js-yaml + regular expressions, every note
//   wasm_md4c        md4c alone in wasm (bench/wasm/md4c_bench.c)
//   wasm_raw         raw embind upsertMany() of one prebuilt JSON string per
//                    chunk: the same C++ path as native engine_json
//   wasm_batch       raw embind batchBegin/batchAdd/batchEnd, note by note, one
//                    pass: the same C++ path as native engine_batch
//   wasm_index       Engine.upsertMany(notes) through the TS wrapper, chunked:
//                    a crossing per note + index, then the first panel, which
//                    builds the graph (the plugin's load)
//   pairs            targets 3 and 4 round by round: regex-lite, markdown-it,
//                    wasm_index and wasm_index_only (the same load without the
//                    graph: what the JS sides build) timed back to back,
//                    ratio per round, median
//   wasm_cold        a fresh module (compile + instantiate) + wasm_index
//   wasm_warm        a fresh module + loadSnapshot() of a saved index (target 10)
//   wasm_cold_process, wasm_warm_process
//                    the same two, each run in a new Node process (what a user
//                    meets at Obsidian start: first-touch heap pages, cold JIT)
//   memory_single    heap growth after one upsertMany of the vault / notes
//                    (fresh module), and where the module reports them the
//                    allocator's bytes in use and high-water mark per note,
//                    with and without the note texts, then with the graph
//                    its first panel builds
//   upsert_panel     per edit: Engine.upsert() then Engine.panel() of the
//                    account note, results parsed: p50/p99 over 2,000 edits
//   query_*, dedup   call engine.query / engine.dedup when the core has them;
//                    the JS filter/sort baseline over page objects runs now
import fs from "node:fs";
import os from "node:os";
import { spawnSync } from "node:child_process";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";
import { loadCorpus, bytesOf, timeRuns, emit, row, percentile, median } from "./common.mjs";
import * as regexLite from "./regex-lite.mjs";
import * as mdit from "./markdown-it.mjs";
import { QUERIES } from "./queries.mjs";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const RUNS = Number(opt("runs", "5"));
// --only js,md4c,raw,index,pairs,cold,warm,memory_single,edit,query,dedup runs those
// stage groups of a vault (default: all), e.g. to time one stage while working on it.
const ONLY = opt("only", null)?.split(",");
const want = (group) => !ONLY || ONLY.includes(group);
const CHUNK = Number(process.env.BENCH_CHUNK || 2000);
const log = (...a) => console.error("[node]", ...a);

// Where the engine's modules were built (scripts/bench.sh may build a git
// revision elsewhere) and where the md4c-alone module is.
const WASM_DIR = process.env.VAULTCRM_WASM_DIR || path.join(ROOT, "build/wasm");
const MD4C_WASM = process.env.MD4C_WASM || path.join(ROOT, "build/bench/wasm/md4c-node.js");
const PLUGIN_MAIN = process.env.PLUGIN_MAIN || path.join(ROOT, "plugin/main.js");
const wrapper = require(path.join(WASM_DIR, "vaultcrm-engine-node.cjs"));
const factoryPath = path.join(WASM_DIR, "vaultcrm-node.js");

// A new module instance per call: createEngineFrom() memoises per factory
// function, so a fresh closure means a fresh wasm instance (and heap).
async function freshEngine() {
  const factory = require(factoryPath);
  let module = null;
  const engine = await wrapper.createEngineFrom((o) => factory(o).then((m) => (module = m)));
  return { engine, module };
}
const heapBytes = (m) => (m.HEAP8 ? m.HEAP8.length : m.wasmMemory ? m.wasmMemory.buffer.byteLength : NaN);

// The engine builds its graph on first use after a bulk load: every load
// stage ends with the first account panel, so the graph is in the time.
const firstAccount = (files) => (files.find((f) => f.path.startsWith("Customers/")) ?? files[0]).path;

// The plugin's load: the notes, then the first panel, which builds the
// graph (a bulk load leaves it to its first reader). Without the panel
// (`withGraph` false) the engine holds what the JS baselines build: each
// note's frontmatter, links, tags, tasks and headings, indexed.
function upsertChunked(engine, files, withGraph = true) {
  for (let i = 0; i < files.length; i += CHUNK)
    engine.upsertMany(files.slice(i, i + CHUNK).map((f) => ({ path: f.path, text: f.text, mtime: 0 })));
  if (withGraph) engine.panel(firstAccount(files));
}

async function md4cWasm() {
  const create = require(MD4C_WASM);
  return create();
}

async function runVault(dir, label) {
  const files = loadCorpus(dir);
  const n = files.length, bytes = bytesOf(files);
  log(`${label}: ${n} notes, ${(bytes / 1e6).toFixed(1)} MB`);

  // --- pure JS baselines (an index: one result object per note, kept).
  for (const [stage, impl] of want("js") ? [["js_regex_lite", regexLite], ["js_markdown_it", mdit]] : []) {
    let kept = null;
    const runs = timeRuns(RUNS, () => (kept = null), () => { kept = files.map((f) => impl.indexNote(f.path, f.text)); });
    emit(row("js", stage, label, n, bytes, runs));
    const c = { links: 0, tags: 0, tasks: 0, headings: 0 };
    for (const r of kept) { c.links += r.links.length; c.tags += r.tags.length; c.tasks += r.tasks.length; c.headings += r.headings.length; }
    emit({ impl: "js", stage: stage + "_counts", corpus: label, notes: n, ...c });
    kept = null;
  }

  // --- md4c alone in wasm: the corpus copied into the heap once.
  if (want("md4c")) {
    const m = await md4cWasm();
    const enc = files.map((f) => Buffer.from(f.text));
    const total = enc.reduce((s, b) => s + b.length, 0);
    const buf = m._malloc(total), offs = m._malloc(4 * (n + 1));
    let o = 0;
    for (let i = 0; i < n; i++) { m.HEAPU32[(offs >> 2) + i] = o; m.HEAPU8.set(enc[i], buf + o); o += enc[i].length; }
    m.HEAPU32[(offs >> 2) + n] = o;
    const runs = timeRuns(RUNS, null, () => { if (m._md4c_bench_run(buf, offs, n) !== 0) throw new Error("md4c failed"); });
    emit(row("wasm", "wasm_md4c", label, n, bytes, runs));
  }

  // --- the engine: raw embind path with prebuilt JSON (same C++ as native engine_json).
  if (want("raw")) {
    const { engine, module } = await freshEngine();
    const chunks = [];
    for (let i = 0; i < n; i += CHUNK) chunks.push(JSON.stringify(files.slice(i, i + CHUNK).map((f) => ({ path: f.path, text: f.text, mtime: 0 }))));
    const single = n <= 20000 ? JSON.stringify(files.map((f) => ({ path: f.path, text: f.text, mtime: 0 }))) : null;
    let raw = null;
    const runs = timeRuns(RUNS, () => { if (raw) raw.delete(); raw = new module.Engine(); }, () => {
      for (const c of chunks) { const r = raw.upsertMany(c); if (r.charCodeAt(6) !== 116) throw new Error(r.slice(0, 200)); }
      raw.panel(firstAccount(files));
    });
    emit(row("wasm", "wasm_raw", label, n, bytes, runs));
    if (single) {
      const runs1 = timeRuns(RUNS, () => { if (raw) raw.delete(); raw = new module.Engine(); }, () => {
        const r = raw.upsertMany(single); if (r.charCodeAt(6) !== 116) throw new Error(r.slice(0, 200));
        raw.panel(firstAccount(files));
      });
      emit(row("wasm", "wasm_raw_single", label, n, bytes, runs1));
    }
    const runsBatch = timeRuns(RUNS, () => { if (raw) raw.delete(); raw = new module.Engine(); }, () => {
      raw.batchBegin(files.length);
      for (const f of files) raw.batchAdd(f.path, f.text, 0);
      const r = raw.batchEnd(); if (r.charCodeAt(6) !== 116) throw new Error(r.slice(0, 200));
      raw.panel(firstAccount(files));
    });
    emit(row("wasm", "wasm_batch", label, n, bytes, runsBatch));
    raw.delete();
    engine.dispose();
  }

  // --- through the wrapper, as the plugin loads a vault; and cold (fresh module).
  if (want("index")) {
    const { engine, module } = await freshEngine();
    let e = null;
    const runs = timeRuns(RUNS, () => { if (e) e.dispose(); e = new wrapper.Engine(module); }, () => upsertChunked(e, files));
    emit(row("wasm", "wasm_index", label, n, bytes, runs));
    e.dispose();
    engine.dispose();
  }
  // --- targets 3 and 4 as pairs: the VM this runs on changes speed every few
  // seconds, so two medians taken a minute apart can come from different
  // speeds. Here each round times the two JS baselines and the wasm load back
  // to back (in alternating order, so neither side always runs after the
  // other's garbage), and the ratio is taken within the round; the row is
  // the median of those per-round ratios.
  if (want("pairs")) {
    const { engine, module } = await freshEngine();
    const timeOnce = (fn) => { const t0 = performance.now(); fn(); return performance.now() - t0; };
    // Each JS side builds its whole index (one result object per note) and
    // drops it after the round, as the stages above do.
    const js = { js_regex_lite: regexLite, js_markdown_it: mdit };
    // wasm_index is the plugin's load (with the graph its first panel
    // builds); wasm_index_only the same notes without the graph, like for
    // like with the JS sides, which build no graph.
    const rounds = { js_regex_lite: [], js_markdown_it: [], wasm_index: [], wasm_index_only: [] };
    let e = null;
    // More rounds than RUNS: a per-round ratio is noisier than a median.
    const ROUNDS = Math.max(RUNS, 9);
    for (let r = 0; r <= ROUNDS; r++) {
      const order = r % 2 ? ["wasm_index", "js_markdown_it", "wasm_index_only", "js_regex_lite"]
        : ["js_regex_lite", "wasm_index_only", "js_markdown_it", "wasm_index"];
      const t = {};
      for (const side of order) {
        if (side.startsWith("wasm_")) {
          if (e) e.dispose();
          e = new wrapper.Engine(module);
          t[side] = timeOnce(() => upsertChunked(e, files, side === "wasm_index"));
        } else t[side] = timeOnce(() => files.map((f) => js[side].indexNote(f.path, f.text)));
      }
      if (r > 0) for (const k in rounds) rounds[k].push(t[k]);
    }
    e.dispose();
    engine.dispose();
    for (const js of ["js_regex_lite", "js_markdown_it"])
      for (const wasm of ["wasm_index", "wasm_index_only"]) {
        const ratios = rounds[js].map((ms, i) => ms / rounds[wasm][i]);
        emit({ impl: "pair", stage: `${js}/${wasm}`, corpus: label, notes: n, bytes, median_ratio: median(ratios), ratios,
          js_runs_ms: rounds[js], wasm_runs_ms: rounds[wasm] });
      }
  }
  if (want("cold")) {
    const cold = [], init = [], mem = [], inUse = [], peak = [];
    for (let r = 0; r <= RUNS; r++) {
      const t0 = performance.now();
      const { engine, module } = await freshEngine();
      const t1 = performance.now();
      const before = heapBytes(module);
      const stats = typeof module.heapInUse === "function";  // see memory_single
      const inUseBefore = stats ? module.heapInUse() : NaN;
      upsertChunked(engine, files);
      const t2 = performance.now();
      if (r > 0) {
        cold.push(t2 - t0); init.push(t1 - t0); mem.push(heapBytes(module) - before);
        if (stats) { inUse.push(module.heapInUse() - inUseBefore); peak.push(module.heapPeak() - inUseBefore); }
      }
      engine.dispose();
    }
    emit({ ...row("wasm", "wasm_cold", label, n, bytes, cold), init_ms: median(init) });
    const heap = median(mem);
    emit({ impl: "wasm", stage: "memory", corpus: label, notes: n, bytes, heap_bytes: heap, bytes_per_note: heap / n,
      text_bytes_per_note: bytes / n, chunk: CHUNK,
      ...(inUse.length ? { in_use_per_note: median(inUse) / n, peak_per_note: median(peak) / n,
        in_use_without_text_per_note: (median(inUse) - bytes) / n, peak_without_text_per_note: (median(peak) - bytes) / n } : {}) });
    emitInNewProcesses("wasm_cold_process", label, n, bytes, ["start-child", "cold", dir]);
    emitFirstTouchCost(label);
  }
  // --- warm start (target 10): a fresh module (compile + instantiate) loads
  // the snapshot an earlier session saved; its stamp list is parsed in JS as
  // the plugin does. The texts are attached later, off the critical path.
  if (want("warm")) {
    const { engine } = await freshEngine();
    upsertChunked(engine, files);
    const s0 = performance.now();
    const snapshot = engine.saveSnapshot();
    const saveMs = performance.now() - s0;
    engine.dispose();
    const warm = [], init = [], load = [];
    for (let r = 0; r <= RUNS; r++) {
      const t0 = performance.now();
      const { engine: e } = await freshEngine();
      const t1 = performance.now();
      const loaded = e.loadSnapshot(snapshot);
      e.panel(firstAccount(files));
      const t2 = performance.now();
      if (loaded.notes !== n) throw new Error(`snapshot restored ${loaded.notes} of ${n} notes`);
      if (r > 0) { warm.push(t2 - t0); init.push(t1 - t0); load.push(t2 - t1); }
      e.dispose();
    }
    emit({ ...row("wasm", "wasm_warm", label, n, bytes, warm), init_ms: median(init), load_ms: median(load),
      snapshot_bytes: snapshot.length, save_ms: saveMs });
    const saved = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "vaultcrm-bench-")), "index.snapshot");
    fs.writeFileSync(saved, snapshot);
    emitInNewProcesses("wasm_warm_process", label, n, bytes, ["start-child", "warm", dir, saved]);
    if (!want("cold")) emitFirstTouchCost(label);
    fs.rmSync(path.dirname(saved), { recursive: true, force: true });
  }
  // Peak with one crossing for the whole vault (the JSON copy + its parse tree).
  if (want("memory_single") && n <= 20000) {
    const { engine, module } = await freshEngine();
    const before = heapBytes(module);
    // The allocator's own counts, where the module has them: the memory's
    // growth (heap_bytes) misses what fits in its initial 16 MB (most of a
    // 1k vault) and rounds up to its growth steps.
    const stats = typeof module.heapInUse === "function";
    const inUseBefore = stats ? module.heapInUse() : NaN;
    engine.upsertMany(files.map((f) => ({ path: f.path, text: f.text, mtime: 0 })));
    const row = { impl: "wasm", stage: "memory_single", corpus: label, notes: n, heap_bytes: heapBytes(module) - before,
      bytes_per_note: (heapBytes(module) - before) / n };
    if (stats) {
      const text = bytes;  // the note texts' UTF-8 bytes, which the vault keeps
      const inUse = module.heapInUse() - inUseBefore, peak = module.heapPeak() - inUseBefore;
      Object.assign(row, { in_use_per_note: inUse / n, peak_per_note: peak / n,
        in_use_without_text_per_note: (inUse - text) / n, peak_without_text_per_note: (peak - text) / n });
      // The first panel builds the graph: part of what a loaded vault holds.
      engine.panel(firstAccount(files));
      Object.assign(row, { with_graph_in_use_per_note: (module.heapInUse() - inUseBefore) / n,
        with_graph_peak_per_note: (module.heapPeak() - inUseBefore) / n });
    }
    emit(row);
    engine.dispose();
  }

  // --- queries and dedup: the engine's when it has them; the JS baseline now.
  // The JS baseline's page objects are built here, not kept from the
  // js_regex_lite stage: at 100k they are about 0.5 GB of small objects,
  // and while they were live V8 spent ~13 s in GC pauses during the
  // in-process cold stage (17.4 s with them, 8.7 s without; session 35 in
  // BENCHMARKS.md). The edit stages run after this function returns: see
  // runEdits.
  let engine = null;
  const pages = want("query") ? files.map((f) => regexLite.indexNote(f.path, f.text)) : null;
  if (want("query") || want("dedup")) { ({ engine } = await freshEngine()); upsertChunked(engine, files); }
  for (const q of want("query") ? QUERIES : []) {
    const ctx = q.prepare(pages, files);
    const js = [];
    let jsRows = 0;
    for (let r = 0; r < 25; r++) { const t0 = performance.now(); jsRows = q.js(ctx).length; if (r >= 5) js.push(performance.now() - t0); }
    const out = { impl: "wasm", stage: "query", query: q.name, corpus: label, notes: n, js_p50_ms: percentile(js, 0.5), js_rows: jsRows };
    const source = q.source(ctx);
    const call = (s) => engine.query(s, "", q.options ?? "");
    {
      try {
        const first = call(source);
        if (first && first.ok === false) throw Object.assign(new Error(first.error.message), { code: first.error.code });
        const lat = [];
        for (let r = 0; r < 105; r++) { const t0 = performance.now(); call(source); if (r >= 5) lat.push(performance.now() - t0); }
        out.p50_ms = percentile(lat, 0.5);
        out.p99_ms = percentile(lat, 0.99);
        // The editor's case: a note changed, then the query block re-runs
        // (any per-vault cache is cold again). Timed: the query alone.
        const edited = files.find((f) => f.path.startsWith("Meetings/")) || files[0];
        const afterEdit = [];
        for (let r = 0; r < 25; r++) {
          engine.upsert(edited.path, `${edited.text}\n- bench edit ${r}\n`, 1);
          const t0 = performance.now(); call(source); if (r >= 5) afterEdit.push(performance.now() - t0);
        }
        engine.upsert(edited.path, edited.text, 0);
        out.after_edit_p50_ms = percentile(afterEdit, 0.5);
        out.status = "ok";
      } catch (err) {
        out.status = `not built yet (${err.code || "error"}: ${err.message})`;
      }
    }
    emit(out);
  }
  if (want("dedup")) {
    const out = { impl: "wasm", stage: "dedup", corpus: label, notes: n };
    const call = () => engine.dedup({});
    {
      try {
        const lat = timeRuns(3, null, () => call());
        out.median_ms = median(lat);
        out.status = "ok";
      } catch (err) {
        out.status = `not built yet (${err.code || "error"}: ${err.message})`;
      }
    }
    emit(out);
  }
  if (engine) engine.dispose();
}

// --- one edited note: upsert + panel of its account, in a loaded vault.
//
// These stages run after runVault has returned, with no note text left in
// the JS heap but the edited notes'. A plugin hands each text to the engine
// and drops it. When the edit stages ran inside runVault, the 100k vault's
// texts and regex-lite's page objects (about 990 MB live) stayed in V8's
// heap: every scavenge of the edits' small garbage then paused ~4.5 ms
// instead of ~0.3-1.8 ms, often enough to set the 100k p99s (3-9 ms against
// 0.4-0.8 ms; session 35 in BENCHMARKS.md). Each stage loads a fresh engine
// from the files on disk, keeps the edited notes' texts, and (with node
// --expose-gc, as scripts/bench.sh runs it) collects the rest before the
// first timed edit.
async function loadForEdits(dir, edits) {
  let files = loadCorpus(dir);
  const n = files.length;
  const { engine } = await freshEngine();
  upsertChunked(engine, files);
  const wanted = new Set(edits.map((e) => e.path));
  const byPath = new Map(files.filter((f) => wanted.has(f.path)).map((f) => [f.path, f]));
  const account = files.find((f) => f.path.startsWith("Customers/"))?.path ?? files[0].path;
  files = null;
  if (typeof globalThis.gc === "function") globalThis.gc();
  return { engine, byPath, account, n };
}

// The edits every edit stage makes, in order: each note the stage holds
// gets a new line linking its account (so each edit changes that account's
// panel). The first 100 are V8's warm-up and are not timed.
const WARM_UP_EDITS = 100;
function* editedNotes(edits, byPath) {
  let i = 0;
  for (const e of edits) {
    const f = byPath.get(e.path);
    if (!f) continue;
    yield { path: f.path, account: e.account, timed: i >= WARM_UP_EDITS,
      text: `${f.text}\n- 2026-01-05: edited ${i} with [[${e.account}]] #bench\n` };
    i++;
  }
}

async function runEdits(dir, label) {
  const editsFile = path.join(path.dirname(dir), path.basename(dir) + ".edits.json");
  if (!want("edit") || !fs.existsSync(editsFile)) return;
  const edits = JSON.parse(fs.readFileSync(editsFile, "utf8"));
  let { engine, byPath, n } = await loadForEdits(dir, edits);
  const lat = [], upsertLat = [], panelLat = [];
  for (const e of editedNotes(edits, byPath)) {
    const t0 = performance.now();
    engine.upsert(e.path, e.text, 1);
    const t1 = performance.now();
    const panel = engine.panel(e.account);
    const t2 = performance.now();
    if (!panel || !panel.path) throw new Error("panel failed");
    if (e.timed) { lat.push(t2 - t0); upsertLat.push(t1 - t0); panelLat.push(t2 - t1); }
  }
  // The two halves too: the upsert (parse, index, graph; the query cache
  // catches up with the vault's change list at its next query) and the
  // panel built again with its JSON.
  emit({ impl: "wasm", stage: "upsert_panel", corpus: label, notes: n, samples: lat.length,
    p50_ms: percentile(lat, 0.5), p99_ms: percentile(lat, 0.99), max_ms: percentile(lat, 1),
    upsert_p50_ms: percentile(upsertLat, 0.5), upsert_p99_ms: percentile(upsertLat, 0.99),
    panel_p50_ms: percentile(panelLat, 0.5), panel_p99_ms: percentile(panelLat, 0.99) });

  // The plugin's case: one account's panel open while notes anywhere in
  // the vault are edited (the same edits, in a freshly loaded engine, so
  // each adds the same new link to its own account). After each upsert
  // the open panel's version is checked (Engine.panelVersion, target 6's
  // "dependent panel invalidation"), and the panel fetched and parsed only
  // when the version moved, as plugin/views/AccountView.ts does. Not every
  // engine has panelVersion.
  if (typeof engine.panelVersion === "function") {
    engine.dispose();
    let open;
    ({ engine, byPath, account: open } = await loadForEdits(dir, edits));
    let shown = engine.panelVersion(open);
    const openLat = [];
    let moved = 0;
    for (const e of editedNotes(edits, byPath)) {
      const t0 = performance.now();
      engine.upsert(e.path, e.text, 2);
      const version = engine.panelVersion(open);
      if (version !== shown) {
        if (!engine.panel(open).path) throw new Error("panel failed");
        shown = version;
        if (e.timed) moved++;
      }
      const t1 = performance.now();
      if (e.timed) openLat.push(t1 - t0);
    }
    emit({ impl: "wasm", stage: "upsert_open_panel", corpus: label, notes: n, samples: openLat.length, moved,
      p50_ms: percentile(openLat, 0.5), p99_ms: percentile(openLat, 0.99), max_ms: percentile(openLat, 1) });
  }

  // A dashboard open instead: the six query shapes of target 7 as query
  // blocks, each asking for its first page of 100 (plugin/codeblocks.ts).
  // After each upsert every block checks its answer's version
  // (Engine.queryVersion, target 6's "dependent query invalidation") and
  // fetches its page only when the version moved.
  if (typeof engine.queryVersion === "function") {
    engine.dispose();
    let account;
    ({ engine, byPath, account } = await loadForEdits(dir, edits));
    const target = account.replace(/^.*\//, "").replace(/\.md$/, "");
    const blocks = QUERIES.map((q) => ({ source: q.source({ target }), format: JSON.stringify({ format: q.format, page: { offset: 0, size: 100 } }) }));
    for (const b of blocks) {
      engine.query(b.source, "", b.format);
      b.shown = engine.queryVersion(b.source, "", b.format);
    }
    const dashLat = [];
    let moved = 0;
    for (const e of editedNotes(edits, byPath)) {
      const t0 = performance.now();
      engine.upsert(e.path, e.text, 2);
      for (const b of blocks) {
        const version = engine.queryVersion(b.source, "", b.format);
        if (version === b.shown) continue;
        engine.query(b.source, "", b.format);
        b.shown = version;
        if (e.timed) moved++, b.moved = (b.moved ?? 0) + 1;
      }
      const t1 = performance.now();
      if (e.timed) dashLat.push(t1 - t0);
    }
    emit({ impl: "wasm", stage: "upsert_open_queries", corpus: label, notes: n, samples: dashLat.length, blocks: blocks.length, moved,
      moved_by_block: Object.fromEntries(QUERIES.map((q, i) => [q.name, blocks[i].moved ?? 0])),
      p50_ms: percentile(dashLat, 0.5), p99_ms: percentile(dashLat, 0.99), max_ms: percentile(dashLat, 1) });
  }
  engine.dispose();
}

async function runPatho(dir) {
  const files = loadCorpus(dir);
  const { engine } = await freshEngine();
  // Warm-up, untimed: every note arrives, is edited and goes, twice. A 1 MB
  // note reaches a plugin whose engine has already loaded a vault, so its
  // code is compiled by V8's optimising tier; a fresh module runs its first
  // calls in the baseline tier, which made the first note timed (the CRM
  // prose) 2-5x slower than the same note a few calls later.
  for (let pass = 0; pass < 2; pass++)
    for (const f of files) {
      engine.upsert(`warm-up/${f.path}`, f.text, 0);
      engine.upsert(`warm-up/${f.path}`, `${f.text}\n[[A note linked by the warm-up]]\n`, 0);
      engine.remove(`warm-up/${f.path}`);
    }
  for (const f of files) {
    const bytes = Buffer.byteLength(f.text);
    // Each note through the wrapper (one crossing, parse, index, graph), three ways:
    // - patho: a note the engine has not seen, at a new path each run (the
    //   one before is removed in the untimed setup): a 1 MB note arriving;
    // - patho_edit: the note again with a link added or taken away, in turns:
    //   an edit that changes its keys and relations;
    // - patho_same: the same text again: an edit that changes no key or
    //   relation (a word typed), which the engine recognises and skips.
    let fresh = 0;
    const runs = timeRuns(RUNS, () => {
      if (fresh) engine.remove(`${f.path}.${fresh - 1}.md`);
      return `${f.path}.${fresh++}.md`;
    }, (path) => { engine.upsert(path, f.text, 0); });
    engine.remove(`${f.path}.${fresh - 1}.md`);
    engine.upsert(f.path, f.text, 0);
    const note = engine.note(f.path);
    emit({ ...row("wasm", "patho", f.path, 1, bytes, runs), links: note.links.length, errors: note.errors.length });
    const edited = f.text + "\n[[A note linked by the edit]]\n";
    let turn = 0;
    emit(row("wasm", "patho_edit", f.path, 1, bytes, timeRuns(RUNS, null, () => { engine.upsert(f.path, turn++ % 2 ? f.text : edited, 0); })));
    engine.upsert(f.path, f.text, 0);
    emit(row("wasm", "patho_same", f.path, 1, bytes, timeRuns(RUNS, null, () => { engine.upsert(f.path, f.text, 0); })));
    for (const [stage, impl] of want("js") ? [["js_regex_lite", regexLite], ["js_markdown_it", mdit]] : []) {
      const r = timeRuns(RUNS, null, () => impl.indexNote(f.path, f.text));
      emit({ ...row("js", `patho_${stage}`, f.path, 1, bytes, r), links: impl.indexNote(f.path, f.text).links.length });
    }
  }
  engine.dispose();
}

function runSize() {
  const out = [];
  for (const p of [PLUGIN_MAIN, path.join(WASM_DIR, "vaultcrm-web.js"), path.join(WASM_DIR, "vaultcrm-node.js")]) {
    const f = path.relative(ROOT, p);
    if (!fs.existsSync(p)) { emit({ impl: "size", stage: "size", file: f, status: "missing" }); continue; }
    const buf = fs.readFileSync(p);
    emit({ impl: "size", stage: "size", file: f, raw: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length });
  }
  return out;
}

// Cold and warm start as the user meets them: a new Node process per run, so
// every heap page is touched for the first time and every function starts
// in V8's baseline tier (the in-process rows above reuse a warmed-up JIT and,
// after the first run, pages the process already faulted in). The process's
// own start and the reading of the files are not timed.
// Each run also counts the process's minor page faults over the timed span:
// the first touch of each fresh 4 KiB page, which the kernel (and on a VM,
// the host) must hand over zeroed. Their cost is the machine's, not the
// engine's (see firstTouchCost), but how many there are is the engine's
// memory: a start faults in about every page of the heap it ends with.
function emitInNewProcesses(stage, label, n, bytes, childArgs) {
  const total = [], init = [], faults = [], heap = [];
  for (let r = 0; r < RUNS; r++) {
    const m = runChild(stage, childArgs);
    total.push(m.total_ms);
    init.push(m.init_ms);
    faults.push(m.faults);
    heap.push(m.heap_bytes);
  }
  emit({ ...row("wasm", stage, label, n, bytes, total), init_ms: median(init), runs_in: "new process each",
    page_faults: median(faults), heap_bytes: median(heap) });
}

function runChild(what, childArgs) {
  const child = spawnSync(process.execPath, [new URL(import.meta.url).pathname, ...childArgs], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`${what}: child failed: ${child.stderr.slice(0, 500)}`);
  return JSON.parse(child.stdout.trim().split("\n").pop());
}

// What the first touch of fresh memory costs on this machine, in a new
// process: 64 MiB of a fresh WebAssembly.Memory written one byte per page.
// On the Firecracker VM these benchmarks ran on it was ~3.5 ms per MB
// (~14 us a page), where bare metal typically takes well under 1 us;
// the cold and warm starts pay it for every page of their heap.
function emitFirstTouchCost(label) {
  const perMb = [], perFault = [];
  for (let r = 0; r < RUNS; r++) {
    const m = runChild("first touch", ["start-child", "touch"]);
    perMb.push(m.ms_per_mb);
    perFault.push(m.us_per_fault);
  }
  emit({ impl: "machine", stage: "first_touch", corpus: label, ms_per_mb: median(perMb), us_per_fault: median(perFault),
    runs_ms_per_mb: perMb });
}

function firstTouchChild() {
  const mib = 64;
  const memory = new WebAssembly.Memory({ initial: mib * 16 });  // 64 KiB wasm pages
  const bytes = new Uint8Array(memory.buffer);
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 1;
  const ms = performance.now() - t0;
  const faults = process.resourceUsage().minorPageFault - f0;
  process.stdout.write(JSON.stringify({ ms_per_mb: ms / (mib * 1.048576), us_per_fault: faults ? (ms * 1e3) / faults : null, faults }) + "\n");
}

// One timed start in this (new) process: a fresh module, then the vault
// loaded (cold) or a saved snapshot restored (warm), then the first panel.
async function startChild(kind, dir, snapshotFile) {
  const files = loadCorpus(dir);
  const snapshot = snapshotFile ? new Uint8Array(fs.readFileSync(snapshotFile)) : null;
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  const { engine, module } = await freshEngine();
  const t1 = performance.now();
  if (kind === "cold") upsertChunked(engine, files);
  else {
    const loaded = engine.loadSnapshot(snapshot);
    if (loaded.notes !== files.length) throw new Error(`snapshot restored ${loaded.notes} of ${files.length} notes`);
    engine.panel(firstAccount(files));
  }
  const t2 = performance.now();
  const faults = process.resourceUsage().minorPageFault - f0;
  process.stdout.write(JSON.stringify({ total_ms: t2 - t0, init_ms: t1 - t0, faults, heap_bytes: heapBytes(module) }) + "\n");
}

const mode = args[0];
if (mode === "vault") {
  const label = opt("label", path.basename(args[1]));
  await runVault(args[1], label);
  await runEdits(args[1], label);
}
else if (mode === "patho") await runPatho(args[1]);
else if (mode === "size") runSize();
else if (mode === "start-child" && args[1] === "touch") firstTouchChild();
else if (mode === "start-child") await startChild(args[1], args[2], args[3]);
else { console.error("usage: run.mjs vault DIR [--label L] | patho DIR | size"); process.exit(2); }
