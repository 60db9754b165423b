// Frontmatter: typed values, tags/aliases normalisation, and the
// differential check that the fast path agrees with yaml-cpp wherever it
// accepts an input.
#include <gtest/gtest.h>

#include <random>

#include "test_util.h"
#include "vaultcrm/parse.h"

using namespace vaultcrm;

namespace {

Value via_yamlcpp(const std::string& yaml) {
  std::vector<parse::Diagnostic> errors;
  Value v = parse::parse_yaml_with_yamlcpp(yaml, 2, parse::Limits{}, errors);
  if (v.is_null() && errors.empty()) v = Value::object();
  return v;
}

// Asserts the fast path either declines or equals yaml-cpp. Returns whether it accepted.
bool check_same(const std::string& yaml) {
  Value fast;
  if (!parse::parse_yaml_fast(yaml, fast)) return false;
  Value slow = via_yamlcpp(yaml);
  EXPECT_EQ(fast, slow) << "fast path differs from yaml-cpp on:\n" << yaml;
  return true;
}

}  // namespace

TEST(Frontmatter, ScalarsAreTypedByTheCoreSchema) {
  auto fm = parse::parse_frontmatter(
      "---\ncount: 42\nratio: 0.5\nflag: true\nnothing: ~\nempty:\nzip: 01234\nwhen: 2025-12-17\n"
      "quoted: '42'\nname: Ana Lima\n---\nbody\n");
  ASSERT_TRUE(fm.present);
  const Value& v = fm.value;
  EXPECT_EQ(*v.find("count"), Value(int64_t{42}));
  EXPECT_EQ(*v.find("ratio"), Value(0.5));
  EXPECT_EQ(*v.find("flag"), Value(true));
  EXPECT_TRUE(v.find("nothing")->is_null());
  EXPECT_TRUE(v.find("empty")->is_null());
  EXPECT_EQ(*v.find("zip"), Value("01234"));  // a leading zero is kept: postcodes, phone numbers
  EXPECT_EQ(*v.find("when"), Value("2025-12-17"));
  EXPECT_EQ(*v.find("quoted"), Value("42"));
  EXPECT_EQ(*v.find("name"), Value("Ana Lima"));
  EXPECT_EQ(fm.last_line, 11);
}

TEST(Frontmatter, NestedValuesGoThroughYamlCpp) {
  auto fm = parse::parse_frontmatter("---\ncontact:\n  email: a@b.co\n  phones: [1, 2]\nnote: |\n  two\n  lines\n---\n");
  ASSERT_TRUE(fm.present);
  EXPECT_FALSE(fm.used_fast_path);
  const Value* contact = fm.value.find("contact");
  ASSERT_NE(contact, nullptr);
  EXPECT_EQ(*contact->find("email"), Value("a@b.co"));
  EXPECT_EQ(contact->find("phones")->as_array().size(), 2u);
  EXPECT_EQ(*fm.value.find("note"), Value("two\nlines\n"));
}

TEST(Frontmatter, TagsAndAliasesNormalised) {
  auto a = parse::parse_note("a.md", "---\ntags: crm, lead #a comment\naliases: Bob\n---\n", 0);
  EXPECT_EQ(a.tags, (std::vector<std::string>{"crm", "lead"}));
  EXPECT_EQ(a.aliases, (std::vector<std::string>{"Bob"}));
  auto b = parse::parse_note("b.md", "---\ntags:\n  - crm\n  - type/person\naliases: [Robert, \"Bob S.\"]\n---\n", 0);
  EXPECT_EQ(b.tags, (std::vector<std::string>{"crm", "type/person"}));
  EXPECT_EQ(b.aliases, (std::vector<std::string>{"Robert", "Bob S."}));
}

TEST(Frontmatter, FastPathCoversTheCommonObsidianShapes) {
  const char* cases[] = {
      "created: '2026-01-03'\nlast_contact: '2025-12-17'\ntags:\n- type/customer\n- generated\ntitle: Microsoft\ntype: "
      "customer\n",
      "type: person\naliases: [Bob, \"Robert S.\"]\nemail: bob@example.com\nrating: 4.5\nactive: false\n",
      "attendees:\n  - \"[[Ana Lima]]\"\n  - '[[Bo Berg|Bo]]'\ndate: 2025-10-14\n",
      "empty_list: []\nurl: https://example.com/a#b\ntime: 10:30\nnothing:\n",
      "title: It''s fine\n", "title: 'It''s fine'\n", "k: \"x # y\"\n", "n: -12\nm: +3\nf: 1e3\nh: 0x1F\n",
      "k: v # comment\n", "k: [a, [b]]\n", "k: \"esc\\n\"\n", "k: a\nk: b\n", "- a\n- b\n", "k: >\n  folded\n",
      "k: &a 1\nj: *a\n", "k:\n  a: 1\n", "k: [a,]\n", "k: plain\n  continued\n", "'quoted key': 1\n", "k:\tv\n",
      "k: [ 'a', \"b\" , c ]\n", "k: yes\nl: on\nm: NULL\nn: .inf\n", "k: 99999999999999999999\n", "k: 0o17\n",
  };
  int accepted = 0;
  for (const char* c : cases) accepted += check_same(c);
  EXPECT_GE(accepted, 10);  // the shapes notes actually use stay on the fast path
  Value v;
  EXPECT_TRUE(parse::parse_yaml_fast(cases[0], v));
  EXPECT_TRUE(parse::parse_yaml_fast(cases[1], v));
  EXPECT_TRUE(parse::parse_yaml_fast(cases[2], v));
  EXPECT_FALSE(parse::parse_yaml_fast("k: a\nk: b\n", v));  // duplicates get yaml-cpp's diagnostics
}

// Random frontmatters built from pieces the fast path may or may not
// accept; whenever it accepts, yaml-cpp must agree exactly.
TEST(Frontmatter, DifferentialAgainstYamlCppOnRandomInputs) {
  std::mt19937 rng(20261125);
  const char* keys[] = {"type", "tags", "aliases", "email", "company", "role", "date", "a b", "x-y", "k_1", "Ünï"};
  const char* scalars[] = {"person",     "'quoted'",  "\"dq\"",     "42",        "-7",     "3.14",   "true",
                           "False",      "~",         "null",       "2025-01-02", "007",    "a: b",   "a #b",
                           "#c",         "x#y",       "'it''s'",    "\"a\\tb\"",  "[a, b]", "[]",     "{a: 1}",
                           "&anc v",     "*anc",      "!tag v",     "- x",        "|",      "@at",    "`tick`",
                           "https://x.y", "[[Link]]", "\"[[Link|Alias]]\"", "Jürgen", "1e5", "0x10", ".5", "+1",
                           "  spaced  ", "", "[a, 'b, c', \"d\"]", "[a,,b]", "%x", "?q", ": x", "ends:"};
  int accepted = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string yaml;
    int n = 1 + rng() % 5;
    for (int i = 0; i < n; ++i) {
      yaml += keys[rng() % std::size(keys)];
      yaml += ":";
      int shape = rng() % 4;
      if (shape == 3) {
        yaml += "\n";
        int items = rng() % 4;
        std::string indent = rng() % 2 ? "  " : "";
        for (int k = 0; k < items; ++k) yaml += indent + "- " + scalars[rng() % std::size(scalars)] + "\n";
      } else {
        yaml += " ";
        yaml += scalars[rng() % std::size(scalars)];
        yaml += "\n";
      }
      if (rng() % 10 == 0) yaml += "\n";
    }
    accepted += check_same(yaml);
  }
  // Not a tautology: a good share of inputs must take the fast path.
  EXPECT_GT(accepted, 300);
}
