// Warm start in the demo: the plugin saves the index snapshot (the demo's
// adapter keeps it in IndexedDB), a reload restores it instead of parsing
// every note, and a damaged snapshot is refused and rebuilt from the files.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { useDemo, runCommand } from "./harness.mjs";

const SNAPSHOT_KEY = ".obsidian/plugins/vaultcrm/index-snapshot.bin";
let page = null;
let problems = [];
const demo = useDemo();
before(async () => {
  await demo.ready;
  ({ page, problems } = demo);
});

/** Reloads the page and resolves with the plugin's "… start in N ms: …" console line. */
async function reloadAndReadStart() {
  const started = new Promise((resolve) => {
    const onConsole = (msg) => {
      if (!/^vaultcrm: (warm|cold) start/.test(msg.text())) return;
      page.off("console", onConsole);
      resolve(msg.text());
    };
    page.on("console", onConsole);
  });
  await page.reload();
  const line = await started;
  await page.locator('.tree-file[data-path="Customers/Microsoft.md"]').click();
  await page.locator(".vaultcrm-title").filter({ hasText: "Microsoft" }).waitFor();
  return line;
}

async function contactsCount() {
  return page.locator(".vaultcrm-section-contacts .vaultcrm-count").first().textContent();
}


test("a reload starts warm from the saved snapshot and shows the same panel", async () => {
  const first = await reloadAndReadStart();
  const cold = await contactsCount();
  await runCommand(page, "save the index snapshot");
  await page.locator(".notice").filter({ hasText: "index snapshot saved" }).waitFor();

  const line = await reloadAndReadStart();
  assert.match(line, /^vaultcrm: warm start in \d+ ms: \d+ notes from the snapshot, 0 parsed, 0 gone$/, `${first} / ${line}`);
  const notes = Number(/(\d+) notes from the snapshot/.exec(line)[1]);
  assert.ok(notes >= 30, line);
  assert.equal(await contactsCount(), cold);
  // The dedup report comes after the first drawing of the panel, and the
  // panel is drawn again with its warnings, though the index did not change.
  await page.locator(".vaultcrm-section-contacts .vaultcrm-dup").first().waitFor({ timeout: 10000 });
  assert.deepEqual(problems, []);
});

test("a damaged snapshot is refused: the vault is parsed from its files, nothing breaks", async () => {
  await page.evaluate(
    ([key]) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("vaultcrm-demo", 1);
        open.onsuccess = () => {
          const tx = open.result.transaction("files", "readwrite");
          const store = tx.objectStore("files");
          const get = store.get(key);
          get.onsuccess = () => {
            const bytes = new Uint8Array(get.result.slice(0));
            bytes[bytes.length >> 1] ^= 0xff; // one byte in the middle of the body
            store.put(bytes.buffer, key);
          };
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
    [SNAPSHOT_KEY],
  );
  const line = await reloadAndReadStart();
  assert.match(line, /^vaultcrm: cold start .* \(snapshot refused: snapshot checksum mismatch/, line);
  assert.notEqual(await contactsCount(), "0");
  assert.deepEqual(problems, []);
});
