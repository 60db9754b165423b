// vaultcrm/engine.h - the one object hosts talk to.
//
// The CLI, the wasm binding and the tests all drive the core through Engine.
// Every call returns a JSON envelope string:
//   {"ok":true,"value":...}  or  {"ok":false,"error":{"code":"...","message":"..."}}
// so nothing throws across this surface (and nothing can abort the wasm
// module). The JSON shapes are documented in docs/json-api.md and mirrored in
// wasm/js/types.ts; bump kSchemaVersion when either changes.
//
//   vaultcrm::Engine engine;
//   engine.upsert("Customers/Microsoft.md", text, 0);
//   std::string panel = engine.panel("Customers/Microsoft.md");
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace vaultcrm {

inline constexpr int kApiVersion = 2;     // bumped when calls change (2: snapshots)
inline constexpr int kSchemaVersion = 2;  // bumped when JSON shapes change (2: graph-based panel)

namespace snapshot {
class Loader;
}

class Engine {
 public:
  Engine();
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Bulk load: a JSON array of {"path","text","mtime"}; one crossing for a vault.
  std::string upsertMany(std::string_view notes_json);
  // The same bulk load note by note: batchBegin(number of notes), batchAdd()
  // per note, then batchEnd() answers what upsertMany would. For hosts that
  // hold the notes as strings already (the wasm wrapper): a 10k-note vault is
  // 28 MB of JSON, and writing it in JS then parsing it here cost more than
  // indexing the notes. batchAdd() never throws; a failure is reported by
  // batchEnd().
  void batchBegin(size_t count);
  void batchAdd(std::string_view path, std::string_view text, double mtime);
  std::string batchEnd();
  std::string upsert(std::string_view path, std::string_view text, double mtime);
  std::string remove(std::string_view path);
  std::string rename(std::string_view from, std::string_view to);

  // Overrides the vault schema (headings, columns, keys, types, folders; see
  // vaultcrm/schema.h) with a JSON settings object, and rebuilds the graph.
  std::string setSchema(std::string_view schema_json);

  // The parsed note (see docs/json-api.md "Note"), with resolved links.
  std::string note(std::string_view path) const;
  // Vault totals, unresolved links and every note's errors.
  std::string summary() const;
  // Per-note full dump used by `vaultcrm index --json`.
  std::string indexJson() const;
  // The account panel model for one note.
  std::string panel(std::string_view path) const;
  // {"path":..,"version":N}: N moves when the panel of `path` changed since
  // it was last built. The engine builds it again, and keeps it for
  // panel(), only when something it read may have changed (an edit of the
  // account, of a note it shows, or of a relation of one of its contacts; a
  // note that came or went), and N stays when the panel built again is the
  // same (its JSON, by a 64-bit hash). A host re-renders a panel only when N
  // moved: most edits in a vault leave an open panel as it was.
  std::string panelVersion(std::string_view path) const;

  // A Dataview (DQL) or Obsidian Tasks query. `format` is "dql", "tasks" or
  // "" (detect). `origin_path` is the note holding the query block ([[]] and
  // "this" refer to it). A bad query is {"ok":false,"error":{"code":
  // "query_syntax","message":..,"line":..,"column":..}}. Implemented in
  // core/src/engine/engine_query.cpp.
  std::string query(std::string_view source, std::string_view origin_path, std::string_view format = "") const;
  // {"version":N} for the same arguments: N moves when the answer changed
  // since the last query() or queryVersion() of them, as panelVersion's
  // does (the query runs again only when something it read may have
  // changed; an answer run again the same keeps N). The engine keeps the
  // last answers (and runs the query when its answer is not kept); a failed
  // query has a version too.
  std::string queryVersion(std::string_view source, std::string_view origin_path, std::string_view format = "") const;
  // Duplicate contacts and entries (docs/json-api.md "DedupReport"); options
  // is a JSON object (may be "{}"). Implemented in engine_dedup.cpp.
  std::string dedup(std::string_view options_json) const;
  // A merge plan: exact file edits and their inverse. Implemented in engine_merge.cpp.
  std::string mergePlan(std::string_view request_json) const;

  // Warm start (vaultcrm/snapshot.h; engine_snapshot.cpp). saveSnapshot()
  // returns the binary snapshot itself, not an envelope. loadSnapshot()
  // replaces the vault with the snapshot's notes and rebuilds the graph; its
  // value lists each note's {path, mtime, size} so the host can re-upsert the
  // files that changed and remove the ones that are gone. A damaged or
  // old-version snapshot is {"ok":false,"error":{"code":"snapshot_invalid"}}
  // and changes nothing.
  std::string saveSnapshot() const;
  std::string loadSnapshot(std::string_view bytes);
  // The same for a snapshot fed to `fed` in pieces (its finish() is called
  // here): the wasm binding's path, which never holds the whole file.
  std::string loadSnapshot(snapshot::Loader& fed);
  // Restored notes come without their text; merges and dedup's paragraph scan
  // need it. attachText() gives it back ({"attached":true}); when the bytes are
  // not the ones the note was parsed from, the note is re-indexed from them
  // instead ({"attached":false,"reindexed":true}). missingTexts() lists the
  // paths still waiting for theirs.
  std::string attachText(std::string_view path, std::string_view text);
  std::string missingTexts() const;

  // Internal access for native code (CLI, tests): the in-memory vault.
  class Impl;
  Impl& impl() { return *impl_; }
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace vaultcrm
