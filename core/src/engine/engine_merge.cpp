// Engine::mergePlan - placeholder until core/src/merge lands (issue: Merge).
#include "engine_impl.h"
#include "serialize.h"

namespace vaultcrm {
std::string Engine::mergePlan(std::string_view) const {
  return json::error("not_implemented", "merge plans are not built yet");
}
}  // namespace vaultcrm
