// In-memory application of plan edits, with the stale-plan check every host
// performs first (the CLI does the same against the filesystem).
#include <cstdio>

#include "vaultcrm/merge.h"

namespace vaultcrm::merge {

std::string hash_hex(uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

bool parse_hash_hex(const std::string& s, uint64_t& out) {
  if (s.empty() || s.size() > 16) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return false;
    v = v * 16 + static_cast<uint64_t>(d);
  }
  out = v;
  return true;
}

ApplyResult check(const std::map<std::string, std::string>& files, const std::vector<Edit>& edits) {
  ApplyResult r;
  for (const auto& e : edits) {
    auto it = files.find(e.path);
    if (!e.old_hash) {
      if (it != files.end()) return {false, e.path, "file already exists: " + e.path};
      continue;
    }
    if (it == files.end()) return {false, e.path, "file is missing: " + e.path};
    if (index::hash_text(it->second) != *e.old_hash)
      return {false, e.path, "file changed since the plan was made: " + e.path};
  }
  return r;
}

ApplyResult apply(std::map<std::string, std::string>& files, const std::vector<Edit>& edits) {
  ApplyResult r = check(files, edits);
  if (!r.ok) return r;
  for (const auto& e : edits) {
    if (e.new_text) files[e.path] = *e.new_text;
    else files.erase(e.path);
  }
  return r;
}

}  // namespace vaultcrm::merge
