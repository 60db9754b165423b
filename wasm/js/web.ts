// wasm/js/web.ts - createEngine() for browsers, workers and Obsidian.
//
// Binds the wrapper to build/wasm/vaultcrm-web.js (-sENVIRONMENT=web,worker).
// The wasm travels inside the bundle (an Obsidian plugin ships only main.js),
// gzip-compressed and base64-encoded: build/wasm/vaultcrm-web.wasm-gz.js, made
// by embed-wasm.mjs at link time. It is inflated here with the standard
// DecompressionStream("gzip") (Chromium/Electron 80+, Safari 16.4+, Node 18+)
// and handed to the Emscripten factory as `wasmBinary`, so the module never
// fetches anything. Needs `scripts/build-wasm.sh` first; see wasm/README.md
// for how bundles resolve the artifact.
//
//   import { createEngine } from "../../wasm/js/web";
//   import type { AccountPanel } from "../../wasm/js/types";

import factory from "../../build/wasm/vaultcrm-web.js";
import wasmGzipBase64 from "../../build/wasm/vaultcrm-web.wasm-gz.js";
import { createEngineFrom, type Engine, type VaultcrmModuleFactory } from "./engine";

export * from "./engine";
export type * from "./types";

/** The embedded module's bytes: base64 -> gzip -> wasm. */
async function wasmBytes(): Promise<Uint8Array> {
  if (typeof DecompressionStream !== "function") {
    throw new Error("vaultcrm: this host lacks DecompressionStream('gzip'), needed to unpack the embedded wasm module");
  }
  const bin = atob(wasmGzipBase64);
  const gz = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) gz[i] = bin.charCodeAt(i);
  // One write, then read the chunks: 3-4x faster in Chromium than
  // `new Response(blob.stream().pipeThrough(ds)).arrayBuffer()` (measured
  // ~35 ms vs ~100+ ms for the 2.4 MB module). Not awaited before reading:
  // the writer would wait on backpressure; a corrupt stream rejects read().
  const ds = new DecompressionStream("gzip");
  const writer = ds.writable.getWriter();
  writer.write(gz).catch(() => {});
  writer.close().catch(() => {});
  const reader = ds.readable.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(value);
    size += value.length;
  }
  const wasm = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    wasm.set(part, at);
    at += part.length;
  }
  return wasm;
}

/** The factory with the inflated wasm; one object, so initModule() memoises it. */
const webFactory: VaultcrmModuleFactory = async (options) =>
  factory({ ...options, wasmBinary: await wasmBytes() });

/** A new Engine; the first call loads and checks the wasm module. */
export function createEngine(): Promise<Engine> {
  return createEngineFrom(webFactory);
}
