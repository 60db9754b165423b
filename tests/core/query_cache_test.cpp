// The engine's query cache (page fields and task dates kept between
// queries) must never answer from a vault that has since changed: each test
// runs a query, changes a note (or another note the answer depends on), and
// runs it again, against what a user sees and against the plain evaluation.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "engine/engine_impl.h"
#include "query/cache.h"
#include "query/eval.h"
#include "vaultcrm/engine.h"

namespace {

constexpr const char* kDqlFormat = R"({"format":"dql","now":"2026-01-15T10:00:00"})";
constexpr const char* kTasksFormat = R"({"format":"tasks","now":"2026-01-15T10:00:00"})";

constexpr const char* kPilotMeetings =
    "TABLE date, account FROM \"Meetings\" WHERE date >= date(2025-06-01) AND contains(file.tags, \"pilot\") "
    "SORT date DESC LIMIT 50";
constexpr const char* kOpenTasksDue = "not done\ndue before 2025-12-01\nsort by due\nlimit 50";

std::string meeting(const std::string& date, const std::string& account = "Acme") {
  return "---\ndate: " + date + "\naccount: \"[[" + account + "]]\"\ntags: [pilot]\n---\n# Meeting\n";
}

std::string plain(const vaultcrm::Engine& engine, const char* source, vaultcrm::query::Language language) {
  vaultcrm::query::Options opt;
  opt.now = "2026-01-15T10:00:00";
  opt.language = language;
  vaultcrm::query::detail::plain_evaluation() = true;
  auto outcome = vaultcrm::query::run(engine.impl().vault, source, opt);
  vaultcrm::query::detail::plain_evaluation() = false;
  return vaultcrm::query::to_json(outcome);
}

// The table's rows as "path | date | account path", checked against the plain evaluation.
std::vector<std::string> pilot_rows(const vaultcrm::Engine& engine) {
  std::string answer = engine.query(kPilotMeetings, "", kDqlFormat);
  EXPECT_EQ(answer, plain(engine, kPilotMeetings, vaultcrm::query::Language::Dql));
  auto j = nlohmann::json::parse(answer);
  std::vector<std::string> rows;
  for (const auto& row : j["value"]["rows"])
    rows.push_back(row[0]["path"].get<std::string>() + " | " + row[1]["value"].get<std::string>() + " | " +
                   row[2]["path"].get<std::string>());
  return rows;
}

// The answered tasks as "path:line due".
std::vector<std::string> open_tasks(const vaultcrm::Engine& engine) {
  std::string answer = engine.query(kOpenTasksDue, "", kTasksFormat);
  EXPECT_EQ(answer, plain(engine, kOpenTasksDue, vaultcrm::query::Language::Tasks));
  auto j = nlohmann::json::parse(answer);
  std::vector<std::string> tasks;
  for (const auto& t : j["value"]["tasks"])
    tasks.push_back(t["path"].get<std::string>() + ":" + std::to_string(t["line"].get<int>()) + " " +
                    t["due"].get<std::string>());
  return tasks;
}

using Rows = std::vector<std::string>;

TEST(QueryCache, DqlAnswerFollowsEditsOfTheQueriedField) {
  vaultcrm::Engine engine;
  (void)engine.upsert("Meetings/a.md", meeting("2025-07-01"), 0);
  (void)engine.upsert("Meetings/b.md", meeting("2025-05-01"), 0);
  EXPECT_EQ(pilot_rows(engine), (Rows{"Meetings/a.md | 2025-07-01 | Acme"}));
  EXPECT_EQ(pilot_rows(engine), (Rows{"Meetings/a.md | 2025-07-01 | Acme"}));  // from the cache

  // b moves into the range and ahead of a.
  (void)engine.upsert("Meetings/b.md", meeting("2025-08-01"), 1);
  EXPECT_EQ(pilot_rows(engine), (Rows{"Meetings/b.md | 2025-08-01 | Acme", "Meetings/a.md | 2025-07-01 | Acme"}));

  // a leaves the range; b loses its tag.
  (void)engine.upsert("Meetings/a.md", meeting("2025-01-01"), 2);
  EXPECT_EQ(pilot_rows(engine), (Rows{"Meetings/b.md | 2025-08-01 | Acme"}));
  (void)engine.upsert("Meetings/b.md", "---\ndate: 2025-08-01\n---\n", 3);
  EXPECT_EQ(pilot_rows(engine), Rows{});

  // A new note, a renamed note, a removed note.
  (void)engine.upsert("Meetings/c.md", meeting("2025-09-09"), 4);
  (void)engine.upsert("Meetings/a.md", meeting("2025-10-10"), 5);
  EXPECT_EQ(pilot_rows(engine), (Rows{"Meetings/a.md | 2025-10-10 | Acme", "Meetings/c.md | 2025-09-09 | Acme"}));
  (void)engine.rename("Meetings/a.md", "Meetings/z.md");
  EXPECT_EQ(pilot_rows(engine), (Rows{"Meetings/z.md | 2025-10-10 | Acme", "Meetings/c.md | 2025-09-09 | Acme"}));
  (void)engine.remove("Meetings/c.md");
  EXPECT_EQ(pilot_rows(engine), (Rows{"Meetings/z.md | 2025-10-10 | Acme"}));
}

TEST(QueryCache, DqlLinkFieldResolvesAgainstNotesAddedLater) {
  // The cached `account` of a meeting is a link, resolved against the other
  // notes: a customer note added afterwards changes where it points.
  vaultcrm::Engine engine;
  (void)engine.upsert("Meetings/a.md", meeting("2025-07-01", "Acme"), 0);
  EXPECT_EQ(pilot_rows(engine), (Rows{"Meetings/a.md | 2025-07-01 | Acme"}));
  (void)engine.upsert("Customers/Acme.md", "# Acme\n", 1);
  EXPECT_EQ(pilot_rows(engine), (Rows{"Meetings/a.md | 2025-07-01 | Customers/Acme.md"}));
  (void)engine.rename("Customers/Acme.md", "Customers/Acme Corp.md");
  EXPECT_EQ(pilot_rows(engine), (Rows{"Meetings/a.md | 2025-07-01 | Acme"}));
}

TEST(QueryCache, TasksAnswerFollowsEditsOfStatusAndDueDate) {
  vaultcrm::Engine engine;
  (void)engine.upsert("Projects/p.md", "# P\n- [ ] call back 📅 2025-11-01\n- [ ] later 📅 2026-03-01\n", 0);
  EXPECT_EQ(open_tasks(engine), (Rows{"Projects/p.md:2 2025-11-01"}));
  EXPECT_EQ(open_tasks(engine), (Rows{"Projects/p.md:2 2025-11-01"}));  // from the cache

  // Done: gone. Due moved past the bound: gone. Due moved earlier: back, first.
  (void)engine.upsert("Projects/p.md", "# P\n- [x] call back 📅 2025-11-01\n- [ ] later 📅 2026-03-01\n", 1);
  EXPECT_EQ(open_tasks(engine), Rows{});
  (void)engine.upsert("Projects/p.md", "# P\n- [ ] call back 📅 2025-12-05\n- [ ] later [due:: 2025-10-02]\n", 2);
  EXPECT_EQ(open_tasks(engine), (Rows{"Projects/p.md:3 2025-10-02"}));
  (void)engine.upsert("Meetings/m.md", "- [ ] agenda 📅 2025-09-30\n", 3);
  EXPECT_EQ(open_tasks(engine), (Rows{"Meetings/m.md:1 2025-09-30", "Projects/p.md:3 2025-10-02"}));
  (void)engine.remove("Projects/p.md");
  EXPECT_EQ(open_tasks(engine), (Rows{"Meetings/m.md:1 2025-09-30"}));
}

TEST(QueryCache, ManyFieldsInOneQueryKeepEarlierValuesValid) {
  // A query naming more fields than the cache keeps between queries still
  // reads each of them (trimming waits for the next query).
  vaultcrm::Engine engine;
  (void)engine.upsert("Meetings/a.md", "---\ndate: 2025-07-01\nf17: 17\n---\n", 0);
  std::string many = "TABLE f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, date "
                     "WHERE date >= date(2025-01-01) AND f17 = 17";
  for (int run = 0; run < 2; ++run) {
    std::string answer = engine.query(many, "", kDqlFormat);
    EXPECT_EQ(answer, plain(engine, many.c_str(), vaultcrm::query::Language::Dql));
    auto rows = nlohmann::json::parse(answer)["value"]["rows"];
    ASSERT_EQ(rows.size(), 1u) << answer;
    EXPECT_EQ(rows[0][17], 17);  // numbers are bare JSON numbers
    EXPECT_EQ(rows[0][18]["value"], "2025-07-01");
  }
  EXPECT_EQ(pilot_rows(engine), Rows{});
}

// ---- the cache follows each change note by note --------------------------------
// The engine's cache is no longer emptied by a change: the changed notes'
// entries are refreshed and the rest kept. What a user sees must be what an
// engine that never cached anything shows: a fresh engine given the vault as
// it is now, and the plain evaluation.

// The answer of a fresh engine loaded with the vault's notes as they are now.
std::string fresh_answer(const vaultcrm::Engine& engine, const std::string& source, const char* format) {
  vaultcrm::Engine fresh;
  const auto& vault = engine.impl().vault;
  // One bulk load, so nothing of the incremental path is shared with `engine`.
  fresh.batchBegin(vault.notes().size());
  for (const auto& [path, note] : vault.notes()) fresh.batchAdd(path, vault.text(path).value_or(""), note.mtime);
  (void)fresh.batchEnd();
  return fresh.query(source, "", format);
}

bool is_tasks(const char* format) { return std::string(format) == kTasksFormat; }

// The engine's answer, checked against a fresh engine and the plain evaluation.
std::string checked(const vaultcrm::Engine& engine, const std::string& source, const char* format,
                    const std::string& step = "") {
  std::string answer = engine.query(source, "", format);
  EXPECT_EQ(answer, fresh_answer(engine, source, format)) << step << "\n" << source;
  EXPECT_EQ(answer, plain(engine, source.c_str(),
                          is_tasks(format) ? vaultcrm::query::Language::Tasks : vaultcrm::query::Language::Dql))
      << step << "\n" << source;
  return answer;
}

// A result's rows as text: each cell's path (links) or value, " | " between.
std::vector<std::string> rows_of(const std::string& answer) {
  auto j = nlohmann::json::parse(answer);
  std::vector<std::string> rows;
  auto cell = [](const nlohmann::json& c) -> std::string {
    if (c.is_string()) return c.get<std::string>();
    if (c.is_object() && c.contains("path")) return c["path"].get<std::string>();
    if (c.is_object() && c.contains("value")) return c["value"].is_string() ? c["value"].get<std::string>() : c["value"].dump();
    if (c.is_array()) {
      std::string out;
      for (const auto& x : c) out += (out.empty() ? "" : ",") + (x.is_object() && x.contains("path") ? x["path"].get<std::string>() : x.dump());
      return "[" + out + "]";
    }
    return c.dump();
  };
  for (const auto& row : j["value"]["rows"]) {
    std::string line;
    for (const auto& c : row) line += (line.empty() ? "" : " | ") + cell(c);
    rows.push_back(line);
  }
  return rows;
}

TEST(QueryCacheFollowsChanges, AFieldEditChangesOnlyThatNotesRow) {
  vaultcrm::Engine engine;
  (void)engine.upsert("Customers/Acme.md", "---\nstatus: active\n---\n", 0);
  (void)engine.upsert("Customers/Globex.md", "---\nstatus: active\n---\n", 0);
  (void)engine.upsert("Customers/Initech.md", "status:: lost\n", 0);
  const std::string q = "TABLE status FROM \"Customers\" WHERE status = \"active\" SORT file.name";
  EXPECT_EQ(rows_of(checked(engine, q, kDqlFormat)),
            (Rows{"Customers/Acme.md | active", "Customers/Globex.md | active"}));
  (void)engine.upsert("Customers/Globex.md", "---\nstatus: churned\n---\n", 1);
  EXPECT_EQ(rows_of(checked(engine, q, kDqlFormat)), (Rows{"Customers/Acme.md | active"}));
  (void)engine.upsert("Customers/Initech.md", "status:: active\n", 1);  // an inline field
  EXPECT_EQ(rows_of(checked(engine, q, kDqlFormat)),
            (Rows{"Customers/Acme.md | active", "Customers/Initech.md | active"}));
}

TEST(QueryCacheFollowsChanges, ATagEditChangesTagHitsAndTagSources) {
  vaultcrm::Engine engine;
  (void)engine.upsert("Meetings/a.md", "---\ntags: [pilot]\n---\n", 0);
  (void)engine.upsert("Meetings/b.md", "# B #priority\n", 0);
  const std::string hits = "LIST FROM \"Meetings\" WHERE contains(file.tags, \"pilot\") SORT file.path";
  const std::string source = "LIST FROM #pilot SORT file.path";
  EXPECT_EQ(rows_of(checked(engine, hits, kDqlFormat)), (Rows{"Meetings/a.md"}));
  EXPECT_EQ(rows_of(checked(engine, source, kDqlFormat)), (Rows{"Meetings/a.md"}));
  (void)engine.upsert("Meetings/b.md", "# B #pilot/phase-2\n", 1);  // a subtag counts
  (void)engine.upsert("Meetings/a.md", "---\ntags: [done]\n---\n", 1);
  EXPECT_EQ(rows_of(checked(engine, hits, kDqlFormat)), (Rows{"Meetings/b.md"}));
  EXPECT_EQ(rows_of(checked(engine, source, kDqlFormat)), (Rows{"Meetings/b.md"}));
}

TEST(QueryCacheFollowsChanges, TaskEditsKeepThePathOrderOfTheOtherNotesTasks) {
  vaultcrm::Engine engine;
  (void)engine.upsert("A/x.md", "- [ ] a1 📅 2025-03-01\n- [ ] a2 📅 2025-03-01\n", 0);
  (void)engine.upsert("B/y.md", "# no tasks yet\n", 0);
  (void)engine.upsert("C/z.md", "- [ ] c1 📅 2025-03-01\n", 0);
  const std::string q = "not done\ndue before 2025-12-01\nsort by due";
  auto tasks = [&]() {
    std::vector<std::string> out;
    const auto answer = nlohmann::json::parse(checked(engine, q, kTasksFormat));
    for (const auto& t : answer["value"]["tasks"])
      out.push_back(t["path"].get<std::string>() + ":" + std::to_string(t["line"].get<int>()) + " " +
                    t["due"].get<std::string>());
    return out;
  };
  EXPECT_EQ(tasks(), (Rows{"A/x.md:1 2025-03-01", "A/x.md:2 2025-03-01", "C/z.md:1 2025-03-01"}));
  // B gains tasks with the same due date: they sort between A's and C's (ties keep path order).
  (void)engine.upsert("B/y.md", "- [ ] b1 📅 2025-03-01\n- [x] b2 📅 2025-03-01\n- [ ] b3 [due:: 2025-03-01]\n", 1);
  EXPECT_EQ(tasks(), (Rows{"A/x.md:1 2025-03-01", "A/x.md:2 2025-03-01", "B/y.md:1 2025-03-01",
                           "B/y.md:3 2025-03-01", "C/z.md:1 2025-03-01"}));
  // A loses one, a due date moves, a date that is not YYYY-MM-DD.
  (void)engine.upsert("A/x.md", "- [ ] a2 📅 2025-02-01\n", 2);
  (void)engine.upsert("C/z.md", "- [ ] c1 📅 2025-3-1\n- [ ] c2 📅 2025-01-15\n", 2);
  EXPECT_EQ(tasks(), (Rows{"C/z.md:2 2025-01-15", "A/x.md:1 2025-02-01", "B/y.md:1 2025-03-01",
                           "B/y.md:3 2025-03-01"}));
  (void)engine.upsert("B/y.md", "all done\n", 3);
  EXPECT_EQ(tasks(), (Rows{"C/z.md:2 2025-01-15", "A/x.md:1 2025-02-01"}));
}

TEST(QueryCacheFollowsChanges, ALinkEditMovesInlinksOfOtherNotes) {
  vaultcrm::Engine engine;
  (void)engine.upsert("Customers/Acme.md", "# Acme\n", 0);
  (void)engine.upsert("Customers/Globex.md", "# Globex\n", 0);
  (void)engine.upsert("Meetings/m1.md", "---\naccount: \"[[Acme]]\"\n---\nwith [[Acme]]\n", 0);
  (void)engine.upsert("Meetings/m2.md", "---\naccount: \"[[Acme]]\"\n---\n", 0);
  const std::string in = "TABLE file.inlinks AS inlinks FROM \"Customers\" SORT file.name";
  const std::string by_account = "TABLE account FROM \"Meetings\" WHERE account = [[Globex]] SORT file.name";
  EXPECT_EQ(rows_of(checked(engine, in, kDqlFormat)),
            (Rows{"Customers/Acme.md | [Meetings/m1.md,Meetings/m2.md]", "Customers/Globex.md | []"}));
  EXPECT_EQ(rows_of(checked(engine, by_account, kDqlFormat)), Rows{});
  (void)engine.upsert("Meetings/m2.md", "---\naccount: \"[[Globex]]\"\n---\n", 1);
  EXPECT_EQ(rows_of(checked(engine, in, kDqlFormat)),
            (Rows{"Customers/Acme.md | [Meetings/m1.md]", "Customers/Globex.md | [Meetings/m2.md]"}));
  EXPECT_EQ(rows_of(checked(engine, by_account, kDqlFormat)), (Rows{"Meetings/m2.md | Customers/Globex.md"}));
}

TEST(QueryCacheFollowsChanges, RenamesRemovesAndNewNotesMoveWhereCachedLinksPoint) {
  vaultcrm::Engine engine;
  (void)engine.upsert("Customers/Acme.md", "# Acme\n", 0);
  (void)engine.upsert("Meetings/m1.md", "---\naccount: \"[[Acme]]\"\nwith: [\"[[Ana]]\", \"[[Bo]]\"]\n---\n", 0);
  (void)engine.upsert("Meetings/m2.md", "account:: [[Customers/Acme]]\n", 0);
  (void)engine.upsert("People/Ana.md", "# Ana\n", 0);
  const std::string q = "TABLE account, with FROM \"Meetings\" SORT file.name";
  const std::string folder = "LIST FROM \"Customers\" SORT file.name";
  EXPECT_EQ(rows_of(checked(engine, q, kDqlFormat)),
            (Rows{"Meetings/m1.md | Customers/Acme.md | [People/Ana.md,Bo]", "Meetings/m2.md | Customers/Acme.md | null"}));
  EXPECT_EQ(rows_of(checked(engine, folder, kDqlFormat)), (Rows{"Customers/Acme.md"}));
  // A namesake with a shorter path wins [[Acme]] (not [[Customers/Acme]]); Bo comes into being.
  (void)engine.upsert("Acme.md", "# the other Acme\n", 1);
  (void)engine.upsert("People/Bo.md", "# Bo\n", 1);
  EXPECT_EQ(rows_of(checked(engine, q, kDqlFormat)),
            (Rows{"Meetings/m1.md | Acme.md | [People/Ana.md,People/Bo.md]", "Meetings/m2.md | Customers/Acme.md | null"}));
  // Renamed into the folder, over nothing; then a note renamed onto an existing one.
  (void)engine.rename("Acme.md", "Customers/Acme Two.md");
  EXPECT_EQ(rows_of(checked(engine, q, kDqlFormat)),
            (Rows{"Meetings/m1.md | Customers/Acme.md | [People/Ana.md,People/Bo.md]", "Meetings/m2.md | Customers/Acme.md | null"}));
  EXPECT_EQ(rows_of(checked(engine, folder, kDqlFormat)), (Rows{"Customers/Acme.md", "Customers/Acme Two.md"}));
  (void)engine.rename("Customers/Acme Two.md", "Customers/Acme.md");
  EXPECT_EQ(rows_of(checked(engine, folder, kDqlFormat)), (Rows{"Customers/Acme.md"}));
  // Removed: the links no longer resolve and stay as written.
  (void)engine.remove("People/Ana.md");
  (void)engine.remove("Customers/Acme.md");
  EXPECT_EQ(rows_of(checked(engine, q, kDqlFormat)),
            (Rows{"Meetings/m1.md | Acme | [Ana,People/Bo.md]", "Meetings/m2.md | Customers/Acme | null"}));
  EXPECT_EQ(rows_of(checked(engine, folder, kDqlFormat)), Rows{});
}

TEST(QueryCacheFollowsChanges, ManyChangesBetweenTwoQueriesStartTheCacheAgain) {
  // Past what the vault's change log keeps (and past what is worth patching)
  // the cache starts again; the answers are the same either way.
  vaultcrm::Engine engine;
  for (int i = 0; i < 80; ++i)
    (void)engine.upsert("Meetings/m" + std::to_string(i) + ".md", meeting("2025-07-" + std::to_string(10 + i % 20)), 0);
  EXPECT_EQ(pilot_rows(engine).size(), 50u);
  (void)open_tasks(engine);
  for (int i = 0; i < 70; ++i)  // 70 notes: more than kMaxChangedNotes
    (void)engine.upsert("Meetings/m" + std::to_string(i) + ".md", meeting("2025-05-01") + "- [ ] t 📅 2025-01-0" + std::to_string(1 + i % 9) + "\n", 1);
  EXPECT_EQ(pilot_rows(engine).size(), 10u);
  auto has = [](const Rows& rows, const std::string& row) { return std::find(rows.begin(), rows.end(), row) != rows.end(); };
  EXPECT_TRUE(has(open_tasks(engine), "Meetings/m1.md:7 2025-01-02"));
  for (int round = 0; round < 300; ++round)  // more than Vault::kChangeLog
    (void)engine.upsert("Meetings/m1.md", meeting("2025-08-0" + std::to_string(1 + round % 9)), 2);
  EXPECT_EQ(pilot_rows(engine).size(), 11u);
  EXPECT_FALSE(has(open_tasks(engine), "Meetings/m1.md:7 2025-01-02"));
}

// The log by path, as the caches read it: a path that came and went is only
// gone, one removed and back is gone and new, one only parsed again is
// edited; each once, sorted.
TEST(QueryCacheFollowsChanges, VaultChangeSetSortsPathsIntoGoneNewAndEdited) {
  vaultcrm::index::Vault vault;
  vault.upsert("keep.md", "x", 0);
  vault.upsert("moved.md", "x", 0);
  vault.upsert("back.md", "x", 0);
  vault.upsert("gone.md", "x", 0);
  const void* moved = vault.find("moved.md");
  const void* back = vault.find("back.md");
  const void* gone = vault.find("gone.md");
  const uint64_t g0 = vault.generation();
  vault.upsert("keep.md", "y", 1);
  vault.upsert("keep.md", "z", 1);  // twice: once in the lists
  vault.rename("moved.md", "to.md");
  vault.upsert("back.md", "y", 1);
  vault.remove("back.md");
  vault.upsert("back.md", "z", 1);
  vault.upsert("gone.md", "y", 1);
  vault.remove("gone.md");
  vault.upsert("brief.md", "x", 1);
  const void* brief = vault.find("brief.md");
  vault.remove("brief.md");
  vaultcrm::index::Vault::ChangeSet set;
  ASSERT_TRUE(vault.changes_since(g0, set));
  using Paths = std::vector<std::string_view>;
  EXPECT_EQ(set.paths, (Paths{"back.md", "brief.md", "gone.md", "keep.md", "moved.md", "to.md"}));
  EXPECT_EQ(set.removed, (Paths{"back.md", "brief.md", "gone.md", "moved.md"}));
  EXPECT_EQ(set.added, (Paths{"back.md", "to.md"}));
  EXPECT_EQ(set.edited, (Paths{"keep.md"}));
  // A freed address may be taken again by a later note: compared as sets.
  auto sorted_once = [](std::vector<const void*> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  };
  EXPECT_EQ(set.removed_notes, sorted_once({moved, back, gone, brief}));
  EXPECT_EQ(set.notes, sorted_once({moved, back, gone, brief, vault.find("keep.md"), vault.find("to.md"),
                                    vault.find("back.md")}));
  EXPECT_EQ(set.log.size(), 11u);
  EXPECT_FALSE(vault.changes_since(vault.generation() + 1, set));
}

TEST(QueryCacheFollowsChanges, VaultChangeLogReportsEachChangeOnce) {
  vaultcrm::index::Vault vault;
  using Kind = vaultcrm::index::Vault::Change::Kind;
  vault.upsert("a.md", "x", 0);
  const uint64_t g0 = vault.generation();
  std::vector<vaultcrm::index::Vault::Change> changes;
  EXPECT_TRUE(vault.changes_since(g0, changes));
  EXPECT_TRUE(changes.empty());
  const void* a = vault.find("a.md");
  vault.upsert("a.md", "y", 1);
  vault.upsert("b.md", "z", 1);
  const void* b = vault.find("b.md");
  vault.rename("a.md", "b.md");  // replaces b
  const void* moved = vault.find("b.md");
  vault.remove("b.md");
  ASSERT_TRUE(vault.changes_since(g0, changes));
  ASSERT_EQ(changes.size(), 6u);
  auto is = [&](size_t i, Kind kind, const char* path, const void* note) {
    EXPECT_EQ(changes[i].kind, kind) << i;
    EXPECT_EQ(changes[i].path, path) << i;
    EXPECT_EQ(changes[i].note, note) << i;
  };
  is(0, Kind::Edited, "a.md", a);
  is(1, Kind::Added, "b.md", b);
  is(2, Kind::Removed, "a.md", a);
  is(3, Kind::Removed, "b.md", b);
  is(4, Kind::Added, "b.md", moved);
  is(5, Kind::Removed, "b.md", moved);
  for (size_t i = 1; i < changes.size(); ++i) EXPECT_LE(changes[i - 1].generation, changes[i].generation);
  EXPECT_EQ(changes.back().generation, vault.generation());
  // From a later generation, only what came after it.
  std::vector<vaultcrm::index::Vault::Change> later;
  ASSERT_TRUE(vault.changes_since(changes[1].generation, later));
  EXPECT_EQ(later.size(), 4u);
  // clear() and an overflowing log: the caller must start again.
  for (size_t i = 0; i <= vaultcrm::index::Vault::kChangeLog; ++i) vault.upsert("c.md", std::to_string(i), 0);
  std::vector<vaultcrm::index::Vault::Change> lost;
  EXPECT_FALSE(vault.changes_since(g0, lost));
  EXPECT_TRUE(lost.empty());
  const uint64_t g1 = vault.generation();
  vault.clear();
  EXPECT_FALSE(vault.changes_since(g1, lost));
  EXPECT_TRUE(vault.changes_since(vault.generation(), lost));
}

// Random edits, adds, removes and renames (onto free and taken paths, across
// folders, namesakes in several folders, case twins), a few at a time; after
// each step every query answers exactly as a fresh engine and the plain
// evaluation.
void random_changes(unsigned seed) {
  std::mt19937 rng(seed);
  auto pick = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };
  const std::vector<std::string> folders = {"", "Customers/", "Meetings/", "People/", "Meetings/2025/"};
  // Case twins too ("Customers/Acme.md" and "Customers/acme.md"; a case-sensitive disk holds both).
  const std::vector<std::string> names = {"Acme", "Globex", "Ana", "Bo", "m1", "m2", "Initech", "acme", "ANA", "M1"};
  const std::vector<std::string> dates = {"2025-01-05", "2025-06-01", "2025-07-15", "2025-12-31", "2025-7-1", "soon"};
  const std::vector<std::string> targets = {"Acme", "Globex", "Ana", "Bo", "Customers/Acme", "Meetings/m1", "Nobody",
                                            "acme.md", "People/Ana", "customers/ACME"};
  const std::vector<std::string> tags = {"pilot", "priority", "pilot/phase-2", "Pilot"};
  auto note_text = [&]() {
    std::string t = "---\n";
    if (rng() % 4) t += "date: " + pick(dates) + "\n";
    if (rng() % 3) t += "account: \"[[" + pick(targets) + "]]\"\n";
    if (rng() % 3 == 0) t += "with: [\"[[" + pick(targets) + "]]\", \"[[" + pick(targets) + "]]\"]\n";
    if (rng() % 2) t += "tags: [" + pick(tags) + "]\n";
    if (rng() % 3 == 0) t += "status: " + pick({"active", "lost"}) + "\n";
    t += "---\n# Note\n";
    if (rng() % 2) t += "status:: " + pick({"active", "lost"}) + "\n";
    if (rng() % 2) t += "Met [[" + pick(targets) + "]] and [[" + pick(targets) + "]] #" + pick(tags) + "\n";
    for (unsigned k = rng() % 4; k > 0; --k) {
      t += std::string("- [") + (rng() % 3 == 0 ? "x" : " ") + "] task " + std::to_string(k);
      if (rng() % 4) t += " 📅 " + pick(dates);
      if (rng() % 4 == 0) t += " [scheduled:: " + pick(dates) + "]";
      t += "\n";
    }
    return t;
  };
  auto random_path = [&]() { return pick(folders) + pick(names) + ".md"; };
  auto existing = [&](const vaultcrm::Engine& e) {
    std::vector<std::string> paths;
    for (const auto& [p, n] : e.impl().vault.notes()) paths.push_back(p);
    return paths;
  };
  const std::vector<std::pair<std::string, const char*>> queries = {
      {"TABLE date, account FROM \"Meetings\" WHERE date >= date(2025-06-01) AND contains(file.tags, \"pilot\") "
       "SORT date DESC LIMIT 5", kDqlFormat},
      {"TABLE account, with, status WHERE account OR with SORT file.path", kDqlFormat},
      {"TABLE file.inlinks, file.outlinks FROM \"Customers\" SORT file.name", kDqlFormat},
      {"LIST FROM #pilot SORT file.path", kDqlFormat},
      {"LIST FROM \"Meetings\" WHERE contains(file.etags, \"#pilot\") SORT file.path", kDqlFormat},
      {"TABLE length(rows) AS n GROUP BY account", kDqlFormat},
      {"TABLE status WHERE status = \"active\" SORT date, file.path", kDqlFormat},
      {"LIST WHERE account = [[Acme]] SORT file.path", kDqlFormat},
      {"TASK FROM \"Meetings\" WHERE !completed SORT due", kDqlFormat},
      {kOpenTasksDue, kTasksFormat},
      {"done\nsort by path", kTasksFormat},
      {"not done", kTasksFormat},
      {"happens after 2025-03-01\nnot done\nsort by scheduled\nsort by due", kTasksFormat},
      {"path includes Meetings\nscheduled before 2025-08-01\ngroup by path", kTasksFormat},
  };
  vaultcrm::Engine engine;
  for (int i = 0; i < 10; ++i) (void)engine.upsert(random_path(), note_text(), 0);
  for (int step = 0; step < 120; ++step) {
    std::string did;
    for (unsigned k = 1 + (rng() % 4 == 0 ? rng() % 5 : 0); k > 0; --k) {
      auto paths = existing(engine);
      const unsigned op = rng() % 10;
      if (op < 5 && !paths.empty()) {
        std::string p = pick(paths);
        (void)engine.upsert(p, note_text(), step);
        did += " edit " + p;
      } else if (op < 7 || paths.empty()) {
        std::string p = random_path();
        (void)engine.upsert(p, note_text(), step);
        did += " upsert " + p;
      } else if (op < 8) {
        std::string p = pick(paths);
        (void)engine.remove(p);
        did += " remove " + p;
      } else {
        std::string from = pick(paths), to = rng() % 3 == 0 ? pick(paths) : random_path();
        (void)engine.rename(from, to);
        did += " rename " + from + " -> " + to;
      }
    }
    // Not every query runs every step: some entries wait through several changes.
    for (size_t q = 0; q < queries.size(); ++q)
      if (rng() % 3) (void)checked(engine, queries[q].first, queries[q].second, "step " + std::to_string(step) + ":" + did);
    if (::testing::Test::HasFailure()) break;
  }
}

// Several runs: seeds 1 and 8 bring case twins together with links to them
// early (before the twins were indexed one by one, both failed).
TEST(QueryCacheFollowsChanges, RandomChangesAnswerAsAFreshEngine) {
  for (unsigned seed : {20261126u, 1u, 8u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    random_changes(seed);
    if (HasFailure()) return;
  }
}

}  // namespace

namespace {

// SORT file.name / file.path over most of a large vault reads the cache's
// order of those texts; notes added, removed and renamed must move in it
// exactly as a sort of the texts would place them: same names in several
// folders, names differing in case or accents only, digits and punctuation.
TEST(QueryCacheFollowsChanges, NameAndPathOrdersFollowAddsRemovesAndRenames) {
  std::mt19937 rng(7);
  auto pick = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };
  const std::vector<std::string> folders = {"", "A/", "B/", "a/", "Ä/", "B/sub/"};
  const std::vector<std::string> stems = {"alpha", "Alpha", "ALPHA", "Émile", "emile", "Emile", "zoë", "Zoe", "10 items",
                                          "9 items", "item-2", "item 2", "Ölçek", "olcek", "_x", "ß", "ss", "Ana Lima"};
  auto random_path = [&]() { return pick(folders) + pick(stems) + (rng() % 2 ? " " + std::to_string(rng() % 40) : "") + ".md"; };
  auto existing = [&](const vaultcrm::Engine& e) {
    std::vector<std::string> paths;
    for (const auto& [p, n] : e.impl().vault.notes()) paths.push_back(p);
    return paths;
  };
  vaultcrm::Engine engine;
  while (engine.impl().vault.notes().size() < 700) (void)engine.upsert(random_path(), "# n\n", 0);
  const std::vector<std::string> queries = {"LIST SORT file.name", "LIST SORT file.name DESC",
                                            "TABLE file.folder SORT file.path LIMIT 40", "LIST SORT file.folder DESC LIMIT 600",
                                            "LIST SORT file.path DESC SORT file.name"};
  for (const auto& q : queries) (void)checked(engine, q, kDqlFormat, "start");
  for (int step = 0; step < 40; ++step) {
    std::string did;
    for (unsigned k = 1 + rng() % 3; k > 0; --k) {
      auto paths = existing(engine);
      const unsigned op = rng() % 4;
      if (op == 0) {
        std::string p = random_path();
        (void)engine.upsert(p, "# new\n", step);
        did += " upsert " + p;
      } else if (op == 1) {
        std::string p = pick(paths);
        (void)engine.remove(p);
        did += " remove " + p;
      } else if (op == 2) {
        std::string from = pick(paths), to = rng() % 4 == 0 ? pick(paths) : random_path();
        (void)engine.rename(from, to);
        did += " rename " + from + " -> " + to;
      } else {
        std::string p = pick(paths);
        (void)engine.upsert(p, "# edited " + std::to_string(step) + "\n", step);
        did += " edit " + p;
      }
    }
    for (const auto& q : queries) (void)checked(engine, q, kDqlFormat, "step " + std::to_string(step) + ":" + did);
    if (::testing::Test::HasFailure()) break;
  }
}

}  // namespace
