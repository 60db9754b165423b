// Internal helpers shared by the dedup sources (not a public header).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vaultcrm/dedup.h"

namespace vaultcrm::dedup::detail {

// A folded name token: lower case, marks stripped, only letters, digits and '-'.
std::string name_token(std::string_view raw);
std::vector<std::string> hyphen_parts(std::string_view tok);
// A token with everything the comparisons need, computed once.
struct TokFeat {
  std::string f;       // folded token
  std::string joined;  // without hyphens
  std::string german;  // german_key(joined)
  std::string phon;    // phonetic(joined)
  std::vector<std::string> canon;  // nickname canon (first names)
  std::vector<std::string> parts;  // hyphen parts (surnames)
  bool non_ascii = false;
  // One bit per letter present (a-z; other bytes share six bits): one edit
  // changes at most two bits, so popcount(a ^ b) > 2 * cap proves the edit
  // distance is above cap without running the distance.
  uint32_t letters = 0;
};
TokFeat features(std::string folded, bool non_ascii);
TokenRel relation(const TokFeat& a, const TokFeat& b, bool first_name);
TokenRel relation_folded(const std::string& a, const std::string& b, bool a_non_ascii, bool b_non_ascii,
                         bool first_name);

// How two full names compare, from the relations of their first names and
// of their surnames: the one pair-scoring rule of contact resolution (the
// resolver and the benchmark's naive all-pairs baseline both use it).
struct NameScore {
  TokenRel first = TokenRel::Different, last = TokenRel::Different;
  bool worthy = false;      // close enough to be a merge candidate
  bool compatible = false;  // could be one person (neither part different)
  int score = 0;            // higher = closer; candidates merge best first
};
NameScore score_names(TokenRel first, TokenRel last);

// Case-insensitive (ASCII) heading match against a list of names.
bool heading_in(std::string_view heading, const std::vector<std::string>& names);
std::string trim_copy(std::string_view s);
// Words separated by spaces or tabs.
std::vector<std::string> split_words(std::string_view s);

}  // namespace vaultcrm::dedup::detail
