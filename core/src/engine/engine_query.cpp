// Engine::query - placeholder until core/src/query lands (issue: Queries).
#include "engine_impl.h"
#include "serialize.h"

namespace vaultcrm {
std::string Engine::query(std::string_view, std::string_view, std::string_view) const {
  return json::error("not_implemented", "queries are not built yet");
}
}  // namespace vaultcrm
