// wasm/js/engine.ts - the thin TypeScript wrapper over the vaultcrm wasm module.
//
// It marshals and owns lifetimes; it has no logic of its own (tree-sitter's
// binding_web, sql.js). Strings go in, one JSON envelope per call comes out
// (as UTF-8 bytes in the module's heap, decoded here); an error envelope
// becomes a thrown VaultcrmError.
//
//   import { createEngine } from "../../wasm/js/web";   // or ./node
//   const engine = await createEngine();      // the module loads once
//   engine.upsertMany([{ path, text, mtime }]);
//   const panel = engine.panel("Customers/Microsoft.md");
//   engine.dispose();
//
// web.ts and node.ts bind createEngineFrom() to the matching Emscripten build.
// The result shapes are in types.ts (mirror of docs/json-api.md).

import type { VaultcrmModule, VaultcrmModuleFactory, RawEngine } from "./module";
import {
  SCHEMA_VERSION,
  type AccountPanel,
  type AttachTextResult,
  type MissingTexts,
  type SnapshotLoadResult,
  type DedupOptions,
  type DedupReport,
  type Envelope,
  type EnvelopeError,
  type ErrorCode,
  type IndexDump,
  type MergePlan,
  type MergePlanRequest,
  type Note,
  type NoteInput,
  type PanelVersion,
  type QueryFormat,
  type QueryResult,
  type QueryVersion,
  type RemoveResult,
  type RenameResult,
  type SchemaSettings,
  type SetSchemaResult,
  type Summary,
  type UpsertManyResult,
  type UpsertResult,
} from "./types";

export type { VaultcrmModule, VaultcrmModuleFactory, RawEngine } from "./module";

/** The core API version this wrapper speaks (core: vaultcrm::kApiVersion). */
export const API_VERSION = 2;
export { SCHEMA_VERSION };

/**
 * An error reported by the core (an `{"ok":false}` envelope) or by the wrapper.
 * `code` is one of docs/json-api.md's codes ("bad_request", "not_found",
 * "internal", "query_syntax", ...), or "disposed" when the Engine was used
 * after dispose(). `line`/`column` locate a query_syntax error in the query.
 */
export class VaultcrmError extends Error {
  readonly code: ErrorCode | "disposed" | string;
  readonly line?: number;
  readonly column?: number;

  constructor(code: string, message: string, position?: { line?: number; column?: number }) {
    super(message);
    this.name = "VaultcrmError";
    this.code = code;
    if (position?.line !== undefined) this.line = position.line;
    if (position?.column !== undefined) this.column = position.column;
    // Keep `instanceof` working when compiled down to ES5 classes.
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

// FinalizationRegistry is ES2021; hosts may type-check against older libs, so
// it is looked up, not referenced by name.
interface Registry<T> {
  register(target: object, held: T, token?: object): void;
  unregister(token: object): void;
}
type RegistryCtor = new <T>(cleanup: (held: T) => void) => Registry<T>;
const RegistryImpl = (globalThis as { FinalizationRegistry?: RegistryCtor }).FinalizationRegistry;

// Safety net only: an Engine collected without dispose() frees its C++ side.
// Collection timing is up to the JS engine, so hosts should still dispose().
const leaked: Registry<RawEngine> | null = RegistryImpl
  ? new RegistryImpl<RawEngine>((raw) => {
      if (!raw.isDeleted()) raw.delete();
    })
  : null;

function unwrap<T>(json: string): T {
  let envelope: Envelope<T>;
  try {
    envelope = JSON.parse(json) as Envelope<T>;
  } catch (e) {
    throw new VaultcrmError("internal", `malformed reply from the core: ${String(e)}`);
  }
  if (envelope.ok) return envelope.value;
  const error: EnvelopeError = envelope.error;
  throw new VaultcrmError(error.code, error.message, error);
}

const utf8 = new TextEncoder();
// Not fatal, as embind's own decoding: invalid UTF-8 (which the core does not
// write) would become U+FFFD rather than an exception.
const utf8Decoder = new TextDecoder();

/** Answers bigger than this are freed in the module as soon as they are read. */
const RELEASE_ABOVE = 1 << 20;

/** loadSnapshot() copies a snapshot into the heap this many bytes at a time. */
export const SNAPSHOT_PIECE = 1 << 20;

/**
 * One heap block reused for the bytes of call after call (a vault load's
 * notes), grown when a call needs more. Read module.HEAPU8 after reserve():
 * growing the heap replaces it.
 */
class HeapScratch {
  private address = 0;
  private size = 0;

  constructor(private readonly module: VaultcrmModule) {}

  reserve(bytes: number): number {
    if (bytes > this.size) {
      const size = Math.max(bytes, 64 * 1024, Math.ceil(this.size * 1.5));
      this.free();
      const address = this.module._malloc(size);
      if (!address) throw new VaultcrmError("internal", `out of memory for ${size} bytes`);
      this.address = address;
      this.size = size;
    }
    return this.address;
  }

  free(): void {
    if (this.address) this.module._free(this.address);
    this.address = 0;
    this.size = 0;
  }
}

/** One in-memory vault. Owns wasm memory: call dispose() when done. */
export class Engine {
  private raw: RawEngine | null;
  private readonly module: VaultcrmModule;
  /** Heap address of the word holding the address of the raw engine's last answer. */
  private readonly resultSlot: number;

  /** Use createEngine() (web.ts / node.ts) rather than this constructor. */
  constructor(module: VaultcrmModule) {
    const raw = new module.Engine();
    this.raw = raw;
    this.module = module;
    this.resultSlot = raw.resultSlot();
    leaked?.register(this, raw, this);
  }

  private live(): RawEngine {
    if (!this.raw) throw new VaultcrmError("disposed", "vaultcrm Engine used after dispose()");
    return this.raw;
  }

  /**
   * The answer a `...Bytes` call just left in the module, `size` bytes, given
   * to `read` as a view of the heap. The view is taken only now: a call may
   * grow the heap, which replaces HEAPU8 (an older view is then detached and
   * empty). A big answer is freed right after: the next call would otherwise
   * keep it alive until then.
   */
  private answer<R>(raw: RawEngine, size: number, read: (bytes: Uint8Array) => R): R {
    const module = this.module;
    const at = module.HEAPU32[this.resultSlot >>> 2] ?? 0;  // a word of the heap: always there
    const result = read(module.HEAPU8.subarray(at, at + size));
    if (size > RELEASE_ABOVE) raw.releaseResult();
    return result;
  }

  /** One crossing: `f` makes a `...Bytes` call and returns its size; its envelope is unwrapped. */
  private call<T>(f: (raw: RawEngine) => number): T {
    const raw = this.live();
    return unwrap<T>(this.answer(raw, f(raw), (bytes) => utf8Decoder.decode(bytes)));
  }

  /** `path` and `text` as UTF-8 in one heap block for the length of `f` (see upsertMany). */
  private withUtf8<R>(path: string, text: string,
                      f: (pathAt: number, pathSize: number, textAt: number, textSize: number) => R): R {
    const heap = new HeapScratch(this.module);
    try {
      const base = heap.reserve(3 * (path.length + text.length) + 1);
      const pathSize = utf8.encodeInto(path, this.module.HEAPU8.subarray(base, base + 3 * path.length)).written;
      const textAt = base + pathSize;
      const textSize = utf8.encodeInto(text, this.module.HEAPU8.subarray(textAt, textAt + 3 * text.length)).written;
      return f(base, pathSize, textAt, textSize);
    } finally {
      heap.free();
    }
  }

  /** Adds or replaces many notes in one crossing (a vault load). */
  upsertMany(notes: readonly NoteInput[]): UpsertManyResult {
    // Note by note, not one JSON of the vault: stringifying 28 MB here and
    // parsing it in the module cost more than indexing the notes.
    notes.forEach((n, i) => {
      if (typeof n?.path !== "string" || typeof n.text !== "string")
        throw new VaultcrmError("bad_request", `item ${i} needs string path and text`);
    });
    return this.call((raw) => {
      raw.batchBegin(notes.length);
      const heap = new HeapScratch(this.module);
      try {
        for (const n of notes) {
          // UTF-8 is at most 3 bytes per UTF-16 unit; encodeInto writes it
          // straight into the heap (bindings.cpp, batchAddAt, says why).
          const base = heap.reserve(3 * (n.path.length + n.text.length));
          const path = utf8.encodeInto(n.path, this.module.HEAPU8.subarray(base, base + 3 * n.path.length)).written;
          const textAt = base + path;
          const text = utf8.encodeInto(n.text, this.module.HEAPU8.subarray(textAt, textAt + 3 * n.text.length)).written;
          raw.batchAddAt(base, path, textAt, text, typeof n.mtime === "number" ? n.mtime : 0);
        }
      } catch (e) {
        raw.batchEndBytes();  // closes the batch; the error is the one to report
        throw e;
      } finally {
        heap.free();
      }
      return raw.batchEndBytes();
    });
  }

  /** Adds or replaces one note. `mtime` is stored and reported as given. */
  upsert(path: string, text: string, mtime: number): UpsertResult {
    return this.call((raw) => this.withUtf8(path, text, (p, ps, t, ts) => raw.upsertBytes(p, ps, t, ts, mtime)));
  }

  remove(path: string): RemoveResult {
    return this.call((raw) => raw.removeBytes(path));
  }

  rename(from: string, to: string): RenameResult {
    return this.call((raw) => raw.renameBytes(from, to));
  }

  /**
   * Overrides the vault schema (which headings, columns, keys, types and folders
   * mean what) and rebuilds the graph. Lists replace the defaults; unknown keys
   * throw VaultcrmError "bad_request".
   */
  setSchema(settings: SchemaSettings): SetSchemaResult {
    const json = JSON.stringify(settings);
    return this.call((raw) => raw.setSchemaBytes(json));
  }

  /** The parsed note with resolved links. Throws VaultcrmError "not_found". */
  note(path: string): Note {
    return this.call((raw) => raw.noteBytes(path));
  }

  /** Vault totals, unresolved links and every note's errors. */
  summary(): Summary {
    return this.call((raw) => raw.summaryBytes());
  }

  /** Summary plus every note (what `vaultcrm index --json` prints). */
  index(): IndexDump {
    return this.call((raw) => raw.indexJsonBytes());
  }

  /** The account panel model for one note. */
  panel(path: string): AccountPanel {
    return this.call((raw) => raw.panelBytes(path));
  }

  /**
   * A number that moves when the panel of `path` changed: a host that keeps
   * the version it rendered skips a re-render when it did not move (most
   * edits elsewhere in the vault). The panel is rebuilt when something it
   * shows may have changed (the same panel keeps its version), and kept for
   * panel(). Throws "not_found".
   */
  panelVersion(path: string): number {
    return this.call<PanelVersion>((raw) => raw.panelVersionBytes(path)).version;
  }

  /**
   * Runs a Dataview (DQL) or Tasks query. `originPath` is the note holding the
   * query block ("this" and relative links refer to it). A bad query throws
   * VaultcrmError "query_syntax" with line/column.
   */
  query(source: string, originPath: string, format: QueryFormat = ""): QueryResult {
    return this.call((raw) => raw.queryBytes(source, originPath, format));
  }

  /**
   * A number that moves when the answer of query(source, originPath,
   * format) changed, as panelVersion() does for panels: a query block that
   * keeps the version it rendered skips a re-render when it did not move.
   * The query runs again only when a note it reads may have changed. A
   * failed query has a version too; bad format options throw "bad_request".
   */
  queryVersion(source: string, originPath: string, format: QueryFormat = ""): number {
    return this.call<QueryVersion>((raw) => raw.queryVersionBytes(source, originPath, format)).version;
  }

  /** Duplicate contacts and entries across the vault. */
  dedup(options: DedupOptions = {}): DedupReport {
    const json = JSON.stringify(options);
    return this.call((raw) => raw.dedupBytes(json));
  }

  /** The exact file edits (and inverse edits) for a merge; the host applies them. */
  mergePlan(request: MergePlanRequest): MergePlan {
    const json = JSON.stringify(request);
    return this.call((raw) => raw.mergePlanBytes(json));
  }

  /**
   * The index as bytes, for a warm start next session (see loadSnapshot).
   * Holds parsed notes, not their texts.
   */
  saveSnapshot(): Uint8Array {
    const raw = this.live();
    const size = raw.saveSnapshotBytes();
    if (size === 0) throw new VaultcrmError("internal", "the engine could not write a snapshot");
    // A copy (slice), not a view: the heap block is the engine's, and freed.
    const bytes = this.answer(raw, size, (view) => view.slice());
    if (size <= RELEASE_ABOVE) raw.releaseResult();
    return bytes;
  }

  /**
   * Replaces the index with a saved snapshot and lists each note's file stamp;
   * the host then upserts the files whose mtime or size changed and removes
   * the missing ones. A damaged or old-version snapshot throws VaultcrmError
   * "snapshot_invalid" and leaves the index as it was.
   */
  loadSnapshot(bytes: Uint8Array): SnapshotLoadResult {
    // In pieces through one reused heap block: the core decodes each note as
    // its bytes arrive, so the whole file never sits in the heap (bindings.cpp).
    return this.call((raw) => {
      const module = this.module;
      const piece = Math.min(SNAPSHOT_PIECE, Math.max(bytes.length, 1));
      const address = module._malloc(piece);
      if (!address) throw new VaultcrmError("internal", `out of memory for a snapshot piece of ${piece} bytes`);
      try {
        raw.snapshotBegin();
        for (let at = 0; at < bytes.length; at += piece) {
          const part = bytes.subarray(at, Math.min(at + piece, bytes.length));
          module.HEAPU8.set(part, address);  // HEAPU8 read again: a feed may grow the heap
          if (!raw.snapshotFeedAt(address, part.length)) break;  // refused: the end says why
        }
      } finally {
        module._free(address);
      }
      return raw.snapshotEndBytes();
    });
  }

  /** Gives a restored note its text back (merges and dedup read texts); re-indexes it if the bytes changed. */
  attachText(path: string, text: string): AttachTextResult {
    return this.call((raw) => this.withUtf8(path, text, (p, ps, t, ts) => raw.attachTextBytes(p, ps, t, ts)));
  }

  /** Restored notes still waiting for their text. */
  missingTexts(): string[] {
    return this.call<MissingTexts>((raw) => raw.missingTextsBytes()).paths;
  }

  /** True once dispose() ran. */
  get disposed(): boolean {
    return this.raw === null;
  }

  /** Frees the C++ engine. Idempotent; any later call throws "disposed". */
  dispose(): void {
    const raw = this.raw;
    if (!raw) return;
    this.raw = null;
    leaked?.unregister(this);
    if (!raw.isDeleted()) raw.delete();
  }
}

// One module instance per factory, shared by every Engine made from it.
const modules = new WeakMap<VaultcrmModuleFactory, Promise<VaultcrmModule>>();

function checkVersions(module: VaultcrmModule): VaultcrmModule {
  const api = module.apiVersion();
  if (api !== API_VERSION) {
    throw new Error(
      `vaultcrm: the wasm module speaks apiVersion ${api} but this wrapper expects ${API_VERSION}; ` +
        "rebuild the module and the bundle together (scripts/build-wasm.sh, then the plugin/demo).",
    );
  }
  const schema = module.schemaVersion();
  if (schema !== SCHEMA_VERSION) {
    throw new Error(
      `vaultcrm: the wasm module emits schemaVersion ${schema} but wasm/js/types.ts mirrors ` +
        `${SCHEMA_VERSION}; update types.ts (docs/json-api.md) and rebuild.`,
    );
  }
  return module;
}

/** Loads (once per factory) and version-checks the module. */
export function initModule(factory: VaultcrmModuleFactory): Promise<VaultcrmModule> {
  let pending = modules.get(factory);
  if (!pending) {
    pending = Promise.resolve()
      .then(() => factory())
      .then(checkVersions);
    // A failed load is not cached: a later call may retry.
    const mine = pending;
    mine.catch(() => {
      if (modules.get(factory) === mine) modules.delete(factory);
    });
    modules.set(factory, pending);
  }
  return pending;
}

/**
 * A new Engine over the module `factory` builds. The module itself is created
 * once per factory (memoised) and checked: its apiVersion() must equal
 * API_VERSION, or this rejects with an Error saying so.
 */
export async function createEngineFrom(factory: VaultcrmModuleFactory): Promise<Engine> {
  return new Engine(await initModule(factory));
}
