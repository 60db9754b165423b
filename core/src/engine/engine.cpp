#include "vaultcrm/engine.h"

#include <algorithm>
#include <utility>

#include "engine_impl.h"
#include "kept_answers.h"
#include "vaultcrm/view_map.h"
#include "serialize.h"

namespace vaultcrm {

using json::guarded;

Engine::Engine() : impl_(std::make_unique<Impl>()) {}
Engine::~Engine() = default;

std::string Engine::upsertMany(std::string_view notes_json) {
  return guarded([&] {
    auto arr = nlohmann::json::parse(notes_json.begin(), notes_json.end());
    if (!arr.is_array()) return json::error("bad_request", "upsertMany expects an array of {path, text, mtime}");
    batchBegin(arr.size());
    size_t index = 0;
    for (const auto& item : arr) {
      if (!item.is_object() || !item.contains("path") || !item["path"].is_string() || !item.contains("text") ||
          !item["text"].is_string()) {
        batchEnd();  // the notes before it stay upserted, as the caller asked
        return json::error("bad_request", "item " + std::to_string(index) + " needs string path and text");
      }
      double mtime = item.contains("mtime") && item["mtime"].is_number() ? item["mtime"].get<double>() : 0.0;
      batchAdd(item["path"].get_ref<const std::string&>(), item["text"].get_ref<const std::string&>(), mtime);
      ++index;
    }
    return batchEnd();
  });
}

void Engine::batchBegin(size_t count) {
  Impl::Batch& b = impl_->batch;
  b = Impl::Batch{};
  // A big batch (a vault load) leaves the graph to one rebuild by its first
  // reader; a small one updates it note by note. Marked now, so that a batch
  // that stops half-way still leaves the graph to be rebuilt.
  b.bulk = count > 64 || impl_->vault.size() == 0;
  if (b.bulk) impl_->mark_graph_stale();
}

void Engine::batchAdd(std::string_view path, std::string_view text, double mtime) {
  Impl::Batch& b = impl_->batch;
  try {
    const auto& note = impl_->vault.upsert(path, text, mtime);
    b.with_errors += note.errors.empty() ? 0 : 1;
    if (!b.bulk) impl_->graph_upsert(note.path);
    ++b.count;
  } catch (const std::exception& e) {
    if (b.failure.empty()) b.failure = std::string(path) + ": " + e.what();
  } catch (...) {
    if (b.failure.empty()) b.failure = std::string(path) + ": unknown exception";
  }
}

std::string Engine::batchEnd() {
  return guarded([&] {
    Impl::Batch b = std::move(impl_->batch);
    impl_->batch = Impl::Batch{};
    if (!b.failure.empty()) return json::error("internal", "upsertMany: " + b.failure);
    return json::ok({{"upserted", b.count}, {"notesWithErrors", b.with_errors}});
  });
}

std::string Engine::upsert(std::string_view path, std::string_view text, double mtime) {
  return guarded([&] {
    const auto& note = impl_->vault.upsert(path, text, mtime);
    impl_->graph_upsert(path);
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : note.errors) errors.push_back(json::to_json(e));
    return json::ok({{"path", note.path}, {"errors", errors}});
  });
}

std::string Engine::remove(std::string_view path) {
  return guarded([&] {
    if (!impl_->vault.remove(path)) return json::error("not_found", "no note " + std::string(path));
    impl_->graph_remove(path);
    return json::ok({{"removed", std::string(path)}});
  });
}

std::string Engine::rename(std::string_view from, std::string_view to) {
  return guarded([&] {
    if (!impl_->vault.rename(from, to)) return json::error("not_found", "no note " + std::string(from));
    impl_->graph_rename(from, to);
    return json::ok({{"from", std::string(from)}, {"to", std::string(to)}});
  });
}

std::string Engine::note(std::string_view path) const {
  return guarded([&] {
    const auto* n = impl_->vault.find(path);
    if (!n) return json::error("not_found", "no note " + std::string(path));
    return json::ok(json::note_to_json(*n, &impl_->vault));
  });
}

std::string Engine::summary() const {
  return guarded([&] { return json::ok(json::summary_to_json(impl_->vault)); });
}

std::string Engine::indexJson() const {
  return guarded([&] {
    nlohmann::json notes = nlohmann::json::array();
    for (const auto& [path, note] : impl_->vault.notes()) notes.push_back(json::note_to_json(note, &impl_->vault));
    return json::ok({{"summary", json::summary_to_json(impl_->vault)}, {"notes", std::move(notes)}});
  });
}

Engine::Impl::CachedPanel* Engine::Impl::current_panel(std::string_view path, bool with_json) const {
  const graph::Graph& g = graph();  // first: a stale graph is rebuilt, which every kept panel sees
  return keep_current(
      panels, kCachedPanels, last_panel_version, with_json, [&](const CachedPanel& c) { return c.path == path; },
      [&](CachedPanel& c) {
        if (c.read.changed(vault, g)) return false;
        // A panel left open through many edits elsewhere is never checked
        // against more than the changes since the last look (the vault's
        // log keeps only the last Vault::kChangeLog).
        c.read.vault_generation = vault.generation();
        c.read.graph_stamp = g.stamp();
        return true;
      },
      [&](CachedPanel& fresh) {
        auto p = panel::build(vault, g, path, &fresh.read);
        if (!p) return false;
        fresh.path = std::string(path);
        fresh.json = json::panel_ok(*p);
        return true;
      });
}

std::string Engine::panel(std::string_view path) const {
  return guarded([&] {
    Impl::CachedPanel* p = impl_->current_panel(path, true);
    if (!p) return json::error("not_found", "no note " + std::string(path));
    // Handed over, not copied (a panel's JSON is tens of KB, and wasm's
    // memcpy is a loop): the kept entry answers panelVersion() without it,
    // and a second panel() of the same panel builds it again.
    return std::exchange(p->json, std::string());
  });
}

std::string Engine::panelVersion(std::string_view path) const {
  return guarded([&] {
    const Impl::CachedPanel* p = impl_->current_panel(path, false);
    if (!p) return json::error("not_found", "no note " + std::string(path));
    return json::ok({{"path", std::string(path)}, {"version", p->version}});
  });
}

std::string Engine::setSchema(std::string_view schema_json) {
  return guarded([&] {
    schema::Schema schema;
    std::string error;
    if (!schema::from_json(schema_json, schema, error)) return json::error("bad_request", error);
    impl_->set_schema(std::move(schema));
    return json::ok({{"schema", "set"}});
  });
}

}  // namespace vaultcrm
