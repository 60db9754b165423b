// The dedup layer's own serialiser. Kept next to the layer (rather than in
// engine/serialize.cpp, which another layer owns) so the report shape and the
// code that fills it change together.
#include "dedup_json.h"

namespace vaultcrm::dedup {

namespace {

void take(const nlohmann::json& j, const char* key, std::vector<std::string>& out) {
  if (j.contains(key)) out = j.at(key).get<std::vector<std::string>>();
}

nlohmann::json cluster_json(const Cluster& c, size_t id) {
  nlohmann::json detail = nlohmann::json::array();
  for (const auto& d : c.detail)
    detail.push_back({{"surface", d.surface}, {"kind", d.kind}, {"confidence", d.confidence}, {"count", d.count}});
  double conf = static_cast<double>(static_cast<int>(c.confidence * 100 + 0.5)) / 100.0;
  return {{"id", id},
          {"canonical", c.canonical},
          {"members", c.members},
          {"confidence", conf},
          {"evidence", c.evidence},
          {"ambiguous", c.ambiguous},
          {"mergeable", mergeable(c)},
          {"candidates", c.candidates},
          {"notes", c.notes},
          {"accounts", c.accounts},
          {"companies", c.companies},
          {"roles", c.roles},
          {"emails", c.emails},
          {"memberDetail", detail}};
}

}  // namespace

Options options_from_json(const nlohmann::json& j, Options o) {
  if (!j.is_object()) return o;
  take(j, "contactHeadings", o.contact_headings);
  take(j, "collaboratorHeadings", o.collaborator_headings);
  take(j, "attendeeHeadings", o.attendee_headings);
  take(j, "timelineHeadings", o.timeline_headings);
  take(j, "personColumns", o.person_columns);
  take(j, "roleColumns", o.role_columns);
  take(j, "companyColumns", o.company_columns);
  take(j, "personKeys", o.person_keys);
  take(j, "accountKeys", o.account_keys);
  take(j, "companyKeys", o.company_keys);
  take(j, "roleKeys", o.role_keys);
  take(j, "personFolders", o.person_folders);
  take(j, "customerFolders", o.customer_folders);
  take(j, "personTypes", o.person_types);
  take(j, "customerTypes", o.customer_types);
  if (j.contains("paraphraseThreshold")) o.paraphrase_threshold = j.at("paraphraseThreshold").get<double>();
  if (j.contains("scanProse")) o.scan_prose = j.at("scanProse").get<bool>();
  if (j.contains("crossNoteEntries")) o.cross_note_entries = j.at("crossNoteEntries").get<bool>();
  return o;
}

nlohmann::json report_to_json(const Report& r) {
  nlohmann::json clusters = nlohmann::json::array();
  for (size_t i = 0; i < r.contacts.clusters.size(); ++i) clusters.push_back(cluster_json(r.contacts.clusters[i], i));
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : r.groups) {
    nlohmann::json members = nlohmann::json::array();
    for (const auto& m : g.members) members.push_back({{"path", m.path}, {"line", m.line}, {"uniqueFacts", m.unique_facts}});
    nlohmann::json jg = {{"path", g.path},     {"section", g.section}, {"kind", g.kind},
                         {"lines", g.lines},   {"keep", g.keep},       {"keepPath", g.keep_path},
                         {"confidence", static_cast<double>(static_cast<int>(g.confidence * 100 + 0.5)) / 100.0},
                         {"members", members}, {"why", g.why}};
    if (!g.cluster.empty()) {
      jg["cluster"] = g.cluster;
      jg["mergedRoles"] = g.merged_roles;
      jg["mergedCompanies"] = g.merged_companies;
    }
    groups.push_back(std::move(jg));
  }
  nlohmann::json ds = nlohmann::json::array();
  for (const auto& d : r.distinct_similar) {
    nlohmann::json jd = {{"path", d.path}, {"section", d.section}, {"lines", d.lines}, {"reason", d.reason}};
    if (!d.paths.empty()) jd["paths"] = d.paths;
    ds.push_back(std::move(jd));
  }
  nlohmann::json mentions = nlohmann::json::array();
  for (size_t i = 0; i < r.mentions.size(); ++i) {
    const auto& m = r.mentions[i];
    mentions.push_back({{"surface", m.surface},
                        {"path", m.path},
                        {"line", m.line},
                        {"source", m.source},
                        {"cluster", r.contacts.cluster_of.size() > i ? r.contacts.cluster_of[i] : -1}});
  }
  return {{"contacts", {{"clusters", clusters}, {"mentions", mentions}}},
          {"entries", {{"groups", groups}}},
          {"distinct_similar", ds},
          {"stats",
           {{"mentions", r.mentions.size()},
            {"clusters", r.contacts.clusters.size()},
            {"candidatePairs", r.contacts.candidate_pairs},
            {"entryGroups", r.groups.size()}}}};
}

}  // namespace vaultcrm::dedup
