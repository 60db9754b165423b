// tests/wasm/engine.test.mjs - the wrapper's contract over the real node module:
// envelopes and errors, bad input that makes the core throw internally (the
// module must keep working), version checks, memoised init, dispose.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { wrapper, rawFactory, buildDir, readVault, repoRoot } from "./helpers.mjs";

const { createEngine, createEngineFrom, VaultcrmError, API_VERSION, SCHEMA_VERSION } = wrapper;

const GOOD = `---
type: customer
aliases: [MSFT]
tags: [crm]
---
# Acme

## Key Contacts
- [[Jane Doe]]

## Tasks
- [ ] call Jane 📅 2026-01-05
`;

// Each of these makes yaml-cpp throw inside the module (bindings and core are
// built with -fwasm-exceptions, so the throw unwinds to the frontmatter
// adapter, which turns it into a Diagnostic). Line numbers count from the
// first line of the file, the opening --- being line 1; where yaml-cpp's
// position is unambiguous the exact line is checked too.
const BROKEN_YAML = [
  { name: "unterminated flow sequence", text: "---\ntitle: x\ntags: [a, b\nstatus: open\n---\nbody\n", atLeastLine: 2 },
  { name: "illegal map value", text: "---\ntitle: a: b\n---\n# H\n", atLeastLine: 2, line: 2 },
  { name: "illegal flow end", text: "---\nx: 1\ny: [1, 2]]\n---\n", atLeastLine: 3, line: 3 },
  { name: "unknown alias", text: "---\na: 1\nb: *nope\n---\n", atLeastLine: 2, line: 3 },
  { name: "bad indentation in a block map", text: "---\nouter:\n  inner: 1\n bad: 2\n---\n", atLeastLine: 2 },
  { name: "flow map missing brace", text: "---\nx: {a: [1, 2}\n---\n", atLeastLine: 2 },
];

test("createEngine loads the module and the wrapper reports its versions", async () => {
  const engine = await createEngine();
  assert.equal(API_VERSION, 2);
  assert.equal(SCHEMA_VERSION, 2);
  assert.equal(typeof engine.upsert, "function");
  engine.dispose();
});

test("upsert, note, summary, panel, rename, remove round-trip plain data", async () => {
  const engine = await createEngine();
  try {
    const up = engine.upsert("Customers/Acme.md", GOOD, 1700000000);
    assert.equal(up.path, "Customers/Acme.md");
    assert.deepEqual(up.errors, []);

    const note = engine.note("Customers/Acme.md");
    assert.equal(note.path, "Customers/Acme.md");
    assert.equal(note.name, "Acme");
    assert.equal(note.folder, "Customers");
    assert.equal(note.mtime, 1700000000);
    assert.deepEqual(note.frontmatterLines, [1, 5]);
    assert.equal(note.frontmatter.type, "customer");
    assert.deepEqual(note.aliases, ["MSFT"]);
    assert.ok(note.tags.includes("crm"));
    assert.equal(note.tasks.length, 1);
    assert.equal(note.tasks[0].due, "2026-01-05");
    assert.equal(note.links[0].target, "Jane Doe");
    assert.equal(note.links[0].resolved, null);

    const summary = engine.summary();
    assert.equal(summary.schemaVersion, SCHEMA_VERSION);
    assert.equal(summary.notes, 1);
    assert.equal(summary.openTasks, 1);

    engine.upsert("People/Jane Doe.md", "# Jane Doe\n", 1);
    assert.equal(engine.note("Customers/Acme.md").links[0].resolved, "People/Jane Doe.md");

    const panel = engine.panel("Customers/Acme.md");
    assert.equal(panel.path, "Customers/Acme.md");
    assert.ok(Array.isArray(panel.contacts));

    const dump = engine.index();
    assert.equal(dump.notes.length, 2);
    assert.equal(dump.summary.notes, 2);

    engine.rename("People/Jane Doe.md", "People/Jane D.md");
    assert.throws(() => engine.note("People/Jane Doe.md"), { name: "VaultcrmError", code: "not_found" });
    assert.equal(engine.note("People/Jane D.md").path, "People/Jane D.md");

    engine.remove("People/Jane D.md");
    assert.equal(engine.summary().notes, 1);
  } finally {
    engine.dispose();
  }
});

test("panelVersion moves with what the panel shows, not with edits elsewhere", async () => {
  const engine = await createEngine();
  try {
    engine.upsert("Customers/Acme.md", GOOD, 1);
    engine.upsert("People/Jane Doe.md", "---\ntype: person\n---\n# Jane\n", 1);
    engine.upsert("Customers/Globex.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Bo Berg]]\n", 1);
    const v0 = engine.panelVersion("Customers/Acme.md");
    assert.equal(typeof v0, "number");
    const panel0 = engine.panel("Customers/Acme.md");

    // Another account's note: Acme's panel reads nothing of it.
    engine.upsert("Customers/Globex.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Bo Berg]] - CFO\n", 2);
    assert.equal(engine.panelVersion("Customers/Acme.md"), v0);
    assert.deepEqual(engine.panel("Customers/Acme.md"), panel0);

    // A contact's role, stated in her own note, is on the panel.
    engine.upsert("People/Jane Doe.md", "---\ntype: person\ncompany: \"[[Acme]]\"\nrole: CTO\n---\n# Jane\n", 3);
    const v1 = engine.panelVersion("Customers/Acme.md");
    assert.notEqual(v1, v0);
    assert.deepEqual(engine.panel("Customers/Acme.md").contacts[0].roles, ["CTO"]);

    assert.throws(() => engine.panelVersion("Customers/None.md"), { name: "VaultcrmError", code: "not_found" });
  } finally {
    engine.dispose();
  }
});

test("queryVersion moves with the notes a query reads, not with edits elsewhere", async () => {
  const engine = await createEngine();
  try {
    engine.upsert("Meetings/Sync.md", "---\naccount: \"[[Acme]]\"\n---\n- [ ] send deck\n", 1);
    engine.upsert("People/Bo Berg.md", "---\ntype: person\n---\n# Bo\n", 1);
    const deals = "LIST FROM #deal";
    const v0 = engine.queryVersion(deals, "", "dql");
    assert.equal(typeof v0, "number");
    assert.equal(engine.query(deals, "", "dql").rows.length, 0);

    // An edit that leaves the note out of FROM #deal.
    engine.upsert("People/Bo Berg.md", "---\ntype: person\nrole: CTO\n---\n# Bo\n", 2);
    assert.equal(engine.queryVersion(deals, "", "dql"), v0);

    // The tag brings it in.
    engine.upsert("People/Bo Berg.md", "---\ntype: person\n---\n# Bo\n\nRenewal #deal\n", 3);
    assert.notEqual(engine.queryVersion(deals, "", "dql"), v0);
    assert.equal(engine.query(deals, "", "dql").rows.length, 1);

    assert.throws(() => engine.queryVersion(deals, "", "bogus"), { name: "VaultcrmError", code: "bad_request" });
  } finally {
    engine.dispose();
  }
});

test("upsertMany loads a batch in one call", async () => {
  const engine = await createEngine();
  try {
    const notes = Array.from({ length: 50 }, (_, i) => ({
      path: `N/${i}.md`,
      text: `---\nn: ${i}\n---\n# Note ${i}\n- [ ] t${i}\n[[N/${(i + 1) % 50}]]\n`,
      mtime: i,
    }));
    engine.upsertMany(notes);
    const s = engine.summary();
    assert.equal(s.notes, 50);
    assert.equal(s.tasks, 50);
    assert.equal(s.unresolvedLinks, 0);
    assert.equal(engine.note("N/7.md").frontmatter.n, 7);
  } finally {
    engine.dispose();
  }
});

test("upsertMany indexes multi-byte text and notes larger than its scratch block as upsert() does", async () => {
  // upsertMany encodes each note into one reused heap block (TextEncoder),
  // grown for a big note; upsert() crosses as an embind string.
  const big = "- [ ] täsk 📅 2026-01-05 [[Zoë Ünal]] 中文 \u{1F600}\n".repeat(4000);  // ~240 KB of UTF-8
  const notes = [
    { path: "Ünïcode/Zoë Ünal.md", text: "---\ntype: person\naliases: [Zoë]\n---\n# Zoë Ünal 中文 \u{1F600}\n", mtime: 1 },
    { path: "Big.md", text: `# Big\n${big}`, mtime: 2 },
    { path: "Small after big.md", text: "# Ça va\n- [[Zoë Ünal]] \u0301combining\n", mtime: 3 },
    { path: "Empty.md", text: "", mtime: 4 },
  ];
  const many = await createEngine();
  const one = await createEngine();
  try {
    assert.equal(many.upsertMany(notes).upserted, notes.length);
    for (const n of notes) one.upsert(n.path, n.text, n.mtime);
    for (const n of notes) assert.deepEqual(many.note(n.path), one.note(n.path), n.path);
    assert.equal(many.note("Big.md").tasks.length, 4000);
    assert.deepEqual(many.index(), one.index());
  } finally {
    many.dispose();
    one.dispose();
  }
});

test("vault loads through upsertMany, again and again, do not grow the heap", async () => {
  const module = await wrapper.initModule(rawFactory());
  // The 1 MB note needs a 3 MB scratch block: kept by mistake, 15 loads would outgrow the heap.
  const notes = Array.from({ length: 200 }, (_, i) => ({ path: `N/${i}.md`, text: `# ${i}\n${"wörds ".repeat(50 * (i % 7))}`, mtime: i }));
  notes.push({ path: "Big.md", text: "big words\n".repeat(100_000), mtime: 0 });
  const load = () => {
    for (let i = 0; i < 5; i++) {
      const e = new wrapper.Engine(module);
      e.upsertMany(notes);
      e.dispose();
    }
  };
  load();
  const settled = module.HEAPU8.length;
  load();
  load();
  assert.equal(module.HEAPU8.length, settled);
});

test("upsertMany feeds notes one by one and indexes exactly what the JSON batch does", async () => {
  const module = await rawFactory()();
  const byJson = new module.Engine();
  const byBatch = new module.Engine();
  try {
    const notes = Array.from({ length: 80 }, (_, i) => ({
      path: `N/${i}.md`,
      text: `---\nn: ${i}\ntags: [t${i % 3}]\n---\n# Ünïcode ${i} \u{1F600}\n- [ ] t${i} 📅 2025-01-0${1 + (i % 9)}\n[[N/${(i + 1) % 80}]]\n`,
      mtime: i,
    }));
    const fromJson = JSON.parse(byJson.upsertMany(JSON.stringify(notes)));
    byBatch.batchBegin(notes.length);
    for (const n of notes) assert.equal(byBatch.batchAdd(n.path, n.text, n.mtime), undefined);
    const fromBatch = JSON.parse(byBatch.batchEnd());
    assert.deepEqual(fromBatch, fromJson);
    assert.equal(fromBatch.value.upserted, 80);
    assert.equal(byBatch.indexJson(), byJson.indexJson());
  } finally {
    byJson.delete();
    byBatch.delete();
  }
  const engine = await createEngine();
  try {
    assert.throws(() => engine.upsertMany([{ path: "a.md", text: "x" }, { path: 3, text: "y" }]),
      { name: "VaultcrmError", code: "bad_request", message: /item 1/ });
    engine.upsertMany([{ path: "a.md", text: "# A\n", mtime: 1 }]);
    assert.equal(engine.summary().notes, 1);
  } finally {
    engine.dispose();
  }
});

test("texts cross as UTF-8 bytes: non-ASCII notes index as through JSON, a lone surrogate becomes U+FFFD", async () => {
  const notes = [
    { path: "Kunden/Müller & Søn.md", text: "---\naliases: [Müller]\n---\n# Grüße 👋\n- [ ] 電話 [[Zoë Ångström]] 📅 2026-02-01\n#straße\n", mtime: 1 },
    { path: "People/Zoë Ångström.md", text: "# Zoë\nWorks with [[Kunden/Müller & Søn|Müller]] 🇩🇪\n", mtime: 2 },
  ];
  const module = await rawFactory()();
  const byJson = new module.Engine();
  const engine = await createEngine();
  try {
    byJson.upsertMany(JSON.stringify(notes));
    engine.upsertMany(notes);
    const fromJson = JSON.parse(byJson.note("Kunden/Müller & Søn.md")).value;
    assert.deepEqual(engine.note("Kunden/Müller & Søn.md"), fromJson);
    assert.equal(fromJson.links[0].target, "Zoë Ångström");
    assert.deepEqual(engine.note("People/Zoë Ångström.md").links.map((l) => l.display), ["Müller"]);

    // "\ud800" has no UTF-8 form. It must become one U+FFFD, keep the "a"
    // after it, and leave the link's column right (the emoji is 1 column).
    engine.upsert("S.md", "x \ud800a 😀 [[Ana]]\n", 3);
    const n = engine.note("S.md");
    assert.equal(n.links[0].target, "Ana");
    assert.equal(n.links[0].column, 8);
    assert.deepEqual(n.errors, []);
    assert.equal(engine.summary().notes, 3);
  } finally {
    byJson.delete();
    engine.dispose();
  }
});

test("error envelopes become VaultcrmError with code and message", async () => {
  const engine = await createEngine();
  try {
    for (const call of [() => engine.note("nope.md"), () => engine.panel("nope.md"), () => engine.remove("nope.md"),
      () => engine.rename("nope.md", "x.md")]) {
      assert.throws(call, (e) => {
        assert.ok(e instanceof VaultcrmError);
        assert.ok(e instanceof Error);
        assert.equal(e.name, "VaultcrmError");
        assert.equal(e.code, "not_found");
        assert.match(e.message, /nope\.md/);
        return true;
      });
    }
  } finally {
    engine.dispose();
  }
});

test("the raw binding returns envelopes and never throws, even for malformed input", async () => {
  const module = await rawFactory()();
  const raw = new module.Engine();
  try {
    const bad = JSON.parse(raw.upsertMany("[{not json"));
    assert.equal(bad.ok, false);
    assert.equal(bad.error.code, "bad_request");
    const notArray = JSON.parse(raw.upsertMany('{"path":"a.md"}'));
    assert.equal(notArray.ok, false);
    const ok = JSON.parse(raw.upsert("a.md", "# A\n", 0));
    assert.equal(ok.ok, true);
  } finally {
    raw.delete();
  }
});

test("broken YAML yields diagnostics with a line, and the module keeps working", async () => {
  const engine = await createEngine();
  try {
    for (const { name, text, atLeastLine, line } of BROKEN_YAML) {
      const path = `Broken/${name}.md`;
      const up = engine.upsert(path, text, 0);
      assert.ok(up.errors.length > 0, `${name}: expected an error`);
      const note = engine.note(path);
      const [err] = note.errors;
      assert.equal(err.severity, "error", name);
      assert.match(err.code, /^yaml_|^frontmatter_/, name);
      assert.equal(typeof err.message, "string", name);
      assert.ok(Number.isInteger(err.line) && err.line >= atLeastLine, `${name}: line ${err.line}`);
      if (line !== undefined) assert.equal(err.line, line, `${name}: line`);
      // Within the frontmatter: at most the closing --- line.
      const closing = text.split("\n").indexOf("---", 1) + 1;
      assert.ok(err.line <= closing, `${name}: line ${err.line} after the frontmatter (closes at ${closing})`);
      assert.ok(Number.isInteger(err.column) && err.column >= 1, `${name}: column ${err.column}`);
      // The rest of the note is still parsed.
      assert.equal(note.path, path);

      // After the throw inside yaml-cpp the module still works, for this
      // engine and for a new one.
      engine.upsert("Good.md", GOOD, 0);
      assert.deepEqual(engine.note("Good.md").errors, []);
      assert.equal(engine.note("Good.md").frontmatter.type, "customer");
    }
    const errors = engine.summary().errors;
    assert.equal(new Set(errors.map((e) => e.path)).size, BROKEN_YAML.length);

    const other = await createEngine();
    other.upsert("x.md", GOOD, 0);
    assert.equal(other.summary().notes, 1);
    other.dispose();
  } finally {
    engine.dispose();
  }
});

test("the module is created once per factory (memoised init)", async () => {
  const factory = rawFactory();
  let calls = 0;
  const counting = (opts) => {
    calls++;
    return factory(opts);
  };
  const [a, b] = await Promise.all([createEngineFrom(counting), createEngineFrom(counting)]);
  const c = await createEngineFrom(counting);
  assert.equal(calls, 1);
  // Separate engines over one module: separate vaults.
  a.upsert("a.md", "# A\n", 0);
  assert.equal(a.summary().notes, 1);
  assert.equal(b.summary().notes, 0);
  assert.equal(c.summary().notes, 0);
  for (const e of [a, b, c]) e.dispose();
});

test("an apiVersion mismatch is detected at init with a clear error", async () => {
  const factory = rawFactory();
  const stale = async (opts) => {
    const m = await factory(opts);
    return { Engine: m.Engine, schemaVersion: m.schemaVersion, apiVersion: () => API_VERSION + 1 };
  };
  await assert.rejects(createEngineFrom(stale), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, new RegExp(`apiVersion ${API_VERSION + 1}.*expects ${API_VERSION}`));
    return true;
  });
  // Not memoised: the same factory fails again (and does not hand out a stale module).
  await assert.rejects(createEngineFrom(stale), /apiVersion/);

  const newSchema = async (opts) => {
    const m = await factory(opts);
    return { Engine: m.Engine, apiVersion: m.apiVersion, schemaVersion: () => SCHEMA_VERSION + 1 };
  };
  await assert.rejects(createEngineFrom(newSchema), /schemaVersion/);

  // The real module agrees with the wrapper.
  const m = await factory();
  assert.equal(m.apiVersion(), API_VERSION);
  assert.equal(m.schemaVersion(), SCHEMA_VERSION);
});

test("a failed module load is not memoised", async () => {
  const factory = rawFactory();
  let attempts = 0;
  const flaky = (opts) => (++attempts === 1 ? Promise.reject(new Error("boom")) : factory(opts));
  await assert.rejects(createEngineFrom(flaky), /boom/);
  const engine = await createEngineFrom(flaky);
  assert.equal(attempts, 2);
  engine.dispose();
});

test("dispose frees the C++ engine, is idempotent, and later calls throw 'disposed'", async () => {
  const engine = await createEngine();
  engine.upsert("a.md", GOOD, 0);
  const raw = engine["raw"]; // the embind handle (private in TypeScript)
  assert.equal(raw.isDeleted(), false);
  assert.equal(engine.disposed, false);
  engine.dispose();
  assert.equal(raw.isDeleted(), true);
  assert.equal(engine.disposed, true);
  engine.dispose(); // idempotent
  for (const call of [() => engine.note("a.md"), () => engine.summary(), () => engine.upsert("b.md", "", 0),
    () => engine.upsertMany([])]) {
    assert.throws(call, { name: "VaultcrmError", code: "disposed" });
  }
});

test("many engines created and disposed do not grow the heap", async () => {
  const module = await wrapper.initModule(rawFactory());
  const heap = () => module.HEAP8?.length ?? module.HEAPU8?.length;
  const cycle = () => {
    for (let i = 0; i < 50; i++) {
      const e = new wrapper.Engine(module);
      e.upsert("a.md", GOOD.repeat(20), 0);
      e.dispose();
    }
  };
  cycle();
  const before = heap();
  for (let i = 0; i < 10; i++) cycle();
  const after = heap();
  if (before !== undefined) assert.equal(after, before, "the wasm heap grew across dispose cycles");
});

test("an engine given back returns every byte it took, in small blocks and large", async () => {
  // operator new hands out blocks of up to 256 bytes from free lists of its
  // own (wasm/src/small_alloc.cpp) and the rest from malloc; heapInUse()
  // counts both. A block freed to the wrong allocator, or counted in the
  // wrong size class, leaves the count off after the engine is gone.
  const module = await wrapper.initModule(rawFactory());
  const notes = readVault(path.join(repoRoot, "sample-vault"));
  assert.ok(notes.length > 10);
  // Blocks of every size around the small/large boundary: texts of 0-600 bytes.
  for (let n = 0; n <= 600; n += 7) notes.push({ path: `Sizes/${n}.md`, text: `# ${"é".repeat(n >> 1)}\n[[${"x".repeat(n)}]]\n`, mtime: n });
  const account = notes.find((n) => n.path.startsWith("Customers/")).path;
  const cycle = () => {
    const e = new wrapper.Engine(module);
    e.upsertMany(notes);
    e.panel(account);
    e.query('TABLE file.name FROM "Customers" SORT file.name', "");
    e.upsert(account, notes.find((n) => n.path === account).text + "\n- [[Someone New]]\n", 1);
    e.panel(account);
    e.remove(notes[notes.length - 1].path);
    e.dispose();
  };
  cycle();  // first use: buffers the module keeps for good (scratch blocks, memo tables)
  const before = module.heapInUse();
  let grown = 0;
  for (let i = 0; i < 3; i++) {
    cycle();
    grown = module.heapInUse() - before;
  }
  assert.equal(grown, 0, `${grown} bytes still in use after the engine was disposed`);
  // While an engine holds a vault, the count shows it.
  const e = new wrapper.Engine(module);
  e.upsertMany(notes);
  assert.ok(module.heapInUse() - before > 100 * notes.length, "a loaded vault is counted as in use");
  e.dispose();
  assert.equal(module.heapInUse(), before);
});

test("FinalizationRegistry frees an engine that was never disposed", () => {
  // Needs --expose-gc, so it runs in a child process.
  const script = `
    const w = require(${JSON.stringify(path.join(buildDir, "vaultcrm-engine-node.cjs"))});
    (async () => {
      let e = await w.createEngine();
      e.upsert("a.md", "# A\\n", 0);
      const raw = e["raw"];
      e = null;
      for (let i = 0; i < 100 && !raw.isDeleted(); i++) {
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 10));
      }
      process.stdout.write(raw.isDeleted() ? "freed" : "leaked");
    })();`;
  const r = spawnSync(process.execPath, ["--expose-gc", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "freed");
});

test("setSchema overrides the schema; unknown keys are a bad_request", async () => {
  const engine = await createEngine();
  try {
    const kunde = "---\ntype: kunde\n---\n# Kunde\n\n## Ansprechpartner\n- [[Erika Muster]]\n";
    engine.upsertMany([
      { path: "Kunden/Beispiel.md", text: kunde, mtime: 0 },
      { path: "Leute/Erika Muster.md", text: "# Erika Muster\n", mtime: 0 },
    ]);
    const before = engine.panel("Kunden/Beispiel.md");
    assert.deepEqual(before.contacts.map((c) => c.name), []);

    assert.deepEqual(engine.setSchema({ contactHeadings: ["Ansprechpartner"], accountTypes: ["kunde"] }), { schema: "set" });
    const after = engine.panel("Kunden/Beispiel.md");
    assert.deepEqual(after.contacts.map((c) => c.name), ["Erika Muster"]);
    assert.equal(after.contacts[0].link, "Leute/Erika Muster.md");

    assert.throws(() => engine.setSchema({ contactHeadingz: ["x"] }), { name: "VaultcrmError", code: "bad_request" });
  } finally {
    engine.dispose();
  }
});

test("query, dedup and mergePlan answer with data or a VaultcrmError, never a crash", async () => {
  const engine = await createEngine();
  try {
    engine.upsert("Customers/Acme.md", GOOD, 0);
    const calls = {
      query: () => engine.query("TASK WHERE !completed", "Customers/Acme.md"),
      tasksQuery: () => engine.query("not done", "Customers/Acme.md", "tasks"),
      badQuery: () => engine.query("TABLE FROM WHERE (((", "Customers/Acme.md", "dql"),
      dedup: () => engine.dedup(),
      mergePlan: () => engine.mergePlan({}),
    };
    for (const [name, call] of Object.entries(calls)) {
      try {
        const value = call();
        assert.notEqual(value, undefined, name);
      } catch (e) {
        assert.ok(e instanceof VaultcrmError, `${name}: ${e}`);
        assert.ok(["not_implemented", "bad_request", "query_syntax", "not_found"].includes(e.code), `${name}: ${e.code}`);
        if (e.code === "query_syntax") {
          assert.ok(Number.isInteger(e.line) && e.line >= 1, `${name}: line`);
          assert.ok(Number.isInteger(e.column) && e.column >= 1, `${name}: column`);
        }
      }
    }
    // Still alive.
    assert.equal(engine.summary().notes, 1);
  } finally {
    engine.dispose();
  }
});

test("error envelopes carry query positions into VaultcrmError (wrapper only, fake module)", async () => {
  const envelope = JSON.stringify({ ok: false, error: { code: "query_syntax", message: "expected FROM", line: 2, column: 7 } });
  // The raw surface as bindings.cpp has it: an answer is its size, its bytes
  // in the heap at the address the word at resultSlot() holds.
  const heap = new ArrayBuffer(4096);
  const HEAPU8 = new Uint8Array(heap);
  const HEAPU32 = new Uint32Array(heap);
  const answer = (text) => {
    const bytes = new TextEncoder().encode(text);
    HEAPU8.set(bytes, 1000);
    HEAPU32[16 >> 2] = 1000;
    return bytes.length;
  };
  class FakeRaw {
    deleted = false;
    resultSlot() { return 16; }
    releaseResult() {}
    queryBytes() { return answer(envelope); }
    summaryBytes() { return answer("{not json"); }
    delete() { this.deleted = true; }
    isDeleted() { return this.deleted; }
  }
  const fake = async () => ({ Engine: FakeRaw, apiVersion: () => API_VERSION, schemaVersion: () => SCHEMA_VERSION, HEAPU8, HEAPU32 });
  const engine = await createEngineFrom(fake);
  assert.throws(() => engine.query("TABLE x", "a.md"), (e) => {
    assert.ok(e instanceof VaultcrmError);
    assert.equal(e.code, "query_syntax");
    assert.equal(e.message, "expected FROM");
    assert.equal(e.line, 2);
    assert.equal(e.column, 7);
    return true;
  });
  // A reply that is not JSON is an internal error, not a SyntaxError.
  assert.throws(() => engine.summary(), { name: "VaultcrmError", code: "internal" });
  engine.dispose();
});
