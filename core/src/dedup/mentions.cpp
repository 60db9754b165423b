// Person mentions out of the index: the structured places first (contact
// lists, collaborator tables, frontmatter person keys, person notes, links
// to person notes), then - for names already known in an account - plain
// list and task text.
#include <utf8proc.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "dedup_internal.h"
#include "vaultcrm/dedup.h"

namespace vaultcrm::dedup {

namespace detail {

std::string trim_copy(std::string_view s) {
  auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && sp(s.front())) s.remove_prefix(1);
  while (!s.empty() && sp(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Words separated by spaces or tabs.
std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

static std::string lower_ascii(std::string_view s) {
  std::string o(s);
  for (auto& c : o)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return o;
}

// Called per list item and per mention: compares in place, no copies.
bool heading_in(std::string_view heading, const std::vector<std::string>& names) {
  auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!heading.empty() && sp(heading.front())) heading.remove_prefix(1);
  while (!heading.empty() && sp(heading.back())) heading.remove_suffix(1);
  auto low = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (const auto& n : names) {
    if (n.size() != heading.size()) continue;
    bool eq = true;
    for (size_t i = 0; eq && i < n.size(); ++i) eq = low(n[i]) == low(heading[i]);
    if (eq) return true;
  }
  return false;
}

}  // namespace detail

using detail::heading_in;
using detail::trim_copy;

Options options_from_schema(const panel::PanelSchema& s) {
  Options o;
  o.contact_headings = s.contact_headings;
  o.collaborator_headings = s.collaborator_headings;
  o.timeline_headings = s.timeline_headings;
  o.person_columns = s.person_columns;
  o.role_columns = s.role_columns;
  o.company_columns = s.company_columns;
  return o;
}

namespace {

std::string basename_of(std::string_view target) {
  size_t slash = target.rfind('/');
  std::string b(slash == std::string_view::npos ? target : target.substr(slash + 1));
  if (b.size() > 3 && detail::lower_ascii(b.substr(b.size() - 3)) == ".md") b.resize(b.size() - 3);
  return b;
}

std::string value_string(const Value* v) {
  if (!v) return {};
  if (v->is_string()) return v->as_string();
  if (v->is_array() && !v->as_array().empty() && v->as_array()[0].is_string()) return v->as_array()[0].as_string();
  return {};
}

const Value* find_key(const Value& fm, const std::vector<std::string>& keys) {
  if (!fm.is_object()) return nullptr;
  for (const auto& m : fm.as_object())
    if (heading_in(m.first, keys)) return &m.second;
  return nullptr;
}

// "[[Target|Display]]" -> Target; anything else unchanged.
std::string strip_link(std::string s) {
  s = trim_copy(s);
  if (s.size() > 4 && s.compare(0, 2, "[[") == 0 && s.compare(s.size() - 2, 2, "]]") == 0) {
    s = s.substr(2, s.size() - 4);
    size_t bar = s.find('|');
    if (bar != std::string::npos) s.resize(bar);
    size_t hash = s.find('#');
    if (hash != std::string::npos) s.resize(hash);
  }
  return s;
}

bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool starts_upper(std::string_view w) {
  if (w.empty()) return false;
  utf8proc_int32_t cp = 0;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(w.data()), static_cast<utf8proc_ssize_t>(w.size()), &cp);
  if (n <= 0) return false;
  return utf8proc_isupper(cp) != 0;
}

const std::set<std::string>& particles() {
  static const std::set<std::string> p = {"van", "von", "de", "da", "di", "del", "der", "den", "la", "le", "al",
                                          "el", "bin", "ibn", "du", "dos", "das", "ten", "ter", "y", "zu", "af"};
  return p;
}

// Drops a possessive ('s / ’s) and a trailing parenthetical or dash note.
std::string clean_surface(std::string s) {
  s = trim_copy(s);
  for (const char* cut : {" (", " \xE2\x80\x94", " \xE2\x80\x93 ", " - ", ":"}) {
    size_t p = s.find(cut);
    if (p != std::string::npos && p > 0) s.resize(p);
  }
  s = trim_copy(s);
  for (const char* poss : {"'s", "\xE2\x80\x99s"}) {
    size_t n = std::string(poss).size();
    if (s.size() > n && s.compare(s.size() - n, n, poss) == 0) s.resize(s.size() - n);
  }
  while (!s.empty() && (s.back() == ',' || s.back() == ';' || s.back() == '*')) s.pop_back();
  while (!s.empty() && s.front() == '*') s.erase(s.begin());
  return trim_copy(s);
}

bool looks_like_name(std::string_view s, bool in_person_slot_link) {
  if (s.empty() || s.size() > 60 || has_digit(s)) return false;
  for (char c : s)
    if (c == '@' || c == '/' || c == '[' || c == ']' || c == '|' || c == '#' || c == '=' || c == '!') return false;
  auto words = detail::split_words(s);
  if (words.empty() || words.size() > (in_person_slot_link ? 5u : 4u)) return false;
  if (in_person_slot_link) return true;
  for (const auto& w : words) {
    if (starts_upper(w)) continue;
    if (particles().count(detail::lower_ascii(w))) continue;
    return false;
  }
  return true;
}

struct NoteRole {
  bool person = false, customer = false;
  std::string account;
};

bool folder_in(const std::string& path, const std::vector<std::string>& folders) {
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) return false;
    if (heading_in(path.substr(start, slash - start), folders)) return true;
    start = slash + 1;
  }
}

bool typed_as(const parse::Note& n, const std::vector<std::string>& types) {
  if (heading_in(value_string(n.frontmatter.find("type")), types)) return true;
  for (const auto& t : n.tags) {
    std::string lt = detail::lower_ascii(t);
    for (const auto& ty : types)
      if (lt == "type/" + detail::lower_ascii(ty)) return true;
  }
  return false;
}

}  // namespace

namespace detail {
std::string company_key(std::string_view company, const CompanyAliases& aliases);
}

std::string detail::company_key(std::string_view company, const CompanyAliases& aliases) {
  std::string f;
  for (const auto& w : detail::split_words(fold(strip_link(std::string(company))))) {
    std::string t = name_token(w);
    static const std::set<std::string> suffix = {"inc", "ltd", "llc", "gmbh", "ag", "sa", "plc", "corp", "co",
                                                 "corporation", "limited", "bv", "srl", "spa", "oy", "ab", "as"};
    if (t.empty() || suffix.count(t)) continue;
    if (!f.empty()) f.push_back(' ');
    f += t;
  }
  auto it = aliases.find(f);
  return it == aliases.end() ? f : it->second;
}

std::vector<Mention> extract_mentions(const index::Vault& vault, const Options& o, CompanyAliases* aliases_out) {
  std::vector<Mention> out;
  // A Mention is a dozen strings: growing the vector by doubling moved every
  // one of them about twice (5% of dedup::run on a 100k-mention vault).
  out.reserve(vault.notes().size() * 8);
  CompanyAliases aliases;
  std::unordered_map<std::string, NoteRole> roles;

  // Pass 1: which notes are customers and people; customer spellings.
  for (const auto& [path, n] : vault.notes()) {
    NoteRole r;
    r.customer = typed_as(n, o.customer_types) || (!typed_as(n, o.person_types) && folder_in(path, o.customer_folders) &&
                                                   value_string(n.frontmatter.find("type")).empty());
    r.person = !r.customer && (typed_as(n, o.person_types) || folder_in(path, o.person_folders));
    roles[path] = r;
    if (r.customer) {
      std::vector<std::string> names = {n.name, value_string(n.frontmatter.find("title"))};
      for (const auto& a : n.aliases) names.push_back(a);
      for (const auto& nm : names) {
        if (nm.empty()) continue;
        std::string k = detail::company_key(nm, {});
        if (!k.empty()) aliases.emplace(k, n.name);
      }
    }
  }
  auto customer_of = [&](const std::string& raw, const std::string& from) -> std::string {
    if (raw.empty()) return {};
    std::string target = strip_link(raw);
    if (auto p = vault.resolve(target, from, true)) {
      auto it = roles.find(*p);
      if (it != roles.end() && it->second.customer) return vault.find(*p)->name;
    }
    std::string k = detail::company_key(target, aliases);
    for (const auto& [alias, name] : aliases)
      if (alias == k || name == k) return name;
    return target;
  };
  // Pass 2: each note's account.
  for (const auto& [path, n] : vault.notes()) {
    NoteRole& r = roles[path];
    if (r.customer) {
      r.account = n.name;
      continue;
    }
    std::string acc = value_string(find_key(n.frontmatter, o.account_keys));
    if (acc.empty())
      for (const auto& f : n.inline_fields)
        if (heading_in(f.key, o.account_keys)) {
          acc = f.value;
          break;
        }
    if (acc.empty() && r.person) acc = value_string(find_key(n.frontmatter, o.company_keys));
    if (!acc.empty()) r.account = customer_of(acc, path);
  }

  auto is_person_path = [&](const std::string& p) {
    auto it = roles.find(p);
    return it != roles.end() && it->second.person;
  };
  auto non_person_note = [&](const std::string& p) {
    auto it = roles.find(p);
    return it != roles.end() && !it->second.person;
  };

  int container = 0;
  std::set<std::pair<std::string, int>> link_seen;  // (path, line*4096+column) handled as structured mentions

  auto add_link_mention = [&](const parse::Note& n, const parse::Link& l, const std::string& source,
                              const std::string& section, int cont, const std::string& role,
                              const std::string& company) {
    auto resolved = vault.resolve(l.target, n.path, true);
    if (resolved && non_person_note(*resolved)) return;  // a meeting, project or account, not a person
    std::string surface = clean_surface(l.has_display ? std::string(l.display) : basename_of(l.target));
    if (!looks_like_name(surface, true)) return;
    Mention m;
    m.surface = surface;
    m.path = n.path;
    m.line = l.line;
    m.source = source;
    m.section = section;
    m.container = cont;
    m.account = roles[n.path].account;
    m.role = role;
    m.company = company;
    m.linked = true;
    if (resolved && is_person_path(*resolved)) m.bound = *resolved;
    out.push_back(std::move(m));
    link_seen.insert({n.path, l.line * 4096 + l.column});
  };

  for (const auto& [path, n] : vault.notes()) {
    const NoteRole& r = roles[path];
    std::unordered_map<int, std::vector<const parse::Link*>> links_by_line;
    for (const auto& l : n.links)
      if (l.frontmatter_key.empty()) links_by_line[l.line].push_back(&l);

    // Contact and attendee lists.
    std::map<int, int> section_container;
    for (const auto& item : n.lists) {
      if (item.section < 0) continue;
      const std::string& heading = n.sections[item.section].heading;
      bool contacts = heading_in(heading, o.contact_headings) || heading_in(heading, o.collaborator_headings) ||
                      heading_in(heading, o.attendee_headings);
      if (!contacts || item.task) continue;
      auto [cit, fresh] = section_container.emplace(item.section, container);
      if (fresh) ++container;
      auto lit = links_by_line.find(item.line);
      if (lit != links_by_line.end() && !lit->second.empty()) {
        for (const auto* l : lit->second) add_link_mention(n, *l, "list", heading, cit->second, "", "");
        continue;
      }
      std::string text = clean_surface(std::string(item.text));
      std::vector<std::string> names;
      // "A, B" with full names on both sides is two people; "Smith, Robert" is one.
      size_t comma = text.find(',');
      if (comma != std::string::npos) {
        std::string a = trim_copy(text.substr(0, comma)), b = trim_copy(text.substr(comma + 1));
        if (detail::split_words(a).size() == 1 && detail::split_words(b).size() == 1) {
          names.push_back(text);
        } else {
          size_t start = 0;
          while (start <= text.size()) {
            size_t c = text.find_first_of(",;", start);
            names.push_back(clean_surface(text.substr(start, c == std::string::npos ? std::string::npos : c - start)));
            if (c == std::string::npos) break;
            start = c + 1;
          }
        }
      } else {
        names.push_back(text);
      }
      for (const auto& nm : names) {
        if (!looks_like_name(nm, false) && !(comma != std::string::npos && names.size() == 1)) continue;
        Mention m;
        m.surface = nm;
        m.path = path;
        m.line = item.line;
        m.source = "list";
        m.section = heading;
        m.container = cit->second;
        m.account = r.account;
        out.push_back(std::move(m));
      }
    }

    // Collaborator-style tables.
    for (const auto& t : n.tables) {
      std::string heading = t.section >= 0 ? n.sections[t.section].heading : "";
      int pc = -1, rc = -1, cc = -1;
      for (size_t i = 0; i < t.header.size(); ++i) {
        if (pc < 0 && heading_in(t.header[i], o.person_columns)) pc = static_cast<int>(i);
        if (rc < 0 && heading_in(t.header[i], o.role_columns)) rc = static_cast<int>(i);
        if (cc < 0 && heading_in(t.header[i], o.company_columns)) cc = static_cast<int>(i);
      }
      bool collab = heading_in(heading, o.collaborator_headings) || heading_in(heading, o.contact_headings) ||
                    heading_in(heading, o.attendee_headings);
      if (!collab && !(pc >= 0 && (rc >= 0 || cc >= 0))) continue;
      if (pc < 0) pc = 0;
      int cont = container++;
      for (size_t ri = 0; ri < t.rows.size(); ++ri) {
        const auto& row = t.rows[ri];
        if (pc >= static_cast<int>(row.size())) continue;
        std::string role = rc >= 0 && rc < static_cast<int>(row.size()) ? trim_copy(row[rc].text) : "";
        std::string company = cc >= 0 && cc < static_cast<int>(row.size()) ? trim_copy(row[cc].text) : "";
        int line = t.row_lines[ri];
        auto lit = links_by_line.find(line);
        bool any = false;
        if (lit != links_by_line.end()) {
          for (const auto* l : lit->second) {
            bool in_cell = std::find(row[pc].links.begin(), row[pc].links.end(), l->target) != row[pc].links.end();
            if (!in_cell) continue;
            add_link_mention(n, *l, "table", heading, cont, role, company);
            any = true;
          }
        }
        if (any || !row[pc].links.empty()) continue;
        std::string nm = clean_surface(std::string(row[pc].text));
        if (!looks_like_name(nm, false)) continue;
        Mention m;
        m.surface = nm;
        m.path = path;
        m.line = line;
        m.source = "table";
        m.section = heading;
        m.container = cont;
        m.account = r.account;
        m.role = role;
        m.company = company;
        out.push_back(std::move(m));
      }
    }

    // Frontmatter person keys: links, then plain names.
    for (const auto& l : n.links)
      if (!l.frontmatter_key.empty() && heading_in(l.frontmatter_key, o.person_keys))
        add_link_mention(n, l, "frontmatter", "", -1, "", "");
    if (n.frontmatter.is_object()) {
      for (const auto& [key, v] : n.frontmatter.as_object()) {
        if (!heading_in(key, o.person_keys)) continue;
        std::vector<std::string> vals;
        if (v.is_string()) vals.push_back(v.as_string());
        if (v.is_array())
          for (const auto& x : v.as_array())
            if (x.is_string()) vals.push_back(x.as_string());
        for (const auto& s : vals) {
          if (s.find("[[") != std::string::npos) continue;
          std::string nm = clean_surface(s);
          if (!looks_like_name(nm, false)) continue;
          Mention m;
          m.surface = nm;
          m.path = path;
          m.line = n.frontmatter_first;
          m.source = "frontmatter";
          m.account = r.account;
          out.push_back(std::move(m));
        }
      }
    }

    // The person note itself, its aliases and every field that identifies.
    if (r.person) {
      Mention m;
      m.surface = value_string(n.frontmatter.find("title"));
      if (m.surface.empty()) m.surface = n.name;
      m.path = path;
      m.line = 1;
      for (const auto& s : n.sections)
        if (s.level == 1) {
          m.line = s.line;
          break;
        }
      m.source = "person_note";
      m.account = r.account;
      m.bound = path;
      m.company = strip_link(value_string(find_key(n.frontmatter, o.company_keys)));
      m.role = value_string(find_key(n.frontmatter, o.role_keys));
      if (n.frontmatter.is_object())
        for (const auto& [key, v] : n.frontmatter.as_object()) {
          std::string s = value_string(&v);
          std::string lk = detail::lower_ascii(key);
          if (m.email.empty() && s.find('@') != std::string::npos && s.find(' ') == std::string::npos &&
              s.find("[[") == std::string::npos)
            m.email = detail::lower_ascii(trim_copy(s));
          if (m.phone.empty() && (lk.find("phone") != std::string::npos || lk.find("mobile") != std::string::npos))
            for (char c : s)
              if (c >= '0' && c <= '9') m.phone.push_back(c);
        }
      Mention base = m;
      out.push_back(std::move(m));
      for (const auto& a : n.aliases) {
        Mention am = base;
        am.surface = clean_surface(a);
        am.source = "alias";
        am.line = n.frontmatter_first;
        if (!am.surface.empty() && !has_digit(am.surface)) out.push_back(std::move(am));
      }
    }
  }

  // Links to person notes anywhere else (tasks, timeline bullets, prose).
  for (const auto& [path, n] : vault.notes()) {
    for (const auto& l : n.links) {
      if (link_seen.count({path, l.line * 4096 + l.column})) continue;
      if (!l.frontmatter_key.empty()) continue;
      auto resolved = vault.resolve(l.target, path, true);
      if (!resolved || !is_person_path(*resolved)) continue;
      add_link_mention(n, l, "link", "", -1, "", "");
    }
  }

  // Known names in list and task text, per account.
  if (o.scan_prose) {
    std::unordered_map<std::string, std::unordered_set<std::string>> first_names, full_names;
    for (const auto& m : out) {
      auto words = detail::split_words(m.surface);
      if (words.size() < 2) continue;
      std::string first = detail::name_token(words.front());
      std::string full;
      for (const auto& w : words) full += detail::name_token(w) + " ";
      if (first.size() < 2) continue;
      first_names[m.account].insert(first);
      full_names[m.account].insert(full);
    }
    // Not a structured binding: lambdas below capture `path` and `n`, which
    // C++17 (and clang 14, the wasm compiler) does not allow for bindings.
    for (const auto& entry : vault.notes()) {
      const std::string& path = entry.first;
      const parse::Note& n = entry.second;
      const NoteRole& r = roles[path];
      if (r.account.empty() || r.person) continue;
      auto fit = first_names.find(r.account);
      if (fit == first_names.end()) continue;
      const auto& fulls = full_names[r.account];
      auto scan = [&](std::string_view raw, int line, int section) {
        if (section >= 0) {
          const std::string& h = n.sections[section].heading;
          if (heading_in(h, o.contact_headings) || heading_in(h, o.collaborator_headings) ||
              heading_in(h, o.attendee_headings))
            return;
        }
        // Blank out [[links]] and `code`: links are handled above.
        std::string text(raw);
        for (size_t p = text.find("[["); p != std::string::npos; p = text.find("[[", p)) {
          size_t e = text.find("]]", p);
          if (e == std::string::npos) break;
          for (size_t i = p; i < e + 2; ++i) text[i] = ' ';
        }
        // Words: letters (any script), apostrophes and hyphens inside.
        std::vector<std::pair<std::string, bool>> words;  // word, followed by punctuation
        std::string cur;
        auto flush = [&](bool punct) {
          if (!cur.empty()) words.push_back({cur, punct});
          cur.clear();
        };
        for (size_t i = 0; i < text.size(); ++i) {
          unsigned char c = static_cast<unsigned char>(text[i]);
          bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0x80 || c == '\'' ||
                        (c == '-' && !cur.empty());
          if (c >= 0x80 && text.compare(i, 3, "\xE2\x80\x99") != 0 && text.compare(i, 2, "\xE2\x80") == 0) {
            flush(true);  // dashes and quotes in the U+2000 block end a word
            i += 2;
            continue;
          }
          if (letter) {
            cur.push_back(static_cast<char>(c));
          } else {
            flush(c != ' ');
          }
        }
        flush(true);
        for (size_t i = 0; i < words.size(); ++i) {
          std::string w = clean_surface(words[i].first);
          if (!starts_upper(w)) continue;
          std::string fw = detail::name_token(w);
          if (!fit->second.count(fw)) continue;
          Mention m;
          m.path = path;
          m.line = line;
          m.source = "prose";
          m.section = section >= 0 ? n.sections[section].heading : "";
          m.account = r.account;
          if (i + 1 < words.size() && !words[i].second) {
            std::string w2 = clean_surface(words[i + 1].first);
            if (starts_upper(w2) && fulls.count(fw + " " + detail::name_token(w2) + " ")) {
              m.surface = w + " " + w2;
              out.push_back(std::move(m));
              ++i;
              continue;
            }
          }
          // "Chris B." - a first name and a surname initial.
          if (i + 1 < words.size() && !words[i].second && words[i + 1].first.size() == 1 && words[i + 1].second &&
              starts_upper(words[i + 1].first)) {
            m.surface = w + " " + words[i + 1].first + ".";
            out.push_back(std::move(m));
            ++i;
            continue;
          }
          m.surface = w;
          out.push_back(std::move(m));
        }
      };
      for (const auto& item : n.lists) scan(item.text, item.line, item.section);
      // Paragraphs, when the vault keeps the note's text: every body line that
      // is not a list item, table, code block, heading or frontmatter.
      if (auto text = vault.text(path)) {
        std::vector<char> skip;
        auto mark = [&](int a, int b) {
          if (b >= static_cast<int>(skip.size())) skip.resize(b + 1, 0);
          for (int l = std::max(a, 0); l <= b; ++l) skip[l] = 1;
        };
        if (n.has_frontmatter) mark(n.frontmatter_first, n.frontmatter_last);
        for (const auto& li : n.lists) mark(li.line, li.line);
        for (const auto& t : n.tables) mark(t.line, t.end_line);
        for (const auto& c : n.code_blocks) mark(c.line, c.end_line);
        for (const auto& sct : n.sections) mark(sct.line, sct.line);
        int line = 1, section = -1;
        size_t start = 0;
        std::string_view body = *text;
        while (start <= body.size()) {
          size_t e = body.find('\n', start);
          std::string_view ln = body.substr(start, e == std::string_view::npos ? std::string_view::npos : e - start);
          while (section + 1 < static_cast<int>(n.sections.size()) && n.sections[section + 1].line <= line) ++section;
          bool skipped = line < static_cast<int>(skip.size()) && skip[line];
          std::string t = trim_copy(ln);
          if (!skipped && !t.empty() && t[0] != '-' && t[0] != '*' && t[0] != '|' && t[0] != '#' && t[0] != '>' &&
              t.compare(0, 4, "<!--") != 0)
            scan(t, line, section);
          if (e == std::string_view::npos) break;
          start = e + 1;
          ++line;
        }
      }
    }
  }
  if (aliases_out) *aliases_out = std::move(aliases);
  return out;
}

}  // namespace vaultcrm::dedup
