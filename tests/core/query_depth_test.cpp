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
