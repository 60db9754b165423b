// wasm/js/module.ts - the raw surface of the Emscripten module (embind), typed.
//
// This is what wasm/src/bindings.cpp exports. Only engine.ts talks to it; hosts
// use the Engine class from engine.ts. Every method but saveSnapshot returns a
// JSON envelope string ({"ok":true,"value":...} | {"ok":false,"error":{code,message}}), and
// nothing throws across it: bindings.cpp catches every C++ exception.

/** An embind handle to a C++ vaultcrm::Engine. Owns wasm memory: call delete(). */
export interface RawEngine {
  upsertMany(notesJson: string): string;
  /** Note-by-note bulk load: batchBegin(n), batchAdd() per note, batchEnd() answers as upsertMany. */
  batchBegin(count: number): void;
  batchAdd(path: string, text: string, mtime: number): void;
  /** batchAdd of UTF-8 bytes the caller wrote into the heap at these addresses (and frees afterwards). */
  batchAddAt(pathAddress: number, pathSize: number, textAddress: number, textSize: number, mtime: number): void;
  batchEnd(): string;
  upsert(path: string, text: string, mtime: number): string;
  remove(path: string): string;
  rename(from: string, to: string): string;
  setSchema(schemaJson: string): string;
  note(path: string): string;
  summary(): string;
  indexJson(): string;
  panel(path: string): string;
  /** format: "dql" | "tasks" | "" (detect). */
  query(source: string, originPath: string, format: string): string;
  dedup(optionsJson: string): string;
  mergePlan(requestJson: string): string;
  /** The binary index snapshot (a copy), or null if the engine could not make one. */
  saveSnapshot(): Uint8Array | null;
  /** Loads the snapshot the caller copied to [address, address + size) of the heap (and frees afterwards). */
  loadSnapshotAt(address: number, size: number): string;
  /** upsert / attachText over UTF-8 bytes the caller wrote into the heap (as batchAddAt). */
  upsertAt(pathAddress: number, pathSize: number, textAddress: number, textSize: number, mtime: number): string;
  attachTextAt(pathAddress: number, pathSize: number, textAddress: number, textSize: number): string;
  attachText(path: string, text: string): string;
  missingTexts(): string;
  /** Frees the C++ object. Using the handle afterwards throws. */
  delete(): void;
  isDeleted(): boolean;
}

/** The initialised module: what `await factory()` resolves to. */
export interface VaultcrmModule {
  Engine: new () => RawEngine;
  apiVersion(): number;
  schemaVersion(): number;
  /** The heap allocator and the heap itself, for bytes that cross by one copy (a snapshot). */
  _malloc(size: number): number;
  _free(address: number): void;
  /** The heap; replaced when the heap grows, so read it after allocating. */
  HEAPU8: Uint8Array;
}

/** Options passed to the Emscripten factory (a subset of Module's fields). */
export interface VaultcrmModuleOptions {
  print?: (text: string) => void;
  printErr?: (text: string) => void;
  /** The wasm bytes; unneeded with the single-file builds, which embed them. */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

/** The MODULARIZE'd factory that vaultcrm-web.js / vaultcrm-node.js export. */
export type VaultcrmModuleFactory = (options?: VaultcrmModuleOptions) => Promise<VaultcrmModule>;
