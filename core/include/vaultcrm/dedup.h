// vaultcrm/dedup.h - who is who, and which entries say the same thing twice.
//
// Two independent passes over the index:
//  * contacts: every person mention (contact bullets, collaborator table rows,
//    attendee/owner frontmatter, person notes with their aliases and e-mails,
//    links to person notes, known names in list prose) becomes a Mention with
//    its context (account, company, role, note, line); resolve() groups them
//    into clusters with a confidence and readable evidence. Blocking keys keep
//    it near-linear; clusters are built with cannot-link checks, so a merge
//    that conflicts with any member is refused (clusters are not chains).
//  * entries: list items of one section (and timeline items of one account
//    across notes) that are exact, truncated or paraphrased repeats; items
//    that look alike but disagree (date, link target, a number or a name in
//    the same slot) are reported as distinct_similar, never grouped.
//
//   auto report = vaultcrm::dedup::run(vault, vaultcrm::dedup::Options{});
//   for (const auto& c : report.clusters) if (vaultcrm::dedup::mergeable(c)) ...
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vaultcrm/index.h"
#include "vaultcrm/panel.h"

namespace vaultcrm::dedup {

// Which headings, columns and keys mean what. Defaults follow PanelSchema;
// every list can be overridden from the options JSON (docs/json-api.md).
struct Options {
  std::vector<std::string> contact_headings = {"Key Contacts", "Contacts"};
  std::vector<std::string> collaborator_headings = {"Collaborators", "People"};
  std::vector<std::string> attendee_headings = {"Attendees", "Participants"};
  std::vector<std::string> timeline_headings = {"Recent Context", "Timeline", "Recent Activity"};
  std::vector<std::string> person_columns = {"Person", "Name", "Contact"};
  std::vector<std::string> role_columns = {"Role", "Title"};
  std::vector<std::string> company_columns = {"Company", "Organisation", "Organization"};
  // Frontmatter keys whose values name people (links or plain names).
  std::vector<std::string> person_keys = {"attendees", "participants", "owner", "owners", "contact",
                                          "contacts", "people", "organizer", "organiser", "assignee"};
  std::vector<std::string> account_keys = {"account", "customer", "client"};
  std::vector<std::string> company_keys = {"company", "organisation", "organization", "employer", "org"};
  std::vector<std::string> role_keys = {"role", "title", "position", "job_title"};
  std::vector<std::string> person_folders = {"People", "Persons", "Contacts"};
  std::vector<std::string> customer_folders = {"Customers", "Accounts", "Clients"};
  std::vector<std::string> person_types = {"person", "contact", "people"};
  std::vector<std::string> customer_types = {"customer", "account", "client"};
  // Word-set Jaccard at or above which two same-day entries are a paraphrase
  // (see entries.cpp for the data behind the value).
  double paraphrase_threshold = 0.29;
  // Look for already-known names in list and task text ("Stephen's team").
  bool scan_prose = true;
  // Compare timeline entries across the notes of one account.
  bool cross_note_entries = true;
};

Options options_from_schema(const panel::PanelSchema& schema);

// ---- contacts ---------------------------------------------------------------

struct Mention {
  std::string surface;  // as written (no [[ ]], possessive 's dropped)
  std::string path;
  int line = 0;
  std::string source;   // list | table | frontmatter | person_note | alias | link | prose
  std::string section;  // heading the mention sits under ("" if none)
  int container = -1;   // id of the list/table it sits in (same id = side by side)
  std::string account;  // scope: customer the note belongs to ("" = whole vault)
  std::string company, role, email, phone;
  std::string bound;    // path of the person note this mention certainly names
  bool linked = false;
};

struct MemberDetail {
  std::string surface;
  std::string kind;   // canonical | exact | alias | link | email | variant | nickname | initial | first-name-only
  double confidence = 1.0;
  int count = 0;
};

struct Cluster {
  std::string canonical;
  std::vector<std::string> members;  // distinct surface forms as written
  double confidence = 1.0;
  std::vector<std::string> evidence;
  bool ambiguous = false;
  std::vector<std::string> candidates;  // canonical names, when ambiguous
  std::vector<std::string> notes;       // person notes in the cluster
  std::vector<std::string> accounts, companies, roles, emails;
  std::vector<MemberDetail> detail;
  std::vector<size_t> mentions;  // indexes into the mention vector
};

// Only a non-ambiguous cluster with at least two distinct surfaces (or two
// person notes) may ever be offered to a merge plan.
bool mergeable(const Cluster& c);

struct ContactResult {
  std::vector<Cluster> clusters;
  std::vector<int> cluster_of;  // per mention: index into clusters
  size_t candidate_pairs = 0;   // pairs scored after blocking (for benchmarks)
};

// Maps folded company spellings to one canonical (customer aliases).
using CompanyAliases = std::unordered_map<std::string, std::string>;

std::vector<Mention> extract_mentions(const index::Vault& vault, const Options& options,
                                      CompanyAliases* company_aliases = nullptr);
// Pure function over mentions: the benchmark entry point.
ContactResult resolve(const std::vector<Mention>& mentions, const CompanyAliases& company_aliases = {});

// ---- entries ----------------------------------------------------------------

struct EntryMember {
  std::string path;
  int line = 0;
  std::vector<std::string> unique_facts;
};

struct EntryGroup {
  std::string path;     // note of the kept entry
  std::string section;
  std::string kind;     // exact | truncated | paraphrase | exact-modulo-link | same-person | variant
  std::vector<int> lines;  // lines in `path` (all members when they share the note)
  int keep = 0;
  std::string keep_path;
  double confidence = 1.0;
  std::vector<EntryMember> members;
  std::string cluster;  // contact sections: canonical of the person
  std::vector<std::string> merged_roles, merged_companies;
  std::string why;
};

struct DistinctSimilar {
  std::string path, section;
  std::vector<int> lines;
  std::vector<std::string> paths;  // per line, when they differ across notes
  std::string reason;
};

struct Report {
  ContactResult contacts;
  std::vector<Mention> mentions;
  std::vector<EntryGroup> groups;
  std::vector<DistinctSimilar> distinct_similar;
};

Report run(const index::Vault& vault, const Options& options);

// ---- text helpers (exposed for tests) ---------------------------------------

// NFKC + case fold + marks stripped (utf8proc) + letters utf8proc keeps whole
// (ł ø đ ð þ æ œ ı ħ ŧ) mapped explicitly.
std::string fold(std::string_view s);
// German transliteration key: ue/oe/ae -> u/o/a on a folded token.
std::string german_key(std::string_view folded);
// Consonant-skeleton key for names (ph=f, v=f, c/k/q, z=s, vowels dropped after the first letter).
std::string phonetic(std::string_view folded);
// Optimal string alignment distance, stopping early above `cap`.
int osa_distance(std::string_view a, std::string_view b, int cap = 3);
// Formal names a (folded) first name is a diminutive of, plus itself.
std::vector<std::string> nickname_canon(std::string_view folded);

enum class TokenRel { Exact, Translit, Nickname, Initial, Typo, Phonetic, HyphenPart, Different };
TokenRel token_relation(std::string_view raw_a, std::string_view raw_b, bool first_name);

}  // namespace vaultcrm::dedup
