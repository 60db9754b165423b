// Merge plans: Markdown links, canonical names without a person note, and
// plans that follow the vault schema set on the engine.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "merge_test_util.h"
#include "vaultcrm/dedup.h"
#include "vaultcrm/engine.h"
#include "vaultcrm/merge.h"

namespace vaultcrm {
namespace {

using testing::Files;

merge::Result contacts(const Files& files, const std::string& canonical, std::vector<std::string> members,
                       std::vector<std::string> notes, bool del = false) {
  index::Vault v = testing::vault_of(files);
  merge::ContactRequest req{canonical, std::move(members), std::move(notes), del, false};
  return merge::plan_contacts(v, dedup::Options{}, req);
}

Files applied(const Files& files, const merge::Plan& plan) {
  Files after = files;
  auto r = merge::apply(after, plan.edits);
  EXPECT_TRUE(r.ok) << r.error;
  return after;
}

const std::string kAna = "---\ntype: person\ncompany: Acme Corp\n---\n# Ana Lima\n";
const std::string kLyma = "---\ntype: person\ncompany: Acme Corp\nrole: CTO\n---\n# Ana Lyma\n\n## Notes\n- phone +1 555 0100\n";

TEST(MergeLinks, MarkdownLinksMoveToTheCanonicalNote) {
  Files files;
  files["People/Ana Lima.md"] = kAna;
  files["People/Ana Lyma.md"] = kLyma;
  files["Customers/Acme.md"] =
      "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]]\n\n## Notes\n"
      "- met [Ana](Ana%20Lyma.md) and read [her notes](People/Ana%20Lyma.md#Notes)\r\n"
      "- angle form [A. Lyma](<Ana Lyma.md>) and no extension [AL](Ana%20Lyma)\n"
      "- someone else: [Bob](Bob%20Stone.md)\n";
  auto r = contacts(files, "Ana Lima", {"Ana Lyma"}, {"People/Ana Lima.md", "People/Ana Lyma.md"});
  ASSERT_TRUE(r.ok) << r.error_message;
  testing::round_trip(files, r.plan);
  Files after = applied(files, r.plan);
  const std::string& acme = after["Customers/Acme.md"];
  // The text a reader sees stays; the URL names the canonical note, encoded
  // as the old one was, with its folder and #heading when it had them.
  EXPECT_NE(acme.find("- met [Ana](Ana%20Lima.md) and read [her notes](People/Ana%20Lima.md#Notes)\r\n"),
            std::string::npos)
      << acme;
  EXPECT_NE(acme.find("[A. Lyma](<Ana Lima.md>)"), std::string::npos) << acme;
  EXPECT_NE(acme.find("[AL](Ana%20Lima)"), std::string::npos) << acme;
  EXPECT_NE(acme.find("[Bob](Bob%20Stone.md)"), std::string::npos);  // another person: untouched
  EXPECT_EQ(acme.find("Lyma.md"), std::string::npos) << acme;
  int markdown = 0;
  for (const auto& l : r.plan.links_rewritten)
    if (l.from.rfind("[", 0) == 0 && l.from.rfind("[[", 0) != 0) {
      ++markdown;
      EXPECT_EQ(l.path, "Customers/Acme.md");
    }
  EXPECT_EQ(markdown, 4);
  testing::expect_links_moved(files, after, "People/Ana Lima.md", {"People/Ana Lyma.md"});
}

TEST(MergeLinks, MarkdownLinksInCodeAreLeftAlone) {
  Files files;
  files["People/Ana Lima.md"] = kAna;
  files["People/Ana Lyma.md"] = kLyma;
  const std::string code =
      "```\n[Ana](Ana%20Lyma.md) in a fence\n```\n"
      "    [Ana](Ana%20Lyma.md) indented code\n"
      "\n"
      "inline `[Ana](Ana%20Lyma.md)` and ``[[Ana Lyma]]``\n";
  files["Customers/Acme.md"] = "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]]\n\n## Notes\n\n" + code +
                               "\nbut [this one](Ana%20Lyma.md) moves\n";
  auto r = contacts(files, "Ana Lima", {"Ana Lyma"}, {"People/Ana Lima.md", "People/Ana Lyma.md"});
  ASSERT_TRUE(r.ok) << r.error_message;
  Files after = applied(files, r.plan);
  const std::string& acme = after["Customers/Acme.md"];
  EXPECT_NE(acme.find(code), std::string::npos) << acme;
  EXPECT_NE(acme.find("but [this one](Ana%20Lima.md) moves"), std::string::npos) << acme;
  for (const auto& l : r.plan.links_rewritten)
    if (l.path == "Customers/Acme.md") EXPECT_EQ(l.from, "[this one](Ana%20Lyma.md)");
}

// Collapsing a repeated contact bullet keeps what the removed bullet said,
// links to other people and notes included (only the person's own link goes).
TEST(MergeLinks, CollapsedBulletKeepsOtherLinks) {
  Files files;
  files["People/Ana Lima.md"] = kAna;
  files["People/Ana Lyma.md"] = kLyma;
  files["Customers/Acme.md"] =
      "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]] - CTO\n"
      "- [[Ana Lyma]] (reports to [[Bob Stone]], see [[Acme Pilot#Scope|pilot scope]])\n";
  auto r = contacts(files, "Ana Lima", {"Ana Lyma"}, {"People/Ana Lima.md", "People/Ana Lyma.md"});
  ASSERT_TRUE(r.ok) << r.error_message;
  EXPECT_EQ(r.plan.bullets_collapsed, 1);
  Files after = applied(files, r.plan);
  const std::string& acme = after["Customers/Acme.md"];
  EXPECT_NE(acme.find("[[Bob Stone]]"), std::string::npos) << acme;
  EXPECT_NE(acme.find("[[Acme Pilot#Scope|pilot scope]]"), std::string::npos) << acme;
  testing::expect_collapsed_lines_kept(files, after, {"People/Ana Lima.md", "People/Ana Lyma.md"},
                                       {"Ana Lima", "Ana Lyma"});
  testing::round_trip(files, r.plan);
}

// Neither spelling of the person has a note: the plan creates the canonical
// person note (type and aliases), so every rewritten link resolves and no
// link is left pointing nowhere that did not before.
TEST(MergeNoNote, CreatesTheCanonicalPersonNote) {
  Files files;
  files["Customers/Initech.md"] =
      "---\ntype: customer\n---\n# Initech\n\n## Key Contacts\n- [[Dana Whitcomb]] - account executive\n"
      "- [[Dana Whitcombe]] (renewals)\n\n## Collaborators\n| Person | Role | Company |\n|---|---|---|\n"
      "| [[Dana Whitcomb]] | Account executive | Initech |\n| [[Dana Whitcombe]] | Account executive | Initech |\n";
  files["Meetings/2026-01-05 Sync.md"] =
      "---\ntype: meeting\n---\n# Sync\n- with [[Dana Whitcombe]] and [[Dana Whitcombe#Notes|Dana]]\n";
  index::Vault before = testing::vault_of(files);
  auto rep = dedup::run(before, dedup::Options{});
  bool clustered = false;
  for (const auto& c : rep.contacts.clusters)
    if (testing::has_ci(c.members, "Dana Whitcomb") && testing::has_ci(c.members, "Dana Whitcombe"))
      clustered = c.notes.empty() && dedup::mergeable(c);
  ASSERT_TRUE(clustered) << "the fixture must be a note-less mergeable cluster";

  auto r = contacts(files, "Dana Whitcomb", {"Dana Whitcombe"}, {});
  ASSERT_TRUE(r.ok) << r.error_code << ": " << r.error_message;
  const std::string created = "People/Dana Whitcomb.md";
  bool creates = false;
  for (const auto& e : r.plan.edits)
    if (e.path == created) creates = e.create && !e.old_hash && e.new_text;
  EXPECT_TRUE(creates);
  testing::round_trip(files, r.plan);  // undo deletes the created note again
  Files after = applied(files, r.plan);
  ASSERT_TRUE(after.count(created));
  index::Vault va = testing::vault_of(after);
  const parse::Note* n = va.find(created);
  ASSERT_NE(n, nullptr);
  ASSERT_TRUE(n->frontmatter.is_object()) << after[created];
  EXPECT_EQ(testing::scalars(*n->frontmatter.find("type")), std::vector<std::string>{"person"});
  EXPECT_EQ(n->aliases, std::vector<std::string>{"Dana Whitcombe"}) << after[created];
  // Readers see the same text; every link to either form reaches the new note.
  const std::string& meeting = after["Meetings/2026-01-05 Sync.md"];
  EXPECT_NE(meeting.find("[[Dana Whitcomb|Dana Whitcombe]] and [[Dana Whitcomb#Notes|Dana]]"), std::string::npos)
      << meeting;
  for (const auto& [path, note] : va.notes())
    for (const auto& l : note.links)
      if (l.target.rfind("Dana", 0) == 0) EXPECT_EQ(va.resolve(l.target, path).value_or("?"), created) << path;
  EXPECT_TRUE(va.unresolved().empty());
  testing::expect_links_moved(files, after, created, {});
  // The two rows become one, the two bullets one that keeps what each said.
  const std::string& initech = after["Customers/Initech.md"];
  size_t bullet = initech.find("- [[Dana Whitcomb");
  ASSERT_NE(bullet, std::string::npos) << initech;
  std::string kept = initech.substr(bullet, initech.find('\n', bullet) - bullet);
  EXPECT_NE(kept.find("account executive"), std::string::npos) << kept;
  EXPECT_NE(kept.find("renewals"), std::string::npos) << kept;
  EXPECT_EQ(initech.find("- [[Dana Whitcomb", bullet + 1), std::string::npos) << initech;
  EXPECT_EQ(r.plan.rows_merged, 1);
  EXPECT_EQ(r.plan.bullets_collapsed, 1);
}

// Only the other spelling has a note: the plan creates the canonical note,
// folds that note into it (nothing lost) and leaves a redirect behind.
TEST(MergeNoNote, FoldsAMemberNoteIntoANewCanonicalNote) {
  Files files;
  files["People/Dana Whitcombe.md"] =
      "---\r\ntype: person\r\nrole: Account executive\r\ncompany: Initech\r\naliases: [DW]\r\n---\r\n"
      "# Dana Whitcombe\r\n\r\n- prefers calls before 10am\r\n";
  files["Customers/Initech.md"] =
      "---\ntype: customer\n---\n# Initech\n\n## Key Contacts\n- [[Dana Whitcomb]]\n- [[Dana Whitcombe]] (AE)\n"
      "- [DW](People/Dana%20Whitcombe.md)\n";
  auto r = contacts(files, "Dana Whitcomb", {"Dana Whitcombe"}, {"People/Dana Whitcombe.md"});
  ASSERT_TRUE(r.ok) << r.error_code << ": " << r.error_message;
  const std::string created = "People/Dana Whitcomb.md", old = "People/Dana Whitcombe.md";
  testing::round_trip(files, r.plan);
  Files after = applied(files, r.plan);
  ASSERT_TRUE(after.count(created));
  // The new note follows the folded note's line endings.
  EXPECT_EQ(after[created].rfind("---\r\ntype: person\r\n", 0), 0u) << after[created];
  testing::expect_nothing_lost(files, after, created, {old});
  testing::expect_links_moved(files, after, created, {old});
  EXPECT_NE(after[old].find("[[Dana Whitcomb]]"), std::string::npos) << after[old];
  index::Vault va = testing::vault_of(after);
  EXPECT_TRUE(testing::has_ci(va.find(created)->aliases, "DW"));
  EXPECT_NE(after["Customers/Initech.md"].find("[DW](People/Dana%20Whitcomb.md)"), std::string::npos)
      << after["Customers/Initech.md"];
  EXPECT_TRUE(va.unresolved().empty());
}

TEST(MergeNoNote, NothingToMergeIsABadRequest) {
  Files files;
  files["Customers/Initech.md"] = "---\ntype: customer\n---\n## Key Contacts\n- [[Dana Whitcomb]]\n";
  auto r = contacts(files, "Dana Whitcomb", {}, {});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error_code, "bad_request") << r.error_message;
  auto bad = contacts(files, "Dana/Whitcomb", {"Dana Whitcomb"}, {});
  EXPECT_FALSE(bad.ok);
}

// Engine::mergePlan uses the schema set with setSchema, as Engine::dedup does:
// contact bullets and collaborator rows under renamed headings are collapsed
// only when the plan sees the vault's schema.
TEST(MergeEngine, PlansFollowTheVaultSchema) {
  const std::string path = "Kunden/Acme.md";
  const std::string text =
      "---\ntype: customer\n---\n# Acme\n\n## Ansprechpartner\n\n- [[Jürgen Weiß]] (CTO)\n- [[Juergen Weiss]]\n\n"
      "## Beteiligte\n\n| Person | Role | Company |\n|---|---|---|\n| Jürgen Weiß | CTO | Acme |\n"
      "| Juergen Weiss | Sponsor | Acme |\n";
  const std::string schema = R"({"contactHeadings":["Ansprechpartner"],"collaboratorHeadings":["Beteiligte"]})";
  nlohmann::json req = {{"kind", "contacts"}, {"canonical", "Jürgen Weiß"}, {"members", {"Juergen Weiss"}}};
  auto summary = [&](Engine& e, const nlohmann::json& request) {
    auto plan = nlohmann::json::parse(e.mergePlan(request.dump()));
    EXPECT_TRUE(plan["ok"].get<bool>()) << plan.dump();
    return plan["value"]["summary"];
  };
  Engine with;
  ASSERT_TRUE(nlohmann::json::parse(with.setSchema(schema))["ok"].get<bool>());
  with.upsert(path, text, 0);
  auto s = summary(with, req);
  EXPECT_EQ(s["bulletsCollapsed"], 1) << s.dump();
  EXPECT_EQ(s["rowsMerged"], 1) << s.dump();

  // The default schema does not know these headings: nothing to collapse.
  Engine without;
  without.upsert(path, text, 0);
  auto d = summary(without, req);
  EXPECT_EQ(d["bulletsCollapsed"], 0) << d.dump();
  EXPECT_EQ(d["rowsMerged"], 0) << d.dump();
  // Options in the request still override, key by key.
  req["options"] = nlohmann::json::parse(schema);
  auto o = summary(without, req);
  EXPECT_EQ(o["bulletsCollapsed"], 1) << o.dump();
  EXPECT_EQ(o["rowsMerged"], 1) << o.dump();
}

}  // namespace
}  // namespace vaultcrm
