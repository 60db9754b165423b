// bench/native/dedup_bench.cpp - contact resolution over growing N (issue 7,
// target 9; issue 4 "show the complexity in a benchmark over growing N").
//
//   vaultcrm_dedup_bench scale [--sizes 1000,10000,100000] [--runs 5] [--naive 2000] [--seed 1]
//   vaultcrm_dedup_bench vault DIR [--mentions 100000] [--runs 3] [--seed 1]
//
// scale: generates N person mentions (deterministic, see Generator) and times
//   dedup::resolve() on them: median of --runs after one warm-up, single
//   thread. Then two naive all-pairs baselines are timed on --naive mentions
//   and extrapolated to each N by the pair count N(N-1)/2: the fair one
//   applies the resolver's own pair scoring (both name parts related,
//   detail::score_names, company/account bonus) to every pair; the old one
//   stops at the first differing first name (kept for comparison with
//   earlier figures). Both on features folded once per mention. Prints a
//   table, the growth exponent (slope of log time over log N) and the
//   speedup ratios.
// vault: writes the same kind of mentions as a Markdown vault (customer notes
//   with Key Contacts bullets and Collaborators tables, meeting notes with
//   attendees, person notes with e-mails) into DIR, indexes it and times
//   dedup::run() on it - the number tools/dedup-wasm-bench.mjs compares wasm with.
//
// Output is text for people, plus one JSON line per measurement prefixed with
// "json " so scripts can pick them up. Benchmarks only: nothing here asserts
// a time.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dedup_internal.h"
#include "vaultcrm/dedup.h"
#include "vaultcrm/index.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using vaultcrm::dedup::Mention;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Process CPU time: on a box shared with other builds the wall time carries
// their load; CPU time of this single-threaded process carries much less.
double cpu_now() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// splitmix64: tiny, seedable, the same sequence on every platform.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uni() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  size_t below(size_t n) { return static_cast<size_t>(uni() * static_cast<double>(n)); }
};

// Written form and its plain-ASCII spelling (the same when there is nothing to
// strip). Ordered by how common they are: picks are Zipf-weighted, so the top
// names form the large same-first-name blocks real vaults have.
struct Name {
  const char* written;
  const char* ascii;
  const char* nick;  // a diminutive people use, or nullptr
};
const Name kFirst[] = {
    {"Maria", "Maria", nullptr},       {"Michael", "Michael", "Mike"},   {"Anna", "Anna", nullptr},
    {"David", "David", "Dave"},        {"Wei", "Wei", nullptr},          {"Mohammed", "Mohammed", "Mo"},
    {"José", "Jose", "Pepe"},          {"Robert", "Robert", "Bob"},      {"Elena", "Elena", nullptr},
    {"John", "John", "Jack"},          {"Sofia", "Sofia", nullptr},      {"Jürgen", "Jurgen", nullptr},
    {"Priya", "Priya", nullptr},       {"Thomas", "Thomas", "Tom"},      {"Fatima", "Fatima", nullptr},
    {"Alexander", "Alexander", "Sasha"}, {"Katherine", "Katherine", "Kate"}, {"Kenji", "Kenji", nullptr},
    {"Łukasz", "Lukasz", nullptr},     {"Chloé", "Chloe", nullptr},      {"William", "William", "Bill"},
    {"Ngozi", "Ngozi", nullptr},       {"Hiroshi", "Hiroshi", nullptr},  {"Camille", "Camille", nullptr},
    {"Pedro", "Pedro", nullptr},       {"Inês", "Ines", nullptr},        {"Tomasz", "Tomasz", nullptr},
    {"Leila", "Leila", nullptr},       {"Oskar", "Oskar", nullptr},      {"Yara", "Yara", nullptr},
    {"Björn", "Bjorn", nullptr},       {"Aarav", "Aarav", nullptr},      {"Zanele", "Zanele", nullptr},
    {"Mikael", "Mikael", nullptr},     {"Ayşe", "Ayse", nullptr},        {"Elizabeth", "Elizabeth", "Liz"},
    {"Christopher", "Christopher", "Chris"}, {"Margaret", "Margaret", "Maggie"}, {"Dmitry", "Dmitry", "Dima"},
    {"Natalia", "Natalia", "Natasha"}, {"Ignacio", "Ignacio", "Nacho"},  {"Stéphane", "Stephane", nullptr},
    {"Hélène", "Helene", nullptr},     {"François", "Francois", nullptr}, {"Søren", "Soren", nullptr},
    {"Ingrid", "Ingrid", nullptr},     {"Haruki", "Haruki", nullptr},    {"Adaeze", "Adaeze", nullptr},
    {"Siddharth", "Siddharth", nullptr}, {"Lakshmi", "Lakshmi", nullptr}, {"Conceição", "Conceicao", nullptr},
    {"Gonçalo", "Goncalo", nullptr},   {"Małgorzata", "Malgorzata", nullptr}, {"Wojciech", "Wojciech", nullptr},
    {"Agnieszka", "Agnieszka", nullptr}, {"Benoît", "Benoit", nullptr},   {"Séverine", "Severine", nullptr},
    {"Magnus", "Magnus", nullptr},     {"Sigrid", "Sigrid", nullptr},    {"Takeshi", "Takeshi", nullptr},
    {"Emeka", "Emeka", nullptr},       {"Ananya", "Ananya", nullptr},    {"Venkatesh", "Venkatesh", nullptr},
    {"Rebecca", "Rebecca", "Becky"},   {"Anthony", "Anthony", "Tony"},   {"Jennifer", "Jennifer", "Jen"},
    {"Pavel", "Pavel", "Pasha"},       {"Svetlana", "Svetlana", "Sveta"}, {"Guillermo", "Guillermo", "Memo"},
    {"Dolores", "Dolores", "Lola"},    {"Heike", "Heike", nullptr},      {"Matthias", "Matthias", nullptr},
    {"Åsa", "Asa", nullptr},           {"Øystein", "Oystein", nullptr},  {"Oluwaseun", "Oluwaseun", nullptr},
    {"Chinedu", "Chinedu", nullptr},   {"Yuko", "Yuko", nullptr},        {"Aiko", "Aiko", nullptr},
    {"Xiaoming", "Xiaoming", nullptr}, {"Mei", "Mei", nullptr},          {"Jun", "Jun", nullptr},
    {"Arjun", "Arjun", nullptr},       {"Rahul", "Rahul", nullptr},      {"Omar", "Omar", nullptr},
    {"Layla", "Layla", nullptr},       {"Tariq", "Tariq", nullptr},      {"Noor", "Noor", nullptr},
    {"Kwame", "Kwame", nullptr},       {"Amara", "Amara", nullptr},      {"Thabo", "Thabo", nullptr},
    {"Lucía", "Lucia", nullptr},       {"Álvaro", "Alvaro", nullptr},    {"Joaquín", "Joaquin", nullptr},
    {"Giulia", "Giulia", nullptr},     {"Matteo", "Matteo", nullptr},    {"Lorenzo", "Lorenzo", nullptr},
    {"Jan", "Jan", nullptr},           {"Petra", "Petra", nullptr},      {"Miroslav", "Miroslav", nullptr},
    {"Eszter", "Eszter", nullptr},     {"Bálint", "Balint", nullptr},    {"Ioana", "Ioana", nullptr},
};
const Name kCommonLast[] = {
    {"Smith", "Smith", nullptr},      {"Müller", "Muller", nullptr},     {"García", "Garcia", nullptr},
    {"Wang", "Wang", nullptr},        {"Kumar", "Kumar", nullptr},       {"Silva", "Silva", nullptr},
    {"Nguyen", "Nguyen", nullptr},    {"Kowalski", "Kowalski", nullptr}, {"Rossi", "Rossi", nullptr},
    {"Johnson", "Johnson", nullptr},  {"Martínez", "Martinez", nullptr}, {"Schröder", "Schroder", nullptr},
    {"Tanaka", "Tanaka", nullptr},    {"Okafor", "Okafor", nullptr},     {"Ivanova", "Ivanova", nullptr},
    {"Dubois", "Dubois", nullptr},    {"Novak", "Novak", nullptr},       {"Chen", "Chen", nullptr},
    {"Fischer", "Fischer", nullptr},  {"Lindqvist", "Lindqvist", nullptr}, {"Petrović", "Petrovic", nullptr},
    {"Jørgensen", "Jorgensen", nullptr}, {"Núñez", "Nunez", nullptr},    {"Adeyemi", "Adeyemi", nullptr},
    {"Yamamoto", "Yamamoto", nullptr}, {"Brennan", "Brennan", nullptr},  {"Horváth", "Horvath", nullptr},
    {"Mensah", "Mensah", nullptr},    {"Kaur", "Kaur", nullptr},         {"Sato", "Sato", nullptr},
};
const char* kSyllables[] = {"ber", "an", "co", "da", "el", "fi", "gor", "ha", "ik", "jo", "ka", "lu", "mo", "ne", "or",
                            "pa", "qui", "ro", "su", "ta", "ul", "vi", "wen", "xo", "ya", "zel", "tra", "sch", "mar",
                            "lin", "dor", "ste", "bra", "kov", "ski", "son"};
const char* kRoles[] = {"CIO", "CFO", "Head of Procurement", "Data platform lead", "Security architect",
                        "Operations manager", "Finance business partner", "Network engineer", "Programme director",
                        "VP Engineering", "Account sponsor", "Legal counsel"};
const char* kSectors[] = {"Health", "Freight", "Bank", "Wines", "Grid", "Telecom", "Retail", "Pharma", "Foods", "Mining"};

// Zipf(1) over n ranks, by inverse CDF on a precomputed table.
struct Zipf {
  std::vector<double> cdf;
  explicit Zipf(size_t n) {
    double sum = 0;
    for (size_t i = 1; i <= n; ++i) cdf.push_back(sum += 1.0 / static_cast<double>(i));
    for (auto& c : cdf) c /= sum;
  }
  size_t pick(Rng& r) const {
    return static_cast<size_t>(std::lower_bound(cdf.begin(), cdf.end(), r.uni()) - cdf.begin());
  }
};

bool ascii_at(const std::string& s, size_t i) { return i < s.size() && (static_cast<unsigned char>(s[i]) & 0x80) == 0; }

// One-letter change inside the word, never the first letter: swap, drop or
// double - the typos people make when retyping a name.
std::string typo(Rng& r, const std::string& s) {
  if (s.size() < 4) return s + s.back();
  size_t i = 1 + r.below(s.size() - 2);
  if (!ascii_at(s, i) || !ascii_at(s, i + 1)) return s + (ascii_at(s, s.size() - 1) ? std::string(1, s.back()) : "");
  switch (r.below(3)) {
    case 0: return s.substr(0, i) + s[i + 1] + s[i] + s.substr(i + 2);
    case 1: return s.substr(0, i) + s.substr(i + 1);
    default: return s.substr(0, i) + s[i] + s.substr(i);
  }
}

struct Person {
  std::string first, first_ascii, last, last_ascii, nick, role, email;
  int account = 0;
  bool note = false;
};

struct Generated {
  std::vector<std::string> accounts;
  std::vector<Person> people;
  std::vector<Mention> mentions;
  std::vector<int> person_of;  // per mention
};

// ~5 mentions per person, ~10 people per account, so accounts = N/50.
// First names Zipf over 105 names (the top name is ~19% of people); surnames
// 35% from 30 common ones (Zipf) and 65% built from three syllables (~46k
// spellings, full names unique), so large N has both big blocks and many
// distinct people.
// Variants per mention: 52% as written, 8% marks stripped, 7% nickname, 8%
// surname typo, 3% first-name typo, 6% initial, 7% first name only, 4%
// "Last, First", 5% lower case.
Generated generate(size_t n, uint64_t seed) {
  Rng r{seed * 0x2545F4914F6CDD1DULL + 1};
  Generated g;
  size_t n_accounts = std::max<size_t>(5, n / 50);
  for (size_t a = 0; a < n_accounts; ++a)
    g.accounts.push_back(std::string(kSectors[a % 10]) + " " + kSyllables[(a / 10) % 36] + kSyllables[(a / 360) % 36] +
                         " " + std::to_string(a));
  static const Zipf first_z(sizeof(kFirst) / sizeof(kFirst[0]));
  static const Zipf last_z(sizeof(kCommonLast) / sizeof(kCommonLast[0]));
  size_t n_people = std::max<size_t>(1, n / 5);
  std::set<std::string> full_names;
  for (size_t p = 0; p < n_people; ++p) {
    Person q;
    const Name& f = kFirst[first_z.pick(r)];
    q.first = f.written, q.first_ascii = f.ascii, q.nick = f.nick ? f.nick : "";
    // Full names are unique, so the truth is decidable: two different people
    // who share a full name would need evidence the generator does not write.
    bool common = r.uni() < 0.35;
    for (int attempt = 0; attempt < 50; ++attempt) {
      if (common && attempt < 3) {
        const Name& l = kCommonLast[last_z.pick(r)];
        q.last = l.written, q.last_ascii = l.ascii;
      } else {
        std::string s = std::string(kSyllables[r.below(36)]) + kSyllables[r.below(36)] + kSyllables[r.below(36)];
        s[0] = static_cast<char>(s[0] - 'a' + 'A');
        q.last = q.last_ascii = s;
      }
      if (full_names.insert(q.first_ascii + " " + q.last_ascii).second) break;
    }
    q.account = static_cast<int>(r.below(n_accounts));
    q.role = kRoles[r.below(12)];
    q.note = r.uni() < 0.1;
    if (q.note) q.email = q.first_ascii + "." + q.last_ascii + "." + std::to_string(p) + "@example.com";
    g.people.push_back(std::move(q));
  }
  auto lower = [](std::string s) {
    for (auto& c : s)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
  };
  for (size_t i = 0; g.mentions.size() < n; ++i) {
    size_t pi = r.below(n_people);
    const Person& q = g.people[pi];
    Mention m;
    const std::string& acc = g.accounts[static_cast<size_t>(q.account)];
    m.account = acc;
    double v = r.uni();
    std::string full = q.first + " " + q.last;
    if (v < 0.52) m.surface = full;
    else if (v < 0.60) m.surface = q.first_ascii + " " + q.last_ascii;
    else if (v < 0.67) m.surface = (q.nick.empty() ? q.first : q.nick) + " " + q.last;
    else if (v < 0.75) m.surface = q.first + " " + typo(r, q.last);
    else if (v < 0.78) m.surface = typo(r, q.first) + " " + q.last;
    else if (v < 0.84) m.surface = q.first.substr(0, 1) + ". " + q.last;
    else if (v < 0.91) m.surface = q.first;
    else if (v < 0.95) m.surface = q.last + ", " + q.first;
    else m.surface = lower(q.first_ascii) + " " + lower(q.last_ascii);
    double s = r.uni();
    if (q.note && s < 0.15) {
      // The person note itself, and links to it.
      m.surface = full;
      m.source = "person_note";
      m.path = m.bound = "People/" + full + ".md";
      m.email = q.email;
      m.company = acc;
      m.role = q.role;
      m.linked = true;
    } else if (s < 0.55) {
      m.source = "list";
      m.section = "Key Contacts";
      m.path = "Customers/" + acc + ".md";
      m.container = q.account * 2;
    } else if (s < 0.8) {
      m.source = "table";
      m.section = "Collaborators";
      m.path = "Customers/" + acc + ".md";
      m.container = q.account * 2 + 1;
      m.role = q.role;
      m.company = acc;
    } else {
      m.source = "frontmatter";
      m.path = "Meetings/" + acc + " sync " + std::to_string(i % 7) + ".md";
    }
    m.line = static_cast<int>(i % 400) + 1;
    g.mentions.push_back(std::move(m));
    g.person_of.push_back(static_cast<int>(pi));
  }
  return g;
}

// The naive baseline: every pair of mentions, the engine's token rules
// (first name vs first name, surname vs surname) on features computed once
// per mention. Returns the number of pairs judged the same person, so the
// work cannot be optimised away.
struct NaiveTok {
  std::vector<vaultcrm::dedup::detail::TokFeat> toks;
};
size_t naive_all_pairs(const std::vector<Mention>& ms, double* prep_s, double* pairs_s) {
  using namespace vaultcrm::dedup;
  auto t0 = Clock::now();
  std::vector<NaiveTok> recs(ms.size());
  for (size_t i = 0; i < ms.size(); ++i) {
    std::string s = ms[i].surface;
    size_t comma = s.find(',');
    if (comma != std::string::npos) s = s.substr(comma + 1) + " " + s.substr(0, comma);
    for (const auto& w : detail::split_words(s)) {
      std::string f = detail::name_token(w);
      bool na = std::any_of(w.begin(), w.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; });
      if (!f.empty()) recs[i].toks.push_back(detail::features(f, na));
    }
  }
  *prep_s = seconds_since(t0);
  t0 = Clock::now();
  size_t same = 0;
  for (size_t i = 0; i < recs.size(); ++i)
    for (size_t j = i + 1; j < recs.size(); ++j) {
      const auto& a = recs[i].toks;
      const auto& b = recs[j].toks;
      if (a.empty() || b.empty()) continue;
      TokenRel rf = detail::relation(a.front(), b.front(), true);
      if (rf == TokenRel::Different) continue;
      if (a.size() == 1 || b.size() == 1) {
        ++same;
        continue;
      }
      if (detail::relation(a.back(), b.back(), false) != TokenRel::Different) ++same;
    }
  *pairs_s = seconds_since(t0);
  return same;
}

// The fair naive baseline: every pair of mentions scored with the pair
// scoring the resolver itself applies to a candidate pair - both name parts
// related (first name AND surname, never stopping at the first difference),
// detail::score_names' worthiness and score, and the company/account bonus -
// on features folded once per mention, and with interned name keys, company
// and account ids, so nothing is recomputed per pair. What it leaves out
// (the merge order and cannot-link checks on the few worthy pairs) only
// flatters it. Returns the pairs judged worth merging.
struct FairRec {
  std::vector<vaultcrm::dedup::detail::TokFeat> toks;
  int key = -1, company = -1, account = -1;
};
size_t naive_fair_pairs(const std::vector<Mention>& ms, double* prep_s, double* pairs_s) {
  using namespace vaultcrm::dedup;
  auto t0 = Clock::now();
  std::map<std::string, int> ids;
  auto intern = [&](const std::string& x) { return ids.emplace(x, static_cast<int>(ids.size())).first->second; };
  std::vector<FairRec> recs(ms.size());
  for (size_t i = 0; i < ms.size(); ++i) {
    std::string s = ms[i].surface;
    size_t comma = s.find(',');
    if (comma != std::string::npos) s = s.substr(comma + 1) + " " + s.substr(0, comma);
    std::string key;
    for (const auto& w : detail::split_words(s)) {
      std::string f = detail::name_token(w);
      bool na = std::any_of(w.begin(), w.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; });
      if (f.empty()) continue;
      key += (key.empty() ? "" : " ") + f;
      recs[i].toks.push_back(detail::features(f, na));
    }
    recs[i].key = intern("k" + key);
    if (!ms[i].company.empty()) recs[i].company = intern("c" + ms[i].company);
    recs[i].account = intern("a" + ms[i].account);
  }
  *prep_s = seconds_since(t0);
  t0 = Clock::now();
  size_t same = 0;
  long long score_sum = 0;
  for (size_t i = 0; i < recs.size(); ++i)
    for (size_t j = i + 1; j < recs.size(); ++j) {
      const FairRec& a = recs[i];
      const FairRec& b = recs[j];
      if (a.toks.empty() || b.toks.empty()) continue;
      TokenRel rf, rl;
      if (a.key == b.key) {
        rf = rl = TokenRel::Exact;
      } else {
        rf = detail::relation(a.toks.front(), b.toks.front(), true);
        rl = detail::relation(a.toks.back(), b.toks.back(), false);
      }
      detail::NameScore sc = detail::score_names(rf, rl);
      if (!sc.worthy) continue;
      int score = sc.score;
      if (a.company >= 0 && a.company == b.company) score += 5;
      if (a.account == b.account) score += 3;
      score_sum += score;
      ++same;
    }
  *pairs_s = seconds_since(t0);
  static volatile long long sink;  // the scores are used, so they are computed
  sink = score_sum;
  (void)sink;
  return same;
}

std::vector<size_t> parse_sizes(const std::string& s) {
  std::vector<size_t> out;
  std::stringstream ss(s);
  std::string x;
  while (std::getline(ss, x, ',')) out.push_back(static_cast<size_t>(std::stoull(x)));
  return out;
}

std::string fmt_time(double s) {
  char b[64];
  if (s >= 100) std::snprintf(b, sizeof b, "%.0f s", s);
  else if (s >= 1) std::snprintf(b, sizeof b, "%.2f s", s);
  else if (s >= 1e-3) std::snprintf(b, sizeof b, "%.1f ms", s * 1e3);
  else std::snprintf(b, sizeof b, "%.0f us", s * 1e6);
  return b;
}

// Pairwise precision/recall of the clusters against the generator's people
// (a first name alone that the engine rightly calls ambiguous counts as a
// miss here, so recall is a floor): a guard that speed work keeps quality.
void pairwise_quality(const Generated& g, const vaultcrm::dedup::ContactResult& res, double* p, double* r) {
  std::map<std::pair<int, int>, size_t> cell;
  std::map<int, size_t> by_cluster, by_person;
  for (size_t i = 0; i < g.mentions.size(); ++i) {
    int c = res.cluster_of[i] < 0 ? -1 - static_cast<int>(i) : res.cluster_of[i];
    if (c >= 0 && res.clusters[static_cast<size_t>(c)].ambiguous) c = -1 - static_cast<int>(i);
    cell[{c, g.person_of[i]}]++;
    by_cluster[c]++;
    by_person[g.person_of[i]]++;
  }
  auto pairs = [](size_t n) { return static_cast<double>(n) * static_cast<double>(n - 1) / 2; };
  double tp = 0, pred = 0, truth = 0;
  for (const auto& kv : cell) tp += pairs(kv.second);
  for (const auto& kv : by_cluster) pred += pairs(kv.second);
  for (const auto& kv : by_person) truth += pairs(kv.second);
  *p = pred > 0 ? tp / pred : 1;
  *r = truth > 0 ? tp / truth : 1;
}

int cmd_scale(const std::vector<size_t>& sizes, int runs, size_t naive_n, uint64_t seed) {
  struct Row {
    size_t n;
    double t, cpu;
    size_t clusters, pairs;
    double precision, recall;
  };
  std::vector<Row> rows;
  for (size_t n : sizes) {
    Generated g = generate(n, seed);
    std::vector<double> ts, cs;
    vaultcrm::dedup::ContactResult res;
    for (int k = 0; k <= runs; ++k) {
      auto t0 = Clock::now();
      double c0 = cpu_now();
      res = vaultcrm::dedup::resolve(g.mentions);
      double c = cpu_now() - c0;
      double t = seconds_since(t0);
      if (k > 0) ts.push_back(t), cs.push_back(c);  // the first run is the warm-up
    }
    double prec = 0, rec = 0;
    pairwise_quality(g, res, &prec, &rec);
    rows.push_back({n, median(ts), median(cs), res.clusters.size(), res.candidate_pairs, prec, rec});
    std::printf("json {\"stage\":\"dedup_resolve\",\"mentions\":%zu,\"median_s\":%.6f,\"median_cpu_s\":%.6f,\"runs\":%d,"
                "\"clusters\":%zu,\"candidate_pairs\":%zu,\"precision\":%.4f,\"recall\":%.4f}\n",
                n, rows.back().t, rows.back().cpu, runs, rows.back().clusters, rows.back().pairs, prec, rec);
    std::fflush(stdout);
  }
  Generated small = generate(naive_n, seed);
  double prep = 0, pair_s = 0;
  size_t same = naive_all_pairs(small.mentions, &prep, &pair_s);
  double naive_pairs = static_cast<double>(naive_n) * static_cast<double>(naive_n - 1) / 2;
  double per_pair = pair_s / naive_pairs;
  double per_mention_prep = prep / static_cast<double>(naive_n);
  std::printf("json {\"stage\":\"dedup_naive\",\"mentions\":%zu,\"pairs_s\":%.6f,\"prep_s\":%.6f,\"ns_per_pair\":%.2f,"
              "\"same_pairs\":%zu}\n",
              naive_n, pair_s, prep, per_pair * 1e9, same);
  double fprep = 0, fpair_s = 0;
  size_t fsame = naive_fair_pairs(small.mentions, &fprep, &fpair_s);
  double fper_pair = fpair_s / naive_pairs;
  double fper_mention_prep = fprep / static_cast<double>(naive_n);
  std::printf("json {\"stage\":\"dedup_naive_fair\",\"mentions\":%zu,\"pairs_s\":%.6f,\"prep_s\":%.6f,"
              "\"ns_per_pair\":%.2f,\"worthy_pairs\":%zu}\n",
              naive_n, fpair_s, fprep, fper_pair * 1e9, fsame);

  std::printf("\nContact resolution, dedup::resolve() on generated mentions (median of %d after 1 warm-up):\n\n", runs);
  std::printf("| mentions | resolve (wall) | resolve (CPU) | per mention | candidate pairs | clusters | pairwise P / R | naive, resolver's pair "
              "scoring (extrapolated) | speedup | old naive, first-name stop (extrapolated) | speedup |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& row : rows) {
    double n = static_cast<double>(row.n);
    double naive = per_pair * n * (n - 1) / 2 + per_mention_prep * n;
    double fair = fper_pair * n * (n - 1) / 2 + fper_mention_prep * n;
    std::printf("| %zu | %s | %s | %.2f us | %zu | %zu | %.3f / %.3f | %s | %.0fx | %s | %.0fx |\n", row.n,
                fmt_time(row.t).c_str(), fmt_time(row.cpu).c_str(), row.t / n * 1e6, row.pairs, row.clusters, row.precision, row.recall,
                fmt_time(fair).c_str(), fair / row.t, fmt_time(naive).c_str(), naive / row.t);
    std::printf("json {\"stage\":\"dedup_speedup\",\"mentions\":%zu,\"naive_extrapolated_s\":%.3f,\"ratio\":%.1f,"
                "\"naive_fair_extrapolated_s\":%.3f,\"ratio_fair\":%.1f}\n",
                row.n, naive, naive / row.t, fair, fair / row.t);
  }
  std::printf("\nnaive all-pairs measured at %zu mentions (%.0f pairs), extrapolated as N(N-1)/2 pairs:\n"
              "  resolver's pair scoring on every pair: %s (%.0f ns per pair, + %.1f us per mention to fold names once)\n"
              "  old baseline, stops at the first differing first name: %s (%.0f ns per pair, + %.1f us per mention)\n",
              naive_n, naive_pairs, fmt_time(fpair_s).c_str(), fper_pair * 1e9, fper_mention_prep * 1e6,
              fmt_time(pair_s).c_str(), per_pair * 1e9, per_mention_prep * 1e6);
  if (rows.size() >= 2) {
    std::printf("growth exponent (time ~ N^k):");
    for (size_t i = 1; i < rows.size(); ++i) {
      double k = std::log(rows[i].t / rows[i - 1].t) / std::log(static_cast<double>(rows[i].n) / rows[i - 1].n);
      std::printf(" %zu->%zu: k=%.2f;", rows[i - 1].n, rows[i].n, k);
    }
    double k = std::log(rows.back().t / rows.front().t) / std::log(static_cast<double>(rows.back().n) / rows.front().n);
    std::printf(" overall k=%.2f\n", k);
    std::printf("growth exponent on CPU time:");
    for (size_t i = 1; i < rows.size(); ++i) {
      double kc = std::log(rows[i].cpu / rows[i - 1].cpu) / std::log(static_cast<double>(rows[i].n) / rows[i - 1].n);
      std::printf(" %zu->%zu: k=%.2f;", rows[i - 1].n, rows[i].n, kc);
    }
    double kc = std::log(rows.back().cpu / rows.front().cpu) / std::log(static_cast<double>(rows.back().n) / rows.front().n);
    std::printf(" overall k=%.2f\n", kc);
    std::printf("json {\"stage\":\"dedup_exponent\",\"from\":%zu,\"to\":%zu,\"k\":%.3f,\"k_cpu\":%.3f}\n",
                rows.front().n, rows.back().n, k, kc);
  }
  return 0;
}

// Writes generated mentions as notes the extractor reads back as mentions of
// the same kinds (a few extra: links to person notes count as mentions too).
void write_vault(const Generated& g, const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir / "Customers");
  fs::create_directories(dir / "Meetings");
  fs::create_directories(dir / "People");
  struct Acc {
    std::vector<std::string> list, table, meeting[7];
  };
  std::vector<Acc> accs(g.accounts.size());
  std::map<std::string, const Person*> notes;
  for (size_t i = 0; i < g.mentions.size(); ++i) {
    const Mention& m = g.mentions[i];
    const Person& p = g.people[static_cast<size_t>(g.person_of[i])];
    Acc& a = accs[static_cast<size_t>(p.account)];
    if (m.source == "person_note") notes.emplace(m.surface, &p);
    else if (m.source == "list") a.list.push_back(m.surface);
    else if (m.source == "table") a.table.push_back("| " + m.surface + " | " + m.role + " | " + m.company + " |");
    else a.meeting[static_cast<size_t>(m.line - 1) % 7].push_back(m.surface);
  }
  for (size_t ai = 0; ai < accs.size(); ++ai) {
    const std::string& name = g.accounts[ai];
    std::ofstream c(dir / "Customers" / (name + ".md"));
    c << "---\ntype: customer\nstatus: active\n---\n# " << name << "\n\n## Key Contacts\n\n";
    for (const auto& s : accs[ai].list) c << "- " << s << "\n";
    c << "\n## Collaborators\n\n| Person | Role | Company |\n|---|---|---|\n";
    for (const auto& s : accs[ai].table) c << s << "\n";
    for (int k = 0; k < 7; ++k) {
      if (accs[ai].meeting[k].empty()) continue;
      std::ofstream mt(dir / "Meetings" / (name + " sync " + std::to_string(k) + ".md"));
      mt << "---\ntype: meeting\naccount: \"[[" << name << "]]\"\nattendees:\n";
      for (const auto& s : accs[ai].meeting[k]) mt << "  - \"" << s << "\"\n";
      mt << "---\n# " << name << " sync\n\n- Reviewed the open items.\n";
    }
  }
  for (const auto& [full, p] : notes) {
    std::ofstream pn(dir / "People" / (full + ".md"));
    pn << "---\ntype: person\ncompany: \"[[" << g.accounts[static_cast<size_t>(p->account)] << "]]\"\nrole: " << p->role
       << "\nemail: " << p->email << "\n---\n# " << full << "\n";
  }
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int cmd_vault(const fs::path& dir, size_t n, int runs, uint64_t seed) {
  Generated g = generate(n, seed);
  write_vault(g, dir);
  vaultcrm::index::Vault vault;
  size_t files = 0;
  auto t0 = Clock::now();
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".md") continue;
    vault.upsert(fs::relative(e.path(), dir).generic_string(), slurp(e.path()), 0);
    ++files;
  }
  double index_s = seconds_since(t0);
  vaultcrm::dedup::Options o;
  std::vector<double> ts, cs;
  vaultcrm::dedup::Report rep;
  for (int k = 0; k <= runs; ++k) {
    t0 = Clock::now();
    double c0 = cpu_now();
    rep = vaultcrm::dedup::run(vault, o);
    double c = cpu_now() - c0;
    if (k > 0) ts.push_back(seconds_since(t0)), cs.push_back(c);
  }
  // The parts of run(), for where the time goes.
  std::vector<double> te, tr;
  for (int k = 0; k <= runs; ++k) {
    vaultcrm::dedup::CompanyAliases aliases;
    t0 = Clock::now();
    auto ms = vaultcrm::dedup::extract_mentions(vault, o, &aliases);
    double e = seconds_since(t0);
    t0 = Clock::now();
    auto res = vaultcrm::dedup::resolve(ms, aliases);
    double r = seconds_since(t0);
    if (k > 0) te.push_back(e), tr.push_back(r);
  }
  std::printf("vault %s: %zu notes (indexed in %s), %zu mentions extracted, %zu clusters, %zu entry groups\n",
              dir.c_str(), files, fmt_time(index_s).c_str(), rep.mentions.size(), rep.contacts.clusters.size(),
              rep.groups.size());
  std::printf("native dedup::run (extract + resolve + entries), median of %d: %s wall, %s CPU (extract_mentions %s, "
              "resolve %s)\n",
              runs, fmt_time(median(ts)).c_str(), fmt_time(median(cs)).c_str(), fmt_time(median(te)).c_str(), fmt_time(median(tr)).c_str());
  std::printf("json {\"stage\":\"dedup_vault_native\",\"notes\":%zu,\"mentions\":%zu,\"median_s\":%.6f,\"runs\":%d}\n",
              files, rep.mentions.size(), median(ts), runs);
  return 0;
}

int usage() {
  std::fprintf(stderr,
               "usage: vaultcrm_dedup_bench scale [--sizes 1000,10000,100000] [--runs 5] [--naive 2000] [--seed 1]\n"
               "       vaultcrm_dedup_bench vault DIR [--mentions 100000] [--runs 3] [--seed 1]\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string cmd = argv[1];
  std::vector<size_t> sizes = {1000, 10000, 100000};
  int runs = -1;
  size_t naive_n = 2000, mentions = 100000;
  uint64_t seed = 1;
  std::string dir;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(1);
      }
      return argv[++i];
    };
    if (a == "--sizes") sizes = parse_sizes(val());
    else if (a == "--runs") runs = std::stoi(val());
    else if (a == "--naive") naive_n = std::stoull(val());
    else if (a == "--seed") seed = std::stoull(val());
    else if (a == "--mentions") mentions = std::stoull(val());
    else if (dir.empty() && a.rfind("--", 0) != 0) dir = a;
    else return usage();
  }
  if (cmd == "scale") return cmd_scale(sizes, runs < 0 ? 5 : runs, std::max<size_t>(naive_n, 2), seed);
  if (cmd == "vault" && !dir.empty()) return cmd_vault(dir, mentions, runs < 0 ? 3 : runs, seed);
  return usage();
}
