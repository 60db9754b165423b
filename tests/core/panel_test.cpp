// The account panel: the seed note inside the project's sample vault, and
// small vaults for each rule.
#include <algorithm>
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"
#include "vaultcrm/graph.h"
#include "vaultcrm/panel.h"

using namespace vaultcrm;
namespace fs = std::filesystem;

namespace {

struct Loaded {
  index::Vault vault;
  graph::Graph graph;
};

const Loaded& sample() {
  static Loaded loaded = [] {
    Loaded l;
    std::string root = vaultcrm::testing::source_path("sample-vault");
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file() && e.path().extension() == ".md")
        l.vault.upsert(fs::relative(e.path(), root).generic_string(), vaultcrm::testing::read_file(e.path().string()),
                       0);
    l.graph.rebuild(l.vault);
    return l;
  }();
  return loaded;
}

panel::AccountPanel seed_panel() {
  auto p = panel::build(sample().vault, sample().graph, "Customers/Microsoft.md");
  EXPECT_TRUE(p.has_value());
  return *p;
}

const panel::Contact* contact(const panel::AccountPanel& p, const std::string& name) {
  for (const auto& c : p.contacts)
    if (c.name == name) return &c;
  return nullptr;
}

std::optional<panel::AccountPanel> build(const std::vector<std::pair<std::string, std::string>>& notes,
                                         const std::string& path) {
  static Loaded l;
  l = Loaded();  // not Loaded{}: that copy-list-initialises Graph, whose constructor is explicit
  for (const auto& [p, t] : notes) l.vault.upsert(p, t, 0);
  l.graph.rebuild(l.vault);
  return panel::build(l.vault, l.graph, path);
}

}  // namespace

TEST(Panel, SeedStatusIndustryLastContact) {
  auto p = seed_panel();
  EXPECT_EQ(p.title, "Microsoft");
  EXPECT_EQ(p.type, "customer");
  EXPECT_EQ(p.status_value, "Active");
  EXPECT_EQ(p.industry, "Technology");
  EXPECT_EQ(p.last_contact, "2025-12-17");
  ASSERT_EQ(p.status.size(), 2u);
  EXPECT_EQ(p.status[0].line, 17);
}

TEST(Panel, RonnieBookerOnceWithBothRoles) {
  auto p = seed_panel();
  int rows = 0;
  for (const auto& c : p.contacts) rows += c.name == "Ronnie Booker";
  EXPECT_EQ(rows, 1);
  const auto* ronnie = contact(p, "Ronnie Booker");
  ASSERT_NE(ronnie, nullptr);
  EXPECT_EQ(ronnie->count, 4);  // 2 Key Contacts bullets + 2 Collaborators rows
  EXPECT_EQ(ronnie->link, "People/Ronnie Booker.md");
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  EXPECT_TRUE(has(ronnie->roles, "Runs Azure hardware"));
  EXPECT_TRUE(has(ronnie->roles, "Owns chassis/layout/storage placement decisions for Apollo deployments"));
  EXPECT_TRUE(has(ronnie->companies, "Microsoft"));
}

TEST(Panel, PeopleWithoutNotesKeepRoleAndCompany) {
  auto p = seed_panel();
  // "Narayan" has no note and no link: a plain Key Contacts bullet and a table row.
  const auto* narayan = contact(p, "Narayan");
  ASSERT_NE(narayan, nullptr);
  EXPECT_FALSE(narayan->link.has_value());
  EXPECT_EQ(narayan->entity, "person:narayan");
  EXPECT_EQ(narayan->count, 2);
  EXPECT_EQ(narayan->roles, (std::vector<std::string>{"Azure Networking leader (overarching; uncertain)"}));
  EXPECT_EQ(narayan->companies, (std::vector<std::string>{"Microsoft"}));
  // A linked person without a note is one entity with the plain mentions of the same name.
  const auto* amy = contact(p, "Amy Hood");
  ASSERT_NE(amy, nullptr);
  EXPECT_EQ(amy->roles, (std::vector<std::string>{"CFO"}));
}

TEST(Panel, TimelineCollapsesExactRepeatsNewestFirst) {
  auto p = seed_panel();
  EXPECT_EQ(p.recent_context.size(), 71u);  // as written
  // "Microsoft Ignite follow-up ..." is written three times on 2025-12-11.
  int ignite = 0;
  for (const auto& e : p.timeline)
    if (e.text.find("Microsoft Ignite follow-up") != std::string::npos) {
      ++ignite;
      EXPECT_EQ(e.count, 3);
      EXPECT_EQ(e.lines.size(), 3u);
    }
  EXPECT_EQ(ignite, 1);
  for (size_t i = 1; i < p.timeline.size(); ++i)
    if (!p.timeline[i].date.empty()) EXPECT_GE(p.timeline[i - 1].date, p.timeline[i].date);
  EXPECT_EQ(p.timeline.front().date, "2026-01-04");
  // The entry naming a meeting note links to it.
  bool linked = false;
  for (const auto& e : p.timeline)
    if (e.meeting == "Meetings/2025-12-15 - Microsoft MAI strategy and next steps.md") linked = true;
  EXPECT_TRUE(linked);
}

TEST(Panel, OpenTasksIncludeMeetingsAboutTheAccount) {
  auto p = build({{"Customers/Acme.md", "---\ntype: customer\n---\n## Next\n- [ ] call 📅 2026-01-02 ⏫\n- [x] done\n- [-] "
                                         "cancelled\n- [/] in progress\n"},
                  {"Meetings/2026-01-05 Acme sync.md",
                   "---\ntype: meeting\naccount: \"[[Acme]]\"\nattendees: [\"[[Ana Lima]]\"]\n---\n- [ ] send deck\n- [x] "
                   "sent NDA\n"},
                  {"Meetings/2026-01-06 Other.md", "---\ntype: meeting\naccount: \"[[Other]]\"\n---\n- [ ] unrelated\n"}},
                 "Customers/Acme.md");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->open_tasks.size(), 3u);
  EXPECT_EQ(p->open_tasks[0].due, "2026-01-02");
  EXPECT_EQ(p->open_tasks[0].priority, "high");
  EXPECT_EQ(p->open_tasks[1].status, "/");
  EXPECT_EQ(p->open_tasks[2].path, "Meetings/2026-01-05 Acme sync.md");
  ASSERT_EQ(p->timeline.size(), 1u);
  EXPECT_EQ(p->timeline[0].kind, "meeting");
  EXPECT_EQ(p->timeline[0].date, "2026-01-05");
}

TEST(Panel, LastMeetingAndSharedPeople) {
  auto p = build({{"Customers/Acme.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]]\n- Bo Berg\n"},
                  {"Customers/Beta.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]]\n"},
                  {"People/Ana Lima.md", "---\ntype: person\ncompany: \"[[Acme]]\"\nrole: [CFO, Board member]\n---\n"},
                  {"Meetings/2025-11-01 Kickoff.md", "---\ntype: meeting\naccount: \"[[Acme]]\"\nattendees: [\"[[Ana Lima]]\"]\n---\n"},
                  {"Meetings/2025-12-01 Review.md", "---\ntype: meeting\naccount: \"[[Acme]]\"\n---\n## Attendees\n- [[Ana Lima]]\n- Bo Berg\n"}},
                 "Customers/Acme.md");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->contacts.size(), 2u);
  const auto& ana = p->contacts[0];
  EXPECT_EQ(ana.roles, (std::vector<std::string>{"CFO", "Board member"}));
  EXPECT_EQ(ana.companies, (std::vector<std::string>{"Acme"}));
  ASSERT_TRUE(ana.last_meeting.has_value());
  EXPECT_EQ(ana.last_meeting->date, "2025-12-01");
  EXPECT_EQ(ana.other_accounts, (std::vector<std::string>{"Beta"}));
  ASSERT_EQ(p->shared_people.size(), 1u);
  EXPECT_EQ(p->contacts[1].last_meeting->path, "Meetings/2025-12-01 Review.md");
}

// An alias recognises a person only when one note bears it. "Inês" as the
// alias of two people names neither: the plain "Inês" of Acme's contacts
// stays a name, and is no contact of the other Inês's account (choosing
// the first in path order made one arbitrary Inês a contact of every
// account listing an Inês, "shared" with all of them).
TEST(Panel, AnAliasTwoPeopleBearRecognisesNeither) {
  const std::vector<std::pair<std::string, std::string>> notes = {
      {"Customers/Acme.md", "---\ntype: customer\n---\n## Key Contacts\n- Inês\n- Teo\n"},
      {"Customers/Beta.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Inês Adebayo]]\n"},
      {"People/Inês Adebayo.md", "---\ntype: person\naliases: [Inês]\ncompany: \"[[Beta]]\"\n---\n"},
      {"People/Inês Rossi.md", "---\ntype: person\naliases: [Inês]\ncompany: \"[[Acme]]\"\n---\n"},
      {"People/Mateus Oliveira.md", "---\ntype: person\naliases: [Teo]\n---\n"}};
  auto p = build(notes, "Customers/Acme.md");
  ASSERT_TRUE(p.has_value());
  const panel::Contact* ines = contact(*p, "Inês");
  ASSERT_NE(ines, nullptr);
  EXPECT_EQ(ines->link, std::nullopt);
  EXPECT_TRUE(ines->other_accounts.empty());
  EXPECT_TRUE(p->shared_people.empty());
  // An alias one note bears still recognises its person.
  const panel::Contact* teo = contact(*p, "Teo");
  ASSERT_NE(teo, nullptr);
  EXPECT_EQ(teo->link, std::optional<std::string>("People/Mateus Oliveira.md"));
  // With one bearer left, "Inês" is that person again.
  auto one = notes;
  one.erase(one.begin() + 3);
  p = build(one, "Customers/Acme.md");
  ASSERT_TRUE(p.has_value());
  ines = contact(*p, "Inês");
  ASSERT_NE(ines, nullptr);
  EXPECT_EQ(ines->link, std::optional<std::string>("People/Inês Adebayo.md"));
  EXPECT_EQ(ines->other_accounts, (std::vector<std::string>{"Beta"}));
}

// A first name many people in the vault go by names, in an account that
// links one of them by it, that person: "- Chen" under "[[Chen Zielinski|Chen]]"
// is not a stranger every account with a Chen shares.
TEST(Panel, APlainNameIsThePersonTheAccountLinksWhoGoesByIt) {
  const std::vector<std::pair<std::string, std::string>> notes = {
      {"Customers/Acme.md",
       "---\ntype: customer\n---\n## Key Contacts\n- [[Chen Zielinski|Chen]]\n- Chen - sponsor\n- chen\n"},
      {"Customers/Beta.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Chen Wu]]\n- Chen\n"},
      {"Customers/Gamma.md", "---\ntype: customer\n---\n## Key Contacts\n- Chen\n"},
      {"People/Chen Zielinski.md", "---\ntype: person\naliases: [Chen]\n---\n"},
      {"People/Chen Wu.md", "---\ntype: person\naliases: [Chen]\n---\n"}};
  auto p = build(notes, "Customers/Acme.md");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->contacts.size(), 1u);
  EXPECT_EQ(p->contacts[0].link, std::optional<std::string>("People/Chen Zielinski.md"));
  EXPECT_EQ(p->contacts[0].count, 3);
  EXPECT_TRUE(p->contacts[0].other_accounts.empty());
  EXPECT_TRUE(p->shared_people.empty());
  // Beta links the other Chen: its "Chen" is Chen Wu.
  p = build(notes, "Customers/Beta.md");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->contacts.size(), 1u);
  EXPECT_EQ(p->contacts[0].link, std::optional<std::string>("People/Chen Wu.md"));
  // Gamma links neither: its Chen stays a name, shared with nobody.
  p = build(notes, "Customers/Gamma.md");
  ASSERT_TRUE(p.has_value());
  const panel::Contact* chen = contact(*p, "Chen");
  ASSERT_NE(chen, nullptr);
  EXPECT_EQ(chen->link, std::nullopt);
  EXPECT_TRUE(chen->other_accounts.empty());
}

// A plain first name two people the account links answer to (one by an
// alias, one by a first name) stays a name: the graph does not guess.
TEST(Panel, APlainNameTwoLinkedPeopleAnswerToStaysAName) {
  const std::vector<std::pair<std::string, std::string>> notes = {
      {"Customers/Acme.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Jason Vallery]]\n- [[Jason Taylor]]\n"
                            "- Jason - asked for pricing\n"},
      {"Customers/Beta.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Jason Mills]]\n"},
      {"People/Jason Vallery.md", "---\ntype: person\naliases: [Jason]\n---\n"},
      {"People/Jason Taylor.md", "---\ntype: person\n---\n"},
      {"People/Jason Mills.md", "---\ntype: person\naliases: [Jason]\n---\n"}};
  auto p = build(notes, "Customers/Acme.md");
  ASSERT_TRUE(p.has_value());
  const panel::Contact* jason = contact(*p, "Jason");
  ASSERT_NE(jason, nullptr);
  EXPECT_EQ(jason->link, std::nullopt);
  EXPECT_EQ(p->contacts.size(), 3u);
}

// A person many accounts list names each of them once, however many times
// each lists the person, and two accounts of one name once.
TEST(Panel, APersonManyAccountsListNamesEachOnce) {
  std::vector<std::pair<std::string, std::string>> notes = {
      {"Customers/Home.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]]\n"},
      {"People/Ana Lima.md", "---\ntype: person\n---\n"},
      {"Archive/Account 07.md", "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]]\n"}};
  std::vector<std::string> expected;
  for (int i = 0; i < 40; ++i) {
    std::string name = "Account " + std::string(i < 10 ? "0" : "") + std::to_string(i);
    notes.push_back({"Customers/" + name + ".md",
                     "---\ntype: customer\n---\n## Key Contacts\n- [[Ana Lima]]\n- [[Ana Lima]] - again\n"});
    expected.push_back(name);
  }
  auto p = build(notes, "Customers/Home.md");
  ASSERT_TRUE(p.has_value());
  const panel::Contact* ana = contact(*p, "Ana Lima");
  ASSERT_NE(ana, nullptr);
  std::vector<std::string> named = ana->other_accounts;
  EXPECT_EQ(named.size(), 40u);
  std::sort(named.begin(), named.end());
  EXPECT_EQ(named, expected);
}

TEST(Panel, SchemaOverrideRenamesSections) {
  index::Vault v;
  v.upsert("Kunden/Bäckerei.md", "---\ntype: kunde\n---\n## Ansprechpartner\n- [[Jürgen Weiß]]\n- Jürgen Weiß\n", 0);
  graph::Graph g;
  g.rebuild(v);
  EXPECT_TRUE(panel::build(v, g, "Kunden/Bäckerei.md")->contacts.empty());
  schema::Schema s;
  std::string error;
  ASSERT_TRUE(schema::from_json(R"({"contactHeadings": ["Ansprechpartner"], "accountTypes": ["kunde"]})", s, error));
  g.set_schema(v, s);
  auto p = panel::build(v, g, "Kunden/Bäckerei.md");
  ASSERT_EQ(p->contacts.size(), 1u);
  EXPECT_EQ(p->contacts[0].name, "Jürgen Weiß");
  EXPECT_EQ(p->contacts[0].count, 2);
  EXPECT_FALSE(schema::from_json(R"({"contactHeading": ["typo"]})", s, error));
  EXPECT_NE(error.find("contactHeading"), std::string::npos);
  EXPECT_FALSE(panel::build(v, g, "Kunden/None.md").has_value());
}
