// Units of the parse layer's internal helpers (core/src/parse/text.h) that
// were rewritten for speed: each is compared with the plain definition it
// replaces, on text built to hit its edge cases.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "parse/text.h"

namespace {

using vaultcrm::parse::detail::LineTable;

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
    LineTable lines(text);
    for (size_t off = 0; off <= text.size(); ++off)
      ASSERT_EQ(lines.column_of(off), plain_column(text, off)) << "round " << round << " offset " << off;
    // ...and in random order (the resume must not carry over wrongly).
    LineTable shuffled(text);
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
  LineTable lines(text);  // views the text
  size_t link = 8 + line.find("[[");
  EXPECT_EQ(lines.line_of(link), 2);
  EXPECT_EQ(lines.column_of(link), 401);
}

}  // namespace
