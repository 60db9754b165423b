// JSON serialisation (internal): the only place that includes nlohmann-json.
// The shapes are documented in docs/json-api.md and mirrored in wasm/js/types.ts.
#pragma once

#include <nlohmann/json.hpp>

#include "vaultcrm/index.h"
#include "vaultcrm/panel.h"

namespace vaultcrm::json {

nlohmann::json to_json(const Value& v);
nlohmann::json to_json(const parse::Diagnostic& d);
// With the vault, links carry their resolved path.
nlohmann::json note_to_json(const parse::Note& note, const index::Vault* vault);
nlohmann::json summary_to_json(const index::Vault& vault);
nlohmann::json panel_to_json(const panel::AccountPanel& panel);
// ok(panel_to_json(panel)), byte for byte, written straight to the string
// without the tree: the panel is refreshed after every edit.
std::string panel_ok(const panel::AccountPanel& panel);

// Compact dump that never throws on invalid UTF-8 (bytes are replaced).
std::string dump(const nlohmann::json& j, int indent = -1);
std::string ok(const nlohmann::json& value);
std::string error(std::string_view code, std::string_view message);

// Runs an Engine call so that nothing throws across the engine's surface (or
// aborts the wasm module): a malformed JSON argument becomes "bad_request",
// anything else "internal".
template <typename F>
std::string guarded(F&& f) {
  try {
    return f();
  } catch (const nlohmann::json::exception& e) {
    return error("bad_request", e.what());
  } catch (const std::exception& e) {
    return error("internal", e.what());
  } catch (...) {
    return error("internal", "unknown error");
  }
}

}  // namespace vaultcrm::json
