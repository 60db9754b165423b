#include "note_view.h"

#include <algorithm>

#include "../parse/text.h"

namespace vaultcrm::graph::detail {

using parse::detail::trim;

std::vector<int> sections_named(const parse::Note& note, const schema::Names& names) {
  std::vector<int> out;
  for (size_t i = 0; i < note.sections.size(); ++i)
    if (schema::matches(names, note.sections[i].heading)) out.push_back(static_cast<int>(i));
  return out;
}

bool in_sections(int section, const std::vector<int>& sections) {
  for (int s : sections)
    if (s == section) return true;
  return false;
}

int column_index(const std::vector<std::string>& header, const schema::Names& names) {
  for (size_t i = 0; i < header.size(); ++i)
    if (schema::matches(names, header[i])) return static_cast<int>(i);
  return -1;
}

LinksByLine::LinksByLine(const parse::Note& note) {
  links_.reserve(note.links.size());
  bool sorted = true;
  for (const auto& link : note.links) {
    if (!link.frontmatter_key.empty()) continue;
    sorted &= links_.empty() || links_.back()->line <= link.line;
    links_.push_back(&link);
  }
  // The parser reports body links in text order, so this is rarely needed.
  if (!sorted)
    std::stable_sort(links_.begin(), links_.end(),
                     [](const parse::Link* a, const parse::Link* b) { return a->line < b->line; });
}

LinkRange LinksByLine::on(int line) const {
  auto first = std::lower_bound(links_.begin(), links_.end(), line,
                                [](const parse::Link* l, int value) { return l->line < value; });
  auto last = first;
  while (last != links_.end() && (*last)->line == line) ++last;
  return {links_.data() + (first - links_.begin()), links_.data() + (last - links_.begin())};
}

namespace {

// Drops the separator that introduces a role ("- CFO", ": CFO", "(CFO)").
std::string_view strip_separators(std::string_view rest) {
  while (true) {
    rest = trim(rest);
    if (rest.empty()) break;
    if (rest.front() == '-' || rest.front() == ':' || rest.front() == ',' || rest.front() == ';' ||
        rest.front() == '(') {
      rest.remove_prefix(1);
    } else if (rest.substr(0, 3) == "\xE2\x80\x94" || rest.substr(0, 3) == "\xE2\x80\x93") {  // em/en dash
      rest.remove_prefix(3);
    } else {
      break;
    }
  }
  while (!rest.empty() && rest.back() == ')') rest.remove_suffix(1);
  return trim(rest);
}

// Splits "Ana Lima (CFO)" / "Ana Lima - CFO" / "Ana Lima: CFO" into name and rest.
std::string_view split_name(std::string_view text, std::string_view& rest) {
  static const std::string_view kSeps[] = {" \xE2\x80\x94 ", " \xE2\x80\x93 ", " - ", " (", ": ", ", ", "; "};
  size_t cut = text.size();
  for (auto sep : kSeps) {
    size_t at = text.find(sep);
    if (at != std::string_view::npos && at < cut) cut = at;
  }
  rest = cut < text.size() ? strip_separators(text.substr(cut)) : std::string_view();
  return trim(text.substr(0, cut));
}

bool looks_like_name(std::string_view s) {
  if (s.empty() || s.size() > 80) return false;
  int words = 1;
  for (char c : s)
    if (c == ' ') ++words;
  return words <= 6;
}
}  // namespace

bool ref_from_item(const parse::ListItem& item, LinkRange links, Ref& ref, std::string_view* rest) {
  std::string_view text = trim(item.text);
  if (!links.empty()) {
    const parse::Link* l = links.front();
    ref.target = l->target;
    ref.name = l->has_display ? l->display : index::link_name_view(l->target);
    if (rest) {
      size_t close = text.find("]]");
      *rest = close == std::string_view::npos ? std::string_view() : strip_separators(text.substr(close + 2));
    }
    return !ref.target.empty();
  }
  std::string_view r;
  std::string_view name = split_name(text, r);
  if (!looks_like_name(name)) return false;
  ref.target = {};
  ref.name = name;
  if (rest) *rest = r;
  return true;
}

bool ref_from_cell(const parse::TableCell& cell, Ref& ref) {
  std::string_view text = trim(cell.text);
  if (!cell.links.empty()) {
    ref.target = cell.links.front();
    ref.name = text.empty() ? index::link_name_view(cell.links.front()) : text;
    return true;
  }
  if (text.empty() || !looks_like_name(text)) return false;
  ref.target = {};
  ref.name = text;
  return true;
}

void refs_from_value(const Value& v, std::vector<Ref>& out) {
  if (v.is_array()) {
    for (const auto& item : v.as_array()) refs_from_value(item, out);
    return;
  }
  if (!v.is_string()) return;
  std::string_view s = trim(v.as_string());
  if (s.empty()) return;
  size_t open = s.find("[[");
  if (open == std::string_view::npos) {
    out.push_back({{}, s});
    return;
  }
  while (open != std::string_view::npos) {
    size_t close = s.find("]]", open + 2);
    if (close == std::string_view::npos) break;
    std::string_view inner = s.substr(open + 2, close - open - 2);
    size_t bar = inner.find('|');
    std::string_view target = trim(inner.substr(0, bar));
    size_t hash = target.find('#');
    target = trim(target.substr(0, hash));
    Ref ref;
    ref.target = target;
    ref.name = bar != std::string_view::npos ? trim(inner.substr(bar + 1)) : index::link_name_view(target);
    if (!ref.target.empty()) out.push_back(std::move(ref));
    open = s.find("[[", close + 2);
  }
}

const Value* find_key(const Value& frontmatter, const schema::Names& keys) {
  if (!frontmatter.is_object()) return nullptr;
  for (const auto& [k, v] : frontmatter.as_object())
    if (schema::matches(keys, k)) return &v;
  return nullptr;
}

std::string scalar_text(const Value& v) {
  switch (v.type()) {
    case Value::Type::String: return v.as_string();
    case Value::Type::Int: return std::to_string(v.as_int());
    case Value::Type::Bool: return v.as_bool() ? "true" : "false";
    default: return "";
  }
}

}  // namespace vaultcrm::graph::detail
