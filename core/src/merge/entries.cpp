// Entry cleanup: drop the repeated bullets of dedup's groups, keep the most
// complete one, and never lose a fact only a removed member holds.
#include <algorithm>
#include <set>

#include "plan_builder.h"
#include "text_util.h"

namespace vaultcrm::merge {

using namespace detail;

Result plan_entries(const index::Vault& vault, const dedup::Options& options, const EntryRequest& req) {
  Result res;
  if (req.unique_facts != "keep-both" && req.unique_facts != "append") {
    res.error_code = "bad_request";
    res.error_message = "uniqueFacts must be \"keep-both\" or \"append\"";
    return res;
  }
  dedup::Report report = dedup::run(vault, options);
  Plan& plan = res.plan;
  plan.kind = "entries";
  Builder b(vault);
  std::map<std::string, std::vector<std::string>> files;
  auto file_of = [&](const std::string& path) -> std::vector<std::string>& {
    if (!files.count(path)) files[path] = split_lines(b.text(path));
    return files[path];
  };
  std::set<std::string> table_sections;
  for (const auto& h : options.collaborator_headings) table_sections.insert(lower_ascii(h));

  for (const auto& rg : req.groups) {
    // The request must be (part of) a group dedup reports; distinct_similar
    // entries are never grouped, so they can never be touched.
    const dedup::EntryGroup* match = nullptr;
    for (const auto& g : report.groups) {
      bool all = std::find(rg.lines.begin(), rg.lines.end(), rg.keep) != rg.lines.end() && rg.lines.size() >= 2;
      for (int ln : rg.lines) {
        bool in = false;
        for (const auto& m : g.members)
          if (m.path == rg.path && m.line == ln) in = true;
        all = all && in;
      }
      if (all) {
        match = &g;
        break;
      }
    }
    if (!match) {
      res.error_code = "not_a_duplicate_group";
      res.error_message = rg.path + " lines " + [&] {
        std::string s;
        for (int ln : rg.lines) s += (s.empty() ? "" : ",") + std::to_string(ln);
        return s;
      }() + " (keep " + std::to_string(rg.keep) + ") are not a duplicate group the engine reports";
      return res;
    }
    const dedup::EntryGroup& g = *match;
    const parse::Note* note = vault.find(rg.path);
    std::vector<std::string>& file = file_of(rg.path);
    EntryOutcome outcome;
    outcome.path = rg.path;
    outcome.section = g.section;
    outcome.keep = rg.keep;
    outcome.keep_path = rg.path;
    if (!g.cluster.empty()) {
      // Contact bullets and collaborator rows: one line per person, every role kept.
      std::vector<std::string> names{g.cluster};
      for (const auto& m : report.mentions)
        if (m.path == rg.path && std::find(rg.lines.begin(), rg.lines.end(), m.line) != rg.lines.end())
          names.push_back(m.surface);
      bool is_table = table_sections.count(lower_ascii(g.section)) > 0;
      size_t warnings = plan.warnings.size();
      if (!collapse_group(*note, file, rg.lines, rg.keep, is_table, options, names, plan)) {
        res.error_code = "unsupported";
        res.error_message = rg.path + ": lines of this group overlap another group or are not where dedup saw them";
        return res;
      }
      for (int ln : rg.lines)
        if (ln != rg.keep && file[ln - 1] == "\x01") outcome.removed.push_back({rg.path, ln});
        else if (ln != rg.keep) outcome.kept_both.push_back({rg.path, ln});
      outcome.note = is_table ? "rows merged; every role and company kept" : "bullets collapsed";
      if (plan.warnings.size() > warnings) outcome.note += "; some bullets kept (nested items)";
      plan.entries.push_back(outcome);
      continue;
    }
    if (rg.keep < 1 || rg.keep > static_cast<int>(file.size()) || file[rg.keep - 1] == "\x01") {
      res.error_code = "unsupported";
      res.error_message = rg.path + ":" + std::to_string(rg.keep) + " is already removed by another group";
      return res;
    }
    std::string kept_body(body_of(file[rg.keep - 1]));
    std::string kept_eol(eol_of(file[rg.keep - 1]));
    std::vector<std::string> appended;
    for (int ln : rg.lines) {
      if (ln == rg.keep) continue;
      std::vector<std::string> facts;
      for (const auto& m : g.members)
        if (m.path == rg.path && m.line == ln) facts = m.unique_facts;
      // Facts the kept entry already carries are not unique after all.
      std::vector<std::string> missing;
      for (const auto& f : facts)
        if (kept_body.find(f) == std::string::npos) missing.push_back(f);
      bool children = false;
      for (size_t li = 0; li < note->lists.size(); ++li)
        if (note->lists[li].line == ln)
          for (const auto& other : note->lists)
            if (other.parent == static_cast<int>(li)) children = true;
      if (children || (!missing.empty() && req.unique_facts == "keep-both")) {
        outcome.kept_both.push_back({rg.path, ln});
        continue;
      }
      if (!missing.empty()) {
        for (const auto& f : missing)
          if (std::find(appended.begin(), appended.end(), f) == appended.end()) appended.push_back(f);
      }
      file[ln - 1] = "\x01";
      outcome.removed.push_back({rg.path, ln});
    }
    if (!appended.empty()) {
      std::string also;
      for (const auto& f : appended) also += (also.empty() ? "" : ", ") + f;
      file[rg.keep - 1] = kept_body + " (also: " + also + ")" + kept_eol;
    }
    outcome.appended_facts = appended;
    if (!outcome.kept_both.empty()) outcome.note = "kept both: the other entry holds facts the kept one lacks";
    else if (!appended.empty()) outcome.note = "the kept entry gained the removed entries' unique facts";
    else outcome.note = "duplicates removed";
    plan.entries.push_back(outcome);
  }
  for (auto& [path, file] : files) b.set(path, join_kept(file));
  b.finish(plan);
  res.ok = true;
  return res;
}

}  // namespace vaultcrm::merge
