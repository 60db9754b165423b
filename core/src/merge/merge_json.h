// MergePlan <-> JSON (internal). Shapes: docs/json-api.md "MergePlan",
// mirrored in wasm/js/types-merge.ts.
#pragma once

#include <nlohmann/json.hpp>

#include "vaultcrm/merge.h"

namespace vaultcrm::merge {

nlohmann::json edit_to_json(const Edit& e);
// Throws std::runtime_error on a malformed edit.
Edit edit_from_json(const nlohmann::json& j);
std::vector<Edit> edits_from_json(const nlohmann::json& arr);
nlohmann::json plan_to_json(const Plan& plan);
// Builds the plan a request asks for (contacts or entries). `base` is the
// dedup configuration of the vault (its schema); the request's "options"
// override it key by key, as Engine::dedup does, so a plan sees the same
// clusters and groups the user was shown.
Result plan_from_request(const index::Vault& vault, const nlohmann::json& request, const dedup::Options& base);

}  // namespace vaultcrm::merge
