// Checks against ../shared/fixtures/crm-vault and its hand-checked truth.
// ../shared exists in CI; a clone without it skips these tests and says so.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "test_util.h"
#include "vaultcrm/index.h"
#include "vaultcrm/panel.h"

using namespace vaultcrm;
namespace fs = std::filesystem;
using vaultcrm::testing::read_file;

namespace {

const std::string kVault = std::string(VAULTCRM_SHARED_DIR) + "/fixtures/crm-vault";
const std::string kTruth = std::string(VAULTCRM_SHARED_DIR) + "/fixtures/crm-vault.truth.json";

class SharedFixtures : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kTruth)) return;
    truth_ = new nlohmann::json(nlohmann::json::parse(read_file(kTruth)));
    vault_ = new index::Vault();
    for (const auto& e : fs::recursive_directory_iterator(kVault))
      if (e.is_regular_file() && e.path().extension() == ".md")
        vault_->upsert(fs::relative(e.path(), kVault).generic_string(), read_file(e.path().string()), 0);
  }
  void SetUp() override {
    if (!truth_) GTEST_SKIP() << "SKIPPED: " << kTruth << " not found (../shared is only present in CI)";
  }
  static nlohmann::json* truth_;
  static index::Vault* vault_;
};
nlohmann::json* SharedFixtures::truth_ = nullptr;
index::Vault* SharedFixtures::vault_ = nullptr;

}  // namespace

TEST_F(SharedFixtures, NoteCountAndList) {
  EXPECT_EQ(vault_->size(), (*truth_)["notes"].get<size_t>());
  std::vector<std::string> paths;
  for (const auto& [p, n] : vault_->notes()) paths.push_back(p);
  EXPECT_EQ(paths, (*truth_)["note_list"].get<std::vector<std::string>>());
}

TEST_F(SharedFixtures, TaskCountsAndEveryTask) {
  size_t open = 0, done = 0;
  std::map<std::pair<std::string, int>, const parse::Task*> tasks;
  for (const auto& [path, note] : vault_->notes())
    for (const auto& t : note.tasks) {
      (panel::task_is_open(t) ? open : done)++;
      tasks[{path, t.line}] = &t;
    }
  EXPECT_EQ(open, (*truth_)["open_tasks"].get<size_t>());
  EXPECT_EQ(done, (*truth_)["done_tasks"].get<size_t>());
  for (const auto& expected : (*truth_)["tasks"]) {
    std::string path = expected["path"];
    int line = expected["line"];
    auto it = tasks.find({path, line});
    ASSERT_NE(it, tasks.end()) << "missing task " << path << ":" << line;
    const parse::Task& t = *it->second;
    EXPECT_EQ(t.text, expected["text"].get<std::string>()) << path << ":" << line;
    EXPECT_EQ(panel::task_is_open(t), expected["status"] == "open") << path << ":" << line;
    std::string due = expected.value("due", expected.value("dataview_due_field", ""));
    EXPECT_EQ(t.due, due) << path << ":" << line;
    EXPECT_EQ(t.done, expected.value("done", "")) << path << ":" << line;
    EXPECT_EQ(t.priority, expected.value("priority", "")) << path << ":" << line;
  }
  EXPECT_EQ(tasks.size(), (*truth_)["tasks"].size());
}

TEST_F(SharedFixtures, LinksAndUnresolvedTargets) {
  size_t links = 0;
  for (const auto& [path, note] : vault_->notes()) links += note.links.size();
  EXPECT_EQ(links, (*truth_)["link_count_total"].get<size_t>());
  std::set<std::string> unresolved;
  std::map<std::string, std::set<std::string>> occurrences;
  for (const auto& u : vault_->unresolved()) {
    unresolved.insert(u.target);
    occurrences[u.target].insert(u.source + ":" + std::to_string(u.line));
  }
  auto expected = (*truth_)["unresolved_links"].get<std::set<std::string>>();
  EXPECT_EQ(unresolved, expected);
  for (const auto& [target, where] : (*truth_)["unresolved_link_occurrences"].items()) {
    auto want = where.get<std::set<std::string>>();
    EXPECT_EQ(occurrences[target], want) << target;
  }
}

TEST_F(SharedFixtures, EdgeCases) {
  const auto& edge = (*truth_)["edge_cases"];
  for (const auto& p : edge["no_frontmatter"]) EXPECT_FALSE(vault_->find(p.get<std::string>())->has_frontmatter);
  for (const auto& p : edge["empty_frontmatter"]) {
    const auto* n = vault_->find(p.get<std::string>());
    EXPECT_TRUE(n->has_frontmatter);
    EXPECT_TRUE(n->errors.empty());
  }
  for (const auto& p : edge["crlf_line_endings"]) EXPECT_TRUE(vault_->find(p.get<std::string>())->crlf);
  for (const auto& [path, aliases] : edge["customer_with_aliases"].items())
    EXPECT_EQ(vault_->find(path)->aliases, aliases.get<std::vector<std::string>>());
  for (const auto& [path, fields] : edge["page_inline_fields"].items()) {
    const auto* n = vault_->find(path);
    for (const auto& [key, value] : fields.items()) {
      bool found = false;
      for (const auto& f : n->inline_fields)
        if (f.key == key && f.value == value.get<std::string>()) found = true;
      EXPECT_TRUE(found) << path << " " << key;
    }
  }
  for (const auto& [tag, places] : edge["body_tags_nested"].items())
    for (const auto& place : places) {
      std::string s = place;
      size_t colon = s.rfind(':');
      const auto* n = vault_->find(s.substr(0, colon));
      int line = std::stoi(s.substr(colon + 1));
      bool found = false;
      for (const auto& t : n->inline_tags)
        if ("#" + t.tag == tag && t.line == line) found = true;
      EXPECT_TRUE(found) << tag << " at " << s;
    }
  for (const auto& n : vault_->notes()) EXPECT_TRUE(n.second.errors.empty()) << n.first;
}
