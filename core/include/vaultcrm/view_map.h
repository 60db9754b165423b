// vaultcrm/view_map.h - a hash map from string views to small values, for
// the graph's interning tables (link targets, folded names, ids).
//
// Those tables are looked up once per link and per reference: 26,682 times
// for a 1 MB table of links, ~300k times in a 10k-note rebuild. A
// std::unordered_map<std::string_view, T> hashes each key byte by byte
// (murmur2), takes the bucket by a modulo of a prime, then follows a node
// pointer before it can compare keys. Here the slots are one array
// (open addressing, linear probing, a power-of-two size) holding each key's
// full hash next to its view, so a lookup hashes eight bytes at a time,
// masks, and compares the characters only of a slot whose hash matches.
//
// The map does not own the characters its keys view: they must stay put
// for as long as the key is in the map (the graph keys it by its interned
// strings, which never move). There is no erase; clear() empties it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace vaultcrm {

// 64-bit hash of a byte string, eight bytes at a time; never 0 (0 marks an
// empty slot of a ViewMap).
inline uint64_t view_hash(std::string_view s) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = 0x243F6A8885A308D3ull ^ (n * kMul);
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  h = (h ^ (h >> 32)) * kMul;
  h ^= h >> 31;
  return h | (h == 0);
}

template <class Value>
class ViewMap {
 public:
  // The value stored for `key`, nullptr when there is none. `h` is
  // view_hash(key), for a caller that looks up and then inserts.
  Value* find(std::string_view key, uint64_t h) {
    if (slots_.empty()) return nullptr;
    const size_t mask = slots_.size() - 1;
    for (size_t i = static_cast<size_t>(h) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.hash == 0) return nullptr;
      if (s.hash == h && s.key == key) return &s.value;
    }
  }
  Value* find(std::string_view key) { return find(key, view_hash(key)); }
  const Value* find(std::string_view key) const { return const_cast<ViewMap*>(this)->find(key); }

  // Stores `value` for `key`, which must not be in the map yet; `h` is
  // view_hash(key). Returns the stored value (valid until the next insert or
  // clear).
  Value& insert(std::string_view key, uint64_t h, Value value) {
    // At most 3/4 full, so a probe ends at an empty slot soon.
    if (4 * (size_ + 1) > 3 * slots_.size()) grow();
    const size_t mask = slots_.size() - 1;
    size_t i = static_cast<size_t>(h) & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] = Slot{h, key, value};
    ++size_;
    return slots_[i].value;
  }

  size_t size() const { return size_; }
  void clear() {
    slots_.clear();
    size_ = 0;
  }

 private:
  struct Slot {
    uint64_t hash = 0;  // 0: empty
    std::string_view key;
    Value value{};
  };

  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.resize(old.empty() ? 64 : 2 * old.size());
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.hash == 0) continue;
      size_t i = static_cast<size_t>(s.hash) & mask;
      while (slots_[i].hash != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace vaultcrm
