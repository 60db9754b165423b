// The DQL expression evaluator: field lookup on pages, tasks and objects,
// operators with Dataview's semantics, and the builtin functions.
#include "query/eval.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>

#include "query/cache.h"
#include "vaultcrm/parse.h"

namespace vaultcrm::query {

const Val* plain_member(const ObjData& obj, std::string_view name) {
  for (const auto& m : obj.members)
    if (m.first == name) return &m.second;
  for (const auto& m : obj.members)
    if (key_matches(m.first, name)) return &m.second;
  return nullptr;
}

namespace {

[[noreturn]] void fail(const Expr& e, const std::string& msg) {
  throw QueryFailure{"query_eval", msg + " at " + std::to_string(e.pos.line) + ":" + std::to_string(e.pos.column), e.pos};
}

// ---- conversions from note data ----------------------------------------------

// "[[Target#Heading|Display]]" -> its parts; false when `s` is not exactly one link.
bool split_link(std::string_view s, std::string& target, std::string& sub, std::string& display, bool& has_display,
                bool& embed, char& kind) {
  embed = false;
  if (s.size() >= 5 && s[0] == '!') {
    embed = true;
    s.remove_prefix(1);
  }
  if (s.size() < 4 || s.substr(0, 2) != "[[" || s.substr(s.size() - 2) != "]]") return false;
  std::string_view inner = s.substr(2, s.size() - 4);
  if (inner.find("]]") != std::string_view::npos || inner.find("[[") != std::string_view::npos) return false;
  size_t bar = inner.find('|');
  has_display = bar != std::string_view::npos;
  display = has_display ? std::string(inner.substr(bar + 1)) : std::string();
  std::string_view t = inner.substr(0, bar);
  size_t hash = t.find('#');
  kind = 'f';
  sub.clear();
  if (hash != std::string_view::npos) {
    std::string_view rest = t.substr(hash + 1);
    if (!rest.empty() && rest[0] == '^') kind = 'b', rest.remove_prefix(1);
    else kind = 'h';
    sub = std::string(rest);
    t = t.substr(0, hash);
  }
  target = std::string(t);
  return true;
}

Val link_from_text(const Ctx& ctx, std::string_view s, std::string_view from) {
  std::string target, sub, display;
  bool has_display, embed;
  char kind;
  if (!split_link(s, target, sub, display, has_display, embed, kind)) return Val::null();
  std::string path = target.empty() ? std::string(from) : target;
  if (!target.empty()) {
    if (auto r = ctx.vault->resolve(target, from)) path = *r;
  }
  return Val::make_link(path, display, has_display, sub, embed, kind);
}

// Dataview's reading of a frontmatter string: a date, a duration, a link, or text.
Val typed_string(const Ctx& ctx, const std::string& s, std::string_view from) {
  if (!s.empty()) {
    char c = s[0];
    if (c >= '0' && c <= '9') {
      double ms;
      if (parse_date(s, ms)) return Val::date(ms);
      int32_t months;
      if (parse_duration(s, months, ms)) return Val::duration(months, ms);
    } else if (c == '[' || c == '!') {
      Val l = link_from_text(ctx, s, from);
      if (!l.is_null()) return l;
    }
  }
  return Val::string(s);
}

Val from_value(const Ctx& ctx, const Value& v, std::string_view from, bool typed = true) {
  switch (v.type()) {
    case Value::Type::Null: return Val::null();
    case Value::Type::Bool: return Val::boolean(v.as_bool());
    case Value::Type::Int: return Val::number(static_cast<double>(v.as_int()));
    case Value::Type::Double: return Val::number(v.as_double());
    case Value::Type::String: return typed ? typed_string(ctx, v.as_string(), from) : Val::string(v.as_string());
    case Value::Type::Array: {
      List out;
      out.reserve(v.as_array().size());
      for (const auto& x : v.as_array()) out.push_back(from_value(ctx, x, from, typed));
      return Val::make_list(std::move(out));
    }
    case Value::Type::Object: {
      std::vector<std::pair<std::string, Val>> m;
      for (const auto& kv : v.as_object()) m.emplace_back(kv.first, from_value(ctx, kv.second, from, typed));
      return Val::make_object(std::move(m));
    }
  }
  return Val::null();
}

bool is_number_text(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  size_t d = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == d) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t f = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == f) return false;
  }
  return i == s.size();
}

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) --b;
  return std::string(s.substr(a, b - a));
}

Val inline_atom(const Ctx& ctx, const std::string& t, std::string_view from, bool& ok) {
  ok = true;
  if (is_number_text(t)) return Val::number(std::strtod(t.c_str(), nullptr));
  if (t == "true" || t == "false") return Val::boolean(t == "true");
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') return Val::string(t.substr(1, t.size() - 2));
  double ms;
  if (parse_date(t, ms)) return Val::date(ms);
  int32_t months;
  if (!t.empty() && t[0] >= '0' && t[0] <= '9' && parse_duration(t, months, ms)) return Val::duration(months, ms);
  Val l = link_from_text(ctx, t, from);
  if (!l.is_null()) return l;
  ok = false;
  return Val::string(t);
}

// Dataview's parseInlineValue: a literal, a comma-separated list of literals, or text.
Val inline_value(const Ctx& ctx, std::string_view raw, std::string_view from) {
  std::string t = trim(raw);
  if (t.empty()) return Val::null();
  bool ok;
  Val v = inline_atom(ctx, t, from, ok);
  if (ok) return v;
  if (t.find(',') != std::string::npos) {
    List items;
    size_t st = 0;
    for (;;) {
      size_t c = t.find(',', st);
      std::string part = trim(std::string_view(t).substr(st, c == std::string::npos ? std::string::npos : c - st));
      Val a = inline_atom(ctx, part, from, ok);
      if (!ok) return Val::string(t);
      items.push_back(std::move(a));
      if (c == std::string::npos) break;
      st = c + 1;
    }
    return Val::make_list(std::move(items));
  }
  return Val::string(t);
}

Val date_or_null(std::string_view s) {
  double ms;
  if (!s.empty() && parse_date(s, ms)) return Val::date(ms);
  return Val::null();
}

std::string section_heading(const parse::Note& n, int section) {
  if (section < 0 || section >= static_cast<int>(n.sections.size())) return {};
  return n.sections[static_cast<size_t>(section)].heading;
}

Val section_link(const parse::Note& n, int section) {
  std::string h = section_heading(n, section);
  if (h.empty()) return Val::make_link(n.path);
  return Val::make_link(n.path, {}, false, h, false, 'h');
}

const parse::Task* task_of_list_item(const parse::Note& n, int li) {
  for (const auto& t : n.tasks)
    if (t.list_item == li) return &t;
  return nullptr;
}

Val list_item_object(const Ctx& ctx, const parse::Note& n, const parse::ListItem& item) {
  int idx = static_cast<int>(&item - n.lists.data());
  if (const auto* t = task_of_list_item(n, idx)) return task_object(ctx, n, *t);
  Val x;
  x.t = Val::T::Object;
  auto o = std::make_shared<ObjData>();
  o->page = &n;
  o->item = &item;
  o->ctx = &ctx;
  x.obj = std::move(o);
  return x;
}

Val page_field(const Ctx& ctx, const parse::Note& n, std::string_view name);

Val file_field(const Ctx& ctx, const parse::Note& n, std::string_view f) {
  if (f == "name") return Val::string(n.name);
  if (f == "path") return Val::string(n.path);
  if (f == "folder") return Val::string(n.folder);
  if (f == "ext") {
    size_t dot = n.path.rfind('.');
    return Val::string(dot == std::string::npos ? "" : n.path.substr(dot + 1));
  }
  if (f == "link") return Val::make_link(n.path);
  if (f == "size") return Val::number(static_cast<double>(n.size));
  // mtime is milliseconds since the epoch (Obsidian's TFile.stat.mtime), read as UTC wall time.
  if (f == "mtime" || f == "ctime") return Val::date(std::floor(n.mtime));
  if (f == "mday" || f == "cday") return Val::date(std::floor(n.mtime / kMsPerDay) * kMsPerDay);
  if (f == "starred") return Val::boolean(false);
  if (f == "day") {
    // A date in the file name (yyyy-mm-dd or yyyymmdd), else a `date` field.
    const std::string& nm = n.name;
    for (size_t i = 0; i + 10 <= nm.size(); ++i) {
      double ms;
      if (nm[i] >= '0' && nm[i] <= '9' && parse_date(nm.substr(i, 10), ms)) return Val::date(ms);
    }
    for (size_t i = 0; i + 8 <= nm.size(); ++i) {
      bool all = true;
      for (size_t k = 0; k < 8; ++k) all = all && nm[i + k] >= '0' && nm[i + k] <= '9';
      if (!all) continue;
      double ms;
      std::string iso = nm.substr(i, 4) + "-" + nm.substr(i + 4, 2) + "-" + nm.substr(i + 6, 2);
      if (parse_date(iso, ms)) return Val::date(ms);
    }
    Val d = page_field(ctx, n, "date");
    if (d.t == Val::T::Date) return d;
    return Val::null();
  }
  if (f == "tags" || f == "etags") {
    List out;
    std::vector<std::string> seen;
    for (const auto& t : n.tags) {
      std::vector<std::string> forms;
      if (f == "tags") {
        for (size_t i = 0; i <= t.size(); ++i)
          if (i == t.size() || t[i] == '/') forms.push_back("#" + t.substr(0, i));
      } else {
        forms.push_back("#" + t);
      }
      for (auto& s : forms)
        if (std::find(seen.begin(), seen.end(), s) == seen.end()) {
          seen.push_back(s);
          out.push_back(Val::string(s));
        }
    }
    return Val::make_list(std::move(out));
  }
  if (f == "aliases") {
    List out;
    for (const auto& a : n.aliases) out.push_back(Val::string(a));
    return Val::make_list(std::move(out));
  }
  if (f == "outlinks") {
    List out;
    std::vector<std::string> seen;
    for (const auto& l : n.links) {
      std::string path(l.target);
      if (l.target.empty()) path = n.path;
      else if (auto r = ctx.vault->resolve(l.target, n.path)) path = *r;
      if (std::find(seen.begin(), seen.end(), path) != seen.end()) continue;
      seen.push_back(path);
      out.push_back(Val::make_link(path, {}, false, {}, l.embed));
    }
    return Val::make_list(std::move(out));
  }
  if (f == "inlinks") {
    read_any_change(ctx);  // other notes' links
    List out;
    for (const auto& p : ctx.vault->backlinks(n.path, true)) out.push_back(Val::make_link(p));
    return Val::make_list(std::move(out));
  }
  if (f == "tasks") {
    List out;
    for (const auto& t : n.tasks) out.push_back(task_object(ctx, n, t));
    return Val::make_list(std::move(out));
  }
  if (f == "lists") {
    List out;
    for (const auto& li : n.lists) out.push_back(list_item_object(ctx, n, li));
    return Val::make_list(std::move(out));
  }
  if (f == "frontmatter") {
    if (n.frontmatter.is_object()) return from_value(ctx, n.frontmatter, n.path, false);
    return Val::make_object({});
  }
  return Val::null();
}

const char* const kFileFields[] = {"name", "folder", "path", "ext", "link", "size", "ctime", "cday", "mtime", "mday",
                                   "day", "tags", "etags", "inlinks", "outlinks", "aliases", "tasks", "lists",
                                   "frontmatter", "starred"};

// A page's own field: frontmatter, then inline fields (repeats become a list).
Val read_page_field(const Ctx& ctx, const parse::Note& n, std::string_view name) {
  if (name == "file") {
    Val x;
    x.t = Val::T::Object;
    auto o = std::make_shared<ObjData>();
    o->page = &n;
    o->file_object = true;
    o->ctx = &ctx;
    x.obj = std::move(o);
    return x;
  }
  Val found;
  int hits = 0;
  List many;
  if (n.frontmatter.is_object()) {
    for (const auto& kv : n.frontmatter.as_object())
      if (field_key_matches(kv.first, name)) {
        found = from_value(ctx, kv.second, n.path);
        ++hits;
        break;
      }
  }
  for (const auto& f : n.inline_fields) {
    if (!field_key_matches(f.key, name)) continue;
    Val v = inline_value(ctx, f.value, n.path);
    if (hits == 0) found = std::move(v);
    else {
      if (hits == 1) many.push_back(found);
      many.push_back(std::move(v));
    }
    ++hits;
  }
  if (hits > 1) return Val::make_list(std::move(many));
  return found;
}

// read_page_field() as kept in the query cache: computed once per note and
// field until the vault changes; nullptr without a cache. Not for `file`,
// whose object points at this query's context.
const Val& cached_value(CachedField& field, const Ctx& ctx, const parse::Note& n) {
  if (std::unique_ptr<Val>* kept = field.by_note.find(&n)) return **kept;
  return *field.by_note.insert(&n, std::make_unique<Val>(read_page_field(ctx, n, field.name)));
}

const Val* cached_page_field(const Ctx& ctx, const parse::Note& n, std::string_view name) {
  if (!ctx.cache || name == "file") return nullptr;
  return &cached_value(ctx.cache->field(name), ctx, n);
}

Val page_field(const Ctx& ctx, const parse::Note& n, std::string_view name) {
  if (const Val* v = cached_page_field(ctx, n, name)) return *v;
  return read_page_field(ctx, n, name);
}

Val task_field(const Ctx& ctx, const parse::Note& n, const parse::Task& t, std::string_view f, bool& known) {
  known = true;
  if (f == "status") return Val::string(std::string(t.status));
  if (f == "completed") return Val::boolean(t.status == "x" || t.status == "X");
  if (f == "checked") return Val::boolean(t.status != " ");
  if (f == "fullyCompleted" || f == "fullycompleted") {
    bool done = t.status == "x" || t.status == "X";
    if (done && t.list_item >= 0)
      for (const auto& other : n.tasks)
        if (other.list_item >= 0 && n.lists[static_cast<size_t>(other.list_item)].parent == t.list_item &&
            !(other.status == "x" || other.status == "X"))
          done = false;
    return Val::boolean(done);
  }
  if (f == "text" || f == "visual") return Val::string(std::string(t.text));
  if (f == "line") return Val::number(t.line - 1);
  if (f == "lineCount" || f == "linecount") return Val::number(1);
  if (f == "path") return Val::string(n.path);
  if (f == "section") return section_link(n, t.section);
  if (f == "link") return section_link(n, t.section);
  if (f == "task") return Val::boolean(true);
  if (f == "tags") {
    List out;
    for (const auto& g : t.tags) out.push_back(Val::string("#" + g));
    return Val::make_list(std::move(out));
  }
  if (f == "outlinks") {
    List out;
    for (const auto& l : n.links)
      if (l.line == t.line) out.push_back(link_to(ctx, l.target, n.path, l.embed));
    return Val::make_list(std::move(out));
  }
  if (f == "due") return date_or_null(t.due);
  if (f == "scheduled") return date_or_null(t.scheduled);
  if (f == "start") return date_or_null(t.start);
  if (f == "completion") return date_or_null(t.done);
  if (f == "created") return date_or_null(t.created);
  if (f == "priority") return t.priority.empty() ? Val::null() : Val::string(std::string(t.priority));
  if (f == "parent") {
    if (t.list_item < 0) return Val::null();
    int p = n.lists[static_cast<size_t>(t.list_item)].parent;
    if (p < 0) return Val::null();
    return Val::number(n.lists[static_cast<size_t>(p)].line - 1);
  }
  if (f == "children") {
    List out;
    if (t.list_item >= 0)
      for (const auto& li : n.lists)
        if (li.parent == t.list_item) out.push_back(list_item_object(ctx, n, li));
    return Val::make_list(std::move(out));
  }
  if (f == "annotated") {
    for (const auto& fld : n.inline_fields)
      if (fld.line == t.line) return Val::boolean(true);
    return Val::boolean(false);
  }
  // The task's own inline fields ([key:: value] on its line).
  Val found;
  int hits = 0;
  List many;
  for (const auto& fld : n.inline_fields) {
    if (fld.line != t.line || !key_matches(fld.key, f)) continue;
    Val v = inline_value(ctx, fld.value, n.path);
    if (hits == 0) found = std::move(v);
    else {
      if (hits == 1) many.push_back(found);
      many.push_back(std::move(v));
    }
    ++hits;
  }
  known = hits > 0;
  if (hits > 1) return Val::make_list(std::move(many));
  return found;
}

const char* const kTaskFields[] = {"status", "completed", "checked", "fullyCompleted", "text", "visual", "line",
                                   "lineCount", "path", "section", "link", "task", "tags", "outlinks", "due",
                                   "scheduled", "start", "completion", "created", "priority", "parent", "children",
                                   "annotated"};

Val item_field(const Ctx& ctx, const parse::Note& n, const parse::ListItem& li, std::string_view f) {
  if (f == "text" || f == "visual") return Val::string(std::string(li.text));
  if (f == "line") return Val::number(li.line - 1);
  if (f == "path") return Val::string(n.path);
  if (f == "task") return Val::boolean(false);
  if (f == "section" || f == "link") return section_link(n, li.section);
  if (f == "parent") return li.parent < 0 ? Val::null() : Val::number(n.lists[static_cast<size_t>(li.parent)].line - 1);
  if (f == "children") {
    int idx = static_cast<int>(&li - n.lists.data());
    List out;
    for (const auto& c : n.lists)
      if (c.parent == idx) out.push_back(list_item_object(ctx, n, c));
    return Val::make_list(std::move(out));
  }
  for (const auto& fld : n.inline_fields)
    if (fld.line == li.line && key_matches(fld.key, f)) return inline_value(ctx, fld.value, n.path);
  return Val::null();
}

// Field `name` of an object value (lazy or plain).
Val object_field(const Val& o, std::string_view name) {
  const ObjData& d = *o.obj;
  if (const Val* v = plain_member(d, name)) return *v;
  if (!d.ctx || !d.page) return Val::null();
  if (d.file_object) return file_field(*d.ctx, *d.page, name);
  if (d.task) {
    bool known;
    Val v = task_field(*d.ctx, *d.page, *d.task, name, known);
    if (known) return v;
    return page_field(*d.ctx, *d.page, name);
  }
  if (d.item) return item_field(*d.ctx, *d.page, *d.item, name);
  return page_field(*d.ctx, *d.page, name);
}

Val date_field(const Val& d, std::string_view f) {
  auto p = date_parts(d.n);
  if (f == "year") return Val::number(static_cast<double>(p.year));
  if (f == "month") return Val::number(p.month);
  if (f == "day") return Val::number(p.day);
  if (f == "hour") return Val::number(p.hour);
  if (f == "minute") return Val::number(p.minute);
  if (f == "second") return Val::number(p.second);
  if (f == "millisecond") return Val::number(p.ms);
  if (f == "weekday") return Val::number(p.weekday);
  if (f == "week") return Val::number(std::stod(format_date(d.n, "W")));
  if (f == "quarter") return Val::number((p.month - 1) / 3 + 1);
  return Val::null();
}

Val duration_field(const Val& d, std::string_view f) {
  double total = d.n + d.months * 30.0 * kMsPerDay;
  if (f == "years") return Val::number(d.months / 12.0 + d.n / (365.0 * kMsPerDay));
  if (f == "months") return Val::number(d.months + d.n / (30.0 * kMsPerDay));
  if (f == "weeks") return Val::number(total / (7 * kMsPerDay));
  if (f == "days") return Val::number(total / kMsPerDay);
  if (f == "hours") return Val::number(total / 3600000.0);
  if (f == "minutes") return Val::number(total / 60000.0);
  if (f == "seconds") return Val::number(total / 1000.0);
  if (f == "milliseconds") return Val::number(total);
  return Val::null();
}

Val member_of(const Ctx& ctx, const Val& base, std::string_view name) {
  switch (base.t) {
    case Val::T::Object: return object_field(base, name);
    case Val::T::Link: {
      const parse::Note* n = note_of_link(ctx, base);
      return n ? page_field(ctx, *n, name) : Val::null();
    }
    case Val::T::List: {
      // Field access maps over a list (rows.file.link).
      List out;
      out.reserve(base.items().size());
      for (const auto& x : base.items()) {
        Val v = member_of(ctx, x, name);
        out.push_back(std::move(v));
      }
      return Val::make_list(std::move(out));
    }
    case Val::T::Date: return date_field(base, name);
    case Val::T::Duration: return duration_field(base, name);
    default: return Val::null();
  }
}

Val index_value(const Ctx& ctx, const Val& base, const Val& idx) {
  if (idx.t == Val::T::String) return member_of(ctx, base, idx.s);
  if (idx.t == Val::T::Number) {
    long i = static_cast<long>(idx.n);
    if (base.t == Val::T::List) {
      const auto& it = base.items();
      if (i < 0) i += static_cast<long>(it.size());
      if (i < 0 || i >= static_cast<long>(it.size())) return Val::null();
      return it[static_cast<size_t>(i)];
    }
    if (base.t == Val::T::String) {
      if (i < 0) return Val::null();
      std::string c = utf8_substr(base.s, static_cast<size_t>(i), static_cast<size_t>(i) + 1);
      return c.empty() ? Val::null() : Val::string(c);
    }
  }
  return Val::null();
}

// ---- scopes ----------------------------------------------------------------------
bool lookup_scope(const Scope* s, std::string_view name, Val& out) {
  for (; s; s = s->parent)
    for (size_t i = 0; i < s->names->size(); ++i)
      if ((*s->names)[i] == name) {
        out = (*s->vals)[i];
        return true;
      }
  return false;
}

// Whether a lambda parameter named `name` is in scope (lookup_scope without
// copying its value: asked for every row).
bool scope_has(const Scope* s, std::string_view name) {
  for (; s; s = s->parent)
    for (const auto& n : *s->names)
      if (n == name) return true;
  return false;
}

Val lookup(const Env& env, std::string_view name) {
  Val v;
  if (lookup_scope(env.scope, name, v)) return v;
  const Ctx& ctx = *env.ctx;
  if (name == "this") {
    if (const auto* n = ctx.vault->find(ctx.origin)) {
      read_note(ctx, n);
      return page_object(ctx, *n);
    }
    return Val::make_object({});
  }
  const Row& r = *env.row;
  if (name == "row") return row_value(ctx, r);
  if (r.extra)
    if (const Val* v = plain_member(*r.extra, name)) return *v;
  if (r.task && r.page) {
    bool known;
    Val tv = task_field(ctx, *r.page, *r.task, name, known);
    if (known) return tv;
  }
  if (r.page) return page_field(ctx, *r.page, name);
  return Val::null();
}

// The value lookup(env, name) gives for an identifier that names a field of
// the row's page, where it lies in the query cache rather than a copy (a
// WHERE compares it for every page); nullptr when lookup() would read
// anything else (a lambda parameter, this, row, a task field, a computed
// member) or there is no cache.
const Val* page_field_in_place(const Expr& ident, const Env& env) {
  if (ident.k != Expr::K::Ident || !env.ctx->cache) return nullptr;
  const Row& r = *env.row;
  if (ident.cached_field) {  // bound: not this, row or file
    if (!r.page || r.task || r.extra || scope_has(env.scope, ident.name)) return nullptr;
    return &cached_value(*ident.cached_field, *env.ctx, *r.page);
  }
  // (As views: std::string == "literal" is an out-of-line compare per row.)
  const std::string_view name = ident.name;
  if (!r.page || r.task || r.extra || name == "this" || name == "row") return nullptr;
  if (scope_has(env.scope, name)) return nullptr;
  return cached_page_field(*env.ctx, *r.page, name);
}

// ---- operators -------------------------------------------------------------------
[[noreturn]] void no_impl(const Expr& e, const Val& a, const char* op, const Val& b) {
  fail(e, std::string("no implementation of '") + type_name(a.t) + " " + op + " " + type_name(b.t) + "'");
}

// The operator of a Binary node by its spelling, so that binary() switches
// on a number instead of comparing strings per row (a WHERE runs it for
// every page).
enum class Op { Eq, Ne, Lt, Le, Gt, Ge, Add, Sub, Mul, Div, Mod, And, Or, Unknown };
Op op_of(const std::string& n) {
  if (n.size() == 1) {
    switch (n[0]) {
      case '=': return Op::Eq;
      case '<': return Op::Lt;
      case '>': return Op::Gt;
      case '+': return Op::Add;
      case '-': return Op::Sub;
      case '*': return Op::Mul;
      case '/': return Op::Div;
      case '%': return Op::Mod;
      case '&': return Op::And;
      case '|': return Op::Or;
      default: return Op::Unknown;
    }
  }
  if (n.size() == 2 && n[1] == '=') {
    if (n[0] == '!') return Op::Ne;
    if (n[0] == '<') return Op::Le;
    if (n[0] == '>') return Op::Ge;
  }
  return Op::Unknown;
}

bool is_comparison(Op code) {
  return code == Op::Eq || code == Op::Ne || code == Op::Lt || code == Op::Le || code == Op::Gt || code == Op::Ge;
}

// a <op> b for a comparison operator (is_comparison).
bool compares(Op code, const Val& a, const Val& b) {
  // Equality of two strings needs no collation (compare() is 0 only for identical strings).
  if ((code == Op::Eq || code == Op::Ne) && a.t == Val::T::String && b.t == Val::T::String) return (a.s == b.s) == (code == Op::Eq);
  const int c = compare(a, b);
  switch (code) {
    case Op::Eq: return c == 0;
    case Op::Ne: return c != 0;
    case Op::Lt: return c < 0;
    case Op::Le: return c <= 0;
    case Op::Gt: return c > 0;
    default: return c >= 0;
  }
}

// The operator of a Binary node (bound once per query by bind_cache).
Op op_code(const Expr& e) { return e.op >= 0 ? static_cast<Op>(e.op) : op_of(e.name); }

Val binary(const Expr& e, const Val& a, const Val& b) {
  const std::string& op = e.name;
  const Op code = op_code(e);
  using T = Val::T;
  if (is_comparison(code)) return Val::boolean(compares(code, a, b));
  if (a.t == T::Null || b.t == T::Null) return Val::null();
  if (code == Op::Add) {
    if (a.t == T::Number && b.t == T::Number) return Val::number(a.n + b.n);
    if (a.t == T::String || b.t == T::String) return Val::string(to_display(a) + to_display(b));
    if (a.t == T::Date && b.t == T::Duration) return Val::date(add_duration(a.n, b.months, b.n, 1));
    if (a.t == T::Duration && b.t == T::Date) return Val::date(add_duration(b.n, a.months, a.n, 1));
    if (a.t == T::Duration && b.t == T::Duration) return Val::duration(a.months + b.months, a.n + b.n);
    if (a.t == T::List && b.t == T::List) {
      List out = a.items();
      out.insert(out.end(), b.items().begin(), b.items().end());
      return Val::make_list(std::move(out));
    }
    if (a.t == T::Object && b.t == T::Object) {
      auto ma = materialize(a), mb = materialize(b);
      auto members = ma.obj->members;
      for (const auto& kv : mb.obj->members) {
        bool replaced = false;
        for (auto& m : members)
          if (m.first == kv.first) m.second = kv.second, replaced = true;
        if (!replaced) members.push_back(kv);
      }
      return Val::make_object(std::move(members));
    }
    no_impl(e, a, "+", b);
  }
  if (code == Op::Sub) {
    if (a.t == T::Number && b.t == T::Number) return Val::number(a.n - b.n);
    if (a.t == T::Date && b.t == T::Duration) return Val::date(add_duration(a.n, b.months, b.n, -1));
    if (a.t == T::Date && b.t == T::Date) return Val::duration(0, a.n - b.n);
    if (a.t == T::Duration && b.t == T::Duration) return Val::duration(a.months - b.months, a.n - b.n);
    no_impl(e, a, "-", b);
  }
  if (code == Op::Mul) {
    if (a.t == T::Number && b.t == T::Number) return Val::number(a.n * b.n);
    if (a.t == T::Duration && b.t == T::Number)
      return Val::duration(static_cast<int32_t>(a.months * b.n), a.n * b.n);
    if (a.t == T::Number && b.t == T::Duration)
      return Val::duration(static_cast<int32_t>(b.months * a.n), b.n * a.n);
    if (a.t == T::String && b.t == T::Number) {
      std::string out;
      for (long i = 0; i < static_cast<long>(b.n) && out.size() < (1u << 20); ++i) out += a.s;
      return Val::string(out);
    }
    no_impl(e, a, "*", b);
  }
  if (code == Op::Div) {
    if (a.t == T::Number && b.t == T::Number) {
      if (b.n == 0) fail(e, "division by zero");
      return Val::number(a.n / b.n);
    }
    if (a.t == T::Duration && b.t == T::Number) {
      if (b.n == 0) fail(e, "division by zero");
      return Val::duration(static_cast<int32_t>(a.months / b.n), a.n / b.n);
    }
    no_impl(e, a, "/", b);
  }
  if (code == Op::Mod) {
    if (a.t == T::Number && b.t == T::Number) {
      if (b.n == 0) fail(e, "division by zero");
      return Val::number(std::fmod(a.n, b.n));
    }
    no_impl(e, a, "%", b);
  }
  fail(e, "unknown operator '" + op + "'");
}

// ---- functions -------------------------------------------------------------------
struct FnCall {
  const Expr& e;
  const Env& env;
  const Ctx& ctx() const { return *env.ctx; }
};

using Args = std::vector<Val>;
using Impl = Val (*)(const FnCall&, Args&);

struct Builtin {
  const char* name;
  Impl impl;
  int vec_arity;       // vectorise when called with this many args (0: never)
  unsigned vec_mask;   // which argument positions are vectorised
};

[[noreturn]] void bad_args(const FnCall& c, const Args& a) {
  std::string types;
  for (size_t i = 0; i < a.size(); ++i) types += (i ? ", " : "") + std::string(type_name(a[i].t));
  fail(c.e, "no implementation of '" + c.e.name + "' for arguments (" + types + ")");
}

void arity(const FnCall& c, const Args& a, size_t lo, size_t hi) {
  if (a.size() < lo || a.size() > hi)
    fail(c.e, "'" + c.e.name + "' takes " +
                  (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)) + " argument" +
                  (hi == 1 ? "" : "s") + ", got " + std::to_string(a.size()));
}

bool any_null(const Args& a) {
  for (const auto& x : a)
    if (x.is_null()) return true;
  return false;
}

Val fn_contains_impl(const FnCall& c, const Val& hay, const Val& needle, int mode) {
  // mode 0: contains (recursive, substring), 1: icontains, 2: econtains (exact)
  using T = Val::T;
  if (hay.t == T::List) {
    for (const auto& x : hay.items()) {
      if (mode == 2) {
        if (equal(x, needle)) return Val::boolean(true);
      } else if (truthy(fn_contains_impl(c, x, needle, mode))) {
        return Val::boolean(true);
      }
    }
    return Val::boolean(false);
  }
  if (hay.t == T::String && needle.t == T::String) {
    if (mode == 1) return Val::boolean(lower_utf8(hay.s).find(lower_utf8(needle.s)) != std::string::npos);
    return Val::boolean(hay.s.find(needle.s) != std::string::npos);
  }
  if (hay.t == T::Object && needle.t == T::String) {
    Val m = materialize(hay);
    return Val::boolean(m.member(needle.s) != nullptr);
  }
  return Val::boolean(equal(hay, needle));
}

Val f_contains(const FnCall& c, Args& a) { arity(c, a, 2, 2); return fn_contains_impl(c, a[0], a[1], 0); }
Val f_icontains(const FnCall& c, Args& a) { arity(c, a, 2, 2); return fn_contains_impl(c, a[0], a[1], 1); }
Val f_econtains(const FnCall& c, Args& a) { arity(c, a, 2, 2); return fn_contains_impl(c, a[0], a[1], 2); }
Val f_containsword(const FnCall& c, Args& a) {
  arity(c, a, 2, 2);
  if (any_null(a)) return Val::null();
  if (a[0].t != Val::T::String || a[1].t != Val::T::String) bad_args(c, a);
  std::string h = lower_utf8(a[0].s), n = lower_utf8(a[1].s);
  auto word = [](char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'; };
  for (size_t p = h.find(n); p != std::string::npos; p = h.find(n, p + 1)) {
    bool left = p == 0 || !word(h[p - 1]) || (!n.empty() && !word(n[0]));
    size_t e = p + n.size();
    bool right = e >= h.size() || !word(h[e]) || (!n.empty() && !word(n.back()));
    if (left && right) return Val::boolean(true);
  }
  return Val::boolean(false);
}
Val f_length(const FnCall& c, Args& a) {
  arity(c, a, 1, 1);
  switch (a[0].t) {
    case Val::T::List: return Val::number(static_cast<double>(a[0].items().size()));
    case Val::T::String: return Val::number(static_cast<double>(utf8_length(a[0].s)));
    case Val::T::Object: return Val::number(static_cast<double>(materialize(a[0]).obj->members.size()));
    case Val::T::Null: return Val::number(0);
    default: bad_args(c, a);
  }
}
Val f_lower(const FnCall& c, Args& a) {
  arity(c, a, 1, 1);
  if (a[0].is_null()) return Val::null();
  if (a[0].t != Val::T::String) bad_args(c, a);
  return Val::string(lower_utf8(a[0].s));
}
Val f_upper(const FnCall& c, Args& a) {
  arity(c, a, 1, 1);
  if (a[0].is_null()) return Val::null();
  if (a[0].t != Val::T::String) bad_args(c, a);
  return Val::string(upper_utf8(a[0].s));
}
Val f_split(const FnCall& c, Args& a) {
  arity(c, a, 2, 3);
  if (any_null(a)) return Val::null();
  if (a[0].t != Val::T::String || a[1].t != Val::T::String || (a.size() == 3 && a[2].t != Val::T::Number)) bad_args(c, a);
  long limit = a.size() == 3 ? static_cast<long>(a[2].n) : -1;
  List out;
  for (auto& s : c.ctx().regex->split(a[0].s, a[1].s, limit)) out.push_back(Val::string(std::move(s)));
  return Val::make_list(std::move(out));
}
Val f_join(const FnCall& c, Args& a) {
  arity(c, a, 1, 2);
  std::string sep = ", ";
  if (a.size() == 2 && a[1].t == Val::T::String) sep = a[1].s;
  else if (a.size() == 2 && !a[1].is_null()) bad_args(c, a);
  if (a[0].t != Val::T::List) return Val::string(to_display(a[0]));
  std::string out;
  bool first = true;
  for (const auto& x : a[0].items()) {
    if (!first) out += sep;
    first = false;
    out += to_display(x, true);
  }
  return Val::string(out);
}
Val f_replace(const FnCall& c, Args& a) {
  arity(c, a, 3, 3);
  if (any_null(a)) return Val::null();
  for (const auto& x : a)
    if (x.t != Val::T::String) bad_args(c, a);
  if (a[1].s.empty()) {
    // JavaScript's split("") + join: the replacement between every character.
    auto chars = utf8_chars(a[0].s);
    std::string out;
    for (size_t i = 0; i < chars.size(); ++i) out += (i ? a[2].s : "") + chars[i];
    return Val::string(out);
  }
  std::string out;
  const std::string &s = a[0].s, &p = a[1].s;
  size_t last = 0;
  for (size_t pos = s.find(p); pos != std::string::npos; pos = s.find(p, last)) {
    out.append(s, last, pos - last);
    out += a[2].s;
    last = pos + p.size();
  }
  out.append(s, last, std::string::npos);
  return Val::string(out);
}
Val f_regextest(const FnCall& c, Args& a) {
  arity(c, a, 2, 2);
  if (any_null(a)) return Val::boolean(false);
  if (a[0].t != Val::T::String || a[1].t != Val::T::String) bad_args(c, a);
  RegexMatch m;
  return Val::boolean(c.ctx().regex->search(a[0].s, a[1].s, 0, m));
}
Val f_regexmatch(const FnCall& c, Args& a) {
  arity(c, a, 2, 2);
  if (any_null(a)) return Val::boolean(false);
  if (a[0].t != Val::T::String || a[1].t != Val::T::String) bad_args(c, a);
  std::string pat = a[0].s;
  if (pat.empty() || (pat.front() != '^' && pat.back() != '$')) pat = "^(?:" + pat + ")$";
  RegexMatch m;
  return Val::boolean(c.ctx().regex->search(pat, a[1].s, 0, m));
}
Val f_regexreplace(const FnCall& c, Args& a) {
  arity(c, a, 3, 3);
  if (any_null(a)) return Val::null();
  for (const auto& x : a)
    if (x.t != Val::T::String) bad_args(c, a);
  return Val::string(c.ctx().regex->replace_all(a[0].s, a[1].s, a[2].s));
}
Val f_startswith(const FnCall& c, Args& a) {
  arity(c, a, 2, 2);
  if (any_null(a)) return Val::null();
  if (a[0].t != Val::T::String || a[1].t != Val::T::String) bad_args(c, a);
  return Val::boolean(a[0].s.compare(0, a[1].s.size(), a[1].s) == 0);
}
Val f_endswith(const FnCall& c, Args& a) {
  arity(c, a, 2, 2);
  if (any_null(a)) return Val::null();
  if (a[0].t != Val::T::String || a[1].t != Val::T::String) bad_args(c, a);
  const auto &s = a[0].s, &e = a[1].s;
  return Val::boolean(s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0);
}
Val f_substring(const FnCall& c, Args& a) {
  arity(c, a, 2, 3);
  if (a[0].is_null()) return Val::null();
  if (a[0].t != Val::T::String || a[1].t != Val::T::Number || (a.size() == 3 && a[2].t != Val::T::Number)) bad_args(c, a);
  long len = static_cast<long>(utf8_length(a[0].s));
  auto clamp = [&](double v) { return std::max(0L, std::min(len, static_cast<long>(std::isnan(v) ? 0 : v))); };
  long s = clamp(a[1].n), e = a.size() == 3 ? clamp(a[2].n) : len;
  if (s > e) std::swap(s, e);
  return Val::string(utf8_substr(a[0].s, static_cast<size_t>(s), static_cast<size_t>(e)));
}
Val f_truncate(const FnCall& c, Args& a) {
  arity(c, a, 2, 3);
  if (a[0].is_null()) return Val::null();
  if (a[0].t != Val::T::String || a[1].t != Val::T::Number) bad_args(c, a);
  std::string suffix = a.size() == 3 && a[2].t == Val::T::String ? a[2].s : "...";
  size_t len = static_cast<size_t>(std::max(0.0, a[1].n));
  if (utf8_length(a[0].s) <= len) return a[0];
  size_t keep = len > utf8_length(suffix) ? len - utf8_length(suffix) : 0;
  return Val::string(utf8_substr(a[0].s, 0, keep) + suffix);
}
Val pad(const FnCall& c, Args& a, bool left) {
  arity(c, a, 2, 3);
  if (any_null(a)) return Val::null();
  if (a[0].t != Val::T::String || a[1].t != Val::T::Number || (a.size() == 3 && a[2].t != Val::T::String)) bad_args(c, a);
  std::string p = a.size() == 3 ? a[2].s : " ";
  size_t have = utf8_length(a[0].s), want = static_cast<size_t>(std::max(0.0, std::min(a[1].n, 100000.0)));
  if (have >= want || p.empty()) return a[0];
  auto pc = utf8_chars(p);
  std::string fill;
  for (size_t i = 0; i < want - have; ++i) fill += pc[i % pc.size()];
  return Val::string(left ? fill + a[0].s : a[0].s + fill);
}
Val f_padleft(const FnCall& c, Args& a) { return pad(c, a, true); }
Val f_padright(const FnCall& c, Args& a) { return pad(c, a, false); }
Val f_default(const FnCall& c, Args& a) { arity(c, a, 2, 2); return a[0].is_null() ? a[1] : a[0]; }
Val f_choice(const FnCall& c, Args& a) { arity(c, a, 3, 3); return truthy(a[0]) ? a[1] : a[2]; }
Val f_date(const FnCall& c, Args& a) {
  arity(c, a, 1, 2);
  const Val& v = a[0];
  if (v.is_null() || v.t == Val::T::Date) return v;
  if (v.t == Val::T::String) {
    double ms;
    std::string s = trim(v.s);
    std::string l = lower_utf8(s);
    double kw = date_keyword(l, c.ctx().now);
    if (!std::isnan(kw)) {
      read_clock(c.ctx(), l);
      return Val::date(kw);
    }
    if (parse_date(s, ms)) return Val::date(ms);
    return Val::null();
  }
  if (v.t == Val::T::Link) {
    double ms;
    if (v.link && v.link->has_display && parse_date(v.link->display, ms)) return Val::date(ms);
    std::string base = v.s;
    size_t slash = base.rfind('/');
    if (slash != std::string::npos) base = base.substr(slash + 1);
    if (base.size() > 3 && base.compare(base.size() - 3, 3, ".md") == 0) base.resize(base.size() - 3);
    if (parse_date(base, ms)) return Val::date(ms);
    if (const auto* n = note_of_link(c.ctx(), v)) {
      Val d = file_field(c.ctx(), *n, "day");
      if (!d.is_null()) return d;
    }
    return Val::null();
  }
  bad_args(c, a);
}
Val f_dur(const FnCall& c, Args& a) {
  arity(c, a, 1, 1);
  if (a[0].is_null() || a[0].t == Val::T::Duration) return a[0];
  if (a[0].t != Val::T::String) bad_args(c, a);
  int32_t months;
  double ms;
  if (parse_duration(trim(a[0].s), months, ms)) return Val::duration(months, ms);
  return Val::null();
}
Val f_dateformat(const FnCall& c, Args& a) {
  arity(c, a, 2, 2);
  if (a[0].is_null()) return Val::null();
  if (a[0].t != Val::T::Date || a[1].t != Val::T::String) bad_args(c, a);
  return Val::string(format_date(a[0].n, a[1].s));
}
Val f_number(const FnCall& c, Args& a) {
  arity(c, a, 1, 1);
  if (a[0].is_null() || a[0].t == Val::T::Number) return a[0];
  if (a[0].t != Val::T::String) bad_args(c, a);
  const std::string& s = a[0].s;
  for (size_t i = 0; i < s.size(); ++i) {
    bool neg = s[i] == '-' && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9';
    if (neg || (s[i] >= '0' && s[i] <= '9')) {
      size_t j = i + (neg ? 1 : 0);
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
      if (j + 1 < s.size() && s[j] == '.' && s[j + 1] >= '0' && s[j + 1] <= '9') {
        ++j;
        while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
      }
      return Val::number(std::strtod(s.substr(i, j - i).c_str(), nullptr));
    }
  }
  return Val::null();
}
Val f_string(const FnCall& c, Args& a) { arity(c, a, 1, 1); return Val::string(to_display(a[0])); }
Val f_link(const FnCall& c, Args& a) {
  arity(c, a, 1, 2);
  if (a[0].is_null()) return Val::null();
  Val l;
  if (a[0].t == Val::T::Link) l = a[0];
  else if (a[0].t == Val::T::String) l = link_to(c.ctx(), a[0].s, c.ctx().origin);
  else bad_args(c, a);
  if (a.size() == 2 && a[1].t == Val::T::String) {
    auto d = std::make_shared<LinkData>(l.link ? *l.link : LinkData{});
    d->display = a[1].s;
    d->has_display = true;
    l.link = std::move(d);
  }
  return l;
}
Val f_list(const FnCall&, Args& a) { return Val::make_list(a); }
Val f_object(const FnCall& c, Args& a) {
  if (a.size() % 2) fail(c.e, "object() needs an even number of arguments (key, value, ...)");
  std::vector<std::pair<std::string, Val>> m;
  for (size_t i = 0; i < a.size(); i += 2) {
    if (a[i].t != Val::T::String) fail(c.e, "object() keys must be strings");
    m.emplace_back(a[i].s, a[i + 1]);
  }
  return Val::make_object(std::move(m));
}
Val num1(const FnCall& c, Args& a, double (*f)(double)) {
  arity(c, a, 1, 1);
  if (a[0].is_null()) return Val::null();
  if (a[0].t != Val::T::Number) bad_args(c, a);
  return Val::number(f(a[0].n));
}
double js_round(double x) { return std::floor(x + 0.5); }
Val f_round(const FnCall& c, Args& a) {
  arity(c, a, 1, 2);
  if (a[0].is_null()) return Val::null();
  if (a[0].t != Val::T::Number) bad_args(c, a);
  if (a.size() == 2 && a[1].t == Val::T::Number && a[1].n > 0) {
    double p = std::pow(10.0, std::floor(a[1].n));
    return Val::number(js_round(a[0].n * p) / p);
  }
  return Val::number(js_round(a[0].n));
}
Val f_trunc(const FnCall& c, Args& a) { return num1(c, a, [](double x) { return std::trunc(x); }); }
Val f_floor(const FnCall& c, Args& a) { return num1(c, a, [](double x) { return std::floor(x); }); }
Val f_ceil(const FnCall& c, Args& a) { return num1(c, a, [](double x) { return std::ceil(x); }); }
Val minmax(const FnCall&, Args& a, bool want_max) {
  const List* items = &a;
  if (a.size() == 1 && a[0].t == Val::T::List) items = &a[0].items();
  const Val* best = nullptr;
  for (const auto& x : *items) {
    if (x.is_null()) continue;
    if (!best || (want_max ? compare(x, *best) > 0 : compare(x, *best) < 0)) best = &x;
  }
  return best ? *best : Val::null();
}
Val f_min(const FnCall& c, Args& a) { return minmax(c, a, false); }
Val f_max(const FnCall& c, Args& a) { return minmax(c, a, true); }
Val reduce_op(const FnCall& c, const List& items, const char* op) {
  if (items.empty()) return Val::null();
  Expr fake;
  fake.k = Expr::K::Binary;
  fake.name = op;
  fake.pos = c.e.pos;
  Val acc = items[0];
  for (size_t i = 1; i < items.size(); ++i) acc = binary(fake, acc, items[i]);
  return acc;
}
Val f_sum(const FnCall& c, Args& a) {
  arity(c, a, 1, 1);
  if (a[0].t != Val::T::List) return a[0];
  return reduce_op(c, a[0].items(), "+");
}
Val f_product(const FnCall& c, Args& a) {
  arity(c, a, 1, 1);
  if (a[0].t != Val::T::List) return a[0];
  return reduce_op(c, a[0].items(), "*");
}
Val f_average(const FnCall& c, Args& a) {
  arity(c, a, 1, 1);
  if (a[0].t != Val::T::List) return a[0];
  const auto& it = a[0].items();
  if (it.empty()) return Val::null();
  Val s = reduce_op(c, it, "+");
  Expr fake;
  fake.name = "/";
  fake.pos = c.e.pos;
  return binary(fake, s, Val::number(static_cast<double>(it.size())));
}
Val f_reduce(const FnCall& c, Args& a) {
  arity(c, a, 2, 2);
  if (any_null(a)) return Val::null();
  if (a[0].t != Val::T::List) bad_args(c, a);
  if (a[1].t == Val::T::String) {
    static const char* kOps[] = {"+", "-", "*", "/", "&", "|"};
    for (const char* op : kOps)
      if (a[1].s == op) {
        if (a[1].s == "&" || a[1].s == "|") {
          if (a[0].items().empty()) return Val::null();
          bool acc = truthy(a[0].items()[0]);
          for (const auto& x : a[0].items()) acc = a[1].s == "&" ? acc && truthy(x) : acc || truthy(x);
          return Val::boolean(acc);
        }
        return reduce_op(c, a[0].items(), op);
      }
    fail(c.e, "reduce(list, op) supports '+', '-', '*', '/', '&' and '|'");
  }
  if (a[1].t != Val::T::Function) bad_args(c, a);
  const auto& it = a[0].items();
  if (it.empty()) return Val::null();
  Val acc = it[0];
  for (size_t i = 1; i < it.size(); ++i) {
    if (it[i].is_null()) continue;
    acc = call_lambda(a[1], {acc, it[i]});
  }
  return acc;
}
Val f_sort(const FnCall& c, Args& a) {
  arity(c, a, 1, 2);
  if (a[0].t != Val::T::List) return a[0];
  List out = a[0].items();
  if (a.size() == 2 && a[1].t == Val::T::Function) {
    std::vector<std::pair<Val, size_t>> keys;
    for (size_t i = 0; i < out.size(); ++i) keys.emplace_back(call_lambda(a[1], {out[i]}), i);
    std::stable_sort(keys.begin(), keys.end(), [](const auto& x, const auto& y) { return compare(x.first, y.first) < 0; });
    List sorted;
    for (const auto& k : keys) sorted.push_back(out[k.second]);
    return Val::make_list(std::move(sorted));
  }
  std::stable_sort(out.begin(), out.end(), [](const Val& x, const Val& y) { return compare(x, y) < 0; });
  return Val::make_list(std::move(out));
}
Val f_reverse(const FnCall& c, Args& a) {
  arity(c, a, 1, 1);
  if (a[0].t == Val::T::List) {
    List out(a[0].items().rbegin(), a[0].items().rend());
    return Val::make_list(std::move(out));
  }
  if (a[0].t == Val::T::String) {
    auto ch = utf8_chars(a[0].s);
    std::string out;
    for (auto it = ch.rbegin(); it != ch.rend(); ++it) out += *it;
    return Val::string(out);
  }
  return a[0];
}
Val f_unique(const FnCall& c, Args& a) {
  arity(c, a, 1, 1);
  if (a[0].t != Val::T::List) return a[0];
  List out;
  for (const auto& x : a[0].items()) {
    bool dup = false;
    for (const auto& y : out)
      if (equal(x, y)) { dup = true; break; }
    if (!dup) out.push_back(x);
  }
  return Val::make_list(std::move(out));
}
Val f_filter(const FnCall& c, Args& a) {
  arity(c, a, 2, 2);
  if (a[0].is_null()) return Val::null();
  if (a[0].t != Val::T::List || a[1].t != Val::T::Function) bad_args(c, a);
  List out;
  for (const auto& x : a[0].items())
    if (truthy(call_lambda(a[1], {x}))) out.push_back(x);
  return Val::make_list(std::move(out));
}
Val f_map(const FnCall& c, Args& a) {
  arity(c, a, 2, 2);
  if (a[0].is_null()) return Val::null();
  if (a[0].t != Val::T::List || a[1].t != Val::T::Function) bad_args(c, a);
  List out;
  for (const auto& x : a[0].items()) out.push_back(call_lambda(a[1], {x}));
  return Val::make_list(std::move(out));
}
void flatten_into(const Val& v, int depth, List& out) {
  if (v.t == Val::T::List && depth >= 0) {
    for (const auto& x : v.items()) flatten_into(x, depth - 1, out);
  } else {
    out.push_back(v);
  }
}
Val f_flat(const FnCall& c, Args& a) {
  arity(c, a, 1, 2);
  if (a[0].t != Val::T::List) return a[0];
  int depth = a.size() == 2 && a[1].t == Val::T::Number ? static_cast<int>(a[1].n) : 1;
  List out;
  for (const auto& x : a[0].items()) flatten_into(x, depth - 1, out);
  return Val::make_list(std::move(out));
}
Val f_slice(const FnCall& c, Args& a) {
  arity(c, a, 1, 3);
  if (a[0].is_null()) return Val::null();
  if (a[0].t != Val::T::List) bad_args(c, a);
  long n = static_cast<long>(a[0].items().size());
  auto norm = [&](const Val& v, long dflt) {
    if (v.t != Val::T::Number) return dflt;
    long i = static_cast<long>(v.n);
    if (i < 0) i += n;
    return std::max(0L, std::min(n, i));
  };
  long s = a.size() >= 2 ? norm(a[1], 0) : 0, e = a.size() >= 3 ? norm(a[2], n) : n;
  List out;
  for (long i = s; i < e; ++i) out.push_back(a[0].items()[static_cast<size_t>(i)]);
  return Val::make_list(std::move(out));
}
Val quantifier(const FnCall&, Args& a, int kind) {  // 0 all, 1 any, 2 none
  const List* items = &a;
  const Val* fn = nullptr;
  if (!a.empty() && a[0].t == Val::T::List && (a.size() == 1 || (a.size() == 2 && a[1].t == Val::T::Function))) {
    items = &a[0].items();
    if (a.size() == 2) fn = &a[1];
  }
  bool all = true, any = false;
  for (const auto& x : *items) {
    bool t = fn ? truthy(call_lambda(*fn, {x})) : truthy(x);
    all = all && t;
    any = any || t;
  }
  return Val::boolean(kind == 0 ? all : kind == 1 ? any : !any);
}
Val f_all(const FnCall& c, Args& a) { return quantifier(c, a, 0); }
Val f_any(const FnCall& c, Args& a) { return quantifier(c, a, 1); }
Val f_none(const FnCall& c, Args& a) { return quantifier(c, a, 2); }
Val f_nonnull(const FnCall&, Args& a) {
  const List* items = &a;
  if (a.size() == 1 && a[0].t == Val::T::List) items = &a[0].items();
  List out;
  for (const auto& x : *items)
    if (!x.is_null()) out.push_back(x);
  return Val::make_list(std::move(out));
}
Val f_firstvalue(const FnCall& c, Args& a) {
  arity(c, a, 1, 1);
  if (a[0].t != Val::T::List) return a[0];
  for (const auto& x : a[0].items())
    if (!x.is_null()) return x;
  return Val::null();
}
Val f_typeof(const FnCall& c, Args& a) { arity(c, a, 1, 1); return Val::string(type_name(a[0].t)); }
Val f_striptime(const FnCall& c, Args& a) {
  arity(c, a, 1, 1);
  if (a[0].is_null()) return Val::null();
  if (a[0].t != Val::T::Date) bad_args(c, a);
  return Val::date(std::floor(a[0].n / kMsPerDay) * kMsPerDay);
}
Val f_meta(const FnCall& c, Args& a) {
  arity(c, a, 1, 1);
  if (a[0].t != Val::T::Link) bad_args(c, a);
  const Val& l = a[0];
  const LinkData* d = l.link.get();
  std::vector<std::pair<std::string, Val>> m;
  m.emplace_back("display", d && d->has_display ? Val::string(d->display) : Val::null());
  m.emplace_back("embed", Val::boolean(d && d->embed));
  m.emplace_back("path", Val::string(l.s));
  m.emplace_back("subpath", d && !d->subpath.empty() ? Val::string(d->subpath) : Val::null());
  m.emplace_back("type", Val::string(!d || d->kind == 'f' ? "file" : d->kind == 'h' ? "header" : "block"));
  return Val::make_object(std::move(m));
}
Val f_extract(const FnCall& c, Args& a) {
  if (a.empty()) fail(c.e, "extract(object, key1, ...) needs at least one argument");
  std::vector<std::pair<std::string, Val>> m;
  for (size_t i = 1; i < a.size(); ++i) {
    if (a[i].t != Val::T::String) fail(c.e, "extract() keys must be strings");
    m.emplace_back(a[i].s, member_of(c.ctx(), a[0], a[i].s));
  }
  return Val::make_object(std::move(m));
}
Val by(const FnCall& c, Args& a, bool want_max) {
  arity(c, a, 2, 2);
  if (a[0].is_null()) return Val::null();
  if (a[0].t != Val::T::List || a[1].t != Val::T::Function) bad_args(c, a);
  const auto& it = a[0].items();
  if (it.empty()) return Val::null();
  const Val* best = nullptr;
  Val best_key;
  for (const auto& x : it) {
    Val k = call_lambda(a[1], {x});
    if (k.is_null()) continue;
    if (!best || (want_max ? compare(k, best_key) > 0 : compare(k, best_key) < 0)) best = &x, best_key = k;
  }
  return best ? *best : it[0];
}
Val f_minby(const FnCall& c, Args& a) { return by(c, a, false); }
Val f_maxby(const FnCall& c, Args& a) { return by(c, a, true); }
Val f_ldefault(const FnCall& c, Args& a) { arity(c, a, 2, 2); return a[0].is_null() ? a[1] : a[0]; }
Val f_localtime(const FnCall& c, Args& a) { arity(c, a, 1, 1); return a[0]; }

const Builtin kBuiltins[] = {
    {"contains", f_contains, 2, 0b10},       {"icontains", f_icontains, 2, 0b10},
    {"econtains", f_econtains, 2, 0b10},     {"containsword", f_containsword, 2, 0b11},
    {"length", f_length, 0, 0},              {"lower", f_lower, 1, 0b1},
    {"upper", f_upper, 1, 0b1},              {"split", f_split, 0, 0},
    {"join", f_join, 0, 0},                  {"replace", f_replace, 3, 0b111},
    {"regextest", f_regextest, 2, 0b11},     {"regexmatch", f_regexmatch, 2, 0b11},
    {"regexreplace", f_regexreplace, 3, 0b111}, {"startswith", f_startswith, 2, 0b11},
    {"endswith", f_endswith, 2, 0b11},       {"substring", f_substring, 0, 0},
    {"truncate", f_truncate, 0, 0},          {"padleft", f_padleft, 2, 0b11},
    {"padright", f_padright, 2, 0b11},       {"default", f_default, 2, 0b11},
    {"ldefault", f_ldefault, 0, 0},          {"choice", f_choice, 3, 0b1},
    {"date", f_date, 1, 0b1},                {"dur", f_dur, 1, 0b1},
    {"dateformat", f_dateformat, 2, 0b1},    {"number", f_number, 1, 0b1},
    {"string", f_string, 0, 0},              {"link", f_link, 1, 0b1},
    {"list", f_list, 0, 0},                  {"array", f_list, 0, 0},
    {"object", f_object, 0, 0},              {"round", f_round, 1, 0b1},
    {"trunc", f_trunc, 1, 0b1},              {"floor", f_floor, 1, 0b1},
    {"ceil", f_ceil, 1, 0b1},                {"min", f_min, 0, 0},
    {"max", f_max, 0, 0},                    {"sum", f_sum, 0, 0},
    {"average", f_average, 0, 0},            {"product", f_product, 0, 0},
    {"reduce", f_reduce, 0, 0},              {"sort", f_sort, 0, 0},
    {"reverse", f_reverse, 0, 0},            {"unique", f_unique, 0, 0},
    {"filter", f_filter, 0, 0},              {"map", f_map, 0, 0},
    {"flat", f_flat, 0, 0},                  {"slice", f_slice, 0, 0},
    {"all", f_all, 0, 0},                    {"any", f_any, 0, 0},
    {"none", f_none, 0, 0},                  {"nonnull", f_nonnull, 0, 0},
    {"firstvalue", f_firstvalue, 0, 0},      {"typeof", f_typeof, 0, 0},
    {"striptime", f_striptime, 1, 0b1},      {"meta", f_meta, 0, 0},
    {"extract", f_extract, 0, 0},            {"minby", f_minby, 0, 0},
    {"maxby", f_maxby, 0, 0},                {"localtime", f_localtime, 1, 0b1},
};

Val call_builtin(const Builtin& b, const FnCall& c, Args& a) {
  if (b.vec_arity && static_cast<int>(a.size()) == b.vec_arity) {
    size_t min_len = SIZE_MAX;
    bool vec = false;
    for (size_t i = 0; i < a.size(); ++i)
      if ((b.vec_mask >> i & 1u) && a[i].t == Val::T::List) {
        vec = true;
        min_len = std::min(min_len, a[i].items().size());
      }
    if (vec) {
      List out;
      for (size_t k = 0; k < min_len; ++k) {
        Args sub = a;
        for (size_t i = 0; i < a.size(); ++i)
          if ((b.vec_mask >> i & 1u) && a[i].t == Val::T::List) sub[i] = a[i].items()[k];
        out.push_back(call_builtin(b, c, sub));
      }
      return Val::make_list(std::move(out));
    }
  }
  return b.impl(c, a);
}

}  // namespace

int builtin_index(std::string_view name) {
  for (size_t i = 0; i < sizeof kBuiltins / sizeof kBuiltins[0]; ++i)
    if (name == kBuiltins[i].name) return static_cast<int>(i);
  return -1;
}

// ---- public helpers ------------------------------------------------------------
Val page_object(const Ctx& ctx, const parse::Note& note) {
  Val x;
  x.t = Val::T::Object;
  auto o = std::make_shared<ObjData>();
  o->page = &note;
  o->ctx = &ctx;
  x.obj = std::move(o);
  return x;
}

Val task_object(const Ctx& ctx, const parse::Note& note, const parse::Task& task) {
  Val x;
  x.t = Val::T::Object;
  auto o = std::make_shared<ObjData>();
  o->page = &note;
  o->task = &task;
  o->ctx = &ctx;
  x.obj = std::move(o);
  return x;
}

Val row_value(const Ctx& ctx, const Row& r) {
  if (!r.extra) {
    if (r.task) return task_object(ctx, *r.page, *r.task);
    if (r.page) return page_object(ctx, *r.page);
    return Val::make_object({});
  }
  Val x;
  x.t = Val::T::Object;
  auto o = std::make_shared<ObjData>(*r.extra);
  o->page = r.page;
  o->task = r.task;
  o->ctx = &ctx;
  x.obj = std::move(o);
  return x;
}

Val link_to(const Ctx& ctx, std::string_view target, std::string_view from_path, bool embed) {
  std::string t(target), sub;
  char kind = 'f';
  size_t hash = t.find('#');
  if (hash != std::string::npos) {
    sub = t.substr(hash + 1);
    t.resize(hash);
    if (!sub.empty() && sub[0] == '^') kind = 'b', sub.erase(0, 1);
    else kind = 'h';
  }
  std::string path = t.empty() ? std::string(from_path) : t;
  if (!t.empty())
    if (auto r = ctx.vault->resolve(t, from_path)) path = *r;
  return Val::make_link(path, {}, false, sub, embed, kind);
}

const parse::Note* note_of_link(const Ctx& ctx, const Val& link) {
  const parse::Note* n = ctx.vault->find(link.s);
  if (!n)
    if (auto r = ctx.vault->resolve(link.s, ctx.origin)) n = ctx.vault->find(*r);
  read_note(ctx, n);
  return n;
}

void read_clock(const Ctx& ctx, std::string_view keyword) {
  // A fixed Options::now gives the same date every run.
  if (!ctx.reads || !ctx.opt || !ctx.opt->now.empty()) return;
  if (keyword == "now") {
    ctx.reads->time_of_day = true;
    return;
  }
  ctx.reads->today = true;
  ctx.reads->day = static_cast<int64_t>(std::floor(ctx.now / kMsPerDay));
}

Val materialize(const Val& v) {
  if (v.t != Val::T::Object || !v.obj) return Val::make_object({});
  const ObjData& d = *v.obj;
  if (!d.ctx || !d.page) return v;
  const Ctx& ctx = *d.ctx;
  std::vector<std::pair<std::string, Val>> m = d.members;
  auto add = [&](std::string_view k, Val val) {
    for (const auto& e : m)
      if (e.first == k) return;
    m.emplace_back(k, std::move(val));
  };
  if (d.file_object) {
    for (const char* f : kFileFields) add(f, file_field(ctx, *d.page, f));
  } else if (d.task) {
    for (const char* f : kTaskFields) {
      bool known;
      add(f, task_field(ctx, *d.page, *d.task, f, known));
    }
    for (const auto& fld : d.page->inline_fields)
      if (fld.line == d.task->line) {
        bool known;
        add(fld.key, task_field(ctx, *d.page, *d.task, fld.key, known));
      }
  } else if (d.item) {
    for (const char* f : {"text", "line", "path", "task", "section", "link", "parent", "children"})
      add(f, item_field(ctx, *d.page, *d.item, f));
  } else {
    const parse::Note& n = *d.page;
    if (n.frontmatter.is_object())
      for (const auto& kv : n.frontmatter.as_object()) {
        add(kv.first, page_field(ctx, n, kv.first));
        std::string canon = canonical_name(kv.first);
        if (canon != kv.first) add(canon, page_field(ctx, n, canon));
      }
    for (const auto& fld : n.inline_fields) {
      add(fld.key, page_field(ctx, n, fld.key));
      std::string canon = canonical_name(fld.key);
      if (canon != fld.key) add(canon, page_field(ctx, n, canon));
    }
    add("file", page_field(ctx, n, "file"));
  }
  return Val::make_object(std::move(m));
}

Val call_lambda(const Val& fn, const std::vector<Val>& args) {
  if (fn.t != Val::T::Function || !fn.fn) return Val::null();
  const Lambda& l = *fn.fn;
  std::vector<std::string> names;
  std::vector<Val> vals;
  for (const auto& c : l.captured) names.push_back(c.first), vals.push_back(c.second);
  for (size_t i = 0; i < l.expr->names.size(); ++i) {
    names.push_back(l.expr->names[i]);
    vals.push_back(i < args.size() ? args[i] : Val::null());
  }
  Scope s{&names, &vals, nullptr};
  Env env{l.ctx, &l.row, &s};
  return eval(*l.expr->kids[0], env);
}

double parse_now(const std::string& now) {
  double ms;
  if (!now.empty() && parse_date(now, ms)) return ms;
  auto t = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(t).count());
}

double date_keyword(std::string_view kw, double now) {
  double day = std::floor(now / kMsPerDay) * kMsPerDay;
  auto p = date_parts(now);
  if (kw == "now") return now;
  if (kw == "today" || kw == "sod") return day;
  if (kw == "eod") return day + kMsPerDay - 1;
  if (kw == "tomorrow") return day + kMsPerDay;
  if (kw == "yesterday") return day - kMsPerDay;
  if (kw == "sow") return day - (p.weekday - 1) * kMsPerDay;
  if (kw == "eow") return day + (8 - p.weekday) * kMsPerDay - 1;
  if (kw == "som") return make_date(p.year, p.month, 1);
  if (kw == "eom") return add_duration(make_date(p.year, p.month, 1), 1, 0, 1) - 1;
  if (kw == "soy") return make_date(p.year, 1, 1);
  if (kw == "eoy") return make_date(p.year + 1, 1, 1) - 1;
  return std::nan("");
}

namespace {

int builtin_contains() {
  static const int index = builtin_index("contains");
  return index;
}

// The page whose `file.<field>` (field a or b) `e` reads, when it is read
// straight from the row's note (the rule of eval's Member case); else null.
const parse::Note* page_of_file_member(const Expr& e, const Env& env, std::string_view a, std::string_view b) {
  if (e.k != Expr::K::Member || (e.name != a && e.name != b)) return nullptr;
  const Expr& base = *e.kids[0];
  if (base.k != Expr::K::Ident || std::string_view(base.name) != "file" || !env.row->page || env.row->extra) return nullptr;
  if (scope_has(env.scope, "file")) return nullptr;
  return env.row->page;
}

// contains(file.tags, text) and contains(file.etags, text): whether `text`
// occurs in some "#tag". file.tags also lists each tag's parents ("#a" for
// "#a/b"), but those are prefixes of "#a/b", so they add no occurrence.
bool some_tag_contains(const parse::Note& n, std::string_view text) {
  for (const auto& t : n.tags) {
    if (t.find(text) != std::string::npos) return true;
    if (!text.empty() && text[0] == '#' && std::string_view(t).substr(0, text.size() - 1) == text.substr(1)) return true;
  }
  return false;
}

bool cached_tag_hit(CachedTagHits& hits, const parse::Note& page) {
  if (const bool* kept = hits.by_note.find(&page)) return *kept;
  return hits.by_note.insert(&page, some_tag_contains(page, hits.needle));
}

// some_tag_contains, kept in the query cache per needle and page.
bool page_tags_contain(const Env& env, const parse::Note& page, const std::string& needle) {
  if (!env.ctx->cache) return some_tag_contains(page, needle);
  return cached_tag_hit(env.ctx->cache->tag_hits_for(needle), page);
}

// contains(file.tags | file.etags, "literal"): the shape eval's shortcut answers.
bool is_tags_contain_literal(const Expr& e) {
  if (e.k != Expr::K::Call || e.fn != builtin_contains() || e.kids.size() != 2) return false;
  const Expr &hay = *e.kids[0], &needle = *e.kids[1];
  return hay.k == Expr::K::Member && (hay.name == "tags" || hay.name == "etags") && hay.kids[0]->k == Expr::K::Ident &&
         hay.kids[0]->name == "file" && needle.k == Expr::K::Literal && needle.lit.t == Val::T::String;
}

// Parts of a query that name no field: their value is the same for every
// row, so fold_constants computes them once.
bool is_constant(const Expr& e) {
  static const char* const kPure[] = {"date", "dur", "number", "string", "lower", "upper"};
  switch (e.k) {
    case Expr::K::Literal:
    case Expr::K::DateKw:
    case Expr::K::LinkLit: return true;
    case Expr::K::Negate:
    case Expr::K::List: break;
    case Expr::K::Call: {
      if (e.fn < 0) return false;
      bool pure = false;
      for (const char* name : kPure) pure = pure || e.name == name;
      if (!pure) return false;
      break;
    }
    default: return false;
  }
  for (const auto& k : e.kids)
    if (!is_constant(*k)) return false;
  return true;
}

}  // namespace

void fold_constants(Expr& e, const Ctx& ctx) {
  if (e.k == Expr::K::Literal) return;
  if (!detail::plain_evaluation() && is_constant(e)) {
    Row no_row;
    Env env{&ctx, &no_row, nullptr};
    try {
      Val v = eval(e, env);
      e.k = Expr::K::Literal;
      e.lit = std::move(v);
      e.kids.clear();
      return;
    } catch (const QueryFailure&) {
      // Left as written: the error belongs to the rows that evaluate it.
    }
  }
  for (auto& k : e.kids) fold_constants(*k, ctx);
}

Val eval(const Expr& e, const Env& env) {
  switch (e.k) {
    case Expr::K::Literal: return e.lit;
    case Expr::K::DateKw:
      read_clock(*env.ctx, e.name);
      return Val::date(date_keyword(e.name, env.ctx->now));
    case Expr::K::LinkLit: {
      std::string s = (e.lit.b ? "![[" : "[[") + e.name + "]]";
      Val l = link_from_text(*env.ctx, s, env.ctx->origin);
      return l;
    }
    case Expr::K::Ident:
      if (e.cached_field)
        if (const Val* field = page_field_in_place(e, env)) return *field;
      return lookup(env, e.name);
    case Expr::K::Member: {
      // file.<field> straight from the note, without building the file object.
      const Expr& base = *e.kids[0];
      if (base.k == Expr::K::Ident && std::string_view(base.name) == "file" && env.row->page && !env.row->extra) {
        if (!scope_has(env.scope, "file")) return file_field(*env.ctx, *env.row->page, e.name);
      }
      return member_of(*env.ctx, eval(base, env), e.name);
    }
    case Expr::K::Index: return index_value(*env.ctx, eval(*e.kids[0], env), eval(*e.kids[1], env));
    case Expr::K::Negate: {
      Val v = eval(*e.kids[0], env);
      if (v.is_null()) return v;
      if (v.t == Val::T::Number) return Val::number(-v.n);
      if (v.t == Val::T::Duration) return Val::duration(-v.months, -v.n);
      fail(e, std::string("cannot negate a ") + type_name(v.t));
    }
    case Expr::K::Not: return Val::boolean(!truthy(eval(*e.kids[0], env)));
    case Expr::K::Binary: {
      const Op code = op_code(e);
      if (code == Op::And) {
        if (!truthy(eval(*e.kids[0], env))) return Val::boolean(false);
        return Val::boolean(truthy(eval(*e.kids[1], env)));
      }
      if (code == Op::Or) {
        if (truthy(eval(*e.kids[0], env))) return Val::boolean(true);
        return Val::boolean(truthy(eval(*e.kids[1], env)));
      }
      // A literal operand (often a folded constant: date >= date(2025-06-01))
      // is passed where it lies rather than copied per row.
      // So is a page's field kept in the query cache (date >= ...).
      const Expr &l = *e.kids[0], &r = *e.kids[1];
      if (r.k == Expr::K::Literal) {
        if (l.k == Expr::K::Literal) return binary(e, l.lit, r.lit);
        if (const Val* field = page_field_in_place(l, env)) return binary(e, *field, r.lit);
        return binary(e, eval(l, env), r.lit);
      }
      if (l.k == Expr::K::Literal) {
        if (const Val* field = page_field_in_place(r, env)) return binary(e, l.lit, *field);
        return binary(e, l.lit, eval(r, env));
      }
      return binary(e, eval(l, env), eval(r, env));
    }
    case Expr::K::List: {
      List out;
      out.reserve(e.kids.size());
      for (const auto& k : e.kids) out.push_back(eval(*k, env));
      return Val::make_list(std::move(out));
    }
    case Expr::K::Object: {
      std::vector<std::pair<std::string, Val>> m;
      for (size_t i = 0; i < e.kids.size(); ++i) m.emplace_back(e.names[i], eval(*e.kids[i], env));
      return Val::make_object(std::move(m));
    }
    case Expr::K::Lambda: {
      auto l = std::make_shared<Lambda>();
      l->expr = &e;
      l->row = *env.row;
      l->ctx = env.ctx;
      for (const Scope* s = env.scope; s; s = s->parent)
        for (size_t i = 0; i < s->names->size(); ++i) l->captured.emplace_back((*s->names)[i], (*s->vals)[i]);
      Val v;
      v.t = Val::T::Function;
      v.fn = std::move(l);
      return v;
    }
    case Expr::K::Call: {
      Args args;
      if (!detail::plain_evaluation() && e.fn == builtin_contains() && e.kids.size() == 2) {
        // contains(file.tags, "text"): read the note's tags where they lie
        // instead of building the list of "#tag" strings for every page
        // (and without an argument list, or a copy of a literal needle).
        if (const parse::Note* page = page_of_file_member(*e.kids[0], env, "tags", "etags")) {
          const Expr& n = *e.kids[1];
          if (e.cached_tag_hits) return Val::boolean(cached_tag_hit(*e.cached_tag_hits, *page));
          if (n.k == Expr::K::Literal && n.lit.t == Val::T::String) return Val::boolean(page_tags_contain(env, *page, n.lit.s));
          Val needle = eval(n, env);
          if (needle.t == Val::T::String) return Val::boolean(some_tag_contains(*page, needle.s));
          args.push_back(file_field(*env.ctx, *page, e.kids[0]->name));
          args.push_back(std::move(needle));
        }
      }
      if (args.empty() && !detail::plain_evaluation() && e.fn == builtin_contains() && e.kids.size() == 2 &&
          e.kids[1]->k == Expr::K::Literal && e.kids[1]->lit.t != Val::T::List) {
        // contains(x, literal) with a needle that is not a list (so nothing
        // to vectorise): f_contains on the literal where it lies, without an
        // argument list and a copy of the needle per row (FROM people WHERE
        // contains(accounts, [[T]])).
        Val hay = eval(*e.kids[0], env);
        FnCall c{e, env};
        try {
          return fn_contains_impl(c, hay, e.kids[1]->lit, 0);
        } catch (QueryFailure& f) {
          if (f.pos.line == 0) fail(e, f.message + " in " + e.name + "()");
          throw;
        }
      }
      if (args.empty()) {
        args.reserve(e.kids.size());
        for (const auto& k : e.kids) args.push_back(eval(*k, env));
      }
      if (e.fn < 0) {
        Val f = lookup(env, e.name);
        if (f.t != Val::T::Function) fail(e, "'" + e.name + "' is not a function");
        return call_lambda(f, args);
      }
      FnCall c{e, env};
      try {
        return call_builtin(kBuiltins[e.fn], c, args);
      } catch (QueryFailure& f) {
        if (f.pos.line == 0) fail(e, f.message + " in " + e.name + "()");
        throw;
      }
    }
  }
  return Val::null();
}

void bind_cache(Expr& e, QueryCache::Data& cache) {
  if (e.k == Expr::K::Ident) {
    const std::string_view name = e.name;
    if (name != "this" && name != "row" && name != "file") e.cached_field = &cache.field(name);
  }
  if (is_tags_contain_literal(e)) e.cached_tag_hits = &cache.tag_hits_for(e.kids[1]->lit.s);
  if (e.k == Expr::K::Binary) e.op = static_cast<int>(op_of(e.name));
  for (auto& k : e.kids) bind_cache(*k, cache);
}

bool truth(const Expr& e, const Env& env) {
  if (detail::plain_evaluation()) return truthy(eval(e, env));
  switch (e.k) {
    case Expr::K::Not: return !truth(*e.kids[0], env);
    case Expr::K::Binary: {
      const Op code = op_code(e);
      if (code == Op::And) return truth(*e.kids[0], env) && truth(*e.kids[1], env);
      if (code == Op::Or) return truth(*e.kids[0], env) || truth(*e.kids[1], env);
      if (!is_comparison(code)) break;
      // The operands eval() reads where they lie (a literal, a cached page
      // field) compared without the boolean value; two computed operands
      // are left to eval(), which decides which one fails first.
      const Expr &l = *e.kids[0], &r = *e.kids[1];
      if (r.k == Expr::K::Literal) {
        if (l.k == Expr::K::Literal) return compares(code, l.lit, r.lit);
        if (const Val* field = page_field_in_place(l, env)) return compares(code, *field, r.lit);
        return compares(code, eval(l, env), r.lit);
      }
      if (l.k == Expr::K::Literal) {
        if (const Val* field = page_field_in_place(r, env)) return compares(code, l.lit, *field);
        return compares(code, l.lit, eval(r, env));
      }
      break;
    }
    case Expr::K::Call:
      // contains(file.tags, "text") as eval's shortcut answers it
      if (e.cached_tag_hits) {
        // bound (is_tags_contain_literal): only whether the row's page is what `file` names
        const Row& row = *env.row;
        if (row.page && !row.extra && !scope_has(env.scope, "file")) return cached_tag_hit(*e.cached_tag_hits, *row.page);
        break;
      }
      if (e.fn == builtin_contains() && e.kids.size() == 2 && e.kids[1]->k == Expr::K::Literal &&
          e.kids[1]->lit.t == Val::T::String)
        if (const parse::Note* page = page_of_file_member(*e.kids[0], env, "tags", "etags"))
          return page_tags_contain(env, *page, e.kids[1]->lit.s);
      break;
    default: break;
  }
  return truthy(eval(e, env));
}

// ---- cells ---------------------------------------------------------------------------
Cell to_cell(const Val& v) {
  Cell c;
  switch (v.t) {
    case Val::T::Null: c.type = Cell::Type::Null; break;
    case Val::T::Bool: c.type = Cell::Type::Bool; c.boolean = v.b; break;
    case Val::T::Number: c.type = Cell::Type::Number; c.number = v.n; break;
    case Val::T::String: c.type = Cell::Type::String; c.text = v.s; break;
    case Val::T::Date: c.type = Cell::Type::Date; c.number = v.n; c.text = date_iso(v.n); break;
    case Val::T::Duration:
      c.type = Cell::Type::Duration;
      c.number = v.n;
      c.months = v.months;
      c.text = duration_text(v.months, v.n);
      break;
    case Val::T::Link:
      c.type = Cell::Type::Link;
      c.text = v.s;
      if (v.link) {
        c.display = v.link->display;
        c.has_display = v.link->has_display;
        c.subpath = v.link->subpath;
        c.embed = v.link->embed;
      }
      break;
    case Val::T::List:
      c.type = Cell::Type::List;
      for (const auto& x : v.items()) c.items.push_back(to_cell(x));
      break;
    case Val::T::Object: {
      c.type = Cell::Type::Object;
      Val m = materialize(v);
      for (const auto& kv : m.obj->members) {
        // Lazy views nest (file.tasks -> tasks -> ...); keep the output finite.
        if (kv.second.t == Val::T::Object && kv.second.obj && kv.second.obj->page) {
          Cell ref;
          ref.type = Cell::Type::Link;
          ref.text = kv.second.obj->page->path;
          c.members.emplace_back(kv.first, ref);
          continue;
        }
        c.members.emplace_back(kv.first, to_cell(kv.second));
      }
      break;
    }
    case Val::T::Function: c.type = Cell::Type::Function; break;
  }
  return c;
}

Val from_cell(const Cell& c) {
  switch (c.type) {
    case Cell::Type::Null: return Val::null();
    case Cell::Type::Bool: return Val::boolean(c.boolean);
    case Cell::Type::Number: return Val::number(c.number);
    case Cell::Type::String: return Val::string(c.text);
    case Cell::Type::Date: {
      double ms;
      if (parse_date(c.text, ms)) return Val::date(ms);
      return Val::date(c.number);
    }
    case Cell::Type::Duration: return Val::duration(c.months, c.number);
    case Cell::Type::Link: return Val::make_link(c.text, c.display, c.has_display, c.subpath, c.embed, c.subpath.empty() ? 'f' : 'h');
    case Cell::Type::List: {
      List out;
      for (const auto& x : c.items) out.push_back(from_cell(x));
      return Val::make_list(std::move(out));
    }
    case Cell::Type::Object: {
      std::vector<std::pair<std::string, Val>> m;
      for (const auto& kv : c.members) m.emplace_back(kv.first, from_cell(kv.second));
      return Val::make_object(std::move(m));
    }
    case Cell::Type::Function: return Val::null();
  }
  return Val::null();
}

bool contains_constant_conjunct(const Expr& where, const Env& env, Val::T type, std::string& member, Val& needle) {
  if (detail::plain_evaluation()) return false;
  if (where.k == Expr::K::Binary && op_code(where) == Op::And)
    return contains_constant_conjunct(*where.kids[0], env, type, member, needle) ||
           contains_constant_conjunct(*where.kids[1], env, type, member, needle);
  if (where.k != Expr::K::Call || where.fn != builtin_contains() || where.kids.size() != 2) return false;
  const Expr& field = *where.kids[0];
  // `this` and `row` are not fields; a lambda's parameter is not at the top.
  if (field.k != Expr::K::Ident || field.name == "this" || field.name == "row" || scope_has(env.scope, field.name) ||
      !is_constant(*where.kids[1]))
    return false;
  Val value;
  try {
    value = eval(*where.kids[1], env);
  } catch (...) {
    return false;  // left to the rows, which fail (or not, with none) as ever
  }
  if (value.t != type) return false;  // a later part may have one
  needle = std::move(value);
  member = field.name;
  return true;
}

}  // namespace vaultcrm::query
