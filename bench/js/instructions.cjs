// bench/js/instructions.cjs - one fixed workload of the wasm engine, for
// bench/wasm-instructions.sh to count under callgrind. Wall times on a VM
// that changes speed every few seconds cannot tell a 3% change; the
// instructions of the engine's compiled code can, run to run.
//
//   node bench/js/instructions.cjs MODULE load DIR         every .md under DIR, in path
//                                                          order, upsertMany in chunks of 2,000,
//                                                          then the first Customers/ panel
//   node bench/js/instructions.cjs MODULE note FILE [N]    FILE upserted as N new notes (default 1)
//   node bench/js/instructions.cjs MODULE edit FILE [N]    FILE upserted, then N edits that add
//                                                          or drop a link in turns (default 2)
//   node bench/js/instructions.cjs MODULE warm DIR         a warm start: loadSnapshot() of DIR's
//                                                          index, then the first Customers/ panel;
//                                                          the snapshot is saved beforehand by
//                                                          the `snapshot` mode (not counted)
//   node bench/js/instructions.cjs MODULE snapshot DIR     writes DIR's snapshot for `warm`
//   node bench/js/instructions.cjs MODULE panels DIR N     `load`, then the first N edits of
//                                                          DIR.edits.json as bench/js/run.mjs
//                                                          times them (upsert + the account's
//                                                          panel); minus `load`, over N: per edit
//   node bench/js/instructions.cjs MODULE open DIR N       `load`, then the same N edits with the first
//                                                          Customers/ panel open: after each upsert its
//                                                          panelVersion, and the panel only when that
//                                                          moved (the plugin's refresh)
//   node bench/js/instructions.cjs MODULE dashboard DIR N  `load`, then the same N edits with the six query
//                                                          blocks of bench/js/queries.mjs open (run.mjs's
//                                                          upsert_open_queries): after each upsert every
//                                                          block's queryVersion, and its page of 100 only
//                                                          when that moved
//
// MODULE: a node build of the engine (build/wasm/vaultcrm-node.js, or a copy
// of an older one for an A/B).
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "../..");
const wrapper = require(path.join(ROOT, "build/wasm/vaultcrm-engine-node.cjs"));
const [modulePath, mode, target, count] = process.argv.slice(2);
if (!modulePath || !["load", "note", "edit", "warm", "snapshot", "panels", "open", "dashboard"].includes(mode) || !target) {
  console.error("usage: instructions.cjs MODULE load DIR | note FILE [N] | edit FILE [N] | warm DIR | snapshot DIR | panels DIR N | open DIR N | dashboard DIR N");
  process.exit(2);
}

function readVault(dir) {
  const files = [];
  (function walk(d) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".md")) files.push({ path: path.relative(dir, p).split(path.sep).join("/"), text: fs.readFileSync(p, "utf8"), mtime: 0 });
    }
  })(dir);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

(async () => {
  const engine = await wrapper.createEngineFrom((options) => require(path.resolve(modulePath))(options));
  // Where `snapshot` leaves the index of DIR for `warm` (one per vault).
  const snapshotFile = path.join(os.tmpdir(), `vaultcrm-instructions-${path.basename(path.resolve(target))}.snapshot`);
  if (mode === "load" || mode === "snapshot" || mode === "panels" || mode === "open" || mode === "dashboard") {
    const files = readVault(target);
    for (let i = 0; i < files.length; i += 2000) engine.upsertMany(files.slice(i, i + 2000));
    const account = files.find((f) => f.path.startsWith("Customers/"));
    if (mode === "snapshot") fs.writeFileSync(snapshotFile, engine.saveSnapshot());
    else if (account) engine.panel(account.path);
    if (mode === "panels") {
      const edits = JSON.parse(fs.readFileSync(path.resolve(target) + ".edits.json", "utf8")).slice(0, Number(count || 100));
      const byPath = new Map(files.map((f) => [f.path, f]));
      edits.forEach((e, i) => {
        const f = byPath.get(e.path);
        engine.upsert(f.path, `${f.text}\n- 2026-01-05: edited ${i} with [[${e.account}]] #bench\n`, 1);
        engine.panel(e.account);
      });
      console.log(`panels: ${edits.length} edits`);
    }
    if (mode === "open") {
      const edits = JSON.parse(fs.readFileSync(path.resolve(target) + ".edits.json", "utf8")).slice(0, Number(count || 100));
      const byPath = new Map(files.map((f) => [f.path, f]));
      let shown = engine.panelVersion(account.path), moved = 0;
      edits.forEach((e, i) => {
        const f = byPath.get(e.path);
        engine.upsert(f.path, `${f.text}\n- 2026-01-05: edited ${i} with [[${e.account}]] #bench\n`, 1);
        const version = engine.panelVersion(account.path);
        if (version !== shown) engine.panel(account.path), shown = version, moved++;
      });
      console.log(`open: ${edits.length} edits, ${moved} moved the open panel`);
    }
    if (mode === "dashboard") {
      const { QUERIES } = await import(path.join(ROOT, "bench/js/queries.mjs"));
      const edits = JSON.parse(fs.readFileSync(path.resolve(target) + ".edits.json", "utf8")).slice(0, Number(count || 100));
      const byPath = new Map(files.map((f) => [f.path, f]));
      const name = account.path.replace(/^.*\//, "").replace(/\.md$/, "");
      const blocks = QUERIES.map((q) => ({ source: q.source({ target: name }), format: JSON.stringify({ format: q.format, page: { offset: 0, size: 100 } }) }));
      for (const b of blocks) {
        engine.query(b.source, "", b.format);
        b.shown = engine.queryVersion(b.source, "", b.format);
      }
      let moved = 0;
      edits.forEach((e, i) => {
        const f = byPath.get(e.path);
        engine.upsert(f.path, `${f.text}\n- 2026-01-05: edited ${i} with [[${e.account}]] #bench\n`, 2);
        for (const b of blocks) {
          const version = engine.queryVersion(b.source, "", b.format);
          if (version !== b.shown) engine.query(b.source, "", b.format), b.shown = version, moved++;
        }
      });
      console.log(`dashboard: ${edits.length} edits, ${blocks.length} blocks, ${moved} block checks moved`);
    }
    console.log(`${mode}: ${files.length} notes`);
  } else if (mode === "warm") {
    const account = readVault(target).find((f) => f.path.startsWith("Customers/"));
    const loaded = engine.loadSnapshot(new Uint8Array(fs.readFileSync(snapshotFile)));
    if (account) engine.panel(account.path);
    console.log(`warm: ${JSON.stringify(loaded).slice(0, 80)}`);
  } else {
    const text = fs.readFileSync(target, "utf8");
    const n = Number(count || (mode === "note" ? 1 : 2));
    if (mode === "note") {
      for (let i = 0; i < n; i++) engine.upsert(`new-${i}.md`, text, 0);
    } else {
      // The same edit as bench/js/run.mjs's patho_edit.
      const edited = text + "\n[[A note linked by the edit]]\n";
      engine.upsert("edited.md", text, 0);
      for (let i = 0; i < n; i++) engine.upsert("edited.md", i % 2 ? text : edited, 0);
    }
    console.log(`${mode}: ${n} upserts of ${path.basename(target)}`);
  }
  engine.dispose();
})();
