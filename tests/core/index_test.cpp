// The in-memory index: Obsidian's link resolution, backlinks, unresolved
// links, and incremental upsert / remove / rename.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "vaultcrm/index.h"
#include "vaultcrm/query.h"

using namespace vaultcrm;

TEST(Index, ResolvesByPathBasenameCaseInsensitively) {
  index::Vault v;
  v.upsert("People/Ana Lima.md", "# Ana\n", 0);
  v.upsert("Customers/Acme.md", "[[ana lima]] [[People/Ana Lima]] [[Ana Lima.md]] [[Nobody]]\n", 0);
  EXPECT_EQ(v.resolve("ana lima", "Customers/Acme.md"), "People/Ana Lima.md");
  EXPECT_EQ(v.resolve("People/Ana Lima", "Customers/Acme.md"), "People/Ana Lima.md");
  EXPECT_EQ(v.resolve("Ana Lima.md", "Customers/Acme.md"), "People/Ana Lima.md");
  EXPECT_FALSE(v.resolve("Nobody", "Customers/Acme.md").has_value());
  auto unresolved = v.unresolved();
  ASSERT_EQ(unresolved.size(), 1u);
  EXPECT_EQ(unresolved[0].target, "Nobody");
  EXPECT_EQ(unresolved[0].source, "Customers/Acme.md");
}

TEST(Index, SameBasenamePrefersTheShortestPathOrTheGivenFolder) {
  index::Vault v;
  v.upsert("Archive/2024/Acme.md", "old\n", 0);
  v.upsert("Acme.md", "new\n", 0);
  EXPECT_EQ(v.resolve("Acme", "x.md"), "Acme.md");
  EXPECT_EQ(v.resolve("2024/Acme", "x.md"), "Archive/2024/Acme.md");
  v.remove("Acme.md");
  EXPECT_EQ(v.resolve("Acme", "x.md"), "Archive/2024/Acme.md");
}

TEST(Index, AliasesIdentifyButDoNotResolveLinks) {
  index::Vault v;
  v.upsert("People/Robert Smith.md", "---\naliases: [Bob Smith]\n---\n", 0);
  EXPECT_FALSE(v.resolve("Bob Smith", "a.md").has_value());  // Obsidian leaves [[Bob Smith]] unresolved
  EXPECT_EQ(v.resolve("Bob Smith", "a.md", true), "People/Robert Smith.md");
}

TEST(Index, BacklinksFollowEdits) {
  index::Vault v;
  v.upsert("People/Ana.md", "# Ana\n", 0);
  v.upsert("Meetings/M1.md", "with [[Ana]]\n", 0);
  v.upsert("Meetings/M2.md", "with [[People/Ana|her]]\n", 0);
  v.upsert("Meetings/M3.md", "no links\n", 0);
  EXPECT_EQ(v.backlinks("People/Ana.md"), (std::vector<std::string>{"Meetings/M1.md", "Meetings/M2.md"}));
  v.upsert("Meetings/M1.md", "no longer\n", 0);
  v.upsert("Meetings/M3.md", "now [[ana]]\n", 0);
  EXPECT_EQ(v.backlinks("People/Ana.md"), (std::vector<std::string>{"Meetings/M2.md", "Meetings/M3.md"}));
  v.remove("Meetings/M2.md");
  EXPECT_EQ(v.backlinks("People/Ana.md"), (std::vector<std::string>{"Meetings/M3.md"}));
}

// Link keys are lowered eight bytes at a time: every ASCII byte, at every
// position of a word and in the bytes after the last whole word, lowers as
// byte by byte, the bytes around 'A'..'Z' ('@', '[', '`', '{', DEL) stay,
// and text past a non-ASCII byte keeps its case folding.
TEST(Index, LinkKeysLowerAsciiInEveryPositionOfAWord) {
  std::mt19937 rng(11);
  const std::string alphabet = "@AMZ[`amz{~\x7f" "09 /.-_";
  for (int round = 0; round < 3000; ++round) {
    std::string text(rng() % 40, ' ');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    std::string expected = text;
    for (char& c : expected)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (expected.size() >= 3 && expected.compare(expected.size() - 3, 3, ".md") == 0) expected.resize(expected.size() - 3);
    ASSERT_EQ(index::link_key(text), expected) << text;
  }
  EXPECT_EQ(index::link_key("ABCDEFGHIJKLMNOPQRSTUVWXYZ \xC3\x80" "BC\xC3\x87-STRASSE Stra\xC3\x9F" "e XYZ.MD"),
            "abcdefghijklmnopqrstuvwxyz \xC3\xA0" "bc\xC3\xA7-strasse stra\xC3\x9F" "e xyz");
}

// add_keys files a note under each link name once: names repeated apart or
// in a different case, in a short note (sorted) and in one of more links
// than it sorts (repeats in a row skipped).
TEST(Index, BacklinksFindEveryNameOfANoteOfFewOrManyLinks) {
  for (int links : {5, 200}) {
    SCOPED_TRACE(links);
    index::Vault v;
    const std::vector<std::string> names = {"Ana", "Bo", "ana", "Cy", "People/Bo", "ANA", "Cy"};
    for (const char* person : {"People/Ana.md", "People/Bo.md", "People/Cy.md", "People/Di.md", "People/Ed.md"})
      v.upsert(person, "# person\n", 0);
    std::string text;
    for (int i = 0; i < links; ++i) text += "[[" + names[static_cast<size_t>(i) % names.size()] + "]] [[Bo]]\n";
    text += "last: [[di]]\n";
    v.upsert("Meetings/M.md", text, 0);
    for (const char* person : {"People/Ana.md", "People/Bo.md", "People/Cy.md", "People/Di.md"})
      EXPECT_EQ(v.backlinks(person), (std::vector<std::string>{"Meetings/M.md"})) << person;
    EXPECT_TRUE(v.backlinks("People/Ed.md").empty());
    v.remove("Meetings/M.md");
    for (const char* person : {"People/Ana.md", "People/Bo.md", "People/Cy.md", "People/Di.md"})
      EXPECT_TRUE(v.backlinks(person).empty()) << person;
  }
}

// Dataview reads Obsidian's resolved links, where a note that links to itself
// is among the notes linking to it: `LIST FROM [[Acme]]` and `file.inlinks`
// list it. The account panel's and mention counts' backlinks leave it out.
TEST(Index, SelfLinkIsABacklinkOnlyWhenAskedAsDataviewDoes) {
  index::Vault v;
  v.upsert("Customers/Acme.md", "See [[Acme]] and [[Ana]].\n", 0);
  v.upsert("People/Ana.md", "Works with [[Acme]].\n", 0);
  EXPECT_EQ(v.backlinks("Customers/Acme.md"), (std::vector<std::string>{"People/Ana.md"}));
  EXPECT_EQ(v.backlinks("Customers/Acme.md", true),
            (std::vector<std::string>{"Customers/Acme.md", "People/Ana.md"}));
  query::Options opt;
  opt.language = query::Language::Dql;
  auto from = query::run(v, "LIST FROM [[Acme]]", opt);
  ASSERT_TRUE(from.ok) << from.error.message;
  ASSERT_EQ(from.result.rows.size(), 2u);
  EXPECT_EQ(from.result.rows[0][0].text, "Customers/Acme.md");
  EXPECT_EQ(from.result.rows[1][0].text, "People/Ana.md");
  auto inlinks = query::run(v, "TABLE WITHOUT ID length(file.inlinks) FROM \"Customers\"", opt);
  ASSERT_TRUE(inlinks.ok) << inlinks.error.message;
  ASSERT_EQ(inlinks.result.rows.size(), 1u);
  EXPECT_EQ(inlinks.result.rows[0][0].number, 2);
  // Ana does not link to herself: only Acme's link comes in.
  auto ana = query::run(v, "LIST FROM [[Ana]]", opt);
  ASSERT_TRUE(ana.ok);
  ASSERT_EQ(ana.result.rows.size(), 1u);
  EXPECT_EQ(ana.result.rows[0][0].text, "Customers/Acme.md");
}

TEST(Index, RenameMakesOldLinksUnresolvedAndNewNameResolve) {
  index::Vault v;
  v.upsert("People/Jon Park.md", "# Jon\n", 0);
  v.upsert("Customers/Acme.md", "[[Jon Park]] and [[Jonathan Park]]\n", 0);
  EXPECT_EQ(v.unresolved().size(), 1u);
  ASSERT_TRUE(v.rename("People/Jon Park.md", "People/Jonathan Park.md"));
  EXPECT_EQ(v.find("People/Jon Park.md"), nullptr);
  ASSERT_NE(v.find("People/Jonathan Park.md"), nullptr);
  EXPECT_EQ(v.find("People/Jonathan Park.md")->name, "Jonathan Park");
  EXPECT_EQ(v.resolve("Jonathan Park", "Customers/Acme.md"), "People/Jonathan Park.md");
  auto unresolved = v.unresolved();
  ASSERT_EQ(unresolved.size(), 1u);
  EXPECT_EQ(unresolved[0].target, "Jon Park");
  EXPECT_EQ(v.backlinks("People/Jonathan Park.md"), (std::vector<std::string>{"Customers/Acme.md"}));
  EXPECT_FALSE(v.rename("missing.md", "x.md"));
}

TEST(Index, UpsertReplacesTheOldVersionCompletely) {
  index::Vault v;
  v.upsert("a.md", "---\naliases: [Old]\n---\n", 0);
  v.upsert("a.md", "---\naliases: [New]\n---\n", 0);
  EXPECT_FALSE(v.resolve("Old", "x.md", true).has_value());
  EXPECT_EQ(v.resolve("New", "x.md", true), "a.md");
  EXPECT_EQ(v.size(), 1u);
}

TEST(Index, TagsWithSubtagsAndFolders) {
  index::Vault v;
  v.upsert("Inbox/a.md", "#followup/network\n", 0);
  v.upsert("Inbox/Deep/b.md", "---\ntags: [FollowUp]\n---\n", 0);
  v.upsert("Inboxes/c.md", "#followupx\n", 0);
  EXPECT_EQ(v.notes_with_tag("#followup"), (std::vector<std::string>{"Inbox/Deep/b.md", "Inbox/a.md"}));
  EXPECT_EQ(v.notes_with_tag("followup", false), (std::vector<std::string>{"Inbox/Deep/b.md"}));
  EXPECT_EQ(v.notes_in_folder("Inbox").size(), 2u);  // not "Inboxes"
  EXPECT_EQ(v.notes_in_folder("").size(), 3u);
  v.remove("Inbox/a.md");
  EXPECT_EQ(v.notes_with_tag("followup"), (std::vector<std::string>{"Inbox/Deep/b.md"}));
}

// A tag is found by itself and by each parent it names, through edits that
// move a note between subtags, and a parent lets go of a note only when no
// tag of the note is under it any more.
TEST(Index, NestedTagsAreFoundByEveryParentThroughEdits) {
  index::Vault v;
  v.upsert("a.md", "#Region/EMEA/dach\n", 0);
  v.upsert("b.md", "---\ntags: [region/emea, region/apac]\n---\n", 0);
  v.upsert("c.md", "#regional\n", 0);
  using Paths = std::vector<std::string>;
  EXPECT_EQ(v.notes_with_tag("region"), (Paths{"a.md", "b.md"}));  // not #regional
  EXPECT_EQ(v.notes_with_tag("#REGION/emea"), (Paths{"a.md", "b.md"}));
  EXPECT_EQ(v.notes_with_tag("region/emea/DACH"), (Paths{"a.md"}));
  EXPECT_EQ(v.notes_with_tag("region/emea", false), (Paths{"b.md"}));
  EXPECT_EQ(v.notes_with_tag("region", false), (Paths{}));
  EXPECT_EQ(v.notes_with_tag("emea"), (Paths{}));  // a child is not a tag of its own

  v.upsert("a.md", "#region/apac\n", 1);  // from one branch to the other
  EXPECT_EQ(v.notes_with_tag("region/emea"), (Paths{"b.md"}));
  EXPECT_EQ(v.notes_with_tag("region/emea/dach"), (Paths{}));
  EXPECT_EQ(v.notes_with_tag("region/apac"), (Paths{"a.md", "b.md"}));
  EXPECT_EQ(v.notes_with_tag("region"), (Paths{"a.md", "b.md"}));

  v.upsert("b.md", "---\ntags: [region/apac]\n---\n", 1);  // one of two subtags gone
  EXPECT_EQ(v.notes_with_tag("region/emea"), (Paths{}));
  EXPECT_EQ(v.notes_with_tag("region"), (Paths{"a.md", "b.md"}));
  v.upsert("b.md", "no tags\n", 2);
  EXPECT_EQ(v.notes_with_tag("region"), (Paths{"a.md"}));
  v.rename("a.md", "z.md");
  EXPECT_EQ(v.notes_with_tag("region/apac"), (Paths{"z.md"}));
  v.remove("z.md");
  EXPECT_EQ(v.notes_with_tag("region"), (Paths{}));
  EXPECT_EQ(v.notes_with_tag("regional"), (Paths{"c.md"}));
}

TEST(Index, KeepsExactTextAndItsHashThroughRename) {
  index::Vault v;
  std::string text = "\xEF\xBB\xBF---\r\ntype: person\r\n---\r\nbody  \r\n";
  v.upsert("a.md", text, 0);
  EXPECT_EQ(v.text("a.md"), text);
  EXPECT_EQ(v.text_hash("a.md"), index::hash_text(text));
  EXPECT_NE(index::hash_text(text), index::hash_text(text + " "));
  v.rename("a.md", "b.md");
  EXPECT_FALSE(v.text("a.md").has_value());
  EXPECT_EQ(v.text("b.md"), text);
  v.remove("b.md");
  EXPECT_EQ(v.text_hash("b.md"), 0u);
}

TEST(Index, HashIsStandardFnv1a64) {
  // Known answers of FNV-1a 64; the plugin (plugin/merge.ts) hashes the same way.
  EXPECT_EQ(index::hash_text(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(index::hash_text("a"), 0xaf63dc4c8601ec8cull);
}

namespace {
// Everything the name, alias, link and tag indexes answer, in their order.
std::vector<std::string> index_answers(const index::Vault& v, const std::vector<std::string>& names) {
  std::vector<std::string> out;
  auto paths = [&](const std::vector<const parse::Note*>& notes) {
    std::string line;
    for (const parse::Note* n : notes) line += n->path + ";";
    out.push_back(line);
  };
  for (const std::string& name : names) {
    paths(v.notes_named(name));
    paths(v.notes_linking_name(name));
    paths(v.tagged_notes(name));
    out.push_back(v.resolve(name, "", true).value_or("-"));
    out.push_back(v.resolve(name, "Deals/x.md").value_or("-"));
  }
  for (const auto& [path, note] : v.notes()) paths(v.backlink_notes(path));
  return out;
}
}  // namespace

// A host may list a vault's files in any order: the indexes must answer in
// path order whatever order the notes came in, with reads, edits and
// removals in between, and a note listed once per key however many of its
// links or tags share it.
TEST(Index, NotesArrivingInAnyOrderAreIndexedInPathOrder) {
  std::vector<std::pair<std::string, std::string>> files;
  const std::vector<std::string> names = {"acme", "globex", "ana", "pilot", "Ana Alias", "deal"};
  for (int i = 0; i < 120; ++i) {
    const std::string folder = i % 3 == 0 ? "People/" : i % 3 == 1 ? "Deals/" : "Deals/Old/";
    const std::string name = names[static_cast<size_t>(i) % names.size()];
    // Links to one name apart from each other ([[acme]] ... [[Acme]]), namesakes across folders.
    std::string text = "---\naliases: [\"Ana Alias\"]\ntags: [pilot, " + name + "]\n---\n[[" + name + "]] [[globex]] [[" +
                       names[static_cast<size_t>(i * 7) % names.size()] + "]] [[ACME]] #pilot\n";
    files.emplace_back(folder + name + " " + std::to_string(i % 40) + ".md", text);
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end(),
                          [](const auto& a, const auto& b) { return a.first == b.first; }),
              files.end());

  index::Vault in_order;
  for (const auto& [path, text] : files) in_order.upsert(path, text, 0);
  const std::vector<std::string> expected = index_answers(in_order, names);

  auto load = [&](std::vector<std::pair<std::string, std::string>> order, bool read_between) {
    index::Vault v;
    for (size_t i = 0; i < order.size(); ++i) {
      v.upsert(order[i].first, order[i].second, 0);
      if (read_between && i % 17 == 0) (void)index_answers(v, names);
    }
    return index_answers(v, names);
  };
  std::vector<std::pair<std::string, std::string>> reversed(files.rbegin(), files.rend());
  EXPECT_EQ(load(reversed, false), expected) << "reverse path order";
  std::vector<std::pair<std::string, std::string>> shuffled = files;
  std::mt19937 rng(5);
  for (size_t i = shuffled.size(); i > 1; --i) std::swap(shuffled[i - 1], shuffled[rng() % i]);
  EXPECT_EQ(load(shuffled, false), expected) << "shuffled";
  EXPECT_EQ(load(shuffled, true), expected) << "shuffled, read while loading";

  // Edits and removals of notes still waiting to be put in order.
  index::Vault v;
  for (const auto& [path, text] : reversed) v.upsert(path, text, 0);
  const auto& [edited, edited_text] = files[files.size() / 2];
  v.upsert(edited, edited_text + "[[deal]]\n", 1);
  v.upsert(edited, edited_text, 1);
  v.upsert(files[3].first, files[3].second, 1);
  v.remove(files[5].first);
  v.upsert(files[5].first, files[5].second, 0);
  EXPECT_EQ(index_answers(v, names), expected) << "edited and removed while out of order";
}

// An edit moves a note only between the link-name sets whose keys changed
// (Vault::edit_keys): links alike at the start and end of the two versions
// are not looked at, and a dropped link's name stays while another link of
// the note, kept or new, has it in any case. After every edit the sets
// answer as a vault that only ever saw the last version.
TEST(Index, EditedLinksLeaveAndJoinNameSetsAsAFreshVaultWould) {
  const std::vector<std::string> names = {"Ana", "ana", "ANA", "Bo", "People/Bo", "Cy", "Jürgen", "JÜRGEN", "#Top"};
  std::mt19937 rng(19);
  auto text_of = [&](const std::vector<std::string>& links) {
    std::string t = "---\ntags: [t" + std::to_string(rng() % 2) + "]\n---\n";
    for (const auto& l : links) t += "see [[" + l + "]]\n";
    return t;
  };
  auto answers = [&](const index::Vault& v) {
    std::vector<std::vector<std::string>> out;
    for (const auto& name : {"ana", "bo", "cy", "jürgen", "Note"}) {
      std::vector<std::string> paths;
      for (const auto* n : v.notes_linking_name(name)) paths.push_back(n->path);
      out.push_back(paths);
    }
    return out;
  };
  index::Vault edited;
  edited.upsert("Other.md", "[[Ana]]\n", 0);
  std::vector<std::string> links = {"Ana", "Bo", "ana"};
  edited.upsert("Note.md", text_of(links), 0);
  for (int step = 0; step < 400; ++step) {
    // Drop, add or replace one link anywhere, or a few in a row.
    const int op = rng() % 4;
    const size_t at = links.empty() ? 0 : rng() % (links.size() + 1);
    if (op == 0 && !links.empty()) links.erase(links.begin() + std::min(at, links.size() - 1));
    else if (op == 1) links.insert(links.begin() + at, names[rng() % names.size()]);
    else if (op == 2 && !links.empty()) links[std::min(at, links.size() - 1)] = names[rng() % names.size()];
    else for (int i = 0, n = 1 + rng() % 3; i < n; ++i) links.insert(links.begin() + std::min(at, links.size()), names[rng() % names.size()]);
    const std::string text = text_of(links);
    edited.upsert("Note.md", text, 0);
    index::Vault fresh;
    fresh.upsert("Other.md", "[[Ana]]\n", 0);
    fresh.upsert("Note.md", text, 0);
    ASSERT_EQ(answers(edited), answers(fresh)) << "step " << step << ":\n" << text;
  }
}

// find() answers from a hash index of exact paths beside the notes: after
// any run of upserts, removals, renames (onto free and taken paths),
// restores, a move of the whole vault and a clear, it finds exactly the
// notes the vault holds, each under its own path and no other spelling.
TEST(Index, FindFollowsEveryChangeOfPaths) {
  std::vector<std::string> pool;
  for (int i = 0; i < 40; ++i) pool.push_back((i % 3 ? "People/P" : "Customers/C") + std::to_string(i) + ".md");
  pool.push_back("people/p1.md");  // a case twin of People/P1.md: another path
  std::mt19937 rng(5);
  index::Vault vault;
  auto check = [&](const index::Vault& v, int step) {
    for (const auto& p : pool) {
      const bool held = v.notes().count(p) == 1;
      const parse::Note* found = v.find(p);
      ASSERT_EQ(found != nullptr, held) << p << " at step " << step;
      if (found) {
        ASSERT_EQ(found->path, p);
        ASSERT_EQ(found, &v.notes().find(p)->second);
      }
    }
    ASSERT_EQ(v.find("People/P1"), nullptr);  // no ".md": not a path
  };
  for (int step = 0; step < 3000; ++step) {
    const std::string& a = pool[rng() % pool.size()];
    const std::string& b = pool[rng() % pool.size()];
    switch (rng() % 6) {
      case 0:
      case 1: vault.upsert(a, "# " + a + "\n[[" + b + "]]\n", step); break;
      case 2: vault.remove(a); break;
      case 3: vault.rename(a, b); break;
      case 4: vault.restore(parse::parse_note(a, "restored\n", step), index::hash_text("restored\n")); break;
      case 5:
        if (step % 500 == 5) {
          index::Vault moved(std::move(vault));
          check(moved, step);
          vault = std::move(moved);
        } else if (step % 1000 == 7) {
          vault.clear();
        }
        break;
    }
    check(vault, step);
  }
}

// An edit keeps the note as it was in the change log (Change::before), for
// the last kEditsKept changes: kept query answers compare what they took
// from a note then and now.
TEST(VaultChanges, AnEditKeepsTheNoteAsItWasForTheLastEdits) {
  vaultcrm::index::Vault vault;
  (void)vault.upsert("a.md", "# A\n- [ ] first\n", 0);
  const uint64_t g0 = vault.generation();
  (void)vault.upsert("a.md", "# A\n- [ ] second\n", 1);
  std::vector<vaultcrm::index::Vault::Change> log;
  ASSERT_TRUE(vault.changes_since(g0, log));
  ASSERT_EQ(log.size(), 1u);
  ASSERT_NE(log[0].before, nullptr);
  ASSERT_EQ(log[0].before->tasks.size(), 1u);
  EXPECT_EQ(log[0].before->tasks[0].text, "first");  // its text still readable
  EXPECT_EQ(vault.find("a.md")->tasks[0].text, "second");
  EXPECT_EQ(log[0].note, vault.find("a.md"));  // the address stays the live note's

  // A new note has no before; older edits let theirs go.
  (void)vault.upsert("b.md", "new\n", 2);
  for (size_t i = 0; i < vaultcrm::index::Vault::kEditsKept; ++i)
    (void)vault.upsert("a.md", "# A\n- [ ] edit " + std::to_string(i) + "\n", 3);
  log.clear();
  ASSERT_TRUE(vault.changes_since(g0, log));
  ASSERT_EQ(log.size(), 2 + vaultcrm::index::Vault::kEditsKept);
  EXPECT_EQ(log[0].before, nullptr);
  EXPECT_EQ(log[1].before, nullptr);  // b.md, added
  EXPECT_NE(log.back().before, nullptr);
  EXPECT_EQ(log.back().before->tasks[0].text, "edit " + std::to_string(vaultcrm::index::Vault::kEditsKept - 2));
}

// The name filter before a link is resolved: it may only rule out names
// that no case folding makes one.
TEST(Index, MayBeSameNameRulesOutOnlyNamesNoFoldingJoins) {
  using vaultcrm::index::may_be_same_name;
  EXPECT_TRUE(may_be_same_name("Acme", "Acme"));
  EXPECT_TRUE(may_be_same_name("Acme", "aCME"));
  EXPECT_FALSE(may_be_same_name("Acme", "Acmf"));
  EXPECT_FALSE(may_be_same_name("Acme", "Acme Corp"));
  EXPECT_FALSE(may_be_same_name("a@b", "a`b")) << "'@' and '`' differ by the case bit, but are not letters";
  EXPECT_FALSE(may_be_same_name("Bo-Ek", "Bo Ek"));
  EXPECT_TRUE(may_be_same_name("J\xC3\xBCrgen", "J\xC3\x9CRGEN")) << "ü / Ü: left to the vault";
  EXPECT_TRUE(may_be_same_name("K", "\xE2\x84\xAA")) << "the Kelvin sign folds to k";
  EXPECT_FALSE(may_be_same_name("Ana\xC3\xA9", "Bon\xC3\xA9")) << "they differ before the first non-ASCII byte";
  EXPECT_TRUE(may_be_same_name("Ana", "An\xC3\xA1")) << "sizes differ, one is not ASCII: left to the vault";
}

// resolve_stored's `same_from_any_folder`: when it says so, every folder
// gets that answer (the graph keeps one answer per target on its word); it
// must say so for a name one note bears, and not when two notes bear it.
TEST(Index, AnAnswerSaidSameFromAnyFolderIsTheSameFromEveryFolder) {
  index::Vault v;
  for (const char* path : {"Ana.md", "East/Ana.md", "West/Ana.md", "East/Team/Bo.md", "West/Team/Bo.md", "Team/Cy.md",
                           "East/Team/Cy.md", "People/Dee.md", "East/Old/Eve.md", "Acme.md", "acme.md"})
    v.upsert(path, "---\naliases: [Boss]\n---\n", 0);
  v.upsert("People/Fay.md", "---\naliases: [Fay Alias]\n---\n", 0);
  const std::vector<std::string> folders = {"", "East", "West", "East/Team", "West/Team", "Team", "People", "Elsewhere"};
  const std::vector<std::string> targets = {"Ana", "ana.md", "East/Ana", "Team/Bo", "Bo", "Cy", "Team/Cy", "Dee",
                                            "People/Dee", "Old/Eve", "Eve", "Acme", "Nobody", "Fay Alias", "Boss",
                                            "./Ana", "../Ana", "/Dee"};
  size_t said_same = 0;
  for (const auto& target : targets) {
    std::vector<const std::string*> answers;
    bool any_said_same = false;
    for (const auto& folder : folders) {
      bool same = false;
      answers.push_back(v.resolve_stored(target, folder.empty() ? "n.md" : folder + "/n.md", true, &same));
      any_said_same = any_said_same || same;
    }
    if (!any_said_same) continue;
    ++said_same;
    for (size_t i = 1; i < answers.size(); ++i)
      EXPECT_EQ(answers[i], answers[0]) << target << " from " << folders[i];
  }
  auto same_from = [&](std::string_view target, std::string_view source) {
    bool same = false;
    v.resolve_stored(target, source, true, &same);
    return same;
  };
  EXPECT_TRUE(same_from("Dee", "East/n.md"));      // one note bears the name
  EXPECT_TRUE(same_from("Nobody", "East/n.md"));   // none does
  EXPECT_TRUE(same_from("Fay Alias", "West/n.md"));  // found by alias alone
  EXPECT_TRUE(same_from("East/Ana", "West/n.md"));   // a path from the root
  EXPECT_TRUE(same_from("Ana", "West/n.md"));  // "Ana" is the path of the root's Ana first
  EXPECT_FALSE(same_from("Cy", "People/n.md"));  // two notes: the nearest wins
  EXPECT_FALSE(same_from("Bo", "People/n.md"));
  EXPECT_FALSE(same_from("Team/Bo", "People/n.md"));  // two end in Team/Bo
  EXPECT_FALSE(same_from("./Ana", "East/n.md"));      // relative to the linking note
  EXPECT_GE(said_same, 8u);
}
