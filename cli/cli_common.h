// Helpers every `vaultcrm` command shares (internal to cli/): argument
// splitting, engine envelopes, JSON output and vault loading, so each
// command can live in its own translation unit.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "vaultcrm/engine.h"

namespace vaultcrm::cli {

// Prints "vaultcrm: message" and a usage hint on stderr; returns exit code 1.
int usage_error(const std::string& message);

// Unwraps an engine envelope; prints the error and returns false on failure.
bool unwrap(const std::string& envelope, nlohmann::json& value);

// Pretty JSON for stdout; invalid UTF-8 in note text is replaced, not fatal.
std::string dump(const nlohmann::json& j);

// Loads VAULT into `engine` (applying --schema FILE if given); returns an
// exit code, 0 when loaded.
int load(Engine& engine, const std::string& vault_path, const std::string& schema_file);

// Options (with their values) split from positional arguments.
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // "--json" -> ""
  std::string error;
};

Args parse_args(const std::vector<std::string>& raw, const std::vector<std::string>& flags,
                const std::vector<std::string>& with_value);

// `vaultcrm merge` (merge_cmd.cpp).
extern const char* const kMergeHelp;
int cmd_merge(const std::vector<std::string>& raw);

}  // namespace vaultcrm::cli
