// DedupReport <-> JSON (internal). Shapes: docs/json-api.md "DedupReport",
// mirrored in wasm/js/types-dedup.ts.
#pragma once

#include <nlohmann/json.hpp>

#include "vaultcrm/dedup.h"

namespace vaultcrm::dedup {

// Overrides from the options object; unknown keys are ignored, wrong types
// throw nlohmann::json::type_error (the engine turns that into bad_request).
Options options_from_json(const nlohmann::json& j, Options base);
nlohmann::json report_to_json(const Report& report);

}  // namespace vaultcrm::dedup
