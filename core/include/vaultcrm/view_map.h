// vaultcrm/view_map.h - a hash map from string views to small values, for
// the graph's interning tables (link targets, folded names, ids) and the
// vault's notes by exact path.
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
// strings, which never move; the vault by the paths of its std::map nodes,
// and erases a key before its node goes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

namespace vaultcrm {

// A 64-bit hash of a byte string, eight bytes per step (std::hash's murmur
// was ~4% of contact resolution and a node-based map's lookups most of a
// graph's interning). Tables need a good spread of the low bits (slot) and
// of the high bits (tags); never 0, which marks an empty ViewMap slot.
// Only slots depend on it: nothing is stored by hash.
inline uint64_t hash_bytes(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull);
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
  }
  // The tail without a byte loop (a memcpy of a variable length would be a
  // libc call): the last eight bytes of the string when it had eight or
  // more (overlapping the step before), else two overlapping four-byte
  // loads, else three single bytes. Each covers every tail byte, and the
  // length is in the seed.
  uint64_t w = 0;
  if (n > 0) {
    if (s.size() >= 8) {
      std::memcpy(&w, s.data() + s.size() - 8, 8);
    } else if (n >= 4) {
      uint32_t lo, hi;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + n - 4, 4);
      w = lo | (static_cast<uint64_t>(hi) << 32);
    } else {
      w = static_cast<uint64_t>(static_cast<unsigned char>(p[0])) |
          (static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
          (static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16);
    }
  }
  h = (h ^ w) * 0x94d049bb133111ebull;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 32;
  return h | (h == 0);
}

// a == b, eight bytes per step. In wasm, memcmp (what string_view's ==
// calls) runs a byte loop behind a call; a ViewMap compares keys only
// after their hashes matched, that is nearly always a whole equal key.
inline bool same_bytes(std::string_view a, std::string_view b) {
  size_t n = a.size();
  if (n != b.size()) return false;
  const char *p = a.data(), *q = b.data();
  for (; n >= 8; p += 8, q += 8, n -= 8) {
    uint64_t x, y;
    std::memcpy(&x, p, 8);
    std::memcpy(&y, q, 8);
    if (x != y) return false;
  }
  for (; n > 0; ++p, ++q, --n)
    if (*p != *q) return false;
  return true;
}

template <class Value>
class ViewMap {
 public:
  ViewMap() = default;
  ViewMap(const ViewMap&) = default;
  ViewMap& operator=(const ViewMap&) = default;
  // A moved-from map is empty (the defaults would leave its count behind).
  ViewMap(ViewMap&& other) noexcept : slots_(std::move(other.slots_)), size_(other.size_) { other.clear(); }
  ViewMap& operator=(ViewMap&& other) noexcept {
    slots_ = std::move(other.slots_);
    size_ = other.size_;
    other.clear();
    return *this;
  }

  // The value stored for `key`, nullptr when there is none. `h` is
  // hash_bytes(key), for a caller that looks up and then inserts.
  Value* find(std::string_view key, uint64_t h) {
    if (slots_.empty()) return nullptr;
    const size_t mask = slots_.size() - 1;
    for (size_t i = static_cast<size_t>(h) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.hash == 0) return nullptr;
      if (s.hash == h && same_bytes(s.key, key)) return &s.value;
    }
  }
  Value* find(std::string_view key) { return find(key, hash_bytes(key)); }
  const Value* find(std::string_view key) const { return const_cast<ViewMap*>(this)->find(key); }

  // Stores `value` for `key`, which must not be in the map yet; `h` is
  // hash_bytes(key). Returns the stored value (valid until the next insert,
  // erase or clear).
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
  Value& insert(std::string_view key, Value value) { return insert(key, hash_bytes(key), value); }

  // Removes `key`; false when it is not there. Linear probing cannot leave a
  // hole in a probe run (a later key of the run would no longer be found),
  // so each following entry of the run that may live in the hole moves
  // back into it, and the hole moves on to where that entry was.
  bool erase(std::string_view key) {
    if (slots_.empty()) return false;
    const uint64_t h = hash_bytes(key);
    const size_t mask = slots_.size() - 1;
    size_t hole = static_cast<size_t>(h) & mask;
    for (;; hole = (hole + 1) & mask) {
      if (slots_[hole].hash == 0) return false;
      if (slots_[hole].hash == h && same_bytes(slots_[hole].key, key)) break;
    }
    for (size_t next = (hole + 1) & mask; slots_[next].hash != 0; next = (next + 1) & mask) {
      const size_t home = static_cast<size_t>(slots_[next].hash) & mask;
      // The entry at `next` may move back to `hole` unless its home slot
      // lies after the hole, on the way to `next` (cyclically).
      const bool home_after_hole = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
      if (home_after_hole) continue;
      slots_[hole] = slots_[next];
      hole = next;
    }
    slots_[hole] = Slot{};
    --size_;
    return true;
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
