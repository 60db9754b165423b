// Engine::dedup - placeholder until core/src/dedup lands (issue: Dedup).
#include "engine_impl.h"
#include "serialize.h"

namespace vaultcrm {
std::string Engine::dedup(std::string_view) const {
  return json::error("not_implemented", "dedup is not built yet");
}
}  // namespace vaultcrm
