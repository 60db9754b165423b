// Shared helpers for the core tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include "vaultcrm/parse.h"

namespace vaultcrm::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string source_path(const std::string& rel) { return std::string(VAULTCRM_SOURCE_DIR) + "/" + rel; }

inline bool has_error(const parse::Note& n, const std::string& code) {
  for (const auto& e : n.errors)
    if (e.code == code) return true;
  return false;
}

inline const parse::Diagnostic* error_of(const parse::Note& n, const std::string& code) {
  for (const auto& e : n.errors)
    if (e.code == code) return &e;
  return nullptr;
}

}  // namespace vaultcrm::testing
