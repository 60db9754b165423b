// wasm/js/types.ts - the JSON shapes the vaultcrm core returns, mirrored by hand.
//
// The one definition is docs/json-api.md; the C++ side that produces these is
// core/src/engine/serialize.cpp. Change all three together and bump
// kSchemaVersion (core/include/vaultcrm/engine.h) and SCHEMA_VERSION below.
//
// Emscripten 3.1.6 cannot emit TypeScript declarations, so this file is
// written by hand. It contains types only (no runtime code), so importing it
// from the plugin or the demo adds nothing to their bundles:
//
//   import type { Note, AccountPanel } from "../../wasm/js/types";
//
// Conventions (from docs/json-api.md): every position is 1-based; `line`
// counts lines of the whole file, frontmatter included; `column` counts
// Unicode code points from the start of the line. Dates are "YYYY-MM-DD"
// strings. Indices into sibling arrays (`parent`, `section`, `parentList`) are
// 0-based array indices, -1 meaning "none".

/** The JSON schema version these types mirror (core: kSchemaVersion). */
export const SCHEMA_VERSION = 2;

/** An ISO calendar date, "YYYY-MM-DD". */
export type IsoDate = string;

/** Any JSON value (frontmatter is YAML converted to JSON; dates stay strings). */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

export type JsonObject = { [key: string]: JsonValue };

// ---------------------------------------------------------------------------
// Envelope: what every Engine call returns across the wasm boundary.

/**
 * Error codes of a failed envelope. `query_syntax` comes with the position of
 * the problem in the query source; `not_implemented` marks a call the core
 * declares but does not provide yet.
 */
export type ErrorCode =
  | "bad_request"
  | "not_found"
  | "internal"
  | "query_syntax"
  | "not_implemented"
  | "snapshot_invalid"
  | "texts_missing";

export interface EnvelopeError {
  code: ErrorCode | string;
  message: string;
  /** query_syntax: 1-based line and column in the query source. */
  line?: number;
  column?: number;
}

export type Envelope<T> =
  | { ok: true; value: T }
  | { ok: false; error: EnvelopeError };

// ---------------------------------------------------------------------------
// Diagnostic: a problem in the user's content, rendered where it happened.

export type Severity = "error" | "warning";

/** Diagnostic codes documented in docs/json-api.md (others may be added). */
export type DiagnosticCode =
  | "yaml_syntax"
  | "yaml_duplicate_key"
  | "yaml_too_deep"
  | "yaml_too_large"
  | "frontmatter_unterminated"
  | "invalid_utf8"
  | "nul_byte"
  | "note_too_large";

export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode | string;
  message: string;
  line: number;
  column: number;
}

// ---------------------------------------------------------------------------
// Note: one parsed file (engine.note(path), and each entry of `index --json`).

export interface Section {
  heading: string;
  /** 1-6 */
  level: number;
  line: number;
  endLine: number;
  /** Index into Note.sections, or -1. */
  parent: number;
}

export interface Link {
  target: string;
  display: string | null;
  heading: string | null;
  block: string | null;
  embed: boolean;
  /** The frontmatter key a link came from (`company: "[[Acme]]"`), or null for body links. */
  frontmatterKey: string | null;
  line: number;
  column: number;
  /** Vault path the link resolves to, or null when unresolved. */
  resolved: string | null;
}

export interface InlineTag {
  /** Normalised, without '#'. */
  tag: string;
  line: number;
  column: number;
}

export interface ListItem {
  line: number;
  /** Raw source of the item's first line after the list marker, trailing spaces cut. */
  text: string;
  /** Index into Note.lists, or -1. */
  parent: number;
  /** Index into Note.sections, or -1. */
  section: number;
  task: boolean;
  /** Leading ISO date of the item ("2025-12-15: ..." or "(2025-12-15) ..."). */
  date: IsoDate | null;
}

export type TaskPriority = "highest" | "high" | "medium" | "low" | "lowest";

export interface Task {
  line: number;
  /** The character between the brackets: " ", "x", or any other char. */
  status: string;
  completed: boolean;
  /** Raw source after "[ ] ", trailing spaces cut. */
  text: string;
  /** Index into Note.sections, or -1. */
  section: number;
  /** Index into Note.lists of the list item this task is. */
  parentList: number;
  due: IsoDate | null;
  scheduled: IsoDate | null;
  start: IsoDate | null;
  done: IsoDate | null;
  created: IsoDate | null;
  priority: TaskPriority | null;
  tags: string[];
}

export interface TableCell {
  text: string;
  /** Wikilink targets inside the cell. */
  links: string[];
}

export interface Table {
  line: number;
  endLine: number;
  /** Index into Note.sections, or -1. */
  section: number;
  header: string[];
  rows: TableCell[][];
  /** Source line of each row of `rows`. */
  rowLines: number[];
}

export interface CodeBlock {
  line: number;
  endLine: number;
  lang: string;
  text: string;
  /** Index into Note.sections, or -1. */
  section: number;
}

export type InlineFieldStyle = "line" | "bracket" | "paren";

export interface InlineField {
  key: string;
  value: string;
  line: number;
  column: number;
  style: InlineFieldStyle;
}

export interface Note {
  path: string;
  name: string;
  folder: string;
  /** Size in bytes. */
  size: number;
  mtime: number;
  bom: boolean;
  crlf: boolean;
  frontmatter: JsonObject | null;
  /** [first, last]: the two `---` lines. */
  frontmatterLines: [number, number] | null;
  /** Normalised, unique, in order. */
  aliases: string[];
  /** Normalised (no '#'), frontmatter + inline, unique, in order. */
  tags: string[];
  sections: Section[];
  links: Link[];
  inlineTags: InlineTag[];
  lists: ListItem[];
  tasks: Task[];
  tables: Table[];
  codeBlocks: CodeBlock[];
  inlineFields: InlineField[];
  errors: Diagnostic[];
}

// ---------------------------------------------------------------------------
// Summary (engine.summary())

export interface UnresolvedLink {
  path: string;
  target: string;
  line: number;
  column: number;
}

/** A Diagnostic together with the note it belongs to. */
export interface PathDiagnostic extends Diagnostic {
  path: string;
}

export interface Summary {
  schemaVersion: number;
  notes: number;
  tasks: number;
  openTasks: number;
  links: number;
  unresolvedLinks: number;
  unresolved: UnresolvedLink[];
  errors: PathDiagnostic[];
}

/** `vaultcrm index --json` and engine.indexJson(). */
export interface IndexDump {
  summary: Summary;
  notes: Note[];
}

// ---------------------------------------------------------------------------
// AccountPanel (engine.panel(path)): built from the note and the entity graph.

/**
 * An entity id: `note:<path>` for an entity that has a note, `<kind>:<folded
 * name>` (e.g. `person:narayan`) for one that is only mentioned.
 */
export type EntityId = string;

export interface StatusRow {
  field: string;
  value: string;
  line: number;
}

export interface LastMeeting {
  name: string;
  path: string | null;
  date: IsoDate | null;
}

/** A person entity listed by the account (Key Contacts + Collaborators), first-seen order. */
export interface Contact {
  name: string;
  entity: EntityId;
  link: string | null;
  count: number;
  lines: number[];
  /** Everything known anywhere in the vault. */
  roles: string[];
  companies: string[];
  surfaceForms: string[];
  otherAccounts: string[];
  lastMeeting: LastMeeting | null;
}

/** A row of the Collaborators table, as written. */
export interface PanelCollaborator {
  name: string;
  role: string;
  company: string;
  link: string | null;
  line: number;
}

export interface PanelLink {
  target: string;
  resolved: string | null;
}

/** A Recent Context bullet, as written. */
export interface ContextEntry {
  date: IsoDate | null;
  text: string;
  line: number;
  links: PanelLink[];
}

export type TimelineKind = "context" | "meeting";

/** Newest first; exact repeats collapsed (`count`, `lines`). */
export interface TimelineEntry {
  kind: TimelineKind;
  date: IsoDate | null;
  text: string;
  path: string;
  line: number;
  count: number;
  lines: number[];
  meeting: string | null;
}

export interface PanelTask {
  path: string;
  line: number;
  text: string;
  status: string;
  due: IsoDate | null;
  priority: TaskPriority | null;
}

/** An entry of keyFacts / opportunities / blockers / decisions / relatedProjects. */
export interface PanelItem {
  text: string;
  line: number;
  link: string | null;
}

export interface Neighbour {
  name: string;
  link: string | null;
  count: number;
}

export interface Neighbourhood {
  companies: Neighbour[];
  projects: Neighbour[];
  /** Contacts that other accounts list too. */
  sharedPeople: Contact[];
}

export interface AccountPanel {
  path: string;
  title: string;
  type: string | null;
  /** From the frontmatter, else the status table. */
  accountStatus: string | null;
  industry: string | null;
  lastContact: string | null;
  frontmatter: JsonObject | null;
  /** Rows of the "Account Status" table. */
  status: StatusRow[];
  contacts: Contact[];
  collaborators: PanelCollaborator[];
  /** In note order. */
  recentContext: ContextEntry[];
  timeline: TimelineEntry[];
  /** The note's, then its meetings'. */
  openTasks: PanelTask[];
  keyFacts: PanelItem[];
  opportunities: PanelItem[];
  blockers: PanelItem[];
  decisions: PanelItem[];
  relatedProjects: PanelItem[];
  neighbourhood: Neighbourhood;
  errors: Diagnostic[];
}

/** @deprecated renamed to Contact (the panel's contacts are graph entities now). */
export type PanelContact = Contact;

// ---------------------------------------------------------------------------
// Schema settings (engine.setSchema(json))

/**
 * Overrides for any list of core/include/vaultcrm/schema.h, e.g.
 * `{"contactHeadings": ["Ansprechpartner"], "accountTypes": ["kunde"]}`;
 * unknown keys are a bad_request.
 */
export type SchemaSettings = { [key: string]: string[] };

export interface SetSchemaResult {
  schema: string;
}

// ---------------------------------------------------------------------------
// Queries, dedup, merge plans (engine.query / dedup / mergePlan).
//
// Each is mirrored next to its layer's docs (docs/json-api.md "QueryResult",
// "DedupReport", "MergePlan") in its own file and re-exported here, so
// callers import everything from one place.

export type {
  QueryResult,
  QueryCell,
  QueryLink,
  QueryTask,
  QueryGroup,
  QueryError,
  QueryOptions,
} from "./types-query";
export type { DedupOptions, DedupReport, ContactCluster, EntryGroup } from "./types-dedup";
export type { MergeRequest as MergePlanRequest, MergePlan } from "./types-merge";

/** "dql", "tasks", "" to detect, or a JSON options string (see QueryOptions). */
export type QueryFormat = "dql" | "tasks" | "" | string;

// ---------------------------------------------------------------------------
// Inputs

/** One note handed to Engine.upsertMany. `mtime` is stored and reported as given (the CLI passes seconds). */
export interface NoteInput {
  path: string;
  text: string;
  mtime: number;
}

/** engine.upsert(): the note's path and its diagnostics (empty when it parsed cleanly). */
export interface UpsertResult {
  path: string;
  errors: Diagnostic[];
}

/** engine.upsertMany(): how many notes went in, and how many have diagnostics. */
export interface UpsertManyResult {
  upserted: number;
  notesWithErrors: number;
}

/** A note's file as the snapshot saw it: the host re-reads files whose mtime or size differ. */
export interface FileStamp {
  path: string;
  mtime: number;
  size: number;
}

/** engine.loadSnapshot(): the notes restored (texts not yet attached) and their stamps. */
export interface SnapshotLoadResult {
  notes: number;
  files: FileStamp[];
}

/**
 * engine.attachText(): `attached` when the bytes are the ones the note was
 * parsed from; otherwise the note was re-indexed from them (`reindexed`).
 */
export interface AttachTextResult {
  attached: boolean;
  reindexed?: boolean;
}

/** engine.missingTexts(): restored notes whose text has not been attached yet. */
export interface MissingTexts {
  paths: string[];
}

/** engine.remove() */
export interface RemoveResult {
  removed: string;
}

/**
 * engine.panelVersion(): `version` moves whenever the panel of `path` may
 * have changed (an edit of the account, of a note it shows, of a relation
 * of one of its contacts, a note that came or went); equal versions mean
 * the same panel.
 */
export interface PanelVersion {
  path: string;
  version: number;
}

/** engine.queryVersion() */
export interface QueryVersion {
  version: number;
}

/** engine.rename() */
export interface RenameResult {
  from: string;
  to: string;
}
