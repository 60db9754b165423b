#include "vaultcrm/schema.h"

#include <nlohmann/json.hpp>

#include "../parse/text.h"

namespace vaultcrm::schema {

bool matches(const Names& names, std::string_view value) {
  // ASCII case-insensitive, without lower-cased copies (hot: every heading,
  // column and key of every note is matched against these lists).
  std::string_view v = parse::detail::trim(value);
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (const auto& n : names) {
    if (n.size() != v.size()) continue;
    size_t i = 0;
    while (i < v.size() && lower(n[i]) == lower(v[i])) ++i;
    if (i == v.size()) return true;
  }
  return false;
}

namespace {
struct Field {
  const char* key;
  Names Schema::*member;
};
const Field kFields[] = {
    {"accountTypes", &Schema::account_types},
    {"personTypes", &Schema::person_types},
    {"companyTypes", &Schema::company_types},
    {"projectTypes", &Schema::project_types},
    {"meetingTypes", &Schema::meeting_types},
    {"accountFolders", &Schema::account_folders},
    {"personFolders", &Schema::person_folders},
    {"companyFolders", &Schema::company_folders},
    {"projectFolders", &Schema::project_folders},
    {"meetingFolders", &Schema::meeting_folders},
    {"typeKeys", &Schema::type_keys},
    {"statusHeadings", &Schema::status_headings},
    {"contactHeadings", &Schema::contact_headings},
    {"collaboratorHeadings", &Schema::collaborator_headings},
    {"timelineHeadings", &Schema::timeline_headings},
    {"keyFactHeadings", &Schema::key_fact_headings},
    {"opportunityHeadings", &Schema::opportunity_headings},
    {"blockerHeadings", &Schema::blocker_headings},
    {"decisionHeadings", &Schema::decision_headings},
    {"relatedProjectHeadings", &Schema::related_project_headings},
    {"topicHeadings", &Schema::topic_headings},
    {"attendeeHeadings", &Schema::attendee_headings},
    {"personColumns", &Schema::person_columns},
    {"roleColumns", &Schema::role_columns},
    {"companyColumns", &Schema::company_columns},
    {"accountKeys", &Schema::account_keys},
    {"attendeeKeys", &Schema::attendee_keys},
    {"ownerKeys", &Schema::owner_keys},
    {"companyKeys", &Schema::company_keys},
    {"roleKeys", &Schema::role_keys},
    {"emailKeys", &Schema::email_keys},
    {"dateKeys", &Schema::date_keys},
    {"statusKeys", &Schema::status_keys},
    {"industryKeys", &Schema::industry_keys},
    {"lastContactKeys", &Schema::last_contact_keys},
    {"projectKeys", &Schema::project_keys},
};
}  // namespace

bool from_json(std::string_view text, Schema& out, std::string& error) {
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = "schema settings must be a JSON object";
    return false;
  }
  Schema s = out;
  for (const auto& [key, value] : j.items()) {
    const Field* field = nullptr;
    for (const auto& f : kFields)
      if (key == f.key) field = &f;
    if (!field) {
      error = "unknown schema setting \"" + key + "\"";
      return false;
    }
    Names names;
    if (value.is_string()) {
      names.push_back(value.get<std::string>());
    } else if (value.is_array()) {
      for (const auto& item : value) {
        if (!item.is_string()) {
          error = "schema setting \"" + key + "\" must list strings";
          return false;
        }
        names.push_back(item.get<std::string>());
      }
    } else {
      error = "schema setting \"" + key + "\" must be a string or a list of strings";
      return false;
    }
    s.*(field->member) = std::move(names);
  }
  out = std::move(s);
  return true;
}

}  // namespace vaultcrm::schema
