// Builds the web demo into web-demo/dist/: index.html, app.js, app.css.
//
// The plugin's source is bundled unchanged: the module name "obsidian" is
// aliased to src/obsidian-shim.ts. The sample vault is read here and compiled
// in as the virtual module "vaultcrm:sample-vault", so the page needs no
// server-side file access. Run after the wasm build (the engine is imported
// from wasm/js/web.ts, which embeds the single-file wasm module).
import esbuild from "esbuild";
import { copyFile, mkdir, readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const vaultDir = join(root, "sample-vault");
const outdir = join(here, "dist");

async function listFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue; // .obsidian/, .DS_Store
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile() && entry.name.endsWith(".md")) out.push(full);
  }
  return out;
}

async function readVault() {
  const files = (await listFiles(vaultDir)).sort();
  return Promise.all(
    files.map(async (full) => ({
      path: relative(vaultDir, full).split(sep).join("/"),
      text: await readFile(full, "utf8"),
      mtime: Math.round((await stat(full)).mtimeMs),
    })),
  );
}

const sampleVault = {
  name: "sample-vault",
  setup(build) {
    build.onResolve({ filter: /^vaultcrm:sample-vault$/ }, (args) => ({ path: args.path, namespace: "sample-vault" }));
    build.onLoad({ filter: /.*/, namespace: "sample-vault" }, async () => ({
      contents: JSON.stringify(await readVault()),
      loader: "json",
      watchFiles: (await listFiles(vaultDir)),
    }));
  },
};

await mkdir(outdir, { recursive: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { app: join(here, "src", "main.ts") },
  outdir,
  bundle: true,
  format: "iife",
  platform: "browser",
  target: "es2020",
  alias: { obsidian: "./web-demo/src/obsidian-shim.ts" },
  plugins: [sampleVault],
  sourcemap: true,
  minify: true,
  legalComments: "none",
  logLevel: "info",
});
await copyFile(join(here, "index.html"), join(outdir, "index.html"));
console.log(`web-demo: wrote ${relative(root, outdir)}/index.html, app.js, app.css`);
