// The account panel of the seed note inside the project's sample vault.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/engine_impl.h"
#include "test_util.h"
#include "vaultcrm/panel.h"

using namespace vaultcrm;
namespace fs = std::filesystem;

namespace {

const index::Vault& sample_vault() {
  static index::Vault vault = [] {
    index::Vault v;
    std::string root = vaultcrm::testing::source_path("sample-vault");
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file() && e.path().extension() == ".md")
        v.upsert(fs::relative(e.path(), root).generic_string(), vaultcrm::testing::read_file(e.path().string()), 0);
    return v;
  }();
  return vault;
}

}  // namespace

TEST(Panel, SeedAccountStatusAndFrontmatter) {
  auto p = panel::build(sample_vault(), "Customers/Microsoft.md", {});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->title, "Microsoft");
  EXPECT_EQ(p->type, "customer");
  ASSERT_EQ(p->status.size(), 2u);
  EXPECT_EQ(p->status[0].field, "Status");
  EXPECT_EQ(p->status[0].value, "Active");
  EXPECT_EQ(p->status[1].value, "Technology");
}

TEST(Panel, KeyContactsCollapseExactRepeats) {
  auto p = panel::build(sample_vault(), "Customers/Microsoft.md", {});
  ASSERT_TRUE(p.has_value());
  int total = 0;
  const panel::Contact* ronnie = nullptr;
  const panel::Contact* jason = nullptr;
  for (const auto& c : p->contacts) {
    total += c.count;
    if (c.name == "Ronnie Booker") ronnie = &c;
    if (c.name == "Jason Vallery") jason = &c;
  }
  EXPECT_EQ(total, 136);  // every bullet is counted once
  ASSERT_NE(ronnie, nullptr);
  EXPECT_EQ(ronnie->count, 2);
  EXPECT_EQ(ronnie->lines, (std::vector<int>{47, 72}));
  ASSERT_NE(jason, nullptr);
  EXPECT_EQ(jason->count, 8);
  EXPECT_LT(p->contacts.size(), 136u);
}

TEST(Panel, CollaboratorsKeepEveryRole) {
  auto p = panel::build(sample_vault(), "Customers/Microsoft.md", {});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->collaborators.size(), 77u);
  std::vector<std::string> ronnie_roles;
  for (const auto& c : p->collaborators)
    if (c.name == "Ronnie Booker") ronnie_roles.push_back(c.role);
  EXPECT_EQ(ronnie_roles, (std::vector<std::string>{
                              "Runs Azure hardware",
                              "Owns chassis/layout/storage placement decisions for Apollo deployments"}));
}

TEST(Panel, RecentContextWithDatesAndResolvedMeetingLinks) {
  auto p = panel::build(sample_vault(), "Customers/Microsoft.md", {});
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->recent_context.size(), 71u);
  const auto& first = p->recent_context.front();
  EXPECT_EQ(first.date, "2025-12-15");
  ASSERT_EQ(first.links.size(), 1u);
  EXPECT_EQ(first.links[0].target, "2025-12-15 - Microsoft MAI strategy and next steps");
  // The sample vault has this meeting note, so the link resolves.
  EXPECT_EQ(first.links[0].resolved, "Meetings/2025-12-15 - Microsoft MAI strategy and next steps.md");
}

TEST(Panel, OpenTasksOfTheNoteOnly) {
  index::Vault v;
  v.upsert("Customers/Acme.md",
           "## Open\n- [ ] call 📅 2026-01-02 ⏫\n- [x] done\n- [-] cancelled\n- [/] in progress\n", 0);
  auto p = panel::build(v, "Customers/Acme.md", {});
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->open_tasks.size(), 2u);
  EXPECT_EQ(p->open_tasks[0].due, "2026-01-02");
  EXPECT_EQ(p->open_tasks[0].priority, "high");
  EXPECT_EQ(p->open_tasks[1].status, "/");
  EXPECT_FALSE(panel::build(v, "Customers/None.md", {}).has_value());
}

TEST(Panel, SchemaOverrideRenamesSections) {
  index::Vault v;
  v.upsert("Kunden/Bäckerei.md", "## Ansprechpartner\n- [[Jürgen Weiß]]\n- Jürgen Weiß\n", 0);
  panel::PanelSchema schema;
  EXPECT_TRUE(panel::build(v, "Kunden/Bäckerei.md", schema)->contacts.empty());
  schema.contact_headings = {"Ansprechpartner"};
  auto p = panel::build(v, "Kunden/Bäckerei.md", schema);
  ASSERT_EQ(p->contacts.size(), 1u);
  EXPECT_EQ(p->contacts[0].name, "Jürgen Weiß");
  EXPECT_EQ(p->contacts[0].count, 2);
}
