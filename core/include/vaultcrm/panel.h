// vaultcrm/panel.h - the account panel model for one customer note.
//
// Built from the note itself (status table, sections) and from the graph
// (every role and company known for a contact anywhere in the vault, the
// meetings about the account and who attended them, people shared with
// other accounts). Which headings mean what comes from schema::Schema.
//
//   auto panel = vaultcrm::panel::build(vault, graph, "Customers/Microsoft.md");
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vaultcrm/graph.h"
#include "vaultcrm/index.h"
#include "vaultcrm/schema.h"

namespace vaultcrm::panel {

// The panel's headings and columns are part of the vault schema.
using PanelSchema = schema::Schema;

struct LinkRef {
  std::string target;
  std::optional<std::string> resolved;
};

struct StatusRow {
  std::string field, value;
  int line = 0;
};

struct MeetingRef {
  std::string name;
  std::string path;  // "" when the meeting has no note
  std::string date;
};

struct Contact {
  std::string name;                 // first surface form in this note
  std::string entity;               // graph entity id
  std::optional<std::string> link;  // the person's note
  int count = 0;                    // bullets and table rows in this note
  std::vector<int> lines;
  std::vector<std::string> roles;      // every role known anywhere, first-seen order
  std::vector<std::string> companies;  // every company known anywhere
  std::vector<std::string> surface_forms;
  std::vector<std::string> other_accounts;  // names of other accounts listing this person
  std::optional<MeetingRef> last_meeting;
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

// The merged, newest-first timeline: Recent Context items (exact repeats
// collapsed) and meetings about the account.
struct TimelineEntry {
  std::string kind;  // "context" or "meeting"
  std::string date, text;
  std::string path;  // where to open it: the account note or the meeting note
  int line = 0;
  int count = 1;     // exact repeats collapsed into this entry
  std::vector<int> lines;
  std::optional<std::string> meeting;  // the meeting note it names, if any
};

struct OpenTask {
  std::string path;
  int line = 0;
  std::string text, status, due, priority;
};

struct Item {
  std::string text;
  int line = 0;
  std::optional<std::string> link;  // resolved path of the item's first link
};

struct Neighbour {
  std::string name;
  std::optional<std::string> link;
  int count = 0;
};

struct AccountPanel {
  std::string path, title, type;
  std::string status_value, industry, last_contact;
  const Value* frontmatter = nullptr;  // points into the vault; valid until the next edit
  std::vector<StatusRow> status;
  std::vector<Contact> contacts;
  std::vector<Collaborator> collaborators;
  std::vector<TimelineItem> recent_context;  // in note order, as written
  std::vector<TimelineEntry> timeline;
  std::vector<OpenTask> open_tasks;
  std::vector<Item> key_facts, opportunities, blockers, decisions;
  std::vector<Item> related_projects;
  std::vector<Neighbour> companies, projects;
  std::vector<Contact> shared_people;  // contacts also listed by other accounts
  const std::vector<parse::Diagnostic>* errors = nullptr;
};

// The people an account note lists, from the note alone and its own
// resolved relations: its contacts (name, entity, link, count, lines; the
// rest of Contact is left empty) and its collaborators table. What the
// entity tables need of every account, without the vault-wide parts of a
// panel (roles known elsewhere, meetings, timeline), which are most of a
// panel's cost.
struct Roster {
  std::vector<Contact> contacts;
  std::vector<Collaborator> collaborators;
};
// nullopt when the note does not exist.
std::optional<Roster> roster(const index::Vault& vault, const graph::Graph& graph, std::string_view path);

// What a panel was built from, to tell later whether it may have changed
// (Engine::panelVersion): the notes whose contents it read (the account,
// its meetings, the notes whose titles it shows), the entities whose
// relations it read (the account and each contact), and the vault's
// generation and the graph's stamp when it was built. The links it
// resolved depend on every note's name and aliases; a change of those is
// a note that came or went, or one the graph reports as a whole change.
// Paths and ids are kept as hash_bytes() of their text (no copies to make
// at each build): two paths or ids with one hash can only make a change
// look relevant. (Two names with one hash could hide a renamed entity:
// one chance in 2^64.)
struct Dependencies {
  uint64_t vault_generation = 0;
  uint64_t graph_stamp = 0;
  std::vector<uint64_t> notes;     // hashes of paths, sorted, unique
  std::vector<uint64_t> entities;  // hashes of entity ids, sorted, unique
  // Entities without a note that the panel only names ("VAST Data", named
  // by every note of a vault that mentions it): (hash of the id, hash of
  // the name shown), sorted. A change of their relations matters only if
  // it changes that name.
  std::vector<std::pair<uint64_t, uint64_t>> names;
  // False only when nothing the panel read can have changed since: no note
  // it read was parsed again, no note came or went, and no relation of an
  // entity it read changed. True may be a false alarm (an edit that left
  // the panel as it was); false is never wrong.
  bool changed(const index::Vault& vault, const graph::Graph& graph) const;
};

// nullopt when the note does not exist. With `read`, what the panel was
// built from is written there.
std::optional<AccountPanel> build(const index::Vault& vault, const graph::Graph& graph, std::string_view path,
                                  Dependencies* read = nullptr);
// Builds a throwaway graph of the whole vault first: O(vault). Only for
// callers that hold no graph; prefer the overload above.
std::optional<AccountPanel> build(const index::Vault& vault, std::string_view path, const PanelSchema& schema);

// Obsidian Tasks: 'x'/'X' are done and '-' is cancelled; every other status is open.
bool task_is_open(const parse::Task& task);

}  // namespace vaultcrm::panel
