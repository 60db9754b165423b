// tests/wasm/web-artifact.test.mjs - the web module, as the plugin and the demo ship it.
//
// The Node tests drive vaultcrm-node.js; this checks the other artifact,
// vaultcrm-web.js (-sENVIRONMENT=web,worker), through wasm/js/web.ts bundled by
// esbuild exactly as the plugin and the demo import it, in headless Chromium:
// on a page, in a Worker, and on a page that looks like Obsidian's Electron
// renderer (a Node-ish `process` global, which Emscripten 3.1.6 would take for
// Node). Skipped when Debian's chromium is not installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { buildDir, repoRoot } from "./helpers.mjs";

const require = createRequire(import.meta.url);
const CHROMIUM = "/usr/bin/chromium";
const webModule = path.join(buildDir, "vaultcrm-web.js");

test("the web module contains no Node code path", () => {
  const js = readFileSync(webModule, "utf8");
  for (const needle of ['require("fs")', "require('fs')", "__dirname", 'require("path")'])
    assert.ok(!js.includes(needle), `vaultcrm-web.js contains ${needle}`);
});

// The page script: everything a host does, reporting plain data back.
const ENTRY = `
import { createEngine, VaultcrmError } from ${JSON.stringify(path.join(repoRoot, "wasm/js/web.ts"))};
async function run() {
  const engine = await createEngine();
  const out = {};
  engine.upsertMany([
    { path: "Customers/Acme.md", text: "---\\ntype: customer\\ntags: [crm]\\n---\\n# Acme\\n- [ ] call [[Jane Doe]] 📅 2026-01-05\\n", mtime: 1 },
    { path: "People/Jane Doe.md", text: "# Jane Doe\\n", mtime: 1 },
  ]);
  const note = engine.note("Customers/Acme.md");
  out.tags = note.tags;
  out.resolved = note.links.map((l) => l.resolved);
  out.due = note.tasks.map((t) => t.due);
  // yaml-cpp throws inside the module; it must come back as a diagnostic.
  engine.upsert("Broken.md", "---\\nx: [1, 2\\n---\\n# B\\n", 2);
  out.broken = engine.note("Broken.md").errors.map((e) => e.code + "@" + e.line);
  out.after = engine.summary().notes;
  try { engine.note("missing.md"); } catch (e) { out.missing = e instanceof VaultcrmError ? e.code : String(e); }
  out.panelPath = engine.panel("Customers/Acme.md").path;
  engine.dispose();
  try { engine.summary(); } catch (e) { out.disposed = e.code; }
  return out;
}
globalThis.vaultcrmRun = () => run().catch((e) => ({ error: String(e && e.stack || e) }));
if (typeof document === "undefined") globalThis.vaultcrmRun().then((r) => postMessage(r));
`;

const EXPECTED = {
  tags: ["crm"],
  resolved: ["People/Jane Doe.md"],
  due: ["2026-01-05"],
  broken: ["yaml_syntax@3"],
  after: 3,
  missing: "not_found",
  panelPath: "Customers/Acme.md",
  disposed: "disposed",
};

test("web module in headless Chromium: page, Worker, Electron-like page", { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) return t.skip(`${CHROMIUM} not installed (apt-get install chromium)`);
  const { chromium } = require(path.join(repoRoot, "node_modules/playwright-core"));
  const esbuild = require(path.join(repoRoot, "node_modules/esbuild"));

  const dir = mkdtempSync(path.join(os.tmpdir(), "vaultcrm-web-"));
  writeFileSync(path.join(dir, "entry.ts"), ENTRY);
  await esbuild.build({
    entryPoints: [path.join(dir, "entry.ts")],
    outfile: path.join(dir, "bundle.js"),
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    logLevel: "silent",
  });
  const files = {
    "/bundle.js": readFileSync(path.join(dir, "bundle.js")),
    "/index.html": Buffer.from('<!doctype html><meta charset="utf-8"><script src="bundle.js"></script>'),
    // Obsidian's renderer has Node integration: `process.versions.node` exists.
    "/electron.html": Buffer.from(
      '<!doctype html><meta charset="utf-8"><script>window.process = { versions: { node: "20.0.0", electron: "30.0.0" }, platform: "linux", env: {} };</script><script src="bundle.js"></script>',
    ),
  };
  const server = http.createServer((req, res) => {
    const body = files[req.url];
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": req.url.endsWith(".js") ? "text/javascript" : "text/html" }).end(body);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/index.html`);
    assert.deepEqual(await page.evaluate(() => globalThis.vaultcrmRun()), EXPECTED, "page");

    const inWorker = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const w = new Worker("bundle.js");
          w.onmessage = (e) => resolve(e.data);
          w.onerror = (e) => resolve({ error: e.message });
        }),
    );
    assert.deepEqual(inWorker, EXPECTED, "worker");

    const electron = await browser.newPage();
    await electron.goto(`${base}/electron.html`);
    assert.deepEqual(await electron.evaluate(() => globalThis.vaultcrmRun()), EXPECTED, "Electron-like page");
  } finally {
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
