// Entry cleanup in the web demo: Review duplicates lists a group of repeated
// bullets with their lines; Preview shows which lines go and what stays;
// Apply removes exactly those lines; Undo (the modal's button, or the
// command "vaultcrm: Undo last merge") puts the file back byte for byte.
//
// Needs the built demo (npm run build:plugin && npm run build:demo, after the
// wasm build) and Debian's chromium. Run: node --test tests/browser/
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { useDemo, runCommand, vaultText, diskText } from "./harness.mjs";

let page = null;
let problems = [];
const demo = useDemo();
before(async () => {
  await demo.ready;
  ({ page, problems } = demo);
});

const PATH = "Customers/Microsoft.md";




/** The file's lines without terminators, as the core numbers them. */
function linesOf(text) {
  return text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/** Opens Review duplicates (retrying until indexed) and returns a cleanable repeated-bullet group of PATH. */
async function openGroup() {
  const modal = page.locator(".vaultcrm-review");
  for (let i = 0; i < 40; i++) {
    await runCommand(page, "review duplicates");
    await modal.waitFor();
    // A timeline repeat (exact, truncated or paraphrased), not a contact bullet.
    const group = modal.locator(
      `.vaultcrm-review-group.is-cleanable[data-path="${PATH}"]:is([data-kind="exact"], [data-kind="truncated"], [data-kind="paraphrase"])`,
    );
    if ((await group.count()) > 0) return group.first();
    await page.keyboard.press("Escape");
    await modal.waitFor({ state: "detached" });
    await page.waitForTimeout(250);
  }
  throw new Error(`no cleanable entry group of ${PATH} appeared in Review duplicates`);
}

let lines = [];
let removed = [];
let disk = "";

test("entry group: lines listed, preview says what goes and what stays, apply and Undo button", async () => {
  await page.locator(".tree-file").first().waitFor();
  disk = await diskText(PATH);
  const diskLines = linesOf(disk);
  const group = await openGroup();
  lines = (await group.getAttribute("data-lines")).split(",").map(Number);
  assert.ok(lines.length >= 2, `a group has two lines or more: ${lines}`);
  // Each member shows its line as the note reads (filled in from the vault).
  const first = group.locator(`.vaultcrm-review-entry[data-line="${lines[0]}"] .vaultcrm-review-entry-text`);
  await page.waitForFunction((el) => el.textContent !== "", await first.elementHandle());
  assert.equal(await first.textContent(), diskLines[lines[0] - 1].trim());
  assert.equal(await group.locator('input[type="radio"]').count(), lines.length, "one keep choice per line");

  await group.locator(".vaultcrm-review-preview").click();
  await group.locator(".vaultcrm-review-outcome").waitFor();
  removed = await group.locator(".vaultcrm-review-removed").evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-line"))));
  const keptBoth = await group.locator(".vaultcrm-review-kept-both").count();
  assert.ok(removed.length > 0, "the preview removes at least one line");
  assert.equal(removed.length + keptBoth, lines.length - 1, "every other line is removed or kept for its facts");
  for (const ln of removed) {
    const row = await group.locator(`.vaultcrm-review-removed[data-line="${ln}"]`).textContent();
    assert.ok(row.endsWith(diskLines[ln - 1]), `preview quotes line ${ln}: ${row}`);
  }
  assert.match(await group.locator(".vaultcrm-review-kept").textContent(), /kept as: /);

  await group.locator(".vaultcrm-review-apply").click();
  await group.locator(".vaultcrm-review-applied, .vaultcrm-review-error").first().waitFor();
  assert.equal(await group.locator(".vaultcrm-review-error").count(), 0, await group.locator(".vaultcrm-review-plan").textContent());
  await group.locator(".vaultcrm-review-undo").click();
  await group.locator(".vaultcrm-review-undone").waitFor();
  await page.keyboard.press("Escape");
  await page.locator(".vaultcrm-review").waitFor({ state: "detached" });
  assert.equal(await vaultText(page, PATH), disk, "the modal's Undo restored every byte");
  assert.equal((await page.evaluate(() => JSON.parse(localStorage.getItem("obsidian-shim:plugin-data:vaultcrm") ?? "null")))?.lastMerge, null);
});

test("entry group: apply removes exactly the previewed lines; the undo command restores the file", async () => {
  assert.ok(removed.length > 0);
  const group = await openGroup();
  assert.equal(await group.getAttribute("data-lines"), lines.join(","), "the same group is back after the undo");
  await group.locator(".vaultcrm-review-apply").click();
  await group.locator(".vaultcrm-review-applied, .vaultcrm-review-error").first().waitFor();
  assert.equal(await group.locator(".vaultcrm-review-error").count(), 0, await group.locator(".vaultcrm-review-plan").textContent());
  await page.keyboard.press("Escape");
  await page.locator(".vaultcrm-review").waitFor({ state: "detached" });

  const now = await vaultText(page, PATH);
  const kept = disk.split("\n").filter((_, i) => !removed.includes(i + 1)).join("\n");
  assert.equal(now, kept, "only the removed lines are gone, every other byte as it was");

  // The first test's undo notice may still be up: wait for one more.
  const undid = page.locator(".notice").filter({ hasText: "undid" });
  const shown = await undid.count();
  await runCommand(page, "undo last merge");
  await undid.nth(shown).waitFor();
  assert.equal(await vaultText(page, PATH), disk, "undo restored every byte");
});

// The undo entry lives in the plugin's data, so it survives a reload. The
// demo's vault does not (it starts from the sample vault again), which makes
// the reloaded undo stale: it must find the entry, refuse, and write nothing.
test("after a reload the undo entry is still there; a stale undo writes nothing", async () => {
  const group = await openGroup();
  await group.locator(".vaultcrm-review-apply").click();
  await group.locator(".vaultcrm-review-applied").waitFor();
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem("obsidian-shim:plugin-data:vaultcrm") ?? "null"));
  assert.ok(stored?.lastMerge?.inverse?.length > 0, "undo entry saved");

  await page.reload();
  await page.locator(".tree-file").first().waitFor();
  assert.equal(await vaultText(page, PATH), disk, "the demo starts from the sample vault again");
  await runCommand(page, "undo last merge");
  const notice = page.locator(".notice").filter({ hasText: "could not undo" });
  await notice.waitFor();
  assert.match(await notice.textContent(), new RegExp(`${PATH.replace(/[.]/g, "\\.")} changed since the plan was made; nothing was written`));
  assert.equal(await vaultText(page, PATH), disk, "nothing written");
  const after = await page.evaluate(() => JSON.parse(localStorage.getItem("obsidian-shim:plugin-data:vaultcrm") ?? "null"));
  assert.deepEqual(after.lastMerge, stored.lastMerge, "the entry is kept for when the files match again");
});

test("no page errors, console errors or dialogs", async () => {
  await page.waitForTimeout(800);
  assert.deepEqual(problems, []);
});
