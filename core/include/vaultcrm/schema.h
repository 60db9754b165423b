// vaultcrm/schema.h - which headings, table columns, frontmatter keys,
// types and folders mean what.
//
// The defaults fit the seed note and vaults written in its style. A vault
// overrides any of them with a settings object (the plugin's settings, or
// `--schema FILE` for the CLI): a JSON object with the same field names,
// e.g. {"contactHeadings": ["Ansprechpartner"], "personFolders": ["Leute"]}.
// Lists replace the defaults. All comparisons are case-insensitive.
//
//   auto schema = vaultcrm::schema::from_json(R"({"accountTypes":["client"]})");
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vaultcrm::schema {

using Names = std::vector<std::string>;

struct Schema {
  // Entity typing: frontmatter `type:` values (also tags "type/<value>") and folders.
  Names account_types = {"customer", "account", "client"};
  Names person_types = {"person", "contact", "people"};
  Names company_types = {"company", "organisation", "organization", "partner", "vendor"};
  Names project_types = {"project"};
  Names meeting_types = {"meeting", "call"};
  Names account_folders = {"Customers", "Accounts", "Clients"};
  Names person_folders = {"People", "Contacts"};
  Names company_folders = {"Companies", "Organisations", "Organizations"};
  Names project_folders = {"Projects"};
  Names meeting_folders = {"Meetings"};
  Names type_keys = {"type", "category"};

  // Sections of an account note.
  Names status_headings = {"Account Status", "Status"};
  Names contact_headings = {"Key Contacts", "Contacts"};
  Names collaborator_headings = {"Collaborators", "People", "Stakeholders"};
  Names timeline_headings = {"Recent Context", "Timeline", "Recent Activity", "Activity"};
  Names key_fact_headings = {"Key Facts", "Facts"};
  Names opportunity_headings = {"Opportunities"};
  Names blocker_headings = {"Blockers", "Risks"};
  Names decision_headings = {"Key Decisions", "Decisions"};
  Names related_project_headings = {"Related Projects", "Projects"};
  Names topic_headings = {"Topics"};
  Names attendee_headings = {"Attendees", "Participants"};

  // Table columns.
  Names person_columns = {"Person", "Name", "Contact"};
  Names role_columns = {"Role", "Title", "Position"};
  Names company_columns = {"Company", "Organisation", "Organization", "Employer"};

  // Frontmatter (and inline field) keys.
  Names account_keys = {"account", "customer", "client"};
  Names attendee_keys = {"attendees", "participants", "people"};
  Names owner_keys = {"owner", "lead", "account_owner"};
  Names company_keys = {"company", "organisation", "organization", "employer"};
  Names role_keys = {"role", "title", "position"};
  Names email_keys = {"email", "e-mail", "mail"};
  Names date_keys = {"date", "meeting_date", "day"};
  Names status_keys = {"status", "stage"};
  Names industry_keys = {"industry", "sector"};
  Names last_contact_keys = {"last_contact", "last-contact", "lastContact", "last contact"};
  Names project_keys = {"project", "projects"};
};

// Case-insensitive membership (ASCII folding; other scripts compare as written).
bool matches(const Names& names, std::string_view value);

// Parses a settings object; unknown keys are an error (a typo in settings
// should not silently do nothing). On error returns false and sets `error`.
bool from_json(std::string_view json, Schema& out, std::string& error);

}  // namespace vaultcrm::schema
