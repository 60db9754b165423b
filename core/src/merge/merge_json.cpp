#include "merge_json.h"

#include <stdexcept>

#include "../dedup/dedup_json.h"

namespace vaultcrm::merge {

nlohmann::json edit_to_json(const Edit& e) {
  nlohmann::json j;
  j["path"] = e.path;
  j["oldHash"] = e.old_hash ? nlohmann::json(hash_hex(*e.old_hash)) : nlohmann::json(nullptr);
  j["newText"] = e.new_text ? nlohmann::json(*e.new_text) : nlohmann::json(nullptr);
  j["create"] = e.create;
  j["delete"] = !e.new_text.has_value();
  return j;
}

Edit edit_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("path") || !j["path"].is_string()) throw std::runtime_error("an edit needs a path");
  Edit e;
  e.path = j["path"].get<std::string>();
  if (e.path.empty() || e.path[0] == '/' || e.path.find("..") != std::string::npos || e.path.find('\\') != std::string::npos)
    throw std::runtime_error("edit path must be vault-relative: " + e.path);
  if (j.contains("oldHash") && !j["oldHash"].is_null()) {
    uint64_t h = 0;
    if (!j["oldHash"].is_string() || !parse_hash_hex(j["oldHash"].get<std::string>(), h))
      throw std::runtime_error("bad oldHash for " + e.path);
    e.old_hash = h;
  }
  if (j.contains("newText") && !j["newText"].is_null()) e.new_text = j["newText"].get<std::string>();
  e.create = j.value("create", false);
  if (!e.old_hash && !e.new_text) throw std::runtime_error("edit of " + e.path + " neither creates nor changes a file");
  return e;
}

std::vector<Edit> edits_from_json(const nlohmann::json& arr) {
  if (!arr.is_array()) throw std::runtime_error("edits must be an array");
  std::vector<Edit> out;
  for (const auto& j : arr) out.push_back(edit_from_json(j));
  return out;
}

namespace {
nlohmann::json refs(const std::vector<std::pair<std::string, int>>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& [p, l] : v) a.push_back({{"path", p}, {"line", l}});
  return a;
}
}  // namespace

nlohmann::json plan_to_json(const Plan& plan) {
  nlohmann::json j;
  j["kind"] = plan.kind;
  j["edits"] = nlohmann::json::array();
  for (const auto& e : plan.edits) j["edits"].push_back(edit_to_json(e));
  j["inverse"] = nlohmann::json::array();
  for (const auto& e : plan.inverse) j["inverse"].push_back(edit_to_json(e));
  j["linksRewritten"] = nlohmann::json::array();
  for (const auto& l : plan.links_rewritten)
    j["linksRewritten"].push_back({{"path", l.path}, {"line", l.line}, {"from", l.from}, {"to", l.to}});
  j["conflicts"] = nlohmann::json::array();
  for (const auto& c : plan.conflicts) j["conflicts"].push_back({{"key", c.key}, {"values", c.values}, {"kept", c.kept}});
  j["entries"] = nlohmann::json::array();
  for (const auto& o : plan.entries)
    j["entries"].push_back({{"path", o.path},
                            {"section", o.section},
                            {"keep", o.keep},
                            {"keepPath", o.keep_path},
                            {"removed", refs(o.removed)},
                            {"keptBoth", refs(o.kept_both)},
                            {"appendedFacts", o.appended_facts},
                            {"note", o.note}});
  std::vector<std::string> touched;
  for (const auto& e : plan.edits) touched.push_back(e.path);
  j["summary"] = {{"filesTouched", touched},
                  {"linksRewritten", plan.links_rewritten.size()},
                  {"conflicts", plan.conflicts.size()},
                  {"redirected", plan.redirected},
                  {"deleted", plan.deleted},
                  {"bulletsCollapsed", plan.bullets_collapsed},
                  {"rowsMerged", plan.rows_merged},
                  {"warnings", plan.warnings}};
  return j;
}

Result plan_from_request(const index::Vault& vault, const nlohmann::json& r, const dedup::Options& base) {
  if (!r.is_object()) throw std::runtime_error("a merge request must be a JSON object");
  dedup::Options options = dedup::options_from_json(r.value("options", nlohmann::json::object()), base);
  std::string kind = r.value("kind", "");
  if (kind == "contacts") {
    ContactRequest req;
    req.canonical = r.value("canonical", "");
    req.members = r.value("members", std::vector<std::string>{});
    req.notes = r.value("notes", std::vector<std::string>{});
    req.delete_merged_notes = r.value("deleteMergedNotes", false);
    req.force = r.value("force", false);
    return plan_contacts(vault, options, req);
  }
  if (kind == "entries") {
    EntryRequest req;
    req.unique_facts = r.value("uniqueFacts", "keep-both");
    for (const auto& g : r.value("groups", nlohmann::json::array())) {
      EntryGroupRequest gr;
      gr.path = g.at("path").get<std::string>();
      gr.lines = g.at("lines").get<std::vector<int>>();
      gr.keep = g.at("keep").get<int>();
      req.groups.push_back(gr);
    }
    return plan_entries(vault, options, req);
  }
  Result bad;
  bad.error_code = "bad_request";
  bad.error_message = "kind must be \"contacts\" or \"entries\"";
  return bad;
}

}  // namespace vaultcrm::merge
