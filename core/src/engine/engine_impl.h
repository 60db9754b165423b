// Engine::Impl (internal): what the engine holds. Native callers (CLI,
// tests) reach the vault through Engine::impl().
#pragma once

#include "vaultcrm/engine.h"
#include "vaultcrm/index.h"
#include "vaultcrm/panel.h"

namespace vaultcrm {

class Engine::Impl {
 public:
  index::Vault vault;
  panel::PanelSchema schema;
};

}  // namespace vaultcrm
