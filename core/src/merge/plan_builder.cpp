#include "plan_builder.h"

#include <algorithm>

#include "text_util.h"
#include "vaultcrm/dedup.h"

namespace vaultcrm::merge::detail {

std::string Builder::text(const std::string& path) const {
  auto it = changed_.find(path);
  if (it != changed_.end()) return it->second ? *it->second : std::string();
  auto t = vault_.text(path);
  return t ? std::string(*t) : std::string();
}

bool Builder::exists(const std::string& path) const {
  auto it = changed_.find(path);
  if (it != changed_.end()) return it->second.has_value();
  return vault_.text(path).has_value();
}

void Builder::set(const std::string& path, std::string text) { changed_[path] = std::move(text); }
void Builder::remove(const std::string& path) { changed_[path] = std::nullopt; }
void Builder::create(const std::string& path, std::string text) { changed_[path] = std::move(text); }

void Builder::finish(Plan& plan) const {
  for (const auto& [path, now] : changed_) {
    auto before = vault_.text(path);
    if (!before && !now) continue;
    if (before && now && *before == *now) continue;
    Edit e;
    e.path = path;
    if (before) e.old_hash = index::hash_text(*before);
    e.new_text = now;
    e.create = !before;
    Edit inv;
    inv.path = path;
    if (now) inv.old_hash = index::hash_text(*now);
    if (before) inv.new_text = std::string(*before);
    inv.create = !now;
    plan.edits.push_back(std::move(e));
    plan.inverse.push_back(std::move(inv));
  }
}

namespace {

bool in_table(const parse::Note& note, int line) {
  for (const auto& t : note.tables)
    if (line >= t.line && line <= t.end_line) return true;
  return false;
}

std::string last_component(const std::string& target) {
  auto slash = target.find_last_of('/');
  return slash == std::string::npos ? target : target.substr(slash + 1);
}

// The text to write as the link target for the canonical note, seen from `source`.
std::string canonical_target(const index::Vault& vault, const std::string& source, const LinkTargets& t) {
  if (t.canonical_path.empty()) return t.canonical_name;
  std::string base = last_component(t.canonical_path);
  if (base.size() > 3 && base.compare(base.size() - 3, 3, ".md") == 0) base.resize(base.size() - 3);
  auto r = vault.resolve(base, source);
  if (r && *r == t.canonical_path) return base;
  std::string p = t.canonical_path;
  if (p.size() > 3 && p.compare(p.size() - 3, 3, ".md") == 0) p.resize(p.size() - 3);
  return p;
}

}  // namespace

std::string rewrite_links(const index::Vault& vault, const parse::Note& note, const std::string& text,
                          const LinkTargets& targets, std::vector<LinkRewrite>& out) {
  std::vector<const parse::Link*> todo;
  for (const auto& l : note.links) {
    if (l.markdown || l.line <= 0) continue;
    auto r = vault.resolve(l.target, note.path);
    bool hit = false;
    if (r) hit = targets.paths.count(*r) > 0;
    else hit = targets.folded_names.count(dedup::fold(last_component(l.target))) > 0;
    if (hit) todo.push_back(&l);
  }
  if (todo.empty()) return text;
  // Right to left within a line, so earlier columns stay valid.
  std::sort(todo.begin(), todo.end(), [](const parse::Link* a, const parse::Link* b) {
    return a->line != b->line ? a->line < b->line : a->column > b->column;
  });
  std::vector<std::string> lines = split_lines(text);
  const std::string canon = canonical_target(vault, note.path, targets);
  for (const parse::Link* l : todo) {
    if (l->line > static_cast<int>(lines.size())) continue;
    std::string& line = lines[l->line - 1];
    std::string body(body_of(line));
    std::string eol(eol_of(line));
    size_t at = byte_of_column(body, l->column);
    size_t open = std::string::npos;
    // The column points at "[[" or at the "!" of an embed; a BOM on line 1
    // may or may not be counted, so look a few bytes ahead as well.
    for (size_t probe = at; probe <= at + 4 && probe + 1 < body.size(); ++probe) {
      if (body.compare(probe, 2, "[[") == 0) {
        open = probe;
        break;
      }
    }
    if (open == std::string::npos) continue;
    size_t close = body.find("]]", open + 2);
    if (close == std::string::npos) continue;
    std::string inner = body.substr(open + 2, close - open - 2);
    size_t pipe = inner.find('|');
    std::string sep = in_table(note, l->line) ? "\\|" : "|";
    std::string target_part = inner, display;
    bool has_display = pipe != std::string::npos;
    if (has_display) {
      size_t tend = pipe;
      if (tend > 0 && inner[tend - 1] == '\\') {
        --tend;
        sep = "\\|";
      }
      target_part = inner.substr(0, tend);
      display = inner.substr(pipe + 1);
    }
    size_t hash = target_part.find('#');
    std::string name_part = hash == std::string::npos ? target_part : target_part.substr(0, hash);
    std::string suffix = hash == std::string::npos ? "" : target_part.substr(hash);
    if (!has_display) {
      // What Obsidian shows for the link as it was, so readers see no change.
      display = name_part;
      if (!suffix.empty()) display += " > " + suffix.substr(1);
    }
    std::string from = body.substr(open, close + 2 - open);
    std::string to = "[[" + canon + suffix + sep + display + "]]";
    if (from == to) continue;
    body.replace(open, close + 2 - open, to);
    line = body + eol;
    out.push_back({note.path, l->line, from, to});
  }
  // Records in reading order.
  std::stable_sort(out.begin(), out.end(), [](const LinkRewrite& a, const LinkRewrite& b) {
    return a.path != b.path ? a.path < b.path : a.line < b.line;
  });
  return join_lines(lines);
}

}  // namespace vaultcrm::merge::detail
