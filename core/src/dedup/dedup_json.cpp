// The dedup layer's own serialiser. Kept next to the layer (rather than in
// engine/serialize.cpp, which another layer owns) so the report shape and the
// code that fills it change together.
#include "dedup_json.h"

#include <cstring>
#include <unordered_map>

#include "../json/writer.h"

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

// A compact JSON writer over one string, objects written with their keys in
// byte order (the order nlohmann's std::map keeps, so the output equals
// write_compact of the tree). Plain printable ASCII strings are copied as
// they are; any other string (escapes, UTF-8, invalid bytes) and every float
// goes through the shared writer, so the two can never disagree.
class Out {
 public:
  std::string s;
  void key(const char* k) {
    sep();
    s.push_back('"');
    s.append(k);
    s += "\":";
    first_ = true;
  }
  void open(char c) {
    sep();
    s.push_back(c);
    first_ = true;
  }
  void close(char c) {
    s.push_back(c);
    first_ = false;
  }
  void str(const std::string& v) {
    sep();
    bool plain = true;
    for (unsigned char c : v)
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
        plain = false;
        break;
      }
    if (plain) {
      s.push_back('"');
      s.append(v);
      s.push_back('"');
    } else {
      s += json::write_compact(nlohmann::json(v));
    }
  }
  void num(long long v) {
    sep();
    s += std::to_string(v);
  }
  void unum(unsigned long long v) {
    sep();
    s += std::to_string(v);
  }
  void boolean(bool b) {
    sep();
    s += b ? "true" : "false";
  }
  void dbl(double d) {
    sep();
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    auto it = doubles_.find(bits);
    if (it == doubles_.end()) it = doubles_.emplace(bits, json::write_compact(nlohmann::json(d))).first;
    s += it->second;
  }
  void strs(const std::vector<std::string>& v) {
    open('[');
    for (const auto& x : v) str(x);
    close(']');
  }
  void ints(const std::vector<int>& v) {
    open('[');
    for (int x : v) num(x);
    close(']');
  }

 private:
  bool first_ = true;
  std::unordered_map<uint64_t, std::string> doubles_;  // the few distinct confidences
  void sep() {
    if (!first_) s.push_back(',');
    first_ = false;
  }
};

double round2(double x) { return static_cast<double>(static_cast<int>(x * 100 + 0.5)) / 100.0; }

}  // namespace

std::string report_json(const Report& r) {
  Out o;
  o.s.reserve(256 + r.mentions.size() * 160 + r.contacts.clusters.size() * 400);
  o.open('{');
  o.key("contacts");
  o.open('{');
  o.key("clusters");
  o.open('[');
  for (size_t i = 0; i < r.contacts.clusters.size(); ++i) {
    const Cluster& c = r.contacts.clusters[i];
    o.open('{');
    o.key("accounts"), o.strs(c.accounts);
    o.key("ambiguous"), o.boolean(c.ambiguous);
    o.key("candidates"), o.strs(c.candidates);
    o.key("canonical"), o.str(c.canonical);
    o.key("companies"), o.strs(c.companies);
    o.key("confidence"), o.dbl(round2(c.confidence));
    o.key("emails"), o.strs(c.emails);
    o.key("evidence"), o.strs(c.evidence);
    o.key("id"), o.unum(i);
    o.key("memberDetail");
    o.open('[');
    for (const auto& d : c.detail) {
      o.open('{');
      o.key("confidence"), o.dbl(d.confidence);
      o.key("count"), o.num(d.count);
      o.key("kind"), o.str(d.kind);
      o.key("surface"), o.str(d.surface);
      o.close('}');
    }
    o.close(']');
    o.key("members"), o.strs(c.members);
    o.key("mergeable"), o.boolean(mergeable(c));
    o.key("notes"), o.strs(c.notes);
    o.key("roles"), o.strs(c.roles);
    o.close('}');
  }
  o.close(']');
  o.key("mentions");
  o.open('[');
  for (size_t i = 0; i < r.mentions.size(); ++i) {
    const auto& m = r.mentions[i];
    o.open('{');
    o.key("cluster"), o.num(r.contacts.cluster_of.size() > i ? r.contacts.cluster_of[i] : -1);
    o.key("line"), o.num(m.line);
    o.key("path"), o.str(m.path);
    o.key("source"), o.str(m.source);
    o.key("surface"), o.str(m.surface);
    o.close('}');
  }
  o.close(']');
  o.close('}');
  o.key("distinct_similar");
  o.open('[');
  for (const auto& d : r.distinct_similar) {
    o.open('{');
    o.key("lines"), o.ints(d.lines);
    o.key("path"), o.str(d.path);
    if (!d.paths.empty()) o.key("paths"), o.strs(d.paths);
    o.key("reason"), o.str(d.reason);
    o.key("section"), o.str(d.section);
    o.close('}');
  }
  o.close(']');
  o.key("entries");
  o.open('{');
  o.key("groups");
  o.open('[');
  for (const auto& g : r.groups) {
    o.open('{');
    if (!g.cluster.empty()) o.key("cluster"), o.str(g.cluster);
    o.key("confidence"), o.dbl(round2(g.confidence));
    o.key("keep"), o.num(g.keep);
    o.key("keepPath"), o.str(g.keep_path);
    o.key("kind"), o.str(g.kind);
    o.key("lines"), o.ints(g.lines);
    o.key("members");
    o.open('[');
    for (const auto& m : g.members) {
      o.open('{');
      o.key("line"), o.num(m.line);
      o.key("path"), o.str(m.path);
      o.key("uniqueFacts"), o.strs(m.unique_facts);
      o.close('}');
    }
    o.close(']');
    if (!g.cluster.empty()) {
      o.key("mergedCompanies"), o.strs(g.merged_companies);
      o.key("mergedRoles"), o.strs(g.merged_roles);
    }
    o.key("path"), o.str(g.path);
    o.key("section"), o.str(g.section);
    o.key("why"), o.str(g.why);
    o.close('}');
  }
  o.close(']');
  o.close('}');
  o.key("stats");
  o.open('{');
  o.key("candidatePairs"), o.unum(r.contacts.candidate_pairs);
  o.key("clusters"), o.unum(r.contacts.clusters.size());
  o.key("entryGroups"), o.unum(r.groups.size());
  o.key("mentions"), o.unum(r.mentions.size());
  o.close('}');
  o.close('}');
  return std::move(o.s);
}

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
