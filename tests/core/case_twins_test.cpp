// Case twins: on a case-sensitive disk a vault may hold two notes whose paths
// differ only in case ("Customers/Acme.md" and "Customers/acme.md"), and
// Obsidian keeps both. To a link they are one path ([[Customers/acme]] names
// either), which names the first of them in path order. Removing or renaming
// one twin must leave the other found, and whatever the order of the edits,
// every answer must be the one a fresh engine gives over the same notes.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "engine/engine_impl.h"
#include "vaultcrm/engine.h"
#include "vaultcrm/graph.h"
#include "vaultcrm/index.h"

using namespace vaultcrm;

namespace {

constexpr const char* kFormat = R"({"format":"dql","now":"2026-01-15T10:00:00"})";

const char* const kQueries[] = {
    "TABLE account, file.outlinks FROM \"Meetings\" SORT file.path",
    "TABLE file.inlinks FROM \"Customers\" SORT file.path",
    "LIST FROM [[Customers/acme]] SORT file.path",
    "TABLE name, people, meetings, last_contact FROM accounts",
    "TABLE name, accounts, mentions, last_contact FROM people",
    "TABLE name, people, accounts FROM companies",
};

// The graph as text: every entity and relation, sorted.
std::string graph_text(const Engine& e) {
  const auto& impl = e.impl();
  graph::Snapshot snap = impl.graph().snapshot(impl.vault);
  std::ostringstream out;
  for (const auto& [id, ent] : snap.entities) {
    out << id << " " << graph::kind_name(ent.kind) << " " << ent.name << " note=" << ent.note << " [";
    for (const auto& s : ent.surface_forms) out << s << ";";
    out << "]\n";
  }
  for (const auto& r : snap.relations) {
    out << graph::rel_name(r.rel) << " " << r.from << " -> " << r.to << " (" << r.path << ":" << r.line << ")";
    for (auto l : r.links) out << " " << l;
    out << "\n";
  }
  return out.str();
}

// What a user can see: the index (resolved links, unresolved ones), the
// graph, the account panels and the query answers.
std::string everything(const Engine& e) {
  std::string out = e.indexJson() + "\n" + graph_text(e);
  for (const auto& [path, note] : e.impl().vault.notes())
    if (path.rfind("Customers/", 0) == 0) out += "\npanel " + path + ": " + e.panel(path);
  for (const char* q : kQueries) out += std::string("\n") + q + ": " + e.query(q, "Meetings/x.md", kFormat);
  return out;
}

// A fresh engine given the live engine's notes, in path order or the reverse.
std::string fresh_everything(const Engine& live, bool reverse) {
  Engine fresh;
  std::vector<const parse::Note*> notes;
  for (const auto& [path, note] : live.impl().vault.notes()) notes.push_back(&note);
  if (reverse) std::reverse(notes.begin(), notes.end());
  // One bulk load: the graph and caches are built from scratch, not by the
  // incremental path the live engine took.
  fresh.batchBegin(notes.size());
  for (const parse::Note* n : notes) fresh.batchAdd(n->path, live.impl().vault.text(n->path).value_or(""), n->mtime);
  (void)fresh.batchEnd();
  return everything(fresh);
}

void expect_as_fresh(const Engine& live, const std::string& step) {
  const std::string seen = everything(live);
  EXPECT_EQ(seen, fresh_everything(live, false)) << "after " << step;
  EXPECT_EQ(seen, fresh_everything(live, true)) << "after " << step << " (fresh engine loaded in reverse order)";
}

const char* const kUpper = "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]] - CTO\n";
const char* const kLower = "---\ntype: customer\n---\n## Key Contacts\n- [[Bo Ek]] - CFO\n";
const char* const kMeeting =
    "---\ntype: meeting\ndate: 2025-03-01\naccount: \"[[Customers/acme]]\"\n---\n# Kickoff\n"
    "- with [[Customers/Acme]] and [[Ana Lima]]\n";

// The vault of these tests, the twins added in the given order.
void load(Engine& e, bool upper_first) {
  (void)e.upsert("People/Ana Lima.md", "---\ntype: person\nrole: CTO\n---\n", 1);
  (void)e.upsert("People/Bo Ek.md", "---\ntype: person\nrole: CFO\n---\n", 1);
  (void)e.upsert("Meetings/2025-03-01 Kickoff.md", kMeeting, 1);
  if (upper_first) {
    (void)e.upsert("Customers/Acme.md", kUpper, 1);
    (void)e.upsert("Customers/acme.md", kLower, 1);
  } else {
    (void)e.upsert("Customers/acme.md", kLower, 1);
    (void)e.upsert("Customers/Acme.md", kUpper, 1);
  }
}

// The path the meeting's frontmatter account resolves to, as a query shows it.
std::string meeting_account(const Engine& e) {
  auto j = nlohmann::json::parse(e.query("TABLE account FROM \"Meetings\"", "", kFormat));
  const auto& cell = j["value"]["rows"][0][1];
  return cell.contains("path") ? cell["path"].get<std::string>() : cell.dump();
}

}  // namespace

// The vault alone: the twin left behind is still found by its path, from
// any folder, and by the links that point at it.
TEST(CaseTwins, RemovingOneTwinLeavesTheOtherFoundByPath) {
  for (bool remove_upper : {true, false}) {
    index::Vault v;
    v.upsert("Customers/Acme.md", "upper\n", 0);
    v.upsert("Customers/acme.md", "lower\n", 0);
    v.upsert("Archive/acme.md", "archived\n", 0);  // a shorter namesake elsewhere
    v.upsert("Customers/Notes.md", "[[acme]]\n", 0);
    v.upsert("Meetings/m.md", "[[Customers/ACME]]\n", 0);
    const std::string gone = remove_upper ? "Customers/Acme.md" : "Customers/acme.md";
    const std::string left = remove_upper ? "Customers/acme.md" : "Customers/Acme.md";
    ASSERT_TRUE(v.remove(gone));
    SCOPED_TRACE("removed " + gone);
    EXPECT_EQ(v.resolve("Customers/acme", "x.md"), left);
    EXPECT_EQ(v.resolve("customers/ACME.md", "x.md"), left);
    // Relative to the linking note's folder, before the shorter namesake.
    EXPECT_EQ(v.resolve("acme", "Customers/Notes.md"), left);
    EXPECT_EQ(v.backlinks(left), (std::vector<std::string>{"Customers/Notes.md", "Meetings/m.md"}));
    EXPECT_TRUE(v.unresolved().empty());
  }
}

TEST(CaseTwins, RenamingOneTwinAwayLeavesTheOtherFoundByPath) {
  index::Vault v;
  v.upsert("Customers/Acme.md", "upper\n", 0);
  v.upsert("Customers/acme.md", "lower\n", 0);
  v.upsert("Meetings/m.md", "[[Customers/acme]]\n", 0);
  ASSERT_TRUE(v.rename("Customers/acme.md", "Customers/Globex.md"));
  EXPECT_EQ(v.resolve("Customers/acme", "x.md"), "Customers/Acme.md");
  EXPECT_EQ(v.backlinks("Customers/Acme.md"), (std::vector<std::string>{"Meetings/m.md"}));
  ASSERT_TRUE(v.rename("Customers/Acme.md", "Customers/Initech.md"));
  EXPECT_FALSE(v.resolve("Customers/acme", "x.md").has_value());
  // Renamed back as a twin of nothing: found again.
  ASSERT_TRUE(v.rename("Customers/Globex.md", "Customers/ACME.md"));
  EXPECT_EQ(v.resolve("Customers/acme", "x.md"), "Customers/ACME.md");
}

// Which twin a link names does not depend on the order the notes came in
// (a host loads files in any order): the first in path order.
TEST(CaseTwins, ALinkNamesTheFirstTwinInPathOrderWhateverTheLoadOrder) {
  for (bool upper_first : {true, false}) {
    index::Vault v;
    v.upsert(upper_first ? "Customers/Acme.md" : "Customers/acme.md", "\n", 0);
    v.upsert(upper_first ? "Customers/acme.md" : "Customers/Acme.md", "\n", 0);
    SCOPED_TRACE(upper_first ? "Acme first" : "acme first");
    EXPECT_EQ(v.resolve("Customers/acme", "x.md"), "Customers/Acme.md");
    EXPECT_EQ(v.resolve("acme", "Customers/y.md"), "Customers/Acme.md");
    EXPECT_EQ(v.resolve("acme", "x.md"), "Customers/Acme.md");  // by name: the same pick
  }
}

// The engine: after each change to the twins, the index, graph, panels,
// entity tables and query answers are a fresh engine's.
TEST(CaseTwins, EngineAnswersAsAFreshEngineAfterEachTwinChange) {
  for (bool upper_first : {true, false}) {
    SCOPED_TRACE(upper_first ? "Acme added first" : "acme added first");
    Engine e;
    load(e, upper_first);
    for (const char* q : kQueries) (void)e.query(q, "Meetings/x.md", kFormat);  // caches filled
    (void)e.panel("Customers/Acme.md");
    expect_as_fresh(e, "load");
    EXPECT_EQ(meeting_account(e), "Customers/Acme.md");

    (void)e.remove("Customers/Acme.md");
    expect_as_fresh(e, "remove Customers/Acme.md");
    EXPECT_EQ(meeting_account(e), "Customers/acme.md");

    (void)e.upsert("Customers/Acme.md", kUpper, 2);
    expect_as_fresh(e, "add Customers/Acme.md back");
    EXPECT_EQ(meeting_account(e), "Customers/Acme.md");

    (void)e.rename("Customers/Acme.md", "Customers/Globex.md");
    expect_as_fresh(e, "rename Customers/Acme.md away");
    EXPECT_EQ(meeting_account(e), "Customers/acme.md");

    (void)e.rename("Customers/Globex.md", "Customers/ACME.md");
    expect_as_fresh(e, "rename it back as Customers/ACME.md");
    EXPECT_EQ(meeting_account(e), "Customers/ACME.md");

    (void)e.remove("Customers/acme.md");
    expect_as_fresh(e, "remove Customers/acme.md");
    EXPECT_EQ(meeting_account(e), "Customers/ACME.md");
    if (HasFailure()) return;
  }
}
