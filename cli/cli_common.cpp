// Helpers shared by the vaultcrm commands (see cli_common.h).
#include "cli_common.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>

#include "vault_loader.h"

namespace vaultcrm::cli {

int usage_error(const std::string& message) {
  std::cerr << "vaultcrm: " << message << "\n(run `vaultcrm help` for usage)\n";
  return 1;
}

bool unwrap(const std::string& envelope, nlohmann::json& value) {
  auto j = nlohmann::json::parse(envelope);
  if (!j.value("ok", false)) {
    std::cerr << "vaultcrm: " << j["error"].value("message", "error") << "\n";
    return false;
  }
  value = std::move(j["value"]);
  return true;
}

std::string dump(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

int load(Engine& engine, const std::string& vault_path, const std::string& schema_file) {
  if (!schema_file.empty()) {
    std::ifstream in(schema_file, std::ios::binary);
    if (!in) {
      std::cerr << "vaultcrm: cannot read schema file " << schema_file << "\n";
      return 1;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    nlohmann::json ignored;
    if (!unwrap(engine.setSchema(text), ignored)) return 1;
  }
  auto loaded = load_vault(engine, vault_path, true);
  if (!loaded.ok) {
    std::cerr << "vaultcrm: " << loaded.error << "\n";
    return 2;
  }
  return 0;
}

Args parse_args(const std::vector<std::string>& raw, const std::vector<std::string>& flags,
                const std::vector<std::string>& with_value) {
  Args a;
  for (size_t i = 0; i < raw.size(); ++i) {
    const std::string& s = raw[i];
    if (s.size() > 1 && s[0] == '-' ) {
      if (std::find(flags.begin(), flags.end(), s) != flags.end()) {
        a.options[s] = "";
      } else if (std::find(with_value.begin(), with_value.end(), s) != with_value.end()) {
        if (i + 1 >= raw.size()) {
          a.error = s + " needs a value";
          return a;
        }
        a.options[s] = raw[++i];
      } else {
        a.error = "unknown option " + s;
        return a;
      }
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

}  // namespace vaultcrm::cli
