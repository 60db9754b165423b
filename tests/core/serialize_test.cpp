// json::dump writes JSON itself (speed); it must write exactly what
// nlohmann's dump with error_handler replace writes, for any value,
// including strings that are not valid UTF-8.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "engine/serialize.h"
#include "json/writer.h"
#include "test_util.h"
#include "vaultcrm/graph.h"
#include "vaultcrm/index.h"
#include "vaultcrm/panel.h"

namespace {

using nlohmann::json;

std::string reference(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Bytes chosen to hit every branch: ASCII, escapes, controls, DEL, every
// UTF-8 lead-byte class, continuation bytes, and bytes never valid in UTF-8.
std::string random_bytes(std::mt19937& rng) {
  static const unsigned char kPool[] = {'a',  'Z',  ' ',  '"',  '\\', '/',  '\b', '\f', '\n', '\r', '\t', 0x00,
                                        0x01, 0x1f, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2,
                                        0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5,
                                        0xfe, 0xff};
  std::uniform_int_distribution<size_t> len(0, 12), pick(0, sizeof kPool - 1);
  std::string s;
  for (size_t i = len(rng); i > 0; --i) s.push_back(static_cast<char>(kPool[pick(rng)]));
  return s;
}

json random_value(std::mt19937& rng, int depth) {
  std::uniform_int_distribution<int> kind(0, depth > 3 ? 5 : 7);
  switch (kind(rng)) {
    case 0: return nullptr;
    case 1: return rng() % 2 == 0;
    case 2: return static_cast<int64_t>(rng()) - (1ll << 31);
    case 3: return static_cast<uint64_t>(rng()) << 20;
    case 4: return std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
    case 5: return random_bytes(rng);
    case 6: {
      json a = json::array();
      for (int i = rng() % 4; i > 0; --i) a.push_back(random_value(rng, depth + 1));
      return a;
    }
    default: {
      json o = json::object();
      for (int i = rng() % 4; i > 0; --i) o[random_bytes(rng)] = random_value(rng, depth + 1);
      return o;
    }
  }
}

}  // namespace

TEST(JsonDump, MatchesNlohmannOnHandPickedStrings) {
  for (const std::string s :
       {std::string(""), std::string("plain"), std::string("quote \" and \\ slash /"), std::string("\x01\x1f\x7f", 3),
        std::string("J\xC3\xBCrgen \xE2\x80\x94 \xF0\x9F\x93\x85"), std::string("\xC3"), std::string("\xE2\x82"),
        std::string("\xE2\x82\x41"), std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80"),
        std::string("\xC0\xAF"), std::string("\x80\x80"), std::string("a\0b", 3)}) {
    EXPECT_EQ(vaultcrm::json::dump(json(s)), reference(json(s))) << s;
  }
  EXPECT_EQ(vaultcrm::json::dump(json{{"b", 1.0}, {"a", {1, -2, 3.25, nullptr, true}}}),
            R"({"a":[1,-2,3.25,null,true],"b":1.0})");
}

TEST(JsonDump, MatchesNlohmannOnRandomValues) {
  std::mt19937 rng(20261125);
  for (int i = 0; i < 20000; ++i) {
    json v = random_value(rng, 0);
    ASSERT_EQ(vaultcrm::json::dump(v), reference(v)) << "case " << i;
  }
}

// Plain runs are scanned 8 bytes at a time: one byte that must be escaped
// or checked (a control, '"', '\\', DEL's neighbours, any byte >= 0x80), at
// every offset of a run of every length up to five blocks, and the bytes
// around the thresholds of each test, must come out as nlohmann writes them.
TEST(JsonDump, MatchesNlohmannWithOneSpecialByteAtEveryOffsetOfLongRuns) {
  const unsigned char kBytes[] = {0x00, 0x01, 0x1f, 0x20, 0x21, '"', '#', '[', '\\', ']', 0x7e, 0x7f,
                                  0x80, 0xa0, 0xc3, 0xe2, 0xf0, 0xff};
  for (size_t len = 1; len <= 40; ++len)
    for (size_t at = 0; at < len; ++at)
      for (unsigned char b : kBytes) {
        std::string s(len, 'k');
        s[at] = static_cast<char>(b);
        ASSERT_EQ(vaultcrm::json::dump(json(s)), reference(json(s))) << "length " << len << " at " << at << " byte " << int(b);
      }
  // A valid two-byte character across a block boundary, and a run ending in one.
  for (size_t at = 0; at + 2 <= 24; ++at) {
    std::string s(24, 'x');
    s[at] = static_cast<char>(0xc3), s[at + 1] = static_cast<char>(0xbc);
    ASSERT_EQ(vaultcrm::json::dump(json(s)), reference(json(s))) << "at " << at;
  }
}

TEST(JsonDump, MatchesNlohmannOnLongMostlyPlainStrings) {
  std::mt19937 rng(20261129);
  std::uniform_int_distribution<size_t> len(0, 200), odds(0, 15);
  for (int i = 0; i < 5000; ++i) {
    std::string s;
    for (size_t n = len(rng); n > 0; --n) {
      if (odds(rng) == 0) s += random_bytes(rng).substr(0, 1);
      else s.push_back(static_cast<char>('a' + rng() % 26));
    }
    ASSERT_EQ(vaultcrm::json::dump(json(s)), reference(json(s))) << "case " << i;
  }
}

namespace {

// A frontmatter-like Value: every type, repeated keys, keys out of order,
// strings with invalid UTF-8.
vaultcrm::Value random_core_value(std::mt19937& rng, int depth) {
  using vaultcrm::Value;
  std::uniform_int_distribution<int> kind(0, depth > 3 ? 4 : 6);
  switch (kind(rng)) {
    case 0: return Value();
    case 1: return Value(rng() % 2 == 0);
    case 2: return Value(static_cast<int64_t>(static_cast<int64_t>(rng()) - (int64_t{1} << 31)));
    case 3: return Value(std::uniform_real_distribution<double>(-1e6, 1e6)(rng));
    case 4: return Value(random_bytes(rng));
    case 5: {
      Value::Array a;
      for (int i = rng() % 4; i > 0; --i) a.push_back(random_core_value(rng, depth + 1));
      return Value::array(std::move(a));
    }
    default: {
      Value::Object o;
      static const char* kKeys[] = {"b", "a", "tags", "A", "b", "\xC3\xA9t\xC3\xA9", "", "a"};
      for (int i = rng() % 5; i > 0; --i)
        o.emplace_back(rng() % 3 == 0 ? random_bytes(rng) : std::string(kKeys[rng() % 8]),
                       random_core_value(rng, depth + 1));
      return Value::object(std::move(o));
    }
  }
}

}  // namespace

TEST(JsonWriter, ValueMatchesTheTreeRoute) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    vaultcrm::Value v = random_core_value(rng, 0);
    std::string direct;
    vaultcrm::json::Writer w(direct);
    w.value(v);
    ASSERT_EQ(direct, reference(vaultcrm::json::to_json(v))) << "case " << i;
  }
}

TEST(JsonWriter, RepeatedKeyKeepsTheLastValueAsTheTreeDid) {
  using vaultcrm::Value;
  Value v = Value::object({{"b", Value(int64_t{1})}, {"a", Value("x")}, {"b", Value(int64_t{2})}});
  std::string out;
  vaultcrm::json::Writer w(out);
  w.value(v);
  EXPECT_EQ(out, R"({"a":"x","b":2})");
}

// The account panel is written straight to JSON after every edit; it must
// say exactly what the tree route (panel_to_json) says, for every note of the
// sample and golden vaults, account or not.
TEST(JsonWriter, PanelMatchesTheTreeRouteOnEveryNote) {
  namespace fs = std::filesystem;
  size_t checked = 0, with_contacts = 0;
  for (const char* dir : {"sample-vault", "tests/golden/vault"}) {
    const fs::path root = vaultcrm::testing::source_path(dir);
    vaultcrm::index::Vault vault;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file() && e.path().extension() == ".md")
        vault.upsert(fs::relative(e.path(), root).generic_string(), vaultcrm::testing::read_file(e.path().string()), 1);
    vaultcrm::graph::Graph graph;
    graph.rebuild(vault);
    for (const auto& [path, note] : vault.notes()) {
      auto p = vaultcrm::panel::build(vault, graph, path);
      ASSERT_TRUE(p);
      ASSERT_EQ(vaultcrm::json::panel_ok(*p), vaultcrm::json::ok(vaultcrm::json::panel_to_json(*p))) << path;
      ++checked;
      with_contacts += p->contacts.empty() ? 0 : 1;
    }
  }
  EXPECT_GT(checked, 30u);
  EXPECT_GT(with_contacts, 3u);  // the comparison covered real panels, not only empty ones
}
