// tests/browser/harness.mjs - the web demo in headless Debian chromium, shared
// by the browser tests: serves web-demo/dist on a free port, opens a page and
// records page errors, console errors and dialogs (any of them fails a test).
//
//   const demo = useDemo();            // registers before/after hooks
//   test("...", async () => { await demo.page.click(...); });
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CHROMIUM = "/usr/bin/chromium";

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

/** Registers hooks that start the demo before the file's tests and stop it after. */
export function useDemo() {
  const demo = { page: null, browser: null, server: null, baseUrl: "", problems: [], ready: null };
  // Root-level hooks of different files may not run strictly in sequence, so
  // callers await `ready` before reading page/baseUrl.
  let ready;
  demo.ready = new Promise((resolve, reject) => (ready = { resolve, reject }));
  demo.ready.catch(() => {});
  before(async () => {
    try {
      await start();
      ready.resolve(demo);
    } catch (err) {
      ready.reject(err);
      throw err;
    }
  });
  async function start() {
    assert.ok(
      existsSync(join(root, "web-demo", "dist", "app.js")),
      "web-demo/dist is missing: run npm run build:plugin && npm run build:demo first",
    );
    const started = await startServer();
    demo.server = started.child;
    demo.baseUrl = started.url;
    demo.browser = await chromium.launch({
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
    const page = await demo.browser.newPage({ viewport: { width: 1440, height: 1000 } });
    demo.page = page;
    page.on("pageerror", (err) => demo.problems.push(`pageerror: ${err.message}`));
    page.on("console", (msg) => {
      if (msg.type() === "error") demo.problems.push(`console.error: ${msg.text()}`);
    });
    page.on("dialog", (dialog) => {
      demo.problems.push(`dialog (${dialog.type()}): ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(demo.baseUrl);
  }
  after(async () => {
    await demo.browser?.close().catch(() => {});
    const server = demo.server;
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
  });
  return demo;
}

/** Runs a command from the demo's command palette (Escape first closes any open modal). */
export async function runCommand(page, query) {
  await page.keyboard.press("Escape");
  await page.locator("#ribbon-commands").click();
  await page.keyboard.type(query);
  await page.keyboard.press("Enter");
}

/** Opens `path` in the demo editor (a click in the file tree). */
export async function openNote(page, path) {
  await page.locator(`.tree-file[data-path="${path}"]`).click();
  await page.locator("#tab-title").filter({ hasText: path.replace(/^.*\//, "").replace(/\.md$/, "") }).waitFor();
}

/** Opens an account note and waits for its panel. */
export async function openAccount(page, path) {
  await openNote(page, path);
  await page.locator(".vaultcrm-title").filter({ hasText: path.replace(/^.*\//, "").replace(/\.md$/, "") }).waitFor();
}

/** Opens `path` in the demo editor and returns the text of its CodeMirror document. */
export async function vaultText(page, path) {
  const title = path.replace(/^.*\//, "").replace(/\.md$/, "");
  await page.locator(`.tree-file[data-path="${path}"]`).click();
  await page.waitForFunction((t) => document.getElementById("tab-title")?.textContent === t, title);
  return page.evaluate(() => {
    const content = document.querySelector(".cm-content");
    return content?.cmView?.rootView?.view?.state.doc.toString() ?? null;
  });
}

/** The sample vault's file as committed (what the demo starts from). */
export function diskText(path) {
  return readFile(join(root, "sample-vault", path), "utf8");
}

