// keep_current(): what panels (engine.cpp) and query answers
// (engine_query.cpp) share. The engine keeps the last few it built, newest
// first, each with what it read; a host asks for one after every change in
// the vault, and most changes leave it as it was.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "vaultcrm/view_map.h"

namespace vaultcrm {

// The entry `is_it` finds in `kept`, as now:
// - still_holds(entry): nothing it read changed (the entry then moves its
//   baseline to now, so the next check reads only later changes). It is
//   handed back as kept, or, `with_json` when the host took its JSON
//   already, built again with the same version.
// - Otherwise build(fresh) fills a fresh entry (false: nothing to keep, and
//   nullptr comes back). One built again the same (its JSON, by hash_bytes)
//   keeps the version the host has on screen; two different ones with one
//   hash would keep a stale one up: one chance in 2^64.
// Entry has `json`, `json_hash` and `version`.
template <class Entry, class IsIt, class StillHolds, class Build>
Entry* keep_current(std::vector<Entry>& kept, size_t capacity, uint64_t& last_version, bool with_json, IsIt is_it,
                    StillHolds still_holds, Build build) {
  auto it = std::find_if(kept.begin(), kept.end(), is_it);
  uint64_t version = 0, before_hash = 0, before_version = 0;
  if (it != kept.end()) {
    before_hash = it->json_hash;
    before_version = it->version;
    if (still_holds(*it)) {
      if (!with_json || !it->json.empty()) {
        std::rotate(kept.begin(), it, it + 1);
        return &kept.front();
      }
      version = it->version;
    }
    kept.erase(it);
  }
  Entry fresh;
  if (!build(fresh)) return nullptr;
  fresh.json_hash = hash_bytes(fresh.json);
  if (!version && before_version && fresh.json_hash == before_hash) version = before_version;
  fresh.version = version ? version : ++last_version;
  if (kept.size() >= capacity) kept.pop_back();
  kept.insert(kept.begin(), std::move(fresh));
  return &kept.front();
}

}  // namespace vaultcrm
