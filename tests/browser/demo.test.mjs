// The web demo in a real browser: the plugin, unchanged, on the wasm core.
//
// Needs the built demo (npm run build:plugin && npm run build:demo, after the
// wasm build) and Debian's chromium. Run: node --test tests/browser/
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = join(root, "test-results", "demo-microsoft.png");

let server = null;
let browser = null;
let page = null;
let baseUrl = "";
const problems = []; // page errors, console errors, dialogs: any one fails the run

/** Starts serve.mjs on a port the OS picks and resolves with its URL. */
function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, "web-demo", "serve.mjs"), "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`serve.mjs printed no URL: ${out}`)), 10_000);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0] });
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.mjs exited (${code}): ${out}`));
    });
  });
}

before(async () => {
  assert.ok(
    existsSync(join(root, "web-demo", "dist", "app.js")),
    "web-demo/dist is missing: run npm run build:plugin && npm run build:demo first",
  );
  const started = await startServer();
  server = started.child;
  baseUrl = started.url;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console.error: ${msg.text()}`);
  });
  page.on("dialog", (dialog) => {
    problems.push(`dialog (${dialog.type()}): ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(baseUrl);
});

after(async () => {
  await browser?.close().catch(() => {});
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
});

const panel = () => page.locator(".vaultcrm-view");

async function openNote(path) {
  await page.locator(`.tree-file[data-path="${path}"]`).click();
  await page.locator(".vaultcrm-title").filter({ hasText: path.replace(/^.*\//, "").replace(/\.md$/, "") }).waitFor();
}

test("Microsoft.md: the panel shows status, contacts, collaborators and recent context", async () => {
  await openNote("Customers/Microsoft.md");
  await page.locator(".cm-content").filter({ hasText: "## Key Contacts" }).waitFor();

  const status = await panel().locator(".vaultcrm-status").textContent();
  assert.match(status, /Active/);
  assert.match(status, /Technology/);

  // Most-mentioned contacts first, each name once with its count.
  const contactsSection = panel().locator(".vaultcrm-section-contacts");
  const top = contactsSection.locator(".vaultcrm-contact").first();
  assert.equal(await top.locator(".vaultcrm-name").textContent(), "Jason Vallery");
  assert.match(await top.locator(".vaultcrm-badge").textContent(), /^×\d+$/);

  // Recent Context: a timeline, newest first.
  const context = panel().locator(".vaultcrm-context");
  const total = Number(await panel().locator(".vaultcrm-section-context .vaultcrm-count").textContent());
  assert.ok(total >= 10, `recent-context entries: ${total}`);
  assert.ok((await context.count()) >= 5, "recent-context entries shown");
  const dates = await context.locator(".vaultcrm-date").allTextContents();
  assert.deepEqual(dates, [...dates].sort().reverse(), "dates newest first");
  const prep = context.filter({ hasText: "Prep for MAI talks" });
  assert.equal(await prep.locator(".vaultcrm-date").textContent(), "2026-01-03");

  await mkdir(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT });

  // "Show all" reveals every contact: 107 Key Contacts lines, each name once.
  await contactsSection.locator(".vaultcrm-more").click();
  const contacts = await contactsSection.locator(".vaultcrm-contact .vaultcrm-name").allTextContents();
  for (const name of ["Ronnie Booker", "Jason Vallery", "Maneesh Sah"]) {
    assert.ok(contacts.includes(name), `contact ${name} in ${JSON.stringify(contacts.slice(0, 20))}`);
  }
  assert.equal(contacts.filter((c) => c === "Jason Vallery").length, 1);

  // Ronnie Booker is in Collaborators twice, with two roles; both are shown.
  const collaborators = panel().locator(".vaultcrm-section-collaborators");
  await collaborators.locator(".vaultcrm-more").click();
  const roles = await collaborators
    .locator(".vaultcrm-collaborator")
    .filter({ hasText: "Ronnie Booker" })
    .locator(".vaultcrm-role")
    .allTextContents();
  assert.ok(roles.some((r) => r.includes("Runs Azure hardware")), JSON.stringify(roles));
  assert.ok(roles.some((r) => r.includes("chassis/layout")), JSON.stringify(roles));
});

test("the seed's tasks block (path includes Microsoft, not done) lists the meeting notes' open tasks", async () => {
  await openNote("Customers/Microsoft.md");
  const tasks = panel().locator(".vaultcrm-task");
  assert.ok((await tasks.count()) >= 1, "open tasks");
  const text = (await tasks.allTextContents()).join("\n");
  assert.match(text, /2025-12-15 - Microsoft MAI strategy and next steps/);
  assert.match(text, /2026-01-03 - Prep for Microsoft AI talks/);
  assert.doesNotMatch(text, /Send meeting notes to attendees/); // done: [x]
});

test("clicking a panel item opens its source note at that line", async () => {
  await openNote("Customers/Microsoft.md");
  // A Recent Context entry: the account note itself, at the entry's line.
  const entry = panel().locator(".vaultcrm-context").nth(2);
  const line = /line (\d+)/.exec(await entry.getAttribute("title"))[1];
  await entry.click();
  await page.waitForFunction(
    (want) => document.querySelector(".cm-activeLineGutter")?.textContent?.trim() === want,
    line,
  );
  // A link in an entry: the meeting note it names.
  await panel().locator(".vaultcrm-link").filter({ hasText: "2026-01-03 - Prep for Microsoft AI talks" }).first().click();
  await page.locator("#tab-title").filter({ hasText: "2026-01-03 - Prep for Microsoft AI talks" }).waitFor();
  // The panel stays on the account while one of its meeting notes is open.
  assert.equal(await panel().locator(".vaultcrm-title").textContent(), "Microsoft");
});

test("editing a note in CodeMirror updates the panel", async () => {
  await openNote("Customers/Kolej Bałtycka Północ.md");
  const before = await panel().locator(".vaultcrm-contact .vaultcrm-name").allTextContents();
  assert.ok(!before.includes("Zofia Nowak"));
  await page.locator(".cm-line").filter({ hasText: /^## Key Contacts$/ }).click();
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.type("- [[Zofia Nowak]]");
  await panel().locator(".vaultcrm-contact .vaultcrm-name").filter({ hasText: "Zofia Nowak" }).waitFor();
});

test("markup in a note is shown as text, never run", async () => {
  await openNote("Customers/Kolej Bałtycka Północ.md");
  const entry = panel().locator(".vaultcrm-context").filter({ hasText: "vendor portal" });
  assert.match(await entry.locator(".vaultcrm-text").textContent(), /<img src=x onerror=alert\(1\)>/);
  assert.equal(await panel().locator("img").count(), 0);
});

test("no page errors, console errors or dialogs", async () => {
  // Let pending debounced saves and refreshes run before judging.
  await page.waitForTimeout(500);
  assert.deepEqual(problems, []);
});
