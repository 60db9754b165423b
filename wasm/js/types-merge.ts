// MergeRequest / MergePlan: mirrors docs/json-api.md "MergePlan"
// (produced by core/src/merge/merge_json.cpp).
import type { DedupOptions } from "./types-dedup";

export interface ContactMergeRequest {
  kind: "contacts";
  canonical: string;
  members: string[];
  notes?: string[];
  deleteMergedNotes?: boolean;
  /** Merge names dedup keeps apart (never ambiguous ones). */
  force?: boolean;
  options?: DedupOptions;
}

export interface EntryCleanupRequest {
  kind: "entries";
  groups: { path: string; lines: number[]; keep: number }[];
  uniqueFacts?: "keep-both" | "append";
  options?: DedupOptions;
}

export type MergeRequest = ContactMergeRequest | EntryCleanupRequest;

export interface MergeEdit {
  path: string;
  /** 16 hex digits (FNV-1a 64 of the current text); null: the file must not exist. */
  oldHash: string | null;
  /** null: delete the file. */
  newText: string | null;
  create: boolean;
  delete: boolean;
}

export interface LineRef { path: string; line: number }

export interface MergePlan {
  schemaVersion: number;
  kind: "contacts" | "entries";
  edits: MergeEdit[];
  inverse: MergeEdit[];
  linksRewritten: { path: string; line: number; from: string; to: string }[];
  conflicts: { key: string; values: string[]; kept: "both as list" | "in body" }[];
  entries: {
    path: string; section: string; keep: number; keepPath: string;
    removed: LineRef[]; keptBoth: LineRef[]; appendedFacts: string[]; note: string;
  }[];
  summary: {
    filesTouched: string[]; linksRewritten: number; conflicts: number;
    redirected: string[]; deleted: string[]; bulletsCollapsed: number; rowsMerged: number;
    warnings: string[];
  };
}
