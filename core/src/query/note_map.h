// core/src/query/note_map.h (internal) - a hash map from a note's address to
// a small value, for the query cache's per-note entries (a page field's
// value, a tag hit, a rank). A query over a folder of thousands of notes
// looks one up per row and per field; std::unordered_map chased a node per
// lookup, here it is one slot in one array: open addressing, linear probing,
// erasure by shifting the entries behind back (no tombstones, so a table
// that sees an edit after every query does not fill up with them).
//
// Values move when the table grows or an entry is erased: a pointer from
// find() or a reference from insert() holds until the next insert or erase.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace vaultcrm::parse {
struct Note;
}

namespace vaultcrm::query {

template <typename V>
class NoteMap {
 public:
  V* find(const parse::Note* key) {
    if (size_ == 0) return nullptr;
    for (size_t i = home(key);; i = (i + 1) & mask()) {
      Slot& s = slots_[i];
      if (s.key == key) return &s.value;
      if (!s.key) return nullptr;
    }
  }
  const V* find(const parse::Note* key) const { return const_cast<NoteMap*>(this)->find(key); }

  // `key` must not be in the map.
  V& insert(const parse::Note* key, V value) {
    // At most half full: probes stay short, and a miss ends at an empty slot soon.
    if ((size_ + 1) * 2 > slots_.size()) grow();
    size_t i = home(key);
    while (slots_[i].key) i = (i + 1) & mask();
    slots_[i].key = key;
    slots_[i].value = std::move(value);
    ++size_;
    return slots_[i].value;
  }

  bool erase(const parse::Note* key) {
    if (size_ == 0) return false;
    size_t hole = home(key);
    while (slots_[hole].key != key) {
      if (!slots_[hole].key) return false;
      hole = (hole + 1) & mask();
    }
    // Each entry after the hole, up to the next empty slot, moves into the
    // hole when its home is not between the hole and where it lies: else a
    // lookup for it would stop at the hole.
    for (size_t j = (hole + 1) & mask(); slots_[j].key; j = (j + 1) & mask()) {
      const size_t from_home = (j - home(slots_[j].key)) & mask();
      const size_t from_hole = (j - hole) & mask();
      if (from_home >= from_hole) {
        slots_[hole] = std::move(slots_[j]);
        hole = j;
      }
    }
    slots_[hole] = Slot{};
    --size_;
    return true;
  }

  // Erases every entry whose value `drops`.
  template <typename Pred>
  void erase_if(Pred drops) {
    std::vector<const parse::Note*> gone;
    for (const Slot& s : slots_)
      if (s.key && drops(s.value)) gone.push_back(s.key);
    for (const parse::Note* key : gone) erase(key);
  }

  // Room for `n` entries without growing.
  void reserve(size_t n) {
    while (n * 2 > slots_.size()) grow();
  }

  size_t size() const { return size_; }
  void clear() {
    slots_.clear();
    size_ = 0;
    shift_ = 64;
  }

 private:
  struct Slot {
    const parse::Note* key = nullptr;
    V value{};
  };
  size_t mask() const { return slots_.size() - 1; }
  // Fibonacci hashing: the address times 2^64/phi, top bits. Notes are
  // allocated apart, so their low bits say little; the product mixes them up.
  size_t home(const parse::Note* key) const {
    return static_cast<size_t>((static_cast<uint64_t>(reinterpret_cast<uintptr_t>(key)) * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    const size_t capacity = old.empty() ? 16 : old.size() * 2;
    slots_ = std::vector<Slot>(capacity);
    shift_ = 64;
    for (size_t c = capacity; c > 1; c >>= 1) --shift_;
    size_ = 0;
    for (Slot& s : old)
      if (s.key) insert(s.key, std::move(s.value));
  }

  std::vector<Slot> slots_;  // a power of two in size, or empty
  size_t size_ = 0;
  int shift_ = 64;  // 64 - log2(slots_.size())
};

}  // namespace vaultcrm::query
