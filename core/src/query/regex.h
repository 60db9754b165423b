// core/src/query/regex.h (internal) - bounded JavaScript-like regexes (PCRE2).
//
// Dataview's regexes are JavaScript regexes. PCRE2 with UTF, ALT_BSUX and
// "$" matching only at the very end reads JavaScript's syntax for everything
// a note plausibly contains; the match and depth limits make a catastrophic
// pattern fail with an error instead of hanging the editor.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vaultcrm::query {

struct RegexMatch {
  size_t begin = 0, end = 0;
  std::vector<std::pair<long, long>> groups;  // (-1,-1) for an unset group; [0] is the whole match
};

class RegexCache {
 public:
  RegexCache(uint32_t match_limit, uint32_t depth_limit);
  ~RegexCache();
  RegexCache(const RegexCache&) = delete;
  RegexCache& operator=(const RegexCache&) = delete;

  // Searches `subject` from byte `start`. Returns false when nothing matches.
  // Throws QueryFailure (query_eval) on a bad pattern or an exceeded limit.
  bool search(std::string_view pattern, std::string_view subject, size_t start, RegexMatch& m, bool caseless = false);
  // JavaScript's String.prototype.replace with a global regex ($&, $1.., $$).
  std::string replace_all(std::string_view subject, std::string_view pattern, std::string_view replacement);
  // JavaScript's String.prototype.split with a regex (captures are kept).
  std::vector<std::string> split(std::string_view subject, std::string_view pattern, long limit = -1);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vaultcrm::query
