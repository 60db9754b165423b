// persist.ts - the index snapshot kept between sessions (warm start).
//
// The core writes and checks the snapshot (core/include/vaultcrm/snapshot.h);
// this file only stores the bytes in the plugin's folder through the vault
// adapter (in Obsidian, .obsidian/plugins/vaultcrm/index-snapshot.bin; in the
// web demo the shim's adapter keeps it in IndexedDB) and decides which files
// to read again: those whose mtime or size differ from the snapshot's stamp.
import type { DataAdapter, TFile } from "obsidian";
import { VaultcrmError, type Engine } from "../wasm/js/engine";
import type { NoteInput } from "../wasm/js/types";

export const SNAPSHOT_FILE = "index-snapshot.bin";

/** How a start went, for the console and the tests. */
export interface StartReport {
  /** "warm": from the snapshot; "cold": every file parsed. */
  mode: "warm" | "cold";
  /** Notes taken from the snapshot unchanged. */
  restored: number;
  /** Files read and parsed (changed, new, or all of them when cold). */
  parsed: number;
  /** Notes in the snapshot whose file is gone. */
  removed: number;
  /** Why the snapshot was not used, when it existed but was refused. */
  refused?: string;
  ms: number;
}

export class SnapshotStore {
  constructor(
    private readonly adapter: DataAdapter,
    private readonly dir: string,
  ) {}

  private get path(): string {
    return `${this.dir}/${SNAPSHOT_FILE}`;
  }

  async load(): Promise<Uint8Array | null> {
    try {
      if (!(await this.adapter.exists(this.path))) return null;
      return new Uint8Array(await this.adapter.readBinary(this.path));
    } catch (err) {
      console.warn("vaultcrm: could not read the index snapshot:", err);
      return null;
    }
  }

  async save(bytes: Uint8Array): Promise<void> {
    // writeBinary takes an ArrayBuffer: pass exactly the snapshot's bytes.
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    await this.adapter.writeBinary(this.path, buffer);
  }
}

function changedSince(file: TFile, stamp: { mtime: number; size: number } | undefined): boolean {
  return stamp === undefined || stamp.mtime !== file.stat.mtime || stamp.size !== file.stat.size;
}

/**
 * Fills `engine` from the snapshot when there is a usable one, reading only
 * the files that changed since; otherwise parses every file. A refused
 * snapshot (damaged, other version) is reported and never trusted.
 */
export async function startIndex(
  engine: Engine,
  files: readonly TFile[],
  read: (file: TFile) => Promise<string>,
  snapshot: Uint8Array | null,
): Promise<StartReport> {
  const t0 = performance.now();
  const readAll = async (list: readonly TFile[]): Promise<NoteInput[]> => {
    const texts = await Promise.all(list.map(read));
    return list.map((f, i) => ({ path: f.path, text: texts[i] ?? "", mtime: f.stat.mtime }));
  };
  let refused: string | undefined;
  if (snapshot !== null) {
    try {
      const loaded = engine.loadSnapshot(snapshot);
      const stamps = new Map(loaded.files.map((s) => [s.path, s]));
      const present = new Set(files.map((f) => f.path));
      let removed = 0;
      for (const s of loaded.files) {
        if (present.has(s.path)) continue;
        engine.remove(s.path);
        removed++;
      }
      const changed = files.filter((f) => changedSince(f, stamps.get(f.path)));
      if (changed.length > 0) engine.upsertMany(await readAll(changed));
      return {
        mode: "warm",
        restored: files.length - changed.length,
        parsed: changed.length,
        removed,
        ms: performance.now() - t0,
      };
    } catch (err) {
      if (!(err instanceof VaultcrmError) || err.code !== "snapshot_invalid") throw err;
      refused = err.message;
    }
  }
  engine.upsertMany(await readAll(files));
  const report: StartReport = { mode: "cold", restored: 0, parsed: files.length, removed: 0, ms: performance.now() - t0 };
  if (refused !== undefined) report.refused = refused;
  return report;
}
