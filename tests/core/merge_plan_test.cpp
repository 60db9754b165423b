// Merge plans: round trip, nothing lost, links, refusals.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "merge_test_util.h"
#include "vaultcrm/dedup.h"
#include "vaultcrm/merge.h"

namespace vaultcrm {
namespace {

using testing::Files;

// Applies a plan's edits to `files`, checks the result, undoes, and checks
// every byte is back.
void round_trip(const Files& original, const merge::Plan& plan) {
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

// Text with every wikilink replaced by what a reader sees; headings' marks dropped.
std::string reader_text(const std::string& line) {
  std::string out;
  for (size_t i = 0; i < line.size();) {
    if (line.compare(i, 2, "[[") == 0) {
      size_t close = line.find("]]", i);
      if (close != std::string::npos) {
        std::string inner = line.substr(i + 2, close - i - 2);
        size_t pipe = inner.find('|');
        std::string shown = pipe == std::string::npos ? inner : inner.substr(pipe + 1);
        if (pipe != std::string::npos && pipe > 0 && inner[pipe - 1] == '\\') shown = inner.substr(pipe + 1);
        out += shown;
        i = close + 2;
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

std::vector<std::string> scalars(const Value& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const auto& x : v.as_array())
      for (auto& s : scalars(x)) out.push_back(s);
  } else if (v.is_string()) {
    out.push_back(v.as_string());
  }
  return out;
}

bool has_ci(const std::vector<std::string>& v, const std::string& s) {
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
void expect_nothing_lost(const Files& before, const Files& after, const std::string& canonical,
                         const std::vector<std::string>& merged) {
  index::Vault vb = testing::vault_of(before), va = testing::vault_of(after);
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
    ASSERT_NE(n, nullptr);
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
void expect_links_moved(const Files& before, const Files& after, const std::string& canonical,
                        const std::vector<std::string>& merged) {
  index::Vault vb = testing::vault_of(before), va = testing::vault_of(after);
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

merge::Result contacts(const Files& files, const std::string& canonical, std::vector<std::string> members,
                       std::vector<std::string> notes, bool del = false) {
  index::Vault v = testing::vault_of(files);
  merge::ContactRequest req{canonical, std::move(members), std::move(notes), del, false};
  return merge::plan_contacts(v, dedup::Options{}, req);
}

TEST(MergePlan, JonsiOnSharedFixture) {
  Files files = testing::load_dir(testing::shared_fixture());
  if (files.empty()) GTEST_SKIP() << "shared fixtures not present at " << testing::shared_fixture();
  const std::string keep = "People/Jonsi Stefansson.md", gone = "People/Jonsi Stephenson.md";
  auto r = contacts(files, "Jonsi Stefansson", {"Jonsi Stephenson"}, {keep, gone});
  ASSERT_TRUE(r.ok) << r.error_message;
  round_trip(files, r.plan);
  Files after = files;
  ASSERT_TRUE(merge::apply(after, r.plan.edits).ok);
  expect_nothing_lost(files, after, keep, {gone});
  expect_links_moved(files, after, keep, {gone});
  index::Vault va = testing::vault_of(after);
  const parse::Note* n = va.find(keep);
  EXPECT_EQ(scalars(*n->frontmatter.find("role")), std::vector<std::string>{"CEO"});
  EXPECT_TRUE(has_ci(n->tags, "team/exec"));
  EXPECT_TRUE(has_ci(n->tags, "account/microsoft"));
  EXPECT_TRUE(has_ci(n->aliases, "Jonsi"));
  // The merged note redirects; the reader-visible text of links is unchanged.
  EXPECT_NE(after[gone].find("[[Jonsi Stefansson]]"), std::string::npos);
  EXPECT_NE(after["Customers/Microsoft.md"].find("| [[Jonsi Stefansson\\|Jonsi Stephenson]] | CEO |"), std::string::npos);
}

TEST(MergePlan, AnilWithDeleteOnSharedFixture) {
  Files files = testing::load_dir(testing::shared_fixture());
  if (files.empty()) GTEST_SKIP() << "shared fixtures not present at " << testing::shared_fixture();
  const std::string keep = "People/Anil Deshpande.md", gone = "People/Anil Despande.md";
  auto r = contacts(files, "Anil Deshpande", {"Anil Despande"}, {keep, gone}, true);
  ASSERT_TRUE(r.ok) << r.error_message;
  round_trip(files, r.plan);
  Files after = files;
  ASSERT_TRUE(merge::apply(after, r.plan.edits).ok);
  EXPECT_EQ(after.count(gone), 0u);
  expect_nothing_lost(files, after, keep, {gone});
  expect_links_moved(files, after, keep, {gone});
}

TEST(MergePlan, AmbiguousFirstNameRefused) {
  Files files = testing::load_dir(testing::source_path("sample-vault"));
  ASSERT_FALSE(files.empty());
  auto r = contacts(files, "Jason Vallery", {"Jason"}, {});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error_code, "ambiguous") << r.error_message;
}

TEST(MergePlan, StalePlanWritesNothing) {
  Files files = testing::load_dir(testing::source_path("sample-vault"));
  auto r = contacts(files, "Jonsi Stefansson", {"Jonsi Stephenson"},
                    {"People/Jonsi Stefansson.md", "People/Jonsi Stephenson.md"});
  ASSERT_TRUE(r.ok) << r.error_message;
  ASSERT_GE(r.plan.edits.size(), 2u);
  Files changed = files;
  const std::string victim = r.plan.edits.back().path;
  changed[victim] += "\nedited meanwhile\n";
  Files snapshot = changed;
  auto a = merge::apply(changed, r.plan.edits);
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(a.path, victim);
  EXPECT_NE(a.error.find(victim), std::string::npos);
  EXPECT_EQ(changed, snapshot);
}

// Every mergeable cluster with a person note, and random subsets of entry
// groups: apply then undo gives back every byte.
void random_plans(const Files& files, unsigned seed) {
  index::Vault v = testing::vault_of(files);
  dedup::Report rep = dedup::run(v, dedup::Options{});
  std::mt19937 rng(seed);
  int planned = 0;
  for (const auto& c : rep.contacts.clusters) {
    if (!dedup::mergeable(c) || c.notes.empty()) continue;
    std::vector<std::string> members;
    for (const auto& m : c.members)
      if (m != c.canonical) members.push_back(m);
    merge::ContactRequest req{c.canonical, members, c.notes, rng() % 2 == 0, false};
    auto r = merge::plan_contacts(v, dedup::Options{}, req);
    if (!r.ok) continue;
    ++planned;
    round_trip(files, r.plan);
  }
  EXPECT_GT(planned, 0);
  for (int round = 0; round < 5; ++round) {
    merge::EntryRequest req;
    req.unique_facts = round % 2 ? "append" : "keep-both";
    std::set<std::string> used;
    for (const auto& g : rep.groups) {
      bool same_note = true;
      for (const auto& m : g.members) same_note = same_note && m.path == g.path;
      if (!same_note || rng() % 3) continue;
      bool overlap = false;
      for (int ln : g.lines) overlap = overlap || used.count(g.path + ":" + std::to_string(ln));
      if (overlap) continue;
      for (int ln : g.lines) used.insert(g.path + ":" + std::to_string(ln));
      req.groups.push_back({g.path, g.lines, g.keep});
    }
    auto r = merge::plan_entries(v, dedup::Options{}, req);
    ASSERT_TRUE(r.ok) << r.error_message;
    round_trip(files, r.plan);
    // Unique facts of removed members are still in the file.
    Files after = files;
    ASSERT_TRUE(merge::apply(after, r.plan.edits).ok);
    for (const auto& g : rep.groups)
      for (const auto& m : g.members)
        for (const auto& f : m.unique_facts)
          EXPECT_NE(after[m.path].find(f), std::string::npos) << m.path << ":" << m.line << " lost " << f;
  }
}

TEST(MergePlan, RandomPlansRoundTripOnSampleVault) {
  random_plans(testing::load_dir(testing::source_path("sample-vault")), 1);
}

TEST(MergePlan, RandomPlansRoundTripOnSharedFixture) {
  Files files = testing::load_dir(testing::shared_fixture());
  if (files.empty()) GTEST_SKIP() << "shared fixtures not present at " << testing::shared_fixture();
  random_plans(files, 2);
}

TEST(MergePlan, NotAGroupRefused) {
  Files files = testing::load_dir(testing::source_path("sample-vault"));
  index::Vault v = testing::vault_of(files);
  merge::EntryRequest req;
  req.groups.push_back({"Customers/Microsoft.md", {1, 2}, 1});
  auto r = merge::plan_entries(v, dedup::Options{}, req);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error_code, "not_a_duplicate_group");
}

// Generated notes with CRLF, a BOM and trailing whitespace: bytes outside
// the edited keys stay as they were, and undo restores everything.
TEST(MergePlan, CrlfBomTrailingWhitespace) {
  Files files;
  files["People/Ana Lima.md"] =
      "\xEF\xBB\xBF---\r\ntype: person   \r\ncompany: 'Acme Corp'\r\ntags:\r\n  - type/person\r\n---\r\n# Ana Lima  \r\n\r\n"
      "- likes tea\t\r\n";
  files["People/Ana Lyma.md"] =
      "---\nname: \"Ana Lyma\"\ntype: person\ncompany: Acme Corp\nrole: CTO\ntags: [buyer, type/person]\n---\n# Ana Lyma\n"
      "- phone +1 555 0100\n```\n[[Ana Lyma]] in code\n```\n";
  files["Customers/Acme.md"] =
      "---\r\ntype: customer\r\n---\r\n## Key Contacts\r\n- [[Ana Lima]]\r\n- [[Ana Lyma]] (CTO)\r\n\r\n## Notes\r\n"
      "See [[Ana Lyma#Notes]] and ![[Ana Lyma]], `[[Ana Lyma]]` \r\n";
  auto r = contacts(files, "Ana Lima", {"Ana Lyma"}, {"People/Ana Lima.md", "People/Ana Lyma.md"});
  ASSERT_TRUE(r.ok) << r.error_message;
  round_trip(files, r.plan);
  Files after = files;
  ASSERT_TRUE(merge::apply(after, r.plan.edits).ok);
  const std::string& ana = after["People/Ana Lima.md"];
  EXPECT_EQ(ana.rfind("\xEF\xBB\xBF---\r\ntype: person   \r\ncompany: 'Acme Corp'\r\ntags:\r\n  - type/person\r\n  - buyer\r\n", 0), 0u)
      << ana;
  EXPECT_NE(ana.find("# Ana Lima  \r\n\r\n- likes tea\t\r\n"), std::string::npos);
  EXPECT_NE(ana.find("[[Ana Lyma]] in code"), std::string::npos);  // code untouched
  const std::string& acme = after["Customers/Acme.md"];
  EXPECT_NE(acme.find("[[Ana Lima#Notes|Ana Lyma > Notes]]"), std::string::npos) << acme;
  EXPECT_NE(acme.find("![[Ana Lima|Ana Lyma]]"), std::string::npos);
  EXPECT_NE(acme.find("`[[Ana Lyma]]` \r\n"), std::string::npos);  // inline code untouched
  expect_nothing_lost(files, after, "People/Ana Lima.md", {"People/Ana Lyma.md"});
  expect_links_moved(files, after, "People/Ana Lima.md", {"People/Ana Lyma.md"});
}

}  // namespace
}  // namespace vaultcrm
