// tests/wasm/helpers.mjs - shared loading for the wasm tests (not a test file).
//
// The tests drive the Node build through the same TypeScript wrapper the plugin
// uses: scripts/build-wasm.sh bundles wasm/js/node.ts (with vaultcrm-node.js
// inside) to build/wasm/vaultcrm-engine-node.cjs.
import { createRequire } from "node:module";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const buildDir = path.join(repoRoot, "build/wasm");

const require = createRequire(import.meta.url);

function load(file) {
  const full = path.join(buildDir, file);
  if (!existsSync(full)) {
    throw new Error(`${full} is missing: run \`bash scripts/build-wasm.sh\` first`);
  }
  return require(full);
}

/** The bundled wrapper: { createEngine, createEngineFrom, Engine, VaultcrmError, API_VERSION, ... } */
export const wrapper = load("vaultcrm-engine-node.cjs");

/** The raw Emscripten factory of the node module (for tests that wrap it). */
export const rawFactory = () => load("vaultcrm-node.js");

/**
 * Every .md under `dir` as {path, text, mtime}, in the order the native golden
 * runner (tests/core/golden_test.cpp) upserts them: recursive, hidden entries
 * included, sorted like std::sort over std::filesystem::path (component by
 * component, bytewise). `mtime` is 0 unless `{ mtime: "file" }` is passed.
 */
export function readVault(dir, { mtime = 0 } = {}) {
  const out = [];
  const walk = (rel) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(r);
      else if (entry.isFile() && entry.name.endsWith(".md")) {
        const full = path.join(dir, r);
        out.push({
          path: r,
          text: readFileSync(full, "utf8"),
          mtime: mtime === "file" ? statSync(full).mtimeMs / 1000 : mtime,
        });
      }
    }
  };
  walk("");
  out.sort((a, b) => comparePaths(a.path, b.path));
  return out;
}

function comparePaths(a, b) {
  const pa = a.split("/");
  const pb = b.split("/");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = Buffer.compare(Buffer.from(pa[i]), Buffer.from(pb[i]));
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}
