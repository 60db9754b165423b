// wasm/js/types-query.ts - the query result and error JSON, mirrored by hand.
//
// Produced by core/src/query/output.cpp (Engine::query in
// core/src/engine/engine_query.cpp); documented in docs/json-api.md,
// "QueryResult". Types only: importing this file adds nothing to a bundle.

/** A link cell: Dataview's Link, with the resolved vault path. */
export interface QueryLink {
  type: "link";
  path: string;              // "People/Ana Lima.md" when resolved, else the target as written
  display: string | null;    // the text after "|", if any
  subpath: string | null;    // heading or block id
  embed: boolean;
}

export interface QueryDate {
  type: "date";
  value: string;             // "2026-01-15" or "2026-01-15T10:30:00[.123]" (wall clock, no zone)
}

export interface QueryDuration {
  type: "duration";
  value: string;             // "1 month, 3 days"
  months: number;            // calendar months
  ms: number;                // the rest, in milliseconds
}

export interface QueryObject {
  type: "object";
  value: { [key: string]: QueryCell };
}

export interface QueryFunction {
  type: "function";
}

/** A typed value (Dataview's ten types). Lists are plain arrays. */
export type QueryCell =
  | null
  | boolean
  | number
  | string
  | QueryLink
  | QueryDate
  | QueryDuration
  | QueryObject
  | QueryFunction
  | QueryCell[];

export interface QueryTask {
  path: string;
  line: number;              // 1-based (DQL's task.line is 0-based, as in Dataview)
  status: string;            // the character between the brackets
  completed: boolean;        // status "x" or "X"
  text: string;              // raw line after the checkbox
  description: string;       // without Tasks signifiers and [due:: ] style fields
  section: string | null;    // enclosing heading
  due: string | null;        // "YYYY-MM-DD" in the query's task format
  scheduled: string | null;
  start: string | null;
  done: string | null;
  created: string | null;
  priority: "highest" | "high" | "medium" | "low" | "lowest" | null;
  tags: string[];            // without "#"
  urgency: number;           // Obsidian Tasks' urgency score, 2 decimals
}

export interface QueryGroup {
  keys: QueryCell[];         // one per grouping level (DQL: one)
  tasks: QueryTask[];
}

export interface QueryResult {
  schemaVersion: number;
  language: "dql" | "tasks";
  type: "table" | "list" | "task";
  columns: string[];         // table/list; first is "File", "Group" or "Name" when idColumn
  idColumn: boolean;
  rows: QueryCell[][];       // table/list rows, one cell per column
  tasks: QueryTask[];        // task results in order (all of them when grouped)
  grouped: boolean;
  groups: QueryGroup[] | null;
  hidden: string[];          // Tasks "hide ..." parts, e.g. "due date", "backlink"
  shown: string[];           // Tasks "show ..." parts
  explain: string | null;    // Tasks "explain" text
  warnings: string[];
  total: number;             // rows (tasks, for task results) in the whole answer
  offset: number;            // where rows/tasks start in it (QueryOptions.page)
}

export type QueryErrorCode = "query_syntax" | "query_eval" | "bad_request";

/** The error of a failed query envelope: {"ok":false,"error":QueryError}. */
export interface QueryError {
  code: QueryErrorCode;
  message: string;           // "expected a field after SORT at 3:6"
  line: number;              // 1-based within the query text; 0 when not positional
  column: number;            // code points, 1-based
}

/** The `format` argument of Engine.query: a language, or a JSON string of QueryOptions. */
export type QueryFormatArg = "dql" | "tasks" | "" | string;

/** JSON.stringify(QueryOptions) may be passed as `format`. */
export interface QueryOptions {
  format?: "dql" | "tasks" | "";
  now?: string;                               // "YYYY-MM-DD[THH:MM[:SS]]": date(today), Tasks' relative dates
  taskFormat?: "both" | "emoji" | "dataview"; // which task date syntax counts (default both)
  // Only rows (tasks) [offset, offset + size) of the answer: only those are
  // ordered in full and written out; QueryResult.total counts them all.
  page?: { offset: number; size: number };
}
