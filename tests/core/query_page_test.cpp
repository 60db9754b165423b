// A query block shows its answer a page at a time ({"page":{"offset","size"}}
// in the query options): the engine then orders only up to the page's end
// and writes out only the page. Whatever the query, a page must read exactly
// as that slice of the whole answer, and "total" must count the whole answer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vaultcrm/engine.h"

namespace {

using nlohmann::json;

// A vault with many ties: the same note names in two folders, scores 1-5,
// meeting dates shared by several meetings, tasks with and without dates.
void fill(vaultcrm::Engine& e) {
  const char* const kFirst[] = {"Ana", "Bruno", "Carla", "Dário", "Émile", "Farah", "Göran", "Hana", "Ivo", "Jun"};
  const char* const kLast[] = {"Lima", "Costa", "Dias", "Öztürk", "Nakamura", "Svensson", "Abara", "Ward"};
  int i = 0;
  for (const char* first : kFirst)
    for (const char* last : kLast) {
      std::string name = std::string(first) + " " + last;
      std::string fm = "---\ntype: person\nscore: " + std::to_string(1 + (i * 7) % 5) + "\n" +
                       (i % 3 ? "tags: [priority]\n" : "") + "account: \"[[Account " + std::to_string(i % 6) + "]]\"\n---\n";
      e.upsert("People/" + name + ".md", fm + "# " + name + "\n- [ ] call " + name + (i % 4 ? " 📅 2026-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 3) : "") + "\n", 1);
      if (i % 2) e.upsert("Team/" + name + ".md", "---\nscore: " + std::to_string(1 + i % 5) + "\ntags: [priority]\n---\n- [x] done\n- [ ] follow up #team\n", 1);
      ++i;
    }
  for (int m = 0; m < 420; ++m) {  // 546 notes: SORT file.name over all of them reads the cache's name order
    std::string date = "2025-" + std::string(m % 12 < 9 ? "0" : "") + std::to_string(1 + m % 12) + "-0" + std::to_string(1 + m % 3);
    e.upsert("Meetings/" + date + " Sync " + std::to_string(m) + ".md",
             "---\ndate: " + date + (m % 2 ? "\ntags: [priority]" : "") + "\naccount: \"[[Account " + std::to_string(m % 6) + "]]\"\n---\n- [ ] send notes 📅 " + date + "\n", 1);
  }
  for (int a = 0; a < 6; ++a)
    e.upsert("Customers/Account " + std::to_string(a) + ".md", "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]]\n", 1);
}

std::string options(const char* format, long offset = -1, long size = -1) {
  json o = {{"format", format}, {"now", "2026-01-15T10:00:00"}};
  if (offset >= 0) o["page"] = {{"offset", offset}, {"size", size}};
  return o.dump();
}

json answer(const vaultcrm::Engine& e, const std::string& q, const std::string& opt) {
  json j = json::parse(e.query(q, "", opt));
  EXPECT_TRUE(j["ok"].get<bool>()) << q << "\n" << j.dump().substr(0, 300);
  return j["value"];
}

json slice(const json& list, size_t from, size_t size) {
  json out = json::array();
  for (size_t i = from; i < list.size() && i < from + size; ++i) out.push_back(list[i]);
  return out;
}

// Every page of several sizes, at the edges and past the end, against the whole answer.
void expect_pages_are_slices(const vaultcrm::Engine& e, const std::string& q, const char* format, size_t at_least) {
  const json whole = answer(e, q, options(format));
  const bool tasks = whole["type"] == "task";
  const json& items = tasks ? whole["tasks"] : whole["rows"];
  const size_t total = items.size();
  ASSERT_GE(total, at_least) << q;
  EXPECT_EQ(whole["total"], total) << q;
  EXPECT_EQ(whole["offset"], 0) << q;
  for (size_t size : {size_t{1}, size_t{7}, size_t{100}})
    for (size_t offset : {size_t{0}, size_t{1}, size_t{37}, size_t{99}, size_t{100}, total - 1, total, total + 10}) {
      SCOPED_TRACE(q + "\npage offset " + std::to_string(offset) + " size " + std::to_string(size));
      const json page = answer(e, q, options(format, static_cast<long>(offset), static_cast<long>(size)));
      EXPECT_EQ(page["total"], total);
      EXPECT_EQ(page["offset"], offset);
      EXPECT_EQ(page["columns"], whole["columns"]);
      if (!tasks) {
        ASSERT_EQ(page["rows"], slice(items, offset, size));
        continue;
      }
      ASSERT_EQ(page["tasks"], slice(items, offset, size));
      if (!whole["grouped"].get<bool>()) continue;
      // Groups on the page: in the whole answer's order, each a run of that
      // group's tasks, together the page's tasks.
      json joined = json::array();
      size_t g = 0;
      for (const auto& group : page["groups"]) {
        while (g < whole["groups"].size() && whole["groups"][g]["keys"] != group["keys"]) ++g;
        ASSERT_LT(g, whole["groups"].size()) << "a group on the page that the whole answer has not: " << group["keys"];
        const std::string all = whole["groups"][g]["tasks"].dump(), part = group["tasks"].dump();
        EXPECT_NE(all.find(part.substr(1, part.size() - 2)), std::string::npos);
        EXPECT_FALSE(group["tasks"].empty());
        for (const auto& t : group["tasks"]) joined.push_back(t);
        ++g;
      }
      EXPECT_EQ(joined, page["tasks"]);
    }
}

class QueryPages : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    engine_ = new vaultcrm::Engine();
    fill(*engine_);
  }
  static void TearDownTestSuite() { delete engine_; }
  static vaultcrm::Engine* engine_;
};
vaultcrm::Engine* QueryPages::engine_ = nullptr;

TEST_F(QueryPages, TagSortedByNameWithSameNamesInTwoFolders) {
  expect_pages_are_slices(*engine_, "LIST FROM #priority SORT file.name", "dql", 100);
  expect_pages_are_slices(*engine_, "LIST FROM #priority SORT file.name DESC", "dql", 100);
  expect_pages_are_slices(*engine_, "LIST SORT file.name", "dql", 512);
  expect_pages_are_slices(*engine_, "LIST SORT file.path DESC SORT file.name DESC", "dql", 512);
}

TEST_F(QueryPages, SortOnTiedKeysWithAndWithoutLimit) {
  expect_pages_are_slices(*engine_, "TABLE date, account FROM \"Meetings\" SORT date DESC", "dql", 140);
  expect_pages_are_slices(*engine_, "TABLE date FROM \"Meetings\" SORT date DESC LIMIT 120", "dql", 120);
  expect_pages_are_slices(*engine_, "TABLE score FROM \"People\" OR \"Team\" SORT score DESC, file.name LIMIT 90 LIMIT 85",
                          "dql", 85);
}

TEST_F(QueryPages, StepsAfterTheSortSeeEveryRow) {
  // A SORT followed by WHERE, GROUP BY, FLATTEN or another SORT must order all rows.
  expect_pages_are_slices(*engine_, "TABLE score FROM \"People\" SORT file.name WHERE score > 2", "dql", 20);
  expect_pages_are_slices(*engine_, "TABLE score FROM \"People\" SORT score LIMIT 60 SORT file.name DESC", "dql", 60);
  expect_pages_are_slices(*engine_, "TABLE rows.file.name FROM \"Meetings\" SORT date GROUP BY date SORT key DESC", "dql", 10);
  expect_pages_are_slices(*engine_, "TABLE t FROM \"People\" SORT file.name DESC FLATTEN file.tags AS t", "dql", 50);
}

TEST_F(QueryPages, UnsortedAndEntityAnswers) {
  expect_pages_are_slices(*engine_, "LIST FROM \"Team\"", "dql", 40);
  expect_pages_are_slices(*engine_, "TABLE accounts FROM people SORT name DESC", "dql", 80);
}

TEST_F(QueryPages, TaskAnswersPageTasksAndTheirGroups) {
  expect_pages_are_slices(*engine_, "TASK WHERE !completed SORT due DESC", "dql", 150);
  expect_pages_are_slices(*engine_, "TASK FROM \"People\" OR \"Team\" GROUP BY file.folder", "dql", 100);
  expect_pages_are_slices(*engine_, "not done\nsort by due\nlimit 180", "tasks", 150);
  expect_pages_are_slices(*engine_, "not done\ngroup by folder\ngroup by due", "tasks", 150);
}

TEST(QueryPageOption, BadPagesAreBadRequestsNotCrashes) {
  vaultcrm::Engine e;
  e.upsert("A.md", "# A\n", 1);
  for (const char* page : {R"("x")", R"({"offset":-1,"size":10})", R"({"offset":0,"size":1.5})", R"({"size":"10"})"}) {
    json j = json::parse(e.query("LIST", "", std::string(R"({"format":"dql","page":)") + page + "}"));
    EXPECT_FALSE(j["ok"].get<bool>()) << page;
    EXPECT_EQ(j["error"]["code"], "bad_request") << page;
  }
  // A page far past the end is empty, and says how many there are.
  json j = json::parse(e.query("LIST", "", R"({"format":"dql","page":{"offset":18446744073709551615,"size":18446744073709551615}})"));
  ASSERT_TRUE(j["ok"].get<bool>());
  EXPECT_TRUE(j["value"]["rows"].empty());
  EXPECT_EQ(j["value"]["total"], 1);
}

}  // namespace
