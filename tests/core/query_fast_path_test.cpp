// The query shortcuts (constant folding, contains(file.tags, ...) read from
// the note, entity tables shared through the engine's cache) must answer
// byte for byte what the plain evaluation answers: on the sample and golden
// vaults, and again after notes are edited and removed (the cache is keyed
// on the vault's generation).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine_impl.h"
#include "query/exec.h"
#include "test_util.h"
#include "vaultcrm/engine.h"

namespace fs = std::filesystem;

namespace {

constexpr const char* kNow = "2026-01-15T10:00:00";

struct Case {
  const char* source;
  const char* format;  // "dql" | "tasks"
};

// The bench's five shapes (bench/js/queries.mjs) and variants that reach
// each shortcut and its fallbacks.
const Case kCases[] = {
    {"TABLE date, account FROM \"Meetings\" WHERE date >= date(2025-06-01) AND contains(file.tags, \"pilot\") SORT date DESC LIMIT 50", "dql"},
    {"TABLE date FROM \"Meetings\" WHERE date >= date(\"2025-06-01\") SORT date DESC, file.name ASC", "dql"},
    {"LIST FROM #pilot SORT file.name ASC", "dql"},
    {"LIST FROM #type SORT file.name DESC", "dql"},
    {"LIST FROM [[Microsoft]] SORT file.path", "dql"},
    {"LIST WHERE contains(file.tags, \"#\") SORT file.name", "dql"},
    {"LIST WHERE contains(file.tags, \"#type/\") SORT file.name", "dql"},
    {"LIST WHERE contains(file.tags, \"type/p\")", "dql"},
    {"LIST WHERE contains(file.etags, \"#meeting\")", "dql"},
    {"LIST WHERE contains(file.tags, \"\")", "dql"},
    {"LIST WHERE contains(file.tags, list(\"#pilot\", \"#crm\"))", "dql"},
    {"LIST WHERE contains(file.tags, 1)", "dql"},
    {"LIST WHERE !contains(file.tags, \"pilot\") AND file.name != \"x\"", "dql"},
    {"TABLE file.tags WHERE contains(map(file.tags, (t) => lower(t)), \"pilot\")", "dql"},
    {"TABLE file.tags FLATTEN file.tags AS tag WHERE contains(file.tags, tag)", "dql"},
    {"TABLE x FROM \"Meetings\" FLATTEN list(date(today), dur(\"3 days\"), -1, [[Microsoft]]) AS x LIMIT 8", "dql"},
    {"TABLE date(\"not a date\"), date(today) + dur(\"1 week\"), upper(\"ab\") LIMIT 3", "dql"},
    {"TABLE roles, companies FROM people WHERE contains(accounts, [[Microsoft]]) SORT name", "dql"},
    // An entity table's rows found by the link a field holds (the entity cache's index)
    {"LIST FROM people WHERE contains(accounts, [[Kolej Bałtycka Północ]])", "dql"},
    {"LIST FROM people WHERE contains(accounts, [[Microsoft]]) AND name != \"Qi Ke\"", "dql"},
    {"LIST FROM people WHERE contains(ACCOUNTS, [[Microsoft]])", "dql"},
    {"LIST FROM people WHERE name != \"x\" AND contains(accounts, [[Customers/Microsoft.md]])", "dql"},
    {"LIST FROM people WHERE contains(accounts, [[Microsoft#History]])", "dql"},
    {"LIST FROM people WHERE contains(accounts, [[Microsoft]]) OR contains(accounts, [[Åkerlund & Dotter]])", "dql"},
    {"LIST FROM people WHERE contains(accounts, \"Microsoft\")", "dql"},
    {"LIST FROM people WHERE contains(accounts, [[Nowhere]])", "dql"},
    {"TABLE attendees FROM meetings WHERE contains(attendees, [[Jason Vallery]]) SORT file.name", "dql"},
    {"TABLE people FROM accounts WHERE contains(people, [[Ana Luísa Ferreira]])", "dql"},
    {"TABLE people FROM companies WHERE contains(people, [[Qi Ke]])", "dql"},
    {"TABLE roles, companies, accounts FROM people SORT name DESC", "dql"},
    {"TABLE people, meetings, last_contact FROM accounts SORT name", "dql"},
    {"TABLE date, attendees FROM meetings WHERE date >= date(2025-10-01) SORT date DESC", "dql"},
    {"TABLE people FROM companies SORT name", "dql"},
    {"TASK WHERE !completed SORT file.name", "dql"},
    // SORT then LIMIT (a partial sort; ties keep their order), SORT on a note's own text
    {"TABLE file.folder FROM #type SORT file.folder DESC LIMIT 7", "dql"},
    {"LIST SORT file.folder LIMIT 12", "dql"},
    {"LIST SORT file.path DESC LIMIT 1000", "dql"},
    {"TABLE date FROM \"Meetings\" SORT date DESC LIMIT 0", "dql"},
    {"TABLE date FROM \"Meetings\" SORT date DESC, file.name LIMIT 3", "dql"},
    {"TASK SORT file.name DESC LIMIT 5", "dql"},
    {"TABLE t FLATTEN file.tags AS t SORT file.name LIMIT 9", "dql"},
    {"TABLE length(rows) GROUP BY file.folder SORT key DESC LIMIT 2", "dql"},
    // contains(x, literal): strings, links in lists, objects, numbers, null haystacks
    {"LIST WHERE contains(file.name, \"a\") SORT file.name LIMIT 20", "dql"},
    {"LIST WHERE contains(file.outlinks, [[Microsoft]])", "dql"},
    {"LIST WHERE contains(file.frontmatter, \"type\") LIMIT 15", "dql"},
    {"TABLE roles FROM people WHERE contains(roles, 3) OR contains(nothing, \"x\")", "dql"},
    {"TABLE accounts FROM people WHERE !contains(accounts, [[Microsoft]]) SORT name LIMIT 4", "dql"},
    // A contains() with another constant first: the link's part is still found
    {"TABLE accounts FROM people WHERE contains(name, \"a\") AND contains(accounts, [[Microsoft]]) SORT name", "dql"},
    {"TABLE people FROM accounts WHERE contains(people, \"Qi\") AND (contains(people, [[Qi Ke]]) AND name != null)", "dql"},
    // Page fields from the query cache, compared where they lie, and what
    // must not be read from it: a FLATTEN member or a lambda parameter of
    // the same name, task fields, `this`, link fields (resolved), lists
    {"TABLE date FROM \"Meetings\" WHERE date(2025-11-01) <= date SORT date", "dql"},
    {"TABLE account FROM \"Meetings\" WHERE account = [[Microsoft]] OR account != null SORT account, date DESC", "dql"},
    {"TABLE date FROM \"Meetings\" FLATTEN attendees AS date WHERE date != null SORT date LIMIT 6", "dql"},
    {"LIST WHERE length(filter(list(1, 2, 3), (date) => date >= 2)) = 2 AND date > date(2025-12-01)", "dql"},
    {"TASK WHERE due < date(2026-01-20) AND !completed SORT due DESC", "dql"},
    {"TABLE attendees, tags WHERE attendees != null AND date < date(2026-01-10) SORT file.name LIMIT 5", "dql"},
    {"TABLE this.file.name, type WHERE type = \"meeting\" AND date >= this.date SORT date", "dql"},
    // SORT keys compared as numbers (all dates or all numbers, nulls first) and the mixes that are not
    {"TABLE x FROM \"Meetings\" FLATTEN list(3, null, -1.5, 3) AS x SORT x DESC, file.name LIMIT 9", "dql"},
    {"TABLE k FLATTEN choice(contains(file.name, \"a\"), 2, date(2025-01-01)) AS k SORT k, file.path", "dql"},
    {"TABLE date FROM \"People\" OR \"Meetings\" SORT date DESC, file.name LIMIT 12", "dql"},
    // Tasks: quick filters (done, date bounds) before, between and after others
    {"done\nsort by due\nlimit 5", "tasks"},
    {"happens on or before 2026-01-20\nnot done\nsort by scheduled", "tasks"},
    {"(not done) AND (due before 2026-02-01)\nlimit 10", "tasks"},
    {"not done\ndue before 2026-01-20\ndescription includes the\nsort by due reverse", "tasks"},
    {"no due date\nnot done\nsort by path", "tasks"},
    {"due in 2026-01-01 2026-01-31\nsort by due\nsort by description", "tasks"},
    {"due after 2025-06-30\nnot done\nsort by urgency\nlimit 10", "tasks"},
    {"happens before 2026-01-01\nsort by scheduled\nlimit 10", "tasks"},
    {"not done\ndue before 2025-12-01\nsort by due\nlimit 50", "tasks"},
    {"not done\nsort by description\nlimit 5", "tasks"},
    {"sort by urgency reverse\nsort by path\nlimit 7", "tasks"},
    {"has due date\ngroup by due\nlimit 20", "tasks"},
    {"description includes pilot\nsort by heading", "tasks"},
    {"(due after 2025-01-01) OR (priority is high)\nsort by priority\nsort by filename\nlimit 9", "tasks"},
    // A date as the first sort key with a limit: only the tasks at or before
    // the limit-th date are sorted; ties at that date, reversed orders,
    // undated tasks (last, or first reversed), limit 0, a limit before groups
    {"sort by due\nsort by description\nlimit 3", "tasks"},
    {"sort by due reverse\nsort by path reverse\nlimit 4", "tasks"},
    {"not done\nsort by due\nlimit 0", "tasks"},
    {"sort by scheduled reverse\nsort by description\nlimit 6", "tasks"},
    {"sort by start\nsort by description\nlimit 400", "tasks"},
    {"sort by done\nsort by urgency\nlimit 2", "tasks"},
    {"not done\nsort by due\ngroup by filename\nlimit 8", "tasks"},
};

std::vector<std::pair<std::string, std::string>> read_vault(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".md") continue;
    out.emplace_back(fs::relative(e.path(), dir).generic_string(), vaultcrm::testing::read_file(e.path().string()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string format_of(const Case& c) { return std::string("{\"format\":\"") + c.format + "\",\"now\":\"" + kNow + "\"}"; }

// The plain evaluation: no folding, no shortcuts, entity tables computed for
// this query alone.
std::string plain_answer(const vaultcrm::Engine& engine, const Case& c) {
  vaultcrm::query::Options opt;
  opt.now = kNow;
  opt.language = std::string(c.format) == "tasks" ? vaultcrm::query::Language::Tasks : vaultcrm::query::Language::Dql;
  vaultcrm::query::detail::plain_evaluation() = true;
  auto outcome = vaultcrm::query::run(engine.impl().vault, c.source, opt);
  vaultcrm::query::detail::plain_evaluation() = false;
  return vaultcrm::query::to_json(outcome);
}

void expect_same_answers(const vaultcrm::Engine& engine, const std::string& when) {
  for (const auto& c : kCases) {
    std::string fast = engine.query(c.source, "", format_of(c));
    std::string again = engine.query(c.source, "", format_of(c));  // from the entity cache
    std::string plain = plain_answer(engine, c);
    EXPECT_EQ(fast, plain) << when << "\n  query: " << c.source;
    EXPECT_EQ(again, plain) << when << " (second run)\n  query: " << c.source;
    EXPECT_NE(fast.find("\"ok\":true"), std::string::npos) << when << "\n  query: " << c.source << "\n  " << fast;
  }
}

void check_vault(const std::string& dir) {
  auto files = read_vault(dir);
  ASSERT_FALSE(files.empty()) << dir;
  vaultcrm::Engine engine;
  for (const auto& [path, text] : files) (void)engine.upsert(path, text, 0);
  expect_same_answers(engine, dir + ", as loaded");

  // Edits: a note gains a tag, a task and a contact; another is removed.
  for (size_t i = 0; i < files.size(); i += 3) {
    const auto& [path, text] = files[i];
    (void)engine.upsert(path, text + "\n#pilot/late\n- [ ] follow up 📅 2025-11-20\n- 2026-01-05: met [[Microsoft]]\n", 1);
  }
  expect_same_answers(engine, dir + ", after edits");
  for (size_t i = 1; i < files.size(); i += 4) (void)engine.remove(files[i].first);
  expect_same_answers(engine, dir + ", after removals");
}

TEST(QueryFastPath, SampleVaultAnswersEqualThePlainEvaluation) {
  check_vault(vaultcrm::testing::source_path("sample-vault"));
}

TEST(QueryFastPath, GoldenVaultAnswersEqualThePlainEvaluation) {
  check_vault(vaultcrm::testing::source_path("tests/golden/vault"));
}

TEST(QueryFastPath, FoldingKeepsErrorsPerRow) {
  // A constant part that fails is left to the rows: with no rows there is
  // no error, as in the plain evaluation.
  vaultcrm::Engine engine;
  (void)engine.upsert("a.md", "---\ntags: [x]\n---\n", 0);
  Case c{"LIST FROM \"nowhere\" WHERE date(1, 2, 3)", "dql"};
  EXPECT_EQ(engine.query(c.source, "", format_of(c)), plain_answer(engine, c));
  Case d{"LIST WHERE date(1, 2, 3)", "dql"};
  EXPECT_EQ(engine.query(d.source, "", format_of(d)), plain_answer(engine, d));
}

}  // namespace
