// vaultcrm/panel.h - the account panel model for one customer note.
//
// Which headings mean what comes from PanelSchema (defaults fit the seed
// note); a vault can override it without code changes.
//
//   auto panel = vaultcrm::panel::build(vault, "Customers/Microsoft.md", {});
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vaultcrm/index.h"

namespace vaultcrm::panel {

struct PanelSchema {
  std::vector<std::string> status_headings = {"Account Status", "Status"};
  std::vector<std::string> contact_headings = {"Key Contacts", "Contacts"};
  std::vector<std::string> collaborator_headings = {"Collaborators", "People"};
  std::vector<std::string> timeline_headings = {"Recent Context", "Timeline", "Recent Activity"};
  std::vector<std::string> person_columns = {"Person", "Name", "Contact"};
  std::vector<std::string> role_columns = {"Role", "Title"};
  std::vector<std::string> company_columns = {"Company", "Organisation", "Organization"};
};

struct LinkRef {
  std::string target;
  std::optional<std::string> resolved;
};

struct StatusRow {
  std::string field, value;
  int line = 0;
};

struct Contact {
  std::string name;
  std::optional<std::string> link;
  int count = 0;
  std::vector<int> lines;
};

struct Collaborator {
  std::string name, role, company;
  std::optional<std::string> link;
  int line = 0;
};

struct TimelineItem {
  std::string date;  // "" when the item has none
  std::string text;
  int line = 0;
  std::vector<LinkRef> links;
};

struct OpenTask {
  std::string path;
  int line = 0;
  std::string text, status, due, priority;
};

struct AccountPanel {
  std::string path, title, type;
  const Value* frontmatter = nullptr;  // points into the vault; valid until the next edit
  std::vector<StatusRow> status;
  std::vector<Contact> contacts;
  std::vector<Collaborator> collaborators;
  std::vector<TimelineItem> recent_context;
  std::vector<OpenTask> open_tasks;
  const std::vector<parse::Diagnostic>* errors = nullptr;
};

// nullopt when the note does not exist.
std::optional<AccountPanel> build(const index::Vault& vault, std::string_view path, const PanelSchema& schema);

// Obsidian Tasks: 'x'/'X' are done and '-' is cancelled; every other status is open.
bool task_is_open(const parse::Task& task);

}  // namespace vaultcrm::panel
