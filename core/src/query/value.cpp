// Dataview's value semantics: ordering, truthiness, display, dates, durations.
#include "query/value.h"

#include <utf8proc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "query/eval.h"

namespace vaultcrm::query {

namespace {
const List kEmptyList;
}

Val Val::make_link(std::string path, std::string display, bool has_display, std::string subpath, bool embed, char kind) {
  Val x;
  x.t = T::Link;
  x.s = std::move(path);
  if (has_display || !subpath.empty() || embed) {
    auto d = std::make_shared<LinkData>();
    d->display = std::move(display);
    d->has_display = has_display;
    d->subpath = std::move(subpath);
    d->embed = embed;
    d->kind = kind;
    x.link = std::move(d);
  }
  return x;
}

Val Val::make_object(std::vector<std::pair<std::string, Val>> members) {
  Val x;
  x.t = T::Object;
  auto o = std::make_shared<ObjData>();
  o->members = std::move(members);
  x.obj = std::move(o);
  return x;
}

const List& Val::items() const { return list ? *list : kEmptyList; }

const Val* Val::member(std::string_view key) const {
  if (t != T::Object || !obj) return nullptr;
  for (const auto& m : obj->members)
    if (m.first == key) return &m.second;
  return nullptr;
}

const char* type_name(Val::T t) {
  switch (t) {
    case Val::T::Null: return "null";
    case Val::T::Bool: return "boolean";
    case Val::T::Number: return "number";
    case Val::T::String: return "string";
    case Val::T::Date: return "date";
    case Val::T::Duration: return "duration";
    case Val::T::Link: return "link";
    case Val::T::List: return "array";
    case Val::T::Object: return "object";
    case Val::T::Function: return "function";
  }
  return "null";
}

// ---- collation --------------------------------------------------------------
// JavaScript's localeCompare (ICU root collation) in miniature: first compare
// ignoring case and accents, with punctuation < digits < letters; then accents;
// then lower case before upper case; finally code points, so that only equal
// strings compare equal (Dataview's "=" is case-sensitive).
namespace {
int32_t next_cp(std::string_view s, size_t& i) {
  if (static_cast<unsigned char>(s[i]) < 0x80) return s[i++];  // ASCII is its own code point
  utf8proc_int32_t cp = 0;
  auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                            static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0) {
    ++i;
    return 0xFFFD;
  }
  i += static_cast<size_t>(n);
  return cp;
}

// The base letter of a code point (accents stripped, case folded).
int32_t base_of(int32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  utf8proc_int32_t buf[8];
  int opts = UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD | UTF8PROC_COMPAT;
  int last = 0;
  auto n = utf8proc_decompose_char(cp, buf, 8, static_cast<utf8proc_option_t>(opts), &last);
  if (n >= 1) return buf[0];
  return cp;
}

int primary_class(int32_t b) {
  if (b == ' ' || b == '\t' || b == '\n') return 0;
  if (b < 0x80) {
    if (b >= '0' && b <= '9') return 2;
    if (b >= 'a' && b <= 'z') return 3;
    return 1;
  }
  auto cat = utf8proc_category(b);
  if (cat == UTF8PROC_CATEGORY_ND) return 2;
  if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) return 3;
  return 1;
}

// Level-1 weight of an ASCII byte: primary_class(base_of(c)) * 128 +
// base_of(c), so that comparing two weights decides what the general loop
// below decides for that pair (equal weights exactly when the bases are equal).
struct AsciiWeights {
  uint16_t w[128] = {};
  constexpr AsciiWeights() {
    for (int c = 0; c < 128; ++c) {
      int b = (c >= 'A' && c <= 'Z') ? c + 32 : c;
      int k = (b == ' ' || b == '\t' || b == '\n') ? 0 : (b >= '0' && b <= '9') ? 2 : (b >= 'a' && b <= 'z') ? 3 : 1;
      w[c] = static_cast<uint16_t>(k * 128 + b);
    }
  }
};
constexpr AsciiWeights kAsciiWeights;

int locale_compare_general(std::string_view a, std::string_view b, size_t i, size_t j);

// Sorting names and paths compares mostly ASCII: while both sides are ASCII
// each level is a table lookup per byte instead of utf8proc calls; at the
// first non-ASCII byte the general comparison takes over where this stopped
// (an ASCII byte is one code point, so both sides are still aligned).
int locale_compare(std::string_view a, std::string_view b) {
  const size_t na = a.size(), nb = b.size();
  size_t i = 0;
  while (i < na && i < nb) {
    unsigned char ca = static_cast<unsigned char>(a[i]), cb = static_cast<unsigned char>(b[i]);
    if ((ca | cb) >= 0x80) return locale_compare_general(a, b, i, i);
    if (ca != cb) {
      uint16_t wa = kAsciiWeights.w[ca], wb = kAsciiWeights.w[cb];
      if (wa != wb) return wa < wb ? -1 : 1;
    }
    ++i;
  }
  if (i < na) return 1;
  if (i < nb) return -1;
  // Level 1 equal over all-ASCII text of equal length: the strings differ in
  // case only; the first difference decides, lower case first.
  for (size_t k = 0; k < na; ++k)
    if (a[k] != b[k]) return a[k] >= 'a' && a[k] <= 'z' ? -1 : 1;
  return 0;
}

// base_of and primary_class of the Latin letters most names use (up to
// U+024F), computed once: utf8proc's decomposition per code point was the
// largest cost left in sorting accented names.
struct LatinTable {
  static constexpr int32_t kEnd = 0x250;
  int32_t base[kEnd];
  uint8_t cls[kEnd];
  LatinTable() {
    for (int32_t cp = 0; cp < kEnd; ++cp) {
      base[cp] = base_of(cp);
      cls[cp] = static_cast<uint8_t>(primary_class(cp));
    }
  }
};
const LatinTable& latin_table() {
  static const LatinTable table;
  return table;
}
int32_t base_of_cached(int32_t cp, const LatinTable& t) { return cp >= 0 && cp < LatinTable::kEnd ? t.base[cp] : base_of(cp); }
int primary_class_cached(int32_t b, const LatinTable& t) { return b >= 0 && b < LatinTable::kEnd ? t.cls[b] : primary_class(b); }

int locale_compare_general(std::string_view a, std::string_view b, size_t i, size_t j) {
  const LatinTable& t = latin_table();
  // Level 1: base letters (positions before i / j compared equal already).
  while (i < a.size() && j < b.size()) {
    int32_t ca = base_of_cached(next_cp(a, i), t), cb = base_of_cached(next_cp(b, j), t);
    if (ca == cb) continue;
    int ka = primary_class_cached(ca, t), kb = primary_class_cached(cb, t);
    if (ka != kb) return ka < kb ? -1 : 1;
    return ca < cb ? -1 : 1;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  // Level 2/3: accents and case; lower before upper.
  i = j = 0;
  while (i < a.size() && j < b.size()) {
    int32_t ca = next_cp(a, i), cb = next_cp(b, j);
    if (ca == cb) continue;
    bool la = utf8proc_tolower(ca) == ca, lb = utf8proc_tolower(cb) == cb;
    int32_t fa = utf8proc_tolower(ca), fb = utf8proc_tolower(cb);
    if (fa != fb) return fa < fb ? -1 : 1;  // accent difference
    if (la != lb) return la ? -1 : 1;
    return ca < cb ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}
}  // namespace

int compare_text(std::string_view a, std::string_view b) { return a == b ? 0 : locale_compare(a, b); }

namespace detail {
int compare_text_general(std::string_view a, std::string_view b) { return a == b ? 0 : locale_compare_general(a, b, 0, 0); }
}  // namespace detail

int compare(const Val& a, const Val& b) {
  if (a.t == Val::T::Null || b.t == Val::T::Null) {
    if (a.t == b.t) return 0;
    return a.t == Val::T::Null ? -1 : 1;
  }
  if (a.t != b.t) return std::strcmp(type_name(a.t), type_name(b.t)) < 0 ? -1 : 1;
  switch (a.t) {
    case Val::T::Null: return 0;
    case Val::T::Bool: return a.b == b.b ? 0 : (a.b ? 1 : -1);
    case Val::T::Number:
    case Val::T::Date: return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
    case Val::T::Duration: {
      // Compare as Luxon does, by total length (a month counts 30 days).
      double x = a.months * 30.0 * kMsPerDay + a.n, y = b.months * 30.0 * kMsPerDay + b.n;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case Val::T::String: return a.s == b.s ? 0 : locale_compare(a.s, b.s);
    case Val::T::Link: {
      if (a.s != b.s) return locale_compare(a.s, b.s) < 0 ? -1 : 1;
      char ka = a.link ? a.link->kind : 'f', kb = b.link ? b.link->kind : 'f';
      if (ka != kb) return ka < kb ? -1 : 1;
      std::string sa = a.link ? a.link->subpath : "", sb = b.link ? b.link->subpath : "";
      if (sa.empty() != sb.empty()) return sa.empty() ? -1 : 1;
      return sa == sb ? 0 : locale_compare(sa, sb);
    }
    case Val::T::List: {
      const auto &x = a.items(), &y = b.items();
      for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
        int c = compare(x[i], y[i]);
        if (c) return c;
      }
      return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
    }
    case Val::T::Object: {
      auto ma = materialize(a), mb = materialize(b);
      std::vector<std::string> ka, kb;
      for (const auto& m : ma.obj->members) ka.push_back(m.first);
      for (const auto& m : mb.obj->members) kb.push_back(m.first);
      std::sort(ka.begin(), ka.end());
      std::sort(kb.begin(), kb.end());
      if (ka != kb) {
        for (size_t i = 0; i < std::min(ka.size(), kb.size()); ++i)
          if (ka[i] != kb[i]) return locale_compare(ka[i], kb[i]);
        return ka.size() < kb.size() ? -1 : 1;
      }
      for (const auto& k : ka) {
        int c = compare(*ma.member(k), *mb.member(k));
        if (c) return c;
      }
      return 0;
    }
    case Val::T::Function: return 0;
  }
  return 0;
}

bool equal(const Val& a, const Val& b) { return compare(a, b) == 0; }

bool truthy(const Val& v) {
  switch (v.t) {
    case Val::T::Null: return false;
    case Val::T::Bool: return v.b;
    case Val::T::Number: return v.n != 0;
    case Val::T::String: return !v.s.empty();
    case Val::T::Date: return v.n != 0;
    case Val::T::Duration: return v.n != 0 || v.months != 0;
    case Val::T::Link: return !v.s.empty();
    case Val::T::List: return !v.items().empty();
    case Val::T::Object:
      if (v.obj && (v.obj->page || v.obj->task || v.obj->item)) return true;
      return v.obj && !v.obj->members.empty();
    case Val::T::Function: return true;
  }
  return false;
}

namespace {
std::string number_text(double n) {
  if (std::isnan(n)) return "NaN";
  if (std::isinf(n)) return n > 0 ? "Infinity" : "-Infinity";
  if (n == std::floor(n) && std::fabs(n) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n));
    return buf;
  }
  // Shortest representation that round-trips, like JavaScript's.
  char buf[40];
  for (int p = 1; p <= 17; ++p) {
    std::snprintf(buf, sizeof buf, "%.*g", p, n);
    if (std::strtod(buf, nullptr) == n) break;
  }
  return buf;
}
}  // namespace

std::string to_display(const Val& v, bool recursive) {
  switch (v.t) {
    case Val::T::Null: return "-";
    case Val::T::Bool: return v.b ? "true" : "false";
    case Val::T::Number: return number_text(v.n);
    case Val::T::String: return v.s;
    case Val::T::Date: {
      auto p = date_parts(v.n);
      if (p.hour == 0 && p.minute == 0 && p.second == 0 && p.ms == 0) return format_date(v.n, "MMMM dd, yyyy");
      return format_date(v.n, "h:mm a - MMMM dd, yyyy");
    }
    case Val::T::Duration: return duration_text(v.months, v.n);
    case Val::T::Link: {
      std::string out = v.link && v.link->embed ? "![[" : "[[";
      out += v.s;
      if (v.link && !v.link->subpath.empty()) out += (v.link->kind == 'b' ? "#^" : "#") + v.link->subpath;
      if (v.link && v.link->has_display) out += "|" + v.link->display;
      return out + "]]";
    }
    case Val::T::List: {
      std::string out = recursive ? "[" : "";
      bool first = true;
      for (const auto& x : v.items()) {
        if (!first) out += ", ";
        first = false;
        out += to_display(x, true);
      }
      return recursive ? out + "]" : out;
    }
    case Val::T::Object: {
      auto m = materialize(v);
      std::string out = "{ ";
      bool first = true;
      for (const auto& kv : m.obj->members) {
        if (!first) out += ", ";
        first = false;
        out += kv.first + ": " + to_display(kv.second, true);
      }
      return out + " }";
    }
    case Val::T::Function: return "<function>";
  }
  return "";
}

// ---- dates --------------------------------------------------------------------
// Howard Hinnant's civil-date algorithms (public domain arithmetic).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

double make_date(int64_t y, unsigned m, unsigned d, int hh, int mm, int ss, int ms) {
  return static_cast<double>(days_from_civil(y, m, d)) * kMsPerDay + hh * 3600000.0 + mm * 60000.0 + ss * 1000.0 + ms;
}

DateParts date_parts(double ms) {
  DateParts p{};
  double days = std::floor(ms / kMsPerDay);
  int64_t rem = static_cast<int64_t>(ms - days * kMsPerDay);
  civil_from_days(static_cast<int64_t>(days), p.year, p.month, p.day);
  p.hour = static_cast<int>(rem / 3600000);
  p.minute = static_cast<int>(rem / 60000 % 60);
  p.second = static_cast<int>(rem / 1000 % 60);
  p.ms = static_cast<int>(rem % 1000);
  int64_t wd = (static_cast<int64_t>(days) + 3) % 7;  // 1970-01-01 was a Thursday
  if (wd < 0) wd += 7;
  p.weekday = static_cast<int>(wd) + 1;
  return p;
}

namespace {
bool digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}
unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned k[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return k[m - 1];
}
}  // namespace

bool parse_iso_ymd(std::string_view s, int32_t& ymd) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  unsigned v[8];
  static constexpr int kAt[8] = {0, 1, 2, 3, 5, 6, 8, 9};
  for (int k = 0; k < 8; ++k) {
    v[k] = static_cast<unsigned>(static_cast<unsigned char>(s[static_cast<size_t>(kAt[k])])) - '0';
    if (v[k] > 9) return false;
  }
  const unsigned y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
  const unsigned mo = v[4] * 10 + v[5], d = v[6] * 10 + v[7];
  if (mo < 1 || mo > 12 || d < 1) return false;
  // days_in_month, with the leap-year test only for 29 February.
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[mo - 1] || (mo == 2 && d == 29 && days_in_month(y, 2) != 29)) return false;
  ymd = static_cast<int32_t>(y * 10000 + mo * 100 + d);
  return true;
}

bool parse_iso_day(std::string_view s, int64_t& day) {
  int32_t ymd;
  if (!parse_iso_ymd(s, ymd)) return false;
  day = days_from_civil(ymd / 10000, static_cast<unsigned>(ymd / 100 % 100), static_cast<unsigned>(ymd % 100));
  return true;
}

int64_t ymd_of_day(int64_t day) {
  int64_t y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  return y * 10000 + m * 100 + d;
}

bool parse_date(std::string_view s, double& out) {
  // A 10-byte date can only be YYYY-MM-DD (see parse_iso_day), the form of
  // nearly every date in frontmatter: read without the general scanner.
  if (s.size() == 10) {
    int64_t day;
    if (!parse_iso_day(s, day)) return false;
    out = static_cast<double>(day) * kMsPerDay;
    return true;
  }
  return detail::parse_date_general(s, out);
}

namespace detail {
bool parse_date_general(std::string_view s, double& out) {
  int y, mo, d = 1, h = 0, mi = 0, sec = 0, ms = 0;
  if (!digits(s, 0, 4, y) || s.size() < 7 || s[4] != '-' || !digits(s, 5, 2, mo)) return false;
  if (mo < 1 || mo > 12) return false;
  size_t i = 7;
  if (i < s.size() && s[i] == '-') {
    if (!digits(s, 8, 2, d)) return false;
    i = 10;
    if (d < 1 || static_cast<unsigned>(d) > days_in_month(y, static_cast<unsigned>(mo))) return false;
    if (i < s.size() && (s[i] == 'T' || s[i] == ' ')) {
      if (!digits(s, i + 1, 2, h) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(s, i + 4, 2, mi)) return false;
      i += 6;
      if (i < s.size() && s[i] == ':') {
        if (!digits(s, i + 1, 2, sec)) return false;
        i += 3;
        if (i < s.size() && s[i] == '.') {
          size_t j = i + 1;
          int frac = 0, nd = 0;
          while (j < s.size() && s[j] >= '0' && s[j] <= '9') {
            if (nd < 3) frac = frac * 10 + (s[j] - '0'), ++nd;
            ++j;
          }
          if (nd == 0) return false;
          while (nd < 3) frac *= 10, ++nd;
          ms = frac;
          i = j;
        }
      }
      if (h > 23 || mi > 59 || sec > 59) return false;
      // A zone suffix is accepted; the wall-clock time is kept (see value.h).
      if (i < s.size() && s[i] == 'Z') ++i;
      else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        int zh, zm;
        if (!digits(s, i + 1, 2, zh)) return false;
        i += 3;
        if (i < s.size() && s[i] == ':') ++i;
        if (digits(s, i, 2, zm)) i += 2;
      }
    }
  }
  if (i != s.size()) return false;
  out = make_date(y, static_cast<unsigned>(mo), static_cast<unsigned>(d), h, mi, sec, ms);
  return true;
}
}  // namespace detail

namespace {
struct Unit { const char* name; int32_t months; double ms; };
const Unit kUnits[] = {
    {"milliseconds", 0, 1}, {"millisecond", 0, 1}, {"msecs", 0, 1}, {"msec", 0, 1}, {"ms", 0, 1},
    {"seconds", 0, 1000}, {"second", 0, 1000}, {"secs", 0, 1000}, {"sec", 0, 1000}, {"s", 0, 1000},
    {"minutes", 0, 60000}, {"minute", 0, 60000}, {"mins", 0, 60000}, {"min", 0, 60000}, {"m", 0, 60000},
    {"hours", 0, 3600000}, {"hour", 0, 3600000}, {"hrs", 0, 3600000}, {"hr", 0, 3600000}, {"h", 0, 3600000},
    {"days", 0, kMsPerDay}, {"day", 0, kMsPerDay}, {"d", 0, kMsPerDay},
    {"weeks", 0, 7 * kMsPerDay}, {"week", 0, 7 * kMsPerDay}, {"wks", 0, 7 * kMsPerDay}, {"wk", 0, 7 * kMsPerDay}, {"w", 0, 7 * kMsPerDay},
    {"months", 1, 0}, {"month", 1, 0}, {"mo", 1, 0},
    {"years", 12, 0}, {"year", 12, 0}, {"yrs", 12, 0}, {"yr", 12, 0}, {"y", 12, 0},
};
}  // namespace

bool parse_duration(std::string_view s, int32_t& months, double& ms) {
  months = 0;
  ms = 0;
  size_t i = 0;
  auto skip = [&] { while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == ',')) ++i; };
  skip();
  if (i >= s.size()) return false;
  int parts = 0;
  while (i < s.size()) {
    size_t st = i;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == st) {
      // "and" between parts: "1 day and 2 hours"
      if (parts && s.substr(i, 3) == "and") { i += 3; skip(); continue; }
      return false;
    }
    double num = std::strtod(std::string(s.substr(st, i - st)).c_str(), nullptr);
    while (i < s.size() && s[i] == ' ') ++i;
    size_t us = i;
    while (i < s.size() && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) ++i;
    std::string unit = lower_utf8(s.substr(us, i - us));
    const Unit* u = nullptr;
    for (const auto& k : kUnits)
      if (unit == k.name) { u = &k; break; }
    if (!u) return false;
    if (u->months) months += static_cast<int32_t>(num * u->months);
    else ms += num * u->ms;
    ++parts;
    skip();
  }
  return parts > 0;
}

double add_duration(double date_ms, int32_t months, double ms, int sign) {
  if (months) {
    auto p = date_parts(date_ms);
    int64_t total = p.year * 12 + (p.month - 1) + static_cast<int64_t>(sign) * months;
    int64_t y = total >= 0 ? total / 12 : (total - 11) / 12;
    unsigned m = static_cast<unsigned>(total - y * 12) + 1;
    unsigned d = std::min(p.day, days_in_month(y, m));
    date_ms = make_date(y, m, d, p.hour, p.minute, p.second, p.ms);
  }
  return date_ms + sign * ms;
}

std::string date_iso(double ms) {
  auto p = date_parts(ms);
  char buf[48];
  if (p.hour == 0 && p.minute == 0 && p.second == 0 && p.ms == 0 && p.year >= 0 && p.year <= 9999) {
    // A plain day (every frontmatter date a table shows): the digits written
    // directly, as "%04lld-%02u-%02u" would (snprintf was 2k instructions a cell).
    std::string out(10, '-');
    unsigned y = static_cast<unsigned>(p.year);
    out[0] = static_cast<char>('0' + y / 1000);
    out[1] = static_cast<char>('0' + y / 100 % 10);
    out[2] = static_cast<char>('0' + y / 10 % 10);
    out[3] = static_cast<char>('0' + y % 10);
    out[5] = static_cast<char>('0' + p.month / 10);
    out[6] = static_cast<char>('0' + p.month % 10);
    out[8] = static_cast<char>('0' + p.day / 10);
    out[9] = static_cast<char>('0' + p.day % 10);
    return out;
  }
  if (p.hour == 0 && p.minute == 0 && p.second == 0 && p.ms == 0)
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(p.year), p.month, p.day);
  else if (p.ms == 0)
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d", static_cast<long long>(p.year), p.month, p.day,
                  p.hour, p.minute, p.second);
  else
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03d", static_cast<long long>(p.year), p.month,
                  p.day, p.hour, p.minute, p.second, p.ms);
  return buf;
}

std::string duration_text(int32_t months, double ms) {
  std::vector<std::string> parts;
  auto add = [&](int64_t n, const char* unit) {
    if (!n) return;
    parts.push_back(std::to_string(n) + " " + unit + (n == 1 || n == -1 ? "" : "s"));
  };
  add(months / 12, "year");
  add(months % 12, "month");
  bool neg = ms < 0;
  double a = std::fabs(ms);
  int64_t days = static_cast<int64_t>(a / kMsPerDay);
  a -= days * kMsPerDay;
  int64_t hours = static_cast<int64_t>(a / 3600000);
  a -= hours * 3600000.0;
  int64_t mins = static_cast<int64_t>(a / 60000);
  a -= mins * 60000.0;
  int64_t secs = static_cast<int64_t>(a / 1000);
  a -= secs * 1000.0;
  int64_t msec = static_cast<int64_t>(std::llround(a));
  int s = neg ? -1 : 1;
  add(s * days, "day");
  add(s * hours, "hour");
  add(s * mins, "minute");
  add(s * secs, "second");
  add(s * msec, "millisecond");
  if (parts.empty()) return "0 seconds";
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out;
}

std::string format_date(double ms, std::string_view f) {
  static const char* kMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                                  "August", "September", "October", "November", "December"};
  static const char* kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  auto p = date_parts(ms);
  std::string out;
  size_t i = 0;
  auto pad = [](int64_t v, int w) {
    std::string s = std::to_string(v < 0 ? -v : v);
    while (static_cast<int>(s.size()) < w) s = "0" + s;
    return (v < 0 ? "-" : "") + s;
  };
  while (i < f.size()) {
    char c = f[i];
    if (c == '\'') {
      size_t j = f.find('\'', i + 1);
      if (j == std::string_view::npos) j = f.size();
      out += f.substr(i + 1, j - i - 1);
      i = j + 1;
      continue;
    }
    size_t n = 1;
    while (i + n < f.size() && f[i + n] == c) ++n;
    switch (c) {
      case 'y': out += n == 2 ? pad(p.year % 100, 2) : pad(p.year, static_cast<int>(std::max<size_t>(n, 4) == 4 ? 4 : n)); break;
      case 'M':
      case 'L':
        if (n == 1) out += std::to_string(p.month);
        else if (n == 2) out += pad(p.month, 2);
        else if (n == 3) out += std::string(kMonths[p.month - 1]).substr(0, 3);
        else out += kMonths[p.month - 1];
        break;
      case 'd': out += n == 1 ? std::to_string(p.day) : pad(p.day, 2); break;
      case 'E':
      case 'c':
        if (n <= 2) out += std::to_string(p.weekday);
        else if (n == 3) out += std::string(kDays[p.weekday - 1]).substr(0, 3);
        else out += kDays[p.weekday - 1];
        break;
      case 'H': out += n == 1 ? std::to_string(p.hour) : pad(p.hour, 2); break;
      case 'h': {
        int h12 = p.hour % 12 == 0 ? 12 : p.hour % 12;
        out += n == 1 ? std::to_string(h12) : pad(h12, 2);
        break;
      }
      case 'm': out += n == 1 ? std::to_string(p.minute) : pad(p.minute, 2); break;
      case 's': out += n == 1 ? std::to_string(p.second) : pad(p.second, 2); break;
      case 'S': out += pad(p.ms, 3); break;
      case 'a': out += p.hour < 12 ? "AM" : "PM"; break;
      case 'W': {
        // ISO week number.
        int64_t days = days_from_civil(p.year, p.month, p.day);
        int64_t thursday = days - (p.weekday - 1) + 3;
        int64_t ty; unsigned tm, td;
        civil_from_days(thursday, ty, tm, td);
        int64_t week = (thursday - days_from_civil(ty, 1, 1)) / 7 + 1;
        out += n == 1 ? std::to_string(week) : pad(week, 2);
        break;
      }
      case 'q': out += std::to_string((p.month - 1) / 3 + 1); break;
      default: out.append(n, c); break;
    }
    i += n;
  }
  return out;
}

// ---- names ------------------------------------------------------------------
// Dataview drops everything but letters, digits, '_', '-', spaces (and emoji),
// collapses whitespace runs to '-' and lower-cases.
namespace {
bool keep_char(int32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
                        cp == '_' || cp == '-' || cp == ' ' || cp == '\t';
  auto cat = utf8proc_category(cp);
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) || cat == UTF8PROC_CATEGORY_ND ||
         cat == UTF8PROC_CATEGORY_SO || cat == UTF8PROC_CATEGORY_ZS;
}
void append_cp(std::string& out, int32_t cp) {
  utf8proc_uint8_t buf[4];
  auto n = utf8proc_encode_char(cp, buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}
bool is_space(int32_t cp) { return cp == ' ' || cp == '\t' || (cp >= 0x80 && utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS); }
}  // namespace

std::string canonical_name(std::string_view name) {
  std::string kept;
  size_t i = 0;
  while (i < name.size()) {
    int32_t cp = next_cp(name, i);
    if (keep_char(cp)) append_cp(kept, cp);
  }
  // trim, then collapse whitespace into '-', lower-case
  std::string out;
  i = 0;
  bool pending_space = false;
  while (i < kept.size()) {
    int32_t cp = next_cp(kept, i);
    if (is_space(cp)) { pending_space = !out.empty(); continue; }
    if (pending_space) out += '-', pending_space = false;
    append_cp(out, utf8proc_tolower(cp));
  }
  return out;
}

bool key_matches(std::string_view key, std::string_view ident) {
  if (key == ident) return true;
  // Fast path for plain ASCII keys: canonicalise on the fly.
  size_t j = 0;
  bool pending_space = false, started = false;
  for (size_t i = 0; i < key.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(key[i]);
    if (c >= 0x80) return canonical_name(key) == ident;
    if (c == ' ' || c == '\t') { pending_space = started; continue; }
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!keep) continue;
    if (pending_space) {
      if (j >= ident.size() || ident[j] != '-') return false;
      ++j;
      pending_space = false;
    }
    char lc = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : static_cast<char>(c);
    if (j >= ident.size() || ident[j] != lc) return false;
    ++j;
    started = true;
  }
  return j == ident.size();
}

// key_matches(key, ident), with a key whose first byte is kept by the
// canonical form (an ASCII letter, digit, '_' or '-') rejected on that byte
// alone: a page's fields are scanned for every row, and most keys differ
// from the first character on.
bool field_key_matches(std::string_view key, std::string_view ident) {
  if (!key.empty() && !ident.empty()) {
    unsigned char c = static_cast<unsigned char>(key[0]);
    bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    // (key == ident matches as written, so the byte itself may also match.)
    if (kept && key[0] != ident[0] && ((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : static_cast<char>(c)) != ident[0])
      return false;
  }
  return key_matches(key, ident);
}

std::string lower_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { out += static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c); ++i; continue; }
    append_cp(out, utf8proc_tolower(next_cp(s, i)));
  }
  return out;
}

std::string upper_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { out += static_cast<char>((c >= 'a' && c <= 'z') ? c - 32 : c); ++i; continue; }
    append_cp(out, utf8proc_toupper(next_cp(s, i)));
  }
  return out;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string utf8_substr(std::string_view s, size_t start, size_t end) {
  size_t cp = 0, bs = s.size(), be = s.size();
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (cp == start && bs == s.size()) bs = i;
      if (cp == end) { be = i; break; }
      ++cp;
    }
  }
  if (bs >= be) return {};
  return std::string(s.substr(bs, be - bs));
}

std::vector<std::string> utf8_chars(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t st = i++;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    out.emplace_back(s.substr(st, i - st));
  }
  return out;
}

}  // namespace vaultcrm::query
