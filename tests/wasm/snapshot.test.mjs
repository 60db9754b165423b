// The index snapshot through the wasm module and the TypeScript wrapper: a
// warm engine answers as the engine that parsed the files, texts come back
// checked by hash, and a damaged snapshot is refused without harm.
import test from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { wrapper, rawFactory, readVault, repoRoot } from "./helpers.mjs";

const { createEngine, VaultcrmError } = wrapper;
const notes = readVault(path.join(repoRoot, "sample-vault")).map((n, i) => ({ ...n, mtime: 1_700_000_000_000 + i }));
const byPath = new Map(notes.map((n) => [n.path, n]));

async function coldEngine() {
  const engine = await createEngine();
  engine.upsertMany(notes);
  return engine;
}

test("a snapshot restores the index: notes, panels and queries answer as after parsing", async () => {
  const cold = await coldEngine();
  const bytes = cold.saveSnapshot();
  assert.ok(bytes instanceof Uint8Array);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 8)), "VCRMSNAP");

  const warm = await createEngine();
  const loaded = warm.loadSnapshot(bytes);
  assert.equal(loaded.notes, notes.length);
  const stamp = loaded.files.find((f) => f.path === "Customers/Microsoft.md");
  const seed = byPath.get("Customers/Microsoft.md");
  assert.deepEqual(stamp, { path: seed.path, mtime: seed.mtime, size: Buffer.byteLength(seed.text) });

  assert.deepEqual(warm.index(), cold.index());
  assert.deepEqual(warm.panel("Customers/Microsoft.md"), cold.panel("Customers/Microsoft.md"));
  const tasks = "not done\npath includes Microsoft\n";
  assert.deepEqual(warm.query(tasks, "x.md", "tasks"), cold.query(tasks, "x.md", "tasks"));
  cold.dispose();
  warm.dispose();
});

test("restored notes get their texts back by hash; changed bytes are re-indexed", async () => {
  const cold = await coldEngine();
  const warm = await createEngine();
  warm.loadSnapshot(cold.saveSnapshot());
  const missing = warm.missingTexts();
  assert.equal(missing.length, notes.length);
  for (const p of missing.slice(1)) assert.deepEqual(warm.attachText(p, byPath.get(p).text), { attached: true });
  assert.deepEqual(warm.missingTexts(), [missing[0]]);
  // The first file "changed on disk" since the snapshot.
  const edited = byPath.get(missing[0]).text + "\n- 2026-11-25 new line #snapshot-test\n";
  assert.deepEqual(warm.attachText(missing[0], edited), { attached: false, reindexed: true });
  assert.deepEqual(warm.missingTexts(), []);
  assert.ok(warm.note(missing[0]).tags.includes("snapshot-test"));
  cold.dispose();
  warm.dispose();
});

test("a damaged or foreign snapshot throws snapshot_invalid and leaves the index alone", async () => {
  const cold = await coldEngine();
  const bytes = cold.saveSnapshot();
  const engine = await createEngine();
  engine.upsert("Keep.md", "# keep\n", 1);
  const damaged = [
    bytes.subarray(0, bytes.length - 1),
    new Uint8Array([...bytes.subarray(0, 100), bytes[100] ^ 1, ...bytes.subarray(101)]),
    new TextEncoder().encode("{\"not\": \"a snapshot\"}"),
    new Uint8Array(0),
  ];
  for (const d of damaged) {
    assert.throws(
      () => engine.loadSnapshot(d),
      (e) => e instanceof VaultcrmError && e.code === "snapshot_invalid",
    );
  }
  assert.equal(engine.summary().notes, 1);
  assert.equal(engine.note("Keep.md").path, "Keep.md");
  cold.dispose();
  engine.dispose();
});

test("a snapshot held in a view of a larger buffer loads from exactly its own bytes", async () => {
  // A host may hand over a view (a pooled Node Buffer, a slice of a read):
  // the bytes before and after it must not leak into the load.
  const cold = await coldEngine();
  const bytes = cold.saveSnapshot();
  const padded = new Uint8Array(bytes.length + 64).fill(0xee);
  padded.set(bytes, 13);
  const warm = await createEngine();
  assert.equal(warm.loadSnapshot(padded.subarray(13, 13 + bytes.length)).notes, notes.length);
  assert.deepEqual(warm.panel("Customers/Microsoft.md"), cold.panel("Customers/Microsoft.md"));
  assert.throws(
    () => warm.loadSnapshot(padded.subarray(13, 13 + bytes.length + 1)),
    (e) => e instanceof VaultcrmError && e.code === "snapshot_invalid",
  );
  cold.dispose();
  warm.dispose();
});

test("loading snapshots again and again, good or damaged, does not grow the heap", async () => {
  // The wrapper copies each snapshot into the heap itself and must free it.
  const module = await wrapper.initModule(rawFactory());
  const heap = () => module.HEAPU8.length;
  const source = new wrapper.Engine(module);
  // ~40 copies of the sample vault: a snapshot of a few MB, so that a leaked
  // copy per load would outgrow any slack in the heap within a few loads.
  for (let copy = 0; copy < 40; copy++) source.upsertMany(notes.map((n) => ({ ...n, path: `Copy ${copy}/${n.path}` })));
  const bytes = source.saveSnapshot();
  source.dispose();
  assert.ok(bytes.length > 1_000_000, `snapshot of ${bytes.length} bytes`);
  const damaged = bytes.subarray(0, bytes.length - 1);
  const engine = new wrapper.Engine(module);
  const cycle = () => {
    for (let i = 0; i < 5; i++) {
      assert.equal(engine.loadSnapshot(bytes).notes, notes.length * 40);
      assert.throws(() => engine.loadSnapshot(damaged), { name: "VaultcrmError", code: "snapshot_invalid" });
    }
  };
  cycle();
  const settled = heap();
  cycle();
  cycle();
  assert.equal(heap(), settled);
  engine.dispose();
});

test("a snapshot crosses into the heap in pieces: loading never holds the whole file", async () => {
  // A warm start's memory is what the user's machine must find for it; the
  // whole snapshot copied in next to the notes decoded from it was 27 MB of
  // the peak at 10k notes. Now the wrapper copies one piece at a time into
  // one block (wrapper.SNAPSHOT_PIECE), and the core keeps at most the note
  // cut at a piece's end.
  const source = await createEngine();
  for (let copy = 0; copy < 100; copy++) source.upsertMany(notes.map((n) => ({ ...n, path: `Copy ${copy}/${n.path}` })));
  const bytes = source.saveSnapshot();
  const cold = source.index();
  source.dispose();
  assert.ok(bytes.length > 3 * wrapper.SNAPSHOT_PIECE, `snapshot of ${bytes.length} bytes`);

  const module = await wrapper.initModule(rawFactory());
  const warm = new wrapper.Engine(module);
  const asked = [];
  const malloc = module._malloc;
  module._malloc = (size) => (asked.push(size), malloc(size));
  try {
    assert.equal(warm.loadSnapshot(bytes).notes, notes.length * 100);
  } finally {
    module._malloc = malloc;
  }
  assert.ok(asked.length > 0 && Math.max(...asked) <= wrapper.SNAPSHOT_PIECE,
    `the wrapper asked the heap for ${Math.max(...asked)} bytes at once, for a ${bytes.length}-byte snapshot`);
  assert.deepEqual(warm.index(), cold);

  // A byte damaged in a later piece is refused, and the index stays as it was.
  const damaged = bytes.slice();
  damaged[Math.floor(bytes.length * 0.8)] ^= 0x10;
  assert.throws(() => warm.loadSnapshot(damaged), { name: "VaultcrmError", code: "snapshot_invalid" });
  assert.deepEqual(warm.index(), cold);
  warm.dispose();
});
