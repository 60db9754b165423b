// The query conformance suite: tests/spec/query/*.md, one GoogleTest per case.
// tests/wasm/query_spec.test.mjs runs the very same files against the wasm
// build, so native and wasm provably agree. Format (see tests/spec/query/README.md):
//
//   defaults: {"vault":"basic","now":"2026-01-15T10:00:00"}
//   ### case name
//   options: {"origin":"Customers/Acme.md","taskFormat":"emoji"}
//   ```query
//   TABLE status FROM "Customers"
//   ```
//   ```expect
//   {"columns":["File","status"],"rows":[["[[Customers/Acme.md]]","active"]]}
//   ```
//
// `expect` is matched as a subset of the compacted envelope value (or of
// {"error":...}): objects need only the listed keys, arrays must match in
// length and order, links compact to "[[path]]" / "[[path|display]]", dates
// to "date:ISO", durations to "dur:text".
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "engine/engine_impl.h"
#include "query/exec.h"
#include "test_util.h"
#include "vaultcrm/engine.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct SpecCase {
  std::string file, name, query;
  json options = json::object();
  json expect;
  int line = 0;
};

std::vector<SpecCase> parse_spec(const std::string& file, const std::string& text) {
  std::vector<SpecCase> out;
  json defaults = json::object();
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string l = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (!l.empty() && l.back() == '\r') l.pop_back();
    lines.push_back(l);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  SpecCase* cur = nullptr;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.rfind("defaults: ", 0) == 0 && !cur) {
      defaults = json::parse(l.substr(10));
    } else if (l.rfind("### ", 0) == 0) {
      out.push_back(SpecCase{file, l.substr(4), "", defaults, nullptr, static_cast<int>(i + 1)});
      cur = &out.back();
    } else if (cur && l.rfind("options: ", 0) == 0) {
      cur->options.update(json::parse(l.substr(9)));
    } else if (cur && (l == "```query" || l == "```expect")) {
      std::string body;
      size_t j = i + 1;
      for (; j < lines.size() && lines[j] != "```"; ++j) body += (body.empty() && j == i + 1 ? "" : "\n") + lines[j];
      if (l == "```query") cur->query = body;
      else cur->expect = json::parse(body);
      i = j;
    }
  }
  return out;
}

json compact(const json& v) {
  if (v.is_array()) {
    json a = json::array();
    for (const auto& x : v) a.push_back(compact(x));
    return a;
  }
  if (v.is_object()) {
    if (v.contains("type") && v["type"].is_string()) {
      std::string t = v["type"];
      if (t == "link" && v.contains("path")) {
        std::string s = "[[" + v["path"].get<std::string>();
        if (v.contains("subpath") && v["subpath"].is_string()) s += "#" + v["subpath"].get<std::string>();
        if (v.contains("display") && v["display"].is_string()) s += "|" + v["display"].get<std::string>();
        return s + "]]";
      }
      if (t == "date" && v.contains("value")) return "date:" + v["value"].get<std::string>();
      if (t == "duration" && v.contains("value")) return "dur:" + v["value"].get<std::string>();
      if (t == "object" && v.contains("value")) return compact(v["value"]);
      if (t == "function") return "<function>";
    }
    json o = json::object();
    for (auto it = v.begin(); it != v.end(); ++it) o[it.key()] = compact(it.value());
    return o;
  }
  return v;
}

// The value compared with `expect`: the compacted result plus task references.
json comparable(const json& envelope) {
  if (!envelope.value("ok", false)) return json{{"error", envelope["error"]}};
  json v = compact(envelope["value"]);
  json refs = json::array();
  for (const auto& t : v["tasks"]) refs.push_back(t["path"].get<std::string>() + ":" + std::to_string(t["line"].get<int>()));
  v["taskRefs"] = refs;
  if (v["groups"].is_array())
    for (auto& g : v["groups"]) {
      json r = json::array();
      for (const auto& t : g["tasks"]) r.push_back(t["path"].get<std::string>() + ":" + std::to_string(t["line"].get<int>()));
      g["refs"] = r;
    }
  return v;
}

bool subset(const json& expect, const json& actual, const std::string& at, std::string& why) {
  if (expect.is_object()) {
    if (!actual.is_object()) {
      why = at + ": expected an object, got " + actual.dump();
      return false;
    }
    for (auto it = expect.begin(); it != expect.end(); ++it) {
      if (!actual.contains(it.key())) {
        why = at + "." + it.key() + ": missing";
        return false;
      }
      if (!subset(it.value(), actual[it.key()], at + "." + it.key(), why)) return false;
    }
    return true;
  }
  if (expect.is_array()) {
    if (!actual.is_array() || actual.size() != expect.size()) {
      why = at + ": expected " + expect.dump() + ", got " + actual.dump();
      return false;
    }
    for (size_t i = 0; i < expect.size(); ++i)
      if (!subset(expect[i], actual[i], at + "[" + std::to_string(i) + "]", why)) return false;
    return true;
  }
  if (expect.is_number() && actual.is_number()) {
    if (std::abs(expect.get<double>() - actual.get<double>()) < 1e-9) return true;
  } else if (expect == actual) {
    return true;
  }
  why = at + ": expected " + expect.dump() + ", got " + actual.dump();
  return false;
}

std::string vault_dir(const std::string& name) {
  if (name == "crm") return std::string(VAULTCRM_SHARED_DIR) + "/fixtures/crm-vault";
  return vaultcrm::testing::source_path("tests/spec/query/vaults/" + name);
}

// Same order as tests/wasm/helpers.mjs readVault: component-wise bytewise.
std::vector<std::pair<std::string, std::string>> read_vault(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".md") continue;
    out.emplace_back(fs::relative(e.path(), dir).generic_string(), vaultcrm::testing::read_file(e.path().string()));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return fs::path(a.first) < fs::path(b.first); });
  return out;
}

std::shared_ptr<vaultcrm::Engine> engine_for(const std::string& vault) {
  static std::map<std::string, std::shared_ptr<vaultcrm::Engine>> cache;
  auto it = cache.find(vault);
  if (it != cache.end()) return it->second;
  auto e = std::make_shared<vaultcrm::Engine>();
  for (const auto& [path, text] : read_vault(vault_dir(vault))) (void)e->upsert(path, text, 0);
  cache[vault] = e;
  return e;
}

class SpecTest : public ::testing::Test {
 public:
  explicit SpecTest(SpecCase c) : c_(std::move(c)) {}
  void TestBody() override {
    std::string vault = c_.options.value("vault", std::string("basic"));
    if (!fs::exists(vault_dir(vault))) GTEST_SKIP() << "vault " << vault_dir(vault) << " is absent (../shared not checked out)";
    auto engine = engine_for(vault);
    json fmt = json::object();
    fmt["format"] = c_.options.value("format", std::string());
    if (c_.options.contains("now")) fmt["now"] = c_.options["now"];
    if (c_.options.contains("taskFormat")) fmt["taskFormat"] = c_.options["taskFormat"];
    if (c_.options.contains("page")) fmt["page"] = c_.options["page"];
    std::string out = engine->query(c_.query, c_.options.value("origin", std::string()), fmt.dump());
    json env = json::parse(out);
    // The answer is written without a JSON tree; it must be exactly what the
    // tree route writes for the same outcome (and in nlohmann's canonical form).
    EXPECT_EQ(out, env.dump(-1, ' ', false, json::error_handler_t::replace)) << c_.name;
    {
      vaultcrm::query::Options opt;
      opt.origin_path = c_.options.value("origin", std::string());
      opt.now = c_.options.value("now", std::string());
      std::string f = c_.options.value("format", std::string());
      opt.language = f == "dql" ? vaultcrm::query::Language::Dql
                     : f == "tasks" ? vaultcrm::query::Language::Tasks
                                    : vaultcrm::query::Language::Detect;
      std::string tf = c_.options.value("taskFormat", std::string("both"));
      opt.task_format = tf == "emoji"      ? vaultcrm::query::TaskFormat::Emoji
                        : tf == "dataview" ? vaultcrm::query::TaskFormat::Dataview
                                           : vaultcrm::query::TaskFormat::Both;
      if (c_.options.contains("page")) {
        opt.page_offset = c_.options["page"].value("offset", size_t{0});
        opt.page_size = c_.options["page"].value("size", size_t{0});
      }
      auto outcome = vaultcrm::query::run(engine->impl().vault, c_.query, opt);
      EXPECT_EQ(vaultcrm::query::to_json(outcome), vaultcrm::query::detail::to_json_via_tree(outcome)) << c_.name;
    }
    json actual = comparable(env);
    std::string why;
    EXPECT_TRUE(subset(c_.expect, actual, "$", why))
        << c_.file << ":" << c_.line << " [" << c_.name << "]\n  " << why << "\n  query: " << c_.query
        << "\n  actual: " << actual.dump();
  }

 private:
  SpecCase c_;
};

std::string test_name(const std::string& s) {
  std::string o;
  for (char ch : s) o += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return o;
}

int register_specs() {
  std::string dir = vaultcrm::testing::source_path("tests/spec/query");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".md" && e.path().filename() != "README.md") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  int n = 0;
  for (const auto& f : files) {
    std::string stem = test_name(f.stem().string());
    for (auto& c : parse_spec(f.filename().string(), vaultcrm::testing::read_file(f.string()))) {
      std::string name = std::to_string(++n) + "_" + test_name(c.name);
      ::testing::RegisterTest(("QuerySpec_" + stem).c_str(), name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                              [c]() -> ::testing::Test* { return new SpecTest(c); });
    }
  }
  return n;
}

const int kRegistered = register_specs();

TEST(QuerySpecSuite, HasAtLeast150Cases) { EXPECT_GE(kRegistered, 150); }

}  // namespace
