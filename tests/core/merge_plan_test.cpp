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
using testing::expect_links_moved;
using testing::expect_nothing_lost;
using testing::has_ci;
using testing::round_trip;
using testing::scalars;

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

// The canonical note of a contact plan: the one it creates, else the one it
// rewrites that is neither redirected nor deleted and carries the name.
std::string canonical_of(const index::Vault& v, const merge::Plan& plan, const std::string& canonical) {
  for (const auto& e : plan.edits)
    if (e.create) return e.path;
  auto r = v.resolve(canonical, "");
  return r ? *r : "";
}

// Every mergeable cluster (with or without person notes), and random subsets
// of entry groups: apply then undo gives back every byte, and each contact
// plan keeps every fact and moves every link (the guarantees, on every plan).
struct RandomStats {
  int contact_plans = 0, noteless = 0, created = 0;
};

RandomStats random_plans(const Files& files, unsigned seed) {
  RandomStats stats;
  index::Vault v = testing::vault_of(files);
  dedup::Report rep = dedup::run(v, dedup::Options{});
  std::mt19937 rng(seed);
  int planned = 0, noteless = 0;
  for (const auto& c : rep.contacts.clusters) {
    if (!dedup::mergeable(c)) continue;
    std::vector<std::string> members;
    for (const auto& m : c.members)
      if (m != c.canonical) members.push_back(m);
    merge::ContactRequest req{c.canonical, members, c.notes, rng() % 2 == 0, false};
    auto r = merge::plan_contacts(v, dedup::Options{}, req);
    if (!r.ok) {
      // A refusal is a named, reasoned error, never a silent partial plan.
      EXPECT_FALSE(r.error_code.empty());
      EXPECT_TRUE(r.plan.edits.empty());
      continue;
    }
    ++planned;
    stats.noteless += c.notes.empty() ? 1 : 0;
    for (const auto& e : r.plan.edits) stats.created += e.create ? 1 : 0;
    SCOPED_TRACE("merge into " + c.canonical);
    round_trip(files, r.plan);
    Files after = files;
    EXPECT_TRUE(merge::apply(after, r.plan.edits).ok);
    std::string canon = canonical_of(v, r.plan, c.canonical);
    EXPECT_FALSE(canon.empty());
    std::vector<std::string> merged = r.plan.redirected;
    merged.insert(merged.end(), r.plan.deleted.begin(), r.plan.deleted.end());
    if (!merged.empty() || after.count(canon)) expect_nothing_lost(files, after, canon, merged);
    expect_links_moved(files, after, canon, merged);
    std::vector<std::string> person_notes = merged;
    person_notes.push_back(canon);
    std::vector<std::string> names = c.members;
    for (const auto& p : merged) {
      std::string base = p.substr(p.find_last_of('/') == std::string::npos ? 0 : p.find_last_of('/') + 1);
      names.push_back(base.substr(0, base.size() - 3));
    }
    testing::expect_collapsed_lines_kept(files, after, person_notes, names);
  }
  EXPECT_GT(planned, 0);
  stats.contact_plans = planned;
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
    EXPECT_TRUE(r.ok) << r.error_message;
    if (!r.ok) return stats;
    round_trip(files, r.plan);
    // Unique facts of removed members are still in the file.
    Files after = files;
    EXPECT_TRUE(merge::apply(after, r.plan.edits).ok);
    for (const auto& g : rep.groups)
      for (const auto& m : g.members)
        for (const auto& f : m.unique_facts)
          EXPECT_NE(after[m.path].find(f), std::string::npos) << m.path << ":" << m.line << " lost " << f;
  }
  return stats;
}

// A generated vault in the shape of real account notes: people written two
// ways, with and without person notes; customers with repeated contact
// bullets, collaborator rows, pasted and truncated timeline bullets, links
// in wiki and Markdown form (and in code, which must not move); meetings
// with attendee frontmatter. Each file picks LF or CRLF, maybe a BOM,
// trailing whitespace and a missing final newline.
Files generated_vault(unsigned seed) {
  std::mt19937 rng(seed);
  auto chance = [&rng](int percent) { return static_cast<int>(rng() % 100) < percent; };
  auto pick = [&rng](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  struct Person {
    std::string name, variant, role, company;
  };
  const std::vector<Person> people = {
      {"Mira Castellanos", "Mira Castelanos", "VP Engineering", "Northwind"},
      {"Tomasz Kowalczyk", "Tomasz Kowalczik", "Head of Data", "Northwind"},
      {"Helga Sigurdardottir", "Helga Sigurdardóttir", "CFO", "Fabrikam"},
      {"Priya Raghunathan", "Priya Ragunathan", "Procurement lead", "Fabrikam"},
      {"Oluwaseun Adeyemi", "Oluwasean Adeyemi", "CTO", "Contoso"},
      {"Bernadette Lachance", "Bernadette Lachanse", "Security architect", "Contoso"},
  };
  const std::vector<std::string> customers = {"Northwind", "Fabrikam", "Contoso"};
  Files files;
  auto emit = [&](const std::string& path, const std::vector<std::string>& lines) {
    std::string eol = chance(40) ? "\r\n" : "\n";
    std::string text = chance(20) ? "\xEF\xBB\xBF" : "";
    size_t fm_end = 0;  // index of the closing "---"; no trailing blanks inside YAML
    if (!lines.empty() && lines[0] == "---")
      for (size_t i = 1; i < lines.size() && !fm_end; ++i) fm_end = lines[i] == "---" ? i : 0;
    for (size_t i = 0; i < lines.size(); ++i) {
      text += lines[i];
      bool in_fm = i <= fm_end && !lines.empty() && lines[0] == "---";
      if (!in_fm && !lines[i].empty() && lines[i][0] != '|' && lines[i] != "---" && chance(15))
        text += chance(50) ? "  " : "\t";
      if (i + 1 < lines.size() || !chance(20)) text += eol;
    }
    files[path] = text;
  };
  for (const auto& p : people) {
    if (chance(60)) {
      std::vector<std::string> l = {"---", "type: person", "company: " + p.company, "role: " + p.role};
      if (chance(50)) l.insert(l.end(), {"tags:", "  - customer/" + dedup::fold(p.company)});
      l.insert(l.end(), {"---", "# " + p.name, "", "- met at the " + p.company + " offsite"});
      emit("People/" + p.name + ".md", l);
    }
    if (chance(35)) {
      std::vector<std::string> l = {"---", "type: person", "company: " + p.company};
      if (chance(50)) l.push_back("email: " + dedup::fold(p.variant.substr(0, p.variant.find(' '))) + "@" +
                                  dedup::fold(p.company) + ".example");
      if (chance(50)) l.push_back("aliases: [" + p.variant.substr(0, p.variant.find(' ')) + "]");
      l.insert(l.end(), {"---", "# " + p.variant, "", "## Notes", "- prefers e-mail to calls",
                         "- [[" + p.company + "]] account"});
      emit("People/" + p.variant + ".md", l);
    }
  }
  for (const auto& c : customers) {
    std::vector<std::string> l = {"---", "type: customer", "status: active", "---", "# " + c, "", "## Key Contacts"};
    std::vector<Person> here;
    for (const auto& p : people)
      if (p.company == c) here.push_back(p);
    for (const auto& p : here) {
      l.push_back("- [[" + p.name + "]] - " + p.role);
      if (chance(70)) l.push_back("- [[" + p.variant + "]]" + (chance(50) ? " (" + p.role + ")" : ""));
      if (chance(40)) l.push_back("- " + p.name);
    }
    l.insert(l.end(), {"", "## Collaborators", "| Person | Role | Company |", "|---|---|---|"});
    for (const auto& p : here) {
      l.push_back("| [[" + p.name + "]] | " + p.role + " | " + c + " |");
      if (chance(60)) l.push_back("| " + p.variant + " | " + pick({p.role, "Sponsor", "Evaluator"}) + " | " + c + " |");
    }
    l.insert(l.end(), {"", "## Recent Context"});
    const std::string a = "2025-11-" + std::to_string(10 + rng() % 9) + ": " + here[0].name +
                          " confirmed the budget of 120k for the pilot with [[" + c + " Pilot]]";
    const std::string b = "2025-12-0" + std::to_string(1 + rng() % 8) + ": Security review passed; " +
                          here[1].variant + " signed off on the data processing agreement";
    l.push_back("- " + a);
    if (chance(60)) l.push_back("- " + a);
    l.push_back("- " + b);
    if (chance(60)) l.push_back("- " + b.substr(0, b.size() - 12));
    l.push_back("- 2025-12-20: Renewal call scheduled");
    l.insert(l.end(), {"", "## Notes", "See [the profile](People/" + here[0].variant + ".md) and [" + here[1].name +
                                           "](" + std::string() + here[1].variant + ".md).",
                       "```", "[[" + here[0].variant + "]] stays in code", "```",
                       "Inline `[[" + here[1].variant + "]]` stays too."});
    emit("Customers/" + c + ".md", l);
    std::vector<std::string> m = {"---", "type: meeting", "account: \"[[" + c + "]]\"", "attendees:"};
    for (const auto& p : here) m.push_back("  - \"[[" + (chance(50) ? p.name : p.variant) + "]]\"");
    m.insert(m.end(), {"---", "# " + c + " sync", "", "- [[" + here[0].variant + "#Notes]] to follow up",
                       "- ![[" + here[1].variant + "]]"});
    emit("Meetings/2026-01-0" + std::to_string(1 + rng() % 9) + " " + c + " sync.md", m);
  }
  // Markdown link URLs encode spaces; the generator wrote them raw above.
  for (auto& [path, text] : files) {
    for (size_t at = text.find("]("); at != std::string::npos; at = text.find("](", at + 2)) {
      size_t end = text.find(')', at);
      if (end == std::string::npos) break;
      for (size_t i = at + 2; i < end; ++i)
        if (text[i] == ' ') text.replace(i, 1, "%20"), end += 2;
    }
  }
  return files;
}

TEST(MergePlan, RandomPlansRoundTripOnGeneratedVaults) {
  RandomStats total;
  for (unsigned seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("generated vault, seed " + std::to_string(seed));
    Files files = generated_vault(seed);
    RandomStats s = random_plans(files, seed);
    total.contact_plans += s.contact_plans;
    total.noteless += s.noteless;
    total.created += s.created;
  }
  // The generator covers clusters without person notes and created notes.
  RecordProperty("contact_plans", total.contact_plans);
  RecordProperty("noteless_clusters", total.noteless);
  RecordProperty("created_notes", total.created);
  EXPECT_GT(total.contact_plans, 20);
  EXPECT_GT(total.noteless, 0);
  EXPECT_GT(total.created, 0);
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

// Entries dedup reports as alike but different (another date, amount, name
// or link) are never a cleanup: asking for one is refused, nothing planned.
TEST(MergePlan, DistinctSimilarEntriesAreNeverCleanedUp) {
  int refused = 0;
  for (const std::string& root : {testing::source_path("sample-vault"), testing::shared_fixture()}) {
    Files files = testing::load_dir(root);
    if (files.empty()) continue;
    index::Vault v = testing::vault_of(files);
    dedup::Report rep = dedup::run(v, dedup::Options{});
    for (const auto& d : rep.distinct_similar) {
      if (d.lines.size() < 2 || !d.paths.empty()) continue;
      // Unless the same lines are also a reported group, the request is refused.
      bool grouped = false;
      for (const auto& g : rep.groups) {
        int hits = 0;
        for (const auto& m : g.members)
          if (m.path == d.path && std::find(d.lines.begin(), d.lines.end(), m.line) != d.lines.end()) ++hits;
        grouped = grouped || hits == static_cast<int>(d.lines.size());
      }
      if (grouped) continue;
      merge::EntryRequest req;
      req.groups.push_back({d.path, d.lines, d.lines.front()});
      auto r = merge::plan_entries(v, dedup::Options{}, req);
      EXPECT_FALSE(r.ok) << d.path << " " << d.reason;
      EXPECT_EQ(r.error_code, "not_a_duplicate_group");
      EXPECT_TRUE(r.plan.edits.empty());
      ++refused;
    }
  }
  EXPECT_GT(refused, 0) << "the vaults have distinct-similar entries to try";
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
