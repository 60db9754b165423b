// wasm/js/node.ts - createEngine() for Node (tests, scripts).
//
// Binds the wrapper to build/wasm/vaultcrm-node.js (-sENVIRONMENT=node,
// single file, so no .wasm path to resolve: Emscripten 3.1.6 would try
// fetch() on a file path under Node 18+). Needs `scripts/build-wasm.sh` first;
// see wasm/README.md for how bundles resolve the artifact.
//
//   import { createEngine } from "../../wasm/js/node";
//   (scripts/build-wasm.sh bundles this file to build/wasm/vaultcrm-engine-node.cjs)

import factory from "../../build/wasm/vaultcrm-node.js";
import { createEngineFrom, type Engine } from "./engine";

export * from "./engine";
export type * from "./types";

/** A new Engine; the first call loads and checks the wasm module. */
export function createEngine(): Promise<Engine> {
  return createEngineFrom(factory);
}
