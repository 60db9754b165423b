// Shared plan-building pieces (internal): the per-file working copies, link
// rewriting from parsed link positions, and line operations.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "vaultcrm/merge.h"

namespace vaultcrm::merge::detail {

// Working copies of the files a plan touches, keyed by path.
class Builder {
 public:
  explicit Builder(const index::Vault& vault) : vault_(vault) {}

  // Current text of `path` (the vault's until changed).
  std::string text(const std::string& path) const;
  bool exists(const std::string& path) const;
  void set(const std::string& path, std::string text);
  void remove(const std::string& path);
  void create(const std::string& path, std::string text);
  // Edits (sorted by path) and their inverse, for every file that differs.
  void finish(Plan& plan) const;

 private:
  const index::Vault& vault_;
  std::map<std::string, std::optional<std::string>> changed_;  // nullopt = deleted
};

struct LinkTargets {
  std::set<std::string> paths;        // notes whose links move to the canonical
  std::set<std::string> folded_names;  // names (folded) whose unresolved links move too
  std::string canonical_path;         // the canonical note (may be one the plan creates)
  std::string canonical_name;
  bool canonical_created = false;     // the plan creates canonical_path: its name is new to the vault
};

// Rewrites the wikilinks and embeds of `note` (parsed from `text`) that name a
// merged note or name; link text in code is never seen (the parser skips it).
std::string rewrite_links(const index::Vault& vault, const parse::Note& note, const std::string& text,
                          const LinkTargets& targets, std::vector<LinkRewrite>& out);

}  // namespace vaultcrm::merge::detail

namespace vaultcrm::merge::detail {
// Collapses the lines of one dedup group (1-based, in `file`) into `keep`:
// table rows union every non-person cell ("; "), bullets keep what they say
// besides the name. Removed lines become "\x01"; join_kept() drops them.
bool collapse_group(const parse::Note& note, std::vector<std::string>& file, const std::vector<int>& lines, int keep,
                    bool is_table, const dedup::Options& options, const std::vector<std::string>& names, Plan& plan);
std::string join_kept(const std::vector<std::string>& file);
}  // namespace vaultcrm::merge::detail
