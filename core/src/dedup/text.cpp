// Name and text folding for dedup: utf8proc does the Unicode work; the few
// letters it keeps whole get an explicit map (why: they are base letters in
// Unicode, not letter + mark, so stripping marks cannot reach them).
#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "dedup_internal.h"
#include "vaultcrm/dedup.h"

namespace vaultcrm::dedup {

namespace {

// Letters without a canonical decomposition, as they are after case folding.
// Written the way people type them on an ASCII keyboard.
const std::pair<const char*, const char*> kBaseLetters[] = {
    {"\xC5\x82", "l"},   // ł
    {"\xC3\xB8", "o"},   // ø
    {"\xC4\x91", "d"},   // đ
    {"\xC3\xB0", "d"},   // ð
    {"\xC3\xBE", "th"},  // þ
    {"\xC3\xA6", "ae"},  // æ
    {"\xC5\x93", "oe"},  // œ
    {"\xC4\xB1", "i"},   // dotless ı
    {"\xC4\xA7", "h"},   // ħ
    {"\xC5\xA7", "t"},   // ŧ
    {"\xC5\x80", "l"},   // ŀ
    {"\xC3\x9F", "ss"},  // ß (case folding already does this; kept for safety)
};

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

std::string fold(std::string_view s) {
  if (s.empty()) return {};
  // Plain ASCII is already NFKC, has no marks, and case-folds to lower case:
  // skip utf8proc (most names in most vaults, and the bulk of dedup's time).
  if (std::all_of(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) == 0; }))
    return ascii_lower(s);
  utf8proc_uint8_t* dst = nullptr;
  auto opts = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                             UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
  utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()), static_cast<utf8proc_ssize_t>(s.size()), &dst, opts);
  std::string out;
  if (n < 0) {
    out = ascii_lower(s);  // invalid UTF-8: compare bytes, case-insensitively for ASCII
  } else {
    out.assign(reinterpret_cast<char*>(dst), static_cast<size_t>(n));
  }
  std::free(dst);
  bool ascii = std::all_of(out.begin(), out.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) == 0; });
  if (ascii) return out;
  std::string mapped;
  mapped.reserve(out.size());
  for (size_t i = 0; i < out.size();) {
    bool hit = false;
    for (const auto& [from, to] : kBaseLetters) {
      size_t len = std::strlen(from);
      if (out.compare(i, len, from) == 0) {
        mapped += to;
        i += len;
        hit = true;
        break;
      }
    }
    if (!hit) mapped.push_back(out[i++]);
  }
  return mapped;
}

std::string german_key(std::string_view f) {
  std::string out;
  out.reserve(f.size());
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if ((c == 'u' || c == 'o' || c == 'a') && i + 1 < f.size() && f[i + 1] == 'e') {
      out.push_back(c);
      ++i;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string phonetic(std::string_view f) {
  // Normalise spellings that sound alike, then keep the first letter's class
  // and the consonant skeleton (doubled letters collapsed).
  std::string s;
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    char next = i + 1 < f.size() ? f[i + 1] : 0;
    if (!((c >= 'a' && c <= 'z'))) continue;
    if (c == 'p' && next == 'h') { s.push_back('f'); ++i; continue; }
    if (c == 'c' && next == 'k') { s.push_back('k'); ++i; continue; }
    if (c == 'c') { s.push_back(next == 'e' || next == 'i' || next == 'y' ? 's' : 'k'); continue; }
    if (c == 'q') { s.push_back('k'); continue; }
    if (c == 'x') { s += "ks"; continue; }
    if (c == 'z') { s.push_back('s'); continue; }
    if (c == 'v' || c == 'w') { s.push_back('f'); continue; }
    if (c == 'y') { s.push_back('i'); continue; }
    if (c == 'j') { s.push_back('j'); continue; }
    s.push_back(c);
  }
  auto vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 0) {
      out.push_back(vowel(c) ? 'A' : c);
      continue;
    }
    if (vowel(c) || c == 'h') continue;
    if (!out.empty() && out.back() == c) continue;
    out.push_back(c);
  }
  return out;
}

int osa_distance(std::string_view a, std::string_view b, int cap) {
  // A shared prefix or suffix never costs an edit: dropping it leaves the
  // distance as it is (tests/core/dedup_rules_test.cpp checks this against
  // the full table on every pair of short strings over a small alphabet).
  // Typos keep most of a name, so what is left is a few letters.
  while (!a.empty() && !b.empty() && a.front() == b.front()) a.remove_prefix(1), b.remove_prefix(1);
  while (!a.empty() && !b.empty() && a.back() == b.back()) a.remove_suffix(1), b.remove_suffix(1);
  int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > cap) return cap + 1;
  if (n == 0 || m == 0) return std::min(std::max(n, m), cap + 1);
  // Only cells with |i - j| <= cap can hold a distance <= cap (Ukkonen's
  // band); the rest are read as cap + 1, which is all the caller needs to
  // know of them. Each row costs 2 * cap + 1 cells instead of m.
  const int big = cap + 1;
  int buf[3][64];
  std::vector<int> heap;
  int *prev2 = buf[0], *prev = buf[1], *cur = buf[2];
  if (m + 2 > 64) {
    heap.assign(3 * static_cast<size_t>(m + 2), big);
    prev2 = heap.data(), prev = heap.data() + m + 2, cur = heap.data() + 2 * (m + 2);
  }
  for (int j = 0; j <= m + 1; ++j) prev[j] = std::min(j, big), prev2[j] = big, cur[j] = big;
  for (int i = 1; i <= n; ++i) {
    int lo = std::max(1, i - cap), hi = std::min(m, i + cap);
    cur[lo - 1] = lo == 1 ? std::min(i, big) : big;
    int row_min = cur[lo - 1];
    for (int j = lo; j <= hi; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = std::min(v, prev2[j - 2] + 1);
      cur[j] = std::min(v, big);
      row_min = std::min(row_min, cur[j]);
    }
    if (hi < m) cur[hi + 1] = big;  // the next row reads one cell past this band
    if (row_min > cap) return cap + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], big);
}

namespace {

// Common diminutives, compiled in and deliberately small: formal name first,
// then its short forms. Several languages; a diminutive may belong to more
// than one formal name (Alex, Chris, Sasha).
const char* const kNicknames[][12] = {
    {"robert", "bob", "bobby", "rob", "robbie", "bert", nullptr},
    {"william", "bill", "billy", "will", "willy", "liam", nullptr},
    {"katherine", "kate", "katie", "kathy", "kat", "kay", "kitty", nullptr},
    {"catherine", "kate", "katie", "cathy", "cat", nullptr},
    {"kathryn", "kate", "katie", "kathy", nullptr},
    {"ekaterina", "katya", "katia", "katja", nullptr},
    {"alexander", "alex", "sasha", "sascha", "sandy", "xander", "lex", "alek", nullptr},
    {"aleksandr", "alex", "sasha", "sanya", nullptr},
    {"alexandra", "alex", "sasha", "sandra", "lexi", "alexa", nullptr},
    {"margaret", "maggie", "meg", "peggy", "marge", "greta", nullptr},
    {"elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "lisa", "libby", "elsa", nullptr},
    {"richard", "rick", "dick", "rich", "ricky", "richie", nullptr},
    {"michael", "mike", "mick", "mickey", "micha", "mikey", nullptr},
    {"mikhail", "misha", nullptr},
    {"stephen", "steve", "stevie", nullptr},
    {"steven", "steve", "stevie", nullptr},
    {"peter", "pete", nullptr},
    {"christopher", "chris", "kit", "topher", nullptr},
    {"christine", "chris", "tina", "kris", nullptr},
    {"christina", "chris", "tina", "kris", nullptr},
    {"james", "jim", "jimmy", "jamie", nullptr},
    {"john", "jack", "johnny", "jon", nullptr},
    {"jonathan", "jon", "jonny", "nathan", nullptr},
    {"joseph", "joe", "joey", "jo", nullptr},
    {"thomas", "tom", "tommy", nullptr},
    {"anthony", "tony", "ant", nullptr},
    {"antonio", "tony", "toni", "antonello", nullptr},
    {"nicholas", "nick", "nicky", "nico", nullptr},
    {"nikolai", "kolya", "nico", nullptr},
    {"daniel", "dan", "danny", nullptr},
    {"david", "dave", "davy", nullptr},
    {"edward", "ed", "eddie", "ted", "ned", nullptr},
    {"andrew", "andy", "drew", nullptr},
    {"benjamin", "ben", "benny", nullptr},
    {"samuel", "sam", "sammy", nullptr},
    {"samantha", "sam", "sammy", nullptr},
    {"matthew", "matt", "matty", nullptr},
    {"patrick", "pat", "paddy", nullptr},
    {"patricia", "pat", "patty", "trish", nullptr},
    {"jennifer", "jen", "jenny", nullptr},
    {"susan", "sue", "susie", nullptr},
    {"rebecca", "becky", "becca", nullptr},
    {"deborah", "deb", "debbie", nullptr},
    {"francis", "frank", "fran", nullptr},
    {"francisco", "paco", "pancho", "fran", nullptr},
    {"francesco", "franco", "cesco", nullptr},
    {"gregory", "greg", nullptr},
    {"timothy", "tim", "timmy", nullptr},
    {"charles", "charlie", "chuck", nullptr},
    {"henry", "hank", "harry", nullptr},
    {"harold", "harry", "hal", nullptr},
    {"lawrence", "larry", nullptr},
    {"leonard", "leo", "len", "lenny", nullptr},
    {"dmitry", "dima", nullptr},
    {"ivan", "vanya", nullptr},
    {"natalia", "natasha", "nata", nullptr},
    {"anastasia", "nastya", "stacy", nullptr},
    {"vladimir", "vova", "volodya", nullptr},
    {"evgeny", "zhenya", nullptr},
    {"maria", "masha", nullptr},
    {"tatiana", "tanya", nullptr},
    {"svetlana", "sveta", nullptr},
    {"pavel", "pasha", nullptr},
    {"jose", "pepe", nullptr},
    {"guillermo", "memo", nullptr},
    {"ignacio", "nacho", nullptr},
    {"enrique", "kike", nullptr},
    {"manuel", "manolo", "manu", nullptr},
    {"dolores", "lola", nullptr},
    {"johannes", "hans", "jan", nullptr},
    {"friedrich", "fritz", nullptr},
    {"josef", "sepp", nullptr},
    {"giuseppe", "beppe", "peppe", nullptr},
    {"giovanni", "gianni", nullptr},
    {"roberto", "beto", nullptr},
    {"alberto", "beto", nullptr},
    {"eduardo", "edu", nullptr},
    {"victoria", "vicky", "tori", nullptr},
    {"abigail", "abby", nullptr},
    {"jacqueline", "jackie", nullptr},
    {"kimberly", "kim", nullptr},
    {"pamela", "pam", nullptr},
    {"douglas", "doug", nullptr},
    {"kenneth", "ken", "kenny", nullptr},
    {"raymond", "ray", nullptr},
    {"ronald", "ron", "ronnie", nullptr},
    {"donald", "don", "donnie", nullptr},
    {"gerald", "gerry", "jerry", nullptr},
    {"philip", "phil", nullptr},
    {"phillip", "phil", nullptr},
    {"zachary", "zach", "zack", nullptr},
    {"nathaniel", "nate", "nathan", nullptr},
    {"frederick", "fred", "freddie", nullptr},
    {"albert", "al", "bert", nullptr},
    {"theodore", "ted", "teddy", "theo", nullptr},
    {"susanne", "susi", "sanne", nullptr},
    {"wolfgang", "wolf", nullptr},
    {"mohammed", "mo", nullptr},
    {"muhammad", "mo", nullptr},
    {"abdullah", "abdul", nullptr},
    {"olga", "olya", nullptr},
    {"yekaterina", "katya", nullptr},
    {"siobhan", "shiv", nullptr},
};

struct NickIndex {
  std::unordered_map<std::string, std::vector<std::string>> canon;
  NickIndex() {
    for (const auto& row : kNicknames) {
      std::string formal = row[0];
      canon[formal].push_back(formal);
      for (int i = 1; i < 12 && row[i]; ++i) canon[row[i]].push_back(formal);
    }
  }
};

const NickIndex& nick_index() {
  static const NickIndex idx;
  return idx;
}

bool has_non_ascii(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; });
}

// Anna/Anne, Maria/Mario, Daniela/Daniele: in many languages a different final
// vowel is a different given name, not a typo.
bool final_vowel_swap(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.size() < 3) return false;
  auto vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; };
  size_t n = a.size();
  return a.substr(0, n - 1) == b.substr(0, n - 1) && a[n - 1] != b[n - 1] && vowel(a[n - 1]) && vowel(b[n - 1]);
}

}  // namespace

std::vector<std::string> nickname_canon(std::string_view f) {
  const auto& idx = nick_index();
  auto it = idx.canon.find(std::string(f));
  if (it == idx.canon.end()) return {std::string(f)};
  std::vector<std::string> out = it->second;
  if (std::find(out.begin(), out.end(), std::string(f)) == out.end()) out.push_back(std::string(f));
  return out;
}

namespace detail {

std::string name_token(std::string_view raw) {
  std::string f = fold(raw);
  std::string out;
  for (char c : f) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80 || c == '-') out.push_back(c);
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  while (!out.empty() && out.front() == '-') out.erase(out.begin());
  return out;
}

std::vector<std::string> hyphen_parts(std::string_view tok) {
  if (tok.find('-') == std::string_view::npos) {  // almost every name: the token itself
    if (tok.empty()) return {};
    return {std::string(tok)};
  }
  std::vector<std::string> parts;
  std::string cur;
  for (char c : tok) {
    if (c == '-') {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

TokFeat features(std::string folded, bool non_ascii) {
  TokFeat t;
  t.f = std::move(folded);
  t.non_ascii = non_ascii;
  t.joined = t.f;
  t.joined.erase(std::remove(t.joined.begin(), t.joined.end(), '-'), t.joined.end());
  t.german = german_key(t.joined);
  t.phon = phonetic(t.joined);
  t.canon = nickname_canon(t.f);
  t.parts = hyphen_parts(t.f);
  for (char c : t.joined) {
    unsigned char u = static_cast<unsigned char>(c);
    t.letters |= 1u << (c >= 'a' && c <= 'z' ? u - 'a' : 26 + u % 6);
  }
  return t;
}

TokenRel relation(const TokFeat& a, const TokFeat& b, bool first_name) {
  if (a.f.empty() || b.f.empty()) return TokenRel::Different;
  if (a.f == b.f || a.joined == b.joined) return TokenRel::Exact;  // Cooper-Chadwick / CooperChadwick
  const std::string& ja = a.joined;
  const std::string& jb = b.joined;
  if ((a.non_ascii || b.non_ascii) && a.german == b.german) return TokenRel::Translit;
  if (a.f.size() == 1 || b.f.size() == 1) return a.f[0] == b.f[0] ? TokenRel::Initial : TokenRel::Different;
  if (first_name) {
    for (const auto& x : a.canon)
      for (const auto& y : b.canon)
        if (x == y) return TokenRel::Nickname;
  } else if (a.parts.size() != b.parts.size()) {
    const auto& small = a.parts.size() < b.parts.size() ? a.parts : b.parts;
    const auto& big = a.parts.size() < b.parts.size() ? b.parts : a.parts;
    bool all = !small.empty();
    for (const auto& s : small)
      if (std::find(big.begin(), big.end(), s) == big.end()) all = false;
    if (all) return TokenRel::HyphenPart;
  }
  if (final_vowel_swap(ja, jb)) return TokenRel::Different;
  size_t mn = std::min(ja.size(), jb.size());
  int cap = mn >= 8 ? 2 : 1;  // no rule below accepts a larger distance
  if (mn >= 2 && (ja.size() > jb.size() ? ja.size() - jb.size() : jb.size() - ja.size()) <= 2 &&
      __builtin_popcount(a.letters ^ b.letters) <= 2 * cap) {
    int d = osa_distance(ja, jb, cap);
    if (mn >= 4 && d <= 1) return TokenRel::Typo;
    if (mn >= 8 && d <= 2) return TokenRel::Typo;
    // Short names: one inserted letter at the end (Qi / Qiu), never a substitution (Jai / Jay).
    if (d == 1 && ja.size() != jb.size()) {
      const auto& s = ja.size() < jb.size() ? ja : jb;
      const auto& l = ja.size() < jb.size() ? jb : ja;
      if (l.compare(0, s.size(), s) == 0) return TokenRel::Typo;
    }
  }
  if (a.german == b.german) return TokenRel::Typo;  // Juergen / Jurgen without an umlaut in sight
  if (mn >= 4 && a.phon.size() >= 2 && a.phon == b.phon) return TokenRel::Phonetic;
  return TokenRel::Different;
}

TokenRel relation_folded(const std::string& a, const std::string& b, bool a_non_ascii, bool b_non_ascii,
                         bool first_name) {
  return relation(features(a, a_non_ascii), features(b, b_non_ascii), first_name);
}

}  // namespace detail

TokenRel token_relation(std::string_view raw_a, std::string_view raw_b, bool first_name) {
  return detail::relation_folded(detail::name_token(raw_a), detail::name_token(raw_b), has_non_ascii(raw_a),
                                 has_non_ascii(raw_b), first_name);
}

}  // namespace vaultcrm::dedup
