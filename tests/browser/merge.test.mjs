// Merging contacts in the web demo: Review duplicates -> Preview -> Apply,
// then "vaultcrm: Undo last merge" puts every touched file back byte for byte.
//
// Needs the built demo (npm run build:plugin && npm run build:demo, after the
// wasm build) and Debian's chromium. Run: node --test tests/browser/
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { useDemo, root, runCommand, vaultText, diskText } from "./harness.mjs";

const DATA_KEY = "obsidian-shim:plugin-data:vaultcrm";

let page = null;
let baseUrl = "";
let problems = []; // page errors, console errors, dialogs: any one fails the run
const demo = useDemo();
before(async () => {
  await demo.ready;
  ({ page, baseUrl, problems } = demo);
});


const CANONICAL = "People/Jonsi Stefansson.md";
const MERGED = "People/Jonsi Stephenson.md";
const MEETING = "Meetings/2026-01-03 - Prep for Microsoft AI talks.md";




async function storedData() {
  return page.evaluate((key) => JSON.parse(window.localStorage.getItem(key) ?? "null"), DATA_KEY);
}

/** Opens Review duplicates once the engine has indexed the vault; returns the cluster listing `member`. */
async function openCluster(member) {
  const modal = page.locator(".vaultcrm-review");
  for (let i = 0; i < 40; i++) {
    await runCommand(page, "review duplicates");
    await modal.waitFor();
    const cluster = modal.locator(".vaultcrm-review-cluster").filter({ has: page.locator(`input[type="radio"][value="${member}"]`) }).first();
    if ((await cluster.count()) > 0) return cluster;
    await page.keyboard.press("Escape");
    await modal.waitFor({ state: "detached" });
    await page.waitForTimeout(250);
  }
  throw new Error(`the ${member} cluster never appeared in Review duplicates`);
}

const openJonsi = () => openCluster("Jonsi Stephenson");

let touched = [];

test("merge Jonsi Stephenson into Jonsi Stefansson: preview, apply, aliases and links", async () => {
  await page.locator(".tree-file").first().waitFor();
  const jonsi = await openJonsi();
  await jonsi.locator('input[type="radio"][value="Jonsi Stefansson"]').check();
  await jonsi.locator(".vaultcrm-review-preview").click();
  const files = jonsi.locator(".vaultcrm-review-file");
  await files.first().waitFor();
  touched = await files.evaluateAll((els) => els.map((el) => el.getAttribute("data-path")));
  assert.ok(touched.includes(CANONICAL), `canonical note in the plan: ${touched.join(", ")}`);
  assert.ok(touched.includes(MEETING), `meeting note in the plan: ${touched.join(", ")}`);
  assert.match(await jonsi.locator(".vaultcrm-review-plan-summary").textContent(), /\d+ files? touched · \d+ links? rewritten · \d+ conflicts?/);
  // Every touched file is a sample-vault file the merge modifies in place here.
  for (const path of touched) assert.ok(existsSync(join(root, "sample-vault", path)), path);

  // The merged note becomes a redirect unless the user ticks "delete".
  const how = (path) => jonsi.locator(`.vaultcrm-review-file[data-path="${path}"] .vaultcrm-review-file-how`).textContent();
  assert.match(await how(MERGED), /becomes a redirect note/);
  const tick = jonsi.locator(".vaultcrm-review-delete-merged");
  await tick.check();
  await jonsi.locator(".vaultcrm-review-preview").click();
  await jonsi.locator(`.vaultcrm-review-file[data-path="${MERGED}"]`).waitFor();
  assert.match(await how(MERGED), /deleted/);
  await tick.uncheck();
  await jonsi.locator(".vaultcrm-review-preview").click();
  await jonsi.locator(`.vaultcrm-review-file[data-path="${MERGED}"]`).waitFor();
  assert.match(await how(MERGED), /becomes a redirect note/);

  await jonsi.locator(".vaultcrm-review-apply").click();
  await jonsi.locator(".vaultcrm-review-applied, .vaultcrm-review-error").first().waitFor();
  assert.equal(await jonsi.locator(".vaultcrm-review-error").count(), 0, await jonsi.locator(".vaultcrm-review-plan").textContent());
  await page.keyboard.press("Escape");
  await page.locator(".vaultcrm-review").waitFor({ state: "detached" });

  const canonical = await vaultText(page, CANONICAL);
  const fm = /^---\n([\s\S]*?)\n---/.exec(canonical);
  assert.ok(fm, "canonical note keeps its frontmatter");
  const aliases = /^aliases:(.*(?:\n[ \t]+-.*)*)/m.exec(fm[1]);
  assert.ok(aliases, `aliases in the frontmatter:\n${fm[1]}`);
  assert.match(aliases[1], /Jonsi Stephenson/);

  const redirect = await vaultText(page, MERGED);
  assert.match(redirect, /Merged into \[\[Jonsi Stefansson\]\]/, redirect);

  const meeting = await vaultText(page, MEETING);
  assert.ok(meeting.includes("[[Jonsi Stefansson|Jonsi Stephenson]]"), meeting);
  assert.ok(!meeting.includes("[[Jonsi Stephenson]]"), "old link rewritten");

  const data = await storedData();
  assert.ok(Array.isArray(data?.lastMerge?.inverse) && data.lastMerge.inverse.length === touched.length, "undo entry stored");
  assert.equal(typeof data.lastMerge.when, "number");
  assert.match(data.lastMerge.label, /Jonsi Stephenson.*Jonsi Stefansson/);
  assert.equal(typeof data.autoOpen, "boolean", "settings kept next to the undo entry");
});

test("vaultcrm: Undo last merge puts every touched file back byte for byte", async () => {
  assert.ok(touched.length > 0);
  await runCommand(page, "undo last merge");
  await page.locator(".notice").filter({ hasText: "undid" }).waitFor();
  for (const path of touched) {
    assert.equal(await vaultText(page, path), await diskText(path), `${path} restored`);
  }
  const data = await storedData();
  assert.equal(data.lastMerge, null, "undo entry cleared");
});

// Neither spelling has a person note: the merge creates one (type, aliases)
// so the rewritten links resolve; undo removes it again.
test("merging Pete Eming into Pete Emig (no person note) creates People/Pete Emig.md; undo removes it", async () => {
  const CREATED = "People/Pete Emig.md";
  const ACCOUNT = "Customers/Microsoft.md";
  assert.ok(!existsSync(join(root, "sample-vault", CREATED)), "the sample vault has no note for Pete Emig");
  const pete = await openCluster("Pete Eming");
  await pete.locator('input[type="radio"][value="Pete Emig"]').check();
  await pete.locator(".vaultcrm-review-preview").click();
  const created = pete.locator(`.vaultcrm-review-file[data-path="${CREATED}"] .vaultcrm-review-file-how`);
  await created.waitFor();
  assert.match(await created.textContent(), /created/);
  await pete.locator(".vaultcrm-review-apply").click();
  await pete.locator(".vaultcrm-review-applied, .vaultcrm-review-error").first().waitFor();
  assert.equal(await pete.locator(".vaultcrm-review-error").count(), 0, await pete.locator(".vaultcrm-review-plan").textContent());
  await page.keyboard.press("Escape");
  await page.locator(".vaultcrm-review").waitFor({ state: "detached" });

  const note = await vaultText(page, CREATED);
  assert.match(note, /^---\ntype: person\naliases:\n {2}- Pete Eming\n---\n# Pete Emig\n$/, note);
  const account = await vaultText(page, ACCOUNT);
  assert.ok(!account.includes("[[Pete Eming]]"), "no link left to the other spelling");
  assert.equal(account.split("| [[Pete Emig]] |").length - 1, 1, "the two collaborator rows are one");

  const undid = page.locator(".notice").filter({ hasText: "undid" });
  const shown = await undid.count();
  await runCommand(page, "undo last merge");
  await undid.nth(shown).waitFor();
  await page.locator(`.tree-file[data-path="${CREATED}"]`).waitFor({ state: "detached" });
  assert.equal(await vaultText(page, ACCOUNT), await diskText(ACCOUNT), "account note restored byte for byte");
});

test("no page errors, console errors or dialogs", async () => {
  await page.waitForTimeout(800);
  assert.deepEqual(problems, []);
});
