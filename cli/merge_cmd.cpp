// `vaultcrm merge`: print a plan, or apply one to the files (checking every
// hash first, writing temp files then renaming, restoring on failure), and
// undo from the log it wrote.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>

#include "cli_common.h"
#include "merge/merge_json.h"

namespace vaultcrm::cli {

const char* const kMergeHelp = R"(usage: vaultcrm merge VAULT --plan PLAN.json [--apply] [--undo-log FILE]
       vaultcrm merge VAULT --undo UNDO_LOG

PLAN.json is a merge request ({"kind":"contacts",...} or {"kind":"entries",...})
or a plan printed earlier. A contact merge into a name no note carries
creates that person note (type, aliases), so the rewritten links resolve.
Without --apply, prints the plan as JSON. With --apply, checks every file's
hash (a file changed since the plan: nothing is written, the file is named),
writes the new texts through temp files and renames, restores everything on
a failure, and writes the inverse edits to --undo-log. --undo applies such a
log the same way.
)";

namespace {

bool read_text(const std::filesystem::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

bool write_text(const std::filesystem::path& p, const std::string& text) {
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

// Applies edits under `root`; returns an exit code.
int apply_to_disk(const std::string& root, const std::vector<vaultcrm::merge::Edit>& edits,
                  const std::vector<vaultcrm::merge::Edit>& inverse, const std::string& undo_log) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> before;  // current bytes of every file the plan names
  for (const auto& e : edits) {
    std::string text;
    if (read_text(fs::path(root) / e.path, text)) before[e.path] = text;
  }
  auto check = vaultcrm::merge::check(before, edits);
  if (!check.ok) {
    std::cerr << "vaultcrm: nothing written: " << check.error << "\n";
    return 1;
  }
  if (!undo_log.empty()) {
    nlohmann::json log = {{"edits", nlohmann::json::array()}};
    for (const auto& e : inverse) log["edits"].push_back(vaultcrm::merge::edit_to_json(e));
    if (!write_text(undo_log, log.dump(1))) {
      std::cerr << "vaultcrm: nothing written: cannot write undo log " << undo_log << "\n";
      return 1;
    }
  }
  std::vector<std::pair<fs::path, fs::path>> temps;
  auto drop_temps = [&temps] {
    std::error_code ec;
    for (const auto& t : temps) fs::remove(t.first, ec);
  };
  for (const auto& e : edits) {
    if (!e.new_text) continue;
    fs::path target = fs::path(root) / e.path;
    fs::path tmp = target;
    tmp += ".vaultcrm-tmp";
    temps.push_back({tmp, target});
    if (!write_text(tmp, *e.new_text)) {
      drop_temps();
      std::cerr << "vaultcrm: nothing written: cannot write " << e.path << "\n";
      return 1;
    }
  }
  std::vector<std::string> done;
  bool failed = false;
  std::string failed_path;
  for (const auto& e : edits) {
    fs::path target = fs::path(root) / e.path;
    std::error_code ec;
    if (e.new_text) {
      fs::path tmp = target;
      tmp += ".vaultcrm-tmp";
      fs::rename(tmp, target, ec);
    } else {
      fs::remove(target, ec);
    }
    if (ec) {
      failed = true;
      failed_path = e.path;
      break;
    }
    done.push_back(e.path);
  }
  if (failed) {
    // Put back what was already replaced.
    for (const auto& p : done) {
      std::error_code ec;
      auto it = before.find(p);
      if (it != before.end()) write_text(fs::path(root) / p, it->second);
      else fs::remove(fs::path(root) / p, ec);
    }
    drop_temps();
    std::cerr << "vaultcrm: failed writing " << failed_path << "; every file restored\n";
    return 1;
  }
  std::cerr << "vaultcrm: " << edits.size() << " file(s) written\n";
  return 0;
}

}  // namespace

int cmd_merge(const std::vector<std::string>& raw) {
  Args a = parse_args(raw, {"--apply", "--help", "-h"}, {"--plan", "--undo-log", "--undo", "--schema"});
  if (a.options.count("--help") || a.options.count("-h")) return std::cout << kMergeHelp, 0;
  if (!a.error.empty()) return usage_error(a.error);
  if (a.positional.size() != 1) return usage_error("merge needs VAULT");
  const std::string root = a.positional[0];
  try {
    if (a.options.count("--undo")) {
      std::string text;
      if (!read_text(a.options["--undo"], text)) return usage_error("cannot read " + a.options["--undo"]);
      auto log = nlohmann::json::parse(text);
      auto edits = vaultcrm::merge::edits_from_json(log.at("edits"));
      return apply_to_disk(root, edits, {}, "");
    }
    if (!a.options.count("--plan")) return usage_error("merge needs --plan PLAN.json or --undo UNDO_LOG");
    std::string text;
    if (!read_text(a.options["--plan"], text)) return usage_error("cannot read " + a.options["--plan"]);
    auto input = nlohmann::json::parse(text);
    nlohmann::json plan;
    if (input.is_object() && input.contains("edits")) {
      plan = input;
    } else {
      vaultcrm::Engine engine;
      if (int rc = load(engine, root, a.options.count("--schema") ? a.options["--schema"] : "")) return rc;
      if (!unwrap(engine.mergePlan(text), plan)) return 1;
    }
    if (!a.options.count("--apply")) {
      std::cout << dump(plan) << "\n";
      return 0;
    }
    auto edits = vaultcrm::merge::edits_from_json(plan.at("edits"));
    auto inverse = vaultcrm::merge::edits_from_json(plan.value("inverse", nlohmann::json::array()));
    return apply_to_disk(root, edits, inverse, a.options.count("--undo-log") ? a.options["--undo-log"] : "");
  } catch (const std::exception& e) {
    return usage_error(std::string("bad plan: ") + e.what());
  }
}

}  // namespace vaultcrm::cli
