// The compact JSON writer (internal), shared by the engine's envelopes and
// the query layer's results. Byte for byte what nlohmann's dump(-1) writes
// with error_handler replace (each invalid UTF-8 sequence becomes U+FFFD),
// without its per-byte UTF-8 automaton, which was the largest cost of a panel
// refresh (tests/core/serialize_test.cpp checks the equality).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace vaultcrm::json {

std::string write_compact(const nlohmann::json& j);

}  // namespace vaultcrm::json
