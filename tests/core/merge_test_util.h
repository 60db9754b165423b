// Helpers for the merge tests: vaults as path -> text maps, applied in memory.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "test_util.h"
#include "vaultcrm/index.h"
#include "vaultcrm/merge.h"

namespace vaultcrm::testing {

using Files = std::map<std::string, std::string>;

inline Files load_dir(const std::string& root) {
  Files files;
  namespace fs = std::filesystem;
  if (!fs::exists(root)) return files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    std::string name = it->path().filename().string();
    if (it->is_directory() && !name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".md")
      files[fs::relative(it->path(), root).generic_string()] = read_file(it->path().string());
  }
  return files;
}

inline index::Vault vault_of(const Files& files) {
  index::Vault v;
  for (const auto& [p, t] : files) v.upsert(p, t, 0);
  return v;
}

inline std::string shared_fixture() { return "/work/shared/fixtures/crm-vault"; }

}  // namespace vaultcrm::testing
