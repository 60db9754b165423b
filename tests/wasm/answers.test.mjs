// tests/wasm/answers.test.mjs - answers leave the module as UTF-8 bytes that
// the wrapper decodes from the heap (bindings.cpp, EngineBinding; engine.ts,
// Engine.answer). Checked against embind's own std::string return, which the
// module still has for a few calls (note, panel, indexJson), and against the
// note texts themselves: non-ASCII, an escaped U+0000, answers over 1 MB (freed
// after reading), and answers read after the heap grew during the call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { wrapper, rawFactory } from "./helpers.mjs";

const { createEngine, createEngineFrom } = wrapper;

// A new module instance (its own, small heap): createEngineFrom() memoises per
// factory function, so a fresh closure means a fresh module.
async function freshEngine() {
  let module = null;
  const factory = rawFactory();
  const engine = await createEngineFrom((o) => factory(o).then((m) => (module = m)));
  return { engine, module };
}

const ACCOUNT = "Kunden/Müller & Søn.md";
const NOTES = [
  {
    path: ACCOUNT,
    // "\0" in a double-quoted YAML scalar is U+0000: the JSON has it as \u0000.
    text: `---\ntype: customer\naliases: [Müller, 米勒]\ntags: [crm, straße]\nnul: "a\\0b"\nfamily: "👩‍👩‍👧 家族 עברית"\n---\n` +
      `# Müller & Søn 👋\n\n## Key Contacts\n- [[Zoë Ångström]] — 営業部長 🇩🇪\n\n## Tasks\n` +
      `- [ ] 電話する [[Zoë Ångström]] 📅 2026-02-01\n- [ ] e\u0301 combining, \u200b zero width, \\"quoted\\" \\\\ back\n\n` +
      "```text\n\u0001\u001f\u007f control bytes, tab\tand ü\n```\n",
    mtime: 1,
  },
  { path: "People/Zoë Ångström.md", text: "---\ntype: person\n---\n# Zoë\nWorks with [[Kunden/Müller & Søn|Müller]] 🇩🇪 #straße\n", mtime: 2 },
  { path: "Meetings/2026-01-05 会議.md", text: "---\ntype: meeting\ndate: 2026-01-05\n---\n# 会議 with [[Kunden/Müller & Søn]]\n- 2026-01-05: 見積もり 😀 [[Zoë Ångström]]\n", mtime: 3 },
];

test("non-ASCII answers, and a U+0000 escaped in one, decode as through embind's string return", async () => {
  const engine = await createEngine();
  const raw = engine["raw"]; // the embind handle (private in TypeScript)
  try {
    engine.upsertMany(NOTES);
    for (const { path } of NOTES) assert.deepEqual(engine.note(path), JSON.parse(raw.note(path)).value, path);
    assert.deepEqual(engine.panel(ACCOUNT), JSON.parse(raw.panel(ACCOUNT)).value);
    assert.deepEqual(engine.index(), JSON.parse(raw.indexJson()).value);

    // And what the notes contain, character for character.
    const note = engine.note(ACCOUNT);
    assert.equal(note.frontmatter.nul, "a\u0000b");
    assert.equal(note.frontmatter.family, "👩‍👩‍👧 家族 עברית");
    assert.deepEqual(note.aliases, ["Müller", "米勒"]);
    assert.deepEqual(note.tasks.map((t) => t.text), [
      "電話する [[Zoë Ångström]] 📅 2026-02-01",
      'e\u0301 combining, \u200b zero width, \\"quoted\\" \\\\ back',
    ]);
    assert.equal(note.codeBlocks[0].text, "\u0001\u001f\u007f control bytes, tab\tand ü\n");
    assert.deepEqual(engine.panel(ACCOUNT).contacts.map((c) => c.name), ["Zoë Ångström"]);
    const listed = engine.query("LIST FROM #straße SORT file.name", ACCOUNT);
    assert.match(JSON.stringify(listed), /Zoë Ångström/);
    assert.match(JSON.stringify(listed), /Müller & Søn/);
    assert.deepEqual(engine.missingTexts(), []);
  } finally {
    engine.dispose();
  }
});

test("an answer over 1 MB comes back whole and is freed; the answers after it are right", async () => {
  const engine = await createEngine();
  const raw = engine["raw"];
  try {
    const code = `${"日本語 😀 \"q\" \\ tab\t é ".repeat(50_000)}end\n`;
    const path = "Big/Große Notiz.md";
    engine.upsert(path, `# Groß\n\n\`\`\`\n${code}\`\`\`\n- [ ] 終わり\n`, 5);
    const before = JSON.parse(raw.note(path)).value;
    const note = engine.note(path);
    assert.ok(Buffer.byteLength(raw.note(path)) > 1 << 20);
    assert.equal(note.codeBlocks[0].text, code);
    assert.deepEqual(note, before);
    // The wrapper released it in the module; the next answers are unaffected.
    assert.equal(engine.summary().notes, 1);
    assert.deepEqual(engine.note(path), before);
    assert.equal(engine.note(path).tasks[0].text, "終わり");
    // A small snapshot (kept until the next call) and a big one: both copies.
    const snapshot = engine.saveSnapshot();
    const copy = snapshot.slice();
    engine.upsert("x.md", "# x\n", 6);
    assert.deepEqual(snapshot, copy);
    const other = await createEngine();
    assert.equal(other.loadSnapshot(snapshot).notes, 1);
    other.dispose();
  } finally {
    engine.dispose();
  }
});

test("an answer read after the heap grew during the call is right (HEAPU8 taken after the call)", async () => {
  const { engine, module } = await freshEngine();
  try {
    // Control bytes are 6 bytes each in JSON (\u0001): the answer is several
    // times the note, so a note() call must grow the heap at some size.
    let grewDuringAnswer = 0;
    for (let units = 1 << 15; units <= 1 << 21 && grewDuringAnswer < 2; units *= 2) {
      const code = `${"\u0001".repeat(8)}é😀`.repeat(units / 8) + "\n";
      const path = `Grow/${units}.md`;
      engine.upsert(path, `# ${units}\n\`\`\`\n${code}\`\`\`\n`, 0);
      const heap = module.HEAPU8.buffer;
      const note = engine.note(path);
      if (module.HEAPU8.buffer !== heap) grewDuringAnswer++;
      assert.equal(note.codeBlocks[0].text, code, `${units} units`);
      engine.remove(path);
    }
    assert.ok(grewDuringAnswer > 0, "no note() call grew the heap");

    // A snapshot over 1 MB (freed in the module after the copy).
    for (let i = 0; i < 200; i++) engine.upsert(`S/${i}.md`, `# ${i} 😀\n- [ ] ${"x".repeat(20_000)} [[S/${i + 1}]]\n`, i);
    const snapshot = engine.saveSnapshot();
    assert.ok(snapshot.length > 1_000_000, `snapshot of ${snapshot.length} bytes`);
    assert.equal(new TextDecoder().decode(snapshot.subarray(0, 8)), "VCRMSNAP");
    assert.notEqual(snapshot.buffer, module.HEAPU8.buffer, "a copy, not a view of the heap");
    const other = await createEngine();
    assert.equal(other.loadSnapshot(snapshot).notes, 200);
    assert.deepEqual(other.note("S/7.md"), engine.note("S/7.md"));
    other.dispose();
  } finally {
    engine.dispose();
  }
});

test("the wrapper reads an answer after the call and before releasing it (fake module)", async () => {
  // Each call "grows" the heap as wasm memory.grow does: a new buffer, the old
  // one detached (its views empty). releaseResult() scribbles over the answer.
  const module = { apiVersion: () => wrapper.API_VERSION, schemaVersion: () => wrapper.SCHEMA_VERSION };
  const setHeap = (buffer) => {
    module.HEAPU8 = new Uint8Array(buffer);
    module.HEAPU32 = new Uint32Array(buffer);
  };
  setHeap(new ArrayBuffer(64));
  const value = { text: `${"ü😀\u0000".repeat(300_000)}`, n: 1 };
  const envelope = new TextEncoder().encode(JSON.stringify({ ok: true, value }));
  let released = 0;
  module.Engine = class {
    resultSlot() { return 8; }
    noteBytes() {
      const grown = new ArrayBuffer(64 + Math.ceil(envelope.length / 4) * 4);
      new Uint8Array(grown).set(module.HEAPU8);
      structuredClone(module.HEAPU8.buffer, { transfer: [module.HEAPU8.buffer] });  // detaches it
      setHeap(grown);
      module.HEAPU8.set(envelope, 64);
      module.HEAPU32[8 >> 2] = 64;
      return envelope.length;
    }
    releaseResult() { module.HEAPU8.fill(0x7b, 64); released++; }
    delete() {}
    isDeleted() { return false; }
  };
  const engine = await createEngineFrom(async () => module);
  assert.ok(envelope.length > 1 << 20);
  assert.deepEqual(engine.note("a.md"), value);
  assert.equal(released, 1);
  engine.dispose();
});
