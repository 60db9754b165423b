// The entity graph: typing, relations with provenance, and the property
// that incremental updates give exactly the graph a rebuild gives.
#include <gtest/gtest.h>

#include <random>

#include "test_util.h"
#include "vaultcrm/graph.h"

#include <utf8proc.h>

using namespace vaultcrm;
using graph::Kind;
using graph::Rel;

namespace {

bool has_relation(const graph::Graph& g, const std::string& entity, Rel rel, const std::string& other,
                  const std::string& role = "") {
  for (const auto& r : g.relations_of(entity))
    if (r.rel == rel && (r.from == other || r.to == other) && (role.empty() || r.role == role)) return true;
  return false;
}

}  // namespace

TEST(Graph, TypesComeFromFrontmatterTagsAndFoldersNotNames) {
  index::Vault v;
  v.upsert("Customers/Acme.md", "# Acme\n", 0);
  v.upsert("Notes/Beta.md", "---\ntags: [type/customer]\n---\n", 0);
  v.upsert("Notes/Gamma.md", "---\ntype: Person\n---\n", 0);
  v.upsert("Notes/Meeting notes.md", "plain\n", 0);  // a name is no type
  graph::Graph g;
  g.rebuild(v);
  EXPECT_EQ(g.kind_of("Customers/Acme.md"), Kind::Account);
  EXPECT_EQ(g.kind_of("Notes/Beta.md"), Kind::Account);
  EXPECT_EQ(g.kind_of("Notes/Gamma.md"), Kind::Person);
  EXPECT_FALSE(g.kind_of("Notes/Meeting notes.md").has_value());
}

TEST(Graph, RelationsCarryProvenance) {
  index::Vault v;
  v.upsert("Customers/Acme.md",
           "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]] - CFO\n- Bo Berg\n\n## Collaborators\n\n"
           "| Person | Role | Company |\n|---|---|---|\n| [[Ana Lima]] | Finance | Acme Group |\n\n## Related Projects\n- "
           "[[Lakehouse]]\n",
           0);
  v.upsert("People/Ana Lima.md", "---\ntype: person\ncompany: \"[[Acme]]\"\nrole: CFO\n---\n", 0);
  v.upsert("Projects/Lakehouse.md", "---\ntype: project\nowner: \"[[Bo Berg]]\"\n---\n", 0);
  v.upsert("Meetings/2026-01-05 Sync.md", "---\ntype: meeting\naccount: \"[[Acme]]\"\nattendees: [\"[[Ana Lima]]\"]\n---\n", 0);
  graph::Graph g;
  g.rebuild(v);
  const std::string acme = "note:Customers/Acme.md", ana = "note:People/Ana Lima.md";
  EXPECT_TRUE(has_relation(g, ana, Rel::ContactOf, acme, "CFO"));
  EXPECT_TRUE(has_relation(g, ana, Rel::WorksAt, "company:acme group", "Finance"));
  EXPECT_TRUE(has_relation(g, ana, Rel::WorksAt, acme, "CFO"));  // person note: company: [[Acme]]
  EXPECT_TRUE(has_relation(g, ana, Rel::Attended, "note:Meetings/2026-01-05 Sync.md"));
  EXPECT_TRUE(has_relation(g, acme, Rel::About, "note:Meetings/2026-01-05 Sync.md"));
  EXPECT_TRUE(has_relation(g, acme, Rel::RelatedProject, "note:Projects/Lakehouse.md"));
  // Bo Berg has no note: a person entity all the same, owner of the project.
  EXPECT_TRUE(has_relation(g, "person:bo berg", Rel::ContactOf, acme));
  EXPECT_TRUE(has_relation(g, "person:bo berg", Rel::Owner, "note:Projects/Lakehouse.md"));
  for (const auto& r : g.relations_of("person:bo berg"))
    if (r.rel == Rel::ContactOf) {
      EXPECT_EQ(r.path, "Customers/Acme.md");
      EXPECT_EQ(r.line, 6);
    }
  auto bo = g.entity(v, "person:bo berg");
  ASSERT_TRUE(bo.has_value());
  EXPECT_EQ(bo->name, "Bo Berg");
  EXPECT_EQ(bo->kind, Kind::Person);
}

// A fact's texts are views: of the note's bytes (links, list items, dates),
// else of the graph's copy (frontmatter strings, table cells, a number
// written out). An edit that states the same facts keeps the facts read
// from the text the vault has just dropped, so they must not view it alone.
TEST(Graph, FactTextsOutliveTheTextTheyWereReadFrom) {
  const std::vector<std::pair<std::string, std::string>> notes = {
      {"Customers/Acme.md",
       "---\ntype: customer\n---\n## Key Contacts\n- [[People/Ana Lima|Ana]] - Chief Financial Officer\n\n"
       "## Timeline\n- 2026-01-05 Kick-off with [[Ana Lima]] on the warehouse migration\n\n## Collaborators\n\n"
       "| Person | Role | Company |\n|---|---|---|\n| [[Ana Lima]] | Finance lead for the migration | Acme Group "
       "Holdings |\n"},
      {"People/Ana Lima.md", "---\ntype: person\ncompany: \"[[Acme|Acme Corporation International]]\"\nrole: 42\n---\n"},
      {"Meetings/2026-01-05 Kickoff.md",
       "---\ntype: meeting\naccount: \"[[Acme]]\"\nattendees: [\"Bo Berg-Lindqvist\"]\n---\n"},
  };
  index::Vault v;
  for (const auto& [path, text] : notes) v.upsert(path, text, 0);
  graph::Graph g;
  g.rebuild(v);
  for (const auto& [path, text] : notes) {
    v.upsert(path, text + "\nA line of prose that states nothing.\n", 1);
    g.on_upsert(v, path);
  }
  // Reuse the memory the dropped texts had.
  for (int i = 0; i < 50; ++i) v.upsert("Notes/n" + std::to_string(i) + ".md", std::string(300, 'x') + "\n", 0);
  for (int i = 0; i < 50; ++i) g.on_upsert(v, "Notes/n" + std::to_string(i) + ".md");

  const std::string acme = "note:Customers/Acme.md", ana = "note:People/Ana Lima.md";
  EXPECT_TRUE(has_relation(g, ana, Rel::ContactOf, acme, "Chief Financial Officer"));  // a list item
  EXPECT_TRUE(has_relation(g, ana, Rel::WorksAt, "company:acme group holdings", "Finance lead for the migration"));
  EXPECT_TRUE(has_relation(g, ana, Rel::WorksAt, acme, "42"));  // a YAML number
  bool named = false, timeline = false, attended = false;
  for (const auto& r : g.relations_of(ana)) {
    if (r.rel == Rel::WorksAt && r.to == acme) named = r.to_name == "Acme Corporation International";
    if (r.rel == Rel::Timeline)
      timeline = r.date == "2026-01-05" && r.text == "2026-01-05 Kick-off with [[Ana Lima]] on the warehouse migration";
  }
  for (const auto& r : g.relations_in("Meetings/2026-01-05 Kickoff.md"))
    if (r.rel == Rel::Attended) attended = r.from_name == "Bo Berg-Lindqvist";
  EXPECT_TRUE(named);
  EXPECT_TRUE(timeline);
  EXPECT_TRUE(attended);
  graph::Graph fresh;
  fresh.rebuild(v);
  EXPECT_EQ(g.snapshot(v), fresh.snapshot(v));
}

TEST(Graph, ANewPersonNoteTakesOverItsMentions) {
  index::Vault v;
  v.upsert("Customers/Acme.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]]\n- Ana Lima\n", 0);
  graph::Graph g;
  g.rebuild(v);
  EXPECT_TRUE(has_relation(g, "person:ana lima", Rel::ContactOf, "note:Customers/Acme.md"));
  v.upsert("People/Ana Lima.md", "---\ntype: person\n---\n", 0);
  g.on_upsert(v, "People/Ana Lima.md");
  EXPECT_TRUE(g.relations_of("person:ana lima").empty());
  int contact_of = 0;
  for (const auto& r : g.relations_of("note:People/Ana Lima.md")) contact_of += r.rel == Rel::ContactOf;
  EXPECT_EQ(contact_of, 2);
  v.rename("People/Ana Lima.md", "People/Ana Lima-Souza.md");
  g.on_rename(v, "People/Ana Lima.md", "People/Ana Lima-Souza.md");
  EXPECT_EQ(g.relations_of("person:ana lima").size(), 2u);  // the old name no longer names the note
  EXPECT_TRUE(g.relations_of("note:People/Ana Lima.md").empty());
}

// A plain-text reference written as a path ("People/Bo Ek" in a contact
// list, not a link) resolves like a link to that path. When the note it
// names comes, goes or is renamed later, the reference must follow, as a
// link does, and the graph must equal a rebuild.
TEST(Graph, PlainTextPathReferencesFollowTheirNote) {
  index::Vault v;
  v.upsert("Customers/Acme.md", "---\ntype: customer\n---\n## Key Contacts\n- People/Bo Ek - CTO\n", 0);
  graph::Graph g;
  g.rebuild(v);
  const std::string acme = "note:Customers/Acme.md";
  EXPECT_TRUE(has_relation(g, "person:people/bo ek", Rel::ContactOf, acme));
  auto same_as_rebuild = [&] {
    graph::Graph fresh;
    fresh.rebuild(v);
    return g.snapshot(v) == fresh.snapshot(v);
  };

  v.upsert("People/Bo Ek.md", "---\ntype: person\n---\n", 0);
  g.on_upsert(v, "People/Bo Ek.md");
  EXPECT_TRUE(has_relation(g, "note:People/Bo Ek.md", Rel::ContactOf, acme, "CTO"));
  EXPECT_TRUE(g.relations_of("person:people/bo ek").empty());
  EXPECT_TRUE(same_as_rebuild());

  v.rename("People/Bo Ek.md", "People/Bo Eklund.md");
  g.on_rename(v, "People/Bo Ek.md", "People/Bo Eklund.md");
  EXPECT_TRUE(g.relations_of("note:People/Bo Ek.md").empty());
  EXPECT_TRUE(has_relation(g, "person:people/bo ek", Rel::ContactOf, acme));
  EXPECT_TRUE(same_as_rebuild());

  v.rename("People/Bo Eklund.md", "People/Bo Ek.md");
  g.on_rename(v, "People/Bo Eklund.md", "People/Bo Ek.md");
  EXPECT_TRUE(has_relation(g, "note:People/Bo Ek.md", Rel::ContactOf, acme));
  v.remove("People/Bo Ek.md");
  g.on_remove(v, "People/Bo Ek.md");
  EXPECT_TRUE(has_relation(g, "person:people/bo ek", Rel::ContactOf, acme));
  EXPECT_TRUE(same_as_rebuild());
}

// Body links are held apart from the other facts (graph.h, Mention): a
// mention still names only typed notes, carries its line and the link's
// name, and follows a note that becomes typed later.
TEST(Graph, BodyLinksMentionTypedNotesWithTheirLineAndName) {
  index::Vault v;
  v.upsert("People/Ana Lima.md", "---\ntype: person\n---\n", 0);
  v.upsert("Notes/Plain.md", "plain\n", 0);
  v.upsert("Notes/Diary.md",
           "---\nsee: \"[[Ana Lima]]\"\n---\nMet [[People/Ana Lima|Ana]] today.\nAlso [[Plain]] and [[Nobody]].\n", 0);
  graph::Graph g;
  g.rebuild(v);
  // The frontmatter link is no mention, Plain has no type, Nobody no note.
  const auto& rels = g.relations_in("Notes/Diary.md");
  ASSERT_EQ(rels.size(), 1u);
  EXPECT_EQ(rels[0].rel, Rel::Mentions);
  EXPECT_EQ(rels[0].from, "note:Notes/Diary.md");
  EXPECT_EQ(rels[0].to, "note:People/Ana Lima.md");
  EXPECT_EQ(rels[0].to_name, "Ana Lima");
  EXPECT_EQ(rels[0].from_name, "");
  EXPECT_EQ(rels[0].line, 4);

  v.upsert("Notes/Plain.md", "---\ntype: project\n---\n", 0);
  g.on_upsert(v, "Notes/Plain.md");
  ASSERT_EQ(g.relations_in("Notes/Diary.md").size(), 2u);
  EXPECT_TRUE(has_relation(g, "note:Notes/Plain.md", Rel::Mentions, "note:Notes/Diary.md"));
  EXPECT_EQ(g.relations_in("Notes/Diary.md")[1].line, 5);
  graph::Graph fresh;
  fresh.rebuild(v);
  EXPECT_TRUE(g.snapshot(v) == fresh.snapshot(v));
}

// An edit that changes no relation keeps the note's relations as they
// were (graph.cpp, same_statements); one that only moves them to other
// lines, or changes a timeline item's words, must not.
TEST(Graph, AnEditThatMovesOrRewordsRelationsUpdatesThem) {
  index::Vault v;
  v.upsert("People/Ana Lima.md", "---\ntype: person\n---\n", 0);
  v.upsert("Customers/Acme.md", "## Recent Context\n- 2025-12-01: call with [[Ana Lima]]\n\nMet [[Ana Lima]].\n", 0);
  graph::Graph g;
  g.rebuild(v);
  auto line_of = [&](Rel rel) {  // the last line with such a relation
    int line = -1;
    for (const auto& r : g.relations_in("Customers/Acme.md"))
      if (r.rel == rel) line = std::max(line, r.line);
    return line;
  };
  auto timeline_text = [&]() {
    for (const auto& r : g.relations_in("Customers/Acme.md"))
      if (r.rel == Rel::Timeline) return std::string(r.text);
    return std::string("(none)");
  };
  ASSERT_EQ(line_of(Rel::Mentions), 4);
  ASSERT_EQ(line_of(Rel::Timeline), 2);

  // Words typed in a paragraph: the same relations.
  v.upsert("Customers/Acme.md", "## Recent Context\n- 2025-12-01: call with [[Ana Lima]]\n\nMet [[Ana Lima]] again.\n", 0);
  g.on_upsert(v, "Customers/Acme.md");
  EXPECT_EQ(line_of(Rel::Mentions), 4);
  EXPECT_EQ(line_of(Rel::Timeline), 2);

  // A line inserted above: every relation moves down one line.
  v.upsert("Customers/Acme.md", "# Acme\n## Recent Context\n- 2025-12-01: call with [[Ana Lima]]\n\nMet [[Ana Lima]] again.\n",
           0);
  g.on_upsert(v, "Customers/Acme.md");
  EXPECT_EQ(line_of(Rel::Mentions), 5);
  EXPECT_EQ(line_of(Rel::Timeline), 3);

  // The timeline item reworded.
  v.upsert("Customers/Acme.md", "# Acme\n## Recent Context\n- 2025-12-01: dinner with [[Ana Lima]]\n\nMet [[Ana Lima]] again.\n",
           0);
  g.on_upsert(v, "Customers/Acme.md");
  EXPECT_NE(timeline_text().find("dinner"), std::string::npos) << timeline_text();

  // A note with body links only (no other facts): its mentions move alone.
  v.upsert("Notes/Diary.md", "Met [[Ana Lima]].\n", 0);
  g.on_upsert(v, "Notes/Diary.md");
  v.upsert("Notes/Diary.md", "Monday\n\nMet [[Ana Lima]].\n", 0);
  g.on_upsert(v, "Notes/Diary.md");
  ASSERT_EQ(g.relations_in("Notes/Diary.md").size(), 1u);
  EXPECT_EQ(g.relations_in("Notes/Diary.md")[0].line, 3);

  graph::Graph fresh;
  fresh.rebuild(v);
  EXPECT_TRUE(g.snapshot(v) == fresh.snapshot(v));
}

// Random edit sequences: after every step, the incrementally maintained
// graph equals a graph rebuilt from scratch.
// A timeline item names the notes it links: the item is among their
// relations too, after a rebuild and after each edit.
TEST(Graph, ATimelineItemIsARelationOfEveryNoteItLinks) {
  index::Vault v;
  v.upsert("Projects/Pilot.md", "---\ntype: project\n---\n", 0);
  v.upsert("Projects/Rollout.md", "---\ntype: project\n---\n", 0);
  v.upsert("Customers/Acme.md", "## Recent Context\n- 2025-12-01: scoped the [[Pilot]]\n", 0);
  auto timeline_items = [](const graph::Graph& g, const std::string& entity) {
    int n = 0;
    for (const auto& r : g.relations_of(entity)) n += r.rel == Rel::Timeline;
    return n;
  };
  graph::Graph g;
  g.rebuild(v);
  EXPECT_EQ(timeline_items(g, "note:Projects/Pilot.md"), 1);
  EXPECT_EQ(timeline_items(g, "note:Projects/Rollout.md"), 0);

  v.upsert("Customers/Acme.md", "## Recent Context\n- 2025-12-01: moved from the pilot to the [[Rollout]]\n", 0);
  g.on_upsert(v, "Customers/Acme.md");
  EXPECT_EQ(timeline_items(g, "note:Projects/Pilot.md"), 0);
  EXPECT_EQ(timeline_items(g, "note:Projects/Rollout.md"), 1);
}

TEST(Graph, IncrementalEqualsRebuildOnRandomEdits) {
  std::mt19937 rng(7);
  const std::vector<std::string> people = {"Ana Lima", "Ana Lîma", "Bo Berg", "Jürgen Weiß", "Juergen", "Qi Ke",
                                           "Qiu Ke", "Jason Vallery", "Jason"};
  const std::vector<std::string> accounts = {"Acme", "Beta Rail", "Gamma Health"};
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto person_note = [&](const std::string& name) {
    std::string t = "---\ntype: person\n";
    if (rng() % 2) t += "aliases: [\"" + pick(people) + "\"]\n";
    if (rng() % 2) t += "company: \"[[" + pick(accounts) + "]]\"\nrole: R" + std::to_string(rng() % 3) + "\n";
    t += "---\n# " + name + "\n";
    return t;
  };
  auto account_note = [&]() {
    std::string t = "---\ntype: customer\n---\n## Key Contacts\n";
    // A contact as a link, as plain text, or as plain text written as a path.
    for (int i = 0, n = rng() % 5; i < n; ++i) {
      int form = rng() % 3;
      t += form == 0 ? "- [[" + pick(people) + "]]\n" : form == 1 ? "- " + pick(people) + "\n" : "- People/" + pick(people) + "\n";
    }
    t += "\n## Collaborators\n\n| Person | Role | Company |\n|---|---|---|\n";
    for (int i = 0, n = rng() % 3; i < n; ++i)
      t += "| [[" + pick(people) + "]] | role " + std::to_string(rng() % 3) + " | " + pick(accounts) + " |\n";
    t += "\n## Recent Context\n- 2025-12-0" + std::to_string(1 + rng() % 9) + ": [[2025-12-01 - Sync]] notes\n";
    return t;
  };
  auto meeting_note = [&]() {
    return "---\ntype: meeting\naccount: \"[[" + pick(accounts) + "]]\"\nattendees: [\"[[" + pick(people) + "]]\", \"" +
           pick(people) + "\"]\n---\n- [ ] follow up with [[" + pick(people) + "]]\n";
  };

  index::Vault vault;
  graph::Graph g;
  std::vector<std::string> paths;
  int steps = 0;
  for (; steps < 1200; ++steps) {
    int op = rng() % 10;
    std::string path;
    if (op < 4 || paths.empty()) {  // add or edit
      int kind = rng() % 3;
      if (kind == 0) path = "People/" + pick(people) + ".md";
      else if (kind == 1) path = "Customers/" + pick(accounts) + ".md";
      else path = "Meetings/2025-12-0" + std::to_string(1 + rng() % 3) + " - Sync.md";
      std::string text = kind == 0 ? person_note(path.substr(7, path.size() - 10)) : kind == 1 ? account_note() : meeting_note();
      vault.upsert(path, text, 0);
      g.on_upsert(vault, path);
      if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
    } else if (op < 6) {  // edit an existing note
      path = paths[rng() % paths.size()];
      std::string text = path.rfind("People/", 0) == 0 ? person_note("x") : path.rfind("Customers/", 0) == 0 ? account_note() : meeting_note();
      vault.upsert(path, text, 0);
      g.on_upsert(vault, path);
    } else if (op < 8) {  // rename (e.g. a person's name changes)
      size_t i = rng() % paths.size();
      std::string from = paths[i];
      std::string folder = from.substr(0, from.find('/') + 1);
      std::string to = folder + (folder == "People/" ? pick(people) : folder == "Customers/" ? pick(accounts) : "2026-01-0" + std::to_string(rng() % 3) + " - Sync") + ".md";
      if (to == from || vault.find(to)) continue;
      vault.rename(from, to);
      g.on_rename(vault, from, to);
      paths[i] = to;
    } else {  // delete
      size_t i = rng() % paths.size();
      vault.remove(paths[i]);
      g.on_remove(vault, paths[i]);
      paths.erase(paths.begin() + i);
    }
    graph::Graph fresh;
    fresh.rebuild(vault);
    auto a = g.snapshot(vault), b = fresh.snapshot(vault);
    ASSERT_EQ(a.relations.size(), b.relations.size()) << "step " << steps;
    ASSERT_TRUE(a == b) << "incremental graph differs from rebuild at step " << steps;
  }
  EXPECT_GE(steps, 1000);
}

// fold_name maps only the words that hold non-ASCII through utf8proc; the
// result must be what mapping the whole text gives (NFC + case fold, ASCII
// whitespace runs collapsed), including combining marks right after a space
// or at a word's start, and Greek/German/Turkish special cases.
TEST(FoldName, WordByWordEqualsTheWholeTextMapping) {
  auto reference = [](std::string_view text) {
    utf8proc_uint8_t* out = nullptr;
    utf8proc_ssize_t n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()), static_cast<utf8proc_ssize_t>(text.size()),
                     &out, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD));
    std::string mapped(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
    std::free(out);
    std::string collapsed;
    bool space = false;
    for (char c : mapped) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        space = true;
        continue;
      }
      if (space && !collapsed.empty()) collapsed.push_back(' ');
      space = false;
      collapsed.push_back(c);
    }
    return collapsed;
  };
  // Pieces: ASCII words, whitespace, precomposed and decomposed accents, a
  // lone combining mark, sharp s, final sigma, dotted I, em dash, CJK.
  const std::vector<std::string> pieces = {"Call",     "with",         " ",       "  ",       "\t",        "\n",
                                           "J\xC3\xBCrgen", "Ju\xCC\x88rgen", "\xCC\x81", "STRA\xC3\x9F" "E", "\xCE\xA3\xCE\x9F\xCE\xA3",
                                           "\xC4\xB0stanbul", "\xE2\x80\x94", "\xE6\x9D\xB1\xE4\xBA\xAC", "e",  "Q1",
                                           "\xC5\x81ukasz", "A\xCC\x8A"};
  std::mt19937 rng(11);
  for (int i = 0; i < 5000; ++i) {
    std::string text;
    for (int k = rng() % 9; k > 0; --k) text += pieces[rng() % pieces.size()];
    ASSERT_EQ(graph::fold_name(text), reference(text)) << text;
  }
  EXPECT_EQ(graph::fold_name("  J\xC3\x9CRGEN \xE2\x80\x94  Q1 "), "j\xC3\xBCrgen \xE2\x80\x94 q1");
}
