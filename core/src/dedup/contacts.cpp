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
//
// Speed (100,000 mentions well under a second): every word is folded once
// (utf8proc is the expensive part) and interned; names, accounts, companies,
// e-mails and role words are integer ids; token relations are memoised per
// pair of token ids. The cannot-link check between two clusters is exact but
// not member x member: a conflict between two nodes is an OR of independent
// tests, each reading one attribute of each node (e-mails, companies, names,
// one-word spellings, role words), so two clusters conflict iff some pair of
// their *distinct* attribute values does. Clusters keep those distinct values,
// and the tests are memoised per pair of values; a big cluster of one person
// written many times costs what its few distinct spellings cost.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <unordered_map>

#include "dedup_internal.h"
#include "vaultcrm/dedup.h"
#include "vaultcrm/view_map.h"

namespace vaultcrm::dedup {

namespace detail {
std::string company_key(std::string_view company, const CompanyAliases& aliases);
}

bool mergeable(const Cluster& c) { return !c.ambiguous && (c.members.size() > 1 || c.notes.size() > 1); }

namespace {

uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}

// Strings <-> dense ids, in insertion order. The strings live in fixed
// chunks that never move (views stay valid while more are added); the index
// is one open-addressing array of (hash tag, id) words, so a lookup touches
// one slot and, on a tag match, the string - where a node-based
// unordered_map chased two or three pointers per probe and allocated a node
// per string. At 100k mentions those cache misses were ~10% of resolve().
class Interner {
 public:
  int id(std::string_view s) {
    uint64_t h = hash_bytes(s);
    size_t at = slot(s, h);
    if (slots_[at]) return static_cast<int>(slots_[at] & 0xffffffffu) - 1;
    int n = static_cast<int>(strs_.size());
    strs_.push_back(store(s));
    slots_[at] = (h & ~0xffffffffull) | static_cast<uint64_t>(n + 1);
    if (strs_.size() * 2 > slots_.size()) grow();
    return n;
  }
  size_t size() const { return strs_.size(); }
  void reserve(size_t n) {
    strs_.reserve(n);
    if (strs_.empty()) {  // nothing to rehash: size the table once instead of doubling up to it
      size_t cap = slots_.size();
      while (n * 2 > cap) cap *= 2;
      if (cap != slots_.size()) slots_.assign(cap, 0);
      return;
    }
    while (n * 2 > slots_.size()) grow();
  }
  std::string_view str(int i) const { return strs_[static_cast<size_t>(i)]; }

 private:
  std::vector<std::string_view> strs_;
  std::vector<uint64_t> slots_ = std::vector<uint64_t>(16, 0);  // 0 = empty
  std::vector<std::unique_ptr<char[]>> chunks_;
  char* free_ = nullptr;
  size_t left_ = 0;

  // The slot holding s, or the empty slot where it would go.
  size_t slot(std::string_view s, uint64_t h) const {
    size_t mask = slots_.size() - 1;
    uint64_t tag = h & ~0xffffffffull;
    for (size_t i = static_cast<size_t>(h) & mask;; i = (i + 1) & mask) {
      uint64_t v = slots_[i];
      if (!v) return i;
      if ((v & ~0xffffffffull) == tag && strs_[(v & 0xffffffffu) - 1] == s) return i;
    }
  }
  void grow() {
    std::vector<uint64_t> old(slots_.size() * 2, 0);
    old.swap(slots_);
    size_t mask = slots_.size() - 1;
    for (uint64_t v : old) {
      if (!v) continue;
      size_t i = static_cast<size_t>(hash_bytes(strs_[(v & 0xffffffffu) - 1])) & mask;
      while (slots_[i]) i = (i + 1) & mask;
      slots_[i] = v;
    }
  }
  std::string_view store(std::string_view s) {
    if (s.size() > left_) {
      size_t size = std::max<size_t>(s.size(), 64 * 1024);
      chunks_.push_back(std::unique_ptr<char[]>(new char[size]));  // not zeroed: every byte is written before it is read
      free_ = chunks_.back().get();
      left_ = size;
    }
    if (!s.empty()) std::memcpy(free_, s.data(), s.size());
    std::string_view v(free_, s.size());
    free_ += s.size();
    left_ -= s.size();
    return v;
  }
};

// uint64 key -> small value, open addressing with linear probing; key
// ~0 marks an empty slot (no key built here has all bits set).
template <typename V>
class FlatMap64 {
 public:
  static constexpr uint64_t kEmpty = ~0ull;
  explicit FlatMap64(size_t expected = 16) {
    size_t cap = 16;
    while (cap < expected * 2) cap *= 2;
    keys_.assign(cap, kEmpty);
    vals_.resize(cap);
  }
  // The value for k, inserting `fresh` first if k is new; second = inserted.
  std::pair<V*, bool> try_emplace(uint64_t k, V fresh) {
    size_t i = probe(k);
    if (keys_[i] == k) return {&vals_[i], false};
    if ((count_ + 1) * 2 > keys_.size()) {
      grow();
      i = probe(k);
    }
    keys_[i] = k, vals_[i] = fresh, ++count_;
    return {&vals_[i], true};
  }
  const V* find(uint64_t k) const {
    size_t i = probe(k);
    return keys_[i] == k ? &vals_[i] : nullptr;
  }

 private:
  std::vector<uint64_t> keys_;
  std::vector<V> vals_;
  size_t count_ = 0;
  size_t probe(uint64_t k) const {
    size_t mask = keys_.size() - 1;
    size_t i = static_cast<size_t>(mix64(k)) & mask;
    while (keys_[i] != kEmpty && keys_[i] != k) i = (i + 1) & mask;
    return i;
  }
  void grow() {
    std::vector<uint64_t> keys(keys_.size() * 2, kEmpty);
    std::vector<V> vals(keys.size());
    keys.swap(keys_), vals.swap(vals_);
    size_t mask = keys_.size() - 1;
    for (size_t j = 0; j < keys.size(); ++j) {
      if (keys[j] == kEmpty) continue;
      size_t i = static_cast<size_t>(mix64(keys[j])) & mask;
      while (keys_[i] != kEmpty) i = (i + 1) & mask;
      keys_[i] = keys[j], vals_[i] = vals[j];
    }
  }
};

// A sorted set of ids as bytes, so that equal sets intern to one id.
std::string_view set_bytes(const std::vector<int>& v) {
  return std::string_view(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(int));
}

// Stable LSD radix sort of `v` by key(x) (an unsigned integer of `bits`
// bits), 16 bits per pass; a pass whose digit is the same for every element
// is skipped. Linear in v.size(), where std::sort of a million block entries
// was a fifth of resolve().
template <typename T, typename Key>
void radix_sort(std::vector<T>& v, int bits, Key key) {
  std::vector<T> tmp(v.size());
  std::vector<uint32_t> count(65537);
  for (int shift = 0; shift < bits; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (const T& x : v) ++count[((key(x) >> shift) & 0xffff) + 1];
    if (std::any_of(count.begin(), count.end(), [&](uint32_t c) { return c == v.size(); })) continue;
    for (size_t i = 1; i < count.size(); ++i) count[i] += count[i - 1];
    for (const T& x : v) tmp[count[(key(x) >> shift) & 0xffff]++] = x;
    v.swap(tmp);
  }
}

// A vector of trivially copyable values that keeps up to N of them in
// place. A node almost always has one account, one name, one spelling and
// a handful of mentions; with std::vector each of those was a heap block
// (about 480k allocations for 100k mentions, a third of resolve()).
template <typename T, uint32_t N>
class SmallVec {
 public:
  SmallVec() = default;
  SmallVec(std::initializer_list<T> xs) {
    for (const T& x : xs) push_back(x);
  }
  SmallVec(const SmallVec& o) { append(o.begin(), o.end()); }
  SmallVec(SmallVec&& o) noexcept { take(o); }
  SmallVec& operator=(const SmallVec& o) {
    if (this != &o) clear(), append(o.begin(), o.end());
    return *this;
  }
  SmallVec& operator=(SmallVec&& o) noexcept {
    if (this != &o) release(), take(o);
    return *this;
  }
  ~SmallVec() { release(); }

  void push_back(T x) {
    if (size_ == cap_) reserve(cap_ * 2);
    data_[size_++] = x;
  }
  void reserve(uint32_t cap) {
    if (cap <= cap_) return;
    T* heap = new T[cap];
    std::memcpy(heap, data_, size_ * sizeof(T));
    if (data_ != in_place_) delete[] data_;
    data_ = heap, cap_ = cap;
  }
  void clear() { size_ = 0; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T& front() const { return data_[0]; }
  const T& operator[](size_t i) const { return data_[i]; }
  std::vector<T> to_vector() const { return std::vector<T>(begin(), end()); }

 private:
  T* data_ = in_place_;
  uint32_t size_ = 0, cap_ = N;
  T in_place_[N];

  void append(const T* b, const T* e) {
    reserve(size_ + static_cast<uint32_t>(e - b));
    for (; b != e; ++b) data_[size_++] = *b;
  }
  void release() {
    if (data_ != in_place_) delete[] data_;
    data_ = in_place_, size_ = 0, cap_ = N;
  }
  void take(SmallVec& o) {
    if (o.data_ == o.in_place_) {
      data_ = in_place_, cap_ = N, size_ = 0;
      append(o.begin(), o.end());
    } else {
      data_ = o.data_, size_ = o.size_, cap_ = o.cap_;
    }
    o.data_ = o.in_place_, o.size_ = 0, o.cap_ = N;
  }
};

using Ids = SmallVec<int, 2>;
using Members = SmallVec<int, 1>;  // nodes of a cluster

template <typename V>
void add_unique(V& v, int x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

template <typename A, typename B>
bool disjoint(const A& a, const B& b) {
  for (int x : a)
    if (std::find(b.begin(), b.end(), x) != b.end()) return false;
  return true;
}

// A small sorted set of ids: what std::set<int> gave (sorted, unique), in
// one vector instead of a tree node per id; the sets here hold a few ids.
struct IdSet {
  std::vector<int> v;
  void insert(int x) {
    auto it = std::lower_bound(v.begin(), v.end(), x);
    if (it == v.end() || *it != x) v.insert(it, x);
  }
  void clear() { v.clear(); }
  size_t size() const { return v.size(); }
  std::vector<int>::const_iterator begin() const { return v.begin(); }
  std::vector<int>::const_iterator end() const { return v.end(); }
};

bool non_ascii(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; });
}

struct Tok {
  int id = -1;     // folded token with its non-ASCII flag (features, relations)
  int plain = -1;  // folded token alone (keys, blocks, sort order)
  int raw = -1;    // the word as written
};

// A parsed name keeps only what the rules read: its first and last word,
// how many words it has, and its folded key (no per-name token vector).
struct PName {
  Tok first_word, last_word;
  int words = 0;
  bool partial = false;
  int key = -1;  // interned folded words joined by spaces
  const Tok& first() const { return first_word; }
  const Tok& last() const { return last_word; }
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

}  // namespace

detail::NameScore detail::score_names(TokenRel first, TokenRel last) {
  NameScore r;
  r.first = first, r.last = last;
  r.compatible = first != TokenRel::Different && last != TokenRel::Different;
  auto in = [](TokenRel x, std::initializer_list<TokenRel> set) {
    return std::find(set.begin(), set.end(), x) != set.end();
  };
  r.worthy = (strong(last) && in(first, {TokenRel::Exact, TokenRel::Translit, TokenRel::Nickname, TokenRel::Typo,
                                          TokenRel::Phonetic})) ||
             (strong(first) && in(last, {TokenRel::Typo, TokenRel::Phonetic, TokenRel::HyphenPart}));
  r.score = rank(first) + rank(last);
  return r;
}

namespace {

using NameRel = detail::NameScore;

std::string rel_words(TokenRel r, std::string_view a, std::string_view b, bool first) {
  // "<what> (a / b)", built in one allocation (it is made for every merge).
  std::string_view what;
  switch (r) {
    case TokenRel::Exact:
    case TokenRel::Different: return "";
    case TokenRel::Translit: what = "diacritic or transliteration variant ("; break;
    case TokenRel::Nickname: what = "nickname ("; break;
    case TokenRel::HyphenPart: what = "part of a double surname ("; break;
    case TokenRel::Typo: what = first ? "first-name spelling variant (" : "surname spelling variant ("; break;
    case TokenRel::Phonetic: what = first ? "first names sound alike (" : "surnames sound alike ("; break;
    case TokenRel::Initial: what = "initial ("; break;
  }
  std::string out;
  out.reserve(what.size() + a.size() + 3 + b.size() + 1);
  out.append(what).append(a).append(" / ").append(b).append(")");
  return out;
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

// Words of s separated by spaces or tabs (detail::split_words), as views.
void view_words(std::string_view s, std::vector<std::string_view>& out) {
  out.clear();
  for (size_t i = 0; i < s.size();) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > b) out.push_back(s.substr(b, i - b));
  }
}

// "Acme" and "Acme Cloud" can be one employer; "Acme" and "Globex" cannot.
// (Views, not string copies: the cannot-link test calls it per pair of
// company sets.)
bool companies_compatible(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  if (a.empty() || b.empty()) return true;
  std::vector<std::string_view> wx, wy;
  for (const auto& x : a)
    for (const auto& y : b) {
      if (x == y) return true;
      view_words(x, wx), view_words(y, wy);
      const auto& s = wx.size() < wy.size() ? wx : wy;
      const auto& l = wx.size() < wy.size() ? wy : wx;
      bool all = true;
      for (const auto& w : s)
        if (std::find(l.begin(), l.end(), w) == l.end()) all = false;
      if (all) return true;
    }
  return false;
}

// Kept small (at 100k mentions there are ~44k nodes, built in one pass of
// random access): the few nodes that carry evidence or candidates point into
// side tables instead of each holding two empty vectors.
struct Node {
  SmallVec<uint32_t, 2> mentions;
  Ids names;    // distinct full names (2+ tokens): PName ids
  Ids singles;  // distinct one-token spellings (plain token ids)
  bool single = false, partial = false, bound = false;
  int account = -1;          // unbound nodes: their scope
  Ids accounts, companies, companies_raw, emails, notes, role_words;
  SmallVec<std::string_view, 1> roles;  // views of the mentions' roles (almost always one: in place)
  double conf = 1.0;
  int how = -1;  // evidence for joining its cluster: index into Resolver::hows_ (-1 = none)
  bool ambiguous = false;
  int candidates = -1;  // roots, when ambiguous: index into Resolver::candidate_lists_
  // Interned attribute values read by the cannot-link tests (-1 = none).
  int a_email = -1, a_comp = -1, a_names = -1, a_shape = -1, a_role = -1;
};

// The distinct attribute values of a cluster's members.
struct Attrs {
  Ids email, comp, names, shape, role;
};

// Which cannot-link test a memo entry belongs to.
enum Test : uint64_t { kEmail = 1, kComp = 2, kNames = 3, kShape = 4, kRole = 5 };

class Resolver {
 public:
  Resolver(const std::vector<Mention>& ms, const CompanyAliases& aliases) : ms_(ms), aliases_(aliases) {}

  ContactResult run() {
    build_nodes();
    parent_.resize(nodes_.size());
    std::iota(parent_.begin(), parent_.end(), 0);
    members_.resize(nodes_.size());
    attrs_.resize(nodes_.size());
    for (size_t i = 0; i < nodes_.size(); ++i) {
      members_[i] = {static_cast<int>(i)};
      const Node& n = nodes_[i];
      Attrs& a = attrs_[i];
      if (n.a_email >= 0) a.email.push_back(n.a_email);
      if (n.a_comp >= 0) a.comp.push_back(n.a_comp);
      if (n.a_names >= 0) a.names.push_back(n.a_names);
      a.shape.push_back(n.a_shape);
      if (n.a_role >= 0) a.role.push_back(n.a_role);
    }
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
  // Per mention: its parsed surface (surfaces_ / pnames_ id). Equal ids are
  // equal strings, so cluster output counts and dedupes surfaces by id
  // instead of hashing or comparing the strings again.
  std::vector<int> pid_of_;
  std::vector<int> slot_of_pid_;  // output scratch: pid -> index, -1 = none (reset after each use)
  std::vector<int> parent_;
  std::vector<Members> members_;
  std::vector<Attrs> attrs_;  // per root
  std::vector<std::vector<std::string>> hows_;       // Node::how
  std::vector<std::vector<int>> candidate_lists_;    // Node::candidates
  size_t pairs_ = 0;

  // ---- interned words and names
  Interner folded_;                       // folded token + "\x01" when written with non-ASCII letters
  std::vector<detail::TokFeat> feat_;     // per folded_ id
  std::vector<int> plain_of_;             // per folded_ id: plain_ id
  Interner plain_;                        // folded token alone
  std::vector<int> plain_fid_;            // per plain_ id: folded_ id of the ASCII-flagged form
  std::vector<int> plain_rank_;           // per plain_ id: rank in byte order (sorted-neighbourhood order)
  Interner raw_;                          // words as written
  std::vector<Tok> tok_of_raw_;           // per raw_ id
  Interner name_keys_;
  std::string key_buf_;                   // parse_id's scratch for a name key
  Interner surfaces_;                     // parsed surfaces; id = pnames_ index
  std::vector<PName> pnames_;
  Interner strs_;                         // accounts, companies, e-mails, phones, paths, role words, keys
  Interner sets_;                         // attribute sets
  std::vector<std::vector<int>> set_vals_;
  std::vector<int> set_scratch_;
  Interner shapes_;                       // (names set, one-word spellings) per node
  std::vector<std::pair<int, std::vector<int>>> shape_vals_;
  FlatMap64<char> conflict_memo_{1 << 14};

  std::string_view plain_str(int plain) const { return plain_.str(plain); }
  std::string_view fstr(const Tok& t) const { return plain_.str(t.plain); }
  std::string_view rawstr(const Tok& t) const { return raw_.str(t.raw); }

  int fold_id(const std::string& f, bool na) {
    std::string k = na ? f + '\x01' : f;
    int before = static_cast<int>(folded_.size());
    int id = folded_.id(k);
    if (id == before) {
      feat_.push_back(detail::features(f, na));
      plain_of_.push_back(-1);
      int p = plain_.id(f);
      plain_of_[static_cast<size_t>(id)] = p;
      if (static_cast<size_t>(p) >= plain_fid_.size()) plain_fid_.resize(static_cast<size_t>(p) + 1, -1);
      if (!na) plain_fid_[static_cast<size_t>(p)] = id;
    }
    return id;
  }

  // Folded id of a plain token taken as written in ASCII (how one-word
  // spellings are compared).
  int ascii_fid(int plain) {
    if (static_cast<size_t>(plain) < plain_fid_.size() && plain_fid_[static_cast<size_t>(plain)] >= 0)
      return plain_fid_[static_cast<size_t>(plain)];
    return fold_id(std::string(plain_.str(plain)), false);
  }

  // Not memoised: on features computed once, a relation costs less than a
  // hash-map probe into a table of millions of pairs would.
  TokenRel rel(int a, int b, bool first) {
    if (a == b) return TokenRel::Exact;
    return detail::relation(feat_[static_cast<size_t>(a)], feat_[static_cast<size_t>(b)], first);
  }

  Tok word(std::string_view w) {
    int before = static_cast<int>(raw_.size());
    int r = raw_.id(w);
    if (r < before) return tok_of_raw_[static_cast<size_t>(r)];
    Tok t;
    std::string f = detail::name_token(w);
    if (!f.empty()) {
      t.id = fold_id(f, non_ascii(w));
      t.plain = plain_of_[static_cast<size_t>(t.id)];
      t.raw = r;
    }
    tok_of_raw_.push_back(t);
    return t;
  }

  const PName& parse_name(std::string_view surface) { return pnames_[static_cast<size_t>(parse_id(surface))]; }

  static bool is_honorific(std::string_view folded) {
    // Titles before a name (English, German, French, Spanish/Portuguese,
    // Italian). Not "Sr"/"Jr": after a name they tell father and son apart.
    static constexpr std::string_view kHonorifics[] = {"dr",  "dra",  "mr",   "mrs",  "ms",  "mx",  "miss", "prof",
                                                       "sir", "herr", "frau", "mme",  "mlle", "sra", "srta", "dott"};
    return std::find(std::begin(kHonorifics), std::end(kHonorifics), folded) != std::end(kHonorifics);
  }

  // Calls f(word) for each word of s (separated by spaces or tabs), as views.
  template <typename F>
  static size_t for_words(std::string_view s, F f) {
    size_t n = 0;
    for (size_t i = 0; i < s.size();) {
      while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
      size_t b = i;
      while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
      if (i > b) f(s.substr(b, i - b)), ++n;
    }
    return n;
  }

  static std::string_view trim_view(std::string_view s) {
    auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && sp(s.front())) s.remove_prefix(1);
    while (!s.empty() && sp(s.back())) s.remove_suffix(1);
    return s;
  }

  // Parses a surface once; the words are views into it (no copies).
  // "Smith, Robert" reads as "Robert Smith"; with more than that after the
  // comma, only the part before it is the name.
  int parse_id(std::string_view surface) {
    int before = static_cast<int>(surfaces_.size());
    int id = surfaces_.id(surface);
    if (id < before) return id;
    std::string_view s = trim_view(surface), tail;
    size_t comma = s.find(',');
    if (comma != std::string_view::npos) {
      std::string_view a = trim_view(s.substr(0, comma)), b = trim_view(s.substr(comma + 1));
      auto count = [](std::string_view x) { return for_words(x, [](std::string_view) {}); };
      if (!a.empty() && !b.empty() && count(a) == 1 && count(b) <= 2)
        s = b, tail = a;
      else
        s = a;
    }
    PName p;
    key_buf_.clear();
    auto take = [&](std::string_view w) {
      Tok t = word(w);
      if (t.id < 0 || is_honorific(fstr(t))) return;
      if (p.words == 0) p.first_word = t;
      p.last_word = t;
      ++p.words;
      if (!key_buf_.empty()) key_buf_ += ' ';
      key_buf_ += fstr(t);
      if (fstr(t).size() == 1) p.partial = true;
    };
    for_words(s, take);
    for_words(tail, take);
    if (p.words < 2) p.partial = false;
    p.key = name_keys_.id(key_buf_);
    pnames_.push_back(p);
    return id;
  }

  NameRel compare(const PName& a, const PName& b) {
    NameRel r;
    if (a.key == b.key) {
      r.first = r.last = TokenRel::Exact;
    } else {
      r.first = rel(a.first().id, b.first().id, true);
      r.last = rel(a.last().id, b.last().id, false);
    }
    return detail::score_names(r.first, r.last);
  }

  // The id of the set of xs (sorted), -1 for an empty set. Sorted in a
  // reused scratch vector: a node's sets are copied only the first time
  // they are seen.
  template <typename V>
  int intern_set(const V& xs) {
    if (xs.empty()) return -1;
    set_scratch_.assign(xs.begin(), xs.end());
    std::sort(set_scratch_.begin(), set_scratch_.end());
    int before = static_cast<int>(sets_.size());
    int id = sets_.id(set_bytes(set_scratch_));
    if (id == before) set_vals_.push_back(set_scratch_);
    return id;
  }
  const std::vector<int>& set_of(int id) const { return set_vals_[static_cast<size_t>(id)]; }

  int find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }

  void build_nodes() {
    FlatMap64<int> by_key(ms_.size());
    surfaces_.reserve(ms_.size());
    feat_.reserve(ms_.size() / 4 + 16);  // ~23k distinct folded words per 100k mentions: few regrowth moves
    strs_.reserve(ms_.size() / 4);
    // Sized from the input (per 100k generated mentions: ~27k folded and
    // ~23k plain words, ~44k nodes' attribute sets), so the tables do not
    // rehash every string each time they double (that was ~250k rehashes).
    raw_.reserve(ms_.size() / 3);
    folded_.reserve(ms_.size() / 4);
    plain_.reserve(ms_.size() / 4);
    name_keys_.reserve(ms_.size() / 2);
    sets_.reserve(ms_.size() / 4);
    shapes_.reserve(ms_.size() / 4);
    nodes_.reserve(ms_.size());
    node_of_.assign(ms_.size(), -1);
    pid_of_.assign(ms_.size(), -1);
    // Per distinct company / role as written (ids of their own interners, so
    // that strs_ assigns its ids in the same order as before).
    Interner companies_seen, roles_seen;
    std::vector<std::pair<int, int>> company_memo;  // (key id, raw id)
    std::vector<std::vector<int>> role_memo;        // role words
    int prev_acc = -1;
    const std::string* prev_acc_str = nullptr;
    for (size_t i = 0; i < ms_.size(); ++i) {
      const Mention& m = ms_[i];
      int pid = parse_id(m.surface);
      pid_of_[i] = pid;
      const PName& p = pnames_[static_cast<size_t>(pid)];
      if (p.words == 0) continue;
      // Mentions come note by note, so the account is mostly the previous
      // one: a string compare instead of a table probe.
      if (!prev_acc_str || m.account != *prev_acc_str) prev_acc = strs_.id(m.account), prev_acc_str = &m.account;
      int acc = prev_acc;
      // Node identity: the person note, or the spelling within its scope.
      uint64_t key;
      if (!m.bound.empty())
        key = (3ULL << 62) | static_cast<uint64_t>(strs_.id(m.bound));
      else
        key = (static_cast<uint64_t>(p.words >= 2 ? (p.partial ? 1 : 0) : 2) << 62) |
              (static_cast<uint64_t>(p.key) << 31) | static_cast<uint64_t>(acc);
      auto [slot, fresh] = by_key.try_emplace(key, static_cast<int>(nodes_.size()));
      if (fresh) {
        Node& n = nodes_.emplace_back();  // in place: a Node is large to move
        n.bound = !m.bound.empty();
        n.single = !n.bound && p.words == 1;
        n.partial = !n.bound && p.partial;
        n.account = acc;
      }
      Node& n = nodes_[static_cast<size_t>(*slot)];
      node_of_[i] = *slot;
      n.mentions.push_back(static_cast<uint32_t>(i));
      add_unique(n.accounts, acc);
      if (p.words >= 2 && !p.partial) {
        if (std::none_of(n.names.begin(), n.names.end(),
                         [&](int q) { return pnames_[static_cast<size_t>(q)].key == p.key; }))
          n.names.push_back(pid);
      } else if (p.words == 1) {
        add_unique(n.singles, p.first().plain);
      }
      if (n.bound && p.partial && n.names.empty()) n.names.push_back(pid);
      if (!m.company.empty()) {
        size_t seen = companies_seen.size();
        size_t c = static_cast<size_t>(companies_seen.id(m.company));
        if (c == seen) {
          std::string ck = detail::company_key(m.company, aliases_);
          company_memo.push_back(std::make_pair(ck.empty() ? -1 : strs_.id(ck), strs_.id(m.company)));
        }
        if (company_memo[c].first >= 0) {
          add_unique(n.companies, company_memo[c].first);
          add_unique(n.companies_raw, company_memo[c].second);
        }
      }
      if (!m.email.empty()) add_unique(n.emails, strs_.id(m.email));
      if (!m.bound.empty()) add_unique(n.notes, strs_.id(m.bound));
      if (!m.role.empty()) {
        if (std::find(n.roles.begin(), n.roles.end(), m.role) == n.roles.end()) n.roles.push_back(m.role);
        size_t seen = roles_seen.size();
        size_t r = static_cast<size_t>(roles_seen.id(m.role));
        if (r == seen) {
          std::vector<int> ws;
          for (const auto& w : content_words(m.role)) ws.push_back(strs_.id(w));
          role_memo.push_back(std::move(ws));
        }
        for (int w : role_memo[r]) add_unique(n.role_words, w);
      }
    }
    // Person notes carry their company into every account they are linked from.
    std::unordered_map<std::string, std::vector<std::string>> customers_of;  // alias or customer -> customers
    for (const auto& [alias, cust] : aliases_) {
      customers_of[alias].push_back(cust);
      customers_of[cust].push_back(cust);
    }
    for (auto& n : nodes_) {
      if (!n.bound) continue;
      std::vector<int> extra;
      for (int c : n.companies) {
        auto it = customers_of.find(std::string(strs_.str(c)));
        if (it == customers_of.end()) continue;
        for (const auto& cust : it->second) add_unique(extra, strs_.id(cust));
      }
      for (int e : extra) add_unique(n.accounts, e);
    }
    for (auto& n : nodes_) {
      n.a_email = intern_set(n.emails);
      n.a_comp = intern_set(n.companies);
      n.a_names = intern_set(n.names);
      n.a_role = intern_set(n.role_words);
      // Names and one-word spellings together: the one-word test reads both.
      std::vector<int>& singles = set_scratch_;
      singles.assign(n.singles.begin(), n.singles.end());
      std::sort(singles.begin(), singles.end());
      singles.push_back(n.a_names);
      int before = static_cast<int>(shapes_.size());
      n.a_shape = shapes_.id(set_bytes(singles));
      if (n.a_shape == before) shape_vals_.push_back({n.a_names, std::vector<int>(singles.begin(), singles.end() - 1)});
    }
    // Byte order of plain tokens: blocks are scanned in sorted-neighbourhood order.
    // Sorted on the first eight bytes as a big-endian integer first (most
    // tokens differ there), the full strings only on a tie.
    struct Ranked {
      uint64_t prefix;
      int id;
    };
    std::vector<Ranked> order(plain_.size());
    for (size_t i = 0; i < order.size(); ++i) {
      std::string_view t = plain_.str(static_cast<int>(i));
      uint64_t prefix = 0;
      for (size_t k = 0; k < 8; ++k)
        prefix = (prefix << 8) | (k < t.size() ? static_cast<unsigned char>(t[k]) : 0u);
      order[i] = {prefix, static_cast<int>(i)};
    }
    std::sort(order.begin(), order.end(), [&](const Ranked& a, const Ranked& b) {
      if (a.prefix != b.prefix) return a.prefix < b.prefix;
      return plain_.str(a.id) < plain_.str(b.id);
    });
    plain_rank_.assign(order.size(), 0);
    for (size_t r = 0; r < order.size(); ++r) plain_rank_[static_cast<size_t>(order[r].id)] = static_cast<int>(r);
  }

  // ---- cannot-link tests (true = these two cannot be one person)

  bool names_conflict(int sa, int sb) {
    for (int a : set_of(sa))
      for (int b : set_of(sb))
        if (compare(pnames_[static_cast<size_t>(a)], pnames_[static_cast<size_t>(b)]).compatible) return false;
    return true;
  }

  // Does the one-word spelling s (plain id) fit any name or spelling of the other shape?
  bool single_fits(int s, int other_shape) {
    const auto& [names, singles] = shape_vals_[static_cast<size_t>(other_shape)];
    int fs = ascii_fid(s);
    if (names >= 0)
      for (int q : set_of(names)) {
        const PName& n = pnames_[static_cast<size_t>(q)];
        if (rel(fs, ascii_fid(n.first().plain), true) != TokenRel::Different) return true;
        if (n.last().plain == s) return true;
      }
    for (int t : shape_vals_[static_cast<size_t>(other_shape)].second)
      if (rel(fs, ascii_fid(t), true) != TokenRel::Different) return true;
    return names < 0 && shape_vals_[static_cast<size_t>(other_shape)].second.empty();
  }

  bool shape_conflict(int xa, int xb) {
    for (int pass = 0; pass < 2; ++pass) {
      int x = pass == 0 ? xa : xb, y = pass == 0 ? xb : xa;
      if (shape_vals_[static_cast<size_t>(x)].first >= 0) continue;
      std::vector<int> singles = shape_vals_[static_cast<size_t>(x)].second;  // copy: single_fits may intern
      for (int s : singles)
        if (!single_fits(s, y)) return true;
    }
    return false;
  }

  bool test(Test t, int a, int b) {
    if (a > b) std::swap(a, b);
    uint64_t k = (static_cast<uint64_t>(t) << 60) | (static_cast<uint64_t>(a) << 30) | static_cast<uint64_t>(b);
    if (const char* known = conflict_memo_.find(k)) return *known != 0;
    bool c = false;
    switch (t) {
      case kEmail:
      case kRole: c = disjoint(set_of(a), set_of(b)); break;
      case kComp: {
        std::vector<std::string_view> x, y;
        for (int i : set_of(a)) x.push_back(strs_.str(i));
        for (int i : set_of(b)) y.push_back(strs_.str(i));
        c = !companies_compatible(x, y);
        break;
      }
      case kNames: c = names_conflict(a, b); break;
      case kShape: c = shape_conflict(a, b); break;
    }
    conflict_memo_.try_emplace(k, c ? 1 : 0);
    return c;
  }

  bool any_conflict(Test t, const Ids& xs, const Ids& ys) {
    for (int x : xs)
      for (int y : ys)
        if (test(t, x, y)) return true;
    return false;
  }

  // Two nodes: different e-mail, different company, names that cannot be one
  // person, one-word spellings that fit neither, or (for a merge resting on a
  // fuzzy spelling) different roles.
  bool conflict(const Node& x, const Node& y, bool fuzzy) {
    if (x.a_email >= 0 && y.a_email >= 0 && test(kEmail, x.a_email, y.a_email)) return true;
    if (x.a_comp >= 0 && y.a_comp >= 0 && test(kComp, x.a_comp, y.a_comp)) return true;
    if (x.a_names >= 0 && y.a_names >= 0 && test(kNames, x.a_names, y.a_names)) return true;
    if (test(kShape, x.a_shape, y.a_shape)) return true;
    return fuzzy && x.a_role >= 0 && y.a_role >= 0 && test(kRole, x.a_role, y.a_role);
  }

  // Same as conflict() over every member pair of two clusters, on their
  // distinct attribute values (see the file comment).
  bool clusters_compatible(int ra, int rb, bool fuzzy) {
    const Attrs& a = attrs_[static_cast<size_t>(ra)];
    const Attrs& b = attrs_[static_cast<size_t>(rb)];
    return !any_conflict(kEmail, a.email, b.email) && !any_conflict(kComp, a.comp, b.comp) &&
           !any_conflict(kNames, a.names, b.names) && !any_conflict(kShape, a.shape, b.shape) &&
           !(fuzzy && any_conflict(kRole, a.role, b.role));
  }

  void unite(int ra, int rb, double conf, std::vector<std::string> how) {
    // rb joins ra; evidence is kept on the joining node.
    parent_[rb] = ra;
    for (int m : members_[rb]) members_[ra].push_back(m);
    members_[rb].clear();
    Attrs& to = attrs_[static_cast<size_t>(ra)];
    Attrs& from = attrs_[static_cast<size_t>(rb)];
    for (int x : from.email) add_unique(to.email, x);
    for (int x : from.comp) add_unique(to.comp, x);
    for (int x : from.names) add_unique(to.names, x);
    for (int x : from.shape) add_unique(to.shape, x);
    for (int x : from.role) add_unique(to.role, x);
    from = Attrs{};
    Node& joined = nodes_[rb];
    joined.conf = std::min(joined.conf, conf);
    for (auto& h : how)
      if (!h.empty()) {
        if (joined.how < 0) joined.how = static_cast<int>(hows_.size()), hows_.emplace_back();
        hows_[static_cast<size_t>(joined.how)].push_back(std::move(h));
      }
  }

  void stage_email() {
    std::unordered_map<int, int> by_email;
    for (size_t i = 0; i < nodes_.size(); ++i)
      for (int e : nodes_[i].emails) {
        auto [it, fresh] = by_email.try_emplace(e, static_cast<int>(i));
        if (fresh) continue;
        int ra = find(it->second), rb = find(static_cast<int>(i));
        if (ra != rb) unite(ra, rb, 0.99, {"same e-mail (" + std::string(strs_.str(e)) + ")"});
      }
  }

  int shared_company(int a, int b) const {
    for (int x : nodes_[a].companies)
      if (std::find(nodes_[b].companies.begin(), nodes_[b].companies.end(), x) != nodes_[b].companies.end()) return x;
    return -1;
  }

  void stage_full_names() {
    // Each entry: (block key, sort key inside the block, node). Blocks, by
    // the rule that can make a pair worth merging:
    //  0 first name + surname initial, 1 surname + first initial: sorted
    //    neighbourhoods (first-name typos; surnames two edits apart);
    //  2 nickname canon + surname;
    //  3 first name + a surname key, where the keys of a surname are itself,
    //    its German transliteration, its hyphen parts and every one-letter
    //    deletion: two spellings one edit apart (substitution, insertion,
    //    deletion, transposition) always share a key, so surname typos meet
    //    however far apart they sort, in tiny blocks;
    //  5 first name + surname sound, 6 surname + first-name sound.
    struct Entry {
      uint64_t block;
      uint32_t sort;
      int node;
    };
    std::vector<Entry> entries;
    entries.reserve(nodes_.size() * 16);
    Interner keys;  // phonetic keys, nickname canons, deletion keys
    // Per folded id, computed once: canon key ids, phonetic key id (-1 none).
    std::vector<std::vector<int>> canon_ids(feat_.size());
    std::vector<char> canon_done(feat_.size(), 0);
    std::vector<int> phon_ids(feat_.size(), -2);
    auto phon_id = [&](int fid) {
      int& p = phon_ids[static_cast<size_t>(fid)];
      if (p == -2) {
        const std::string& ph = feat_[static_cast<size_t>(fid)].phon;
        p = ph.empty() ? -1 : keys.id(ph);
      }
      return p;
    };
    // folded id -> its spelling keys, as 30-bit hashes (a collision only adds
    // a candidate pair, which is then scored like any other).
    std::vector<std::vector<uint32_t>> near_ids(feat_.size());
    std::vector<char> near_done(feat_.size(), 0);
    auto near = [&](int fid) -> const std::vector<uint32_t>& {
      if (near_done[static_cast<size_t>(fid)]) return near_ids[static_cast<size_t>(fid)];
      const detail::TokFeat& t = feat_[static_cast<size_t>(fid)];
      std::vector<uint32_t>& ks = near_ids[static_cast<size_t>(fid)];
      near_done[static_cast<size_t>(fid)] = 1;
      auto add = [&](std::string_view a, std::string_view b) {
        uint64_t h = 14695981039346656037ull;  // FNV-1a over a then b
        for (char c : a) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        for (char c : b) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        uint32_t k = static_cast<uint32_t>((h ^ (h >> 32)) & 0x3fffffffu);
        if (std::find(ks.begin(), ks.end(), k) == ks.end()) ks.push_back(k);
      };
      std::string_view j = t.joined;
      ks.reserve(j.size() + 2 + t.parts.size());  // one key per letter deleted, plus the whole, German and parts
      add(j, "");
      add(t.german, "");
      if (t.parts.size() > 1)
        for (const auto& part : t.parts) add(part, "");
      if (j.size() >= 3)
        for (size_t i = 0; i < j.size(); ++i) add(j.substr(0, i), j.substr(i + 1));
      return ks;
    };
    auto block = [](uint64_t type, uint64_t a, uint64_t b) { return (type << 60) | (a << 30) | b; };
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const Node& n = nodes_[i];
      if (n.single || n.partial) continue;
      int id = static_cast<int>(i);
      for (int q : n.names) {
        const PName& p = pnames_[static_cast<size_t>(q)];
        const detail::TokFeat& ff = feat_[static_cast<size_t>(p.first().id)];
        const detail::TokFeat& lf = feat_[static_cast<size_t>(p.last().id)];
        uint64_t f = static_cast<uint64_t>(p.first().plain), l = static_cast<uint64_t>(p.last().plain);
        uint32_t rf = static_cast<uint32_t>(plain_rank_[f]), rl = static_cast<uint32_t>(plain_rank_[l]);
        auto initial = [](const std::string& s) { return static_cast<uint64_t>(static_cast<unsigned char>(s[0])); };
        entries.push_back({block(0, f, initial(lf.f)), rl, id});
        entries.push_back({block(1, l, initial(ff.f)), rf, id});
        size_t fi = static_cast<size_t>(p.first().id);
        if (!canon_done[fi]) {
          for (const auto& c : ff.canon) canon_ids[fi].push_back(keys.id(c));
          canon_done[fi] = 1;
        }
        for (int c : canon_ids[fi]) entries.push_back({block(2, static_cast<uint64_t>(c), l), rf, id});
        for (uint32_t k : near(p.last().id)) entries.push_back({block(3, f, k), rl, id});
        int lp = phon_id(p.last().id), fp = phon_id(p.first().id);
        if (lp >= 0) entries.push_back({block(5, f, static_cast<uint64_t>(lp)), rl, id});
        if (fp >= 0) entries.push_back({block(6, l, static_cast<uint64_t>(fp)), rf, id});
      }
    }
    // Group the entries by block: one table probe each, then one counting
    // pass by group, keeping the order they were made in (node order). Most
    // blocks hold a single entry (at 100k mentions ~360k blocks for 430k
    // entries) and make no pair; sorting all of them by (block, sort) took
    // six radix passes of scattered writes. Only a block with more entries
    // than the window reaches is put in sort order (below), which gives the
    // same pairs the global order gave.
    std::vector<uint32_t> group_start;
    {
      FlatMap64<uint32_t> group_of(entries.size());
      std::vector<uint32_t> gid(entries.size());
      std::vector<uint32_t> count;
      for (size_t i = 0; i < entries.size(); ++i) {
        auto [g, fresh] = group_of.try_emplace(entries[i].block, static_cast<uint32_t>(count.size()));
        if (fresh) count.push_back(0);
        gid[i] = *g;
        ++count[*g];
      }
      group_start.assign(count.size() + 1, 0);
      for (size_t g = 0; g < count.size(); ++g) group_start[g + 1] = group_start[g] + count[g];
      std::vector<Entry> grouped(entries.size());
      std::vector<uint32_t> fill(group_start.begin(), group_start.end() - 1);
      for (size_t i = 0; i < entries.size(); ++i) grouped[fill[gid[i]]++] = entries[i];
      entries.swap(grouped);
    }
    struct Cand {
      double score;
      int a, b;
      NameRel rel;
      int pa, pb;  // the best-matching names
    };
    std::vector<Cand> cands;
    // Sorted neighbourhood inside each block: a node is compared with the next
    // kWindow nodes in sort order, so a block of any size costs O(size * kWindow)
    // and near spellings (sorted next to each other) still meet. A pair found
    // by several blocks is scored once (sort + unique, cheaper than a hash set).
    // Block 0 grows with the vault (every Maria with an S surname) and only
    // needs to catch the surname typos the key blocks miss (two edits): a
    // short window. Block 1 still finds first-name typos.
    const size_t kWindow = 24, kInitialWindow = 6;
    // A block-0 pair shares the first name, so it is worthy only through its
    // surnames, and every surname relation but one already has a key block
    // of its own: exact and transliterated spellings, one edit and hyphen
    // parts (3), sound (5). The one left is two edits, which relation()
    // accepts only when both surnames have 8 letters or more. So a block-0
    // pair with a shorter surname cannot add a candidate: it is skipped
    // before it is made (at 100k mentions that was 127k of the 158k
    // distinct pairs, all scored for nothing). The window still counts every
    // entry, so the pairs kept are exactly the long ones it made before.
    std::vector<char> long_rank(plain_rank_.size(), 0);  // per rank: surname of 8+ letters (hyphens aside)
    for (size_t t = 0; t < plain_rank_.size(); ++t) {
      std::string_view w = plain_.str(static_cast<int>(t));
      long_rank[static_cast<size_t>(plain_rank_[t])] = w.size() - std::count(w.begin(), w.end(), '-') >= 8;
    }
    auto two_edit_surnames = [&](const Entry& x, const Entry& y) { return long_rank[x.sort] && long_rank[y.sort]; };
    std::vector<uint64_t> pairs;
    pairs.reserve(entries.size() / 2);
    for (size_t g = 0; g + 1 < group_start.size(); ++g) {
      size_t s = group_start[g], e = group_start[g + 1];
      if (e - s < 2) continue;
      bool initial_block = (entries[s].block >> 60) == 0;
      size_t window = initial_block ? kInitialWindow : kWindow;
      // Within a block the order is (sort key, node): entries are in node
      // order already, so a stable sort by the key gives it. A block the
      // window spans whole makes every pair in any order.
      if (e - s > window + 1)
        std::stable_sort(entries.begin() + static_cast<std::ptrdiff_t>(s), entries.begin() + static_cast<std::ptrdiff_t>(e),
                         [](const Entry& x, const Entry& y) { return x.sort < y.sort; });
      for (size_t i = s; i < e; ++i)
        for (size_t j = i + 1; j < e && j <= i + window; ++j) {
          if (initial_block && !two_edit_surnames(entries[i], entries[j])) continue;
          int a = std::min(entries[i].node, entries[j].node), b = std::max(entries[i].node, entries[j].node);
          if (a != b) pairs.push_back((static_cast<uint64_t>(a) << 32) | static_cast<uint32_t>(b));
        }
    }
    // Bucket by the first node (counting sort), then sort each small bucket:
    // linear in the pairs generated, where one std::sort of millions was not.
    {
      std::vector<uint32_t> start(nodes_.size() + 1, 0);
      for (uint64_t k : pairs) ++start[(k >> 32) + 1];
      for (size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
      std::vector<uint64_t> by_a(pairs.size());
      std::vector<uint32_t> fill = start;
      for (uint64_t k : pairs) by_a[fill[k >> 32]++] = k;
      pairs.clear();
      for (size_t a = 0; a + 1 < start.size(); ++a) {
        auto b = by_a.begin() + start[a], e = by_a.begin() + start[a + 1];
        std::sort(b, e);
        for (auto it = b; it != e; ++it)
          if (it == b || *it != *(it - 1)) pairs.push_back(*it);
      }
    }
    pairs_ = pairs.size();
    for (uint64_t k : pairs) {
      int a = static_cast<int>(k >> 32), b = static_cast<int>(k & 0xffffffffu);
      NameRel best;
      int ba = -1, bb = -1;
      for (int pa : nodes_[a].names)
        for (int pb : nodes_[b].names) {
          NameRel r = compare(pnames_[static_cast<size_t>(pa)], pnames_[static_cast<size_t>(pb)]);
          if (r.worthy && (!best.worthy || r.score > best.score)) best = r, ba = pa, bb = pb;
        }
      if (!best.worthy) continue;
      double score = best.score;
      if (shared_company(a, b) >= 0) score += 5;
      if (!disjoint(nodes_[a].accounts, nodes_[b].accounts)) score += 3;
      cands.push_back({score, a, b, best, ba, bb});
    }
    std::stable_sort(cands.begin(), cands.end(), [](const Cand& x, const Cand& y) { return x.score > y.score; });
    for (const auto& c : cands) {
      int ra = find(c.a), rb = find(c.b);
      if (ra == rb) continue;
      bool fuzzy = !(strong(c.rel.first) && strong(c.rel.last));
      if (!clusters_compatible(ra, rb, fuzzy)) continue;
      std::vector<std::string> how;
      how.reserve(3);
      const PName& fa = pnames_[static_cast<size_t>(c.pa)];
      const PName& fb = pnames_[static_cast<size_t>(c.pb)];
      std::string w1 = rel_words(c.rel.first, rawstr(fa.first()), rawstr(fb.first()), true);
      std::string w2 = rel_words(c.rel.last, rawstr(fa.last()), rawstr(fb.last()), false);
      if (w1.empty() && w2.empty()) how.push_back("same full name");
      if (!w1.empty()) how.push_back(std::move(w1));  // unite() keeps only non-empty evidence
      if (!w2.empty()) how.push_back(std::move(w2));
      int co = shared_company(c.a, c.b);
      if (co >= 0) how.push_back("same company (" + std::string(strs_.str(co)) + ")");
      double conf = 0.98;
      if (c.rel.first == TokenRel::Translit || c.rel.last == TokenRel::Translit) conf = 0.95;
      if (fuzzy) conf = co < 0 ? 0.85 : 0.9;
      if (c.rel.first == TokenRel::Nickname) conf = std::min(conf, 0.85);
      // Keep the root on the node with a person note, if any, for a stable canonical.
      if (nodes_[rb].bound && !nodes_[ra].bound) std::swap(ra, rb);
      unite(ra, rb, conf, std::move(how));
    }
  }

  // Stage 2: first names alone and initialled names.
  void stage_partials() {
    // (account, kind, token) -> roots. Kinds: f first name, g its German
    // transliteration key, n nickname canon, l surname, a one-word spelling
    // of a person note.
    enum Kind : uint64_t { kF = 0, kG = 1, kN = 2, kL = 3, kA = 4 };
    auto key = [](int acc, Kind kind, int tok) {
      return (static_cast<uint64_t>(acc) << 34) | (static_cast<uint64_t>(kind) << 31) | static_cast<uint64_t>(tok);
    };
    Interner keys;  // German keys and nickname canons
    // Memoised per folded id (-2 / not done: not computed yet).
    std::vector<int> german_memo;
    std::vector<std::vector<int>> canon_memo;
    std::vector<char> canon_done;
    auto german_id = [&](int fid) {
      size_t i = static_cast<size_t>(fid);
      if (i >= german_memo.size()) german_memo.resize(feat_.size() > i ? feat_.size() : i + 1, -2);
      if (german_memo[i] == -2) german_memo[i] = keys.id("g" + german_key(plain_str(plain_of_[i])));
      return german_memo[i];
    };
    auto canon_ids = [&](int fid, std::vector<int>& out) {
      size_t i = static_cast<size_t>(fid);
      if (i >= canon_done.size()) {
        size_t n = feat_.size() > i ? feat_.size() : i + 1;
        canon_done.resize(n, 0);
        canon_memo.resize(n);
      }
      if (!canon_done[i]) {
        for (const auto& c : nickname_canon(plain_str(plain_of_[i]))) canon_memo[i].push_back(keys.id("n" + c));
        canon_done[i] = 1;
      }
      out = canon_memo[i];
    };
    auto needs_german = [&](const Tok& t) {
      std::string_view f = fstr(t);
      return feat_[static_cast<size_t>(t.id)].non_ascii || german_key(f) != f;
    };
    // (key, root) pairs, sorted and unique: one flat array where a hash map
    // of small vectors cost a node and a vector per key.
    struct Posting {
      uint64_t key;
      int root;
    };
    std::vector<Posting> idx;
    idx.reserve(nodes_.size() * 4);
    auto post = [&](uint64_t k, int root) { idx.push_back({k, root}); };
    std::unordered_map<int, std::vector<std::pair<int, int>>> firsts;  // account -> (plain first name, root)
    std::vector<int> cs;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const Node& n = nodes_[i];
      if (n.single || n.partial) continue;
      int root = find(static_cast<int>(i));
      for (int acc : n.accounts) {
        for (int q : n.names) {
          const PName& p = pnames_[static_cast<size_t>(q)];
          post(key(acc, kF, p.first().plain), root);
          if (needs_german(p.first())) post(key(acc, kG, german_id(p.first().id)), root);
          canon_ids(p.first().id, cs);
          for (int c : cs) post(key(acc, kN, c), root);
          post(key(acc, kL, p.last().plain), root);
          firsts[acc].push_back({p.first().plain, root});
        }
        for (int s : n.singles) post(key(acc, kA, s), root);
      }
    }
    radix_sort(idx, 32, [](const Posting& e) { return static_cast<uint64_t>(static_cast<uint32_t>(e.root)); });
    radix_sort(idx, 64, [](const Posting& e) { return e.key; });
    idx.erase(std::unique(idx.begin(), idx.end(),
                          [](const Posting& a, const Posting& b) { return a.key == b.key && a.root == b.root; }),
              idx.end());
    auto lookup = [&](int acc, Kind kind, int tok, IdSet& out) {
      uint64_t k = key(acc, kind, tok);
      auto it = std::lower_bound(idx.begin(), idx.end(), k, [](const Posting& e, uint64_t x) { return e.key < x; });
      for (; it != idx.end() && it->key == k; ++it) out.insert(it->root);
    };
    struct Plan {
      int node, root;
      double conf;
      std::string how;
    };
    std::vector<Plan> plans;
    std::vector<int> leftovers;
    IdSet cands, raw, ok, fuzzy;  // per node, cleared (kept here: no allocation per node)
    for (size_t i = 0; i < nodes_.size(); ++i) {
      Node& n = nodes_[i];
      if (!n.single && !n.partial) continue;
      if (find(static_cast<int>(i)) != static_cast<int>(i) || members_[i].size() != 1) continue;
      int acc = n.account;
      const std::string& surface = ms_[n.mentions.front()].surface;
      const PName& p = pnames_[static_cast<size_t>(pid_of_[n.mentions.front()])];
      cands.clear();
      std::string what;
      if (n.single) {
        const Tok& t = p.first();
        lookup(acc, kF, t.plain, cands);
        lookup(acc, kA, t.plain, cands);
        if (needs_german(t)) lookup(acc, kG, german_id(t.id), cands);
        canon_ids(t.id, cs);
        for (int c : cs) lookup(acc, kN, c, cands);
        lookup(acc, kL, t.plain, cands);
        what = "first name only";
      } else {
        const Tok& f = p.first();
        const Tok& l = p.last();
        raw.clear();
        if (fstr(f).size() > 1) {
          lookup(acc, kF, f.plain, raw);
          canon_ids(f.id, cs);
          for (int c : cs) lookup(acc, kN, c, raw);
        } else {
          lookup(acc, kL, l.plain, raw);
        }
        for (int r : raw) {
          bool fits = false;
          for (int m : members_[r])
            for (int qi : nodes_[m].names) {
              const PName& q = pnames_[static_cast<size_t>(qi)];
              TokenRel rf = rel(f.id, q.first().id, true);
              TokenRel rl = rel(l.id, q.last().id, false);
              bool okf = rf == TokenRel::Exact || rf == TokenRel::Translit || rf == TokenRel::Nickname || rf == TokenRel::Initial;
              bool okl = rl == TokenRel::Exact || rl == TokenRel::Translit || rl == TokenRel::Initial || rl == TokenRel::Typo;
              fits = fits || (okf && okl);
            }
          if (fits) cands.insert(r);
        }
        what = "initial";
      }
      ok.clear();
      for (int r : cands)
        if (clusters_compatible(static_cast<int>(i), r, true)) ok.insert(r);
      auto scope = [&] { return std::string(strs_.str(acc).empty() ? std::string_view("the vault") : strs_.str(acc)); };
      if (ok.size() == 1) {
        plans.push_back({static_cast<int>(i), *ok.begin(), what == "initial" ? 0.75 : 0.7,
                         what + ": the only match for \"" + surface + "\" in " + scope()});
      } else if (ok.size() > 1) {
        n.ambiguous = true;
        n.candidates = static_cast<int>(candidate_lists_.size());
        candidate_lists_.emplace_back(ok.begin(), ok.end());
      } else if (n.single && fstr(p.first()).size() >= 4) {
        fuzzy.clear();
        auto it = firsts.find(acc);
        if (it != firsts.end())
          for (const auto& [f, root] : it->second) {
            TokenRel r = rel(p.first().id, ascii_fid(f), true);
            if (r == TokenRel::Typo && clusters_compatible(static_cast<int>(i), root, true)) fuzzy.insert(root);
          }
        if (fuzzy.size() == 1)
          plans.push_back({static_cast<int>(i), *fuzzy.begin(), 0.6,
                           "first name only, spelled like the only close match in " + scope()});
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
    std::unordered_map<int, int> tok_of;  // leftover node -> plain first name
    for (int i : leftovers) {
      const Node& n = nodes_[i];
      if (!n.single) continue;
      int t = n.singles.empty() ? parse_name(ms_[n.mentions.front()].surface).first().plain : n.singles.front();
      std::string_view ts = plain_str(t);
      if (ts.size() < 5) continue;
      tok_of[i] = t;
      std::string acc(strs_.str(n.account));
      blocks["p" + acc + "|" + phonetic(ts)].push_back(i);
      blocks["b" + acc + "|" + std::string(ts.substr(0, 3))].push_back(i);
      blocks["e" + acc + "|" + std::string(ts.substr(ts.size() - 3))].push_back(i);
    }
    std::map<int, std::set<int>> partners;
    for (auto& kv : blocks) {
      const auto& ids = kv.second;
      if (ids.size() > 200) continue;
      for (size_t a = 0; a < ids.size(); ++a)
        for (size_t b = a + 1; b < ids.size(); ++b) {
          TokenRel r = rel(ascii_fid(tok_of[ids[a]]), ascii_fid(tok_of[ids[b]]), true);
          if (r != TokenRel::Typo && r != TokenRel::Phonetic) continue;
          if (conflict(nodes_[ids[a]], nodes_[ids[b]], true)) continue;
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

  std::string canonical_of(const Members& members, std::vector<std::string>* notes) {
    // Distinct surfaces with their counts, in first-seen order (by parsed id).
    std::vector<std::pair<int, int>> count;  // (pid, mentions)
    if (slot_of_pid_.size() < pnames_.size()) slot_of_pid_.resize(pnames_.size(), -1);
    std::string best_note;
    for (int m : members) {
      const Node& n = nodes_[m];
      for (int p : n.notes) {
        notes->emplace_back(strs_.str(p));
        if (best_note.empty() || strs_.str(p) < best_note) best_note = strs_.str(p);
      }
      for (size_t mi : n.mentions) {
        int pid = pid_of_[mi];
        int& at = slot_of_pid_[static_cast<size_t>(pid)];
        if (at < 0) at = static_cast<int>(count.size()), count.push_back({pid, 0});
        ++count[static_cast<size_t>(at)].second;
      }
    }
    for (const auto& e : count) slot_of_pid_[static_cast<size_t>(e.first)] = -1;
    std::sort(notes->begin(), notes->end());
    notes->erase(std::unique(notes->begin(), notes->end()), notes->end());
    if (!best_note.empty()) {
      for (int m : members)
        for (size_t mi : nodes_[m].mentions)
          if (ms_[mi].source == "person_note" && ms_[mi].bound == best_note) return ms_[mi].surface;
    }
    // Highest score; on a tie the smallest string (the order a std::map gave).
    int best = -1, best_score = -1;
    for (const auto& [pid, c] : count) {
      std::string_view sf = surfaces_.str(pid);
      int words = static_cast<int>(pnames_[static_cast<size_t>(pid)].words);
      int score = (words >= 2 ? 1000000 : 0) + c * 100 + static_cast<int>(sf.size());
      if (score > best_score || (score == best_score && sf < surfaces_.str(best))) best = pid, best_score = score;
    }
    return best >= 0 ? std::string(surfaces_.str(best)) : std::string();
  }

  ContactResult output() {
    ContactResult res;
    res.candidate_pairs = pairs_;
    res.cluster_of.assign(ms_.size(), -1);
    std::vector<int> cluster_of_root(nodes_.size(), -1);
    {
      size_t roots = 0;
      for (size_t i = 0; i < nodes_.size(); ++i) roots += parent_[i] == static_cast<int>(i) && !members_[i].empty();
      res.clusters.reserve(roots);  // a Cluster is large: no regrowth moves
    }
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
      for (int root : candidate_lists_[static_cast<size_t>(n.candidates)]) {
        int ci = cluster_of_root[find(root)];
        if (ci >= 0) c.candidates.push_back(res.clusters[ci].canonical);
      }
      std::sort(c.candidates.begin(), c.candidates.end());
      c.candidates.erase(std::unique(c.candidates.begin(), c.candidates.end()), c.candidates.end());
      std::string_view acc = strs_.str(n.account);
      c.evidence = {"first name only; " + std::to_string(c.candidates.size()) + " people it could be in " +
                    (acc.empty() ? std::string("the vault") : std::string(acc)) + ": a person must choose"};
      cluster_of_root[i] = static_cast<int>(res.clusters.size());
      res.clusters.push_back(std::move(c));
    }
    // Two passes: count, reserve, fill (one allocation per cluster).
    for (size_t mi = 0; mi < ms_.size(); ++mi) {
      int node = node_of_[mi];
      if (node < 0) continue;
      res.cluster_of[mi] = cluster_of_root[find(node)];
    }
    std::vector<uint32_t> count(res.clusters.size(), 0);
    for (int ci : res.cluster_of)
      if (ci >= 0) ++count[static_cast<size_t>(ci)];
    for (size_t ci = 0; ci < res.clusters.size(); ++ci) res.clusters[ci].mentions.reserve(count[ci]);
    for (size_t mi = 0; mi < ms_.size(); ++mi)
      if (res.cluster_of[mi] >= 0) res.clusters[static_cast<size_t>(res.cluster_of[mi])].mentions.push_back(mi);
    return res;
  }

  void fill(Cluster& c, const Members& members) {
    // One entry per distinct surface, in first-seen order (a linear search:
    // clusters have a handful of spellings; a hash index once there are many).
    std::vector<MemberDetail> det;
    std::vector<int> det_pid;  // per entry: its parsed surface
    if (slot_of_pid_.size() < pnames_.size()) slot_of_pid_.resize(pnames_.size(), -1);
    // Views into the interned strings and the nodes, sorted and made unique
    // at the end (the order a std::set<std::string> gave, without a node and
    // a string copy per value).
    std::vector<std::string_view> accounts, companies, roles, emails;
    {
      // Sized once from the members (a cluster has a handful of each).
      size_t nm = 0, na = 0, nc = 0, nr = 0, ne = 0, nh = 0;
      for (int m : members) {
        const Node& n = nodes_[m];
        nm += n.mentions.size(), na += n.accounts.size(), nc += n.companies_raw.size();
        nr += n.roles.size(), ne += n.emails.size(), nh += n.how >= 0 ? hows_[static_cast<size_t>(n.how)].size() : 0;
      }
      det.reserve(nm), det_pid.reserve(nm);
      accounts.reserve(na), companies.reserve(nc), roles.reserve(nr), emails.reserve(ne);
      if (nh > 0 || members.size() > 1) c.evidence.reserve(nh + 1);
    }
    double conf = 1.0;
    const PName& canon = parse_name(c.canonical);
    for (int m : members) {
      const Node& n = nodes_[m];
      conf = std::min(conf, n.conf);
      if (n.how >= 0)
        for (const auto& h : hows_[static_cast<size_t>(n.how)])
          if (std::find(c.evidence.begin(), c.evidence.end(), h) == c.evidence.end()) c.evidence.push_back(h);
      for (int a : n.accounts)
        if (!strs_.str(a).empty()) accounts.push_back(strs_.str(a));
      for (int x : n.companies_raw) companies.push_back(strs_.str(x));
      for (const auto& x : n.roles) roles.push_back(x);
      for (int x : n.emails) emails.push_back(strs_.str(x));
      for (size_t mi : n.mentions) {
        const Mention& mm = ms_[mi];
        int pid = pid_of_[mi];
        int& slot = slot_of_pid_[static_cast<size_t>(pid)];
        bool fresh = slot < 0;
        if (fresh) slot = static_cast<int>(det.size()), det.emplace_back(), det_pid.push_back(pid);
        MemberDetail& d = det[static_cast<size_t>(slot)];
        if (fresh) {
          d.surface = mm.surface;
          d.confidence = n.conf;
          const PName& p = pnames_[static_cast<size_t>(pid)];
          if (mm.surface == c.canonical) {
            d.kind = "canonical";
          } else if (mm.source == "alias") {
            d.kind = "alias";
          } else if (p.key == canon.key) {
            d.kind = "exact";
          } else if (p.words == 1) {
            d.kind = "first-name-only";
          } else if (p.partial) {
            d.kind = "initial";
          } else if (canon.words >= 2) {
            NameRel r = compare(p, canon);
            d.kind = r.first == TokenRel::Nickname ? "nickname" : "variant";
          } else {
            d.kind = "variant";
          }
          if (mm.linked && !mm.bound.empty() && d.kind != "canonical" && d.kind != "exact")
            d.confidence = std::max(d.confidence, 0.99);
        }
        d.count++;
      }
    }
    for (int pid : det_pid) slot_of_pid_[static_cast<size_t>(pid)] = -1;
    if (members.size() > 1 && c.evidence.empty()) c.evidence.push_back("same person note");
    bool multi_notes = false;
    {
      std::set<int> ns;
      for (int m : members)
        for (int p : nodes_[m].notes) ns.insert(p);
      multi_notes = ns.size() > 1;
    }
    if (det.size() > 1 && !multi_notes) {
      // Surfaces that only meet through one person note (links, aliases) are certain.
      bool all_bound = true;
      for (int m : members) all_bound = all_bound && nodes_[m].bound;
      if (all_bound) c.evidence.insert(c.evidence.begin(), "links and aliases of one person note");
    }
    std::vector<size_t> order(det.size());
    std::iota(order.begin(), order.end(), 0);
    auto before = [&](size_t a, size_t b) {
      const std::string& sa = det[a].surface;
      const std::string& sb = det[b].surface;
      if (sa == c.canonical) return sb != c.canonical;
      if (sb == c.canonical) return false;
      return det[a].count > det[b].count;
    };
    // Stable either way; a cluster has a few spellings, and stable_sort's
    // temporary buffer was an allocation per cluster.
    if (order.size() <= 16) {
      for (size_t i = 1; i < order.size(); ++i)
        for (size_t j = i; j > 0 && before(order[j], order[j - 1]); --j) std::swap(order[j], order[j - 1]);
    } else {
      std::stable_sort(order.begin(), order.end(), before);
    }
    c.members.reserve(det.size());
    c.detail.reserve(det.size());
    for (size_t k : order) {
      c.members.push_back(det[k].surface);
      c.detail.push_back(std::move(det[k]));
    }
    c.confidence = conf;
    sorted_unique_into(accounts, c.accounts);
    sorted_unique_into(companies, c.companies);
    sorted_unique_into(roles, c.roles);
    sorted_unique_into(emails, c.emails);
  }

  static void sorted_unique_into(std::vector<std::string_view>& views, std::vector<std::string>& out) {
    if (views.size() <= 1) {  // most clusters: one account, one company, one role
      if (!views.empty()) out.emplace_back(views.front());
      return;
    }
    std::sort(views.begin(), views.end());
    views.erase(std::unique(views.begin(), views.end()), views.end());
    out.reserve(views.size());
    for (std::string_view v : views) out.emplace_back(v);
  }
};

}  // namespace

ContactResult resolve(const std::vector<Mention>& mentions, const CompanyAliases& company_aliases) {
  Resolver r(mentions, company_aliases);
  return r.run();
}

}  // namespace vaultcrm::dedup
