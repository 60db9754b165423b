// Test-only path to the dedup report of any vault, until the CLI has
// `vaultcrm dedup VAULT --json`: with VAULTCRM_DEDUP_VAULT and
// VAULTCRM_DEDUP_OUT set, writes Engine::dedup("{}")'s value to the file
// (tools/dedup-eval.mjs and tests/tools/ read it). Skipped otherwise.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "test_util.h"
#include "vaultcrm/engine.h"

namespace fs = std::filesystem;

TEST(DedupDump, WritesReportForVaultFromEnvironment) {
  const char* vault = std::getenv("VAULTCRM_DEDUP_VAULT");
  const char* out = std::getenv("VAULTCRM_DEDUP_OUT");
  if (!vault || !out) GTEST_SKIP() << "SKIPPED: set VAULTCRM_DEDUP_VAULT and VAULTCRM_DEDUP_OUT to dump a report";
  vaultcrm::Engine engine;
  nlohmann::json notes = nlohmann::json::array();
  for (const auto& e : fs::recursive_directory_iterator(vault))
    if (e.is_regular_file() && e.path().extension() == ".md")
      notes.push_back({{"path", fs::relative(e.path(), vault).generic_string()},
                       {"text", vaultcrm::testing::read_file(e.path().string())},
                       {"mtime", 0}});
  auto up = nlohmann::json::parse(engine.upsertMany(notes.dump()));
  ASSERT_TRUE(up["ok"].get<bool>());
  const char* opts = std::getenv("VAULTCRM_DEDUP_OPTIONS");
  auto res = nlohmann::json::parse(engine.dedup(opts ? opts : "{}"));
  ASSERT_TRUE(res["ok"].get<bool>()) << res.dump();
  std::ofstream(out) << res["value"].dump(1);
}
