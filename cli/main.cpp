// vaultcrm: the native command line over the core.
// JSON on stdout, progress and errors on stderr. Exit codes: 0 success,
// 1 user error (bad arguments, unknown note, bad query), 2 unreadable vault.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "engine/engine_impl.h"
#include "vault_loader.h"
#include "vaultcrm/query.h"

namespace {

using namespace vaultcrm::cli;

const char* kUsage = R"(vaultcrm - an account graph from a vault of Markdown notes

usage:
  vaultcrm index  VAULT [--json]            summary; --json: every note parsed, and totals
  vaultcrm panel  VAULT NOTE_PATH [--json]  the account panel of one note
  vaultcrm query  VAULT 'QUERY' [--json] [--format dql|tasks] [--origin NOTE] [--now DATE]
                                            a Dataview (DQL) or Obsidian Tasks query
  vaultcrm dedup  VAULT [--json]            duplicate contacts and duplicate entries
  vaultcrm help [COMMAND]                   this text, or one command's

Common options: --schema FILE  a JSON settings object overriding headings,
columns, keys, types and folders (see core/include/vaultcrm/schema.h).

  vaultcrm merge  VAULT --plan PLAN.json [--apply] [--undo-log FILE] | --undo LOG
                                            merge contacts / drop duplicate entries, undoably
)";

const char* kQueryHelp = R"(usage: vaultcrm query VAULT 'QUERY' [--json] [--format dql|tasks] [--origin NOTE] [--now DATE]

Runs a Dataview query (TABLE / LIST / TASK ...) or an Obsidian Tasks query
(one instruction per line: not done, path includes ..., sort by due, ...) over
VAULT. --format picks the language (default: detect from the first word);
--origin is the note holding the query ([[]] and `this`); --now fixes
today's date (YYYY-MM-DD) for relative dates. Without --json, an aligned
table. A bad query prints "line:column: message" on stderr and exits 1.
)";

const char* kDedupHelp = R"(usage: vaultcrm dedup VAULT [--json]

Finds people written in several ways (spelling variants, nicknames, first
names, initials, diacritics) and repeated entries (exact, truncated,
paraphrased), with confidence and evidence. Ambiguous first names are
reported, never merged. --json prints {"contacts":{"clusters":[...]},
"entries":{"groups":[...]},"distinct_similar":[...]}.
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

int cmd_query(const std::vector<std::string>& raw) {
  Args a = parse_args(raw, {"--json", "--help", "-h"}, {"--format", "--origin", "--now", "--schema"});
  if (a.options.count("--help") || a.options.count("-h")) return std::cout << kQueryHelp, 0;
  if (!a.error.empty()) return usage_error(a.error);
  if (a.positional.size() != 2) return usage_error("query needs VAULT and 'QUERY'");
  vaultcrm::Engine engine;
  if (int rc = load(engine, a.positional[0], a.options["--schema"])) return rc;
  vaultcrm::query::Options options;
  std::string format = a.options["--format"];
  if (format == "dql") options.language = vaultcrm::query::Language::Dql;
  else if (format == "tasks") options.language = vaultcrm::query::Language::Tasks;
  else if (!format.empty()) return usage_error("--format is dql or tasks");
  options.origin_path = a.options["--origin"];
  options.now = a.options["--now"];
  auto outcome = vaultcrm::query::run(engine.impl().vault, a.positional[1], options);
  if (!outcome.ok) {
    std::cerr << "vaultcrm: " << outcome.error.line << ":" << outcome.error.column << ": " << outcome.error.message
              << "\n";
    return 1;
  }
  if (a.options.count("--json")) {
    auto j = nlohmann::json::parse(vaultcrm::query::result_json(outcome.result));
    std::cout << dump(j) << "\n";
  } else {
    std::cout << vaultcrm::query::render_text(outcome);
  }
  return 0;
}

int cmd_dedup(const std::vector<std::string>& raw) {
  Args a = parse_args(raw, {"--json", "--help", "-h"}, {"--schema"});
  if (a.options.count("--help") || a.options.count("-h")) return std::cout << kDedupHelp, 0;
  if (!a.error.empty()) return usage_error(a.error);
  if (a.positional.size() != 1) return usage_error("dedup needs one VAULT");
  vaultcrm::Engine engine;
  if (int rc = load(engine, a.positional[0], a.options["--schema"])) return rc;
  nlohmann::json report;
  if (!unwrap(engine.dedup("{}"), report)) return 1;
  if (a.options.count("--json")) {
    std::cout << dump(report) << "\n";
    return 0;
  }
  const auto& clusters = report["contacts"]["clusters"];
  size_t multi = 0;
  for (const auto& c : clusters)
    if (c["members"].size() > 1 || c.value("ambiguous", false)) ++multi;
  std::cout << "Contacts written more than one way (" << multi << "):\n";
  for (const auto& c : clusters) {
    if (c["members"].size() < 2 && !c.value("ambiguous", false)) continue;
    std::cout << "  " << c["canonical"].get<std::string>() << "  <- ";
    bool first = true;
    for (const auto& m : c["members"]) {
      if (!first) std::cout << ", ";
      std::cout << m.get<std::string>();
      first = false;
    }
    std::cout << "  (" << c.value("confidence", 0.0) << (c.value("ambiguous", false) ? ", AMBIGUOUS" : "") << ")\n";
  }
  const auto& groups = report["entries"]["groups"];
  std::cout << "\nRepeated entries (" << groups.size() << " groups):\n";
  for (const auto& g : groups) {
    std::cout << "  " << g.value("path", "") << " [" << g.value("kind", "") << "] lines";
    for (const auto& l : g["lines"]) std::cout << " " << l;
    std::cout << ", keep " << g.value("keep", 0) << "\n";
  }
  return 0;
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
      else if (!args.empty() && args[0] == "query") std::cout << kQueryHelp;
      else if (!args.empty() && args[0] == "dedup") std::cout << kDedupHelp;
      else if (!args.empty() && args[0] == "merge") std::cout << kMergeHelp;
      else std::cout << kUsage;
      return 0;
    }
    if (cmd == "index") return cmd_index(args);
    if (cmd == "panel") return cmd_panel(args);
    if (cmd == "query") return cmd_query(args);
    if (cmd == "dedup") return cmd_dedup(args);
    if (cmd == "merge") return cmd_merge(args);
    return usage_error("unknown command " + cmd);
  } catch (const std::exception& e) {
    std::cerr << "vaultcrm: internal error: " << e.what() << "\n";
    return 1;
  }
}
