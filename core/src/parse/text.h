// Small text helpers shared by the parse adapters (internal header).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "vaultcrm/value.h"

namespace vaultcrm::parse::detail {

// What parse_note asks of a note's bytes as a whole, gathered by the pass
// that finds its lines. Each question used to be a pass of its own (memchr
// for "\r\n", NUL, "[[", "::" per line, '#' and "![[" per text run): in
// wasm, where memchr reads four bytes at a time, those passes were a sixth
// of an index build's instructions.
struct TextFacts {
  bool crlf = false;
  size_t first_nul = std::string_view::npos;
  size_t first_non_ascii = std::string_view::npos;  // UTF-8 is checked from here
  size_t link_openers = 0;               // "[[", counted without overlap
  std::vector<int> field_lines;          // 1-based lines holding "::", ascending
  std::vector<uint32_t> hashes;          // offsets of every '#'
  std::vector<uint32_t> embed_openers;   // offsets of every "![["
};

#if defined(__SSE2__)
// One bit per byte of p[0, 16) that LineTable's pass stops at: '\n', '[',
// ':', '#', '!', NUL, and, while `ascii_so_far`, any byte with its top bit
// set. SSE2: every x86-64, and wasm, where core/CMakeLists.txt compiles
// note.cpp (the one user) with -msimd128 -msse2 and Emscripten's
// <emmintrin.h> maps each of these to one SIMD128 instruction.
// Always inlined: left to GCC, the native index build ran 0.15% more.
inline __attribute__((always_inline)) unsigned bytes_that_matter(const unsigned char* p, bool ascii_so_far) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  auto is = [&v](char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
  __m128i hit = _mm_or_si128(_mm_or_si128(is('\n'), is('[')), _mm_or_si128(is(':'), is('#')));
  hit = _mm_or_si128(hit, _mm_or_si128(is('!'), is('\0')));
  if (ascii_so_far) hit = _mm_or_si128(hit, v);  // a byte's top bit counts as a hit as it is
  return static_cast<unsigned>(_mm_movemask_epi8(hit));
}
#endif

// Byte offset -> (line, column). Lines are 1-based; `line_offset` shifts them
// when the table covers only part of a file.
class LineTable {
 public:
  // The line starts of `text`, and `facts` about the same bytes, in one
  // pass. `vector_skip` false takes the portable path where SSE2 is there too (the
  // tests compare the two).
  LineTable(std::string_view text, TextFacts& facts, bool vector_skip = true) : text_(text) {
    enum : uint8_t { kNewline = 1, kBracket, kColon, kHash, kBang, kNul, kHigh };
    // Two tables: once the first non-ASCII byte is found, the others matter
    // to no question (a note in Cyrillic or Chinese is nearly all of them).
    static constexpr auto kClasses = [] {
      std::array<std::array<uint8_t, 256>, 2> c{};
      for (auto& t : c) {
        t['\n'] = kNewline;
        t['['] = kBracket;
        t[':'] = kColon;
        t['#'] = kHash;
        t['!'] = kBang;
        t[0] = kNul;
      }
      for (int b = 0x80; b < 0x100; ++b) c[0][b] = kHigh;
      return c;
    }();
    const uint8_t* byte_class = kClasses[0].data();  // kClasses[1] after the first non-ASCII byte
    starts_.reserve(text.size() / 40 + 1);
    starts_.push_back(0);
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t open_at = std::string_view::npos;  // a '[' not yet paired into a "[["
    auto take = [&](size_t i) {
      switch (byte_class[p[i]]) {
        case kNewline:
          if (i > 0 && p[i - 1] == '\r') facts.crlf = true;
          starts_.push_back(static_cast<uint32_t>(i + 1));
          break;
        case kBracket:
          if (open_at != std::string_view::npos && open_at + 1 == i) {
            ++facts.link_openers;
            open_at = std::string_view::npos;
          } else {
            open_at = i;
          }
          break;
        case kColon:
          if (i > 0 && p[i - 1] == ':' &&
              (facts.field_lines.empty() || facts.field_lines.back() != static_cast<int>(starts_.size())))
            facts.field_lines.push_back(static_cast<int>(starts_.size()));
          break;
        case kHash:
          facts.hashes.push_back(static_cast<uint32_t>(i));
          break;
        case kBang:
          if (i + 2 < n && p[i + 1] == '[' && p[i + 2] == '[') facts.embed_openers.push_back(static_cast<uint32_t>(i));
          break;
        case kNul:
          if (facts.first_nul == std::string_view::npos) facts.first_nul = i;
          break;
        case kHigh:
          facts.first_non_ascii = i;
          byte_class = kClasses[1].data();
          break;
        default:
          break;
      }
    };
    // Most bytes matter to no question. SSE2 (x86-64, and wasm's SIMD128
    // through it) compares sixteen at a time and hands over the ones that
    // do, in order; elsewhere they are skipped four at a time through the table.
    size_t i = 0;
#if defined(__SSE2__)
    for (; vector_skip && i + 16 <= n; i += 16) {
      const bool ascii_so_far = facts.first_non_ascii == std::string_view::npos;
      for (unsigned mask = bytes_that_matter(p + i, ascii_so_far); mask; mask &= mask - 1)
        take(i + static_cast<size_t>(__builtin_ctz(mask)));
    }
#else
    (void)vector_skip;
#endif
    for (;;) {  // what is left: the last bytes, or all of them
      while (i + 4 <= n && (byte_class[p[i]] | byte_class[p[i + 1]] | byte_class[p[i + 2]] | byte_class[p[i + 3]]) == 0)
        i += 4;
      while (i < n && byte_class[p[i]] == 0) ++i;
      if (i >= n) break;
      take(i++);
    }
  }
  int line_count() const { return static_cast<int>(starts_.size()); }
  // 1-based line of a byte offset. Parsers ask in increasing order, so the
  // last answer is tried first (a hint), then a binary search.
  int line_of(size_t offset) const {
    size_t i = hint_line_;
    if (i < starts_.size() && starts_[i] <= offset && (i + 1 == starts_.size() || offset < starts_[i + 1]))
      return static_cast<int>(i) + 1;
    if (i + 1 < starts_.size() && starts_[i + 1] <= offset &&
        (i + 2 == starts_.size() || offset < starts_[i + 2])) {
      hint_line_ = i + 1;
      return static_cast<int>(i) + 2;
    }
    auto it = std::upper_bound(starts_.begin(), starts_.end(), static_cast<uint32_t>(offset));
    hint_line_ = static_cast<size_t>(it - starts_.begin()) - 1;
    return static_cast<int>(it - starts_.begin());
  }
  // 1-based column in code points. Counting resumes from the previous
  // answer on the same line, so a line with thousands of links costs one
  // pass, not one pass per link.
  int column_of(size_t offset) const {
    size_t start = starts_[line_of(offset) - 1];
    size_t from = start;
    int col = 1;
    if (col_line_start_ == start && col_offset_ <= offset && col_offset_ >= start) {
      from = col_offset_;
      col = col_value_;
    }
    size_t end = std::min(offset, text_.size());
    size_t i = from;
    // Eight bytes at a time: a code point starts at every byte that is not a
    // continuation byte (10xxxxxx). Links and tags sit far into long lines,
    // and this count was 6% of an index build byte by byte.
    for (; i + 8 <= end; i += 8) {
      uint64_t word;
      std::memcpy(&word, text_.data() + i, 8);
      uint64_t continuation = word & ~(word << 1) & 0x8080808080808080ull;
      // one bit per continuation byte, at bit 7: gather them in the top byte
      col += 8 - static_cast<int>(((continuation >> 7) * 0x0101010101010101ull) >> 56);
    }
    for (; i < end; ++i)
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++col;
    col_line_start_ = start;
    col_offset_ = offset;
    col_value_ = col;
    return col;
  }
  // The text of a 1-based line without its "\n" or "\r\n".
  std::string_view line_text(int line) const {
    if (line < 1 || line > line_count()) return {};
    size_t b = starts_[line - 1];
    size_t e = line < line_count() ? starts_[line] - 1 : text_.size();
    if (e > b && text_[e - 1] == '\r') --e;
    if (e < b) e = b;
    return text_.substr(b, e - b);
  }
  size_t line_start(int line) const { return starts_[line - 1]; }
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
  std::vector<uint32_t> starts_;
  mutable size_t hint_line_ = 0;
  mutable size_t col_line_start_ = static_cast<size_t>(-1), col_offset_ = 0;
  mutable int col_value_ = 1;
};

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}
// Whether `part` lies inside `whole`'s bytes (not merely equals some of
// them): records view a note's bytes, and what does not is copied.
inline bool lies_within(std::string_view part, std::string_view whole) {
  const std::less_equal<const char*> le;  // a total order, unlike <= on unrelated pointers
  return le(whole.data(), part.data()) && le(part.data() + part.size(), whole.data() + whole.size());
}
inline std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// YYYY-MM-DD at the start of s (month 01-12, day 01-31).
inline bool starts_with_iso_date(std::string_view s) {
  if (s.size() < 10) return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!is_digit(s[i])) return false;
  if (s[4] != '-' || s[7] != '-') return false;
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  return s.size() == 10 || !is_digit(s[10]);
}

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// ASCII case-insensitive equality: how tags and link names compare (other
// scripts compare as written, as ascii_lower leaves them).
inline bool equals_ascii_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

inline bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
inline bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// A plain (unquoted) YAML scalar -> a typed Value, by the YAML 1.2 core
// schema that Obsidian's properties follow. Two deliberate exceptions keep
// facts intact: digits with a leading zero ("007", a phone number, a postcode)
// stay strings, and dates stay strings (the query layer recognises them).
Value resolve_plain_scalar(std::string_view s);

}  // namespace vaultcrm::parse::detail
