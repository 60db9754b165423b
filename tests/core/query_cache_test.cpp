// The engine's query cache (page fields and task dates kept between
// queries) must never answer from a vault that has since changed: each test
// runs a query, changes a note (or another note the answer depends on), and
// runs it again, against what a user sees and against the plain evaluation.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/engine_impl.h"
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
  vaultcrm::query::detail::plain_evaluation = true;
  auto outcome = vaultcrm::query::run(engine.impl().vault, source, opt);
  vaultcrm::query::detail::plain_evaluation = false;
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

}  // namespace
