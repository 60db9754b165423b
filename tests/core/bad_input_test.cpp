// Bad input is a value, not a crash: each case gives the note a diagnostic
// with a line (and column), and the rest of the note and of the vault is
// still indexed.
#include <gtest/gtest.h>

#include <chrono>

#include "test_util.h"
#include "vaultcrm/index.h"

using namespace vaultcrm;
using vaultcrm::testing::error_of;

namespace {

// Indexes `bad` next to a healthy note and checks both are there.
const parse::Note& index_with_neighbour(index::Vault& vault, const std::string& bad) {
  vault.upsert("Good.md", "---\ntype: person\n---\n- [ ] call [[Bad]]\n", 0);
  const auto& note = vault.upsert("Bad.md", bad, 0);
  const parse::Note* good = vault.find("Good.md");
  EXPECT_NE(good, nullptr);
  EXPECT_EQ(good->tasks.size(), 1u);
  EXPECT_EQ(vault.resolve("Bad", "Good.md"), "Bad.md");
  return note;
}

}  // namespace

TEST(BadInput, UnterminatedFrontmatter) {
  index::Vault vault;
  const auto& n = index_with_neighbour(vault, "---\ntype: customer\n# Acme\n\n- [ ] still a task\n");
  const auto* e = error_of(n, "frontmatter_unterminated");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 1);
  EXPECT_FALSE(n.has_frontmatter);
  EXPECT_EQ(n.tasks.size(), 1u);  // the body is still read
}

TEST(BadInput, BrokenYamlSyntaxHasItsPlace) {
  index::Vault vault;
  const auto& n = index_with_neighbour(vault, "---\ntype: customer\nname: [unclosed\n---\n# Acme\n- [ ] task\n");
  const auto* e = error_of(n, "yaml_syntax");
  ASSERT_NE(e, nullptr);
  EXPECT_GE(e->line, 3);
  EXPECT_LE(e->line, 4);
  EXPECT_GE(e->column, 1);
  EXPECT_EQ(n.tasks.size(), 1u);
  EXPECT_EQ(n.sections.size(), 1u);
}

TEST(BadInput, TabIndentation) {
  index::Vault vault;
  const auto& n = index_with_neighbour(vault, "---\ncontact:\n\temail: a@b.co\n---\nbody [[Good]]\n");
  const auto* e = error_of(n, "yaml_syntax");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 3);
  EXPECT_EQ(n.links.size(), 1u);
}

TEST(BadInput, DuplicateKeysKeepTheFirstValue) {
  index::Vault vault;
  const auto& n = index_with_neighbour(vault, "---\nrole: CEO\nteam: x\nrole: CFO\n---\n");
  const auto* e = error_of(n, "yaml_duplicate_key");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 4);
  EXPECT_EQ(e->column, 1);
  EXPECT_EQ(*n.frontmatter.find("role"), Value("CEO"));
}

TEST(BadInput, AliasBombIsRefusedQuickly) {
  std::string yaml = "---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    yaml += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev + ", " + prev + ", " + prev + ", " +
            prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + "]\n";
  }
  yaml += "---\n# Still here\n";
  index::Vault vault;
  auto start = std::chrono::steady_clock::now();
  const auto& n = index_with_neighbour(vault, yaml);
  auto elapsed = std::chrono::steady_clock::now() - start;
  const auto* e = error_of(n, "yaml_too_large");
  ASSERT_NE(e, nullptr);
  EXPECT_GT(e->line, 1);
  EXPECT_EQ(n.sections.size(), 1u);
  // 10^12 values if expanded; the budget stops it (a generous bound, not a benchmark).
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 10);
}

TEST(BadInput, DeepYamlNesting) {
  std::string deep(5000, '[');
  deep += std::string(5000, ']');
  index::Vault vault;
  const auto& n = index_with_neighbour(vault, "---\nk: " + deep + "\n---\n# After\n");
  const auto* e = error_of(n, "yaml_too_deep");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 2);
  EXPECT_EQ(n.sections.size(), 1u);
  // Block nesting deeper than the limit, built without brackets.
  std::string block = "---\n";
  for (int i = 0; i < 80; ++i) block += std::string(i * 2, ' ') + "k" + std::to_string(i) + ":\n";
  block += std::string(160, ' ') + "leaf: 1\n---\n";
  auto m = parse::parse_note("m.md", block, 0);
  EXPECT_NE(error_of(m, "yaml_too_deep"), nullptr);
}

TEST(BadInput, InvalidUtf8IsReportedWithItsPlace) {
  index::Vault vault;
  const auto& n = index_with_neighbour(vault, "# Title\n\nok line\nbad \xC3\x28 byte [[Good]]\n");
  const auto* e = error_of(n, "invalid_utf8");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 4);
  EXPECT_EQ(e->column, 5);
  EXPECT_EQ(n.links.size(), 1u);
}

TEST(BadInput, NulBytes) {
  index::Vault vault;
  std::string text = "# T\n\nbefore";
  text.push_back('\0');
  text += "after [[Good]]\n";
  const auto& n = index_with_neighbour(vault, text);
  const auto* e = error_of(n, "nul_byte");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 3);
  EXPECT_EQ(e->column, 7);
  EXPECT_EQ(n.links.size(), 1u);
}

TEST(BadInput, ByteOrderMarkIsSkippedAndRemembered) {
  index::Vault vault;
  const auto& n = index_with_neighbour(vault, "\xEF\xBB\xBF---\ntype: person\n---\n# P\n");
  EXPECT_TRUE(n.bom);
  EXPECT_TRUE(n.errors.empty());
  EXPECT_EQ(*n.frontmatter.find("type"), Value("person"));
  EXPECT_EQ(n.sections[0].line, 4);
}

TEST(BadInput, CrlfFrontmatterAndBody) {
  index::Vault vault;
  const auto& n = index_with_neighbour(vault, "---\r\ntype: person\r\ntags: [a]\r\n---\r\n# P\r\n- [ ] x\r\n");
  EXPECT_TRUE(n.crlf);
  EXPECT_TRUE(n.errors.empty());
  EXPECT_EQ(n.tasks[0].line, 6);
  EXPECT_EQ(n.tasks[0].text, "x");
}

TEST(BadInput, HugeNoteOverTheLimit) {
  index::Vault vault;
  vault.limits.max_note_bytes = 1 << 20;
  std::string big(2 << 20, 'a');
  const auto& n = index_with_neighbour(vault, big);
  const auto* e = error_of(n, "note_too_large");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 1);
}

TEST(BadInput, DeeplyNestedMarkdown) {
  // 10,000 levels of block quotes and 2,000 of lists: no crash, the link inside is found.
  std::string quotes(10000, '>');
  quotes += " deep [[Good]]\n";
  std::string lists;
  for (int i = 0; i < 2000; ++i) lists += std::string(i * 2, ' ') + "- level\n";
  index::Vault vault;
  const auto& n = index_with_neighbour(vault, quotes + "\n" + lists);
  EXPECT_EQ(n.links.size(), 1u);
  EXPECT_GE(n.lists.size(), 2u);
}

TEST(BadInput, LinkWithAnEntityKeepsItsPlace) {
  auto n = parse::parse_note("a.md", "# R\n\n- [[MAI & VAST]]\n- [[R&amp;D]]\n", 0);
  ASSERT_EQ(n.links.size(), 2u);
  EXPECT_EQ(n.links[0].target, "MAI & VAST");
  EXPECT_EQ(n.links[0].line, 3);
  EXPECT_EQ(n.links[0].column, 3);
  EXPECT_EQ(n.links[1].line, 4);
}
