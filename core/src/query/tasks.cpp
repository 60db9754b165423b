// The Obsidian Tasks query language: one instruction per line, filters ANDed,
// boolean combinations of parenthesised filters, sort / group / limit,
// hide / show and explain. Dates in filters are resolved against Ctx::now.
#include <algorithm>
#include <cmath>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

#include "query/cache.h"
#include "query/exec.h"
#include "query/fingerprint.h"
#include "vaultcrm/parse.h"

namespace vaultcrm::query {

bool task_done(const parse::Task& t) {
  std::string_view s = t.status;
  return s.size() == 1 && (s[0] == 'x' || s[0] == 'X' || s[0] == '-');
}

namespace {

std::string lower(std::string_view s) { return lower_utf8(s); }

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r')) --b;
  return std::string(s.substr(a, b - a));
}

bool starts(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Signifiers per date in the two task formats.
struct DateSig {
  const char* field;
  std::vector<const char*> emoji;
  const char* dv;
};
const DateSig kDateSigs[] = {
    {"due", {"\xF0\x9F\x93\x85", "\xF0\x9F\x93\x86", "\xF0\x9F\x97\x93"}, "due"},
    {"scheduled", {"\xE2\x8F\xB3", "\xE2\x8C\x9B"}, "scheduled"},
    {"start", {"\xF0\x9F\x9B\xAB"}, "start"},
    {"done", {"\xE2\x9C\x85"}, "completion"},
    {"created", {"\xE2\x9E\x95"}, "created"},
};
const char* const kPriorityEmoji[] = {"\xF0\x9F\x94\xBA", "\xE2\x8F\xAB", "\xF0\x9F\x94\xBC", "\xF0\x9F\x94\xBD",
                                      "\xE2\x8F\xAC"};  // highest, high, medium, low, lowest

bool has_dv_field(std::string_view text, std::string_view key) {
  std::string l = lower(text);
  return l.find("[" + std::string(key) + "::") != std::string::npos ||
         l.find("(" + std::string(key) + "::") != std::string::npos;
}

bool has_emoji(std::string_view text, const std::vector<const char*>& emoji) {
  for (const char* e : emoji)
    if (text.find(e) != std::string_view::npos) return true;
  return false;
}

const std::string& no_value() {
  static const std::string empty;
  return empty;
}

// The date as this query's task format sees it (a reference into the task:
// filters read it for every task in the vault, so it is not copied).
std::string_view task_date(const parse::Task& t, int which) {
  switch (which) {
    case 0: return t.due;
    case 1: return t.scheduled;
    case 2: return t.start;
    case 3: return t.done;
    default: return t.created;
  }
}

std::string_view format_date_field(const Ctx& ctx, const parse::Task& t, int which) {
  std::string_view value = task_date(t, which);
  if (value.empty()) return value;
  TaskFormat f = ctx.opt ? ctx.opt->task_format : TaskFormat::Both;
  if (f == TaskFormat::Both) return value;
  bool emoji = has_emoji(t.text, kDateSigs[which].emoji);
  bool dv = has_dv_field(t.text, kDateSigs[which].dv);
  if (f == TaskFormat::Emoji && !emoji) return no_value();
  if (f == TaskFormat::Dataview && !dv) return no_value();
  return value;
}

std::string_view format_priority(const Ctx& ctx, const parse::Task& t) {
  if (t.priority.empty()) return t.priority;
  TaskFormat f = ctx.opt ? ctx.opt->task_format : TaskFormat::Both;
  if (f == TaskFormat::Both) return t.priority;
  bool emoji = false;
  for (const char* e : kPriorityEmoji) emoji = emoji || t.text.find(e) != std::string::npos;
  bool dv = has_dv_field(t.text, "priority");
  if ((f == TaskFormat::Emoji && !emoji) || (f == TaskFormat::Dataview && !dv)) return no_value();
  return t.priority;
}

// Description: the text without Tasks' signifiers and Dataview date fields.
std::string description_of(std::string_view text) {
  std::string s(text);
  // Dataview-style [key:: value] / (key:: value) for the task keys.
  // One pass over the "::" of the text: the word between the nearest '[' or
  // '(' before it and the "::" is compared with the task keys, folding ASCII
  // case (the keys are ASCII), so positions stay positions in `s`.
  static const char* const kKeys[] = {"due",     "scheduled", "start",     "completion",   "created",  "priority",
                                      "repeat",  "id",        "dependson", "oncompletion", "cancelled"};
  auto is_task_key = [](std::string_view word) {
    for (const char* key : kKeys) {
      std::string_view k(key);
      if (k.size() != word.size()) continue;
      size_t i = 0;
      while (i < k.size() && (word[i] >= 'A' && word[i] <= 'Z' ? word[i] - 'A' + 'a' : word[i]) == k[i]) ++i;
      if (i == k.size()) return true;
    }
    return false;
  };
  for (size_t q = s.find("::"); q != std::string::npos;) {
    size_t open = s.find_last_of("[(", q);
    if (open != std::string::npos && is_task_key(std::string_view(s).substr(open + 1, q - open - 1))) {
      size_t e = s.find(s[open] == '[' ? ']' : ')', q);
      if (e != std::string::npos) {
        s.erase(open, e - open + 1);
        q = s.find("::", open);
        continue;
      }
    }
    q = s.find("::", q + 2);
  }
  // Emoji signifiers: cut at the first one (Tasks reads them from the line's end).
  static const char* kAll[] = {"\xF0\x9F\x93\x85", "\xF0\x9F\x93\x86", "\xF0\x9F\x97\x93", "\xE2\x8F\xB3", "\xE2\x8C\x9B",
                               "\xF0\x9F\x9B\xAB", "\xE2\x9C\x85",     "\xE2\x9E\x95",     "\xF0\x9F\x94\xBA",
                               "\xE2\x8F\xAB",     "\xF0\x9F\x94\xBC", "\xF0\x9F\x94\xBD", "\xE2\x8F\xAC",
                               "\xF0\x9F\x94\x81", "\xE2\x9D\x8C",     "\xF0\x9F\x86\x94", "\xE2\x9B\x94"};
  // One scan: every signifier starts with byte E2 or F0, so only there are
  // they compared (17 searches of the whole text before, a fifth of a query).
  static const std::vector<std::string_view> kSignifiers(std::begin(kAll), std::end(kAll));
  size_t cut = std::string::npos;
  for (size_t i = 0; i < s.size() && cut == std::string::npos; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c != 0xE2 && c != 0xF0) continue;
    for (std::string_view e : kSignifiers)
      if (s.compare(i, e.size(), e) == 0) {
        cut = i;
        break;
      }
  }
  if (cut != std::string::npos) s.resize(cut);
  // collapse double spaces left by removals (written in place: this runs
  // for every answered task)
  size_t w = 0;
  for (size_t r = 0; r < s.size(); ++r)
    if (!(s[r] == ' ' && w > 0 && s[w - 1] == ' ')) s[w++] = s[r];
  s.resize(w);
  return trim(s);
}

double day_of(std::string_view iso) {
  if (iso.size() == 10 && !detail::plain_evaluation()) {
    // Every task date the parser keeps is YYYY-MM-DD: read as a day number
    // directly (the filters call this for every task of the vault).
    int64_t day;
    return parse_iso_day(iso, day) ? static_cast<double>(day) : std::nan("");
  }
  double ms;
  if (iso.empty() || !parse_date(iso, ms)) return std::nan("");
  return std::floor(ms / kMsPerDay);
}

double urgency(std::string_view due_date, std::string_view scheduled_date, std::string_view start_date,
               std::string_view p, double today) {
  double u = 0;
  double due = day_of(due_date);
  if (!std::isnan(due)) {
    double overdue = today - due;
    double f = overdue >= 7 ? 1.0 : overdue >= -14 ? ((overdue + 14) * 0.8 / 21) + 0.2 : 0.2;
    u += f * 12.0;
  }
  double sch = day_of(scheduled_date);
  if (!std::isnan(sch) && sch <= today) u += 5.0;
  double st = day_of(start_date);
  if (!std::isnan(st) && st > today) u += -3.0;
  // (As a view: std::string == "literal" is an out-of-line compare, and sorts ask per comparison.)
  const std::string_view pv = p;
  u += pv == "highest" ? 9.0 : pv == "high" ? 6.0 : pv == "medium" ? 3.9 : pv == "low" ? 0.0 : pv == "lowest" ? -1.8 : 1.95;
  return std::round(u * 100) / 100;
}

int priority_rank(std::string_view p) {  // 0 highest ... 5 lowest; none is 3
  if (p == "highest") return 0;
  if (p == "high") return 1;
  if (p == "medium") return 2;
  if (p == "low") return 4;
  if (p == "lowest") return 5;
  return 3;
}

const char* priority_name(int rank) {
  static const char* k[] = {"Highest", "High", "Medium", "None", "Low", "Lowest"};
  return k[rank];
}

}  // namespace

TaskRow make_task_row(const Ctx& ctx, const parse::Note& n, const parse::Task& t) {
  TaskRow r;
  r.path = n.path;
  r.line = t.line;
  r.status = t.status;
  r.completed = t.status == "x" || t.status == "X";
  r.text = t.text;
  r.description = description_of(t.text);
  if (t.section >= 0 && t.section < static_cast<int>(n.sections.size())) r.section = n.sections[static_cast<size_t>(t.section)].heading;
  r.due = format_date_field(ctx, t, 0);
  r.scheduled = format_date_field(ctx, t, 1);
  r.start = format_date_field(ctx, t, 2);
  r.done = format_date_field(ctx, t, 3);
  r.created = format_date_field(ctx, t, 4);
  r.priority = format_priority(ctx, t);
  r.tags = t.tags;
  r.urgency = urgency(r.due, r.scheduled, r.start, r.priority, std::floor(ctx.now / kMsPerDay));
  return r;
}

namespace {

// A date filter's comparison, on day numbers or on YYYYMMDD keys alike:
// op 1 before, 2 after, 3 on or before, 4 on or after, else in [from, to].
template <typename T>
bool date_matches(int op, T value, T from, T to) {
  switch (op) {
    case 1: return value < from;
    case 2: return value > to;
    case 3: return value <= to;
    case 4: return value >= from;
    default: return value >= from && value <= to;
  }
}

// A task as filters and sorts see it. A query looks at every task in the
// vault but answers few, so an item reads the task where it lies and
// computes the derived fields (urgency, description, the full row) only
// when a filter, sort or the answer asks, once.
// The dates of a task in format_date_field's order; filters and sorts name
// them once per query, not once per task.
enum DateIndex { kDue = 0, kScheduled, kStart, kDone, kCreated };
int date_index(const std::string& field) {
  return field == "due" ? kDue : field == "scheduled" ? kScheduled : field == "start" ? kStart : field == "done" ? kDone : kCreated;
}

class Item {
 public:
  Item(const Ctx& ctx, const parse::Note& note, const parse::Task& task)
      : note(&note), task(&task), ctx_(&ctx), every_format_(!ctx.opt || ctx.opt->task_format == TaskFormat::Both) {}

  const parse::Note* note;
  const parse::Task* task;

  const std::string& path() const { return note->path; }
  int line() const { return task->line; }
  std::string_view status() const { return task->status; }
  const std::vector<std::string>& tags() const { return task->tags; }
  // Dates (by date_index) and priority as this query's task format sees them ("" if absent).
  // (In both formats, the common case, a date is the task's own: filters and
  // sorts read it per task and per comparison.)
  std::string_view date(int which) const {
    return every_format_ ? task_date(*task, which) : format_date_field(*ctx_, *task, which);
  }
  std::string_view priority() const { return format_priority(*ctx_, *task); }
  const std::string& section() const {
    int s = task->section;
    return s >= 0 && s < static_cast<int>(note->sections.size()) ? note->sections[static_cast<size_t>(s)].heading : no_value();
  }
  double urgency() const {
    if (!(computed_ & kUrgency)) {
      urgency_ = query::urgency(date(kDue), date(kScheduled), date(kStart), priority(), std::floor(ctx_->now / kMsPerDay));
      computed_ |= kUrgency;
    }
    return urgency_;
  }
  const std::string& description() const {
    if (!(computed_ & kDescription)) {
      description_ = std::make_unique<std::string>(description_of(task->text));
      computed_ |= kDescription;
    }
    return *description_;
  }
  // The answer's row: built for the tasks a query returns, not for every task it looked at.
  TaskRow row() const { return make_task_row(*ctx_, *note, *task); }

 private:
  enum : uint8_t { kUrgency = 1, kDescription = 2 };
  const Ctx* ctx_;
  bool every_format_;
  mutable uint8_t computed_ = 0;
  mutable double urgency_ = 0;
  // Out of line: most items never need it, and every kept item is moved
  // (a vector grows, the sort's order is applied) -- a pointer moves cheaply.
  mutable std::unique_ptr<std::string> description_;
};

using Filter = std::function<bool(const Item&)>;

struct Sorter {
  std::string field;
  bool reverse = false;
};

// A filter on its own line that the query cache's per-task numbers answer
// without looking at the task: done / not done, and a date filter whose
// bounds are whole days (the `keyed` filters of TasksParser::simple).
struct QuickFilter {
  enum class Kind { None, Done, NotDone, Date } kind = Kind::None;
  bool happens = false;  // due, scheduled or start
  int which = 0;         // DateIndex
  int op = 0;            // date_matches' op
  int64_t from_ymd = 0, to_ymd = 0;
};

struct TasksQuery {
  std::vector<Filter> filters;
  std::vector<QuickFilter> quick;  // one per filter
  std::vector<Sorter> sorts;
  std::vector<Sorter> groups;
  long limit = -1, group_limit = -1;
  std::vector<std::string> hidden, shown, explain_lines;
  bool explain = false;
};

[[noreturn]] void fail_at(int line, int col, const std::string& msg) {
  throw QueryFailure{"query_syntax", msg + " at " + std::to_string(line) + ":" + std::to_string(col), Pos{line, col}};
}

// Relative and absolute dates: ISO, today, tomorrow, yesterday, "in N days",
// "N days ago", "next week" ... (a subset of Tasks' natural-language dates).
bool read_date(const std::string& text, double now, double& from, double& to) {
  std::string s = lower(trim(text));
  double today = std::floor(now / kMsPerDay);
  auto day = [&](double d) { from = to = d; return true; };
  double ms;
  size_t sp = s.find(' ');
  if (sp != std::string::npos) {
    // "YYYY-MM-DD YYYY-MM-DD": a range
    double a, b;
    if (parse_date(s.substr(0, sp), a) && parse_date(trim(s.substr(sp + 1)), b)) {
      from = std::floor(a / kMsPerDay);
      to = std::floor(b / kMsPerDay);
      return true;
    }
  }
  if (parse_date(s, ms)) return day(std::floor(ms / kMsPerDay));
  if (s == "today") return day(today);
  if (s == "tomorrow") return day(today + 1);
  if (s == "yesterday") return day(today - 1);
  auto p = date_parts(today * kMsPerDay);
  auto week_start = today - (p.weekday - 1);
  if (s == "this week") { from = week_start; to = week_start + 6; return true; }
  if (s == "next week") { from = week_start + 7; to = week_start + 13; return true; }
  if (s == "last week") { from = week_start - 7; to = week_start - 1; return true; }
  if (s == "this month" || s == "next month" || s == "last month") {
    int delta = s == "next month" ? 1 : s == "last month" ? -1 : 0;
    double first = add_duration(make_date(p.year, p.month, 1), delta, 0, 1);
    double last = add_duration(first, 1, 0, 1) - kMsPerDay;
    from = std::floor(first / kMsPerDay);
    to = std::floor(last / kMsPerDay);
    return true;
  }
  int32_t months;
  double dms;
  if (starts(s, "in ") && parse_duration(s.substr(3), months, dms))
    return day(std::floor(add_duration(today * kMsPerDay, months, dms, 1) / kMsPerDay));
  if (s.size() > 4 && s.compare(s.size() - 4, 4, " ago") == 0 && parse_duration(s.substr(0, s.size() - 4), months, dms))
    return day(std::floor(add_duration(today * kMsPerDay, months, dms, -1) / kMsPerDay));
  return false;
}

std::string iso_day(double d) { return date_iso(d * kMsPerDay); }

const std::string& date_of(const TaskRow& r, const std::string& f) {
  if (f == "due") return r.due;
  if (f == "scheduled") return r.scheduled;
  if (f == "start") return r.start;
  if (f == "done") return r.done;
  return r.created;
}

std::string folder_of(const std::string& path) {
  size_t s = path.rfind('/');
  return s == std::string::npos ? "/" : path.substr(0, s + 1);
}
std::string filename_of(const std::string& path) {
  size_t s = path.rfind('/');
  std::string f = s == std::string::npos ? path : path.substr(s + 1);
  if (f.size() > 3 && f.compare(f.size() - 3, 3, ".md") == 0) f.resize(f.size() - 3);
  return f;
}

class TasksParser {
 public:
  TasksParser(const Ctx& ctx) : ctx_(ctx) {}

  // Boolean filters nest by NOT and parentheses; bounded so that "((((..."
  // is an error rather than a stack overflow.
  static constexpr int kMaxDepth = 200;
  int depth_ = 0;
  struct DepthGuard {
    TasksParser& p;
    DepthGuard(TasksParser& parser, int ln, int col) : p(parser) {
      if (++p.depth_ > kMaxDepth)
        fail_at(ln, col, "the filter nests deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    ~DepthGuard() { --p.depth_; }
  };

  TasksQuery parse(std::string_view src) {
    TasksQuery q;
    int line_no = 0;
    size_t pos = 0;
    while (pos <= src.size()) {
      size_t nl = src.find('\n', pos);
      std::string_view raw = src.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      pos = nl == std::string_view::npos ? src.size() + 1 : nl + 1;
      ++line_no;
      // Tasks joins lines ending in a backslash.
      std::string line(raw);
      int col = 1;
      while (col - 1 < static_cast<int>(line.size()) && (line[static_cast<size_t>(col - 1)] == ' ' || line[static_cast<size_t>(col - 1)] == '\t')) ++col;
      line = trim(line);
      if (line.empty() || line[0] == '#') continue;
      instruction(q, line, line_no, col);
    }
    return q;
  }

 private:
  void instruction(TasksQuery& q, const std::string& line, int ln, int col) {
    std::string l = lower(line);
    q.explain_lines.push_back(line);
    if (l == "explain") { q.explain = true; q.explain_lines.pop_back(); return; }
    if (l == "short mode" || l == "full mode" || l == "short" || l == "full" || l == "ignore global query") return;
    if (starts(l, "sort by ")) {
      Sorter s;
      std::string rest = trim(l.substr(8));
      if (rest.size() > 8 && rest.compare(rest.size() - 8, 8, " reverse") == 0) {
        s.reverse = true;
        rest = trim(rest.substr(0, rest.size() - 8));
      }
      static const char* kSorts[] = {"status", "due", "priority", "path", "description", "done", "scheduled", "start",
                                     "created", "urgency", "filename", "heading", "tag"};
      for (const char* k : kSorts)
        if (rest == k) s.field = k;
      if (s.field.empty())
        fail_at(ln, col + 8, "expected a sort field (status, due, priority, path, description, done, scheduled, start, created, urgency, filename, heading, tag) after 'sort by'");
      q.sorts.push_back(s);
      return;
    }
    if (starts(l, "group by ")) {
      Sorter s;
      std::string rest = trim(l.substr(9));
      if (rest.size() > 8 && rest.compare(rest.size() - 8, 8, " reverse") == 0) {
        s.reverse = true;
        rest = trim(rest.substr(0, rest.size() - 8));
      }
      static const char* kGroups[] = {"path", "folder", "filename", "heading", "due", "priority", "status",
                                      "scheduled", "start", "done", "created", "tags", "root", "backlink"};
      for (const char* k : kGroups)
        if (rest == k) s.field = k;
      if (s.field.empty())
        fail_at(ln, col + 9, "expected a grouping (path, folder, filename, heading, due, priority, status, scheduled, start, done, created, tags) after 'group by'");
      q.groups.push_back(s);
      return;
    }
    if (starts(l, "limit")) {
      std::string rest = trim(l.substr(5));
      bool groups = false;
      if (starts(rest, "groups")) groups = true, rest = trim(rest.substr(6));
      if (starts(rest, "to ")) rest = trim(rest.substr(3));
      if (rest.size() > 6 && rest.compare(rest.size() - 6, 6, " tasks") == 0) rest = trim(rest.substr(0, rest.size() - 6));
      bool ok = !rest.empty() && rest.find_first_not_of("0123456789") == std::string::npos;
      if (!ok) fail_at(ln, col + 5, "expected a number after 'limit'");
      (groups ? q.group_limit : q.limit) = std::stol(rest);
      return;
    }
    if (starts(l, "hide ") || starts(l, "show ")) {
      std::string what = trim(l.substr(5));
      static const char* kParts[] = {"done date", "due date", "scheduled date", "start date", "created date",
                                     "cancelled date", "priority", "recurrence rule", "edit button", "backlink",
                                     "backlinks", "urgency", "task count", "tags", "tree", "postpone button", "id",
                                     "depends on", "on completion"};
      bool known = false;
      for (const char* k : kParts) known = known || what == k;
      if (!known) fail_at(ln, col + 5, "expected a task part to " + l.substr(0, 4) + " (e.g. due date, priority, backlink, edit button, urgency, task count, tags, tree)");
      if (what == "backlinks") what = "backlink";
      (starts(l, "hide ") ? q.hidden : q.shown).push_back(what);
      return;
    }
    QuickFilter quick;
    q.filters.push_back(filter(line, ln, col, quick));
    q.quick.push_back(quick);
  }

  // Boolean combinations: (A) AND (B), (A) OR (B), NOT (A), (A) XOR (B).
  // `quick` is set when the filter is one QuickFilter describes.
  Filter filter(const std::string& line, int ln, int col, QuickFilter& quick) {
    std::string t = trim(line);
    if (is_boolean(t)) {
      size_t i = 0;
      return bool_or(t, i, ln, col);
    }
    quick_ = &quick;
    Filter f = simple(t, ln, col);
    quick_ = nullptr;
    return f;
  }
  // Where simple() describes a filter on its own line (nullptr inside a
  // boolean combination).
  QuickFilter* quick_ = nullptr;

  // "(a) AND (b)", "\"a\" OR \"b\"", "NOT (a)" -- but not the filter "not done".
  static bool is_boolean(const std::string& t) {
    if (t.empty()) return false;
    if (t[0] == '(' || t[0] == '"') return true;
    if (starts(lower(t), "not ")) {
      size_t k = 4;
      while (k < t.size() && t[k] == ' ') ++k;
      return k < t.size() && (t[k] == '(' || t[k] == '"');
    }
    return false;
  }
  void skip_ws(const std::string& s, size_t& i) {
    while (i < s.size() && s[i] == ' ') ++i;
  }
  bool word_at(const std::string& s, size_t i, const char* w) {
    size_t n = std::strlen(w);
    if (s.size() < i + n) return false;
    for (size_t k = 0; k < n; ++k)
      if (std::toupper(static_cast<unsigned char>(s[i + k])) != w[k]) return false;
    return i + n == s.size() || s[i + n] == ' ' || s[i + n] == '(' || s[i + n] == '"';
  }
  Filter bool_or(const std::string& s, size_t& i, int ln, int col) {
    Filter left = bool_and(s, i, ln, col);
    for (;;) {
      skip_ws(s, i);
      if (word_at(s, i, "OR")) {
        i += 2;
        Filter right = bool_and(s, i, ln, col);
        left = [left, right](const Item& x) { return left(x) || right(x); };
      } else if (word_at(s, i, "XOR")) {
        i += 3;
        Filter right = bool_and(s, i, ln, col);
        left = [left, right](const Item& x) { return left(x) != right(x); };
      } else {
        break;
      }
    }
    return left;
  }
  Filter bool_and(const std::string& s, size_t& i, int ln, int col) {
    Filter left = bool_not(s, i, ln, col);
    for (;;) {
      skip_ws(s, i);
      if (word_at(s, i, "AND")) {
        i += 3;
        skip_ws(s, i);
        if (word_at(s, i, "NOT")) {
          i += 3;
          Filter right = bool_atom(s, i, ln, col);
          left = [left, right](const Item& x) { return left(x) && !right(x); };
          continue;
        }
        Filter right = bool_not(s, i, ln, col);
        left = [left, right](const Item& x) { return left(x) && right(x); };
      } else {
        break;
      }
    }
    return left;
  }
  Filter bool_not(const std::string& s, size_t& i, int ln, int col) {
    DepthGuard guard(*this, ln, col + static_cast<int>(i));
    skip_ws(s, i);
    if (word_at(s, i, "NOT")) {
      i += 3;
      Filter inner = bool_not(s, i, ln, col);
      return [inner](const Item& x) { return !inner(x); };
    }
    return bool_atom(s, i, ln, col);
  }
  Filter bool_atom(const std::string& s, size_t& i, int ln, int col) {
    DepthGuard guard(*this, ln, col + static_cast<int>(i));
    skip_ws(s, i);
    if (i >= s.size()) fail_at(ln, col + static_cast<int>(i), "expected '(' and a filter after a boolean operator");
    char open = s[i];
    if (open != '(' && open != '"')
      fail_at(ln, col + static_cast<int>(i), "expected a filter in parentheses, e.g. (due before today)");
    char close = open == '(' ? ')' : '"';
    // Find the matching close (parentheses nest).
    size_t start = i + 1, depth = 1, j = start;
    for (; j < s.size(); ++j) {
      if (open == '(' && s[j] == '(') ++depth;
      else if (s[j] == close && --depth == 0) break;
    }
    if (j >= s.size()) fail_at(ln, col + static_cast<int>(i), std::string("expected a closing '") + close + "'");
    std::string inner = trim(s.substr(start, j - start));
    int inner_col = col + static_cast<int>(start);
    i = j + 1;
    if (is_boolean(inner)) {
      size_t k = 0;
      Filter f = bool_or(inner, k, ln, inner_col);
      skip_ws(inner, k);
      if (k != inner.size()) fail_at(ln, inner_col + static_cast<int>(k), "expected AND, OR, XOR or the end of the group");
      return f;
    }
    // A parenthesised group may itself hold "A AND B" with bare filters? Tasks requires parentheses; read as one filter.
    return simple(inner, ln, inner_col);
  }

  Filter text_filter(const std::string& field, const std::string& rest, int ln, int col) {
    std::string l = lower(rest);
    bool neg = false;
    std::string needle;
    bool regex = false;
    if (starts(l, "includes ")) needle = rest.substr(9);
    else if (starts(l, "include ")) needle = rest.substr(8);
    else if (starts(l, "does not include ")) needle = rest.substr(17), neg = true;
    else if (starts(l, "do not include ")) needle = rest.substr(15), neg = true;
    else if (starts(l, "regex matches ")) needle = rest.substr(14), regex = true;
    else if (starts(l, "regex does not match ")) needle = rest.substr(21), regex = true, neg = true;
    else fail_at(ln, col, "expected 'includes', 'does not include', 'regex matches' or 'regex does not match' after '" + field + "'");
    needle = trim(needle);
    std::string pattern;
    bool caseless = false;
    if (regex) {
      if (needle.size() < 2 || needle[0] != '/') fail_at(ln, col, "expected a regular expression such as /pattern/i");
      size_t end = needle.rfind('/');
      if (end == 0) fail_at(ln, col, "expected a closing '/' in the regular expression");
      pattern = needle.substr(1, end - 1);
      caseless = needle.find('i', end) != std::string::npos;
    }
    std::string lneedle = lower(needle);
    const Ctx* ctx = &ctx_;
    return [=](const Item& x) {
      std::vector<std::string> hay;
      if (field == "path") hay.push_back(x.path());
      else if (field == "description") hay.push_back(x.description());
      else if (field == "heading") hay.push_back(x.section());
      else if (field == "filename") hay.push_back(filename_of(x.path()) + ".md");
      else if (field == "folder") hay.push_back(folder_of(x.path()));
      else if (field == "tag" || field == "tags")
        for (const auto& t : x.tags()) hay.push_back("#" + t);
      bool hit = false;
      for (const auto& h : hay) {
        if (regex) {
          RegexMatch m;
          hit = hit || ctx->regex->search(pattern, h, 0, m, caseless);
        } else {
          hit = hit || lower(h).find(lneedle) != std::string::npos;
        }
      }
      return neg ? !hit : hit;
    };
  }

  Filter simple(const std::string& t, int ln, int col) {
    std::string l = lower(t);
    if (l == "done" || l == "not done") {
      const bool want = l == "done";
      if (quick_) quick_->kind = want ? QuickFilter::Kind::Done : QuickFilter::Kind::NotDone;
      return [want](const Item& x) { return task_done(*x.task) == want; };
    }
    if (l == "is recurring" || l == "is not recurring") {
      bool want = l == "is recurring";
      return [want](const Item& x) { return (x.task->text.find("\xF0\x9F\x94\x81") != std::string::npos) == want; };
    }
    if (l == "exclude sub-items") {
      return [](const Item& x) {
        return x.task->list_item < 0 || x.note->lists[static_cast<size_t>(x.task->list_item)].parent < 0;
      };
    }
    if (starts(l, "status.type is ")) {
      std::string ty = trim(l.substr(15));
      return [ty](const Item& x) {
        std::string_view s = x.task->status;
        std::string type = s == "x" || s == "X" ? "done" : s == "-" ? "cancelled" : s == "/" ? "in_progress" : s == " " ? "todo" : "todo";
        return type == ty;
      };
    }
    for (const char* f : {"path", "description", "heading", "filename", "folder", "tags", "tag"}) {
      std::string fs = std::string(f) + " ";
      if (starts(l, fs)) return text_filter(f, t.substr(fs.size()), ln, col + static_cast<int>(fs.size()));
    }
    // has / no <x> date
    for (const char* f : {"due", "scheduled", "start", "done", "created"}) {
      std::string field = f;
      if (l == "has " + field + " date" || l == "no " + field + " date") {
        bool want = starts(l, "has ");
        int which = date_index(field);
        return [which, want](const Item& x) { return !x.date(which).empty() == want; };
      }
    }
    if (l == "no priority" || l == "has priority") {
      bool want = l == "has priority";
      return [want](const Item& x) { return !x.priority().empty() == want; };
    }
    if (starts(l, "priority is ")) {
      std::string rest = trim(l.substr(12));
      int cmp = 0;  // 0 equal, 1 above, -1 below
      if (starts(rest, "above ")) cmp = 1, rest = trim(rest.substr(6));
      else if (starts(rest, "below ")) cmp = -1, rest = trim(rest.substr(6));
      else if (starts(rest, "not ")) cmp = 2, rest = trim(rest.substr(4));
      int rank = -1;
      for (int k = 0; k < 6; ++k)
        if (rest == lower(priority_name(k))) rank = k;
      if (rank < 0) fail_at(ln, col + 12, "expected a priority (highest, high, medium, none, low, lowest) after 'priority is'");
      return [cmp, rank](const Item& x) {
        int r = priority_rank(x.priority());
        return cmp == 0 ? r == rank : cmp == 1 ? r < rank : cmp == -1 ? r > rank : r != rank;
      };
    }
    // <field> [before|after|on|in|on or before|on or after] DATE
    for (const char* f : {"due", "scheduled", "starts", "start", "done", "created", "happens"}) {
      std::string fs = std::string(f) + " ";
      if (!starts(l, fs)) continue;
      std::string field = f;
      if (field == "starts") field = "start";
      std::string rest = trim(l.substr(fs.size()));
      int rest_col = col + static_cast<int>(fs.size());
      int op = 0;  // 0 on/in, 1 before, 2 after, 3 on or before, 4 on or after
      for (auto [word, code] : std::initializer_list<std::pair<const char*, int>>{
               {"on or before ", 3}, {"on or after ", 4}, {"before ", 1}, {"after ", 2}, {"on ", 0}, {"in ", 0}}) {
        if (starts(rest, word)) {
          op = code;
          rest = trim(rest.substr(std::strlen(word)));
          break;
        }
      }
      if (field == "due" && (rest == "date is invalid")) return [](const Item&) { return false; };
      double from, to;
      if (rest.empty() || !read_date(rest, ctx_.now, from, to))
        fail_at(ln, rest_col, "expected a date (YYYY-MM-DD, today, tomorrow, yesterday, in N days, next week) after '" + std::string(f) + "'");
      explain_dates_.push_back(iso_day(from) + (to != from ? " to " + iso_day(to) : ""));
      bool happens = field == "happens";
      int which = date_index(field);
      // The bounds as y*10000+m*100+d keys: a task's YYYY-MM-DD date is then
      // compared without counting its days (the filter runs for every task).
      const bool keyed = !detail::plain_evaluation() && std::fabs(from) < 1e8 && std::fabs(to) < 1e8 &&
                         from == std::floor(from) && to == std::floor(to);
      const int64_t from_ymd = keyed ? ymd_of_day(static_cast<int64_t>(from)) : 0;
      const int64_t to_ymd = keyed ? ymd_of_day(static_cast<int64_t>(to)) : 0;
      if (keyed && quick_) *quick_ = QuickFilter{QuickFilter::Kind::Date, happens, which, op, from_ymd, to_ymd};
      return [happens, which, op, from, to, keyed, from_ymd, to_ymd](const Item& x) {
        auto test = [&](std::string_view v) {
          int32_t ymd;
          if (keyed && v.size() == 10) {
            // A 10-byte text is a date exactly when it is a valid YYYY-MM-DD (see parse_iso_day).
            if (!parse_iso_ymd(v, ymd)) return false;
            return date_matches<int64_t>(op, ymd, from_ymd, to_ymd);
          }
          double d = day_of(v);
          if (std::isnan(d)) return false;
          return date_matches(op, d, from, to);
        };
        if (happens) return test(x.date(kDue)) || test(x.date(kScheduled)) || test(x.date(kStart));
        return test(x.date(which));
      };
    }
    fail_at(ln, col, "expected a Tasks instruction (a filter such as 'not done' or 'due before today', 'sort by', 'group by', 'limit', 'hide', 'show' or 'explain'), found '" + t + "'");
  }

  const Ctx& ctx_;

 public:
  std::vector<std::string> explain_dates_;
};

int cmp_text(const std::string& a, const std::string& b) { return compare_text(a, b); }

// Dates: earlier first, undated last.
int cmp_date(std::string_view a, std::string_view b) {
  if (a.empty() != b.empty()) return a.empty() ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

// A date text "DDDD-DD-DD" (digits) as the number its digits spell without
// dashes, ordered as the texts are; `shaped` false for any other text.
int32_t date_text_key(std::string_view d, bool& shaped) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return shaped = false, 0;
  int32_t key = 0;
  for (size_t i = 0; i < 10; ++i) {
    if (i == 4 || i == 7) continue;
    unsigned v = static_cast<unsigned>(static_cast<unsigned char>(d[i])) - '0';
    if (v > 9) return shaped = false, 0;
    key = key * 10 + static_cast<int32_t>(v);
  }
  return key;
}

// Sort fields, named once per query rather than compared as strings at
// every comparison (that was a fifth of a Tasks query).
enum class TaskSortKey { Status, Urgency, Priority, Path, Filename, Heading, Description, Tag, Date, None };

TaskSortKey sort_key(const std::string& f) {
  if (f == "status") return TaskSortKey::Status;
  if (f == "urgency") return TaskSortKey::Urgency;
  if (f == "priority") return TaskSortKey::Priority;
  if (f == "path") return TaskSortKey::Path;
  if (f == "filename") return TaskSortKey::Filename;
  if (f == "heading") return TaskSortKey::Heading;
  if (f == "description") return TaskSortKey::Description;
  if (f == "tag") return TaskSortKey::Tag;
  if (f == "due" || f == "scheduled" || f == "start" || f == "done" || f == "created") return TaskSortKey::Date;
  return TaskSortKey::None;
}

int cmp_field(const Item& a, const Item& b, TaskSortKey k, int date) {
  switch (k) {
    case TaskSortKey::Status: return task_done(*a.task) == task_done(*b.task) ? 0 : task_done(*a.task) ? 1 : -1;
    case TaskSortKey::Urgency: return a.urgency() > b.urgency() ? -1 : a.urgency() < b.urgency() ? 1 : 0;
    case TaskSortKey::Priority: return priority_rank(a.priority()) - priority_rank(b.priority());
    case TaskSortKey::Path: return cmp_text(a.path(), b.path());
    case TaskSortKey::Filename: return cmp_text(filename_of(a.path()), filename_of(b.path()));
    case TaskSortKey::Heading: return cmp_text(a.section(), b.section());
    case TaskSortKey::Description: return cmp_text(a.description(), b.description());
    case TaskSortKey::Tag: return cmp_text(a.tags().empty() ? "" : a.tags()[0], b.tags().empty() ? "" : b.tags()[0]);
    case TaskSortKey::Date: return cmp_date(a.date(date), b.date(date));
    case TaskSortKey::None: return 0;
  }
  return 0;
}

std::vector<std::string> group_keys(const TaskRow& r, const std::string& f) {
  if (f == "path") {
    std::string p = r.path;
    if (p.size() > 3 && p.compare(p.size() - 3, 3, ".md") == 0) p.resize(p.size() - 3);
    return {p};
  }
  if (f == "folder") return {folder_of(r.path)};
  if (f == "filename" || f == "backlink") return {filename_of(r.path)};
  if (f == "root") {
    size_t s = r.path.find('/');
    return {s == std::string::npos ? "/" : r.path.substr(0, s + 1)};
  }
  if (f == "heading") return {r.section.empty() ? "(No heading)" : r.section};
  if (f == "priority") {
    int k = priority_rank(r.priority);
    return {"Priority " + std::to_string(k) + ": " + priority_name(k)};
  }
  if (f == "status") {
    const std::string& s = r.status;
    return {s == "x" || s == "X" ? "Done" : s == "-" ? "Cancelled" : s == "/" ? "In Progress" : "Todo"};
  }
  if (f == "tags") {
    if (r.tags.empty()) return {"(No tags)"};
    std::vector<std::string> out;
    for (const auto& t : r.tags) out.push_back("#" + t);
    return out;
  }
  const std::string& d = date_of(r, f);
  if (d.empty()) {
    std::string name = f == "done" ? "done" : f;
    return {"No " + name + " date"};
  }
  double ms;
  parse_date(d, ms);
  return {d + " " + format_date(ms, "EEEE")};
}

}  // namespace

namespace {

// Reads::print for a Tasks query: for each task of `note`, whether
// `through(task)` (its verdict on the filters) and, for one that is, its
// fields. What the filters, sorts, groups and the answer's rows read of a
// task is in those fields, with the note's path (an edit keeps it).
template <class Through>
uint64_t tasks_print(const parse::Note& note, Through through) {
  Fingerprint f;
  f.add(note.tasks.size());
  for (const auto& t : note.tasks) {
    const bool kept = through(t);
    f.add(kept);
    if (kept) add_task(f, note, t);
  }
  return f.value();
}

}  // namespace

struct TasksChecks {
  TasksQuery q;
};

std::shared_ptr<const TasksChecks> parse_tasks_checks(std::string_view source, const Ctx& ctx) {
  TasksParser parser(ctx);
  return std::make_shared<const TasksChecks>(TasksChecks{parser.parse(source)});
}

std::optional<uint64_t> tasks_row_print(const TasksChecks& checks, const Ctx& ctx, const parse::Note& note) {
  const TasksQuery& q = checks.q;
  return tasks_print(note, [&](const parse::Task& t) {
    Item it(ctx, note, t);
    return std::all_of(q.filters.begin(), q.filters.end(), [&](const auto& f) { return f(it); });
  });
}

bool tasks_note_passes(const TasksChecks& checks, const Ctx& ctx, const parse::Note& note,
                       const Reads::TaskDateBound& bound) {
  const TasksQuery& q = checks.q;
  for (const auto& t : note.tasks) {
    if (bound.which >= 0) {
      // The date as the walk ordered it (QueryCache::Data::date_number); a
      // date of another shape would have stopped the walk: counted as within.
      const int32_t key = QueryCache::Data::date_number(t, bound.which);
      if (key != QueryCache::Data::kOtherDate && !bound.admits(key)) continue;
    }
    Item it(ctx, note, t);
    if (std::all_of(q.filters.begin(), q.filters.end(), [&](const auto& f) { return f(it); })) return true;
  }
  return false;
}

namespace {
// With a limit and a date as the first sort key, only the tasks whose date
// is at or before the limit-th smallest (or, reversed, at or after the
// limit-th largest) can be in the answer: any other has at least `limit`
// tasks ahead of it on that key alone. Those are kept, ties included, in
// their order, so the sort that follows (later keys, then the list's order)
// gives the same first `limit` as over every task. A query that sorts by due
// and shows 50 then makes 50-odd items instead of one per open task.
// Only when the cache's numbers are the sort's keys for every task left
// (no date of another shape, compared as text). The walk in date order
// (exec_tasks) does this already; this is for when it cannot run (a task
// elsewhere in the vault with a date of another shape).
void preselect_by_first_date(const TasksQuery& q, QueryCache::Data& cache, std::vector<uint32_t>& ordinals) {
  if (detail::plain_evaluation() || q.limit < 0 || ordinals.size() <= static_cast<size_t>(q.limit)) return;
  if (q.sorts.empty()) return;  // the default order starts with status
  const std::string& first = q.sorts.front().field;
  if (sort_key(first) != TaskSortKey::Date) return;
  const bool reverse = q.sorts.front().reverse;
  const std::vector<int32_t>& dates = cache.task_dates(date_index(first));
  std::vector<int32_t> keys;
  keys.reserve(ordinals.size());
  for (uint32_t i : ordinals) {
    if (dates[i] == QueryCache::Data::kOtherDate) return;
    keys.push_back(dates[i]);
  }
  if (q.limit == 0) {
    ordinals.clear();
    return;
  }
  auto nth = keys.begin() + (q.limit - 1);
  if (reverse) std::nth_element(keys.begin(), nth, keys.end(), std::greater<int32_t>());
  else std::nth_element(keys.begin(), nth, keys.end());
  const Reads::TaskDateBound bound{date_index(first), *nth, reverse};
  ordinals.erase(std::remove_if(ordinals.begin(), ordinals.end(), [&](uint32_t i) { return !bound.admits(dates[i]); }),
                 ordinals.end());
}
}  // namespace

Result exec_tasks(std::string_view source, const Ctx& ctx) {
  TasksParser parser(ctx);
  TasksQuery q = parser.parse(source);
  Result res;
  res.language = "tasks";
  res.type = "task";
  res.hidden = q.hidden;
  res.shown = q.shown;

  std::vector<Item> items;
  // With the query cache (and dates in both formats, which are the tasks'
  // own), the tasks are the cache's list and items[i] is its task
  // ordinals[i]: quick filters and date sorts read the cache's numbers.
  QueryCache::Data* cache = ctx.cache && (!ctx.opt || ctx.opt->task_format == TaskFormat::Both) ? ctx.cache : nullptr;
  std::vector<uint32_t> ordinals;
  if (cache) {
    using Data = QueryCache::Data;
    const auto& all = cache->tasks();
    const auto& done = cache->tasks_done();
    // The date lists each quick date filter reads (due, scheduled and start for happens).
    std::vector<std::vector<const std::vector<int32_t>*>> quick_dates(q.filters.size());
    for (size_t k = 0; k < q.filters.size(); ++k) {
      const QuickFilter& f = q.quick[k];
      if (f.kind != QuickFilter::Kind::Date) continue;
      if (f.happens)
        for (int d : {kDue, kScheduled, kStart}) quick_dates[k].push_back(&cache->task_dates(d));
      else
        quick_dates[k].push_back(&cache->task_dates(f.which));
    }
    // 1 or 0 from the numbers; -1 when the filter must look at the task
    // (not a quick filter, or a date that is not YYYY-MM-DD).
    auto quick_verdict = [&](size_t k, uint32_t i) -> int {
      const QuickFilter& f = q.quick[k];
      switch (f.kind) {
        case QuickFilter::Kind::None: return -1;
        case QuickFilter::Kind::Done: return done[i];
        case QuickFilter::Kind::NotDone: return !done[i];
        case QuickFilter::Kind::Date: break;
      }
      int verdict = 0;  // happens: true when any of its dates is
      for (const auto* dates : quick_dates[k]) {
        const int32_t d = (*dates)[i];
        if (d == Data::kNoDate) continue;
        if (d == Data::kOtherDate) {
          verdict = -1;
          continue;
        }
        if (date_matches<int64_t>(f.op, d, f.from_ymd, f.to_ymd)) return 1;
      }
      return verdict;
    };
    // Every filter in the written order; the item is made only when a
    // filter needs the task.
    auto passes = [&](uint32_t i) {
      std::optional<Item> it;
      for (size_t k = 0; k < q.filters.size(); ++k) {
        int verdict = quick_verdict(k, i);
        if (verdict < 0) {
          if (!it) it.emplace(ctx, *all[i].note, *all[i].task);
          verdict = q.filters[k](*it) ? 1 : 0;
        }
        if (verdict != 1) return false;
      }
      return true;
    };
    // Sorted by a date with a limit: the tasks in that date's order, until
    // `limit` got through the filters and the date moves past the last
    // one's (its ties may still sort ahead: they are taken too). What the
    // walk took, in list order, is then sorted as any answer is. Not when
    // a task's date has another shape (compared as text; listed first).
    int walk_date = -1;
    if (!detail::plain_evaluation() && q.limit > 0 && !q.sorts.empty() &&
        sort_key(q.sorts.front().field) == TaskSortKey::Date) {
      const int which = date_index(q.sorts.front().field);
      const auto& by_date = cache->tasks_by_date(which);
      if (by_date.empty() || cache->task_dates(which)[by_date.front()] != Data::kOtherDate) walk_date = which;
    }
    if (walk_date >= 0) {
      const bool reverse = q.sorts.front().reverse;
      const auto& by_date = cache->tasks_by_date(walk_date);
      const auto& dates = cache->task_dates(walk_date);
      const auto limit = static_cast<size_t>(q.limit);
      int32_t bound = 0;  // the limit-th kept task's date
      bool stopped = false;
      for (size_t n = 0; n < by_date.size(); ++n) {
        const uint32_t i = by_date[reverse ? by_date.size() - 1 - n : n];
        if (ordinals.size() >= limit && dates[i] != bound) {
          stopped = true;
          break;
        }
        if (!passes(i)) continue;
        ordinals.push_back(i);
        if (ordinals.size() == limit) bound = dates[i];
      }
      std::sort(ordinals.begin(), ordinals.end());
      if (ctx.reads && stopped) ctx.reads->task_bound = Reads::TaskDateBound{walk_date, bound, reverse};
    } else {
      // The filters up to the first one that needs the task itself drop tasks
      // by the numbers alone, one filter at a time over the task list (no
      // item made); unless all filters were such and each decided, the tasks
      // left go through every filter in the written order, as without the cache.
      size_t leading = 0;
      while (leading < q.filters.size() && q.quick[leading].kind != QuickFilter::Kind::None) ++leading;
      std::vector<uint32_t> candidates;
      bool listed = false;  // until the first filter, every task is a candidate (not written out)
      auto drop_if = [&](auto drops) {
        if (listed) {
          candidates.erase(std::remove_if(candidates.begin(), candidates.end(), drops), candidates.end());
          return;
        }
        candidates.reserve(all.size());
        for (uint32_t i = 0; i < all.size(); ++i)
          if (!drops(i)) candidates.push_back(i);
        listed = true;
      };
      bool undecided = false;
      for (size_t k = 0; k < leading; ++k) {
        auto rejects = [&](uint32_t i) {
          const int verdict = quick_verdict(k, i);
          undecided = undecided || verdict < 0;
          return verdict == 0;
        };
        const QuickFilter& f = q.quick[k];
        if (f.kind == QuickFilter::Kind::NotDone || f.kind == QuickFilter::Kind::Done) {
          const uint8_t drop = f.kind == QuickFilter::Kind::NotDone ? 1 : 0;
          drop_if([&](uint32_t i) { return done[i] == drop; });
        } else if (!f.happens) {
          // One date against fixed bounds: the comparison picked once, not per task.
          const std::vector<int32_t>& dates = *quick_dates[k][0];
          auto drop_outside = [&](auto in_range) {
            drop_if([&](uint32_t i) {
              const int32_t d = dates[i];
              if (d == QueryCache::Data::kOtherDate) return !(undecided = true);
              return d == QueryCache::Data::kNoDate || !in_range(int64_t{d});
            });
          };
          // date_matches with the op as a constant, so its switch folds away.
          auto with_op = [&](auto op) {
            drop_outside([&](int64_t d) { return date_matches<int64_t>(decltype(op)::value, d, f.from_ymd, f.to_ymd); });
          };
          switch (f.op) {
            case 1: with_op(std::integral_constant<int, 1>{}); break;
            case 2: with_op(std::integral_constant<int, 2>{}); break;
            case 3: with_op(std::integral_constant<int, 3>{}); break;
            case 4: with_op(std::integral_constant<int, 4>{}); break;
            default: with_op(std::integral_constant<int, 0>{}); break;
          }
        } else {
          drop_if(rejects);
        }
      }
      if (!listed) {
        candidates.resize(all.size());
        for (uint32_t i = 0; i < candidates.size(); ++i) candidates[i] = i;
      }
      if (leading == q.filters.size() && !undecided) {
        ordinals = std::move(candidates);
      } else {
        for (uint32_t i : candidates)
          if (passes(i)) ordinals.push_back(i);
      }
    }
    if (ctx.reads) {
      // Options::reads: the notes with a task through the filters, limit
      // or not (a note's tasks are together in the list); after a walk
      // that stopped early, those of the tasks it took (Reads::task_bound).
      const parse::Note* last = nullptr;
      for (uint32_t i : ordinals)
        if (all[i].note != last) ctx.reads->rows.push_back(last = all[i].note);
    }
    preselect_by_first_date(q, *cache, ordinals);
    items.reserve(ordinals.size());
    for (uint32_t i : ordinals) items.emplace_back(ctx, *all[i].note, *all[i].task);
  } else {
    for (const auto& kv : ctx.vault->notes()) {
      const parse::Note& n = kv.second;
      for (const auto& t : n.tasks) {
        Item it(ctx, n, t);
        bool keep = true;
        for (const auto& f : q.filters)
          if (!f(it)) {
            keep = false;
            break;
          }
        if (keep) items.push_back(std::move(it));
      }
    }
  }
  if (ctx.reads && !cache) {
    // Options::reads: the notes with a task through the filters (the items
    // are in the task list's order, a note's tasks together). Another
    // note's tasks had no part in the answer.
    const parse::Note* last = nullptr;
    for (const Item& it : items)
      if (it.note != last) ctx.reads->rows.push_back(last = it.note);
  }

  std::vector<Sorter> sorts = q.sorts;
  for (const char* d : {"status", "urgency", "due", "priority", "path"}) sorts.push_back(Sorter{d, false});
  std::vector<TaskSortKey> keys;
  std::vector<int> dates;  // the date of a TaskSortKey::Date
  for (const auto& s : sorts) keys.push_back(sort_key(s.field)), dates.push_back(date_index(s.field));
  // Items are sorted by index (an Item carries its cached fields); the
  // index is the last key, which makes the order total and equal to a stable
  // sort, so a limit can take the first `limit` items with a partial sort.
  // Date keys as numbers, once per item rather than per comparison: a
  // YYYY-MM-DD text orders as y*10000+m*100+d does, and an undated task goes
  // last (cmp_date). Only when every date of that key has that shape;
  // otherwise the key is compared as text.
  std::vector<std::vector<int32_t>> date_keys(sorts.size());
  if (!detail::plain_evaluation()) {
    for (size_t k = 0; k < sorts.size(); ++k) {
      if (keys[k] != TaskSortKey::Date) continue;
      bool shaped = true;
      for (size_t j = 0; j < k && shaped; ++j)
        if (keys[j] == TaskSortKey::Date && dates[j] == dates[k] && !date_keys[j].empty()) {
          date_keys[k] = date_keys[j];
          shaped = false;
        }
      if (!date_keys[k].empty() || !shaped) continue;
      std::vector<int32_t> v(items.size());
      if (cache) {
        // The cache's numbers are these keys for valid dates (and INT32_MAX
        // for none); any other text is compared as text.
        const auto& all_dates = cache->task_dates(dates[k]);
        for (size_t i = 0; i < items.size() && shaped; ++i) {
          v[i] = all_dates[ordinals[i]];
          shaped = v[i] != QueryCache::Data::kOtherDate;
        }
      } else {
        for (size_t i = 0; i < items.size() && shaped; ++i) {
          std::string_view d = items[i].date(dates[k]);
          v[i] = d.empty() ? INT32_MAX : date_text_key(d, shaped);
        }
      }
      if (shaped) date_keys[k] = std::move(v);
    }
  }
  std::vector<uint32_t> order(items.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  auto before = [&](uint32_t ia, uint32_t ib) {
    const Item &a = items[ia], &b = items[ib];
    for (size_t k = 0; k < sorts.size(); ++k) {
      if (!date_keys[k].empty()) {
        int32_t x = date_keys[k][ia], y = date_keys[k][ib];
        if (x != y) return sorts[k].reverse ? x > y : x < y;
        continue;
      }
      int c = cmp_field(a, b, keys[k], dates[k]);
      if (c) return sorts[k].reverse ? c > 0 : c < 0;
    }
    if (a.line() != b.line()) return a.line() < b.line();
    return ia < ib;
  };
  if (q.limit >= 0 && static_cast<size_t>(q.limit) < order.size()) {
    std::partial_sort(order.begin(), order.begin() + q.limit, order.end(), before);
    order.resize(static_cast<size_t>(q.limit));
  } else {
    std::sort(order.begin(), order.end(), before);
  }
  {
    std::vector<Item> sorted;
    sorted.reserve(order.size());
    for (uint32_t i : order) sorted.push_back(std::move(items[i]));
    items.swap(sorted);
  }

  if (q.groups.empty()) {
    if (q.limit >= 0 && items.size() > static_cast<size_t>(q.limit)) items.erase(items.begin() + q.limit, items.end());
    res.tasks.reserve(items.size());
    for (const auto& it : items) res.tasks.push_back(it.row());
  } else {
    // Tasks applies "limit" before grouping and "limit groups" within each group.
    if (q.limit >= 0 && items.size() > static_cast<size_t>(q.limit)) items.erase(items.begin() + q.limit, items.end());
    std::vector<TaskRow> answered;
    answered.reserve(items.size());
    for (const auto& it : items) answered.push_back(it.row());
    std::vector<std::pair<std::vector<std::string>, const TaskRow*>> keyed;
    for (const auto& row : answered) {
      std::vector<std::vector<std::string>> combos{{}};
      for (const auto& g : q.groups) {
        std::vector<std::vector<std::string>> next;
        for (const auto& c : combos)
          for (const auto& k : group_keys(row, g.field)) {
            auto n = c;
            n.push_back(k);
            next.push_back(std::move(n));
          }
        combos = std::move(next);
      }
      for (auto& c : combos) keyed.emplace_back(std::move(c), &row);
    }
    std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& a, const auto& b) {
      for (size_t i = 0; i < q.groups.size(); ++i) {
        int c = cmp_text(a.first[i], b.first[i]);
        if (c) return q.groups[i].reverse ? c > 0 : c < 0;
      }
      return false;
    });
    res.grouped = true;
    for (size_t i = 0; i < keyed.size();) {
      Group g;
      for (const auto& k : keyed[i].first) {
        Cell c;
        c.type = Cell::Type::String;
        c.text = k;
        g.keys.push_back(c);
      }
      size_t j = i;
      while (j < keyed.size() && keyed[j].first == keyed[i].first) {
        if (q.group_limit < 0 || static_cast<long>(g.tasks.size()) < q.group_limit) g.tasks.push_back(*keyed[j].second);
        ++j;
      }
      res.tasks.insert(res.tasks.end(), g.tasks.begin(), g.tasks.end());
      res.groups.push_back(std::move(g));
      i = j;
    }
  }

  if (q.explain) {
    std::string e = "Explanation of this Tasks code block query:\n\n";
    size_t date_i = 0;
    if (q.filters.empty()) e += "  No filters supplied. All tasks will match the query.\n\n";
    for (const auto& line : q.explain_lines) {
      e += "  " + line;
      std::string l = lower(line);
      bool dated = false;
      for (const char* f : {"due ", "scheduled ", "start ", "starts ", "done ", "created ", "happens "})
        dated = dated || (starts(l, f) && l != "done");
      if (dated && date_i < parser.explain_dates_.size()) e += " =>\n    " + parser.explain_dates_[date_i++];
      e += "\n\n";
    }
    if (q.groups.empty()) e += "  No grouping instructions supplied.\n\n";
    if (q.sorts.empty()) e += "  No sorting instructions supplied.\n\n";
    e += "  Default sort appended: status, urgency, due, priority, path.";
    res.explain = e;
  }
  return res;
}

}  // namespace vaultcrm::query
