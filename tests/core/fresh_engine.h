// fresh_copy(): an engine loaded with another engine's notes as they are
// now, in one bulk batch, so its graph is one rebuild and never an update.
// What an engine that followed a vault edit by edit must agree with.
#pragma once

#include <memory>
#include <string>

#include "engine/engine_impl.h"
#include "vaultcrm/engine.h"

namespace vaultcrm::testing {

inline std::unique_ptr<Engine> fresh_copy(const Engine& engine) {
  auto fresh = std::make_unique<Engine>();
  const auto& vault = engine.impl().vault;
  fresh->batchBegin(vault.size());
  for (const auto& [path, note] : vault.notes()) {
    auto text = vault.text(path);
    fresh->batchAdd(path, text ? std::string(*text) : std::string(), note.mtime);
  }
  (void)fresh->batchEnd();
  return fresh;
}

}  // namespace vaultcrm::testing
