// Bundles plugin/main.ts (and the wasm wrapper it imports, with the wasm
// inlined) into plugin/main.js, the one script Obsidian loads.
//   node plugin/esbuild.config.mjs          one production build
//   node plugin/esbuild.config.mjs --watch  rebuild on change, inline source maps
import esbuild from "esbuild";
import { builtinModules } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes("--watch");

const options = {
  entryPoints: [join(here, "main.ts")],
  outfile: join(here, "main.js"),
  bundle: true,
  format: "cjs",
  platform: "browser",
  target: "es2020",
  // Provided by Obsidian at run time; bundling a second copy of CodeMirror
  // breaks its instanceof checks.
  external: [
    "obsidian",
    "electron",
    "@codemirror/*",
    "@lezer/*",
    ...builtinModules,
    ...builtinModules.map((m) => `node:${m}`),
  ],
  logLevel: "info",
  sourcemap: watch ? "inline" : false,
  minify: !watch,
  treeShaking: true,
  legalComments: "none",
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
