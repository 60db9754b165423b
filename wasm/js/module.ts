// wasm/js/module.ts - the raw surface of the Emscripten module (embind), typed.
//
// This is what wasm/src/bindings.cpp exports. Only engine.ts talks to it; hosts
// use the Engine class from engine.ts. Every answer is a JSON envelope
// ({"ok":true,"value":...} | {"ok":false,"error":{code,message}}), except
// saveSnapshot's bytes, and nothing throws across it: bindings.cpp catches
// every C++ exception.
//
// The `...Bytes` calls (what engine.ts uses) return the answer's size in
// bytes and leave the answer, UTF-8 JSON (or the binary snapshot), in a buffer
// the C++ engine owns: it starts at the address stored in the 32-bit word at
// `resultSlot()` (read it with HEAPU32 after the call) and stays there until
// the next `...Bytes` call or `releaseResult()`. The string-returning calls go
// through embind's own string conversion; only the bench's raw stages and
// tests/wasm use them.

/** An embind handle to a C++ vaultcrm::Engine. Owns wasm memory: call delete(). */
export interface RawEngine {
  /** Heap address of the word that holds the address of the last `...Bytes` answer (fixed per engine). */
  resultSlot(): number;
  /** Frees the last `...Bytes` answer. */
  releaseResult(): void;
  /** Note-by-note bulk load: batchBegin(n), batchAddAt() per note, batchEndBytes() answers as upsertMany. */
  batchBegin(count: number): void;
  /** batchAdd of UTF-8 bytes the caller wrote into the heap at these addresses (and frees afterwards). */
  batchAddAt(pathAddress: number, pathSize: number, textAddress: number, textSize: number, mtime: number): void;
  batchEndBytes(): number;
  /** upsert / attachText over UTF-8 bytes the caller wrote into the heap (as batchAddAt). */
  upsertBytes(pathAddress: number, pathSize: number, textAddress: number, textSize: number, mtime: number): number;
  attachTextBytes(pathAddress: number, pathSize: number, textAddress: number, textSize: number): number;
  removeBytes(path: string): number;
  renameBytes(from: string, to: string): number;
  setSchemaBytes(schemaJson: string): number;
  noteBytes(path: string): number;
  summaryBytes(): number;
  indexJsonBytes(): number;
  panelBytes(path: string): number;
  panelVersionBytes(path: string): number;
  /** format: "dql" | "tasks" | "" (detect). */
  queryBytes(source: string, originPath: string, format: string): number;
  queryVersionBytes(source: string, originPath: string, format: string): number;
  dedupBytes(optionsJson: string): number;
  mergePlanBytes(requestJson: string): number;
  missingTextsBytes(): number;
  /** The binary index snapshot; size 0 if the engine could not make one. */
  saveSnapshotBytes(): number;
  /**
   * loadSnapshot in pieces: snapshotBegin(), then snapshotFeedAt() for each
   * piece the caller copied to [address, address + size) of the heap (false:
   * refused, stop), then snapshotEndBytes() for the answer.
   */
  snapshotBegin(): void;
  snapshotFeedAt(address: number, size: number): boolean;
  snapshotEndBytes(): number;

  /** Through embind's strings (bench, tests): a JSON array of {path, text, mtime}. */
  upsertMany(notesJson: string): string;
  batchAdd(path: string, text: string, mtime: number): void;
  batchEnd(): string;
  upsert(path: string, text: string, mtime: number): string;
  note(path: string): string;
  indexJson(): string;
  panel(path: string): string;

  /** Frees the C++ object. Using the handle afterwards throws. */
  delete(): void;
  isDeleted(): boolean;
}

/** The initialised module: what `await factory()` resolves to. */
export interface VaultcrmModule {
  Engine: new () => RawEngine;
  apiVersion(): number;
  schemaVersion(): number;
  /** The heap allocator and the heap itself, for bytes that cross in either direction. */
  _malloc(size: number): number;
  _free(address: number): void;
  /** The heap; replaced when the heap grows, so read it after allocating or calling. */
  HEAPU8: Uint8Array;
  /** The same heap as 32-bit words (replaced with HEAPU8). */
  HEAPU32: Uint32Array;
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
