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

// Compact dump that never throws on invalid UTF-8 (bytes are replaced).
std::string dump(const nlohmann::json& j, int indent = -1);
std::string ok(const nlohmann::json& value);
std::string error(std::string_view code, std::string_view message);

}  // namespace vaultcrm::json
