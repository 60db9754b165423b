// Dedup scores on ../shared/fixtures/crm-vault, asserted as lower bounds.
// The same scoring as tools/dedup-eval.mjs (pairwise P/R/F1 over surface
// forms and over path:line pairs). Skips when ../shared is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "test_util.h"
#include "vaultcrm/engine.h"

namespace fs = std::filesystem;
using Pairs = std::set<std::pair<std::string, std::string>>;

namespace {

const std::string kVault = std::string(VAULTCRM_SHARED_DIR) + "/fixtures/crm-vault";
const std::string kTruth = std::string(VAULTCRM_SHARED_DIR) + "/fixtures/crm-vault.truth.json";

void add_pairs(std::vector<std::string> g, Pairs& out) {
  std::sort(g.begin(), g.end());
  g.erase(std::unique(g.begin(), g.end()), g.end());
  for (size_t i = 0; i < g.size(); ++i)
    for (size_t j = i + 1; j < g.size(); ++j) out.insert({g[i], g[j]});
}

double f1(const Pairs& truth, const Pairs& pred) {
  size_t tp = 0;
  for (const auto& p : pred) tp += truth.count(p);
  double p = pred.empty() ? 1 : double(tp) / pred.size(), r = truth.empty() ? 1 : double(tp) / truth.size();
  return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

}  // namespace

TEST(DedupShared, SampleVaultScoresAtLeast) {
  if (!fs::exists(kTruth)) GTEST_SKIP() << "SKIPPED: " << kTruth << " not found (../shared is only present in CI)";
  auto truth = nlohmann::json::parse(vaultcrm::testing::read_file(kTruth));
  vaultcrm::Engine engine;
  for (const auto& e : fs::recursive_directory_iterator(kVault))
    if (e.is_regular_file() && e.path().extension() == ".md")
      engine.upsert(fs::relative(e.path(), kVault).generic_string(), vaultcrm::testing::read_file(e.path().string()), 0);
  auto res = nlohmann::json::parse(engine.dedup("{}"));
  ASSERT_TRUE(res["ok"].get<bool>());
  const auto& v = res["value"];

  Pairs tc, pc, te, pe;
  for (const auto& c : truth["contact_clusters"]) add_pairs(c["members"].get<std::vector<std::string>>(), tc);
  for (const auto& c : v["contacts"]["clusters"])
    if (!c["ambiguous"].get<bool>()) add_pairs(c["members"].get<std::vector<std::string>>(), pc);
  for (const auto& [path, sections] : truth["entry_duplicates"].items())
    for (const auto& [section, body] : sections.items()) {
      if (section.rfind("_", 0) == 0 || !body.contains("groups")) continue;
      for (const auto& g : body["groups"]) {
        std::vector<std::string> keys;
        for (int l : g["lines"]) keys.push_back(path + ":" + std::to_string(l));
        add_pairs(keys, te);
      }
    }
  for (const auto& g : v["entries"]["groups"]) {
    std::vector<std::string> keys;
    for (const auto& m : g["members"]) keys.push_back(m["path"].get<std::string>() + ":" + std::to_string(m["line"].get<int>()));
    add_pairs(keys, pe);
  }
  double contacts = f1(tc, pc), entries = f1(te, pe);
  std::cout << "[ dedup    ] sample vault: contacts F1=" << contacts << " entries F1=" << entries << "\n";
  // Measured 0.993 / 0.983 (tools/dedup-eval.mjs prints the same figures).
  EXPECT_GE(contacts, 0.98);
  EXPECT_GE(entries, 0.97);

  std::set<std::pair<std::string, std::string>> together;
  for (const auto& c : v["contacts"]["clusters"]) {
    if (c["ambiguous"].get<bool>()) continue;
    auto m = c["members"].get<std::vector<std::string>>();
    for (const auto& a : m)
      for (const auto& b : m) together.insert({a, b});
  }
  for (const auto& mnm : truth["must_not_merge"]) {
    auto pair = mnm["pair"].get<std::vector<std::string>>();
    EXPECT_FALSE(together.count({pair[0], pair[1]})) << pair[0] << " / " << pair[1] << " must not merge";
  }
  // Every ambiguous first name is reported with its candidates and is not mergeable.
  for (const auto& am : truth["ambiguous_mentions"]) {
    bool found = false;
    for (const auto& c : v["contacts"]["clusters"]) {
      auto m = c["members"].get<std::vector<std::string>>();
      if (std::find(m.begin(), m.end(), am["surface"].get<std::string>()) == m.end()) continue;
      found = true;
      EXPECT_TRUE(c["ambiguous"].get<bool>()) << am["surface"];
      EXPECT_FALSE(c["mergeable"].get<bool>());
      auto cands = c["candidates"].get<std::vector<std::string>>();
      for (const auto& x : am["candidates"]) EXPECT_NE(std::find(cands.begin(), cands.end(), x.get<std::string>()), cands.end());
    }
    EXPECT_TRUE(found) << am["surface"];
  }
}
