// vaultcrm: the native command line over the core.
// JSON on stdout, progress and errors on stderr. Exit codes: 0 success,
// 1 user error (bad arguments, unknown note, bad query), 2 unreadable vault.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine_impl.h"
#include "vault_loader.h"

namespace {

const char* kUsage = R"(vaultcrm - an account graph from a vault of Markdown notes

usage:
  vaultcrm index  VAULT [--json]            summary; --json: every note parsed, and totals
  vaultcrm panel  VAULT NOTE_PATH [--json]  the account panel of one note
  vaultcrm help [COMMAND]                   this text, or one command's

Planned (see the issues): dedup, query, merge.
)";

const char* kIndexHelp = R"(usage: vaultcrm index VAULT [--json]

Reads every .md file under VAULT (hidden folders skipped) and prints a summary:
notes, tasks, links, unresolved links and the notes with errors. With --json it
prints {"summary": ..., "notes": [...]}, each note with its frontmatter,
sections, links, tags, lists, tasks, tables, code blocks, inline fields and
errors (docs/json-api.md). A note that fails to parse is reported in errors and
never stops the rest of the vault.
)";

const char* kPanelHelp = R"(usage: vaultcrm panel VAULT NOTE_PATH [--json]

Prints the account panel of NOTE_PATH (a path relative to VAULT, such as
Customers/Microsoft.md): status table, frontmatter, key contacts (repeats
collapsed, with counts), collaborators with role and company, recent context
with dates and links, and the note's open tasks. Without --json, a text view.
)";

int usage_error(const std::string& message) {
  std::cerr << "vaultcrm: " << message << "\n(run `vaultcrm help` for usage)\n";
  return 1;
}

// Unwraps an engine envelope; prints the error and returns false on failure.
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

int cmd_index(const std::vector<std::string>& args) {
  bool as_json = false;
  std::string vault_path;
  for (const auto& a : args) {
    if (a == "--json") as_json = true;
    else if (a == "--help" || a == "-h") return std::cout << kIndexHelp, 0;
    else if (!a.empty() && a[0] == '-') return usage_error("unknown option " + a);
    else if (vault_path.empty()) vault_path = a;
    else return usage_error("index takes one VAULT");
  }
  if (vault_path.empty()) return usage_error("index needs a VAULT folder");
  vaultcrm::Engine engine;
  auto loaded = vaultcrm::cli::load_vault(engine, vault_path, true);
  if (!loaded.ok) {
    std::cerr << "vaultcrm: " << loaded.error << "\n";
    return 2;
  }
  nlohmann::json value;
  if (as_json) {
    if (!unwrap(engine.indexJson(), value)) return 1;
    std::cout << dump(value) << "\n";
    return 0;
  }
  if (!unwrap(engine.summary(), value)) return 1;
  std::cout << "notes:            " << value["notes"] << "\n"
            << "tasks:            " << value["tasks"] << " (" << value["openTasks"] << " open)\n"
            << "links:            " << value["links"] << " (" << value["unresolvedLinks"] << " unresolved)\n"
            << "notes with errors: ";
  std::vector<std::string> paths;
  for (const auto& e : value["errors"]) {
    std::string p = e["path"];
    if (paths.empty() || paths.back() != p) paths.push_back(p);
  }
  std::cout << paths.size() << "\n";
  for (const auto& e : value["errors"])
    std::cout << "  " << e["path"].get<std::string>() << ":" << e["line"] << ":" << e["column"] << ": "
              << e["message"].get<std::string>() << "\n";
  return 0;
}

int cmd_panel(const std::vector<std::string>& args) {
  bool as_json = false;
  std::vector<std::string> positional;
  for (const auto& a : args) {
    if (a == "--json") as_json = true;
    else if (a == "--help" || a == "-h") return std::cout << kPanelHelp, 0;
    else if (!a.empty() && a[0] == '-') return usage_error("unknown option " + a);
    else positional.push_back(a);
  }
  if (positional.size() != 2) return usage_error("panel needs VAULT and NOTE_PATH");
  vaultcrm::Engine engine;
  auto loaded = vaultcrm::cli::load_vault(engine, positional[0], true);
  if (!loaded.ok) {
    std::cerr << "vaultcrm: " << loaded.error << "\n";
    return 2;
  }
  nlohmann::json p;
  if (!unwrap(engine.panel(positional[1]), p)) return 1;
  if (as_json) {
    std::cout << dump(p) << "\n";
    return 0;
  }
  std::cout << p["title"].get<std::string>() << "  (" << p["path"].get<std::string>() << ")\n";
  for (const auto& s : p["status"])
    std::cout << "  " << s["field"].get<std::string>() << ": " << s["value"].get<std::string>() << "\n";
  std::cout << "\nKey contacts (" << p["contacts"].size() << "):\n";
  for (const auto& c : p["contacts"]) {
    std::cout << "  " << c["name"].get<std::string>();
    if (c["count"].get<int>() > 1) std::cout << "  x" << c["count"];
    if (!c["link"].is_null()) std::cout << "  -> " << c["link"].get<std::string>();
    std::cout << "\n";
  }
  std::cout << "\nCollaborators (" << p["collaborators"].size() << "):\n";
  for (const auto& c : p["collaborators"]) {
    std::cout << "  " << c["name"].get<std::string>();
    if (!c["role"].get<std::string>().empty()) std::cout << " - " << c["role"].get<std::string>();
    if (!c["company"].get<std::string>().empty()) std::cout << " (" << c["company"].get<std::string>() << ")";
    std::cout << "\n";
  }
  std::cout << "\nRecent context (" << p["recentContext"].size() << "):\n";
  for (const auto& t : p["recentContext"])
    std::cout << "  " << t["line"] << ": " << t["text"].get<std::string>() << "\n";
  std::cout << "\nOpen tasks (" << p["openTasks"].size() << "):\n";
  for (const auto& t : p["openTasks"])
    std::cout << "  " << t["path"].get<std::string>() << ":" << t["line"] << "  " << t["text"].get<std::string>()
              << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 1 : 0;
  }
  std::string cmd = args[0];
  args.erase(args.begin());
  try {
    if (cmd == "help") {
      if (!args.empty() && args[0] == "index") std::cout << kIndexHelp;
      else if (!args.empty() && args[0] == "panel") std::cout << kPanelHelp;
      else std::cout << kUsage;
      return 0;
    }
    if (cmd == "index") return cmd_index(args);
    if (cmd == "panel") return cmd_panel(args);
    if (cmd == "dedup" || cmd == "query" || cmd == "merge")
      return usage_error("`" + cmd + "` is not built yet (planned; see the issues)");
    return usage_error("unknown command " + cmd);
  } catch (const std::exception& e) {
    std::cerr << "vaultcrm: internal error: " << e.what() << "\n";
    return 1;
  }
}
