// Query answers the engine keeps (Engine::queryVersion, query::Reads): an
// editor's query block asks again after every change in the vault, and the
// engine answers from what it kept while nothing the query read changed.
// A kept answer must always be the answer a fresh engine gives.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine_impl.h"
#include "query/exec.h"
#include "fresh_engine.h"
#include "vaultcrm/engine.h"

namespace {

using vaultcrm::testing::fresh_copy;

struct Asked {
  std::string source;
  std::string format;  // Engine::query's third argument
};

// Every way a query reads the vault: a folder, a tag (an edit can bring a
// note in), links to and from a note, backlinks of each row, a linked
// note's field, `this`, tasks (DQL and Tasks), every note, entities, a
// fixed date, and a syntax error.
const std::vector<Asked>& asked() {
  static const std::vector<Asked> queries = {
      {"TABLE date, account FROM \"Meetings\" WHERE account = [[Acme]] SORT date DESC", "dql"},
      {"LIST FROM #deal SORT file.name", "dql"},
      {"LIST FROM [[Acme]]", "dql"},
      {"LIST FROM outgoing([[Acme]])", "dql"},
      {"TABLE file.inlinks FROM \"People\"", "dql"},
      {"TABLE account.status AS \"Account status\" FROM \"Meetings\"", "dql"},
      {"TABLE this.status FROM \"Projects\"", "dql"},
      {"TASK FROM \"Meetings\" WHERE !completed", "dql"},
      {"TABLE role FROM \"People\" WHERE company = [[Acme]] SORT file.name LIMIT 2", "dql"},
      {"LIST WHERE status = \"Active\"", "dql"},
      {"LIST FROM \"Meetings\" OR #deal WHERE date < date(today)", R"({"format":"dql","now":"2025-06-01"})"},
      {"TABLE name FROM people", "dql"},
      {"not done\nsort by due", "tasks"},
      {"path includes Meetings\ndue before 2025-07-01", "tasks"},
      // Sorted by a date with a limit: the walk in date order (Reads::task_bound).
      {"not done\nsort by due\nlimit 2", "tasks"},
      {"sort by due reverse\nsort by path\nlimit 1", "tasks"},
      {"TABLE FROM WHERE", "dql"},
  };
  return queries;
}

// Rows fingerprinted through a FLATTEN, a TASK sort and a LIST expression,
// and none after a GROUP BY (query::Reads::print).
const std::vector<Asked>& asked_printed() {
  static const std::vector<Asked> queries = {
      {"TABLE a FROM \"Meetings\" FLATTEN account AS a SORT a", "dql"},
      {"TABLE length(rows) AS n FROM \"Meetings\" GROUP BY account", "dql"},
      {"TASK FROM \"Meetings\" WHERE !completed SORT due DESC", "dql"},
      {"LIST status FROM #deal WHERE contains(file.tags, \"deal/renewal\") OR status", "dql"},
      {"TABLE role, company FROM \"People\" SORT role", "dql"},
      {"not done\ndue before 2025-07-01\nsort by due", "tasks"},
      {"not done\ndue before 2025-12-31\nsort by due\nlimit 2", "tasks"},
      // A regular expression and a date relative to today: the checks keep
      // the query parsed (with its regex cache and its day) between edits.
      {"(description regex matches /^CALL/i) OR (done)\ndue before in 3 days\nsort by urgency", "tasks"},
  };
  return queries;
}

// Random edits, new notes, removals and renames; after each step every
// query is asked as a query block asks: queryVersion(), and query() only
// when the version moved. The answer on screen (the last one query() gave)
// must then be a fresh engine's answer. Returns how many answers stayed on
// screen because the version stood still.
size_t random_query_changes(unsigned seed, const std::vector<Asked>& asked) {
  std::mt19937 rng(seed);
  auto pick = [&](const std::vector<std::string>& from) { return from[rng() % from.size()]; };
  const std::vector<std::string> people = {"Ana Lima", "Bo Berg", "Qi Ke", "Jürgen Weiß"};
  const std::vector<std::string> accounts = {"Acme", "Globex", "Initech"};
  const std::vector<std::string> meetings = {"2025-03-01 - Sync", "2025-06-10 - Review", "Kickoff", "2025-08-02 - QBR"};
  const std::vector<std::string> projects = {"Apollo", "Nebula"};
  const std::vector<std::string> dates = {"2025-01-05", "2025-06-10", "2025-12-31"};
  auto maybe_tag = [&] { return rng() % 3 == 0 ? std::string(" #deal") : rng() % 5 == 0 ? " #deal/renewal" : ""; };
  auto person_note = [&] {
    std::string t = "---\ntype: person\n";
    if (rng() % 3) t += "company: \"[[" + pick(accounts) + "]]\"\n";
    if (rng() % 2) t += "role: " + pick({"CTO", "Buyer", "Architect"}) + "\n";
    t += "---\n# Person\n\nWorks with [[" + pick(people) + "]]." + maybe_tag() + "\n";
    if (rng() % 4 == 0) t += "- [ ] call back 📅 " + pick(dates) + "\n";
    return t;
  };
  auto account_note = [&] {
    std::string t = "---\ntype: customer\nstatus: " + pick({"Active", "Churned", "Prospect"}) + "\n---\n## Key Contacts\n";
    for (unsigned i = rng() % 3; i > 0; --i) t += "- [[" + pick(people) + "]]\n";
    t += "\n## Recent Context\n- met [[" + pick(meetings) + "]]" + maybe_tag() + "\n";
    if (rng() % 2) t += "\n## Projects\n- [[" + pick(projects) + "]]\n";
    return t;
  };
  auto meeting_note = [&] {
    std::string t = "---\ntype: meeting\n";
    if (rng() % 4) t += "date: " + pick(dates) + "\n";
    if (rng() % 4) t += "account: \"[[" + pick(accounts) + "]]\"\n";
    t += "---\n## Attendees\n- [[" + pick(people) + "]]" + maybe_tag() + "\n\n## Actions\n";
    for (unsigned i = rng() % 3; i > 0; --i)
      t += std::string("- [") + (rng() % 3 ? " " : "x") + "] follow up 📅 " + pick(dates) + "\n";
    return t;
  };
  auto project_note = [&] {
    return "---\ntype: project\nstatus: " + pick({"Active", "Done"}) + "\naccount: \"[[" + pick(accounts) +
           "]]\"\n---\n# P" + maybe_tag() + "\n";
  };
  auto random_path = [&] {
    switch (rng() % 5) {
      case 0: return "People/" + pick(people) + ".md";
      case 1: return "Customers/" + pick(accounts) + ".md";
      case 2: return "Meetings/" + pick(meetings) + ".md";
      case 3: return "Projects/" + pick(projects) + ".md";
      default: return "Archive/" + pick(accounts) + ".md";
    }
  };
  auto text_for = [&](const std::string& path) {
    if (path.rfind("People/", 0) == 0) return person_note();
    if (path.rfind("Customers/", 0) == 0) return account_note();
    if (path.rfind("Meetings/", 0) == 0) return meeting_note();
    if (path.rfind("Projects/", 0) == 0) return project_note();
    return rng() % 2 ? account_note() : person_note();
  };
  auto existing = [](const vaultcrm::Engine& e) {
    std::vector<std::string> paths;
    for (const auto& [p, n] : e.impl().vault.notes()) paths.push_back(p);
    return paths;
  };

  const std::string origin = "Customers/Acme.md";
  std::map<size_t, std::string> versions, shown;
  size_t unchanged = 0;
  vaultcrm::Engine engine;
  for (int i = 0; i < 16; ++i) {
    std::string p = random_path();
    (void)engine.upsert(p, text_for(p), 0);
  }
  for (int step = 0; step < 200; ++step) {
    std::string did;
    for (unsigned k = 1 + (rng() % 4 == 0 ? rng() % 3 : 0); k > 0; --k) {
      auto paths = existing(engine);
      const unsigned op = rng() % 12;
      if (op < 7 && !paths.empty()) {
        std::string p = pick(paths);
        (void)engine.upsert(p, text_for(p), step);
        did += " edit " + p;
      } else if (op < 9 || paths.empty()) {
        std::string p = random_path();
        (void)engine.upsert(p, text_for(p), step);
        did += " upsert " + p;
      } else if (op < 10) {
        std::string p = pick(paths);
        (void)engine.remove(p);
        did += " remove " + p;
      } else {
        std::string from = pick(paths), to = rng() % 3 == 0 ? pick(paths) : random_path();
        (void)engine.rename(from, to);
        did += " rename " + from + " -> " + to;
      }
    }
    auto fresh = fresh_copy(engine);
    for (size_t q = 0; q < asked.size(); ++q) {
      const Asked& a = asked[q];
      const std::string version = engine.queryVersion(a.source, origin, a.format);
      EXPECT_NE(version.find("\"version\":"), std::string::npos) << version;
      if (auto v = versions.find(q); v != versions.end() && v->second == version) ++unchanged;
      else shown[q] = engine.query(a.source, origin, a.format);
      versions[q] = version;
      EXPECT_EQ(shown[q], fresh->query(a.source, origin, a.format))
          << "step " << step << ":" << did << "\nquery " << a.source;
      if (::testing::Test::HasFailure()) return unchanged;
    }
  }
  return unchanged;
}

TEST(QueryFollowsChanges, KeptAnswersStayAFreshEnginesAnswers) {
  size_t unchanged = 0;
  for (unsigned seed : {20261127u, 7u, 31u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    unchanged += random_query_changes(seed, asked());
    if (HasFailure()) return;
  }
  // Not a vacuous check: many of those answers were kept ones.
  EXPECT_GT(unchanged, 1000u);
}

// The same for queries whose rows are fingerprinted: an edit of a row's note
// that keeps its fingerprint keeps the answer, which must then be a fresh
// engine's answer.
TEST(QueryFollowsChanges, AnswersKeptByFingerprintsStayAFreshEnginesAnswers) {
  size_t unchanged = 0;
  for (unsigned seed : {20261128u, 11u, 43u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    unchanged += random_query_changes(seed, asked_printed());
    if (HasFailure()) return;
  }
  EXPECT_GT(unchanged, 500u);
}

std::string version_of(const vaultcrm::Engine& engine, const std::string& source, const std::string& format = "dql") {
  std::string answer = engine.queryVersion(source, "Customers/Acme.md", format);
  size_t at = answer.find("\"version\":");
  return at == std::string::npos ? answer : answer.substr(at);
}

// The version moves with the notes a query reads, and with the notes an
// edit brings into it; edits elsewhere leave it.
TEST(QueryVersion, MovesWithTheNotesTheQueryReadsAndNotWithEditsElsewhere) {
  vaultcrm::Engine engine;
  (void)engine.upsert("Customers/Acme.md", "---\ntype: customer\nstatus: Active\n---\n# Acme\n", 0);
  (void)engine.upsert("Meetings/Sync.md", "---\ndate: 2025-03-01\naccount: \"[[Acme]]\"\n---\n- [ ] send deck\n", 0);
  (void)engine.upsert("People/Ana Lima.md", "---\ncompany: \"[[Acme]]\"\n---\n# Ana\n", 0);
  (void)engine.upsert("People/Bo Berg.md", "---\ncompany: \"[[Globex]]\"\n---\n# Bo\n", 0);

  const std::string meetings = "TABLE date FROM \"Meetings\" WHERE account = [[Acme]]";
  const std::string deals = "LIST FROM #deal";
  const std::string open_tasks = "not done";
  const std::string m0 = version_of(engine, meetings), d0 = version_of(engine, deals),
                    t0 = version_of(engine, open_tasks, "tasks");

  // A person's note: no query reads it, none of them would now.
  (void)engine.upsert("People/Bo Berg.md", "---\ncompany: \"[[Globex]]\"\nrole: CTO\n---\n# Bo\n", 1);
  EXPECT_EQ(version_of(engine, meetings), m0);
  EXPECT_EQ(version_of(engine, deals), d0);
  EXPECT_EQ(version_of(engine, open_tasks, "tasks"), t0);

  // A #deal tag on it brings it into FROM #deal; a task, into the Tasks query.
  (void)engine.upsert("People/Bo Berg.md", "---\ncompany: \"[[Globex]]\"\n---\n# Bo\n\nDeal #deal\n", 2);
  EXPECT_EQ(version_of(engine, meetings), m0);
  const std::string d1 = version_of(engine, deals);
  EXPECT_NE(d1, d0);
  EXPECT_NE(engine.query(deals, "Customers/Acme.md", "dql").find("Bo Berg"), std::string::npos);
  EXPECT_EQ(version_of(engine, open_tasks, "tasks"), t0);
  (void)engine.upsert("People/Ana Lima.md", "---\ncompany: \"[[Acme]]\"\n---\n# Ana\n- [ ] intro to Bo\n", 3);
  EXPECT_NE(version_of(engine, open_tasks, "tasks"), t0);
  EXPECT_EQ(version_of(engine, deals), d1);

  // The meeting the first query lists.
  (void)engine.upsert("Meetings/Sync.md", "---\ndate: 2025-03-02\naccount: \"[[Acme]]\"\n---\n- [ ] send deck\n", 4);
  EXPECT_NE(version_of(engine, meetings), m0);

  // A note that came: the query runs again, and its answer has one row more.
  const std::string m1 = version_of(engine, meetings);
  (void)engine.upsert("Meetings/Kickoff.md", "---\ndate: 2025-01-02\naccount: \"[[Acme]]\"\n---\n# Kickoff\n", 5);
  EXPECT_NE(version_of(engine, meetings), m1);
  // One that came and left the answer as it was: run again, same version.
  const std::string m2 = version_of(engine, meetings);
  (void)engine.upsert("Archive/Old.md", "# old\n", 6);
  EXPECT_EQ(version_of(engine, meetings), m2);
  // So does an edit of a listed meeting that changes nothing it shows.
  (void)engine.upsert("Meetings/Kickoff.md", "---\ndate: 2025-01-02\naccount: \"[[Acme]]\"\n---\n# Kickoff\n\nAgenda.\n", 7);
  EXPECT_EQ(version_of(engine, meetings), m2);
}

// What no list of notes covers runs the query again at every change, or
// every check: backlinks of other notes (any note's links), entity tables,
// the time of day.
TEST(QueryVersion, TimeOfDayBacklinksAndEntityRowsMoveTheVersion) {
  vaultcrm::Engine engine;
  (void)engine.upsert("People/Ana Lima.md", "---\ntype: person\ncompany: \"[[Acme]]\"\n---\n# Ana\n", 0);
  (void)engine.upsert("Customers/Acme.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]]\n", 0);
  // date(now) is run again at every check: its answer moves with the clock.
  const std::string now = "TABLE date(now) AS t FROM \"People\"";
  const std::string n0 = version_of(engine, now);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_NE(version_of(engine, now), n0);
  const std::string inlinks = "TABLE file.inlinks FROM \"People\"";
  const std::string v = version_of(engine, inlinks);
  EXPECT_EQ(version_of(engine, inlinks), v);  // nothing changed
  (void)engine.upsert("Notes/Call.md", "Called nobody.\n", 1);
  const std::string v1 = version_of(engine, inlinks);
  // An edit of a note the query lists no row of, which links to a row.
  (void)engine.upsert("Notes/Call.md", "Called [[Ana Lima]].\n", 2);
  EXPECT_NE(version_of(engine, inlinks), v1);
  EXPECT_NE(engine.query(inlinks, "", "dql").find("Notes/Call.md"), std::string::npos);
  const std::string people = "TABLE name FROM people";
  const std::string p0 = version_of(engine, people);
  // A name added to the account's contacts: a new row of the people table.
  (void)engine.upsert("Customers/Acme.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]]\n- Bo Berg\n", 3);
  EXPECT_NE(version_of(engine, people), p0);
  EXPECT_NE(engine.query(people, "", "dql").find("Bo Berg"), std::string::npos);
  // A fixed date (the host's "now") reads no clock: edits elsewhere leave it.
  const std::string fixed = R"({"format":"dql","now":"2025-06-01"})";
  const std::string today = "TABLE date(today) AS d FROM \"People\"";
  const std::string f0 = version_of(engine, today, fixed);
  (void)engine.upsert("Notes/Call.md", "Called nobody.\n", 4);
  EXPECT_EQ(version_of(engine, today, fixed), f0);
}

// A syntax error stands whatever the vault holds; its version stays.
TEST(QueryVersion, ASyntaxErrorKeepsItsVersion) {
  vaultcrm::Engine engine;
  (void)engine.upsert("a.md", "# a\n", 0);
  const std::string bad = "TABLE FROM WHERE";
  const std::string v = version_of(engine, bad);
  EXPECT_NE(engine.query(bad, "", "dql").find("query_syntax"), std::string::npos);
  (void)engine.upsert("a.md", "# a, edited\n", 1);
  EXPECT_EQ(version_of(engine, bad), v);
  EXPECT_NE(engine.queryVersion(bad, "", "bogus").find("bad_request"), std::string::npos);
}

// What a run read is what can change its answer: a note that fails the
// WHERE (or every task filter) before and after an edit is no change, and
// the query is not run again for it.
TEST(QueryReads, ANoteOutsideTheFiltersBeforeAndAfterAnEditIsNoChange) {
  vaultcrm::index::Vault vault;
  (void)vault.upsert("Meetings/Acme sync.md", "---\naccount: \"[[Acme]]\"\n---\n- [ ] send deck 📅 2025-06-01\n", 0);
  (void)vault.upsert("Meetings/Globex call.md", "---\naccount: \"[[Globex]]\"\n---\n- [x] sent 📅 2025-05-01\n", 0);
  vaultcrm::query::Reads dql, tasks;
  vaultcrm::query::Options opt;
  opt.now = "2025-05-15";
  opt.reads = &dql;
  ASSERT_TRUE(vaultcrm::query::run(vault, "LIST FROM \"Meetings\" WHERE account = [[Acme]]", opt).ok);
  opt.reads = &tasks;
  ASSERT_TRUE(vaultcrm::query::run(vault, "not done\ndue before 2025-07-01", opt).ok);

  // Still Globex's, its task still done.
  (void)vault.upsert("Meetings/Globex call.md", "---\naccount: \"[[Globex]]\"\nstatus: held\n---\n- [x] sent 📅 2025-05-01\n", 1);
  EXPECT_FALSE(dql.changed(vault));
  EXPECT_FALSE(tasks.changed(vault));
  // Its task open again: in the Tasks answer now, still not in the WHERE's.
  (void)vault.upsert("Meetings/Globex call.md", "---\naccount: \"[[Globex]]\"\n---\n- [ ] sent 📅 2025-05-01\n", 2);
  EXPECT_FALSE(dql.changed(vault));
  EXPECT_TRUE(tasks.changed(vault));
  // Moved to Acme: through the WHERE now.
  (void)vault.upsert("Meetings/Globex call.md", "---\naccount: \"[[Acme]]\"\n---\n", 3);
  EXPECT_TRUE(dql.changed(vault));
}

}  // namespace

namespace {

// The answer an engine keeps for `source`, with what it read.
const vaultcrm::query::Reads& kept_reads(const vaultcrm::Engine& e, const std::string& source) {
  for (const auto& q : e.impl().queries)
    if (q.key.compare(0, source.size() + 1, source + std::string(1, '\0')) == 0) return q.read;
  throw std::runtime_error("no kept answer for " + source);
}

}  // namespace

// An entity query reads the engine's entity tables: an edit that changes no
// row of its table does not make it run again; one that changes a row, or
// adds or removes one, does.
TEST(QueryReads, AnEntityQueryHoldsWhileItsTableRowsStayTheSame) {
  vaultcrm::Engine e;
  e.upsert("Customers/Acme.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]] - CTO\n", 1);
  e.upsert("People/Ana Lima.md", "---\ntype: person\nrole: CTO\n---\n# Ana\nNotes.\n", 1);
  e.upsert("Meetings/Kickoff.md", "---\ntype: meeting\n---\nAgenda, nobody named.\n", 1);
  const std::string people = "TABLE role, accounts FROM people SORT name";
  ASSERT_NE(e.queryVersion(people, "", "dql").find("version"), std::string::npos);
  const auto& read = kept_reads(e, people);
  ASSERT_FALSE(read.any_change);
  ASSERT_TRUE(static_cast<bool>(read.entities_moved));

  // Body text that no people row shows, in a meeting and in the person's own note.
  e.upsert("Meetings/Kickoff.md", "---\ntype: meeting\n---\nAgenda, still nobody named.\n", 2);
  EXPECT_FALSE(kept_reads(e, people).changed(e.impl().vault));
  e.upsert("People/Ana Lima.md", "---\ntype: person\nrole: CTO\n---\n# Ana\nMore notes.\n", 2);
  EXPECT_FALSE(kept_reads(e, people).changed(e.impl().vault));
  // Her role, which the table shows.
  e.upsert("People/Ana Lima.md", "---\ntype: person\nrole: CEO\n---\n# Ana\nMore notes.\n", 3);
  EXPECT_TRUE(kept_reads(e, people).changed(e.impl().vault));
  ASSERT_NE(e.queryVersion(people, "", "dql").find("version"), std::string::npos);
  // A new contact on the account: a new row.
  e.upsert("Customers/Acme.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]] - CTO\n- [[Bo Chen]] - CFO\n", 4);
  EXPECT_TRUE(kept_reads(e, people).changed(e.impl().vault));
  EXPECT_EQ(e.query(people, "", "dql"), fresh_copy(e)->query(people, "", "dql"));
}

namespace {

// A vault's reads for `source`, run now; `now` fixes today.
vaultcrm::query::Reads reads_of(const vaultcrm::index::Vault& vault, const std::string& source,
                                const std::string& origin = "") {
  vaultcrm::query::Reads read;
  vaultcrm::query::Options opt;
  opt.now = "2025-05-15";
  opt.origin_path = origin;
  opt.reads = &read;
  const auto outcome = vaultcrm::query::run(vault, source, opt);
  EXPECT_TRUE(outcome.ok) << source << ": " << outcome.error.message;
  return read;
}

}  // namespace

// A row's note edited in what the query neither shows, sorts by nor filters
// on (prose, a tag it does not ask for) leaves the answer as it was: the
// note's fingerprint is the same, and the query is not run again. What it
// shows, sorts by or filters on is a change.
TEST(QueryReads, AnEditOutsideWhatARowShowsIsNoChange) {
  vaultcrm::index::Vault vault;
  (void)vault.upsert("Customers/Acme.md", "---\nstatus: Active\n---\n#priority Notes.\n", 0);
  (void)vault.upsert("Customers/Globex.md", "---\nstatus: Churned\n---\n#priority\n", 0);
  (void)vault.upsert("Customers/Initech.md", "---\nstatus: Active\n---\nNo tag.\n", 0);
  const std::string table = "TABLE status FROM #priority SORT file.name";
  vaultcrm::query::Reads read = reads_of(vault, table);
  ASSERT_EQ(read.rows.size(), 2u);
  ASSERT_TRUE(static_cast<bool>(read.print));

  (void)vault.upsert("Customers/Acme.md", "---\nstatus: Active\n---\n#priority Notes, and more. #bench [[Globex]]\n", 1);
  EXPECT_FALSE(read.changed(vault));
  // The column it shows.
  (void)vault.upsert("Customers/Acme.md", "---\nstatus: Paused\n---\n#priority Notes.\n", 2);
  EXPECT_TRUE(read.changed(vault));
  read = reads_of(vault, table);
  // Out of the FROM.
  (void)vault.upsert("Customers/Globex.md", "---\nstatus: Churned\n---\nNo longer tagged.\n", 3);
  EXPECT_TRUE(read.changed(vault));
  read = reads_of(vault, table);
  // A field no expression reads; then one the WHERE reads.
  const std::string where = "LIST FROM \"Customers\" WHERE status = \"Active\"";
  read = reads_of(vault, where);
  ASSERT_EQ(read.rows.size(), 1u);  // Initech: Acme is paused
  (void)vault.upsert("Customers/Initech.md", "---\nstatus: Active\nowner: Bo\n---\nNo tag.\n", 4);
  EXPECT_FALSE(read.changed(vault));
  (void)vault.upsert("Customers/Initech.md", "---\nstatus: Lost\n---\nNo tag.\n", 5);
  EXPECT_TRUE(read.changed(vault));
}

// A Tasks query sorted by due with a limit walks the tasks in due order and
// stops after the limit: it reads the notes of the tasks it took, and
// another note counts only with a task at or before the last one's date.
TEST(QueryReads, ATasksWalkByDateReadsOnlyUpToItsLastDate) {
  vaultcrm::Engine engine;
  (void)engine.upsert("Meetings/A.md", "- [ ] call 📅 2025-01-02\n- [ ] mail 📅 2025-04-01\n", 0);
  (void)engine.upsert("Meetings/B.md", "- [ ] send deck 📅 2025-01-03\n", 0);
  (void)engine.upsert("Meetings/C.md", "- [ ] book room 📅 2025-01-03\n", 0);
  (void)engine.upsert("Meetings/0.md", "- [ ] later 📅 2025-03-01\n- [x] early but done 📅 2025-01-01\n", 0);
  const std::string tasks = "not done\nsort by due\nlimit 2";
  const std::string first = engine.query(tasks, "", "tasks");
  const std::string version = version_of(engine, tasks, "tasks");
  const vaultcrm::query::Reads& read = kept_reads(engine, tasks);
  // A, then B and C at the second task's date (a tie the later keys settle: B by path).
  EXPECT_EQ(read.task_bound.which, 0);
  EXPECT_EQ(read.task_bound.key, 20250103);
  EXPECT_EQ(read.rows.size(), 3u);
  auto fresh_answer = [&] { return fresh_copy(engine)->query(tasks, "", "tasks"); };

  // 0's open task is after the bound: an edit that keeps it there is no change.
  (void)engine.upsert("Meetings/0.md", "Notes.\n- [ ] later 📅 2025-02-01\n- [x] early but done 📅 2025-01-01\n", 1);
  EXPECT_FALSE(read.changed(engine.impl().vault));
  EXPECT_EQ(version_of(engine, tasks, "tasks"), version);
  EXPECT_EQ(engine.query(tasks, "", "tasks"), fresh_answer());
  // Due at the bound's date itself: it ties with B, and its path sorts first.
  (void)engine.upsert("Meetings/0.md", "- [ ] later 📅 2025-01-03\n- [x] early but done 📅 2025-01-01\n", 2);
  EXPECT_TRUE(kept_reads(engine, tasks).changed(engine.impl().vault));
  std::string now = engine.query(tasks, "", "tasks");
  EXPECT_EQ(now, fresh_answer());
  EXPECT_NE(now.find("\"later\""), std::string::npos);
  EXPECT_EQ(now.find("send deck"), std::string::npos);
  // Reopening its early task brings that one in too.
  (void)engine.upsert("Meetings/0.md", "- [ ] later 📅 2025-02-01\n- [ ] early but done 📅 2025-01-01\n", 3);
  EXPECT_TRUE(kept_reads(engine, tasks).changed(engine.impl().vault));
  now = engine.query(tasks, "", "tasks");
  EXPECT_EQ(now, fresh_answer());
  EXPECT_NE(now.find("early but done"), std::string::npos);
  // A's later task moved before the bound: taken too.
  (void)engine.upsert("Meetings/A.md", "- [ ] call 📅 2025-01-02\n- [ ] mail 📅 2024-12-01\n", 4);
  now = engine.query(tasks, "", "tasks");
  EXPECT_EQ(now, fresh_answer());
  EXPECT_NE(now.find("\"mail\""), std::string::npos);
  EXPECT_NE(now, first);
}

TEST(QueryReads, ATaskRowsFingerprintHoldsItsFieldsAndItsVerdict) {
  vaultcrm::index::Vault vault;
  const std::string head = "---\ntype: meeting\n---\n## Actions\n- [ ] send deck 📅 2025-06-01\n- [x] sent 📅 2025-05-01\n";
  (void)vault.upsert("Meetings/Acme sync.md", head, 0);
  for (const std::string source : {"not done\ndue before 2025-07-01", "TASK FROM \"Meetings\" WHERE !completed SORT due"}) {
    SCOPED_TRACE(source);
    (void)vault.upsert("Meetings/Acme sync.md", head, 1);
    vaultcrm::query::Reads read = reads_of(vault, source);
    ASSERT_EQ(read.rows.size(), 1u);
    ASSERT_TRUE(static_cast<bool>(read.print));
    // Prose, and a list item that is no task.
    (void)vault.upsert("Meetings/Acme sync.md", head + "\nNotes.\n- 2026-01-05: edited with [[Acme]] #bench\n", 2);
    EXPECT_FALSE(read.changed(vault));
    // The task's text; its heading; the done one opened again.
    for (const std::string& edit : {std::string("---\ntype: meeting\n---\n## Actions\n- [ ] send the deck 📅 2025-06-01\n- [x] sent 📅 2025-05-01\n"),
                                    std::string("---\ntype: meeting\n---\n## Next steps\n- [ ] send deck 📅 2025-06-01\n- [x] sent 📅 2025-05-01\n"),
                                    std::string("---\ntype: meeting\n---\n## Actions\n- [ ] send deck 📅 2025-06-01\n- [ ] sent 📅 2025-05-01\n")}) {
      (void)vault.upsert("Meetings/Acme sync.md", head, 3);
      read = reads_of(vault, source);
      (void)vault.upsert("Meetings/Acme sync.md", edit, 4);
      EXPECT_TRUE(read.changed(vault)) << edit;
    }
  }
}

// A fingerprint that reads a note the run did not read is a change even
// when it comes out the same: the answer would not follow that note's
// edits otherwise.
TEST(QueryReads, AFingerprintThatReadsANewNoteIsAChange) {
  vaultcrm::index::Vault vault;
  (void)vault.upsert("Customers/Acme.md", "---\nstatus: Active\n---\n", 0);
  (void)vault.upsert("Customers/Globex.md", "---\nstatus: Active\n---\n", 0);
  (void)vault.upsert("Meetings/Sync.md", "---\naccount: \"[[Acme]]\"\n---\n", 0);
  vaultcrm::query::Reads read = reads_of(vault, "TABLE account.status FROM \"Meetings\"");
  ASSERT_TRUE(static_cast<bool>(read.print));
  (void)vault.upsert("Meetings/Sync.md", "---\naccount: \"[[Acme]]\"\n---\nProse.\n", 1);
  EXPECT_FALSE(read.changed(vault));
  (void)vault.upsert("Meetings/Sync.md", "---\naccount: \"[[Globex]]\"\n---\nProse.\n", 2);
  EXPECT_TRUE(read.changed(vault));
}

// A check decides whether an edited note is in a FROM by that note alone
// (source_holds); it must say what listing the FROM's notes says.
TEST(QueryReads, ANoteIsInAFromAsTheFromsListSays) {
  vaultcrm::index::Vault vault;
  (void)vault.upsert("Customers/Acme.md", "---\ntags: [Deal, client]\n---\n#deal/Renewal [[Globex]]\n", 0);
  (void)vault.upsert("Customers/Globex.md", "#dealer #DEAL/new\n[[Acme]]\n", 0);
  (void)vault.upsert("People/Ana.md", "---\ntags: deals\n---\n#client [[Acme]]\n", 0);
  (void)vault.upsert("People/Bo.md", "#Ünïcode/Sub no deal here\n", 0);
  (void)vault.upsert("Notes.md", "#deal/\n", 0);
  // Links written every way a backlink can be: by path, in another case,
  // embedded, as a Markdown link, from the frontmatter, to the note itself
  // ([[#Heading]], [[Self]]), by an alias, and to no note.
  (void)vault.upsert("Meetings/Sync.md", "---\naccount: \"[[customers/acme]]\"\n---\n## Notes\n![[Globex]] [[#Notes]]\n", 0);
  (void)vault.upsert("Meetings/Self.md", "---\naliases: [Selfie]\n---\n[[Self]] [Bo](../People/Bo.md) [[Nobody]] [[Selfie]]\n", 0);
  const std::vector<std::string> froms = {
      "#deal", "#DEAL", "#deal/renewal", "#deal/new", "#dealer", "#client", "#Ünïcode", "#ünïcode",
      "#deal AND \"People\"", "#client AND -#deal", "-#deal", "\"Customers\" OR #client",
      "-(#deal OR #client)", "[[Acme]] AND #client", "#deal OR [[Acme]]",
      "[[Acme]]", "[[Customers/Acme]]", "[[ACME]]", "[[Globex]]", "[[Bo]]", "[[Sync]]", "[[Self]]", "[[Selfie]]",
      "[[Nobody]]", "-[[Acme]]"};
  vaultcrm::query::Options opt;
  vaultcrm::query::RegexCache regex(opt.regex_match_limit, opt.regex_depth_limit);
  vaultcrm::query::Ctx ctx;
  ctx.vault = &vault;
  ctx.opt = &opt;
  ctx.regex = &regex;
  size_t held = 0;
  for (const auto& from : froms) {
    const std::string source = "LIST FROM " + from;
    const auto listed = vaultcrm::query::run(vault, source, opt);
    ASSERT_TRUE(listed.ok) << source << ": " << listed.error.message;
    std::set<std::string> paths;
    for (const auto& row : listed.result.rows) paths.insert(row.at(0).text);
    const vaultcrm::query::DqlQuery q = vaultcrm::query::parse_dql(source);
    for (const auto& [path, note] : vault.notes()) {
      const bool holds = vaultcrm::query::source_holds(ctx, q.from.get(), note);
      held += holds;
      EXPECT_EQ(holds, paths.count(path.substr(0, path.size() - 3)) + paths.count(path) > 0) << source << " / " << path;
    }
  }
  EXPECT_GT(held, 15u);
}

// A dashboard of more blocks than a handful: each keeps its answer through
// edits it does not read, asked in turn as an editor asks them.
TEST(QueryVersion, ADashboardOfFortyBlocksKeepsEveryAnswer) {
  vaultcrm::Engine engine;
  for (int i = 0; i < 40; ++i)
    (void)engine.upsert("Projects/P" + std::to_string(i) + ".md", "---\nstatus: Active\n---\n#p" + std::to_string(i) + "\n", 0);
  (void)engine.upsert("Inbox.md", "A note no block reads.\n", 0);
  std::vector<std::string> blocks, versions;
  for (int i = 0; i < 40; ++i) blocks.push_back("TABLE status FROM #p" + std::to_string(i));
  for (const auto& b : blocks) {
    (void)engine.query(b, "Customers/Acme.md", "dql");  // the origin version_of asks with
    versions.push_back(version_of(engine, b));
  }
  for (int edit = 1; edit <= 3; ++edit) {
    (void)engine.upsert("Inbox.md", "A note no block reads, edited " + std::to_string(edit) + " times.\n", edit);
    for (size_t i = 0; i < blocks.size(); ++i) EXPECT_EQ(version_of(engine, blocks[i]), versions[i]) << blocks[i];
  }
  // The edit one block reads moves that block alone.
  (void)engine.upsert("Projects/P7.md", "---\nstatus: Done\n---\n#p7\n", 9);
  for (size_t i = 0; i < blocks.size(); ++i)
    EXPECT_EQ(version_of(engine, blocks[i]) == versions[i], i != 7) << blocks[i];
}

// The vault keeps the note as it was for its last kEditsKept changes only: a
// row's note edited more often than that since the run is a change (the
// query runs again), even when its fingerprint is the same.
TEST(QueryReads, ARowEditedBeyondTheKeptEditsIsAChange) {
  vaultcrm::index::Vault vault;
  (void)vault.upsert("Customers/Acme.md", "---\nstatus: Active\n---\n#priority\n", 0);
  vaultcrm::query::Reads read = reads_of(vault, "TABLE status FROM #priority");
  for (size_t i = 0; i < vaultcrm::index::Vault::kEditsKept; ++i)
    (void)vault.upsert("Customers/Acme.md", "---\nstatus: Active\n---\n#priority\nprose " + std::to_string(i) + "\n", 1);
  EXPECT_FALSE(read.changed(vault));
  (void)vault.upsert("Customers/Acme.md", "---\nstatus: Active\n---\n#priority\nprose, once more\n", 2);
  EXPECT_TRUE(read.changed(vault));
}

// A kept answer is found by its arguments alone, and its options are read
// again only when it is built again: the page it was asked with holds
// through edits that build it again, and bad options are an error every
// time they are asked (nothing is kept under them).
TEST(QueryVersion, AnAnswerBuiltAgainKeepsItsOptions) {
  vaultcrm::Engine engine;
  (void)engine.upsert("a.md", "#deal\n", 0);
  (void)engine.upsert("b.md", "#deal\n", 0);
  const std::string list = "LIST FROM #deal SORT file.name DESC";
  const std::string page = R"({"format":"dql","page":{"offset":0,"size":1}})";
  auto answer = [&] { return nlohmann::json::parse(engine.query(list, "", page))["value"]; };
  auto v0 = nlohmann::json::parse(engine.queryVersion(list, "", page));
  ASSERT_TRUE(v0["ok"].get<bool>()) << v0.dump();
  nlohmann::json first = answer();
  EXPECT_EQ(first["rows"].size(), 1u) << first.dump();
  EXPECT_EQ(first["total"], 2) << first.dump();
  (void)engine.upsert("c.md", "#deal\n", 1);
  auto v1 = nlohmann::json::parse(engine.queryVersion(list, "", page));
  EXPECT_NE(v1["value"]["version"], v0["value"]["version"]);
  nlohmann::json after = answer();
  ASSERT_EQ(after["rows"].size(), 1u) << after.dump();
  EXPECT_EQ(after["total"], 3) << after.dump();
  EXPECT_NE(after["rows"][0].dump().find("c.md"), std::string::npos) << after.dump();
  for (int i = 0; i < 2; ++i) {
    EXPECT_NE(engine.queryVersion(list, "", R"({"format":"dql","page":{"size":-1}})").find("bad_request"), std::string::npos);
    EXPECT_NE(engine.query(list, "", R"({"format":"dql","taskFormat":"x"})").find("bad_request"), std::string::npos);
  }
}
