// The graph's interning tables and the vault's path index
// (vaultcrm/view_map.h): every key inserted is found again with its own
// value, through growth, colliding slots and erasures, and nothing else is
// found.
#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <string>
#include <unordered_map>

#include "vaultcrm/view_map.h"

namespace {

TEST(ViewMap, FindsEveryKeyItHoldsAndNoOther) {
  vaultcrm::ViewMap<int> map;
  std::deque<std::string> keys;  // the map views them: they must not move
  std::unordered_map<std::string, int> expected;
  std::mt19937 rng(7);
  // Names of every length around the 8-byte steps of the hash, some
  // differing only in their last byte or in their length.
  for (int i = 0; i < 5000; ++i) {
    std::string k(rng() % 40, 'a');
    for (auto& c : k) c = static_cast<char>('a' + rng() % 3);
    if (expected.count(k)) continue;
    const std::string& stored = keys.emplace_back(k);
    map.insert(stored, vaultcrm::hash_bytes(stored), i);
    expected.emplace(k, i);
  }
  ASSERT_EQ(map.size(), expected.size());
  for (const auto& [k, v] : expected) {
    const int* found = map.find(std::string(k));  // another copy of the same bytes
    ASSERT_NE(found, nullptr) << k;
    EXPECT_EQ(*found, v) << k;
  }
  EXPECT_EQ(map.find("not a key"), nullptr);
  EXPECT_EQ(map.find(std::string(41, 'a')), nullptr);
}

TEST(ViewMap, EmptyKeyAndKeysWithZeroBytesAreKeysLikeAnyOther) {
  vaultcrm::ViewMap<int> map;
  EXPECT_EQ(map.find(""), nullptr);  // nothing stored yet
  static const std::string empty, nul("\0", 1), nul2("\0\0", 2), a_nul("a\0", 2);
  map.insert(empty, vaultcrm::hash_bytes(empty), 1);
  map.insert(nul, vaultcrm::hash_bytes(nul), 2);
  map.insert(nul2, vaultcrm::hash_bytes(nul2), 3);
  EXPECT_EQ(*map.find(""), 1);
  EXPECT_EQ(*map.find(std::string("\0", 1)), 2);
  EXPECT_EQ(*map.find(std::string("\0\0", 2)), 3);
  EXPECT_EQ(map.find(std::string("\0\0\0", 3)), nullptr);
  EXPECT_EQ(map.find(a_nul), nullptr);
}

TEST(ViewMap, ClearForgetsEverything) {
  vaultcrm::ViewMap<const std::string*> map;
  static const std::string a = "People/Ana Lima", b = "people/ana lima";
  map.insert(a, vaultcrm::hash_bytes(a), &a);
  map.insert(b, vaultcrm::hash_bytes(b), &b);
  EXPECT_EQ(*map.find(a), &a);
  EXPECT_EQ(*map.find(b), &b);  // case matters
  map.clear();
  EXPECT_EQ(map.size(), 0u);
  EXPECT_EQ(map.find(a), nullptr);
  map.insert(b, vaultcrm::hash_bytes(b), &b);
  EXPECT_EQ(map.find(a), nullptr);
  EXPECT_EQ(*map.find(b), &b);
}

TEST(ViewMap, EraseKeepsEveryOtherKeyFindableAsAHashMapWould) {
  // Random inserts and erases over a small key space, in a map small enough
  // that probe runs are long and wrap around the end of the slots, checked
  // after every step against std::unordered_map.
  vaultcrm::ViewMap<int> map;
  std::deque<std::string> pool;
  for (int i = 0; i < 300; ++i) pool.push_back("People/P" + std::to_string(i * 7919 % 1000) + ".md");
  std::unordered_map<std::string, int> expected;
  std::mt19937 rng(11);
  for (int step = 0; step < 20000; ++step) {
    const std::string& k = pool[rng() % pool.size()];
    if (rng() % 2 && !expected.count(k)) {
      map.insert(k, vaultcrm::hash_bytes(k), step);
      expected.emplace(k, step);
    } else {
      EXPECT_EQ(map.erase(std::string(k)), expected.erase(k) == 1) << k;
    }
    ASSERT_EQ(map.size(), expected.size());
    if (step % 97 == 0)
      for (const std::string& probe : pool) {
        const int* found = map.find(probe);
        auto it = expected.find(probe);
        if (it == expected.end()) ASSERT_EQ(found, nullptr) << probe << " at step " << step;
        else {
          ASSERT_NE(found, nullptr) << probe << " at step " << step;
          ASSERT_EQ(*found, it->second) << probe;
        }
      }
  }
  for (const std::string& k : pool) map.erase(k);
  EXPECT_EQ(map.size(), 0u);
  EXPECT_FALSE(map.erase("People/P1.md"));
}

TEST(ViewMap, KeysAreEqualOnlyWithEveryByteAndTheLengthEqual) {
  for (size_t n = 0; n < 40; ++n) {
    const std::string a(n, 'k');
    std::string b = a;
    EXPECT_TRUE(vaultcrm::same_bytes(a, b)) << n;
    EXPECT_FALSE(vaultcrm::same_bytes(a, a + 'k')) << n;
    for (size_t i = 0; i < n; ++i) {
      b[i] = 'K';
      EXPECT_FALSE(vaultcrm::same_bytes(a, b)) << n << " " << i;
      b[i] = 'k';
    }
  }
  // Views of different buffers and offsets (no alignment assumed).
  const std::string text = "xxPeople/Ana Lima.mdPeople/Ana Lima.md";
  EXPECT_TRUE(vaultcrm::same_bytes(std::string_view(text).substr(2, 18), std::string_view(text).substr(20, 18)));
}

TEST(ViewMap, HashIsNeverZeroAndSeesEveryByte) {
  // 0 marks an empty slot.
  for (int n = 0; n < 64; ++n) EXPECT_NE(vaultcrm::hash_bytes(std::string(n, '\0')), 0u);
  const std::string base(23, 'x');
  for (size_t i = 0; i < base.size(); ++i) {
    std::string other = base;
    other[i] = 'y';
    EXPECT_NE(vaultcrm::hash_bytes(other), vaultcrm::hash_bytes(base)) << i;
  }
}

}  // namespace
