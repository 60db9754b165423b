// The in-memory index: Obsidian's link resolution, backlinks, unresolved
// links, and incremental upsert / remove / rename.
#include <gtest/gtest.h>

#include "vaultcrm/index.h"
#include "vaultcrm/query.h"

using namespace vaultcrm;

TEST(Index, ResolvesByPathBasenameCaseInsensitively) {
  index::Vault v;
  v.upsert("People/Ana Lima.md", "# Ana\n", 0);
  v.upsert("Customers/Acme.md", "[[ana lima]] [[People/Ana Lima]] [[Ana Lima.md]] [[Nobody]]\n", 0);
  EXPECT_EQ(v.resolve("ana lima", "Customers/Acme.md"), "People/Ana Lima.md");
  EXPECT_EQ(v.resolve("People/Ana Lima", "Customers/Acme.md"), "People/Ana Lima.md");
  EXPECT_EQ(v.resolve("Ana Lima.md", "Customers/Acme.md"), "People/Ana Lima.md");
  EXPECT_FALSE(v.resolve("Nobody", "Customers/Acme.md").has_value());
  auto unresolved = v.unresolved();
  ASSERT_EQ(unresolved.size(), 1u);
  EXPECT_EQ(unresolved[0].target, "Nobody");
  EXPECT_EQ(unresolved[0].source, "Customers/Acme.md");
}

TEST(Index, SameBasenamePrefersTheShortestPathOrTheGivenFolder) {
  index::Vault v;
  v.upsert("Archive/2024/Acme.md", "old\n", 0);
  v.upsert("Acme.md", "new\n", 0);
  EXPECT_EQ(v.resolve("Acme", "x.md"), "Acme.md");
  EXPECT_EQ(v.resolve("2024/Acme", "x.md"), "Archive/2024/Acme.md");
  v.remove("Acme.md");
  EXPECT_EQ(v.resolve("Acme", "x.md"), "Archive/2024/Acme.md");
}

TEST(Index, AliasesIdentifyButDoNotResolveLinks) {
  index::Vault v;
  v.upsert("People/Robert Smith.md", "---\naliases: [Bob Smith]\n---\n", 0);
  EXPECT_FALSE(v.resolve("Bob Smith", "a.md").has_value());  // Obsidian leaves [[Bob Smith]] unresolved
  EXPECT_EQ(v.resolve("Bob Smith", "a.md", true), "People/Robert Smith.md");
}

TEST(Index, BacklinksFollowEdits) {
  index::Vault v;
  v.upsert("People/Ana.md", "# Ana\n", 0);
  v.upsert("Meetings/M1.md", "with [[Ana]]\n", 0);
  v.upsert("Meetings/M2.md", "with [[People/Ana|her]]\n", 0);
  v.upsert("Meetings/M3.md", "no links\n", 0);
  EXPECT_EQ(v.backlinks("People/Ana.md"), (std::vector<std::string>{"Meetings/M1.md", "Meetings/M2.md"}));
  v.upsert("Meetings/M1.md", "no longer\n", 0);
  v.upsert("Meetings/M3.md", "now [[ana]]\n", 0);
  EXPECT_EQ(v.backlinks("People/Ana.md"), (std::vector<std::string>{"Meetings/M2.md", "Meetings/M3.md"}));
  v.remove("Meetings/M2.md");
  EXPECT_EQ(v.backlinks("People/Ana.md"), (std::vector<std::string>{"Meetings/M3.md"}));
}

// Dataview reads Obsidian's resolved links, where a note that links to itself
// is among the notes linking to it: `LIST FROM [[Acme]]` and `file.inlinks`
// list it. The account panel's and mention counts' backlinks leave it out.
TEST(Index, SelfLinkIsABacklinkOnlyWhenAskedAsDataviewDoes) {
  index::Vault v;
  v.upsert("Customers/Acme.md", "See [[Acme]] and [[Ana]].\n", 0);
  v.upsert("People/Ana.md", "Works with [[Acme]].\n", 0);
  EXPECT_EQ(v.backlinks("Customers/Acme.md"), (std::vector<std::string>{"People/Ana.md"}));
  EXPECT_EQ(v.backlinks("Customers/Acme.md", true),
            (std::vector<std::string>{"Customers/Acme.md", "People/Ana.md"}));
  query::Options opt;
  opt.language = query::Language::Dql;
  auto from = query::run(v, "LIST FROM [[Acme]]", opt);
  ASSERT_TRUE(from.ok) << from.error.message;
  ASSERT_EQ(from.result.rows.size(), 2u);
  EXPECT_EQ(from.result.rows[0][0].text, "Customers/Acme.md");
  EXPECT_EQ(from.result.rows[1][0].text, "People/Ana.md");
  auto inlinks = query::run(v, "TABLE WITHOUT ID length(file.inlinks) FROM \"Customers\"", opt);
  ASSERT_TRUE(inlinks.ok) << inlinks.error.message;
  ASSERT_EQ(inlinks.result.rows.size(), 1u);
  EXPECT_EQ(inlinks.result.rows[0][0].number, 2);
  // Ana does not link to herself: only Acme's link comes in.
  auto ana = query::run(v, "LIST FROM [[Ana]]", opt);
  ASSERT_TRUE(ana.ok);
  ASSERT_EQ(ana.result.rows.size(), 1u);
  EXPECT_EQ(ana.result.rows[0][0].text, "Customers/Acme.md");
}

TEST(Index, RenameMakesOldLinksUnresolvedAndNewNameResolve) {
  index::Vault v;
  v.upsert("People/Jon Park.md", "# Jon\n", 0);
  v.upsert("Customers/Acme.md", "[[Jon Park]] and [[Jonathan Park]]\n", 0);
  EXPECT_EQ(v.unresolved().size(), 1u);
  ASSERT_TRUE(v.rename("People/Jon Park.md", "People/Jonathan Park.md"));
  EXPECT_EQ(v.find("People/Jon Park.md"), nullptr);
  ASSERT_NE(v.find("People/Jonathan Park.md"), nullptr);
  EXPECT_EQ(v.find("People/Jonathan Park.md")->name, "Jonathan Park");
  EXPECT_EQ(v.resolve("Jonathan Park", "Customers/Acme.md"), "People/Jonathan Park.md");
  auto unresolved = v.unresolved();
  ASSERT_EQ(unresolved.size(), 1u);
  EXPECT_EQ(unresolved[0].target, "Jon Park");
  EXPECT_EQ(v.backlinks("People/Jonathan Park.md"), (std::vector<std::string>{"Customers/Acme.md"}));
  EXPECT_FALSE(v.rename("missing.md", "x.md"));
}

TEST(Index, UpsertReplacesTheOldVersionCompletely) {
  index::Vault v;
  v.upsert("a.md", "---\naliases: [Old]\n---\n", 0);
  v.upsert("a.md", "---\naliases: [New]\n---\n", 0);
  EXPECT_FALSE(v.resolve("Old", "x.md", true).has_value());
  EXPECT_EQ(v.resolve("New", "x.md", true), "a.md");
  EXPECT_EQ(v.size(), 1u);
}

TEST(Index, TagsWithSubtagsAndFolders) {
  index::Vault v;
  v.upsert("Inbox/a.md", "#followup/network\n", 0);
  v.upsert("Inbox/Deep/b.md", "---\ntags: [FollowUp]\n---\n", 0);
  v.upsert("Inboxes/c.md", "#followupx\n", 0);
  EXPECT_EQ(v.notes_with_tag("#followup"), (std::vector<std::string>{"Inbox/Deep/b.md", "Inbox/a.md"}));
  EXPECT_EQ(v.notes_with_tag("followup", false), (std::vector<std::string>{"Inbox/Deep/b.md"}));
  EXPECT_EQ(v.notes_in_folder("Inbox").size(), 2u);  // not "Inboxes"
  EXPECT_EQ(v.notes_in_folder("").size(), 3u);
  v.remove("Inbox/a.md");
  EXPECT_EQ(v.notes_with_tag("followup"), (std::vector<std::string>{"Inbox/Deep/b.md"}));
}

TEST(Index, KeepsExactTextAndItsHashThroughRename) {
  index::Vault v;
  std::string text = "\xEF\xBB\xBF---\r\ntype: person\r\n---\r\nbody  \r\n";
  v.upsert("a.md", text, 0);
  EXPECT_EQ(v.text("a.md"), text);
  EXPECT_EQ(v.text_hash("a.md"), index::hash_text(text));
  EXPECT_NE(index::hash_text(text), index::hash_text(text + " "));
  v.rename("a.md", "b.md");
  EXPECT_FALSE(v.text("a.md").has_value());
  EXPECT_EQ(v.text("b.md"), text);
  v.remove("b.md");
  EXPECT_EQ(v.text_hash("b.md"), 0u);
}

TEST(Index, HashIsStandardFnv1a64) {
  // Known answers of FNV-1a 64; the plugin (plugin/merge.ts) hashes the same way.
  EXPECT_EQ(index::hash_text(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(index::hash_text("a"), 0xaf63dc4c8601ec8cull);
}
