// Reads a vault folder from disk into the engine (native hosts only).
#pragma once

#include <string>

#include "vaultcrm/engine.h"

namespace vaultcrm::cli {

struct LoadResult {
  bool ok = false;
  std::string error;  // when the folder cannot be read
  size_t notes = 0;
  size_t bytes = 0;
};

// Every *.md under `root` (hidden folders such as .obsidian skipped), in path
// order. Progress goes to stderr when `progress` is set and the vault is large.
LoadResult load_vault(Engine& engine, const std::string& root, bool progress);

}  // namespace vaultcrm::cli
