// Engine::Impl (internal): what the engine holds. Native callers (CLI,
// tests) reach the vault through Engine::impl().
#pragma once

#include "vaultcrm/engine.h"
#include "vaultcrm/graph.h"
#include "vaultcrm/index.h"
#include "vaultcrm/panel.h"
#include "vaultcrm/query.h"

namespace vaultcrm {

class Engine::Impl {
 public:
  index::Vault vault;
  schema::Schema schema;  // the vault schema; the graph holds the same (set_schema sets both)

  // The graph, in step with the vault. A bulk change (a vault load, a
  // snapshot, a batch of changed files) only marks it stale, and the first
  // reader rebuilds it once: a load in several batches, or a snapshot
  // followed by the files changed since, does not rebuild it each time.
  const graph::Graph& graph() const {
    if (graph_stale_) {
      graph_.rebuild(vault);
      graph_stale_ = false;
    }
    return graph_;
  }
  void mark_graph_stale() {
    graph_stale_ = true;
    panels.clear();
    queries.clear();
  }
  // Incremental updates; a stale graph waits for its rebuild instead.
  void graph_upsert(std::string_view path) {
    if (!graph_stale_) graph_.on_upsert(vault, path);
  }
  void graph_remove(std::string_view path) {
    if (!graph_stale_) graph_.on_remove(vault, path);
  }
  void graph_rename(std::string_view from, std::string_view to) {
    if (!graph_stale_) graph_.on_rename(vault, from, to);
  }
  // The batch between Engine::batchBegin and batchEnd.
  struct Batch {
    bool bulk = false;        // graph left stale, rebuilt once by its first reader
    size_t count = 0;         // notes upserted
    size_t with_errors = 0;   // of which with diagnostics
    std::string failure;      // first exception, reported by batchEnd
  };
  Batch batch;

  // Entity tables for FROM people/accounts/...: shared by queries until the
  // vault changes (the cache checks the vault generation) or the schema does.
  mutable query::EntityCache entity_cache;
  // Note fields and task dates read by queries, until the vault changes.
  mutable query::QueryCache query_cache;

  // The last panels built, newest first, with what each was built from:
  // the plugin asks again for the open panel after every change in the
  // vault, and most changes leave it as it was.
  struct CachedPanel {
    std::string path;
    panel::Dependencies read;
    std::string json;  // the panel's envelope, as panel() answers; "" once panel() took it
    uint64_t json_hash = 0;  // hash_bytes(json) as built: a panel built again the same keeps its version
    uint64_t version = 0;
  };
  static constexpr size_t kCachedPanels = 8;
  mutable std::vector<CachedPanel> panels;
  mutable uint64_t last_panel_version = 0;
  // The panel of `path` as now: the kept one, or built again if something it
  // read may have changed (or, `with_json`, if panel() took its JSON: then
  // with the same version). nullptr when there is no such note.
  CachedPanel* current_panel(std::string_view path, bool with_json) const;

  // The last query answers, newest first, the same way: each query block
  // of the editor asks again after every change in the vault.
  struct CachedQuery {
    std::string key;  // source, origin and options, NUL-separated
    query::Reads read;
    std::string json;  // the answer's envelope; "" once query() took it
    uint64_t json_hash = 0;  // as CachedPanel's
    uint64_t version = 0;
  };
  // A dashboard note can hold a few dozen blocks, all asked after every
  // change: with fewer entries than blocks, asking them in turn would
  // evict each before its next check and run every one each time. An entry
  // holds its key and reads (a pointer and a fingerprint per row), and its
  // JSON only until query() takes it.
  static constexpr size_t kCachedQueries = 64;
  mutable std::vector<CachedQuery> queries;
  mutable uint64_t last_query_version = 0;
  // The answer of `source` as now, like current_panel(), under `key`
  // (source, origin and format). Its options are read from `origin_path`
  // and `format`, which the caller has found good, only when it is built.
  CachedQuery* current_query(std::string_view source, std::string_view origin_path, std::string_view format,
                             std::string key, bool with_json) const;
  bool keeps_query(std::string_view key) const {
    return std::any_of(queries.begin(), queries.end(), [&](const CachedQuery& c) { return c.key == key; });
  }

  void set_schema(schema::Schema s) {
    entity_cache.clear();
    panels.clear();
    queries.clear();
    schema = s;
    if (graph_stale_) graph_ = graph::Graph(std::move(s));
    else graph_.set_schema(vault, std::move(s));
  }

 private:
  mutable graph::Graph graph_;
  mutable bool graph_stale_ = false;
};

}  // namespace vaultcrm
