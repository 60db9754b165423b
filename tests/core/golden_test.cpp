// Golden files: the same inputs and expected JSON are checked by the wasm
// tests (tests/wasm), so the native and wasm builds provably agree.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "test_util.h"
#include "vaultcrm/engine.h"

using namespace vaultcrm;
namespace fs = std::filesystem;
using vaultcrm::testing::read_file;
using vaultcrm::testing::source_path;

namespace {

void load(Engine& engine, const std::string& rel_root) {
  std::string root = source_path(rel_root);
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".md") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  nlohmann::json batch = nlohmann::json::array();
  for (const auto& f : files)
    batch.push_back({{"path", fs::relative(f, root).generic_string()}, {"text", read_file(f.string())}, {"mtime", 0}});
  auto r = nlohmann::json::parse(engine.upsertMany(batch.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
}

}  // namespace

TEST(Golden, NativeOutputMatchesGoldenFiles) {
  auto manifest = nlohmann::json::parse(read_file(source_path("tests/golden/manifest.json")));
  bool update = std::getenv("UPDATE_GOLDEN") != nullptr;
  ASSERT_GE(manifest["cases"].size(), 5u);
  for (const auto& c : manifest["cases"]) {
    Engine engine;
    load(engine, c["vault"]);
    std::string kind = c["kind"], path = c["path"];
    std::string out = kind == "note" ? engine.note(path) : kind == "panel" ? engine.panel(path) : engine.summary();
    auto envelope = nlohmann::json::parse(out);
    ASSERT_TRUE(envelope["ok"].get<bool>()) << out;
    std::string expected_path = source_path("tests/golden/" + c["expected"].get<std::string>());
    if (update) {
      std::ofstream(expected_path) << envelope["value"].dump(1, ' ', false, nlohmann::json::error_handler_t::replace)
                                   << "\n";
      continue;
    }
    ASSERT_TRUE(fs::exists(expected_path)) << expected_path << " is missing; run with UPDATE_GOLDEN=1";
    auto expected = nlohmann::json::parse(read_file(expected_path));
    EXPECT_EQ(envelope["value"], expected) << "golden mismatch for " << kind << " " << path
                                           << " (diff against " << expected_path << ")";
  }
}
