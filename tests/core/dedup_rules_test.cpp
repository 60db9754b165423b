// One test per dedup rule, each with a case that must merge and one that must not.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "vaultcrm/dedup.h"
#include "vaultcrm/engine.h"
#include "vaultcrm/index.h"

using namespace vaultcrm;
using namespace vaultcrm::dedup;

namespace {

// A customer note with a Key Contacts list and a Collaborators table.
std::string customer(const std::vector<std::string>& contacts, const std::vector<std::string>& rows = {},
                     const std::vector<std::string>& timeline = {}) {
  std::string s = "---\ntype: customer\n---\n# Acme\n\n## Key Contacts\n\n";
  for (const auto& c : contacts) s += "- " + c + "\n";
  s += "\n## Collaborators\n\n| Person | Role | Company |\n|---|---|---|\n";
  for (const auto& r : rows) s += r + "\n";
  s += "\n## Recent Context\n\n";
  for (const auto& t : timeline) s += "- " + t + "\n\n";
  return s;
}

Report run_on(const std::vector<std::pair<std::string, std::string>>& notes) {
  index::Vault v;
  for (const auto& [p, t] : notes) v.upsert(p, t, 0);
  return run(v, Options{});
}

const Cluster* cluster_with(const Report& r, const std::string& surface) {
  for (const auto& c : r.contacts.clusters)
    if (std::find(c.members.begin(), c.members.end(), surface) != c.members.end()) return &c;
  return nullptr;
}

bool together(const Report& r, const std::string& a, const std::string& b) {
  const Cluster* c = cluster_with(r, a);
  return c && !c->ambiguous && std::find(c->members.begin(), c->members.end(), b) != c->members.end();
}

bool grouped(const Report& r, int a, int b) {
  for (const auto& g : r.groups)
    if (std::find(g.lines.begin(), g.lines.end(), a) != g.lines.end() &&
        std::find(g.lines.begin(), g.lines.end(), b) != g.lines.end())
      return true;
  return false;
}

int line_of(const std::string& text, const std::string& needle) {
  size_t p = text.find(needle);
  return p == std::string::npos ? -1 : static_cast<int>(std::count(text.begin(), text.begin() + p, '\n')) + 1;
}

}  // namespace

TEST(DedupText, FoldUsesUnicodeAndExplicitBaseLetters) {
  EXPECT_EQ(fold("Jürgen"), "jurgen");
  EXPECT_EQ(fold("ŁUKASZ"), "lukasz");
  EXPECT_EQ(fold("Søren"), "soren");
  EXPECT_EQ(fold("Straße"), "strasse");
  EXPECT_EQ(fold("Petrović"), "petrovic");
  EXPECT_NE(fold("Anna"), fold("Anne"));
}

TEST(DedupText, TokenRelations) {
  EXPECT_EQ(token_relation("Jürgen", "Juergen", true), TokenRel::Translit);
  EXPECT_EQ(token_relation("Juergen", "Jurgen", true), TokenRel::Typo);
  EXPECT_EQ(token_relation("Bob", "Robert", true), TokenRel::Nickname);
  EXPECT_EQ(token_relation("Sasha", "Alexander", true), TokenRel::Nickname);
  EXPECT_EQ(token_relation("Stefansson", "Stephenson", false), TokenRel::Phonetic);
  EXPECT_EQ(token_relation("Emig", "Eming", false), TokenRel::Typo);
  EXPECT_EQ(token_relation("R.", "Robert", true), TokenRel::Initial);
  EXPECT_EQ(token_relation("Vasquez", "Vasquez-Morrow", false), TokenRel::HyphenPart);
  // Negative cases.
  EXPECT_EQ(token_relation("Anna", "Anne", true), TokenRel::Different);   // a different given name
  EXPECT_EQ(token_relation("Jai", "Jay", true), TokenRel::Different);     // too short for a typo
  EXPECT_EQ(token_relation("Emig", "Imming", false), TokenRel::Different);
  EXPECT_EQ(token_relation("Bob", "William", true), TokenRel::Different);
}

// osa_distance trims a shared prefix and suffix and fills only a band of
// the table; the answer must be what the full optimal-string-alignment table
// gives (capped at cap + 1), on every pair of short strings over a small
// alphabet (where transpositions and repeats are dense) and on random
// longer ones.
namespace {
int osa_full_table(const std::string& a, const std::string& b, int cap) {
  size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= m; ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return std::min(d[n][m], cap + 1);
}
void all_strings(const std::string& alphabet, size_t max_len, std::vector<std::string>& out) {
  out.push_back("");
  for (size_t k = 0; k < out.size(); ++k)
    if (out[k].size() < max_len)
      for (char c : alphabet) out.push_back(out[k] + c);
}
}  // namespace

TEST(DedupText, OsaDistanceMatchesTheFullTable) {
  std::vector<std::string> abc, ab;
  all_strings("abc", 5, abc);
  all_strings("ab", 7, ab);
  for (const auto* set : {&abc, &ab})
    for (const auto& x : *set)
      for (const auto& y : *set)
        for (int cap : {1, 2, 3}) ASSERT_EQ(osa_distance(x, y, cap), osa_full_table(x, y, cap)) << x << " / " << y << " cap " << cap;
  uint64_t state = 12345;
  auto next = [&] { return (state = state * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
  for (int k = 0; k < 20000; ++k) {
    std::string x, y;
    size_t nx = next() % 14, ny = next() % 14;
    for (size_t i = 0; i < nx; ++i) x.push_back(static_cast<char>('a' + next() % 4));
    // y: x with a few random edits, or unrelated
    if (k % 2) {
      y = x;
      for (int e = static_cast<int>(next() % 4); e > 0 && !y.empty(); --e) {
        size_t at = next() % y.size();
        switch (next() % 4) {
          case 0: y[at] = static_cast<char>('a' + next() % 4); break;
          case 1: y.erase(at, 1); break;
          case 2: y.insert(at, 1, static_cast<char>('a' + next() % 4)); break;
          default: if (at + 1 < y.size()) std::swap(y[at], y[at + 1]);
        }
      }
    } else {
      for (size_t i = 0; i < ny; ++i) y.push_back(static_cast<char>('a' + next() % 4));
    }
    for (int cap : {1, 2, 3}) ASSERT_EQ(osa_distance(x, y, cap), osa_full_table(x, y, cap)) << x << " / " << y << " cap " << cap;
  }
  // Longer than the on-stack rows.
  std::string long_a(80, 'a'), long_b = long_a;
  long_b[40] = 'b';
  std::swap(long_b[10], long_b[11]);
  long_b[10] = 'c';
  EXPECT_EQ(osa_distance(long_a, long_b, 3), osa_full_table(long_a, long_b, 3));
  EXPECT_EQ(osa_distance(long_a + "xy", long_a + "yx", 2), 1);
}

TEST(DedupContacts, DiacriticVariantsMergeDifferentSurnamesDoNot) {
  auto r = run_on({{"Customers/Acme.md", customer({"[[Jürgen Weiß]]", "Juergen Weiss", "Łukasz Nowak", "Lukasz Nowak",
                                                    "Lukasz Kowalski"})}});
  EXPECT_TRUE(together(r, "Jürgen Weiß", "Juergen Weiss"));
  EXPECT_TRUE(together(r, "Łukasz Nowak", "Lukasz Nowak"));
  EXPECT_FALSE(together(r, "Lukasz Nowak", "Lukasz Kowalski"));
}

TEST(DedupContacts, SpellingVariantsMergeLookAlikesDoNot) {
  auto r = run_on({{"Customers/Acme.md", customer({"Pete Emig", "Pete Eming", "Peter Imming", "Keith Brennan",
                                                    "Kieth Brennan", "Niall Brennan"})}});
  EXPECT_TRUE(together(r, "Pete Emig", "Pete Eming"));
  EXPECT_TRUE(together(r, "Keith Brennan", "Kieth Brennan"));
  EXPECT_FALSE(together(r, "Pete Eming", "Peter Imming"));  // no chain through the typo
  EXPECT_FALSE(together(r, "Pete Emig", "Peter Imming"));
  EXPECT_FALSE(together(r, "Keith Brennan", "Niall Brennan"));
}

TEST(DedupContacts, NicknamesMergeOnlyWithTheSameSurname) {
  auto r = run_on({{"Customers/Acme.md", customer({"Bob Smith", "Robert Smith", "Mike Kiernan", "Michael Myrah"})}});
  EXPECT_TRUE(together(r, "Bob Smith", "Robert Smith"));
  EXPECT_FALSE(together(r, "Mike Kiernan", "Michael Myrah"));
}

TEST(DedupContacts, InitialsResolveOnlyWhenUnique) {
  auto r = run_on({{"Customers/Acme.md", customer({"Robert Smith", "R. Smith", "Chris Bianchi", "Chris Halvorsen",
                                                    "Chris B."})}});
  EXPECT_TRUE(together(r, "R. Smith", "Robert Smith"));
  EXPECT_TRUE(together(r, "Chris B.", "Chris Bianchi"));
  EXPECT_FALSE(together(r, "Chris B.", "Chris Halvorsen"));
  auto r2 = run_on({{"Customers/Acme.md", customer({"Robert Smith", "Rachel Smith", "R. Smith"})}});
  EXPECT_FALSE(together(r2, "R. Smith", "Robert Smith"));
  EXPECT_FALSE(together(r2, "R. Smith", "Rachel Smith"));
  const Cluster* c = cluster_with(r2, "R. Smith");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->ambiguous);
}

TEST(DedupContacts, LastCommaFirstIsTheSameName) {
  auto r = run_on({{"Customers/Acme.md", customer({"Robert Smith", "Smith, Robert", "Smith, Rachel"})}});
  EXPECT_TRUE(together(r, "Robert Smith", "Smith, Robert"));
  EXPECT_FALSE(together(r, "Robert Smith", "Smith, Rachel"));
}

TEST(DedupContacts, FirstNameOnlyMergesWhenUniqueInTheAccount) {
  auto r = run_on({{"Customers/Acme.md", customer({"Juergen Willis", "Juergen", "Jason Vallery", "Jason Taylor", "Jason"})},
                   {"Customers/Other.md", customer({"Jason Brody"})}});
  EXPECT_TRUE(together(r, "Juergen", "Juergen Willis"));
  const Cluster* jason = cluster_with(r, "Jason");
  ASSERT_TRUE(jason);
  EXPECT_TRUE(jason->ambiguous);
  EXPECT_EQ(jason->candidates, (std::vector<std::string>{"Jason Taylor", "Jason Vallery"}));  // not Jason Brody
  EXPECT_FALSE(mergeable(*jason));
}

// Spanish/Portuguese/Italian titles ("Dra.", "Sra.", "Dott.") are not
// names: "Dra. Inês" is a first name alone, placed only when unique.
TEST(DedupContacts, TitlesInOtherLanguagesAreNotNameParts) {
  auto r = run_on({{"Customers/Acme.md", customer({"Inês Carvalho", "Dra. Inês", "Sra. Lucía Gómez", "Lucía Gómez"})}});
  EXPECT_TRUE(together(r, "Dra. Inês", "Inês Carvalho"));
  EXPECT_TRUE(together(r, "Sra. Lucía Gómez", "Lucía Gómez"));
  auto two = run_on({{"Customers/Acme.md", customer({"Ana Ruiz", "Ana Prieto", "Dra. Ana"})}});
  const Cluster* ana = cluster_with(two, "Dra. Ana");
  ASSERT_TRUE(ana);
  EXPECT_TRUE(ana->ambiguous);
  EXPECT_FALSE(together(two, "Dra. Ana", "Ana Ruiz"));
  EXPECT_FALSE(together(two, "Dra. Ana", "Ana Prieto"));
}

TEST(DedupContacts, AmbiguousClustersAreNeverMergeable) {
  auto r = run_on({{"Customers/Acme.md", customer({"Mei Chen", "Mei Tanaka", "Mei", "[[Mei]]"})}});
  size_t ambiguous = 0;
  for (const auto& c : r.contacts.clusters) {
    if (c.ambiguous) {
      ++ambiguous;
      EXPECT_FALSE(mergeable(c));
      EXPECT_GE(c.candidates.size(), 2u);
    }
  }
  EXPECT_EQ(ambiguous, 1u);
  // The JSON flag says the same.
  Engine e;
  e.upsert("Customers/Acme.md", customer({"Mei Chen", "Mei Tanaka", "Mei"}), 0);
  auto j = nlohmann::json::parse(e.dedup("{}"));
  ASSERT_TRUE(j["ok"].get<bool>());
  for (const auto& c : j["value"]["contacts"]["clusters"])
    if (c["ambiguous"].get<bool>()) EXPECT_FALSE(c["mergeable"].get<bool>());
}

TEST(DedupContacts, SameEmailIsCertainDifferentEmailVetoes) {
  std::string a = "---\ntype: person\nemail: Ana.Lima@Acme.example\ncompany: Acme\n---\n# Ana Lima\n";
  std::string b = "---\ntype: person\nemail: ana.lima@acme.example\n---\n# Ana Lyma\n";
  std::string c = "---\ntype: person\nemail: ana.lima2@acme.example\n---\n# Ana Lina\n";
  auto r = run_on({{"People/Ana Lima.md", a}, {"People/Ana Lyma.md", b}, {"People/Ana Lina.md", c}});
  EXPECT_TRUE(together(r, "Ana Lima", "Ana Lyma"));
  EXPECT_FALSE(together(r, "Ana Lima", "Ana Lina"));  // one letter apart, but another e-mail
  const Cluster* cl = cluster_with(r, "Ana Lima");
  ASSERT_TRUE(cl);
  EXPECT_EQ(cl->notes.size(), 2u);
  EXPECT_GE(cl->confidence, 0.95);
}

TEST(DedupContacts, ConflictingCompanyOrRoleVetoesAFuzzyMerge) {
  auto r = run_on({{"Customers/Acme.md",
                    customer({}, {"| Dana Whitcomb | Account executive | Initech |", "| Dana Whitcombe | Account executive | Initech |",
                                  "| Ivan Petrov | CFO | Acme |", "| Ivan Petrow | CFO | Globex |",
                                  "| Lena Berg | Data engineer | Acme |", "| Lena Burg | Facilities | Acme |"})}});
  EXPECT_TRUE(together(r, "Dana Whitcomb", "Dana Whitcombe"));
  EXPECT_FALSE(together(r, "Ivan Petrov", "Ivan Petrow"));
  EXPECT_FALSE(together(r, "Lena Berg", "Lena Burg"));
}

TEST(DedupContacts, AliasesLinksAndFrontmatterMentions) {
  std::string person = "---\ntype: person\ncompany: Acme\naliases:\n  - Steve\n---\n# Stephen Okafor\n";
  std::string meeting = "---\ntype: meeting\naccount: \"[[Acme]]\"\nattendees:\n  - \"[[Stephen Okafor]]\"\nowner: \"[[Ana Lima]]\"\n---\n# Sync\n";
  auto r = run_on({{"People/Stephen Okafor.md", person},
                   {"Meetings/Sync.md", meeting},
                   {"Customers/Acme.md", customer({"[[Stephen Okafor|Steve]]", "Steven Okafor", "Ana Lima"})},
                   {"Customers/Other.md", customer({"Steve Ballmer"})}});
  EXPECT_TRUE(together(r, "Stephen Okafor", "Steve"));
  EXPECT_TRUE(together(r, "Stephen Okafor", "Steven Okafor"));
  EXPECT_FALSE(together(r, "Steve", "Steve Ballmer"));
  size_t fm = 0;
  for (const auto& m : r.mentions) fm += m.source == "frontmatter" ? 1 : 0;
  EXPECT_EQ(fm, 2u);
}

TEST(DedupContacts, SchemaOverridesFromOptions) {
  Engine e;
  e.upsert("Kunden/Acme.md", "---\ntype: customer\n---\n# Acme\n\n## Ansprechpartner\n\n- Jürgen Weiß\n- Juergen Weiss\n", 0);
  auto without = nlohmann::json::parse(e.dedup("{}"));
  auto with = nlohmann::json::parse(e.dedup(R"({"contactHeadings":["Ansprechpartner"]})"));
  auto merged = [](const nlohmann::json& j) {
    for (const auto& c : j["value"]["contacts"]["clusters"])
      if (c["members"].size() == 2) return true;
    return false;
  };
  EXPECT_FALSE(merged(without));
  EXPECT_TRUE(merged(with));
  auto bad = nlohmann::json::parse(e.dedup(R"({"contactHeadings": 3})"));
  EXPECT_FALSE(bad["ok"].get<bool>());
  EXPECT_EQ(bad["error"]["code"], "bad_request");
}

TEST(DedupEntries, ExactAfterFoldingButNotAcrossDates) {
  std::string t = customer({}, {}, {"2025-12-03: Café review with the CFO.", "2025-12-03: cafe REVIEW with the cfo",
                                    "2025-12-04: Café review with the CFO."});
  auto r = run_on({{"Customers/Acme.md", t}});
  EXPECT_TRUE(grouped(r, line_of(t, "2025-12-03: Café"), line_of(t, "2025-12-03: cafe")));
  EXPECT_FALSE(grouped(r, line_of(t, "2025-12-03: Café"), line_of(t, "2025-12-04")));
  bool ds = std::any_of(r.distinct_similar.begin(), r.distinct_similar.end(),
                        [](const DistinctSimilar& d) { return d.reason.find("different dates") != std::string::npos; });
  EXPECT_TRUE(ds);
}

TEST(DedupEntries, TruncatedKeepsTheLongest) {
  std::string full = "2025-11-12: Lukas confirmed the data centre has 40 kW per rack available for the new enclosures.";
  std::string t = customer({}, {}, {full, "2025-11-12: Lukas confirmed the data centre has 40 kW per rack avail…",
                                    "2025-11-12: Lukas confirmed the"});
  auto r = run_on({{"Customers/Acme.md", t}});
  int l1 = line_of(t, full), l2 = line_of(t, "avail…"), l3 = line_of(t, "confirmed the\n");
  ASSERT_TRUE(grouped(r, l1, l2));
  EXPECT_FALSE(grouped(r, l1, l3));  // too short to call a truncation
  for (const auto& g : r.groups)
    if (std::find(g.lines.begin(), g.lines.end(), l1) != g.lines.end()) {
      EXPECT_EQ(g.kind, "truncated");
      EXPECT_EQ(g.keep, l1);
    }
}

TEST(DedupEntries, ParaphraseWithUniqueFactsButNotConflictingSlots) {
  std::string a = "2025-12-30: The email discusses a successful deal for Leidos Federal involving a cloud deployment";
  std::string b = "2025-12-30: The email discusses the successful submission of a $96,808.14 deal for Leidos Federal";
  std::string c = "2025-12-10: Mei reported a failed checksum on run 42 of the ingest test.";
  std::string d = "2025-12-10: Mei reported a failed checksum on run 47 of the ingest test.";
  std::string e = "2025-12-11: Call with Anna about the Q1 budget and hiring plan.";
  std::string f = "2025-12-11: Call with Anna about the Q2 budget and hiring plan.";
  std::string t = customer({}, {}, {a, b, c, d, e, f});
  auto r = run_on({{"Customers/Acme.md", t}});
  ASSERT_TRUE(grouped(r, line_of(t, a), line_of(t, b)));
  EXPECT_FALSE(grouped(r, line_of(t, c), line_of(t, d)));
  EXPECT_FALSE(grouped(r, line_of(t, e), line_of(t, f)));
  for (const auto& g : r.groups)
    for (const auto& m : g.members)
      if (m.line == line_of(t, b)) {
        EXPECT_EQ(g.kind, "paraphrase");
        EXPECT_NE(std::find(m.unique_facts.begin(), m.unique_facts.end(), "$96,808.14"), m.unique_facts.end());
      }
}

TEST(DedupEntries, DifferentLinkTargetsAreDifferentEvents) {
  std::string a = "2025-09-15: [[2025-09-15 - Silk briefing on DB storage]] (via Silk)";
  std::string b = "2025-09-15: [[2025-09-15 - Silk briefing on Azure DB storage]] (via Silk)";
  std::string c = "2025-10-06: Discussed the offer tradeoffs and retention constraints with the team lead.";
  std::string d = "2025-10-06: Discussed offer tradeoffs and the retention constraints with the team. [[2025-10-06 - Offer call]]";
  std::string t = customer({}, {}, {a, b, c, d});
  auto r = run_on({{"Customers/Acme.md", t}});
  EXPECT_FALSE(grouped(r, line_of(t, a), line_of(t, b)));
  EXPECT_TRUE(grouped(r, line_of(t, c), line_of(t, d)));  // one side adds a link: a unique fact, not a conflict
}

TEST(DedupEntries, ContactListsGroupByPerson) {
  std::string t = customer({"[[Maneesh Sah]]", "Manish", "Maneesh Sah", "[[Maneesh]]"},
                           {"| [[Ronnie Booker]] | Runs hardware | Acme |", "| [[Ronnie Booker]] | Owns layout | Acme |"});
  auto r = run_on({{"Customers/Acme.md", t}});
  int l1 = line_of(t, "- [[Maneesh Sah]]"), l2 = line_of(t, "- Manish"), l3 = line_of(t, "- Maneesh Sah"),
      l4 = line_of(t, "- [[Maneesh]]");
  EXPECT_TRUE(grouped(r, l1, l3));
  EXPECT_TRUE(grouped(r, l1, l4));
  EXPECT_FALSE(grouped(r, l1, l2));
  bool same_person = false;
  for (const auto& g : r.groups)
    if (g.kind == "same-person") {
      same_person = true;
      EXPECT_EQ(g.merged_roles.size(), 2u);
    }
  EXPECT_TRUE(same_person);
}

// unique_facts: what one member states and the others lack (amounts, names,
// numbers, note links) is listed; the context every member shares (their own
// date, the account's name, the words of a link already listed whole) is not.
namespace {
const char* kFactsA =
    "2025-11-12: Review with Ribeirinha Foods of the cold-chain storage plan and the migration timeline with the ops "
    "team on 2025-11-12. [[2025-11-12 - Ribeirinha Foods storage review]]";
const char* kFactsB =
    "2025-11-12: Storage review: cold-chain storage plan and migration timeline discussed with Anand and the ops team, "
    "12 racks, $96,808.14 budget.";
const EntryMember* member_at(const Report& r, int line) {
  for (const auto& g : r.groups)
    for (const auto& m : g.members)
      if (m.line == line) return &m;
  return nullptr;
}
bool has_fact(const EntryMember& m, const std::string& f) {
  return std::find(m.unique_facts.begin(), m.unique_facts.end(), f) != m.unique_facts.end();
}
}  // namespace

TEST(DedupEntries, UniqueFactsKeepRealFactsOfEachMember) {
  std::string t = customer({}, {}, {kFactsA, kFactsB});
  auto r = run_on({{"Customers/Ribeirinha Foods.md", t}});
  int la = line_of(t, kFactsA), lb = line_of(t, kFactsB);
  ASSERT_TRUE(grouped(r, la, lb));
  const EntryMember* a = member_at(r, la);
  const EntryMember* b = member_at(r, lb);
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(has_fact(*b, "$96,808.14"));
  EXPECT_TRUE(has_fact(*b, "Anand"));
  EXPECT_TRUE(has_fact(*b, "12"));  // a number of its own, though the other entry's date holds a 12
  EXPECT_TRUE(has_fact(*a, "[[2025-11-12 - Ribeirinha Foods storage review]]"));
}

TEST(DedupEntries, UniqueFactsLeaveOutSharedDateAccountAndLinkWords) {
  std::string t = customer({}, {}, {kFactsA, kFactsB});
  auto r = run_on({{"Customers/Ribeirinha Foods.md", t}});
  int la = line_of(t, kFactsA);
  const EntryMember* a = member_at(r, la);
  ASSERT_TRUE(a);
  for (const char* f : {"2025", "11", "12", "Ribeirinha", "Foods"}) EXPECT_FALSE(has_fact(*a, f)) << f;
  EXPECT_EQ(a->unique_facts.size(), 1u);  // the link alone
}
