// Query results as JSON (the only nlohmann-json user in core/src/query) and
// as aligned text for the CLI. Shapes: docs/json-api.md "QueryResult",
// mirrored in wasm/js/types-query.ts.
#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

#include "json/writer.h"
#include "query/value.h"
#include "vaultcrm/engine.h"
#include "vaultcrm/query.h"

namespace vaultcrm::query {

namespace {

using nlohmann::json;

json number_json(double n) {
  if (std::isfinite(n) && n == std::floor(n) && std::fabs(n) < 9e15) return json(static_cast<int64_t>(n));
  if (!std::isfinite(n)) return json(nullptr);
  return json(n);
}

json opt_string(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json cell_json(const Cell& c) {
  switch (c.type) {
    case Cell::Type::Null: return nullptr;
    case Cell::Type::Bool: return c.boolean;
    case Cell::Type::Number: return number_json(c.number);
    case Cell::Type::String: return c.text;
    case Cell::Type::Date: return {{"type", "date"}, {"value", c.text}};
    case Cell::Type::Duration:
      return {{"type", "duration"}, {"value", c.text}, {"months", c.months}, {"ms", number_json(c.number)}};
    case Cell::Type::Link:
      return {{"type", "link"},
              {"path", c.text},
              {"display", c.has_display ? json(c.display) : json(nullptr)},
              {"subpath", opt_string(c.subpath)},
              {"embed", c.embed}};
    case Cell::Type::List: {
      json a = json::array();
      for (const auto& x : c.items) a.push_back(cell_json(x));
      return a;
    }
    case Cell::Type::Object: {
      json o = json::object();
      for (const auto& kv : c.members) o[kv.first] = cell_json(kv.second);
      return {{"type", "object"}, {"value", o}};
    }
    case Cell::Type::Function: return {{"type", "function"}};
  }
  return nullptr;
}

json task_json(const TaskRow& t) {
  json tags = json::array();
  for (const auto& g : t.tags) tags.push_back(g);
  return {{"path", t.path},
          {"line", t.line},
          {"status", t.status},
          {"completed", t.completed},
          {"text", t.text},
          {"description", t.description},
          {"section", opt_string(t.section)},
          {"due", opt_string(t.due)},
          {"scheduled", opt_string(t.scheduled)},
          {"start", opt_string(t.start)},
          {"done", opt_string(t.done)},
          {"created", opt_string(t.created)},
          {"priority", opt_string(t.priority)},
          {"tags", tags},
          {"urgency", t.urgency}};
}

json result_to_json(const Result& r) {
  json rows = json::array();
  for (const auto& row : r.rows) {
    json a = json::array();
    for (const auto& c : row) a.push_back(cell_json(c));
    rows.push_back(std::move(a));
  }
  json tasks = json::array();
  for (const auto& t : r.tasks) tasks.push_back(task_json(t));
  json groups = nullptr;
  if (r.grouped) {
    groups = json::array();
    for (const auto& g : r.groups) {
      json keys = json::array();
      for (const auto& k : g.keys) keys.push_back(cell_json(k));
      json gt = json::array();
      for (const auto& t : g.tasks) gt.push_back(task_json(t));
      groups.push_back({{"keys", keys}, {"tasks", gt}});
    }
  }
  return {{"schemaVersion", kSchemaVersion},
          {"language", r.language},
          {"type", r.type},
          {"columns", r.columns},
          {"idColumn", r.id_column},
          {"rows", rows},
          {"tasks", tasks},
          {"grouped", r.grouped},
          {"groups", groups},
          {"hidden", r.hidden},
          {"shown", r.shown},
          {"explain", r.explain.empty() ? json(nullptr) : json(r.explain)},
          {"warnings", r.warnings},
          {"total", r.total},
          {"offset", r.offset}};
}

// ---- JSON, written straight to the string ------------------------------------
// The same bytes the nlohmann tree above gave through write_compact (keys in
// byte order per object, a repeated object key keeping its last value,
// numbers formatted alike); the query spec test checks every answer is in
// that canonical form. A 10k-vault LIST answer spent two thirds of its time
// building and walking the tree.
using vaultcrm::json::Writer;

void write_number(Writer& w, double n) {
  if (std::isfinite(n) && n == std::floor(n) && std::fabs(n) < 9e15) w.value(static_cast<int64_t>(n));
  else if (!std::isfinite(n)) w.null();
  else w.value(n);
}

// `out`, when given, is the string `w` writes to: an object opened through
// `w` may have its members appended to it directly.
void write_cell(Writer& w, const Cell& c, std::string* out = nullptr) {
  switch (c.type) {
    case Cell::Type::Null: w.null(); return;
    case Cell::Type::Bool: w.value(c.boolean); return;
    case Cell::Type::Number: write_number(w, c.number); return;
    case Cell::Type::String: w.value(c.text); return;
    case Cell::Type::Date:
      w.begin_object();
      w.key("type"); w.value("date");
      w.key("value"); w.value(c.text);
      w.end_object();
      return;
    case Cell::Type::Duration:
      w.begin_object();
      w.key("months"); w.value(static_cast<int64_t>(c.months));
      w.key("ms"); write_number(w, c.number);
      w.key("type"); w.value("duration");
      w.key("value"); w.value(c.text);
      w.end_object();
      return;
    case Cell::Type::Link:
      if (out && !c.has_display && c.subpath.empty()) {
        // The common link (a page): its constant keys appended at once, the
        // same bytes as the general case below.
        w.begin_object();
        out->append(c.embed ? "\"display\":null,\"embed\":true,\"path\":" : "\"display\":null,\"embed\":false,\"path\":");
        vaultcrm::json::append_string(*out, c.text);
        out->append(",\"subpath\":null,\"type\":\"link\"");
        w.end_object();
        return;
      }
      w.begin_object();
      w.key("display");
      if (c.has_display) w.value(c.display);
      else w.null();
      w.key("embed"); w.value(c.embed);
      w.key("path"); w.value(c.text);
      w.key("subpath"); w.string_or_null(c.subpath);
      w.key("type"); w.value("link");
      w.end_object();
      return;
    case Cell::Type::List:
      w.begin_array();
      for (const auto& x : c.items) write_cell(w, x, out);
      w.end_array();
      return;
    case Cell::Type::Object: {
      std::vector<const std::pair<std::string, Cell>*> order;
      order.reserve(c.members.size());
      for (const auto& m : c.members) order.push_back(&m);
      std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
      w.begin_object();
      w.key("type"); w.value("object");
      w.key("value");
      w.begin_object();
      for (size_t i = 0; i < order.size(); ++i) {
        if (i + 1 < order.size() && order[i + 1]->first == order[i]->first) continue;  // the last one wins
        w.key_escaped(order[i]->first);
        write_cell(w, order[i]->second, out);
      }
      w.end_object();
      w.end_object();
      return;
    }
    case Cell::Type::Function:
      w.begin_object();
      w.key("type"); w.value("function");
      w.end_object();
      return;
  }
  w.null();
}

void write_task(Writer& w, const TaskRow& t) {
  w.begin_object();
  w.key("completed"); w.value(t.completed);
  w.key("created"); w.string_or_null(t.created);
  w.key("description"); w.value(t.description);
  w.key("done"); w.string_or_null(t.done);
  w.key("due"); w.string_or_null(t.due);
  w.key("line"); w.value(t.line);
  w.key("path"); w.value(t.path);
  w.key("priority"); w.string_or_null(t.priority);
  w.key("scheduled"); w.string_or_null(t.scheduled);
  w.key("section"); w.string_or_null(t.section);
  w.key("start"); w.string_or_null(t.start);
  w.key("status"); w.value(t.status);
  w.key("tags"); w.array_of(t.tags);
  w.key("text"); w.value(t.text);
  w.key("urgency"); w.value(t.urgency);
  w.end_object();
}

void write_result(Writer& w, const Result& r, std::string* out = nullptr) {
  w.begin_object();
  w.key("columns"); w.array_of(r.columns);
  w.key("explain"); w.string_or_null(r.explain);
  w.key("grouped"); w.value(r.grouped);
  w.key("groups");
  if (r.grouped) {
    w.begin_array();
    for (const auto& g : r.groups) {
      w.begin_object();
      w.key("keys");
      w.begin_array();
      for (const auto& k : g.keys) write_cell(w, k);
      w.end_array();
      w.key("tasks");
      w.begin_array();
      for (const auto& t : g.tasks) write_task(w, t);
      w.end_array();
      w.end_object();
    }
    w.end_array();
  } else {
    w.null();
  }
  w.key("hidden"); w.array_of(r.hidden);
  w.key("idColumn"); w.value(r.id_column);
  w.key("language"); w.value(r.language);
  w.key("offset"); w.value(r.offset);
  w.key("rows");
  w.begin_array();
  for (const auto& row : r.rows) {
    w.begin_array();
    for (const auto& c : row) write_cell(w, c, out);
    w.end_array();
  }
  w.end_array();
  w.key("schemaVersion"); w.value(kSchemaVersion);
  w.key("shown"); w.array_of(r.shown);
  w.key("tasks");
  w.begin_array();
  for (const auto& t : r.tasks) write_task(w, t);
  w.end_array();
  w.key("total"); w.value(r.total);
  w.key("type"); w.value(r.type);
  w.key("warnings"); w.array_of(r.warnings);
  w.end_object();
}

// ---- text ----------------------------------------------------------------------
std::string cell_text(const Cell& c, bool nested = false) {
  switch (c.type) {
    case Cell::Type::Null: return nested ? "null" : "-";
    case Cell::Type::Bool: return c.boolean ? "true" : "false";
    case Cell::Type::Number: {
      json j = number_json(c.number);
      return j.dump();
    }
    case Cell::Type::String: return c.text;
    case Cell::Type::Date:
    case Cell::Type::Duration: return c.text;
    case Cell::Type::Link: {
      if (c.has_display) return c.display;
      std::string p = c.text;
      size_t s = p.rfind('/');
      if (s != std::string::npos) p = p.substr(s + 1);
      if (p.size() > 3 && p.compare(p.size() - 3, 3, ".md") == 0) p.resize(p.size() - 3);
      if (!c.subpath.empty()) p += " > " + c.subpath;
      return p;
    }
    case Cell::Type::List: {
      std::string out;
      for (size_t i = 0; i < c.items.size(); ++i) out += (i ? ", " : "") + cell_text(c.items[i], true);
      return out;
    }
    case Cell::Type::Object: {
      std::string out = "{ ";
      for (size_t i = 0; i < c.members.size(); ++i)
        out += (i ? ", " : "") + c.members[i].first + ": " + cell_text(c.members[i].second, true);
      return out + " }";
    }
    case Cell::Type::Function: return "<function>";
  }
  return "";
}

std::string one_line(std::string s) {
  for (auto& ch : s)
    if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
  return s;
}

std::string task_line(const TaskRow& t) {
  return "- [" + t.status + "] " + one_line(t.text) + "  (" + t.path + ":" + std::to_string(t.line) + ")\n";
}

}  // namespace

// Room for the answer up front (a link cell is ~80 bytes, a task ~300), so
// that a 5,000-row answer is not copied again each time the string grows.
size_t size_hint(const Result& r) {
  size_t n = 512 + 300 * r.tasks.size();
  for (const auto& row : r.rows) n += 8 + 80 * row.size();
  return n;
}

std::string result_json(const Result& r) {
  std::string out;
  out.reserve(size_hint(r));
  Writer w(out);
  write_result(w, r, &out);
  return out;
}

std::string to_json(const Outcome& o) {
  std::string out;
  if (o.ok) out.reserve(size_hint(o.result) + 32);
  Writer w(out);
  w.begin_object();
  if (o.ok) {
    w.key("ok"); w.value(true);
    w.key("value"); write_result(w, o.result, &out);
  } else {
    w.key("error");
    w.begin_object();
    w.key("code"); w.value(o.error.code);
    w.key("column"); w.value(o.error.column);
    w.key("line"); w.value(o.error.line);
    w.key("message"); w.value(o.error.message);
    w.end_object();
    w.key("ok"); w.value(false);
  }
  w.end_object();
  return out;
}

namespace detail {
// The tree route, kept as the reference the tests compare with.
std::string to_json_via_tree(const Outcome& o) {
  if (o.ok) return vaultcrm::json::write_compact(json{{"ok", true}, {"value", result_to_json(o.result)}});
  return vaultcrm::json::write_compact(
      json{{"ok", false},
           {"error", {{"code", o.error.code}, {"message", o.error.message}, {"line", o.error.line}, {"column", o.error.column}}}});
}
}  // namespace detail

std::string render_text(const Outcome& o) {
  if (!o.ok) return std::to_string(o.error.line) + ":" + std::to_string(o.error.column) + ": " + o.error.message + "\n";
  const Result& r = o.result;
  std::ostringstream out;
  if (!r.explain.empty()) out << r.explain << "\n\n";
  if (r.type == "task") {
    if (r.grouped) {
      for (const auto& g : r.groups) {
        std::string head;
        for (size_t i = 0; i < g.keys.size(); ++i) head += (i ? " > " : "") + cell_text(g.keys[i]);
        out << "## " << one_line(head) << "\n";
        for (const auto& t : g.tasks) out << task_line(t);
        out << "\n";
      }
    } else {
      for (const auto& t : r.tasks) out << task_line(t);
    }
    out << r.tasks.size() << (r.tasks.size() == 1 ? " task\n" : " tasks\n");
    return out.str();
  }
  std::vector<std::vector<std::string>> cells;
  cells.push_back(r.columns);
  for (const auto& row : r.rows) {
    std::vector<std::string> line;
    for (const auto& c : row) line.push_back(one_line(cell_text(c)));
    cells.push_back(std::move(line));
  }
  std::vector<size_t> width(r.columns.size(), 0);
  for (const auto& line : cells)
    for (size_t i = 0; i < line.size() && i < width.size(); ++i) width[i] = std::max(width[i], utf8_length(line[i]));
  auto emit = [&](const std::vector<std::string>& line) {
    std::string s;
    for (size_t i = 0; i < line.size() && i < width.size(); ++i) {
      s += line[i];
      if (i + 1 < line.size()) s += std::string(width[i] - utf8_length(line[i]) + 2, ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out << s << "\n";
  };
  emit(cells[0]);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(std::max<size_t>(w, 1), '-'));
  emit(rule);
  for (size_t i = 1; i < cells.size(); ++i) emit(cells[i]);
  out << r.rows.size() << (r.rows.size() == 1 ? " row\n" : " rows\n");
  return out.str();
}

}  // namespace vaultcrm::query
