// vaultcrm/merge.h - merge plans: the exact file edits that merge contacts or
// drop duplicate entries, and the inverse edits that undo them.
//
// The core computes, the host applies. A plan is a list of whole-file edits
// (new full text, or deletion, or creation), each carrying the hash of the
// text it was computed from (index::hash_text), so a host refuses to apply a
// plan to a file that changed since. The inverse edits restore every byte.
//
//   merge::ContactRequest req{"Jonsi Stefansson", {"Jonsi Stephenson"}, {}, false};
//   merge::Result r = merge::plan_contacts(vault, dedup::Options{}, req);
//   if (r.ok) host.apply(r.plan.edits);  // and keep r.plan.inverse for undo
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vaultcrm/dedup.h"
#include "vaultcrm/index.h"

namespace vaultcrm::merge {

struct Edit {
  std::string path;
  std::optional<uint64_t> old_hash;     // nullopt: the file must not exist (create)
  std::optional<std::string> new_text;  // nullopt: delete the file
  bool create = false;
};

struct LinkRewrite {
  std::string path;
  int line = 0;
  std::string from, to;  // the link as written before and after
};

struct Conflict {
  std::string key;
  std::vector<std::string> values;
  std::string kept;  // "both as list" | "in body"
};

// What an entry cleanup did with one duplicate group.
struct EntryOutcome {
  std::string path, section;
  int keep = 0;
  std::string keep_path;
  std::vector<std::pair<std::string, int>> removed;    // (path, line)
  std::vector<std::pair<std::string, int>> kept_both;  // members kept because they hold unique facts
  std::vector<std::string> appended_facts;             // facts appended to the kept entry
  std::string note;                                    // why, for the preview
};

struct Plan {
  std::string kind;  // contacts | entries
  std::vector<Edit> edits;
  std::vector<Edit> inverse;
  std::vector<LinkRewrite> links_rewritten;
  std::vector<Conflict> conflicts;
  std::vector<EntryOutcome> entries;
  std::vector<std::string> redirected, deleted, warnings;
  int bullets_collapsed = 0, rows_merged = 0;
};

struct Result {
  bool ok = false;
  std::string error_code;  // ambiguous | not_mergeable | not_found | bad_request | unsupported
  std::string error_message;
  Plan plan;
};

struct ContactRequest {
  std::string canonical;
  std::vector<std::string> members;  // other surface forms (may include the canonical)
  std::vector<std::string> notes;    // person notes to fold in (and the canonical's own)
  bool delete_merged_notes = false;
  // A person chose to merge names dedup keeps apart (never ambiguous ones).
  bool force = false;
};

struct EntryGroupRequest {
  std::string path;
  std::vector<int> lines;
  int keep = 0;
};

struct EntryRequest {
  std::vector<EntryGroupRequest> groups;
  // A removed member with facts the kept entry lacks: "keep-both" (default)
  // leaves it in place; "append" appends the facts to the kept entry.
  std::string unique_facts = "keep-both";
};

Result plan_contacts(const index::Vault& vault, const dedup::Options& options, const ContactRequest& request);
Result plan_entries(const index::Vault& vault, const dedup::Options& options, const EntryRequest& request);

// The hex form of a hash used in plan JSON (16 lower-case digits).
std::string hash_hex(uint64_t h);
bool parse_hash_hex(const std::string& s, uint64_t& out);

// Applies edits to an in-memory file map (path -> bytes): every hash is
// checked first; on a mismatch nothing changes and the error names the file.
struct ApplyResult {
  bool ok = true;
  std::string path;
  std::string error;
};
ApplyResult apply(std::map<std::string, std::string>& files, const std::vector<Edit>& edits);
// Checks only (used by hosts before they write anything).
ApplyResult check(const std::map<std::string, std::string>& files, const std::vector<Edit>& edits);

}  // namespace vaultcrm::merge
