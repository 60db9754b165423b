// tests/wasm/golden.test.mjs - the wasm build against the shared golden files.
//
// tests/golden/manifest.json lists cases; the native runner
// (tests/core/golden_test.cpp) checks the very same ones. Each case loads every
// .md under `vault` with mtime 0 into a fresh engine (in the native runner's
// order), calls engine.<kind>(path) and deep-compares the value with the
// expected JSON file. Passing both runners means native and wasm agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { wrapper, readVault, repoRoot } from "./helpers.mjs";

const goldenDir = path.join(repoRoot, "tests/golden");
const manifest = JSON.parse(readFileSync(path.join(goldenDir, "manifest.json"), "utf8"));

test("the manifest has cases", () => {
  assert.ok(Array.isArray(manifest.cases) && manifest.cases.length >= 5, "tests/golden/manifest.json: expected >= 5 cases");
});

const vaults = new Map();
const vaultNotes = (rel) => {
  if (!vaults.has(rel)) vaults.set(rel, readVault(path.join(repoRoot, rel)));
  return vaults.get(rel);
};

for (const c of manifest.cases) {
  test(`golden ${c.kind} ${c.path || "(vault)"} in ${c.vault} = ${c.expected}`, async () => {
    const expected = JSON.parse(readFileSync(path.join(goldenDir, c.expected), "utf8"));
    const engine = await wrapper.createEngine();
    try {
      const loaded = engine.upsertMany(vaultNotes(c.vault));
      assert.equal(loaded.upserted, vaultNotes(c.vault).length);
      let actual;
      switch (c.kind) {
        case "note": actual = engine.note(c.path); break;
        case "panel": actual = engine.panel(c.path); break;
        case "summary": actual = engine.summary(); break;
        case "index": actual = engine.index(); break;
        default: assert.fail(`unknown golden kind "${c.kind}" in tests/golden/manifest.json`);
      }
      assert.deepStrictEqual(actual, expected, `wasm output differs from tests/golden/${c.expected}`);
    } finally {
      engine.dispose();
    }
  });
}
