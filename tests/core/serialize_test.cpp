// json::dump writes JSON itself (speed); it must write exactly what
// nlohmann's dump with error_handler replace writes, for any value,
// including strings that are not valid UTF-8.
#include <gtest/gtest.h>

#include <random>

#include "engine/serialize.h"

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
