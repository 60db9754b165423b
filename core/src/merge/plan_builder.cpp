#include "plan_builder.h"

#include <algorithm>
#include <cctype>

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

std::string last_component(std::string_view target) {
  auto slash = target.find_last_of('/');
  return std::string(slash == std::string_view::npos ? target : target.substr(slash + 1));
}

// The text to write as the link target for the canonical note, seen from `source`.
std::string canonical_target(const index::Vault& vault, const std::string& source, const LinkTargets& t) {
  if (t.canonical_path.empty()) return t.canonical_name;
  std::string base = last_component(t.canonical_path);
  if (base.size() > 3 && base.compare(base.size() - 3, 3, ".md") == 0) base.resize(base.size() - 3);
  auto r = vault.resolve(base, source);
  if (t.canonical_created ? !r : r && *r == t.canonical_path) return base;
  std::string p = t.canonical_path;
  if (p.size() > 3 && p.compare(p.size() - 3, 3, ".md") == 0) p.resize(p.size() - 3);
  return p;
}


bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Encodes a note path for a Markdown link URL the way the link being
// replaced was written: spaces (and the bytes that would end or confuse the
// URL) always as %XX unless the URL sat in <...> with raw spaces; non-ASCII
// bytes only when the old URL encoded them too.
std::string encode_like(const std::string& path, std::string_view old_url, bool angle) {
  bool raw_spaces = angle && old_url.find(' ') != std::string_view::npos;
  bool encode_utf8 = false;
  for (size_t i = 0; i + 2 < old_url.size(); ++i)
    if (old_url[i] == '%' && is_hex(old_url[i + 1]) && is_hex(old_url[i + 2]) &&
        std::stoi(std::string(old_url.substr(i + 1, 2)), nullptr, 16) >= 0x80)
      encode_utf8 = true;
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : path) {
    unsigned char b = static_cast<unsigned char>(ch);
    bool enc = (ch == ' ' && !raw_spaces) || ch == '%' || ch == '(' || ch == ')' || ch == '<' || ch == '>' ||
               ch == '#' || ch == '?' || (b >= 0x80 && encode_utf8) || b < 0x20;
    if (enc) {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

bool ends_with_md(std::string_view s) {
  return s.size() >= 3 && lower_ascii(s.substr(s.size() - 3)) == ".md";
}

// A Markdown link [text](url) to a merged note: only the URL changes, to the
// canonical note (its vault path when the old URL named a folder, else the
// name Obsidian resolves), keeping the old URL's ".md", #heading, <...> form
// and encoding. `at` is where the parser placed the link (its "[" or inside
// the text); a URL that does not decode to the parsed target is left alone.
bool rewrite_markdown_link(const index::Vault& vault, const std::string& source, const LinkTargets& targets,
                           const parse::Link& link, std::string& body, size_t at, LinkRewrite& rec) {
  if (targets.canonical_path.empty() || body.empty()) return false;  // a Markdown link needs a file
  size_t open = body.rfind('[', std::min(at, body.size() - 1));
  if (open == std::string::npos) return false;
  size_t mid = body.find("](", open);
  if (mid == std::string::npos) return false;
  size_t url_start = mid + 2;
  bool angle = url_start < body.size() && body[url_start] == '<';
  size_t url_end = angle ? body.find('>', url_start) : body.find_first_of(" )", url_start);
  if (url_end == std::string::npos) return false;
  std::string url = body.substr(url_start + (angle ? 1 : 0), url_end - url_start - (angle ? 1 : 0));
  size_t raw_hash = url.find('#');
  std::string raw_page = url.substr(0, raw_hash);
  std::string fragment = raw_hash == std::string::npos ? "" : url.substr(raw_hash);
  std::string page = percent_decode(raw_page);
  bool had_md = ends_with_md(page);
  if (had_md) page.resize(page.size() - 3);
  if (trim(page) != link.target) return false;
  std::string path = targets.canonical_path;
  if (ends_with_md(path)) path.resize(path.size() - 3);
  if (page.find('/') == std::string::npos) {
    size_t slash = path.find_last_of('/');
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    auto r = vault.resolve(base, source);
    if (targets.canonical_created ? !r : r && *r == targets.canonical_path) path = base;
  }
  std::string new_url = encode_like(path + (had_md ? ".md" : ""), url, angle) + fragment;
  if (angle) new_url = "<" + new_url + ">";
  size_t old_len = (angle ? url_end + 1 : url_end) - url_start;
  size_t close = body.find(')', url_start + old_len);
  size_t tail = close == std::string::npos ? 0 : close + 1 - (url_start + old_len);
  std::string from = body.substr(open, url_start + old_len + tail - open);
  body.replace(url_start, old_len, new_url);
  std::string to = body.substr(open, url_start + new_url.size() + tail - open);
  if (from == to) return false;
  rec.from = from;
  rec.to = to;
  return true;
}

}  // namespace

std::string rewrite_links(const index::Vault& vault, const parse::Note& note, const std::string& text,
                          const LinkTargets& targets, std::vector<LinkRewrite>& out) {
  std::vector<const parse::Link*> todo;
  for (const auto& l : note.links) {
    if (l.line <= 0) continue;
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
    if (l->markdown) {
      LinkRewrite rec{note.path, l->line, "", ""};
      if (rewrite_markdown_link(vault, note.path, targets, *l, body, at, rec)) {
        line = body + eol;
        out.push_back(std::move(rec));
      }
      continue;
    }
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
