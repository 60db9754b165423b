// wasm/js/web.ts - createEngine() for browsers, workers and Obsidian.
//
// Binds the wrapper to build/wasm/vaultcrm-web.js (-sENVIRONMENT=web,worker,
// single file: the wasm travels inside the bundle as base64, which is how an
// Obsidian plugin ships it in main.js). Needs `scripts/build-wasm.sh` first;
// see wasm/README.md for how bundles resolve the artifact.
//
//   import { createEngine } from "../../wasm/js/web";
//   import type { AccountPanel } from "../../wasm/js/types";

import factory from "../../build/wasm/vaultcrm-web.js";
import { createEngineFrom, type Engine } from "./engine";

export * from "./engine";
export type * from "./types";

/** A new Engine; the first call loads and checks the wasm module. */
export function createEngine(): Promise<Engine> {
  return createEngineFrom(factory);
}
