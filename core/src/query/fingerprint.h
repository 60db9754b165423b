// core/src/query/fingerprint.h (internal) - Reads::print: a 64-bit hash of
// what a query's answer takes from one note, so that an edit which leaves
// it the same is known to leave the answer the same without running the
// query again.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "query/value.h"
#include "vaultcrm/parse.h"
#include "vaultcrm/view_map.h"

namespace vaultcrm::query {

// Words in order, each mixed in (multiply and xor-shift, as hash_bytes
// steps); texts by their hash_bytes, which has their length in its seed.
// Not cryptographic: two different notes with one fingerprint would keep a
// stale answer up, one chance in 2^64, as keep_current's JSON hash does.
class Fingerprint {
 public:
  void add(uint64_t word) {
    h_ = (h_ ^ word) * 0xbf58476d1ce4e5b9ull;
    h_ ^= h_ >> 31;
  }
  void add_text(std::string_view s) { add(hash_bytes(s)); }
  void add_number(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    add(bits);
  }
  uint64_t value() const { return h_ ^ (h_ >> 29); }

 private:
  uint64_t h_ = 0x243f6a8885a308d3ull;
};

// Adds `v` with its type. False when the value cannot be taken as data: a
// lazy view of a page, task, list item or file (its fields are read later,
// from the note as it is then) or a function.
bool add_value(Fingerprint& f, const Val& v);
// Every field of `task` an answer shows, sorts, groups or filters by: the
// parser's fields, its section's heading, and whether it is nested in a list.
void add_task(Fingerprint& f, const parse::Note& note, const parse::Task& task);

}  // namespace vaultcrm::query
