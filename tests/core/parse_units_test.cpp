// Units of the parse layer's internal helpers (core/src/parse/text.h) that
// were rewritten for speed: each is compared with the plain definition it
// replaces, on text built to hit its edge cases.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "parse/text.h"

namespace {

using vaultcrm::parse::detail::LineTable;
using vaultcrm::parse::detail::TextFacts;

// A table of the text's lines; the facts gathered with them are not asked.
LineTable lines_of(std::string_view text) {
  TextFacts unused;
  return LineTable(text, unused);
}

// The definition: a column counts the code points before the offset on its
// line, plus one; every byte that is not a continuation byte starts one.
int plain_column(std::string_view text, size_t offset) {
  size_t start = 0;
  for (size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') start = i + 1;
  int col = 1;
  for (size_t i = start; i < offset; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++col;
  return col;
}

std::string random_text(std::mt19937& rng, size_t pieces) {
  // ASCII, 2-, 3- and 4-byte sequences, stray continuation bytes, newlines.
  static const char* kPieces[] = {"a", "Zz ", "#", "[[x]] ", "\xC3\xA9", "\xE2\x80\x94", "\xF0\x9F\x93\x85",
                                  "\x80", "\xBF\xBF", "\n", "\r\n", "longer ascii run of words "};
  std::uniform_int_distribution<size_t> pick(0, sizeof(kPieces) / sizeof(kPieces[0]) - 1);
  std::string out;
  for (size_t i = 0; i < pieces; ++i) out += kPieces[pick(rng)];
  return out;
}

TEST(LineTableUnits, ColumnsMatchTheCodePointCountInAnyQueryOrder) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::string text = random_text(rng, 1 + round % 60);
    // In increasing order (how the parsers ask, resuming on the same line)...
    LineTable lines = lines_of(text);
    for (size_t off = 0; off <= text.size(); ++off)
      ASSERT_EQ(lines.column_of(off), plain_column(text, off)) << "round " << round << " offset " << off;
    // ...and in random order (the resume must not carry over wrongly).
    LineTable shuffled = lines_of(text);
    std::uniform_int_distribution<size_t> any(0, text.size());
    for (int q = 0; q < 100; ++q) {
      size_t off = any(rng);
      ASSERT_EQ(shuffled.column_of(off), plain_column(text, off)) << "round " << round << " offset " << off;
    }
  }
}

TEST(LineTableUnits, ALongNonAsciiLineCountsCodePointsNotBytes) {
  std::string line;
  for (int i = 0; i < 100; ++i) line += "\xC3\xA9t\xC3\xA9 ";  // "été " = 4 code points, 6 bytes
  line += "[[Ana]]";
  std::string text = "# Title\n" + line + "\n";
  LineTable lines = lines_of(text);  // views the text
  size_t link = 8 + line.find("[[");
  EXPECT_EQ(lines.line_of(link), 2);
  EXPECT_EQ(lines.column_of(link), 401);
}

}  // namespace

// The facts one pass gathers, each by its plain definition: the searches
// parse_note and the Markdown builder made before the pass did it for them.
TEST(LineTableUnits, OnePassFactsMatchTheSearchesTheyReplace) {
  static const char* kPieces[] = {"a", "Zz ", "#", "#tag ", "[", "[[x]] ", "[[[", "!", "![[e]]", ":", "::",
                                  "key:: v", "\xC3\xA9", "\xE2\x80\x94", "\x80", "\n", "\r\n", "\r",
                                  std::string_view("\0", 1).data(), "longer ascii run of words "};
  std::mt19937 rng(11);
  std::uniform_int_distribution<size_t> pick(0, sizeof(kPieces) / sizeof(kPieces[0]) - 1);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    for (size_t i = 0, n = round % 90; i < n; ++i) {
      size_t k = pick(rng);
      if (kPieces[k][0] == '\0') text.push_back('\0');
      else text += kPieces[k];
    }
    const std::string_view t = text;
    std::vector<size_t> starts{0};  // each line starts after a '\n'
    for (size_t p = t.find('\n'); p != std::string_view::npos; p = t.find('\n', p + 1)) starts.push_back(p + 1);
    for (bool vector_skip : {true, false}) {
      TextFacts f;
      LineTable lines(t, f, vector_skip);
      const std::string at = "round " + std::to_string(round) + (vector_skip ? " (vector)" : " (portable)");
      ASSERT_EQ(lines.line_count(), static_cast<int>(starts.size())) << at;
      for (int l = 1; l <= lines.line_count(); ++l) ASSERT_EQ(lines.line_start(l), starts[l - 1]) << at;
      EXPECT_EQ(f.crlf, t.find("\r\n") != std::string_view::npos) << at;
      EXPECT_EQ(f.first_nul, t.find('\0')) << at;
      size_t high = std::string_view::npos;
      for (size_t i = 0; i < t.size() && high == std::string_view::npos; ++i)
        if (static_cast<unsigned char>(t[i]) >= 0x80) high = i;
      EXPECT_EQ(f.first_non_ascii, high) << at;
      size_t openers = 0;
      for (size_t p = t.find("[["); p != std::string_view::npos; p = t.find("[[", p + 2)) ++openers;
      EXPECT_EQ(f.link_openers, openers) << at;
      std::vector<int> field_lines;
      for (size_t l = 0; l < starts.size(); ++l) {
        const size_t end = l + 1 < starts.size() ? starts[l + 1] : t.size();
        if (t.substr(starts[l], end - starts[l]).find("::") != std::string_view::npos) field_lines.push_back(int(l) + 1);
      }
      EXPECT_EQ(f.field_lines, field_lines) << at;
      std::vector<uint32_t> hashes, embeds;
      for (size_t p = t.find('#'); p != std::string_view::npos; p = t.find('#', p + 1)) hashes.push_back(p);
      for (size_t p = t.find("![["); p != std::string_view::npos; p = t.find("![[", p + 1)) embeds.push_back(p);
      EXPECT_EQ(f.hashes, hashes) << at;
      EXPECT_EQ(f.embed_openers, embeds) << at;
    }
  }
}
