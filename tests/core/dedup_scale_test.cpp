// 100,000 synthetic mentions through resolve(): checks the result, never the
// time (benchmarks measure time; see resolve()'s candidate_pairs for the
// blocking work, which must stay near-linear).
#include <gtest/gtest.h>

#include <random>

#include "vaultcrm/dedup.h"

using namespace vaultcrm::dedup;

namespace {

const char* kFirst[] = {"Anna", "Robert", "Maria", "Jürgen", "Łukasz", "Aoife", "Mateus", "Priya", "Kenji", "Olga",
                        "Fatima", "Sven", "Chloé", "Dmitri", "Ngozi", "Sofia", "Hiroshi", "Camille", "Pedro", "Ines",
                        "Tomasz", "Leila", "Oskar", "Yara", "Bjorn", "Wei", "Aarav", "Zanele", "Mikael", "Ayse"};
const char* kLast[] = {"Berg", "Smith", "Novak", "Okafor", "Tanaka", "Haas", "Oliveira", "Raman", "Petrović", "Müller",
                       "Nkemelu", "Lindqvist", "Dubois", "Kowalski", "Adeyemi", "García", "Yamamoto", "Rossi",
                       "Brennan", "Whitcombe", "Fischer", "Moreau", "Ivanova", "Chen", "Sato", "Kaur", "Mensah",
                       "Horvath", "Silva", "Nowak"};

}  // namespace

TEST(DedupScale, HundredThousandMentionsResolve) {
  std::mt19937 rng(42);
  std::vector<Mention> ms;
  ms.reserve(100000);
  const int people = 20000, accounts = 2000;
  for (int p = 0; ms.size() < 100000; p = (p + 1) % people) {
    std::string first = kFirst[p % 30], last = kLast[(p / 30) % 30];
    // 20k distinct surnames: a stem plus two syllables chosen by the person's index.
    static const char* kSyl[] = {"an", "ber", "co", "da", "el", "fi", "go", "ha", "ik", "jo", "ka", "lu", "mo", "ne",
                                 "or", "pa", "qui", "ro", "su", "ta", "ul", "vi", "wa", "xo", "ya", "ze"};
    last += std::string(kSyl[(p / 900) % 26]) + kSyl[(p / 23400 + p / 7) % 26];
    Mention m;
    m.account = "Account " + std::to_string(p % accounts);
    m.path = "Customers/" + m.account + ".md";
    m.line = static_cast<int>(ms.size() % 500) + 1;
    m.source = "list";
    switch (rng() % 5) {
      case 0: m.surface = first + " " + last; break;
      case 1: m.surface = first + " " + last.substr(0, last.size() - 1) + "x"; break;  // typo in the last letter
      case 2: m.surface = first.substr(0, 1) + ". " + last; break;
      case 3: m.surface = first; break;
      default: m.surface = first + " " + last; break;
    }
    ms.push_back(std::move(m));
  }
  ContactResult r = resolve(ms);
  ASSERT_EQ(r.cluster_of.size(), ms.size());
  size_t assigned = 0;
  for (int c : r.cluster_of) assigned += c >= 0 ? 1 : 0;
  EXPECT_EQ(assigned, ms.size());
  // Blocking, not all pairs: far fewer candidate pairs than N^2 / 2.
  std::cout << "[ dedup    ] " << ms.size() << " mentions, " << r.clusters.size() << " clusters, " << r.candidate_pairs << " candidate pairs\n";
  EXPECT_LT(r.candidate_pairs, ms.size() * 50);
  for (const auto& c : r.clusters)
    if (c.ambiguous) EXPECT_FALSE(mergeable(c));
}

// A mention listed under Acme's contacts, on the next line.
static void add_list_mention(std::vector<Mention>& ms, const std::string& surface) {
  Mention m;
  m.surface = surface;
  m.account = "Acme";
  m.path = "Customers/Acme.md";
  m.source = "list";
  m.line = static_cast<int>(ms.size()) + 1;
  ms.push_back(m);
}

// Blocking must not cost recall in big blocks: a one-letter surname typo meets
// its original through the deletion keys even when sixty other surnames of the
// same first name sort between them (the sorted-neighbourhood window alone
// would never compare them); none of those sixty is merged with either.
TEST(DedupScale, OneLetterTyposMeetAcrossABigBlock) {
  std::vector<Mention> ms;
  auto add = [&](const std::string& surface) { add_list_mention(ms, surface); };
  add("Maria Schmidl");  // typo of Schmidt: sorts before every filler below
  static const char* kSyl[] = {"an", "bo", "ce", "du", "ek", "fa", "go", "hi", "jo", "ku"};
  for (int i = 0; i < 60; ++i) add(std::string("Maria Schmidm") + kSyl[i % 10] + kSyl[i / 10]);
  add("Maria Schmidt");
  ContactResult r = resolve(ms);
  int typo = r.cluster_of.front(), orig = r.cluster_of.back();
  EXPECT_EQ(typo, orig);
  for (size_t i = 1; i + 1 < ms.size(); ++i) EXPECT_NE(r.cluster_of[i], orig) << ms[i].surface;
}

// The first-name + surname-initial block (block 0) only makes pairs whose
// surnames both have 8+ letters: the two-edit typos no key block finds. A
// big block of short surnames around them must neither hide such a pair
// (Rosenbaum / Rozenbaun: two substitutions, different sound keys, so only
// block 0 can meet them) nor make pairs of its own: short-surname pairs of
// one first name are found by the key blocks or not at all.
TEST(DedupScale, TwoEditTyposOfLongSurnamesStillMeetInABigBlock) {
  std::vector<Mention> ms;
  auto add = [&](const std::string& surface) { add_list_mention(ms, surface); };
  static const char* kSyl[] = {"ba", "ke", "di", "lo", "mu", "na", "pe", "ti", "vo", "xu"};
  // 200 short R-surnames of Maria, none related to another (four letters,
  // two syllables each, so the deletion keys need the same first syllable
  // and the same consonants in the second: they never meet as a typo).
  for (int i = 0; i < 200; ++i) add(std::string("Maria R") + kSyl[i % 10] + kSyl[(i / 10) % 10] + (i >= 100 ? "s" : ""));
  add("Maria Rosenbaum");
  add("Maria Rozenbaun");
  ContactResult r = resolve(ms);
  int a = r.cluster_of[200], b = r.cluster_of[201];
  EXPECT_EQ(a, b) << "two-edit typo of a long surname not merged";
  for (size_t i = 0; i < 200; ++i) EXPECT_NE(r.cluster_of[i], a) << ms[i].surface;
  // Before, block 0 alone made ~6 pairs per entry here (1,200); now only the
  // long-surname ones, plus what the key blocks find.
  EXPECT_LT(r.candidate_pairs, 400u);
}
