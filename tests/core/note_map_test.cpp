// The query cache's per-note map (core/src/query/note_map.h) against
// std::unordered_map, through the inserts and erasures a vault's edits make:
// entries that collide and wrap around the table's end must stay findable
// after any of them is erased.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "query/note_map.h"

namespace {

using vaultcrm::query::NoteMap;
using Key = const vaultcrm::parse::Note*;

// Keys are only compared and hashed, never read: any distinct addresses do.
Key key_at(uintptr_t n) { return reinterpret_cast<Key>((n + 1) * 64); }

TEST(NoteMap, AgreesWithAnUnorderedMapThroughInsertsAndErasures) {
  std::mt19937 rng(7);
  NoteMap<int> map;
  std::unordered_map<Key, int> expected;
  // Few distinct keys against many operations: a small table, full of
  // neighbours, where erasing shifts entries back over the wrap.
  for (int step = 0; step < 200000; ++step) {
    const Key k = key_at(rng() % 300);
    const int op = static_cast<int>(rng() % 3);
    if (op < 2) {
      if (int* v = map.find(k)) {
        ASSERT_EQ(expected.count(k), 1u);
        ASSERT_EQ(*v, expected[k]);
        *v += 1;
        expected[k] += 1;
      } else {
        ASSERT_EQ(expected.count(k), 0u) << "a key went missing at step " << step;
        map.insert(k, step);
        expected[k] = step;
      }
    } else {
      ASSERT_EQ(map.erase(k), expected.erase(k) == 1) << "step " << step;
    }
    ASSERT_EQ(map.size(), expected.size());
  }
  for (uintptr_t n = 0; n < 300; ++n) {
    auto it = expected.find(key_at(n));
    const int* v = map.find(key_at(n));
    ASSERT_EQ(v != nullptr, it != expected.end());
    if (v) EXPECT_EQ(*v, it->second);
  }
}

TEST(NoteMap, EraseIfDropsExactlyTheMatchingValuesAndKeepsOwnedValues) {
  NoteMap<std::unique_ptr<std::string>> map;
  for (uintptr_t n = 0; n < 1000; ++n) map.insert(key_at(n), std::make_unique<std::string>(std::to_string(n)));
  map.erase_if([](const std::unique_ptr<std::string>& v) { return v->back() == '7'; });
  EXPECT_EQ(map.size(), 900u);
  for (uintptr_t n = 0; n < 1000; ++n) {
    auto* v = map.find(key_at(n));
    if (n % 10 == 7) {
      EXPECT_EQ(v, nullptr) << n;
    } else {
      ASSERT_NE(v, nullptr) << n;
      EXPECT_EQ(**v, std::to_string(n));
    }
  }
  EXPECT_FALSE(map.erase(key_at(7)));
  map.clear();
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.find(key_at(1)), nullptr);
}

}  // namespace
