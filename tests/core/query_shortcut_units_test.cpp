// Shortcuts below the query executors, held to their general versions:
// the collation's (an ASCII weight table, cached Latin bases) must order
// every pair of strings as the general comparison does (names mixing case,
// accents, digits, punctuation, non-Latin letters and invalid UTF-8), and
// parse_iso_day must agree with parse_date on every 10-byte date text.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "query/value.h"

namespace {

int sign(int x) { return (x > 0) - (x < 0); }

std::vector<std::string> sample_strings() {
  const std::vector<std::string> pieces = {
      "a", "A", "b", "B", "z", "Z", "e", "E", "0", "9", "-", "_", "&", ".", " ", "\t", "\n", "[", "~",
      "\xC3\xA9",          // é
      "\xC3\x89",          // É
      "\xC3\x9F",          // ß
      "\xC3\x85",          // Å
      "\xC3\xA5",          // å
      "\xC3\xB8",          // ø
      "\xC5\x81",          // Ł
      "\xC5\x82",          // ł
      "\xC7\x85",          // ǅ (title case)
      "\xC4\xB0",          // İ
      "\xC9\x90",          // ɐ (just past the cached range)
      "\xE4\xB8\xAD",      // 中
      "\xF0\x9F\x98\x80",  // 😀
      "\xFF",              // invalid
      "\xC3",              // truncated sequence
  };
  std::mt19937 rng(7);
  std::vector<std::string> out = {"", "Adatum & Dotter 66792", "Adatum & Dotter 24734", "adatum & dotter 24734",
                                  "\xC3\x85kerlund Sa\xC3\xBA" "de 18392", "Akerlund Saude 18392", "akerlund saude 18392"};
  for (int n = 0; n < 600; ++n) {
    std::string s;
    int len = static_cast<int>(rng() % 7);
    for (int k = 0; k < len; ++k) s += pieces[rng() % pieces.size()];
    out.push_back(s);
  }
  return out;
}

TEST(QueryCollation, FastPathOrdersLikeTheGeneralComparison) {
  auto strings = sample_strings();
  size_t checked = 0;
  for (const auto& a : strings)
    for (const auto& b : strings) {
      int fast = sign(vaultcrm::query::compare_text(a, b));
      int general = sign(vaultcrm::query::detail::compare_text_general(a, b));
      ASSERT_EQ(fast, general) << "'" << a << "' vs '" << b << "'";
      ++checked;
    }
  EXPECT_GT(checked, 300000u);
}

TEST(QueryFields, FieldKeyMatchesAgreesWithKeyMatches) {
  const std::vector<std::string> keys = {"date", "Date", "DATE", "due", "Key Contacts", "key-contacts", "key_contacts",
                                         " date", "*date*", "-date", "_date", "d", "", "\xC3\x89tat", "\xC3\xA9tat",
                                         "9lives", "Type", "type ", "da te", "date2", "\tdate"};
  const std::vector<std::string> idents = {"date", "Date", "DATE", "due", "key-contacts", "Key Contacts", "key_contacts",
                                           "-date", "_date", "d", "", "\xC3\xA9tat", "9lives", "type", "da-te", "date2"};
  for (const auto& k : keys)
    for (const auto& i : idents)
      EXPECT_EQ(vaultcrm::query::field_key_matches(k, i), vaultcrm::query::key_matches(k, i)) << "'" << k << "' / '" << i << "'";
}

TEST(QueryCollation, KnownOrders) {
  using vaultcrm::query::compare_text;
  EXPECT_LT(compare_text("apple", "Banana"), 0);   // case ignored first
  EXPECT_LT(compare_text("a", "A"), 0);            // then lower case first
  EXPECT_LT(compare_text("-x", "1"), 0);           // punctuation < digits < letters
  EXPECT_LT(compare_text("9", "a"), 0);
  EXPECT_LT(compare_text("e", "\xC3\xA9"), 0);     // accents after base letters
  EXPECT_LT(compare_text("\xC3\xA9", "f"), 0);
  EXPECT_LT(compare_text("ab", "abc"), 0);
  EXPECT_EQ(compare_text("same", "same"), 0);
}

TEST(QueryDates, IsoDayAgreesWithParseDate) {
  std::vector<std::string> texts = {"2025-02-29", "2024-02-29", "2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32",
                                    "2025-1-011", "+025-01-01", "2025-01-1a", "2025/01/01", "0000-01-01", "9999-12-31",
                                    "1969-12-31", "1900-02-29", "2000-02-29", "2025-04-31", "2025-04-30", "2025-06-01",
                                    "-025-01-01", "2025-01-01T", "2025-01", ""};
  for (int y : {1899, 1970, 2023, 2024, 2100})
    for (int m = 0; m <= 13; ++m)
      for (int d = 0; d <= 32; ++d) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
        texts.push_back(buf);
      }
  for (const auto& t : texts) {
    double ms = 0;
    int64_t day = 0;
    bool general = vaultcrm::query::detail::parse_date_general(t, ms);
    double ms_fast = 0;
    ASSERT_EQ(vaultcrm::query::parse_date(t, ms_fast), general) << t;
    if (general) EXPECT_EQ(ms_fast, ms) << t;
    bool fast = vaultcrm::query::parse_iso_day(t, day);
    int32_t ymd = 0;
    bool keyed = vaultcrm::query::parse_iso_ymd(t, ymd);
    EXPECT_EQ(keyed, fast) << t;
    if (t.size() == 10) {
      ASSERT_EQ(fast, general) << t;
      if (fast) {
        EXPECT_EQ(static_cast<double>(day), std::floor(ms / vaultcrm::query::kMsPerDay)) << t;
        EXPECT_EQ(vaultcrm::query::ymd_of_day(day), ymd) << t;
      }
    } else {
      EXPECT_FALSE(fast) << t;
    }
  }
}

TEST(QueryDates, IsoTextOfDaysMatchesPrintf) {
  // date_iso writes plain days itself; the text must be what printf gives.
  for (int64_t day = vaultcrm::query::days_from_civil(-2, 1, 1); day < vaultcrm::query::days_from_civil(10001, 1, 1);
       day += 97) {
    int64_t y;
    unsigned m, d;
    vaultcrm::query::civil_from_days(day, y, m, d);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
    ASSERT_EQ(vaultcrm::query::date_iso(static_cast<double>(day) * vaultcrm::query::kMsPerDay), buf) << day;
  }
}

}  // namespace
