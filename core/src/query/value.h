// core/src/query/value.h (internal) - Dataview's value model for the evaluator.
//
// Dataview has ten value types; each Val carries one. Dates are wall-clock
// milliseconds since 1970-01-01T00:00 in the note's own (unnamed) time zone:
// Obsidian notes rarely carry zones, and keeping them naive makes "today"
// and date arithmetic exact and deterministic under an injected "now".
// Durations keep calendar months apart from fixed milliseconds, so that
// date + dur(1 month) moves by a calendar month as Luxon does.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vaultcrm::parse {
struct Note;
struct Task;
struct ListItem;
}  // namespace vaultcrm::parse

namespace vaultcrm::query {

struct Val;
struct Lambda;
struct Ctx;
using List = std::vector<Val>;

struct LinkData {
  std::string display;  // "" with has_display false
  std::string subpath;  // heading or block id
  bool has_display = false;
  bool embed = false;
  char kind = 'f';  // 'f' file, 'h' header, 'b' block
};

// An object: plain members, or a lazy view of a page / task / list item whose
// fields are computed on access (so a WHERE on one field never builds the rest).
struct ObjData {
  std::vector<std::pair<std::string, Val>> members;
  const parse::Note* page = nullptr;  // a page object (or the file of a task)
  const parse::Task* task = nullptr;  // a task object (page is its note)
  const parse::ListItem* item = nullptr;  // a list item (non-task)
  bool file_object = false;  // the page's `file` object rather than the page
  const Ctx* ctx = nullptr;  // for lazy views: the query context that can read the vault
};

struct Val {
  enum class T : uint8_t { Null, Bool, Number, String, Date, Duration, Link, List, Object, Function };
  T t = T::Null;
  bool b = false;
  double n = 0;        // Number; Date (ms); Duration (ms part)
  int32_t months = 0;  // Duration
  std::string s;       // String; Link path
  std::shared_ptr<const LinkData> link;
  std::shared_ptr<const List> list;
  std::shared_ptr<const ObjData> obj;
  std::shared_ptr<const Lambda> fn;

  static Val null() { return Val(); }
  static Val boolean(bool v) { Val x; x.t = T::Bool; x.b = v; return x; }
  static Val number(double v) { Val x; x.t = T::Number; x.n = v; return x; }
  static Val string(std::string v) { Val x; x.t = T::String; x.s = std::move(v); return x; }
  static Val date(double ms) { Val x; x.t = T::Date; x.n = ms; return x; }
  static Val duration(int32_t months, double ms) { Val x; x.t = T::Duration; x.months = months; x.n = ms; return x; }
  static Val make_list(List items) { Val x; x.t = T::List; x.list = std::make_shared<const List>(std::move(items)); return x; }
  static Val make_link(std::string path, std::string display = {}, bool has_display = false, std::string subpath = {},
                       bool embed = false, char kind = 'f');
  static Val make_object(std::vector<std::pair<std::string, Val>> members);

  bool is_null() const { return t == T::Null; }
  const List& items() const;
  const Val* member(std::string_view key) const;  // plain members only
};

// Dataview's type names, as typeof() returns them.
const char* type_name(Val::T t);

// Total order over all values (Dataview's compareValue): null first, values of
// different types by type name, strings by a locale-like collation, links by
// path, lists element-wise then by length, objects by sorted keys then values.
int compare(const Val& a, const Val& b);
bool equal(const Val& a, const Val& b);
// compare() of two strings, without making values of them.
int compare_text(std::string_view a, std::string_view b);
namespace detail {
// compare_text without its ASCII fast path: the reference the tests hold it to.
int compare_text_general(std::string_view a, std::string_view b);
}  // namespace detail
bool truthy(const Val& v);
// Display text (Dataview's Values.toString); dates as "MMMM d, yyyy" like
// Dataview's default format, lists joined with ", ".
std::string to_display(const Val& v, bool recursive = false);

// ---- dates and durations --------------------------------------------------
constexpr double kMsPerDay = 86400000.0;
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d);
double make_date(int64_t y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0, int ms = 0);
struct DateParts {
  int64_t year; unsigned month, day; int hour, minute, second, ms; int weekday;  // 1 = Monday
};
DateParts date_parts(double ms);
// ISO: YYYY-MM[-DD[THH:mm[:ss[.SSS]]][Z|±hh:mm]]; the whole string must match.
bool parse_date(std::string_view s, double& out);
namespace detail {
// parse_date without its YYYY-MM-DD shortcut (the tests' reference).
bool parse_date_general(std::string_view s, double& out);
}  // namespace detail
// Exactly YYYY-MM-DD (the only 10-byte form parse_date accepts, and the form
// the parser keeps task dates in): its day number, i.e. floor(ms / kMsPerDay)
// of parse_date's answer, without going through milliseconds.
bool parse_iso_day(std::string_view s, int64_t& day);
// The same text as y * 10000 + m * 100 + d: ordered as the days are, and
// cheaper still (no day count); ymd_of_day gives the key of a day number.
bool parse_iso_ymd(std::string_view s, int32_t& ymd);
int64_t ymd_of_day(int64_t day);
// "3 days", "1 week 2 days", "2h30m", "1 yr, 2 mo"; the whole string must match.
bool parse_duration(std::string_view s, int32_t& months, double& ms);
double add_duration(double date_ms, int32_t months, double ms, int sign);
std::string date_iso(double ms);          // "2026-01-15" or "2026-01-15T10:30:00[.123]"
std::string duration_text(int32_t months, double ms);  // "1 month, 3 days"
// Luxon-style format tokens: yyyy, yy, MM, M, MMM, MMMM, dd, d, EEE, EEEE, HH, H, hh, h, mm, ss, SSS, a, 'quoted'.
std::string format_date(double ms, std::string_view fmt);

// Dataview's field-name canonicalisation: "Key Contacts" -> "key-contacts".
std::string canonical_name(std::string_view name);
// canonical_name(key) == ident, without allocating (the hot path of WHERE).
bool key_matches(std::string_view key, std::string_view ident);
// key_matches, answering most non-matching keys from their first byte.
bool field_key_matches(std::string_view key, std::string_view ident);

// ---- UTF-8 helpers ----------------------------------------------------------
std::string lower_utf8(std::string_view s);
std::string upper_utf8(std::string_view s);
size_t utf8_length(std::string_view s);
// Substring by code point index [start, end).
std::string utf8_substr(std::string_view s, size_t start, size_t end);
std::vector<std::string> utf8_chars(std::string_view s);

}  // namespace vaultcrm::query
