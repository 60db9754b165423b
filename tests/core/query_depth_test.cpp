// A query from a note can nest without bound; the parsers must answer with an
// error, never overflow the stack (which would take the editor down).
#include <gtest/gtest.h>

#include <string>

#include "vaultcrm/query.h"

using namespace vaultcrm;

namespace {
query::Outcome run(const std::string& q, query::Language lang) {
  index::Vault v;
  v.upsert("a.md", "- [ ] task #a\n", 0);
  query::Options opt;
  opt.language = lang;
  return query::run(v, q, opt);
}
std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}
}  // namespace

TEST(QueryDepth, DeepDqlExpressionIsAnError) {
  auto out = run("TABLE " + repeat("(", 100000) + "1", query::Language::Dql);
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.error.code, "query_syntax");
  EXPECT_NE(out.error.message.find("nests deeper"), std::string::npos);
  EXPECT_EQ(out.error.line, 1);
  auto unary = run("TABLE " + repeat("!", 100000) + "true", query::Language::Dql);
  EXPECT_FALSE(unary.ok);
  auto source = run("LIST FROM " + repeat("!", 100000) + "#a", query::Language::Dql);
  EXPECT_FALSE(source.ok);
  // Reasonable nesting still works.
  EXPECT_TRUE(run("TABLE " + repeat("(", 50) + "1" + repeat(")", 50), query::Language::Dql).ok);
}

TEST(QueryDepth, DeepTasksFilterIsAnError) {
  auto out = run(repeat("NOT (", 100000) + "done" + repeat(")", 100000), query::Language::Tasks);
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.error.line, 1);
  EXPECT_TRUE(run("NOT (done)", query::Language::Tasks).ok);
}

// Tasks' description drops Dataview task fields whatever their case, and the
// cut lands in the right place after non-ASCII text (a lower-cased copy used
// to be searched, whose byte positions can differ from the text's).
TEST(TasksDescription, DropsTaskFieldsInAnyCaseAfterNonAsciiText) {
  index::Vault v;
  v.upsert("a.md",
           "- [ ] \xC4\xB0stanbul review [Due:: 2026-02-01] with Ana (PRIORITY:: high) [note:: keep] \xE2\x8F\xAB\n"
           "- [ ] Plain task without fields\n"
           "- [ ] [dependsOn:: abc] [id:: x1] (scheduled:: 2026-01-20) done by [[Ana]]\n",
           0);
  query::Options opt;
  opt.language = query::Language::Tasks;
  auto out = query::run(v, "sort by description", opt);
  ASSERT_TRUE(out.ok) << out.error.message;
  std::vector<std::string> descriptions;
  for (const auto& t : out.result.tasks) descriptions.push_back(t.description);
  EXPECT_EQ(descriptions, (std::vector<std::string>{"done by [[Ana]]",
                                                    "\xC4\xB0stanbul review with Ana [note:: keep]",
                                                    "Plain task without fields"}));
}
