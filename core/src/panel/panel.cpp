#include "vaultcrm/panel.h"

#include <unordered_map>

#include "../parse/text.h"

namespace vaultcrm::panel {
namespace {

using parse::detail::ascii_lower;
using parse::detail::trim;

bool heading_matches(const std::string& heading, const std::vector<std::string>& names) {
  std::string h = ascii_lower(trim(heading));
  for (const auto& n : names)
    if (h == ascii_lower(n)) return true;
  return false;
}

// Sections whose heading is one of `names` (there may be several).
std::vector<int> sections_named(const parse::Note& note, const std::vector<std::string>& names) {
  std::vector<int> out;
  for (size_t i = 0; i < note.sections.size(); ++i)
    if (heading_matches(note.sections[i].heading, names)) out.push_back(static_cast<int>(i));
  return out;
}

bool in_sections(int section, const std::vector<int>& sections) {
  for (int s : sections)
    if (s == section) return true;
  return false;
}

int column_index(const std::vector<std::string>& header, const std::vector<std::string>& names) {
  for (size_t i = 0; i < header.size(); ++i)
    if (heading_matches(header[i], names)) return static_cast<int>(i);
  return -1;
}

// Folds case and runs of spaces: the "exact name" used to collapse repeats.
std::string name_key(std::string_view name) {
  std::string out;
  bool space = false;
  for (char c : trim(name)) {
    if (parse::detail::is_space(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace

bool task_is_open(const parse::Task& task) {
  return task.status != "x" && task.status != "X" && task.status != "-";
}

std::optional<AccountPanel> build(const index::Vault& vault, std::string_view path, const PanelSchema& schema) {
  const parse::Note* note = vault.find(path);
  if (!note) return std::nullopt;
  AccountPanel p;
  p.path = note->path;
  p.title = note->name;
  p.frontmatter = &note->frontmatter;
  p.errors = &note->errors;
  if (const Value* t = note->frontmatter.find("title"); t && t->is_string()) p.title = t->as_string();
  if (const Value* t = note->frontmatter.find("type"); t && t->is_string()) p.type = t->as_string();

  auto status_sections = sections_named(*note, schema.status_headings);
  auto collab_sections = sections_named(*note, schema.collaborator_headings);
  for (const auto& table : note->tables) {
    if (in_sections(table.section, status_sections)) {
      for (size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        if (row.size() < 2) continue;
        p.status.push_back({row[0].text, row[1].text, table.row_lines[r]});
      }
    } else if (in_sections(table.section, collab_sections)) {
      int person = column_index(table.header, schema.person_columns);
      int role = column_index(table.header, schema.role_columns);
      int company = column_index(table.header, schema.company_columns);
      if (person < 0) person = 0;
      for (size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        if (person >= static_cast<int>(row.size())) continue;
        Collaborator c;
        c.name = row[person].text;
        if (c.name.empty()) continue;
        if (role >= 0 && role < static_cast<int>(row.size())) c.role = row[role].text;
        if (company >= 0 && company < static_cast<int>(row.size())) c.company = row[company].text;
        if (!row[person].links.empty()) c.link = vault.resolve(row[person].links.front(), note->path, true);
        c.line = table.row_lines[r];
        p.collaborators.push_back(std::move(c));
      }
    }
  }

  // Links by line, for list items.
  std::unordered_map<int, std::vector<const parse::Link*>> links_by_line;
  for (const auto& link : note->links) links_by_line[link.line].push_back(&link);

  auto contact_sections = sections_named(*note, schema.contact_headings);
  auto timeline_sections = sections_named(*note, schema.timeline_headings);
  std::unordered_map<std::string, size_t> contact_at;
  for (const auto& item : note->lists) {
    if (item.parent != -1) continue;
    if (in_sections(item.section, contact_sections)) {
      std::string name = item.text;
      std::optional<std::string> link;
      auto it = links_by_line.find(item.line);
      if (it != links_by_line.end() && !it->second.empty()) {
        const parse::Link* l = it->second.front();
        name = l->has_display ? l->display : l->target;
        link = vault.resolve(l->target, note->path, true);
      }
      if (trim(name).empty()) continue;
      std::string key = name_key(name);
      auto [pos, inserted] = contact_at.emplace(key, p.contacts.size());
      if (inserted) p.contacts.push_back({name, link, 0, {}});
      Contact& c = p.contacts[pos->second];
      c.count++;
      c.lines.push_back(item.line);
      if (!c.link && link) c.link = link;
    } else if (in_sections(item.section, timeline_sections)) {
      TimelineItem t;
      t.date = item.date;
      t.text = item.text;
      t.line = item.line;
      if (auto it = links_by_line.find(item.line); it != links_by_line.end())
        for (const auto* l : it->second) t.links.push_back({l->target, vault.resolve(l->target, note->path)});
      p.recent_context.push_back(std::move(t));
    }
  }

  for (const auto& task : note->tasks)
    if (task_is_open(task))
      p.open_tasks.push_back({note->path, task.line, task.text, task.status, task.due, task.priority});
  return p;
}

}  // namespace vaultcrm::panel
