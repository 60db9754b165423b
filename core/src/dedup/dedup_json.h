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
// The same report written straight to compact JSON, without the nlohmann
// tree (which was most of engine.dedup's time in wasm on a 100k-mention
// vault): byte for byte json::write_compact(report_to_json(report)) -
// tests/core/dedup_json_test.cpp compares.
std::string report_json(const Report& report);

}  // namespace vaultcrm::dedup
