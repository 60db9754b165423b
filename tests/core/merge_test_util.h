// Helpers for the merge tests: vaults as path -> text maps, applied in memory.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_util.h"
#include "vaultcrm/index.h"
#include "vaultcrm/merge.h"

namespace vaultcrm::testing {

using Files = std::map<std::string, std::string>;

inline Files load_dir(const std::string& root) {
  Files files;
  namespace fs = std::filesystem;
  if (!fs::exists(root)) return files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    std::string name = it->path().filename().string();
    if (it->is_directory() && !name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".md")
      files[fs::relative(it->path(), root).generic_string()] = read_file(it->path().string());
  }
  return files;
}

inline index::Vault vault_of(const Files& files) {
  index::Vault v;
  for (const auto& [p, t] : files) v.upsert(p, t, 0);
  return v;
}

inline std::string shared_fixture() { return "/work/shared/fixtures/crm-vault"; }

// Applies a plan's edits to `files`, checks the result, undoes, and checks
// every byte is back.
inline void round_trip(const Files& original, const merge::Plan& plan) {
  Files files = original;
  auto r = merge::apply(files, plan.edits);
  ASSERT_TRUE(r.ok) << r.error;
  auto u = merge::apply(files, plan.inverse);
  ASSERT_TRUE(u.ok) << u.error;
  ASSERT_EQ(files.size(), original.size());
  for (const auto& [p, t] : original) {
    ASSERT_TRUE(files.count(p)) << p;
    EXPECT_EQ(files[p], t) << p;
  }
}

// Text with every link replaced by what a reader sees (a wikilink's display,
// or "Note > Heading" without one; a Markdown link's text); headings' marks dropped.
inline std::string reader_text(const std::string& line) {
  std::string out;
  for (size_t i = 0; i < line.size();) {
    if (line.compare(i, 2, "[[") == 0) {
      size_t close = line.find("]]", i);
      if (close != std::string::npos) {
        std::string inner = line.substr(i + 2, close - i - 2);
        size_t pipe = inner.find('|');
        std::string shown = pipe == std::string::npos ? inner : inner.substr(pipe + 1);
        if (pipe == std::string::npos && inner.find('#') != std::string::npos)
          shown = inner.substr(0, inner.find('#')) + " > " + inner.substr(inner.find('#') + 1);
        out += shown;
        i = close + 2;
        continue;
      }
    }
    if (line[i] == '[') {
      size_t mid = line.find("](", i);
      size_t close = mid == std::string::npos ? mid : line.find(')', mid);
      if (close != std::string::npos && line.find('[', i + 1) > mid) {
        out += line.substr(i + 1, mid - i - 1);
        i = close + 1;
        continue;
      }
    }
    out += line[i++];
  }
  size_t h = out.find_first_not_of('#');
  if (h != std::string::npos && h > 0 && out[h] == ' ') out = out.substr(h + 1);
  while (!out.empty() && (out.back() == '\r' || out.back() == ' ')) out.pop_back();
  return out;
}

inline std::vector<std::string> scalars(const Value& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const auto& x : v.as_array())
      for (auto& s : scalars(x)) out.push_back(s);
  } else if (v.is_string()) {
    out.push_back(v.as_string());
  }
  return out;
}

inline bool has_ci(const std::vector<std::string>& v, const std::string& s) {
  auto lower = [](std::string x) {
    for (auto& c : x) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return x;
  };
  for (const auto& x : v)
    if (lower(x) == lower(s)) return true;
  return false;
}

// Every fact of the merged notes survives in the canonical note: each
// frontmatter value and each body line (as a reader sees it).
inline void expect_nothing_lost(const Files& before, const Files& after, const std::string& canonical,
                         const std::vector<std::string>& merged) {
  index::Vault vb = vault_of(before), va = vault_of(after);
  const parse::Note* cn = va.find(canonical);
  ASSERT_NE(cn, nullptr);
  std::vector<std::string> text_lines;
  {
    std::string t = after.at(canonical);
    size_t s = 0;
    while (s < t.size()) {
      size_t e = t.find('\n', s);
      if (e == std::string::npos) e = t.size();
      text_lines.push_back(reader_text(t.substr(s, e - s)));
      s = e + 1;
    }
  }
  std::vector<std::string> paths = merged;
  paths.push_back(canonical);
  for (const auto& p : paths) {
    const parse::Note* n = vb.find(p);
    if (!n && p == canonical) continue;  // a canonical note the plan created holds no old facts
    ASSERT_NE(n, nullptr) << p;
    if (n->frontmatter.is_object())
      for (const auto& [k, v] : n->frontmatter.as_object()) {
        const Value* now = cn->frontmatter.find(k);
        ASSERT_NE(now, nullptr) << "key " << k << " of " << p << " lost";
        for (const auto& s : scalars(v)) EXPECT_TRUE(has_ci(scalars(*now), s)) << k << ": " << s << " of " << p << " lost";
      }
    const std::string& t = before.at(p);
    size_t s = 0;
    int line = 0;
    while (s < t.size()) {
      size_t e = t.find('\n', s);
      if (e == std::string::npos) e = t.size();
      ++line;
      std::string l = reader_text(t.substr(s, e - s));
      s = e + 1;
      if (n->has_frontmatter && line <= n->frontmatter_last) continue;
      if (l.empty()) continue;
      EXPECT_TRUE(std::find(text_lines.begin(), text_lines.end(), l) != text_lines.end())
          << "line " << line << " of " << p << " lost: " << l;
    }
  }
  // The canonical's aliases name every merged note.
  for (const auto& p : merged) {
    std::string name = p.substr(p.find_last_of('/') + 1);
    name.resize(name.size() - 3);
    EXPECT_TRUE(has_ci(cn->aliases, name)) << name;
  }
}

// Links: nothing new unresolved; links that reached a merged note reach the canonical.
inline void expect_links_moved(const Files& before, const Files& after, const std::string& canonical,
                        const std::vector<std::string>& merged) {
  index::Vault vb = vault_of(before), va = vault_of(after);
  std::set<std::string> ub, ua;
  // A merged note's unresolved links move with its text into the canonical.
  for (const auto& u : vb.unresolved()) {
    bool moved = std::find(merged.begin(), merged.end(), u.source) != merged.end();
    ub.insert((moved ? canonical : u.source) + "|" + u.target);
  }
  for (const auto& u : va.unresolved()) ua.insert(u.source + "|" + u.target);
  for (const auto& u : ua) EXPECT_TRUE(ub.count(u)) << "new unresolved link " << u;
  EXPECT_LE(va.unresolved().size(), vb.unresolved().size());
  for (const auto& [path, note] : vb.notes()) {
    if (std::find(merged.begin(), merged.end(), path) != merged.end()) continue;
    const parse::Note* now = va.find(path);
    ASSERT_NE(now, nullptr);
    int before_count = 0, after_count = 0;
    for (const auto& l : note.links) {
      auto r = vb.resolve(l.target, path);
      if (r && (*r == canonical || std::find(merged.begin(), merged.end(), *r) != merged.end())) ++before_count;
    }
    for (const auto& l : now->links) {
      auto r = va.resolve(l.target, path);
      ASSERT_FALSE(r && std::find(merged.begin(), merged.end(), *r) != merged.end())
          << path << ":" << l.line << " still links to a merged note";
      if (r && *r == canonical) ++after_count;
    }
    // Collapsed duplicate bullets take their links with them, so count notes, not links.
    if (path != canonical && before_count > 0) EXPECT_GT(after_count, 0) << path;
  }
}

}  // namespace vaultcrm::testing

namespace vaultcrm::testing {

inline std::string lower_copy(std::string x) {
  for (auto& c : x) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return x;
}

// Facts of lines a contact merge rewrote or removed outside the person notes
// (collapsed contact bullets, merged collaborator rows): every piece such a
// line said - each table cell, each part between separators - is still in
// the file as a reader sees it, except the person's own names (one copy of
// the name is the point of the merge).
inline void expect_collapsed_lines_kept(const Files& before, const Files& after,
                                        const std::vector<std::string>& skip_paths,
                                        const std::vector<std::string>& names) {
  auto lines_of = [](const std::string& t) {
    std::vector<std::string> out;
    size_t s = 0;
    while (s < t.size()) {
      size_t e = t.find('\n', s);
      if (e == std::string::npos) e = t.size();
      out.push_back(reader_text(t.substr(s, e - s)));
      s = e + 1;
    }
    return out;
  };
  std::set<std::string> folded_names;
  for (const auto& n : names) folded_names.insert(lower_copy(n));
  for (const auto& [path, text] : before) {
    if (std::find(skip_paths.begin(), skip_paths.end(), path) != skip_paths.end()) continue;
    auto it = after.find(path);
    if (it == after.end() || it->second == text) continue;
    std::vector<std::string> now = lines_of(it->second);
    std::set<std::string> now_set(now.begin(), now.end());
    std::string now_all;
    for (const auto& l : now) now_all += lower_copy(l) + "\n";
    for (const auto& line : lines_of(text)) {
      if (line.empty() || now_set.count(line)) continue;
      std::string piece;
      auto check = [&](std::string p) {
        size_t a = p.find_first_not_of(" \t-*:");
        size_t b = p.find_last_not_of(" \t-*:.");
        if (a == std::string::npos || b == std::string::npos || b < a) return;
        p = p.substr(a, b - a + 1);
        if (p.size() < 3 || folded_names.count(lower_copy(p))) return;
        EXPECT_NE(now_all.find(lower_copy(p)), std::string::npos)
            << path << ": \"" << p << "\" of \"" << line << "\" is gone";
      };
      for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        bool sep = c == '|' || c == ';' || c == '(' || c == ')' || c == ',' ||
                   (c == '-' && i > 0 && line[i - 1] == ' ' && i + 1 < line.size() && line[i + 1] == ' ');
        if (sep) {
          check(piece);
          piece.clear();
        } else {
          piece += c;
        }
      }
      check(piece);
    }
  }
}

}  // namespace vaultcrm::testing
