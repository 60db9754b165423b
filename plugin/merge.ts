// merge.ts - applies a core merge plan (or its inverse) through the Vault API.
//
// The core computes whole-file edits with the hash of the text it expects to
// replace; the host checks every hash before writing anything, then writes,
// and if a write fails restores the files already written.
import { TFile, type Vault } from "obsidian";
import type { MergeEdit } from "../wasm/js/types-merge";

/** The last applied merge, kept in the plugin's data so undo survives a reload. */
export interface UndoEntry {
  inverse: MergeEdit[];
  /** ms since the epoch. */
  when: number;
  label: string;
}

const encoder = new TextEncoder();
// FNV-1a 64-bit, as core/src/index/vault.cpp hash_text: the host must hash
// exactly as the core does (plans carry the core's hash of each file).
const FNV_OFFSET = BigInt("14695981039346656037");
const FNV_PRIME = BigInt("1099511628211");
const MASK_64 = (BigInt(1) << BigInt(64)) - BigInt(1);

/** index::hash_text (FNV-1a 64 style) over the UTF-8 bytes, as 16 hex digits. */
export function hashText(text: string): string {
  let h = FNV_OFFSET;
  for (const byte of encoder.encode(text)) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK_64;
  }
  return h.toString(16).padStart(16, "0");
}

function isEdit(v: unknown): v is MergeEdit {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.path === "string" &&
    (e.oldHash === null || typeof e.oldHash === "string") &&
    (e.newText === null || typeof e.newText === "string")
  );
}

/** The undo entry stored in plugin data, or null if there is none (or it is malformed). */
export function undoEntryFrom(data: unknown): UndoEntry | null {
  if (typeof data !== "object" || data === null) return null;
  const u = (data as Record<string, unknown>).lastMerge;
  if (typeof u !== "object" || u === null) return null;
  const e = u as Record<string, unknown>;
  if (!Array.isArray(e.inverse) || e.inverse.length === 0 || !e.inverse.every(isEdit)) return null;
  return {
    inverse: e.inverse as MergeEdit[],
    when: typeof e.when === "number" ? e.when : 0,
    label: typeof e.label === "string" ? e.label : "merge",
  };
}

export class StaleFileError extends Error {
  constructor(readonly path: string, why: string) {
    super(`${path} ${why}; nothing was written`);
    this.name = "StaleFileError";
  }
}

export class ApplyError extends Error {
  constructor(
    message: string,
    /** Files that could not be restored (empty when the rollback succeeded). */
    readonly unrestored: string[],
  ) {
    super(message);
    this.name = "ApplyError";
  }
}

function fileAt(vault: Vault, path: string): TFile | null {
  const f = vault.getAbstractFileByPath(path);
  return f instanceof TFile ? f : null;
}

/** Writes one edit's result: delete, modify or create, whatever the file's current state needs. */
async function write(vault: Vault, path: string, text: string | null): Promise<void> {
  const file = fileAt(vault, path);
  if (text === null) {
    if (file !== null) await vault.delete(file);
  } else if (file !== null) {
    await vault.modify(file, text);
  } else {
    await vault.create(path, text);
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Applies `edits` all-or-nothing. Every oldHash is checked against the file's
 * current text first (a mismatch throws StaleFileError, nothing written).
 * If a write throws, the files already written are restored, using the
 * matching `inverse` edit when given and the text read before writing
 * otherwise, and an ApplyError is thrown.
 */
export async function applyEdits(vault: Vault, edits: MergeEdit[], inverse: MergeEdit[] = []): Promise<void> {
  const before = new Map<string, string | null>();
  for (const e of edits) {
    const file = fileAt(vault, e.path);
    if (e.oldHash === null) {
      if (file !== null || vault.getAbstractFileByPath(e.path) !== null) throw new StaleFileError(e.path, "already exists");
      before.set(e.path, null);
      continue;
    }
    if (file === null) throw new StaleFileError(e.path, "no longer exists");
    const text = await vault.read(file);
    if (hashText(text) !== e.oldHash.toLowerCase()) throw new StaleFileError(e.path, "changed since the plan was made");
    before.set(e.path, text);
  }
  const written: MergeEdit[] = [];
  for (const e of edits) {
    try {
      await write(vault, e.path, e.newText);
      written.push(e);
    } catch (err) {
      // The failed write may have half-happened: restore it too.
      const unrestored: string[] = [];
      for (const done of [e, ...written.reverse()]) {
        const inv = inverse.find((i) => i.path === done.path);
        const restore = inv !== undefined ? inv.newText : (before.get(done.path) ?? null);
        try {
          await write(vault, done.path, restore);
        } catch {
          unrestored.push(done.path);
        }
      }
      const tail =
        unrestored.length === 0
          ? "the files already written were restored"
          : `could not restore ${unrestored.join(", ")}`;
      throw new ApplyError(`writing ${e.path} failed (${errorMessage(err)}); ${tail}`, unrestored);
    }
  }
}
