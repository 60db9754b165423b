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
          {"warnings", r.warnings}};
}

std::string dump(const json& j) { return vaultcrm::json::write_compact(j); }

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

std::string result_json(const Result& r) { return dump(result_to_json(r)); }

std::string to_json(const Outcome& o) {
  if (o.ok) return dump(json{{"ok", true}, {"value", result_to_json(o.result)}});
  return dump(json{{"ok", false},
                   {"error", {{"code", o.error.code}, {"message", o.error.message}, {"line", o.error.line}, {"column", o.error.column}}}});
}

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
