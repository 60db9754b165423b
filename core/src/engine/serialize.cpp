#include "serialize.h"

#include "../json/writer.h"

#include "vaultcrm/engine.h"

namespace vaultcrm::json {

using nlohmann::json;

namespace {
json str_or_null(std::string_view s) { return s.empty() ? json(nullptr) : json(s); }
json opt(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }
const char* style_name(parse::FieldStyle s) {
  switch (s) {
    case parse::FieldStyle::Line: return "line";
    case parse::FieldStyle::Bracket: return "bracket";
    case parse::FieldStyle::Paren: return "paren";
  }
  return "line";
}
}  // namespace

json to_json(const Value& v) {
  switch (v.type()) {
    case Value::Type::Null: return nullptr;
    case Value::Type::Bool: return v.as_bool();
    case Value::Type::Int: return v.as_int();
    case Value::Type::Double: return v.as_double();
    case Value::Type::String: return v.as_string();
    case Value::Type::Array: {
      json a = json::array();
      for (const auto& item : v.as_array()) a.push_back(to_json(item));
      return a;
    }
    case Value::Type::Object: {
      // ordered_json would keep key order; plain json sorts keys, which keeps
      // golden files stable. Order is preserved in the core's Value.
      json o = json::object();
      for (const auto& [k, val] : v.as_object()) o[k] = to_json(val);
      return o;
    }
  }
  return nullptr;
}

json to_json(const parse::Diagnostic& d) {
  return {{"severity", d.severity == parse::Severity::Error ? "error" : "warning"},
          {"code", d.code},
          {"message", d.message},
          {"line", d.line},
          {"column", d.column}};
}

json note_to_json(const parse::Note& n, const index::Vault* vault) {
  json j;
  j["path"] = n.path;
  j["name"] = n.name;
  j["folder"] = n.folder;
  j["size"] = n.size;
  j["mtime"] = n.mtime;
  j["bom"] = n.bom;
  j["crlf"] = n.crlf;
  j["frontmatter"] = n.has_frontmatter ? to_json(n.frontmatter) : json(nullptr);
  j["frontmatterLines"] = n.has_frontmatter ? json::array({n.frontmatter_first, n.frontmatter_last}) : json(nullptr);
  j["aliases"] = n.aliases;
  j["tags"] = n.tags;

  json sections = json::array();
  for (const auto& s : n.sections)
    sections.push_back({{"heading", s.heading}, {"level", s.level}, {"line", s.line}, {"endLine", s.end_line},
                        {"parent", s.parent}});
  j["sections"] = std::move(sections);

  json links = json::array();
  for (const auto& l : n.links) {
    json resolved = nullptr;
    if (vault)
      if (auto r = vault->resolve(l.target, n.path)) resolved = *r;
    links.push_back({{"target", l.target},
                     {"display", l.has_display ? json(l.display) : json(nullptr)},
                     {"heading", str_or_null(l.heading)},
                     {"block", str_or_null(l.block)},
                     {"embed", l.embed},
                     {"frontmatterKey", str_or_null(l.frontmatter_key)},
                     {"line", l.line},
                     {"column", l.column},
                     {"resolved", resolved}});
  }
  j["links"] = std::move(links);

  json tags = json::array();
  for (const auto& t : n.inline_tags) tags.push_back({{"tag", t.tag}, {"line", t.line}, {"column", t.column}});
  j["inlineTags"] = std::move(tags);

  json lists = json::array();
  for (const auto& li : n.lists)
    lists.push_back({{"line", li.line}, {"text", li.text}, {"parent", li.parent}, {"section", li.section},
                     {"task", li.task}, {"date", str_or_null(li.date)}});
  j["lists"] = std::move(lists);

  json tasks = json::array();
  for (const auto& t : n.tasks)
    tasks.push_back({{"line", t.line},
                     {"status", t.status},
                     {"completed", t.completed},
                     {"text", t.text},
                     {"section", t.section},
                     {"parentList", t.list_item},
                     {"due", str_or_null(t.due)},
                     {"scheduled", str_or_null(t.scheduled)},
                     {"start", str_or_null(t.start)},
                     {"done", str_or_null(t.done)},
                     {"created", str_or_null(t.created)},
                     {"priority", str_or_null(t.priority)},
                     {"tags", t.tags}});
  j["tasks"] = std::move(tasks);

  json tables = json::array();
  for (const auto& t : n.tables) {
    json rows = json::array();
    for (const auto& row : t.rows) {
      json r = json::array();
      for (const auto& c : row) r.push_back({{"text", c.text}, {"links", c.links}});
      rows.push_back(std::move(r));
    }
    tables.push_back({{"line", t.line}, {"endLine", t.end_line}, {"section", t.section}, {"header", t.header},
                      {"rows", std::move(rows)}, {"rowLines", t.row_lines}});
  }
  j["tables"] = std::move(tables);

  json code = json::array();
  for (const auto& c : n.code_blocks)
    code.push_back({{"line", c.line}, {"endLine", c.end_line}, {"lang", c.lang}, {"text", c.text},
                    {"section", c.section}});
  j["codeBlocks"] = std::move(code);

  json fields = json::array();
  for (const auto& f : n.inline_fields)
    fields.push_back({{"key", f.key}, {"value", f.value}, {"line", f.line}, {"column", f.column},
                      {"style", style_name(f.style)}});
  j["inlineFields"] = std::move(fields);

  json errors = json::array();
  for (const auto& e : n.errors) errors.push_back(to_json(e));
  j["errors"] = std::move(errors);
  return j;
}

json summary_to_json(const index::Vault& vault) {
  size_t tasks = 0, open = 0, links = 0;
  json errors = json::array();
  for (const auto& [path, note] : vault.notes()) {
    tasks += note.tasks.size();
    for (const auto& t : note.tasks)
      if (panel::task_is_open(t)) ++open;
    links += note.links.size();
    for (const auto& e : note.errors) {
      json d = to_json(e);
      d["path"] = path;
      errors.push_back(std::move(d));
    }
  }
  json unresolved = json::array();
  for (const auto& u : vault.unresolved())
    unresolved.push_back({{"path", u.source}, {"target", u.target}, {"line", u.line}, {"column", u.column}});
  return {{"schemaVersion", kSchemaVersion},
          {"notes", vault.size()},
          {"tasks", tasks},
          {"openTasks", open},
          {"links", links},
          {"unresolvedLinks", unresolved.size()},
          {"unresolved", std::move(unresolved)},
          {"errors", std::move(errors)}};
}

namespace {
json item_json(const panel::Item& i) { return {{"text", i.text}, {"line", i.line}, {"link", opt(i.link)}}; }
json items_json(const std::vector<panel::Item>& items) {
  json a = json::array();
  for (const auto& i : items) a.push_back(item_json(i));
  return a;
}
json contact_json(const panel::Contact& c) {
  json last = nullptr;
  if (c.last_meeting)
    last = {{"name", c.last_meeting->name},
            {"path", str_or_null(c.last_meeting->path)},
            {"date", str_or_null(c.last_meeting->date)}};
  return {{"name", c.name},         {"entity", c.entity},         {"link", opt(c.link)},
          {"count", c.count},       {"lines", c.lines},           {"roles", c.roles},
          {"companies", c.companies}, {"surfaceForms", c.surface_forms}, {"otherAccounts", c.other_accounts},
          {"lastMeeting", last}};
}
json neighbours_json(const std::vector<panel::Neighbour>& list) {
  json a = json::array();
  for (const auto& n : list) a.push_back({{"name", n.name}, {"link", opt(n.link)}, {"count", n.count}});
  return a;
}
}  // namespace

json panel_to_json(const panel::AccountPanel& p) {
  json j;
  j["path"] = p.path;
  j["title"] = p.title;
  j["type"] = str_or_null(p.type);
  j["accountStatus"] = str_or_null(p.status_value);
  j["industry"] = str_or_null(p.industry);
  j["lastContact"] = str_or_null(p.last_contact);
  j["frontmatter"] = p.frontmatter ? to_json(*p.frontmatter) : json(nullptr);
  json status = json::array();
  for (const auto& s : p.status) status.push_back({{"field", s.field}, {"value", s.value}, {"line", s.line}});
  j["status"] = std::move(status);
  json contacts = json::array();
  for (const auto& c : p.contacts) contacts.push_back(contact_json(c));
  j["contacts"] = std::move(contacts);
  json collaborators = json::array();
  for (const auto& c : p.collaborators)
    collaborators.push_back({{"name", c.name}, {"role", c.role}, {"company", c.company}, {"link", opt(c.link)},
                             {"line", c.line}});
  j["collaborators"] = std::move(collaborators);
  json recent = json::array();
  for (const auto& t : p.recent_context) {
    json links = json::array();
    for (const auto& l : t.links) links.push_back({{"target", l.target}, {"resolved", opt(l.resolved)}});
    recent.push_back({{"date", str_or_null(t.date)}, {"text", t.text}, {"line", t.line}, {"links", links}});
  }
  j["recentContext"] = std::move(recent);
  json timeline = json::array();
  for (const auto& e : p.timeline)
    timeline.push_back({{"kind", e.kind}, {"date", str_or_null(e.date)}, {"text", e.text}, {"path", e.path},
                        {"line", e.line}, {"count", e.count}, {"lines", e.lines}, {"meeting", opt(e.meeting)}});
  j["timeline"] = std::move(timeline);
  json tasks = json::array();
  for (const auto& t : p.open_tasks)
    tasks.push_back({{"path", t.path}, {"line", t.line}, {"text", t.text}, {"status", t.status},
                     {"due", str_or_null(t.due)}, {"priority", str_or_null(t.priority)}});
  j["openTasks"] = std::move(tasks);
  j["keyFacts"] = items_json(p.key_facts);
  j["opportunities"] = items_json(p.opportunities);
  j["blockers"] = items_json(p.blockers);
  j["decisions"] = items_json(p.decisions);
  j["relatedProjects"] = items_json(p.related_projects);
  json shared = json::array();
  for (const auto& c : p.shared_people) shared.push_back(contact_json(c));
  j["neighbourhood"] = {{"companies", neighbours_json(p.companies)},
                        {"projects", neighbours_json(p.projects)},
                        {"sharedPeople", std::move(shared)}};
  json errors = json::array();
  if (p.errors)
    for (const auto& e : *p.errors) errors.push_back(to_json(e));
  j["errors"] = std::move(errors);
  return j;
}

namespace {

// The panel written straight to JSON. Keys in byte order within each object
// (see Writer); the same shapes as panel_to_json above, which the tests hold
// this to.
void write_opt(Writer& w, const std::optional<std::string>& s) {
  if (s) w.value(*s);
  else w.null();
}

void write_diagnostic(Writer& w, const parse::Diagnostic& d) {
  w.begin_object();
  w.key("code"); w.value(d.code);
  w.key("column"); w.value(d.column);
  w.key("line"); w.value(d.line);
  w.key("message"); w.value(d.message);
  w.key("severity"); w.value(d.severity == parse::Severity::Error ? "error" : "warning");
  w.end_object();
}

void write_items(Writer& w, const std::vector<panel::Item>& items) {
  w.begin_array();
  for (const auto& i : items) {
    w.begin_object();
    w.key("line"); w.value(i.line);
    w.key("link"); write_opt(w, i.link);
    w.key("text"); w.value(i.text);
    w.end_object();
  }
  w.end_array();
}

void write_contact(Writer& w, const panel::Contact& c) {
  w.begin_object();
  w.key("companies"); w.array_of(c.companies);
  w.key("count"); w.value(c.count);
  w.key("entity"); w.value(c.entity);
  w.key("lastMeeting");
  if (c.last_meeting) {
    w.begin_object();
    w.key("date"); w.string_or_null(c.last_meeting->date);
    w.key("name"); w.value(c.last_meeting->name);
    w.key("path"); w.string_or_null(c.last_meeting->path);
    w.end_object();
  } else {
    w.null();
  }
  w.key("lines"); w.array_of(c.lines);
  w.key("link"); write_opt(w, c.link);
  w.key("name"); w.value(c.name);
  w.key("otherAccounts"); w.array_of(c.other_accounts);
  w.key("roles"); w.array_of(c.roles);
  w.key("surfaceForms"); w.array_of(c.surface_forms);
  w.end_object();
}

void write_neighbours(Writer& w, const std::vector<panel::Neighbour>& list) {
  w.begin_array();
  for (const auto& n : list) {
    w.begin_object();
    w.key("count"); w.value(n.count);
    w.key("link"); write_opt(w, n.link);
    w.key("name"); w.value(n.name);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

std::string panel_ok(const panel::AccountPanel& p) {
  std::string out;
  out.reserve(16384);
  out += "{\"ok\":true,\"value\":";
  Writer w(out);
  w.begin_object();
  w.key("accountStatus"); w.string_or_null(p.status_value);
  w.key("blockers"); write_items(w, p.blockers);
  w.key("collaborators");
  w.begin_array();
  for (const auto& c : p.collaborators) {
    w.begin_object();
    w.key("company"); w.value(c.company);
    w.key("line"); w.value(c.line);
    w.key("link"); write_opt(w, c.link);
    w.key("name"); w.value(c.name);
    w.key("role"); w.value(c.role);
    w.end_object();
  }
  w.end_array();
  w.key("contacts");
  w.begin_array();
  for (const auto& c : p.contacts) write_contact(w, c);
  w.end_array();
  w.key("decisions"); write_items(w, p.decisions);
  w.key("errors");
  w.begin_array();
  if (p.errors)
    for (const auto& e : *p.errors) write_diagnostic(w, e);
  w.end_array();
  w.key("frontmatter");
  if (p.frontmatter) w.value(*p.frontmatter);
  else w.null();
  w.key("industry"); w.string_or_null(p.industry);
  w.key("keyFacts"); write_items(w, p.key_facts);
  w.key("lastContact"); w.string_or_null(p.last_contact);
  w.key("neighbourhood");
  w.begin_object();
  w.key("companies"); write_neighbours(w, p.companies);
  w.key("projects"); write_neighbours(w, p.projects);
  w.key("sharedPeople");
  w.begin_array();
  for (const auto& c : p.shared_people) write_contact(w, c);
  w.end_array();
  w.end_object();
  w.key("openTasks");
  w.begin_array();
  for (const auto& t : p.open_tasks) {
    w.begin_object();
    w.key("due"); w.string_or_null(t.due);
    w.key("line"); w.value(t.line);
    w.key("path"); w.value(t.path);
    w.key("priority"); w.string_or_null(t.priority);
    w.key("status"); w.value(t.status);
    w.key("text"); w.value(t.text);
    w.end_object();
  }
  w.end_array();
  w.key("opportunities"); write_items(w, p.opportunities);
  w.key("path"); w.value(p.path);
  w.key("recentContext");
  w.begin_array();
  for (const auto& t : p.recent_context) {
    w.begin_object();
    w.key("date"); w.string_or_null(t.date);
    w.key("line"); w.value(t.line);
    w.key("links");
    w.begin_array();
    for (const auto& l : t.links) {
      w.begin_object();
      w.key("resolved"); write_opt(w, l.resolved);
      w.key("target"); w.value(l.target);
      w.end_object();
    }
    w.end_array();
    w.key("text"); w.value(t.text);
    w.end_object();
  }
  w.end_array();
  w.key("relatedProjects"); write_items(w, p.related_projects);
  w.key("status");
  w.begin_array();
  for (const auto& s : p.status) {
    w.begin_object();
    w.key("field"); w.value(s.field);
    w.key("line"); w.value(s.line);
    w.key("value"); w.value(s.value);
    w.end_object();
  }
  w.end_array();
  w.key("timeline");
  w.begin_array();
  for (const auto& e : p.timeline) {
    w.begin_object();
    w.key("count"); w.value(e.count);
    w.key("date"); w.string_or_null(e.date);
    w.key("kind"); w.value(e.kind);
    w.key("line"); w.value(e.line);
    w.key("lines"); w.array_of(e.lines);
    w.key("meeting"); write_opt(w, e.meeting);
    w.key("path"); w.value(e.path);
    w.key("text"); w.value(e.text);
    w.end_object();
  }
  w.end_array();
  w.key("title"); w.value(p.title);
  w.key("type"); w.string_or_null(p.type);
  w.end_object();
  out += '}';
  return out;
}

std::string dump(const json& j, int indent) {
  if (indent >= 0) return j.dump(indent, ' ', false, json::error_handler_t::replace);
  return write_compact(j);
}

// Concatenated rather than wrapped in a new json object: wrapping deep-copies
// the whole value (about a third of a panel refresh's time, per callgrind).
std::string ok(const json& value) { return "{\"ok\":true,\"value\":" + dump(value) + "}"; }

std::string error(std::string_view code, std::string_view message) {
  return dump(json{{"ok", false}, {"error", {{"code", std::string(code)}, {"message", std::string(message)}}}});
}

}  // namespace vaultcrm::json
