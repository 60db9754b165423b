// dedup::report_json writes the report straight to JSON; it must be byte for
// byte json::write_compact(report_to_json(report)), the output the engine
// gave before (clients and golden files compare bytes).
#include <gtest/gtest.h>

#include <filesystem>

#include "dedup/dedup_json.h"
#include "json/writer.h"
#include "test_util.h"
#include "vaultcrm/dedup.h"
#include "vaultcrm/index.h"

namespace fs = std::filesystem;
using namespace vaultcrm;

namespace {

void expect_same_bytes(const dedup::Report& r) {
  std::string direct = dedup::report_json(r);
  std::string tree = json::write_compact(dedup::report_to_json(r));
  ASSERT_EQ(direct.size(), tree.size());
  EXPECT_TRUE(direct == tree);
}

}  // namespace

TEST(DedupJson, DirectWriterEqualsTreeOnAHandMadeVault) {
  index::Vault v;
  // Escapes, UTF-8, an invalid byte, a table with roles and companies, an
  // ambiguous first name, paraphrases with unique facts, different events.
  v.upsert("Customers/Acme \"Q\".md",
           "---\ntype: customer\n---\n# Acme\n\n## Key Contacts\n\n- Jürgen Weiß\n- Juergen Weiss\n- Jason Vallery\n"
           "- Jason Taylor\n- Jason\n- Tab\there \\ back\n- Bad \xff byte\n\n## Collaborators\n\n"
           "| Person | Role | Company |\n|---|---|---|\n| Ronnie Booker | Runs hardware | Acme |\n"
           "| Ronnie Booker | Owns layout | Acme Cloud |\n\n## Recent Context\n\n"
           "- 2025-12-30: The email discusses a successful deal for Leidos Federal involving a cloud deployment\n\n"
           "- 2025-12-30: The email discusses the successful submission of a $96,808.14 deal for Leidos Federal\n\n"
           "- 2025-12-11: Call with Anna about the Q1 budget and hiring plan.\n\n"
           "- 2025-12-11: Call with Anna about the Q2 budget and hiring plan.\n\n"
           "- 2025-12-12: Pasted twice, word for word, with “quotes” — and a dash.\n\n"
           "- 2025-12-12: Pasted twice, word for word, with “quotes” — and a dash.\n",
           0);
  v.upsert("People/Jürgen Weiß.md", "---\ntype: person\nemail: jw@acme.example\naliases: [Jürgen]\n---\n# Jürgen Weiß\n", 0);
  dedup::Report r = dedup::run(v, dedup::Options{});
  ASSERT_FALSE(r.contacts.clusters.empty());
  ASSERT_FALSE(r.groups.empty());
  expect_same_bytes(r);
}

TEST(DedupJson, DirectWriterEqualsTreeOnTheSampleVault) {
  const std::string dir = std::string(VAULTCRM_SHARED_DIR) + "/fixtures/crm-vault";
  if (!fs::exists(dir)) GTEST_SKIP() << "SKIPPED: " << dir << " not found (../shared is only present in CI)";
  index::Vault v;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".md")
      v.upsert(fs::relative(e.path(), dir).generic_string(), vaultcrm::testing::read_file(e.path().string()), 0);
  expect_same_bytes(dedup::run(v, dedup::Options{}));
}

TEST(DedupJson, EmptyReport) { expect_same_bytes(dedup::Report{}); }
