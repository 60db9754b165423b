#include "vaultcrm/panel.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "../graph/note_view.h"
#include "../parse/text.h"

namespace vaultcrm::panel {
namespace {

using graph::Rel;
using graph::detail::in_sections;
using graph::detail::sections_named;
using parse::detail::trim;

void add_unique(std::vector<std::string>& list, std::string_view value) {
  if (trim(value).empty()) return;
  if (std::find(list.begin(), list.end(), value) == list.end()) list.emplace_back(value);
}

// Drops the repeats of `list`, keeping each value's first place. A person
// hundreds of accounts list names hundreds of them: add_unique() per name
// compared each with all before it, quadratic in the vault's size.
void drop_repeats(std::vector<std::string>& list) {
  if (list.size() < 2) return;
  std::vector<uint32_t> order(list.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return list[a] < list[b]; });
  std::vector<bool> repeat(list.size(), false);
  for (size_t i = 1; i < order.size(); ++i)
    if (list[order[i]] == list[order[i - 1]]) repeat[order[i]] = true;
  size_t kept = 0;
  for (size_t i = 0; i < list.size(); ++i)
    if (!repeat[i]) {
      if (kept != i) list[kept] = std::move(list[i]);
      ++kept;
    }
  list.resize(kept);
}

std::optional<std::string> note_of(std::string_view id) {
  if (id.rfind("note:", 0) == 0) return std::string(id.substr(5));
  return std::nullopt;
}

// The graph's ids are interned (one stored copy of each): two views of ids
// are the same id when they view the same characters, no comparison needed.
bool same_id(std::string_view a, std::string_view b) { return a.data() == b.data() && a.size() == b.size(); }

// An entity id's note path, as a view ("" when the entity has no note).
std::string_view note_path_of(std::string_view id) {
  return id.rfind("note:", 0) == 0 ? id.substr(5) : std::string_view();
}

// Writes down what build() reads, when its caller asked (Dependencies).
class Reads {
 public:
  Reads(Dependencies* out, const index::Vault& vault, const graph::Graph& graph)
      : out_(out), vault_(vault), graph_(graph) {}
  void note(std::string_view path) {
    if (out_) out_->notes.push_back(hash_bytes(path));
  }
  void relations_of(std::string_view entity_id) {
    if (out_) out_->entities.push_back(hash_bytes(entity_id));
  }
  // Graph::entity_name(): a note's title, else the first name the
  // entity's relations give it.
  void name_of(std::string_view entity_id) {
    if (!out_) return;
    if (std::string_view path = note_path_of(entity_id); !path.empty()) note(path);
    else out_->names.emplace_back(hash_bytes(entity_id), hash_bytes(graph_.entity_name(vault_, entity_id)));
  }
  void finish() {
    if (!out_) return;
    for (auto* list : {&out_->notes, &out_->entities}) {
      std::sort(list->begin(), list->end());
      list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    std::sort(out_->names.begin(), out_->names.end());
    out_->names.erase(std::unique(out_->names.begin(), out_->names.end()), out_->names.end());
  }

 private:
  Dependencies* out_;
  const index::Vault& vault_;
  const graph::Graph& graph_;
};

// `ids`, when given, receives each contact's entity id as the graph's view
// of it (same order as the contacts), for same_id().
Roster roster_of(const index::Vault& vault, const graph::Graph& graph, const parse::Note& note,
                 std::vector<std::string_view>* ids = nullptr) {
  const schema::Schema& s = graph.schema();
  Roster out;
  // A table under a status heading is the status table, even where the
  // schema names the same heading for collaborators.
  auto status_sections = sections_named(note, s.status_headings);
  auto collab_sections = sections_named(note, s.collaborator_headings);
  for (const auto& table : note.tables) {
    if (in_sections(table.section, status_sections) || !in_sections(table.section, collab_sections)) continue;
    int person = graph::detail::column_index(table.header, s.person_columns);
    int role = graph::detail::column_index(table.header, s.role_columns);
    int company = graph::detail::column_index(table.header, s.company_columns);
    if (person < 0) person = 0;
    for (size_t r = 0; r < table.rows.size(); ++r) {
      const auto& row = table.rows[r];
      if (person >= static_cast<int>(row.size()) || row[person].text.empty()) continue;
      Collaborator c;
      c.name = row[person].text;
      if (role >= 0 && role < static_cast<int>(row.size())) c.role = row[role].text;
      if (company >= 0 && company < static_cast<int>(row.size())) c.company = row[company].text;
      if (!row[person].links.empty()) c.link = vault.resolve(row[person].links.front(), note.path, true);
      c.line = table.row_lines[r];
      out.collaborators.push_back(std::move(c));
    }
  }

  // Contacts: this note's contact_of relations, one row per entity.
  const std::string self = "note:" + note.path;
  std::unordered_map<std::string_view, size_t> contact_at;
  for (const auto& r : graph.relations_in(note.path)) {
    if (r.rel != Rel::ContactOf || r.to != self) continue;
    auto [pos, inserted] = contact_at.emplace(r.from, out.contacts.size());
    if (inserted) {
      Contact c;
      c.name = std::string(r.from_name);
      c.entity = r.from;
      c.link = note_of(r.from);
      out.contacts.push_back(std::move(c));
      if (ids) ids->push_back(r.from);
    }
    Contact& c = out.contacts[pos->second];
    c.count++;
    c.lines.push_back(r.line);
  }
  return out;
}

}  // namespace

bool task_is_open(const parse::Task& task) {
  return task.status != "x" && task.status != "X" && task.status != "-";
}

bool Dependencies::changed(const index::Vault& vault, const graph::Graph& graph) const {
  auto relevant = [&](std::string_view id) {
    const uint64_t h = hash_bytes(id);
    if (std::binary_search(entities.begin(), entities.end(), h)) return true;
    auto named = std::lower_bound(names.begin(), names.end(), std::make_pair(h, uint64_t{0}));
    return named != names.end() && named->first == h && hash_bytes(graph.entity_name(vault, id)) != named->second;
  };
  if (graph.may_have_changed(graph_stamp, relevant)) return true;
  std::vector<index::Vault::Change> log;
  if (!vault.changes_since(vault_generation, log)) return true;
  for (const auto& c : log) {
    // A note that came or went may be what a link the panel resolved names now.
    if (c.kind != index::Vault::Change::Kind::Edited) return true;
    if (std::binary_search(notes.begin(), notes.end(), hash_bytes(c.path))) return true;
  }
  return false;
}

std::optional<AccountPanel> build(const index::Vault& vault, const graph::Graph& graph, std::string_view path,
                                  Dependencies* read) {
  const parse::Note* note = vault.find(path);
  if (!note) return std::nullopt;
  if (read) *read = Dependencies{vault.generation(), graph.stamp(), {}, {}, {}};
  Reads reads(read, vault, graph);
  reads.note(note->path);
  const schema::Schema& s = graph.schema();
  AccountPanel p;
  p.path = note->path;
  p.title = note->name;
  p.frontmatter = &note->frontmatter;
  p.errors = &note->errors;
  const Value& fm = note->frontmatter;
  if (const Value* t = fm.find("title"); t && t->is_string()) p.title = t->as_string();
  if (const Value* t = graph::detail::find_key(fm, s.type_keys)) p.type = graph::detail::scalar_text(*t);
  if (const Value* v = graph::detail::find_key(fm, s.status_keys)) p.status_value = graph::detail::scalar_text(*v);
  if (const Value* v = graph::detail::find_key(fm, s.industry_keys)) p.industry = graph::detail::scalar_text(*v);
  if (const Value* v = graph::detail::find_key(fm, s.last_contact_keys))
    p.last_contact = graph::detail::scalar_text(*v);

  graph::detail::LinksByLine links(*note);
  auto first_link = [&](int line) -> std::optional<std::string> {
    auto on_line = links.on(line);
    if (on_line.empty()) return std::nullopt;
    return vault.resolve(on_line.front()->target, note->path, true);
  };

  // Status table as written; the people come from the roster.
  auto status_sections = sections_named(*note, s.status_headings);
  for (const auto& table : note->tables) {
    if (!in_sections(table.section, status_sections)) continue;
    for (size_t r = 0; r < table.rows.size(); ++r) {
      const auto& row = table.rows[r];
      if (row.size() < 2) continue;
      p.status.push_back({std::string(row[0].text), std::string(row[1].text), table.row_lines[r]});
      if (schema::matches(s.status_keys, row[0].text) && p.status_value.empty()) p.status_value = row[1].text;
      if (schema::matches(s.industry_keys, row[0].text) && p.industry.empty()) p.industry = row[1].text;
      if (schema::matches(s.last_contact_keys, row[0].text) && p.last_contact.empty())
        p.last_contact = row[1].text;
    }
  }
  std::vector<std::string_view> contact_ids;
  Roster people = roster_of(vault, graph, *note, &contact_ids);
  p.contacts = std::move(people.contacts);
  p.collaborators = std::move(people.collaborators);
  const std::string self = "note:" + note->path;
  std::map<std::string, Neighbour> companies;
  // The note of each company that has one, by the name it shows: a title
  // ("Globex Inc") is no name a link resolves.
  std::map<std::string, std::string> company_notes;
  // Companies and other accounts are named once per entity: a person listed
  // twice by the same account (list and table) names it twice, and a person
  // many accounts list (shared people grow with the vault) would look up
  // each account's name as often.
  std::vector<const char*> named_companies;
  auto first_naming = [](std::vector<const char*>& named, std::string_view id) {
    if (std::find(named.begin(), named.end(), id.data()) != named.end()) return false;
    named.push_back(id.data());
    return true;
  };
  // Other accounts can be hundreds (a first name many accounts list): a set.
  std::unordered_set<const char*> named_accounts;
  for (size_t i = 0; i < p.contacts.size(); ++i) {
    Contact& c = p.contacts[i];
    const std::string_view id = contact_ids[i];
    std::string last_date;
    named_companies.clear();
    named_accounts.clear();
    reads.relations_of(id);
    graph.visit_relations(id, [&](const graph::Relation& r) {
      const bool from_it = same_id(r.from, id);
      if (from_it) add_unique(c.surface_forms, r.from_name);
      if (same_id(r.to, id)) add_unique(c.surface_forms, r.to_name);
      if (!from_it) return false;
      if (r.rel == Rel::WorksAt) {
        add_unique(c.roles, r.role);
        if (!r.to.empty() && first_naming(named_companies, r.to)) {
          reads.name_of(r.to);
          std::string name = graph.entity_name(vault, r.to);
          if (auto company_note = note_of(r.to)) company_notes.emplace(name, std::move(*company_note));
          add_unique(c.companies, name);
        }
      } else if (r.rel == Rel::ContactOf) {
        add_unique(c.roles, r.role);
        if (r.to != self && named_accounts.insert(r.to.data()).second) {
          reads.name_of(r.to);
          std::string name = graph.entity_name(vault, r.to);
          if (!trim(name).empty()) c.other_accounts.push_back(std::move(name));
        }
      } else if (r.rel == Rel::Attended) {
        std::string_view meeting_path = note_path_of(r.to);
        reads.name_of(r.to);  // its name, and its note's date
        std::string date = meeting_path.empty() ? std::string() : graph.meeting_date(vault, meeting_path);
        if (!c.last_meeting || date > last_date) {
          c.last_meeting = MeetingRef{graph.entity_name(vault, r.to), std::string(meeting_path), date};
          last_date = std::move(date);
        }
      }
      return false;  // every relation
    });
    for (const auto& company : c.companies) {
      auto& n = companies[company];
      n.name = company;
      n.count++;
    }
    drop_repeats(c.other_accounts);  // two accounts of one name are named once
    if (!c.other_accounts.empty()) p.shared_people.push_back(c);
  }
  for (auto& [name, n] : companies) {
    if (auto at = company_notes.find(name); at != company_notes.end()) n.link = at->second;
    else if (auto r = vault.resolve(name, note->path, true)) n.link = r;
    p.companies.push_back(n);
  }
  std::sort(p.companies.begin(), p.companies.end(),
            [](const Neighbour& a, const Neighbour& b) { return a.count != b.count ? a.count > b.count : a.name < b.name; });

  // Recent Context as written, and the merged timeline.
  auto timeline_sections = sections_named(*note, s.timeline_headings);
  std::unordered_map<std::string, size_t> repeat_at;
  std::unordered_set<std::string> meetings_in_timeline;
  for (const auto& item : note->lists) {
    if (item.parent != -1 || item.task || !in_sections(item.section, timeline_sections)) continue;
    TimelineItem t;
    t.date = item.date;
    t.text = item.text;
    t.line = item.line;
    std::optional<std::string> meeting;
    for (const parse::Link* l : links.on(item.line)) {
      auto resolved = vault.resolve(l->target, note->path, true);
      t.links.push_back({std::string(l->target), resolved});
      if (resolved && !meeting) {
        reads.note(*resolved);  // its kind
        if (graph.kind_of(*resolved) == graph::Kind::Meeting) meeting = resolved;
      }
    }
    if (meeting) meetings_in_timeline.insert(*meeting);
    // Memoised: the same lines are folded again at every refresh of the panel.
    const std::string& key = graph.folded(item.text);
    auto [pos, inserted] = repeat_at.emplace(key, p.timeline.size());
    if (inserted) {
      TimelineEntry e;
      e.kind = "context";
      e.date = item.date;
      e.text = item.text;
      e.path = note->path;
      e.line = item.line;
      e.lines.push_back(item.line);
      e.meeting = meeting;
      p.timeline.push_back(std::move(e));
    } else {
      auto& e = p.timeline[pos->second];
      e.count++;
      e.lines.push_back(item.line);
    }
    p.recent_context.push_back(std::move(t));
  }
  std::vector<std::string> meeting_paths;
  reads.relations_of(self);
  graph.visit_relations(self, [&](const graph::Relation& r) {
    if (r.rel != Rel::About || r.to != self) return false;
    auto mp = note_of(r.from);
    if (!mp) return false;
    reads.note(*mp);  // its kind, then its date, name and tasks
    if (graph.kind_of(*mp) != graph::Kind::Meeting) return false;
    if (std::find(meeting_paths.begin(), meeting_paths.end(), *mp) != meeting_paths.end()) return false;
    meeting_paths.push_back(*mp);
    if (meetings_in_timeline.count(*mp)) return false;
    const parse::Note* m = vault.find(*mp);
    TimelineEntry e;
    e.kind = "meeting";
    e.date = graph.meeting_date(vault, *mp);
    e.text = m ? m->name : *mp;
    e.path = *mp;
    e.line = 1;
    e.lines.push_back(1);
    e.meeting = *mp;
    p.timeline.push_back(std::move(e));
    return false;  // every relation
  });
  std::stable_sort(p.timeline.begin(), p.timeline.end(), [](const TimelineEntry& a, const TimelineEntry& b) {
    if (a.date != b.date) return a.date > b.date;  // newest first; undated last
    return a.line < b.line;
  });

  // Open tasks: the note's, then those of meetings about the account.
  auto add_tasks = [&](const parse::Note& n) {
    for (const auto& t : n.tasks)
      if (task_is_open(t)) p.open_tasks.push_back({n.path, t.line, std::string(t.text), std::string(t.status), std::string(t.due), std::string(t.priority)});
  };
  add_tasks(*note);
  std::sort(meeting_paths.begin(), meeting_paths.end());
  for (const auto& mp : meeting_paths)
    if (const parse::Note* m = vault.find(mp)) add_tasks(*m);

  // Lists of the note's other sections.
  auto collect = [&](const schema::Names& headings, std::vector<Item>& out) {
    auto sections = sections_named(*note, headings);
    for (const auto& item : note->lists)
      if (item.parent == -1 && !item.task && in_sections(item.section, sections))
        out.push_back({std::string(item.text), item.line, first_link(item.line)});
  };
  collect(s.key_fact_headings, p.key_facts);
  collect(s.opportunity_headings, p.opportunities);
  collect(s.blocker_headings, p.blockers);
  collect(s.decision_headings, p.decisions);
  collect(s.related_project_headings, p.related_projects);

  std::map<std::string, Neighbour> projects;
  graph.visit_relations(self, [&](const graph::Relation& r) {
    if (r.rel != Rel::RelatedProject) return false;
    std::string pid(r.from == self ? r.to : r.from);
    reads.name_of(pid);
    std::string name = graph.entity_name(vault, pid);
    auto& n = projects[name];
    n.name = name;
    n.link = note_of(pid);
    n.count++;
    return false;
  });
  for (auto& [name, n] : projects) p.projects.push_back(n);
  reads.finish();
  return p;
}

std::optional<Roster> roster(const index::Vault& vault, const graph::Graph& graph, std::string_view path) {
  const parse::Note* note = vault.find(path);
  if (!note) return std::nullopt;
  return roster_of(vault, graph, *note);
}

std::optional<AccountPanel> build(const index::Vault& vault, std::string_view path, const PanelSchema& schema) {
  graph::Graph graph(schema);
  graph.rebuild(vault);
  auto p = build(vault, graph, path);
  return p;
}

}  // namespace vaultcrm::panel
