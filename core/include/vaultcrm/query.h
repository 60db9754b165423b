// vaultcrm/query.h - Dataview (DQL) and Obsidian Tasks queries over the vault.
//
// Both languages run over index::Vault: FROM uses the tag, folder and link
// indexes; fields are read from the parsed notes on demand (nothing is
// re-parsed). A bad query is a value (Outcome::error with line and column),
// never an exception. Results are tables of typed cells (links stay links) or
// task lists, optionally grouped; to_json() gives the shape documented in
// docs/json-api.md ("QueryResult") and mirrored in wasm/js/types-query.ts.
//
//   vaultcrm::query::Options opt;
//   opt.origin_path = "Customers/Microsoft.md";
//   opt.now = "2026-01-15T09:00:00";          // deterministic date(today)
//   auto out = vaultcrm::query::run(vault, "TABLE status FROM \"Projects\" SORT status", opt);
//   if (!out.ok) std::cerr << out.error.message;   // "expected a field after SORT at 3:6"
//   std::cout << vaultcrm::query::render_text(out);
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vaultcrm/graph.h"
#include "vaultcrm/index.h"

namespace vaultcrm::query {

enum class Language { Detect, Dql, Tasks };

// Which task-line date syntax the Tasks language reads. Obsidian Tasks reads
// one format at a time (emoji by default); Both accepts either, which is what
// a CRM vault mixing Tasks and Dataview notes usually wants.
enum class TaskFormat { Both, Emoji, Dataview };

// A typed value in a result (Dataview's types).
struct Cell {
  enum class Type { Null, Bool, Number, String, Date, Duration, Link, List, Object, Function };
  Type type = Type::Null;
  bool boolean = false;
  double number = 0;   // Number; Duration: milliseconds part
  int32_t months = 0;  // Duration: calendar months
  std::string text;    // String; Date: ISO text; Duration: display text; Link: path
  std::string display; // Link: display text (has_display)
  std::string subpath; // Link: heading or block
  bool has_display = false;
  bool embed = false;
  std::vector<Cell> items;                           // List
  std::vector<std::pair<std::string, Cell>> members;  // Object
};

struct TaskRow {
  std::string path;
  int line = 0;  // 1-based, like the rest of the core (DQL's task.line is 0-based, as in Dataview)
  std::string status;
  bool completed = false;
  std::string text;         // the raw line after the checkbox
  std::string description;  // text without Tasks' date/priority signifiers and [key:: value] dates
  std::string section;      // enclosing heading, "" if none
  std::string due, scheduled, start, done, created;  // "" when absent (in the query's task format)
  std::string priority;     // highest|high|medium|low|lowest or ""
  std::vector<std::string> tags;
  double urgency = 0;
};

struct Group {
  std::vector<Cell> keys;  // one per grouping level
  std::vector<TaskRow> tasks;
};

struct Result {
  std::string language;  // "dql" | "tasks"
  std::string type;      // "table" | "list" | "task"
  std::vector<std::string> columns;
  bool id_column = false;  // the first column is the file link / group key
  std::vector<std::vector<Cell>> rows;
  std::vector<TaskRow> tasks;  // all tasks, in result order (also when grouped)
  bool grouped = false;
  std::vector<Group> groups;
  std::vector<std::string> hidden;  // Tasks: parts hidden by "hide ..." (e.g. "due date", "backlink")
  std::vector<std::string> shown;   // Tasks: parts shown by "show ..."
  std::string explain;              // Tasks "explain": how the query was understood
  std::vector<std::string> warnings;
  // How many rows (tasks, for task results) the whole answer has, and where
  // `rows`/`tasks` start in it: with Options::page_size set, only that page
  // of the answer is in `rows`/`tasks`/`groups`.
  size_t total = 0;
  size_t offset = 0;
};

struct Error {
  std::string code;  // "query_syntax" | "query_eval"
  std::string message;
  int line = 0;  // within the query text, 1-based
  int column = 0;
};

struct Outcome {
  bool ok = false;
  Result result;
  Error error;
};

// An entity row for FROM people / accounts / companies / projects / meetings:
// named fields of typed cells. The graph layer can supply these; without one,
// run() derives them from the notes (see EntityProvider below).
struct Entity {
  std::vector<std::pair<std::string, Cell>> fields;
};

class EntityProvider {
 public:
  virtual ~EntityProvider() = default;
  // Entities of a kind ("people", "accounts", "companies", "projects", "meetings").
  virtual std::vector<Entity> entities(std::string_view kind) const = 0;
};

// The built-in provider over the index alone: person notes (type: person or
// the People folder) plus names listed under Key Contacts / Collaborators of
// customer notes (panel::PanelSchema headings), accounts (type customer /
// account), projects, meetings, and companies named by people.
std::unique_ptr<EntityProvider> index_entities(const index::Vault& vault);

// Entity tables are derived from the whole vault (every account's contacts):
// a host that runs many queries keeps one cache, and the queries share the
// tables. The tables follow the vault (Vault::generation() and
// changes_since()); whoever changes what they depend on without a vault
// change (a new schema) clears it.
struct ObjData;       // the evaluator's object (core/src/query/value.h)
class EntityTables;   // core/src/query/entities.cpp
struct EntityCache {
  // The tables queries have read, and what each row read; after an edit
  // only the rows that read the edited note are computed again.
  std::shared_ptr<EntityTables> tables;
  void clear() { tables.reset(); }
};

// What queries derive from the notes themselves (a page's fields as typed
// values, the vault's task dates as numbers), kept across queries: a WHERE
// over 4000 pages reads each page's `date` once, not once per query. Keyed
// on the vault and Vault::generation(); when the vault has changed, the next
// query first refreshes only what the changed notes touch (from
// Vault::changes_since), so the first query after an edit costs about what
// a repeated one does. After too many changes it starts again. The contents
// are internal (core/src/query/cache.h).
class QueryCache {
 public:
  QueryCache();
  ~QueryCache();
  QueryCache(const QueryCache&) = delete;
  QueryCache& operator=(const QueryCache&) = delete;
  void clear();

  struct Data;
  // The data for `vault` as it is now (emptied first if the vault changed).
  Data& for_vault(const index::Vault& vault);

 private:
  std::unique_ptr<Data> data_;
};

// What one run() read, for a host that keeps answers and asks again after
// every change in the vault (the engine, for the editor's query blocks):
// most edits touch no note a given query reads. changed() false means the
// answer would be the same now; true may be a false alarm.
struct Reads {
  uint64_t vault_generation = 0;
  // Read what the lists below do not cover: backlinks (every other note's
  // links), entity tables without the engine's cache, or the query failed
  // while it ran. Any change in the vault counts.
  bool any_change = false;
  // Read the time of day (`now`): every check counts as a change.
  bool time_of_day = false;
  // Every note of the vault was a candidate (no FROM): any edit counts.
  bool all_notes = false;
  // Read today's date from the system clock (Options::now empty): the
  // answer holds until the day (UTC, as the evaluator counts days) ends.
  bool today = false;
  int64_t day = 0;  // days since 1970-01-01
  // The notes read besides the rows' own, by address (an edit keeps a
  // note's address; a note that comes or goes is a change anyway), in no
  // order: linked notes, `this`, the note a FROM [[link]] names.
  std::vector<const parse::Note*> notes;
  // The notes the rows came from: the pages that got through the FROM and
  // the WHEREs before any other step (Tasks: the notes with a task through
  // the filters).
  std::vector<const parse::Note*> rows;
  // A Tasks query sorted by a date with a limit, that walked the tasks in
  // that date's order: `rows` holds only the notes of the tasks it took, up
  // to the limit-th task's date (`key`, a YYYY-MM-DD as y*10000+m*100+d;
  // undated INT32_MAX), ties included. Another note matters only if a task
  // of it that the filters keep is at or before that date (at or after,
  // reversed). `which`: the date (0 due ... 4 created); -1 when the walk
  // did not stop early (every task the filters keep was taken).
  struct TaskDateBound {
    int which = -1;
    int32_t key = 0;
    bool reverse = false;
    // Whether a task with this date key could be in the answer.
    bool admits(int32_t date) const { return which < 0 || (reverse ? date >= key : date <= key); }
  } task_bound;
  // When the query's rows can be fingerprinted: a note's fingerprint for
  // this query, a hash of all the answer takes from that note (whether its
  // rows get through the filters, the values of the query's expressions on
  // them, a task row's fields). Most edits of a row's note change nothing
  // the query shows or sorts by (a line of prose, a tag it does not ask
  // for): the note as it was (Vault::Change::before) and as it is have the
  // same fingerprint, and that is no change. nullopt: cannot tell. The
  // evaluation records what it read in its third argument; a read of a
  // note not in `notes` counts as a change. Unset: any edit of a row's
  // note counts.
  std::function<std::optional<uint64_t>(const index::Vault&, const parse::Note&, Reads&)> print;
  // Whether a note the run did not read would be read now: an edit can
  // bring a note into a FROM #tag, through a WHERE, or give it a task the
  // filters keep. Checked on that note alone. Unset: never.
  std::function<bool(const index::Vault&, const parse::Note&)> would_read;
  // Whether an entity table the run read (FROM people, ...) changed a row
  // since: the engine's cached tables keep a version per table. Asked
  // only when the vault changed. Unset: none read.
  std::function<bool()> entities_moved;

  bool changed(const index::Vault& vault) const;
};

struct Options {
  Language language = Language::Detect;
  std::string origin_path;  // the note holding the query ([[]] and `this`)
  // "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]" for date(today/now/...) and Tasks'
  // relative dates; empty = the system clock (UTC wall time).
  std::string now;
  TaskFormat task_format = TaskFormat::Both;
  // PCRE2 limits so that no pattern from a note can hang the editor.
  uint32_t regex_match_limit = 1000000;
  uint32_t regex_depth_limit = 1000;
  const EntityProvider* entities = nullptr;  // nullptr: index_entities(vault)
  // The engine's live graph, for entity sources; nullptr builds one per query (O(vault)).
  const graph::Graph* graph = nullptr;
  EntityCache* entity_cache = nullptr;  // nullptr: tables computed per query
  QueryCache* query_cache = nullptr;    // nullptr: note fields read per query
  // One page of the answer: rows (tasks) [page_offset, page_offset +
  // page_size). An editor shows a page at a time, so only that page is
  // ordered in full, evaluated into cells and written out; Result::total
  // still counts the whole answer. page_size 0 = the whole answer.
  size_t page_offset = 0;
  size_t page_size = 0;
  // When set, run() writes there what the answer was computed from.
  Reads* reads = nullptr;
};

// "dql" when the first instruction is TABLE / LIST / TASK / CALENDAR, else "tasks".
Language detect(std::string_view source);

Outcome run(const index::Vault& vault, std::string_view source, const Options& options = {});

// {"ok":true,"value":QueryResult} or {"ok":false,"error":{code,message,line,column}}.
std::string to_json(const Outcome& outcome);
// The result alone (QueryResult JSON).
std::string result_json(const Result& result);
// An aligned text table (or task list) for the CLI; an error as "line:column: message".
std::string render_text(const Outcome& outcome);

}  // namespace vaultcrm::query
