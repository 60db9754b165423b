// Contact resolution: mentions -> nodes (one per spelling and scope, or per
// person note) -> clusters.
//
// Stage 1 joins full names. Candidate pairs come only from blocking keys
// (surname + first initial, first name + surname initial, phonetic surname +
// first sound, nickname canon + surname, e-mail), so the work grows with the
// block sizes, not with N^2. Pairs are merged best-first, and a merge happens
// only when no member of one cluster conflicts with any member of the other
// (different e-mail, different company, names that cannot be the same person,
// different roles for a merge that rests on a fuzzy spelling). That is what
// keeps "Pete Emig ~ Pete Eming ~ Peter Imming" from chaining.
//
// Stage 2 places first-name-only and initialled mentions ("Juergen",
// "Chris B.") afterwards, against the full-name clusters of the same account:
// exactly one candidate -> merge (probable); two or more -> ambiguous, never
// merged. Doing this after stage 1 means a bare first name can never glue two
// full names together.
#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "dedup_internal.h"
#include "vaultcrm/dedup.h"

namespace vaultcrm::dedup {

namespace detail {
std::string company_key(std::string_view company, const CompanyAliases& aliases);
}

bool mergeable(const Cluster& c) { return !c.ambiguous && (c.members.size() > 1 || c.notes.size() > 1); }

namespace {

using detail::name_token;
using detail::relation_folded;

struct Tok {
  std::string f;
  bool non_ascii = false;
  std::string raw;
  detail::TokFeat feat;
};

struct PName {
  std::vector<Tok> toks;
  bool partial = false;
  std::string key;
  const Tok& first() const { return toks.front(); }
  const Tok& last() const { return toks.back(); }
};

bool non_ascii(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; });
}

PName parse_name(std::string_view surface) {
  std::string s = detail::trim_copy(surface);
  size_t comma = s.find(',');
  if (comma != std::string::npos) {
    std::string a = detail::trim_copy(s.substr(0, comma)), b = detail::trim_copy(s.substr(comma + 1));
    if (!a.empty() && !b.empty() && detail::split_words(a).size() == 1 && detail::split_words(b).size() <= 2)
      s = b + " " + a;  // "Smith, Robert"
    else
      s = a;
  }
  static const std::set<std::string> honorifics = {"dr", "mr", "mrs", "ms", "prof", "sir", "herr", "frau", "mme", "mlle"};
  PName p;
  for (const auto& w : detail::split_words(s)) {
    std::string f = name_token(w);
    if (f.empty() || honorifics.count(f)) continue;
    bool na = non_ascii(w);
    p.toks.push_back({f, na, w, detail::features(f, na)});
  }
  if (p.toks.size() >= 2)
    for (const auto& t : p.toks)
      if (t.f.size() == 1) p.partial = true;
  for (const auto& t : p.toks) p.key += (p.key.empty() ? "" : " ") + t.f;
  return p;
}

struct Node {
  std::string key;
  std::vector<size_t> mentions;
  std::vector<PName> names;               // distinct full names (2+ tokens)
  std::vector<std::string> singles;       // distinct one-token spellings (bound nodes)
  bool single = false, partial = false, bound = false;
  std::string account;                    // unbound nodes: their scope
  std::set<std::string> accounts, companies, companies_raw, emails, phones, notes, role_words;
  std::vector<std::string> roles;
  double conf = 1.0;
  std::vector<std::string> how;           // evidence for joining its cluster
  bool ambiguous = false;
  std::vector<int> candidates;            // roots, when ambiguous
};

int rank(TokenRel r) {
  switch (r) {
    case TokenRel::Exact: return 40;
    case TokenRel::Translit: return 38;
    case TokenRel::Nickname: return 30;
    case TokenRel::HyphenPart: return 27;
    case TokenRel::Typo: return 25;
    case TokenRel::Phonetic: return 22;
    case TokenRel::Initial: return 15;
    case TokenRel::Different: return 0;
  }
  return 0;
}

bool strong(TokenRel r) { return r == TokenRel::Exact || r == TokenRel::Translit; }

struct NameRel {
  TokenRel first = TokenRel::Different, last = TokenRel::Different;
  bool worthy = false, compatible = false;
  int score = 0;
};

NameRel compare(const PName& a, const PName& b) {
  NameRel r;
  if (a.key == b.key) {
    r.first = r.last = TokenRel::Exact;
  } else {
    r.first = detail::relation(a.first().feat, b.first().feat, true);
    r.last = detail::relation(a.last().feat, b.last().feat, false);
  }
  r.compatible = r.first != TokenRel::Different && r.last != TokenRel::Different;
  auto in = [](TokenRel x, std::initializer_list<TokenRel> set) { return std::find(set.begin(), set.end(), x) != set.end(); };
  r.worthy = (strong(r.last) && in(r.first, {TokenRel::Exact, TokenRel::Translit, TokenRel::Nickname, TokenRel::Typo,
                                              TokenRel::Phonetic})) ||
             (strong(r.first) && in(r.last, {TokenRel::Typo, TokenRel::Phonetic, TokenRel::HyphenPart}));
  r.score = rank(r.first) + rank(r.last);
  return r;
}

std::string rel_words(TokenRel r, const std::string& a, const std::string& b, bool first) {
  std::string pair = a + " / " + b;
  switch (r) {
    case TokenRel::Exact: return "";
    case TokenRel::Translit: return "diacritic or transliteration variant (" + pair + ")";
    case TokenRel::Nickname: return "nickname (" + pair + ")";
    case TokenRel::HyphenPart: return "part of a double surname (" + pair + ")";
    case TokenRel::Typo: return std::string(first ? "first-name" : "surname") + " spelling variant (" + pair + ")";
    case TokenRel::Phonetic: return std::string(first ? "first names" : "surnames") + " sound alike (" + pair + ")";
    case TokenRel::Initial: return "initial (" + pair + ")";
    case TokenRel::Different: return "";
  }
  return "";
}

std::set<std::string> content_words(std::string_view s) {
  static const std::set<std::string> stop = {"and", "the", "for", "per", "with", "of", "on", "in", "lead", "uncertain",
                                             "likely", "implied", "team", "head"};
  std::set<std::string> out;
  std::string cur;
  std::string f = fold(s);
  for (size_t i = 0; i <= f.size(); ++i) {
    char c = i < f.size() ? f[i] : ' ';
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (static_cast<unsigned char>(c) >= 0x80)) {
      cur.push_back(c);
    } else {
      if (cur.size() >= 2 && !stop.count(cur)) out.insert(cur);
      cur.clear();
    }
  }
  return out;
}

bool companies_compatible(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (a.empty() || b.empty()) return true;
  for (const auto& x : a)
    for (const auto& y : b) {
      if (x == y) return true;
      auto wx = detail::split_words(x), wy = detail::split_words(y);
      const auto& s = wx.size() < wy.size() ? wx : wy;
      const auto& l = wx.size() < wy.size() ? wy : wx;
      bool all = true;
      for (const auto& w : s)
        if (std::find(l.begin(), l.end(), w) == l.end()) all = false;
      if (all) return true;
    }
  return false;
}

bool disjoint(const std::set<std::string>& a, const std::set<std::string>& b) {
  for (const auto& x : a)
    if (b.count(x)) return false;
  return true;
}

class Resolver {
 public:
  Resolver(const std::vector<Mention>& ms, const CompanyAliases& aliases) : ms_(ms), aliases_(aliases) {}

  ContactResult run() {
    build_nodes();
    parent_.resize(nodes_.size());
    std::iota(parent_.begin(), parent_.end(), 0);
    members_.resize(nodes_.size());
    for (size_t i = 0; i < nodes_.size(); ++i) members_[i] = {static_cast<int>(i)};
    stage_email();
    stage_full_names();
    stage_partials();
    return output();
  }

 private:
  const std::vector<Mention>& ms_;
  const CompanyAliases& aliases_;
  std::vector<Node> nodes_;
  std::vector<int> node_of_;  // per mention
  std::vector<int> parent_;
  std::vector<std::vector<int>> members_;
  size_t pairs_ = 0;

  int find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }

  void build_nodes() {
    std::unordered_map<std::string, int> by_key;
    by_key.reserve(ms_.size());
    nodes_.reserve(ms_.size());
    node_of_.assign(ms_.size(), -1);
    for (size_t i = 0; i < ms_.size(); ++i) {
      const Mention& m = ms_[i];
      PName p = parse_name(m.surface);
      if (p.toks.empty()) continue;
      std::string key;
      if (!m.bound.empty())
        key = "N|" + m.bound;
      else if (p.toks.size() >= 2)
        key = std::string(p.partial ? "P|" : "F|") + p.key + "|" + m.account;
      else
        key = "S|" + p.key + "|" + m.account;
      auto [it, fresh] = by_key.emplace(key, static_cast<int>(nodes_.size()));
      if (fresh) {
        Node n;
        n.key = key;
        n.bound = !m.bound.empty();
        n.single = !n.bound && p.toks.size() == 1;
        n.partial = !n.bound && p.partial;
        n.account = m.account;
        nodes_.push_back(std::move(n));
      }
      Node& n = nodes_[it->second];
      node_of_[i] = it->second;
      n.mentions.push_back(i);
      n.accounts.insert(m.account);
      if (p.toks.size() >= 2 && !p.partial) {
        if (std::none_of(n.names.begin(), n.names.end(), [&](const PName& q) { return q.key == p.key; }))
          n.names.push_back(p);
      } else if (p.toks.size() == 1) {
        if (std::find(n.singles.begin(), n.singles.end(), p.key) == n.singles.end()) n.singles.push_back(p.key);
      }
      if (n.bound && p.partial && n.names.empty()) n.names.push_back(p);
      if (!m.company.empty()) {
        std::string ck = detail::company_key(m.company, aliases_);
        if (!ck.empty()) {
          n.companies.insert(ck);
          n.companies_raw.insert(m.company);
        }
      }
      if (!m.email.empty()) n.emails.insert(m.email);
      if (!m.phone.empty()) n.phones.insert(m.phone);
      if (!m.bound.empty()) n.notes.insert(m.bound);
      if (!m.role.empty()) {
        if (std::find(n.roles.begin(), n.roles.end(), m.role) == n.roles.end()) n.roles.push_back(m.role);
        for (const auto& w : content_words(m.role)) n.role_words.insert(w);
      }
    }
    // Person notes carry their company into every account they are linked from.
    for (auto& n : nodes_) {
      if (!n.bound) continue;
      std::set<std::string> extra;
      for (const auto& c : n.companies)
        for (const auto& [alias, cust] : aliases_)
          if (alias == c || cust == c) extra.insert(cust);
      for (const auto& e : extra) n.accounts.insert(e);
    }
  }

  // Why x and y cannot be one person ("" when they can).
  std::string conflict(const Node& x, const Node& y, bool fuzzy) const {
    if (!x.emails.empty() && !y.emails.empty() && disjoint(x.emails, y.emails)) return "different e-mail";
    if (!companies_compatible(x.companies, y.companies)) return "different company";
    if (!x.names.empty() && !y.names.empty()) {
      bool ok = false;
      for (const auto& a : x.names)
        for (const auto& b : y.names) ok = ok || compare(a, b).compatible;
      if (!ok) return "different full names";
    }
    auto single_fits = [](const std::string& s, const Node& other) {
      for (const auto& n : other.names) {
        if (relation_folded(s, n.first().f, false, false, true) != TokenRel::Different) return true;
        if (n.last().f == s) return true;
      }
      for (const auto& t : other.singles)
        if (relation_folded(s, t, false, false, true) != TokenRel::Different) return true;
      return other.names.empty() && other.singles.empty();
    };
    if (x.names.empty())
      for (const auto& s : x.singles)
        if (!single_fits(s, y)) return "different names";
    if (y.names.empty())
      for (const auto& s : y.singles)
        if (!single_fits(s, x)) return "different names";
    if (fuzzy && !x.role_words.empty() && !y.role_words.empty() && disjoint(x.role_words, y.role_words))
      return "different roles";
    return "";
  }

  bool clusters_compatible(int ra, int rb, bool fuzzy) const {
    for (int a : members_[ra])
      for (int b : members_[rb])
        if (!conflict(nodes_[a], nodes_[b], fuzzy).empty()) return false;
    return true;
  }

  void unite(int ra, int rb, double conf, std::vector<std::string> how) {
    // rb joins ra; evidence is kept on the joining node.
    parent_[rb] = ra;
    for (int m : members_[rb]) members_[ra].push_back(m);
    members_[rb].clear();
    Node& joined = nodes_[rb];
    joined.conf = std::min(joined.conf, conf);
    for (auto& h : how)
      if (!h.empty()) joined.how.push_back(std::move(h));
  }

  void stage_email() {
    std::unordered_map<std::string, int> by_email;
    for (size_t i = 0; i < nodes_.size(); ++i)
      for (const auto& e : nodes_[i].emails) {
        auto [it, fresh] = by_email.emplace(e, static_cast<int>(i));
        if (fresh) continue;
        int ra = find(it->second), rb = find(static_cast<int>(i));
        if (ra != rb) unite(ra, rb, 0.99, {"same e-mail (" + e + ")"});
      }
  }

  std::string shared_company(int a, int b) const {
    for (const auto& x : nodes_[a].companies)
      if (nodes_[b].companies.count(x)) return x;
    return "";
  }

  void stage_full_names() {
    // Each entry: (block key, sort key inside the block, node).
    struct Entry {
      std::string block, sort;
      int node;
    };
    std::vector<Entry> entries;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const Node& n = nodes_[i];
      if (n.single || n.partial) continue;
      int id = static_cast<int>(i);
      for (const auto& p : n.names) {
        const std::string& f = p.first().f;
        const std::string& l = p.last().f;
        entries.push_back({"L" + l + "|" + f.substr(0, 1), f, id});
        entries.push_back({"F" + f + "|" + l.substr(0, 1), l, id});
        std::string pl = phonetic(l), pf = phonetic(f);
        if (!pl.empty() && !pf.empty()) entries.push_back({"P" + pl + "|" + pf.substr(0, 1), l + " " + f, id});
        for (const auto& c : nickname_canon(f)) entries.push_back({"N" + c + "|" + l, f, id});
      }
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      return std::tie(a.block, a.sort, a.node) < std::tie(b.block, b.sort, b.node);
    });
    struct Cand {
      double score;
      int a, b;
      NameRel rel;
      std::string an, bn;
    };
    std::vector<Cand> cands;
    std::unordered_set<uint64_t> seen;
    seen.reserve(entries.size() * 4);
    // Sorted neighbourhood inside each block: a node is compared with the next
    // kWindow nodes in sort order, so a block of any size costs O(size * kWindow)
    // and near spellings (sorted next to each other) still meet.
    const size_t kWindow = 24;
    for (size_t s = 0; s < entries.size();) {
      size_t e = s;
      while (e < entries.size() && entries[e].block == entries[s].block) ++e;
      for (size_t i = s; i < e; ++i)
        for (size_t j = i + 1; j < e && j <= i + kWindow; ++j) {
          int a = std::min(entries[i].node, entries[j].node), b = std::max(entries[i].node, entries[j].node);
          if (a == b) continue;
          uint64_t k = (static_cast<uint64_t>(a) << 32) | static_cast<uint32_t>(b);
          if (!seen.insert(k).second) continue;
          ++pairs_;
          NameRel best;
          const PName *ba = nullptr, *bb = nullptr;
          for (const auto& pa : nodes_[a].names)
            for (const auto& pb : nodes_[b].names) {
              NameRel r = compare(pa, pb);
              if (r.worthy && (!best.worthy || r.score > best.score)) best = r, ba = &pa, bb = &pb;
            }
          if (!best.worthy) continue;
          std::string an, bn;
          for (const auto& t : ba->toks) an += (an.empty() ? "" : " ") + t.raw;
          for (const auto& t : bb->toks) bn += (bn.empty() ? "" : " ") + t.raw;
          double score = best.score;
          if (!shared_company(a, b).empty()) score += 5;
          if (!disjoint(nodes_[a].accounts, nodes_[b].accounts)) score += 3;
          cands.push_back({score, a, b, best, an, bn});
        }
      s = e;
    }
    std::stable_sort(cands.begin(), cands.end(), [](const Cand& x, const Cand& y) { return x.score > y.score; });
    for (const auto& c : cands) {
      int ra = find(c.a), rb = find(c.b);
      if (ra == rb) continue;
      bool fuzzy = !(strong(c.rel.first) && strong(c.rel.last));
      if (!clusters_compatible(ra, rb, fuzzy)) continue;
      std::vector<std::string> how;
      auto fa = parse_name(c.an), fb = parse_name(c.bn);
      std::string w1 = rel_words(c.rel.first, fa.first().raw, fb.first().raw, true);
      std::string w2 = rel_words(c.rel.last, fa.last().raw, fb.last().raw, false);
      if (w1.empty() && w2.empty()) how.push_back("same full name");
      how.push_back(w1);
      how.push_back(w2);
      std::string co = shared_company(c.a, c.b);
      if (!co.empty()) how.push_back("same company (" + co + ")");
      double conf = 0.98;
      if (c.rel.first == TokenRel::Translit || c.rel.last == TokenRel::Translit) conf = 0.95;
      if (fuzzy) conf = co.empty() ? 0.85 : 0.9;
      if (c.rel.first == TokenRel::Nickname) conf = std::min(conf, 0.85);
      // Keep the root on the node with a person note, if any, for a stable canonical.
      if (nodes_[rb].bound && !nodes_[ra].bound) std::swap(ra, rb);
      unite(ra, rb, conf, how);
    }
  }

  // Stage 2: first names alone and initialled names.
  void stage_partials() {
    // account -> key -> roots
    std::unordered_map<std::string, std::unordered_map<std::string, std::set<int>>> idx;
    std::unordered_map<std::string, std::vector<std::pair<std::string, int>>> firsts;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const Node& n = nodes_[i];
      if (n.single || n.partial) continue;
      int root = find(static_cast<int>(i));
      for (const auto& acc : n.accounts) {
        auto& m = idx[acc];
        for (const auto& p : n.names) {
          const std::string& f = p.first().f;
          m["f:" + f].insert(root);
          if (p.first().non_ascii || german_key(f) != f) m["g:" + german_key(f)].insert(root);
          for (const auto& c : nickname_canon(f)) m["n:" + c].insert(root);
          m["l:" + p.last().f].insert(root);
          firsts[acc].push_back({f, root});
        }
        for (const auto& s : n.singles) m["a:" + s].insert(root);
      }
    }
    auto lookup = [&](const std::string& acc, const std::string& key, std::set<int>& out) {
      auto it = idx.find(acc);
      if (it == idx.end()) return;
      auto jt = it->second.find(key);
      if (jt != it->second.end()) out.insert(jt->second.begin(), jt->second.end());
    };
    auto compatible_with = [&](int node, int root) {
      for (int m : members_[root])
        if (!conflict(nodes_[node], nodes_[m], true).empty()) return false;
      return true;
    };
    struct Plan {
      int node, root;
      double conf;
      std::string how;
    };
    std::vector<Plan> plans;
    std::vector<int> leftovers;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      Node& n = nodes_[i];
      if (!n.single && !n.partial) continue;
      if (find(static_cast<int>(i)) != static_cast<int>(i) || members_[i].size() != 1) continue;
      const std::string& acc = n.account;
      PName p = parse_name(ms_[n.mentions.front()].surface);
      std::set<int> cands;
      std::string what;
      if (n.single) {
        const std::string& t = p.first().f;
        lookup(acc, "f:" + t, cands);
        lookup(acc, "a:" + t, cands);
        if (p.first().non_ascii || german_key(t) != t) lookup(acc, "g:" + german_key(t), cands);
        for (const auto& c : nickname_canon(t)) lookup(acc, "n:" + c, cands);
        lookup(acc, "l:" + t, cands);
        what = "first name only";
      } else {
        const Tok& f = p.first();
        const Tok& l = p.last();
        std::set<int> raw;
        if (f.f.size() > 1) {
          lookup(acc, "f:" + f.f, raw);
          for (const auto& c : nickname_canon(f.f)) lookup(acc, "n:" + c, raw);
        } else {
          lookup(acc, "l:" + l.f, raw);
        }
        for (int r : raw) {
          bool fits = false;
          for (int m : members_[r])
            for (const auto& q : nodes_[m].names) {
              TokenRel rf = detail::relation(f.feat, q.first().feat, true);
              TokenRel rl = detail::relation(l.feat, q.last().feat, false);
              bool okf = rf == TokenRel::Exact || rf == TokenRel::Translit || rf == TokenRel::Nickname || rf == TokenRel::Initial;
              bool okl = rl == TokenRel::Exact || rl == TokenRel::Translit || rl == TokenRel::Initial || rl == TokenRel::Typo;
              fits = fits || (okf && okl);
            }
          if (fits) cands.insert(r);
        }
        what = "initial";
      }
      std::set<int> ok;
      for (int r : cands)
        if (compatible_with(static_cast<int>(i), r)) ok.insert(r);
      std::string scope = acc.empty() ? "the vault" : acc;
      if (ok.size() == 1) {
        plans.push_back({static_cast<int>(i), *ok.begin(), what == "initial" ? 0.75 : 0.7,
                         what + ": the only match for \"" + ms_[n.mentions.front()].surface + "\" in " + scope});
      } else if (ok.size() > 1) {
        n.ambiguous = true;
        n.candidates.assign(ok.begin(), ok.end());
      } else if (n.single && p.first().f.size() >= 4) {
        std::set<int> fuzzy;
        auto it = firsts.find(acc);
        if (it != firsts.end())
          for (const auto& [f, root] : it->second) {
            TokenRel r = relation_folded(p.first().f, f, p.first().non_ascii, false, true);
            if (r == TokenRel::Typo && compatible_with(static_cast<int>(i), root))
              fuzzy.insert(root);
          }
        if (fuzzy.size() == 1)
          plans.push_back({static_cast<int>(i), *fuzzy.begin(), 0.6,
                           "first name only, spelled like the only close match in " + scope});
        else
          leftovers.push_back(static_cast<int>(i));
      } else {
        leftovers.push_back(static_cast<int>(i));
      }
    }
    for (const auto& pl : plans) {
      int r = find(pl.root);
      unite(r, pl.node, pl.conf, {pl.how});
    }
    // Two lone first names that are one spelling apart (Brendan / Brenden),
    // when each is the other's only such partner in the account.
    std::unordered_map<std::string, std::vector<int>> blocks;
    for (int i : leftovers) {
      const Node& n = nodes_[i];
      if (!n.single) continue;
      const std::string& t = n.singles.empty() ? parse_name(ms_[n.mentions.front()].surface).first().f : n.singles.front();
      if (t.size() < 5) continue;
      blocks["p" + n.account + "|" + phonetic(t)].push_back(i);
      blocks["b" + n.account + "|" + t.substr(0, 3)].push_back(i);
      blocks["e" + n.account + "|" + t.substr(t.size() - 3)].push_back(i);
    }
    std::map<int, std::set<int>> partners;
    for (auto& [k, ids] : blocks) {
      if (ids.size() > 200) continue;
      for (size_t a = 0; a < ids.size(); ++a)
        for (size_t b = a + 1; b < ids.size(); ++b) {
          std::string ta = parse_name(ms_[nodes_[ids[a]].mentions.front()].surface).first().f;
          std::string tb = parse_name(ms_[nodes_[ids[b]].mentions.front()].surface).first().f;
          TokenRel r = relation_folded(ta, tb, false, false, true);
          if (r != TokenRel::Typo && r != TokenRel::Phonetic) continue;
          if (!conflict(nodes_[ids[a]], nodes_[ids[b]], true).empty()) continue;
          partners[ids[a]].insert(ids[b]);
          partners[ids[b]].insert(ids[a]);
        }
    }
    for (const auto& [a, ps] : partners) {
      if (ps.size() != 1) continue;
      int b = *ps.begin();
      if (partners[b].size() != 1 || a > b) continue;
      int ra = find(a), rb = find(b);
      if (ra != rb)
        unite(ra, rb, 0.55, {"first names one letter apart, no other candidate (" + ms_[nodes_[a].mentions.front()].surface +
                                 " / " + ms_[nodes_[b].mentions.front()].surface + ")"});
    }
  }

  std::string canonical_of(const std::vector<int>& members, std::vector<std::string>* notes) const {
    std::map<std::string, int> count;
    std::string best_note;
    for (int m : members) {
      const Node& n = nodes_[m];
      for (const auto& p : n.notes) {
        notes->push_back(p);
        if (best_note.empty() || p < best_note) best_note = p;
      }
      for (size_t mi : n.mentions) count[ms_[mi].surface]++;
    }
    std::sort(notes->begin(), notes->end());
    notes->erase(std::unique(notes->begin(), notes->end()), notes->end());
    if (!best_note.empty()) {
      for (int m : members)
        for (size_t mi : nodes_[m].mentions)
          if (ms_[mi].source == "person_note" && ms_[mi].bound == best_note) return ms_[mi].surface;
    }
    std::string best;
    int best_score = -1;
    for (const auto& [s, c] : count) {
      int words = static_cast<int>(parse_name(s).toks.size());
      int score = (words >= 2 ? 1000000 : 0) + c * 100 + static_cast<int>(s.size());
      if (score > best_score) best = s, best_score = score;
    }
    return best;
  }

  ContactResult output() {
    ContactResult res;
    res.candidate_pairs = pairs_;
    res.cluster_of.assign(ms_.size(), -1);
    std::vector<int> cluster_of_root(nodes_.size(), -1);
    // Ordinary clusters first (ambiguous nodes are their own, after).
    for (size_t i = 0; i < nodes_.size(); ++i) {
      int r = find(static_cast<int>(i));
      if (r != static_cast<int>(i) || members_[r].empty()) continue;
      if (members_[r].size() == 1 && nodes_[r].ambiguous) continue;
      Cluster c;
      c.canonical = canonical_of(members_[r], &c.notes);
      cluster_of_root[r] = static_cast<int>(res.clusters.size());
      fill(c, members_[r]);
      res.clusters.push_back(std::move(c));
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const Node& n = nodes_[i];
      if (!(n.ambiguous && find(static_cast<int>(i)) == static_cast<int>(i) && members_[i].size() == 1)) continue;
      Cluster c;
      c.canonical = ms_[n.mentions.front()].surface;
      fill(c, members_[i]);
      c.ambiguous = true;
      c.confidence = 0;
      for (int root : n.candidates) {
        int ci = cluster_of_root[find(root)];
        if (ci >= 0) c.candidates.push_back(res.clusters[ci].canonical);
      }
      std::sort(c.candidates.begin(), c.candidates.end());
      c.candidates.erase(std::unique(c.candidates.begin(), c.candidates.end()), c.candidates.end());
      c.evidence = {"first name only; " + std::to_string(c.candidates.size()) + " people it could be in " +
                    (n.account.empty() ? std::string("the vault") : n.account) + ": a person must choose"};
      cluster_of_root[i] = static_cast<int>(res.clusters.size());
      res.clusters.push_back(std::move(c));
    }
    for (size_t mi = 0; mi < ms_.size(); ++mi) {
      int node = node_of_[mi];
      if (node < 0) continue;
      int r = find(node);
      int ci = cluster_of_root[r];
      if (ci < 0) continue;
      res.cluster_of[mi] = ci;
      res.clusters[ci].mentions.push_back(mi);
    }
    return res;
  }

  void fill(Cluster& c, const std::vector<int>& members) {
    std::map<std::string, MemberDetail> detail;
    std::vector<std::string> order;
    std::set<std::string> accounts, companies, roles, emails;
    double conf = 1.0;
    PName canon = parse_name(c.canonical);
    for (int m : members) {
      const Node& n = nodes_[m];
      conf = std::min(conf, n.conf);
      for (const auto& h : n.how)
        if (std::find(c.evidence.begin(), c.evidence.end(), h) == c.evidence.end()) c.evidence.push_back(h);
      for (const auto& a : n.accounts)
        if (!a.empty()) accounts.insert(a);
      for (const auto& x : n.companies_raw) companies.insert(x);
      for (const auto& x : n.roles) roles.insert(x);
      for (const auto& x : n.emails) emails.insert(x);
      for (size_t mi : n.mentions) {
        const Mention& mm = ms_[mi];
        auto [it, fresh] = detail.emplace(mm.surface, MemberDetail{});
        if (fresh) {
          order.push_back(mm.surface);
          it->second.surface = mm.surface;
          it->second.confidence = n.conf;
          PName p = parse_name(mm.surface);
          if (mm.surface == c.canonical) {
            it->second.kind = "canonical";
          } else if (mm.source == "alias") {
            it->second.kind = "alias";
          } else if (p.key == canon.key) {
            it->second.kind = "exact";
          } else if (p.toks.size() == 1) {
            it->second.kind = "first-name-only";
          } else if (p.partial) {
            it->second.kind = "initial";
          } else if (canon.toks.size() >= 2) {
            NameRel r = compare(p, canon);
            it->second.kind = r.first == TokenRel::Nickname ? "nickname" : "variant";
          } else {
            it->second.kind = "variant";
          }
          if (mm.linked && !mm.bound.empty() && it->second.kind != "canonical" && it->second.kind != "exact")
            it->second.confidence = std::max(it->second.confidence, 0.99);
        }
        it->second.count++;
      }
    }
    if (members.size() > 1 && c.evidence.empty()) c.evidence.push_back("same person note");
    bool multi_notes = false;
    {
      std::set<std::string> ns;
      for (int m : members)
        for (const auto& p : nodes_[m].notes) ns.insert(p);
      multi_notes = ns.size() > 1;
    }
    if (detail.size() > 1 && !multi_notes) {
      // Surfaces that only meet through one person note (links, aliases) are certain.
      bool all_bound = true;
      for (int m : members) all_bound = all_bound && nodes_[m].bound;
      if (all_bound) c.evidence.insert(c.evidence.begin(), "links and aliases of one person note");
    }
    std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
      if (a == c.canonical) return b != c.canonical;
      if (b == c.canonical) return false;
      return detail[a].count > detail[b].count;
    });
    for (const auto& s : order) {
      c.members.push_back(s);
      c.detail.push_back(detail[s]);
    }
    c.confidence = conf;
    c.accounts.assign(accounts.begin(), accounts.end());
    c.companies.assign(companies.begin(), companies.end());
    c.roles.assign(roles.begin(), roles.end());
    c.emails.assign(emails.begin(), emails.end());
  }
};

}  // namespace

ContactResult resolve(const std::vector<Mention>& mentions, const CompanyAliases& company_aliases) {
  Resolver r(mentions, company_aliases);
  return r.run();
}

}  // namespace vaultcrm::dedup
