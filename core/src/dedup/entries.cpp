// Duplicate entries: list items of one section, and dated timeline items of
// one account across its notes.
//
// Kinds: exact (equal after folding case, marks, punctuation, spaces);
// truncated (one is a cut-off prefix of the other, "…"/"..." optional);
// paraphrase (same date, word-set Jaccard >= Options::paraphrase_threshold).
//
// Why 0.29: on the hand-checked sample vault every same-day pair of timeline
// bullets was scored with this measure (content words, stop words removed,
// a cut-off last word completed from the other entry). True paraphrase pairs
// reach it from 0.30 up (most 0.40-1.0); unrelated same-day pairs stay at or
// below 0.27 (two different e-mails about the same supply-chain topic score
// 0.24). The few true pairs below 0.29 (0.15-0.25) share almost no words -
// one side is a bare meeting link or an "The email discusses..." summary -
// and no set measure separates them from different events, so they are left
// unmerged rather than lowering the bar for everyone. The noisy-vault
// generator (tools/noisy-vault.mjs) confirms the gap holds on other wording.
//
// Never grouped, whatever the similarity: different dates; both entries link
// notes and each links one the other does not; the same slot filled with
// different facts (a diff of the two word sequences where both sides of a
// replaced stretch hold a number, a quarter or a capitalised name: "run 42"
// vs "run 47", "Q1" vs "Q2", "Northern line" vs "Coastal line"). Such pairs
// are reported in distinct_similar. Groups are built best pair first with the
// same cannot-link rule as contacts, so A~B~C never joins A and C if they
// disagree.
#include <utf8proc.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>

#include "dedup_internal.h"
#include "vaultcrm/dedup.h"

namespace vaultcrm::dedup {

using detail::heading_in;

namespace {

struct Token {
  std::string raw, f;
  bool fact = false;
  // Shared context, not a fact of its own: a word of the entry's own date
  // ("2025-11-12") or of the text of a note link, which unique_facts lists
  // whole as "[[...]]".
  bool ctx = false;
};

// Marks around a stretch of text whose words are context (see Token::ctx).
// Control characters are not word characters, so tokens are cut there just
// as at a space: the words, the norm and the similarity do not change.
constexpr char kCtxOpen = '\x01', kCtxClose = '\x02';

struct Item {
  const parse::Note* note = nullptr;
  int line = 0;
  int section = -1;
  std::string heading;
  std::string date;
  std::string account;
  bool timeline = false;
  std::string norm;
  std::vector<Token> toks;
  std::set<std::string> content;
  std::set<std::string> links;  // non-person link targets (resolved path or key)
  std::set<std::string> link_names;
  bool ellipsis = false;
};

const std::set<std::string>& stopwords() {
  static const std::set<std::string> s = {
      "a", "an", "the", "of", "for", "to", "and", "or", "in", "on", "with", "at", "by", "from", "is", "are", "was",
      "were", "be", "been", "as", "via", "that", "this", "it", "its", "into", "about", "s", "has", "have", "had", "will",
      "would", "can", "could", "should", "their", "his", "her", "they", "we", "our", "not", "no", "but", "if", "than",
      "then", "so", "also", "any", "all", "up", "out", "over", "der", "die", "das", "und", "de", "la", "le", "les",
      "el", "los", "et", "y", "en", "du", "des", "un", "une", "il", "di", "da", "e", "o"};
  return s;
}

std::string strip_date_prefix(std::string s, const std::string& date) {
  if (date.empty()) return s;
  size_t p = s.find(date);
  if (p == std::string::npos || p > 2) return s;
  size_t e = p + date.size();
  while (e < s.size() && (s[e] == ')' || s[e] == ':' || s[e] == ' ' || s[e] == '-' || s[e] == ']')) ++e;
  return s.substr(e);
}

// Every occurrence of the entry's own date wrapped in context marks.
std::string mark_date(const std::string& s, const std::string& date) {
  if (date.empty()) return s;
  std::string out;
  size_t i = 0;
  for (size_t p; (p = s.find(date, i)) != std::string::npos; i = p + date.size())
    out += s.substr(i, p - i) + kCtxOpen + date + kCtxClose;
  return out + s.substr(i);
}

std::string link_text(const std::string& inner) {
  size_t bar = inner.find('|');
  std::string t = bar == std::string::npos ? inner : inner.substr(bar + 1);
  if (bar == std::string::npos) {
    size_t hash = t.find('#');
    if (hash != std::string::npos) t.resize(hash);
    size_t slash = t.rfind('/');
    if (slash != std::string::npos) t = t.substr(slash + 1);
  }
  return t;
}

// Link syntax replaced by the link's text; the text of a link to one of
// `marked` (note links, listed whole as facts) is wrapped in context marks.
std::string replace_links(const std::string& s, const std::set<std::string>& marked) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t p = s.find("[[", i);
    if (p == std::string::npos) {
      out += s.substr(i);
      break;
    }
    size_t e = s.find("]]", p + 2);
    if (e == std::string::npos) {
      out += s.substr(i);
      break;
    }
    out += s.substr(i, p - i);
    if (p > 0 && s[p - 1] == '!') out.pop_back();
    std::string inner = s.substr(p + 2, e - p - 2);
    std::string target = detail::trim_copy(inner.substr(0, inner.find_first_of("|#")));
    if (marked.count(target))
      out += std::string(" ") + kCtxOpen + link_text(inner) + kCtxClose + " ";
    else
      out += " " + link_text(inner) + " ";
    i = e + 2;
  }
  return out;
}

void tokenize(Item& it, const std::string& text) {
  std::string s = text;
  // Trailing ellipsis marks a cut.
  auto ends = [&](const std::string& suf) { return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0; };
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (ends("\xE2\x80\xA6")) {
    s.resize(s.size() - 3);
    it.ellipsis = true;
  } else if (ends("...")) {
    s.resize(s.size() - 3);
    it.ellipsis = true;
  }
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t n = static_cast<utf8proc_ssize_t>(s.size()), i = 0;
  std::string cur;
  bool sentence_start = true, seen_break = true;
  int ctx_depth = 0;
  auto flush = [&]() {
    if (cur.empty()) return;
    Token t;
    t.ctx = ctx_depth > 0;
    t.raw = cur;
    t.f = fold(cur);
    bool digit = std::any_of(cur.begin(), cur.end(), [](char c) { return c >= '0' && c <= '9'; });
    utf8proc_int32_t cp = 0;
    utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(cur.data()), static_cast<utf8proc_ssize_t>(cur.size()), &cp);
    bool upper = utf8proc_isupper(cp) != 0;
    size_t uppers = 0, letters = 0;
    for (char c : cur) {
      if (c >= 'A' && c <= 'Z') ++uppers;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) ++letters;
    }
    bool acronym = letters >= 2 && uppers == letters;
    t.fact = digit || acronym || (upper && !seen_break);
    it.toks.push_back(std::move(t));
    cur.clear();
    seen_break = false;
  };
  (void)sentence_start;
  while (i < n) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
    if (len <= 0) {
      ++i;
      continue;
    }
    auto cat = utf8proc_category(cp);
    bool word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO);
    bool inner = (cp == '.' || cp == ',') && !cur.empty() && cur.back() >= '0' && cur.back() <= '9' && i + 1 < n &&
                 p[i + 1] >= '0' && p[i + 1] <= '9';
    bool money = (cp == '$' || cp == 0x20AC || cp == 0xA3) && cur.empty();
    if (word || inner || money || (cp == '%' && !cur.empty())) {
      cur.append(reinterpret_cast<const char*>(p + i), static_cast<size_t>(len));
    } else {
      flush();
      if (cp == kCtxOpen) ++ctx_depth;
      if (cp == kCtxClose && ctx_depth > 0) --ctx_depth;
      if (cp == '.' || cp == '!' || cp == '?' || cp == ':' || cp == ';' || cp == 0x2014 || cp == 0x2013 || cp == '(' ||
          cp == '"' || cp == 0x201C)
        seen_break = true;
    }
    i += len;
  }
  flush();
  for (const auto& t : it.toks) {
    it.norm += (it.norm.empty() ? "" : " ") + t.f;
    if (!stopwords().count(t.f)) it.content.insert(t.f);
  }
}

// Word-set Jaccard, completing a cut-off last word from the other side.
double jaccard(const Item& a, const Item& b) {
  auto fixed = [](const Item& x, const Item& y) {
    std::set<std::string> s = x.content;
    if (!x.toks.empty()) {
      const std::string& last = x.toks.back().f;
      if (!y.content.count(last)) {
        for (const auto& w : y.content)
          if (w.size() > last.size() && w.compare(0, last.size(), last) == 0) {
            s.erase(last);
            s.insert(w);
            break;
          }
      }
    }
    return s;
  };
  auto sa = fixed(a, b), sb = fixed(b, a);
  if (sa.empty() || sb.empty()) return 0;
  size_t inter = 0;
  for (const auto& w : sa) inter += sb.count(w);
  return static_cast<double>(inter) / static_cast<double>(sa.size() + sb.size() - inter);
}

bool is_prefix(const std::string& shorter, const std::string& longer) {
  return shorter.size() >= 20 && shorter.size() < longer.size() && longer.compare(0, shorter.size(), shorter) == 0;
}

// Facts that disagree in the same place: LCS-align the two token sequences and
// look at each replaced stretch (both sides non-empty) that is not the tail.
std::string slot_conflict(const Item& a, const Item& b) {
  size_t n = a.toks.size(), m = b.toks.size();
  if (n > 200 || m > 200) return "";
  std::vector<std::vector<uint16_t>> L(n + 1, std::vector<uint16_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      L[i][j] = a.toks[i].f == b.toks[j].f ? L[i + 1][j + 1] + 1 : std::max(L[i + 1][j], L[i][j + 1]);
  std::set<std::string> a_all, b_all;
  for (const auto& t : a.toks) a_all.insert(t.f);
  for (const auto& t : b.toks) b_all.insert(t.f);
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a.toks[i].f == b.toks[j].f) {
      ++i, ++j;
      continue;
    }
    size_t si = i, sj = j;
    while ((i < n || j < m) && !(i < n && j < m && a.toks[i].f == b.toks[j].f)) {
      if (j >= m || (i < n && L[i + 1][j] >= L[i][j + 1]))
        ++i;
      else
        ++j;
    }
    bool tail = i >= n || j >= m;
    if (tail || si == i || sj == j) continue;
    // Facts that also occur anywhere in the other entry moved, they did not change.
    auto kind = [](const std::string& f) {
      bool digit = false, alpha = false;
      for (char c : f) {
        if (c >= '0' && c <= '9') digit = true;
        else if (c != '.' && c != ',' && c != '$' && c != '%') alpha = true;
      }
      return digit && alpha ? 'c' : digit ? 'n' : 'w';  // code (Q1, LS192), number, word
    };
    std::map<char, std::set<std::string>> fa, fb;
    std::map<char, std::string> ra, rb;
    for (size_t k = si; k < i; ++k)
      if (a.toks[k].fact && !b_all.count(a.toks[k].f)) {
        char t = kind(a.toks[k].f);
        fa[t].insert(a.toks[k].f);
        ra[t] += (ra[t].empty() ? "" : " ") + a.toks[k].raw;
      }
    for (size_t k = sj; k < j; ++k)
      if (b.toks[k].fact && !a_all.count(b.toks[k].f)) {
        char t = kind(b.toks[k].f);
        fb[t].insert(b.toks[k].f);
        rb[t] += (rb[t].empty() ? "" : " ") + b.toks[k].raw;
      }
    for (const auto& [t, xs] : fa) {
      auto it = fb.find(t);
      if (it == fb.end()) continue;
      bool related = false;  // Steve / Stephen, Petrović / Petrovic: the same value written twice
      if (t == 'w')
        for (const auto& x : xs)
          for (const auto& y : it->second)
            related = related || token_relation(x, y, true) != TokenRel::Different;
      if (!related) return "\"" + ra[t] + "\" vs \"" + rb[t] + "\" in the same place";
    }
  }
  return "";
}

enum class Rel { None, Paraphrase, Truncated, Exact };

struct Verdict {
  Rel rel = Rel::None;
  double sim = 0;
  std::string veto;  // non-empty: the two are different entries for this reason
};

Verdict judge(const Item& a, const Item& b, double threshold) {
  Verdict v;
  if (a.norm == b.norm && !a.norm.empty()) {
    v.rel = Rel::Exact;
    v.sim = 1;
  } else if (is_prefix(a.norm, b.norm) || is_prefix(b.norm, a.norm)) {
    v.rel = Rel::Truncated;
    v.sim = 1;
  } else {
    v.sim = jaccard(a, b);
    // Word sets of one to three words (topics, tags, bare links) make any
    // overlap look large; a paraphrase needs something to paraphrase.
    if (v.sim >= threshold && a.content.size() >= 4 && b.content.size() >= 4) v.rel = Rel::Paraphrase;
  }
  if (a.date != b.date) {
    v.veto = "different dates (" + (a.date.empty() ? std::string("none") : a.date) + " / " +
             (b.date.empty() ? std::string("none") : b.date) + ")";
    return v;
  }
  bool a_only = false, b_only = false;
  for (const auto& l : a.links) a_only = a_only || !b.links.count(l);
  for (const auto& l : b.links) b_only = b_only || !a.links.count(l);
  if (a_only && b_only) {
    v.veto = "they link different notes";
    return v;
  }
  if (v.rel == Rel::Paraphrase || v.rel == Rel::Truncated) {
    std::string c = slot_conflict(a, b);
    if (!c.empty()) v.veto = c;
  }
  return v;
}

double keep_score(const Item& it, const std::vector<const Item*>& group) {
  bool cut = it.ellipsis;
  for (const auto* o : group)
    if (o != &it && is_prefix(it.norm, o->norm)) cut = true;
  size_t facts = 0;
  for (const auto& t : it.toks) facts += t.fact ? 1 : 0;
  return (cut ? 0 : 1000) + 50.0 * static_cast<double>(it.links.size()) + 5.0 * static_cast<double>(facts) +
         static_cast<double>(it.norm.size()) / 1000.0;
}

// Folded words of the account and of the note an entry sits in (letters
// only: dates are marked in the text itself).
std::set<std::string> context_words(const Item& it) {
  std::set<std::string> out;
  for (const std::string* s : {&it.account, &it.note->name})
    for (const auto& w : detail::split_words(fold(*s))) {
      bool letters = w.size() >= 2 && std::all_of(w.begin(), w.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (static_cast<unsigned char>(c) & 0x80) != 0;
      });
      if (letters) out.insert(w);
    }
  return out;
}

// The facts (numbers, codes, capitalised names, note links) of `it` that no
// other member of its group has. Not facts: the words every member shares by
// context - its own date, the account's and (when all members share it) the
// note's name - and the words of a note link listed whole.
std::vector<std::string> unique_facts(const Item& it, const std::vector<const Item*>& group) {
  std::set<std::string> others;
  std::set<std::string> other_links;
  for (const auto* o : group) {
    if (o == &it) continue;
    for (const auto& t : o->toks) {
      // The other's date is its context, not a number it states ("12 racks"
      // stays a fact of ours next to an entry of 2025-11-12).
      bool date_part = t.ctx && std::all_of(t.f.begin(), t.f.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!date_part) others.insert(t.f);
    }
    for (const auto& l : o->link_names) other_links.insert(l);
  }
  std::set<std::string> shared = context_words(it);
  for (const auto* o : group) {
    if (o == &it || shared.empty()) continue;
    std::set<std::string> theirs = context_words(*o), both;
    std::set_intersection(shared.begin(), shared.end(), theirs.begin(), theirs.end(), std::inserter(both, both.end()));
    shared = std::move(both);
  }
  std::vector<std::string> out;
  for (size_t k = 0; k < it.toks.size(); ++k) {
    const auto& t = it.toks[k];
    if (!t.fact || t.ctx || others.count(t.f) || shared.count(t.f)) continue;
    bool prefix_of_other = false;
    if (k + 1 == it.toks.size())
      for (const auto& w : others) prefix_of_other = prefix_of_other || w.compare(0, t.f.size(), t.f) == 0;
    if (prefix_of_other) continue;
    if (std::find(out.begin(), out.end(), t.raw) == out.end()) out.push_back(t.raw);
  }
  for (const auto& l : it.link_names)
    if (!other_links.count(l)) out.push_back("[[" + l + "]]");
  return out;
}

struct Uf {
  std::vector<int> p;
  std::vector<std::vector<int>> members;
  explicit Uf(size_t n) : p(n), members(n) {
    std::iota(p.begin(), p.end(), 0);
    for (size_t i = 0; i < n; ++i) members[i] = {static_cast<int>(i)};
  }
  int find(int x) {
    while (p[x] != x) x = p[x] = p[p[x]];
    return x;
  }
};

}  // namespace

namespace {

void entry_groups(const index::Vault& vault, const Options& o, const std::unordered_map<std::string, std::string>& account_of,
                  const std::set<std::string>& person_paths, Report& rep) {
  std::vector<Item> items;
  for (const auto& [path, n] : vault.notes()) {
    std::unordered_map<int, std::vector<const parse::Link*>> links_by_line;
    for (const auto& l : n.links)
      if (l.frontmatter_key.empty()) links_by_line[l.line].push_back(&l);
    for (const auto& li : n.lists) {
      if (li.section < 0) continue;
      const std::string& h = n.sections[li.section].heading;
      if (heading_in(h, o.contact_headings) || heading_in(h, o.collaborator_headings) || heading_in(h, o.attendee_headings))
        continue;
      Item it;
      it.note = &n;
      it.line = li.line;
      it.section = li.section;
      it.heading = h;
      it.date = li.date;
      auto ai = account_of.find(path);
      it.account = ai == account_of.end() ? "" : ai->second;
      it.timeline = heading_in(h, o.timeline_headings);
      if (auto lit = links_by_line.find(li.line); lit != links_by_line.end())
        for (const auto* l : lit->second) {
          auto r = vault.resolve(l->target, path);
          std::string key = r ? *r : index::link_key(l->target);
          if (r && person_paths.count(*r)) continue;  // people are names, not targets
          it.links.insert(key);
          it.link_names.insert(std::string(l->target));
        }
      tokenize(it, mark_date(replace_links(strip_date_prefix(std::string(li.text), std::string(li.date)), it.link_names), it.date));
      if (it.norm.empty()) continue;
      items.push_back(std::move(it));
    }
  }
  // Blocks: one section of one note and one date; timeline items of one
  // account and one date across its notes.
  std::unordered_map<std::string, std::vector<int>> blocks;
  std::unordered_map<std::string, std::vector<int>> near;  // same section, same first words, any date
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    std::string key;
    if (o.cross_note_entries && it.timeline && !it.date.empty() && !it.account.empty())
      key = "T|" + it.account + "|" + it.date;
    else
      key = "S|" + it.note->path + "|" + std::to_string(it.section) + "|" + it.date;
    blocks[key].push_back(static_cast<int>(i));
    std::string lead;
    int k = 0;
    for (const auto& t : it.toks) {
      if (stopwords().count(t.f)) continue;
      lead += t.f + " ";
      if (++k == 3) break;
    }
    near["N|" + it.note->path + "|" + std::to_string(it.section) + "|" + lead].push_back(static_cast<int>(i));
  }
  Uf uf(items.size());
  std::set<std::pair<int, int>> vetoed;
  std::map<std::pair<int, int>, Verdict> verdicts;
  struct Cand {
    double score;
    int a, b;
  };
  std::vector<Cand> cands;
  const size_t kMaxPairwise = 400;  // larger blocks: exact duplicates only
  for (auto& [key, ids] : blocks) {
    if (ids.size() < 2) continue;
    if (ids.size() > kMaxPairwise) {
      std::unordered_map<std::string, int> first;
      for (int id : ids) {
        auto [it, fresh] = first.emplace(items[id].norm, id);
        if (!fresh) cands.push_back({3.0, it->second, id});
      }
      continue;
    }
    for (size_t x = 0; x < ids.size(); ++x)
      for (size_t y = x + 1; y < ids.size(); ++y) {
        const Item &a = items[ids[x]], &b = items[ids[y]];
        if (a.note != b.note && !(a.timeline && b.timeline)) continue;
        if (a.note == b.note && a.section != b.section) continue;
        Verdict v = judge(a, b, o.paraphrase_threshold);
        auto pk = std::make_pair(ids[x], ids[y]);
        if (!v.veto.empty()) {
          vetoed.insert(pk);
          if (v.rel != Rel::None) verdicts[pk] = v;
          continue;
        }
        if (v.rel == Rel::None) continue;
        verdicts[pk] = v;
        double s = v.rel == Rel::Exact ? 3 : v.rel == Rel::Truncated ? 2 : 1 + v.sim;
        cands.push_back({s, ids[x], ids[y]});
      }
  }
  // Near misses across dates (same opening words).
  for (auto& [key, ids] : near) {
    if (ids.size() < 2 || ids.size() > 50) continue;
    for (size_t x = 0; x < ids.size(); ++x)
      for (size_t y = x + 1; y < ids.size(); ++y) {
        const Item &a = items[ids[x]], &b = items[ids[y]];
        if (a.date == b.date) continue;
        Verdict v = judge(a, b, std::max(0.5, o.paraphrase_threshold));
        if (v.rel == Rel::None) continue;
        auto pk = std::make_pair(std::min(ids[x], ids[y]), std::max(ids[x], ids[y]));
        vetoed.insert(pk);
        verdicts[pk] = v;
      }
  }
  std::stable_sort(cands.begin(), cands.end(), [](const Cand& x, const Cand& y) { return x.score > y.score; });
  auto is_vetoed = [&](int a, int b) { return vetoed.count({std::min(a, b), std::max(a, b)}) > 0; };
  for (const auto& c : cands) {
    int ra = uf.find(c.a), rb = uf.find(c.b);
    if (ra == rb) continue;
    bool ok = true;
    for (int x : uf.members[ra])
      for (int y : uf.members[rb]) ok = ok && !is_vetoed(x, y);
    if (!ok) continue;
    uf.p[rb] = ra;
    for (int m : uf.members[rb]) uf.members[ra].push_back(m);
    uf.members[rb].clear();
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (uf.find(static_cast<int>(i)) != static_cast<int>(i) || uf.members[i].size() < 2) continue;
    auto mem = uf.members[i];
    std::sort(mem.begin(), mem.end(), [&](int a, int b) {
      return std::tie(items[a].note->path, items[a].line) < std::tie(items[b].note->path, items[b].line);
    });
    std::vector<const Item*> group;
    for (int m : mem) group.push_back(&items[m]);
    const Item* keep = group.front();
    double best = -1;
    for (const auto* g : group) {
      double s = keep_score(*g, group);
      if (s > best) best = s, keep = g;
    }
    bool all_exact = true, all_prefix = true;
    const Item* longest = group.front();
    for (const auto* g : group)
      if (g->norm.size() > longest->norm.size()) longest = g;
    double min_sim = 1;
    for (const auto* g : group) {
      all_exact = all_exact && g->norm == group.front()->norm;
      all_prefix = all_prefix && (g->norm == longest->norm || is_prefix(g->norm, longest->norm));
    }
    for (size_t x = 0; x < mem.size(); ++x)
      for (size_t y = x + 1; y < mem.size(); ++y) {
        auto it = verdicts.find({std::min(mem[x], mem[y]), std::max(mem[x], mem[y])});
        if (it != verdicts.end() && it->second.veto.empty()) min_sim = std::min(min_sim, it->second.sim);
      }
    EntryGroup g;
    g.path = keep->note->path;
    g.keep_path = keep->note->path;
    g.section = keep->heading;
    g.kind = all_exact ? "exact" : all_prefix ? "truncated" : "paraphrase";
    g.keep = keep->line;
    g.confidence = all_exact ? 1.0 : all_prefix ? 0.95 : std::min(0.9, 0.6 + 0.4 * min_sim);
    for (const auto* m : group) {
      if (m->note->path == g.path) g.lines.push_back(m->line);
      g.members.push_back({m->note->path, m->line, g.kind == "exact" ? std::vector<std::string>{} : unique_facts(*m, group)});
    }
    if (g.kind == "truncated") g.why = "the shorter entries are cut-off copies of the longest";
    else if (g.kind == "paraphrase") g.why = "same date, same links, same words reworded (Jaccard >= " +
                                             std::to_string(o.paraphrase_threshold).substr(0, 4) + ")";
    else g.why = "identical after folding case, accents, punctuation and spaces";
    rep.groups.push_back(std::move(g));
  }
  for (const auto& [pk, v] : verdicts) {
    if (v.veto.empty()) continue;
    if (v.rel == Rel::None && v.sim < o.paraphrase_threshold) continue;
    const Item &a = items[pk.first], &b = items[pk.second];
    DistinctSimilar d;
    d.path = a.note->path;
    d.section = a.heading;
    d.lines = {a.line, b.line};
    if (a.note != b.note) d.paths = {a.note->path, b.note->path};
    d.reason = v.veto;
    rep.distinct_similar.push_back(std::move(d));
  }
}

// Contact lists and tables: rows that name the same (non-ambiguous) person.
void contact_groups(const Options& o, Report& rep) {
  struct Key {
    std::string path, section;
    bool table;
    int cluster;
  };
  // Mentions sorted by (note, section, table, person) and taken in runs: the
  // same order a map keyed by copies of those strings gave, without the copies.
  const auto& ms = rep.mentions;
  std::vector<size_t> order;
  for (size_t i = 0; i < ms.size(); ++i) {
    const Mention& m = ms[i];
    if (m.source != "list" && m.source != "table") continue;
    if (!heading_in(m.section, o.contact_headings) && !heading_in(m.section, o.collaborator_headings)) continue;
    int c = rep.contacts.cluster_of[i];
    if (c < 0 || rep.contacts.clusters[c].ambiguous) continue;
    order.push_back(i);
  }
  auto cmp = [&](size_t a, size_t b) {  // <0, 0, >0
    if (int c = ms[a].path.compare(ms[b].path)) return c;
    if (int c = ms[a].section.compare(ms[b].section)) return c;
    int ta = ms[a].source == "table", tb = ms[b].source == "table";
    if (ta != tb) return ta - tb;
    int ca = rep.contacts.cluster_of[a], cb = rep.contacts.cluster_of[b];
    return ca < cb ? -1 : ca > cb ? 1 : 0;
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return cmp(a, b) < 0; });
  std::vector<std::pair<Key, std::vector<size_t>>> by;
  for (size_t i : order) {
    if (by.empty() || cmp(by.back().second.front(), i) != 0)
      by.push_back({Key{ms[i].path, ms[i].section, ms[i].source == "table", rep.contacts.cluster_of[i]}, {}});
    by.back().second.push_back(i);
  }
  for (const auto& [k, idx] : by) {
    std::set<int> lines;
    for (size_t i : idx) lines.insert(ms[i].line);
    if (lines.size() < 2) continue;
    const Cluster& cl = rep.contacts.clusters[k.cluster];
    EntryGroup g;
    g.path = k.path;
    g.keep_path = k.path;
    g.section = k.section;
    g.cluster = cl.canonical;
    g.lines.assign(lines.begin(), lines.end());
    std::set<std::string> surfaces, folded, roles, companies, linked;
    for (size_t i : idx) {
      surfaces.insert(ms[i].surface);
      folded.insert(fold(ms[i].surface));
      linked.insert(ms[i].linked ? "y" : "n");
      if (!ms[i].role.empty()) roles.insert(ms[i].role);
      if (!ms[i].company.empty()) companies.insert(ms[i].company);
    }
    if (surfaces.size() == 1 && linked.size() == 1)
      g.kind = (k.table && (roles.size() > 1 || companies.size() > 1)) ? "same-person" : "exact";
    else if (folded.size() == 1)
      g.kind = k.table && (roles.size() > 1 || companies.size() > 1) ? "same-person" : "exact-modulo-link";
    else
      g.kind = "variant";
    g.keep = g.lines.front();
    for (size_t i : idx)
      if (ms[i].surface == cl.canonical) {
        g.keep = ms[i].line;
        break;
      }
    g.confidence = cl.confidence;
    g.merged_roles.assign(roles.begin(), roles.end());
    g.merged_companies.assign(companies.begin(), companies.end());
    for (int l : g.lines) g.members.push_back({k.path, l, {}});
    g.why = "the same person (" + cl.canonical + ") listed " + std::to_string(g.lines.size()) + " times";
    rep.groups.push_back(std::move(g));
  }
  // A bare first name next to the people it could be. Mentions are indexed by
  // (note, section) once: scanning every mention per ambiguous name was
  // quadratic (100k mentions, thousands of ambiguous first names).
  std::unordered_map<std::string, std::vector<size_t>> in_spot;
  bool any_ambiguous = std::any_of(rep.contacts.clusters.begin(), rep.contacts.clusters.end(),
                                   [](const Cluster& c) { return c.ambiguous; });
  if (any_ambiguous)
    for (size_t i = 0; i < ms.size(); ++i) in_spot[ms[i].path + '\0' + ms[i].section].push_back(i);
  for (const auto& cl : rep.contacts.clusters) {
    if (!cl.ambiguous) continue;
    std::map<std::pair<std::string, std::string>, std::set<int>> spots;
    for (size_t i : cl.mentions)
      if (ms[i].source == "list" || ms[i].source == "table") spots[{ms[i].path, ms[i].section}].insert(ms[i].line);
    for (auto& [spot, lines] : spots) {
      std::set<int> all = lines;
      for (size_t i : in_spot[spot.first + '\0' + spot.second]) {
        int c = rep.contacts.cluster_of[i];
        if (c >= 0 && std::find(cl.candidates.begin(), cl.candidates.end(), rep.contacts.clusters[c].canonical) !=
                          cl.candidates.end())
          all.insert(ms[i].line);
      }
      DistinctSimilar d;
      d.path = spot.first;
      d.section = spot.second;
      d.lines.assign(all.begin(), all.end());
      std::string cands;
      for (const auto& c : cl.candidates) cands += (cands.empty() ? "" : " / ") + c;
      d.reason = "bare \"" + cl.canonical + "\" is ambiguous (" + cands + "); not merged";
      rep.distinct_similar.push_back(std::move(d));
    }
  }
}

}  // namespace

Report run(const index::Vault& vault, const Options& o) {
  Report rep;
  CompanyAliases aliases;
  rep.mentions = extract_mentions(vault, o, &aliases);
  rep.contacts = resolve(rep.mentions, aliases);
  std::unordered_map<std::string, std::string> account_of;
  std::set<std::string> person_paths;
  for (const auto& m : rep.mentions) {
    if (!m.account.empty()) account_of.emplace(m.path, m.account);
    if (m.source == "person_note") person_paths.insert(m.path);
  }
  // Notes without a person mention still belong to their account.
  for (const auto& [path, n] : vault.notes()) {
    if (account_of.count(path)) continue;
    for (const auto& f : {"account", "customer", "client"}) {
      const Value* v = n.frontmatter.find(f);
      if (v && v->is_string()) {
        std::string t = v->as_string();
        if (t.rfind("[[", 0) == 0 && t.size() > 4) t = t.substr(2, t.size() - 4);
        if (auto r = vault.resolve(t, path)) account_of[path] = vault.find(*r)->name;
      }
    }
    if (!account_of.count(path) && heading_in(path.substr(0, path.find('/')), o.customer_folders)) account_of[path] = n.name;
  }
  contact_groups(o, rep);
  entry_groups(vault, o, account_of, person_paths, rep);
  return rep;
}

}  // namespace vaultcrm::dedup
