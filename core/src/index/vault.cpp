#include "vaultcrm/index.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "../parse/text.h"

namespace vaultcrm::index {

using parse::detail::ascii_lower;
using parse::detail::ends_with;

namespace {
// Letters with a case, and marks and signs a word's case looks through (the
// Final_Sigma context of Unicode's SpecialCasing, as JavaScript applies it).
bool is_cased(utf8proc_int32_t c) {
  const auto cat = utf8proc_category(c);
  return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LT ||
         utf8proc_tolower(c) != c || utf8proc_toupper(c) != c;
}
bool is_case_ignorable(utf8proc_int32_t c) {
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_SK: return true;
    default: break;
  }
  switch (c) {
    case '\'': case '.': case ':': case 0xB7: case 0x387: case 0x2018: case 0x2019: case 0x2024: case 0x2027:
    case 0xFE13: case 0xFE52: case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A: return true;
    default: return false;
  }
}

// `s`, A-Z already lowered, with its other letters lowered as JavaScript's
// toLowerCase() lowers them: each code point's lower case, U+0130 (I with a
// dot) as "i" + U+0307, a capital sigma ending a word as the final sigma.
// Text that is not valid UTF-8 keeps its other bytes. The graph calls names
// the same when they fold (fold_name: NFC, full case folding) to the same
// text, and every two texts this lowers alike fold alike (case folding maps
// each code point as it maps its lower case, U+0130 included thanks to its
// two-point lower case; both sigmas fold to one): a note coming or going
// makes the graph look again at every reference the vault may now resolve
// differently (VaultCase.LowersNoTwoTextsTheGraphFoldsApart checks it).
void lower_non_ascii(std::string& s) {
  // Reused per thread: add_keys lowers every link of every note, and a vault
  // in a non-Latin script takes this path for nearly all of them.
  static thread_local std::vector<utf8proc_int32_t> points;
  static thread_local std::string out;
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  const auto size = static_cast<utf8proc_ssize_t>(s.size());
  auto put = [&](utf8proc_int32_t c) {
    utf8proc_uint8_t buf[4];
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(utf8proc_encode_char(c, buf)));
  };
  // Any code point but the capital sigma, which depends on its word.
  auto put_lower = [&](utf8proc_int32_t c) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c == 0x130) {
      out.push_back('i');
      put(0x307);
    } else {
      put(utf8proc_tolower(c));
    }
  };
  // One pass, code point by code point past the ASCII prefix (already
  // lowered), unless a capital sigma asks for its word's context.
  utf8proc_ssize_t i = 0;
  while (i < size && bytes[i] < 0x80) ++i;
  out.assign(s, 0, static_cast<size_t>(i));
  bool sigma = false;
  while (i < size) {
    if (bytes[i] < 0x80) {
      out.push_back(static_cast<char>(bytes[i++]));
      continue;
    }
    utf8proc_int32_t c;
    const utf8proc_ssize_t n = utf8proc_iterate(bytes + i, size - i, &c);
    if (n <= 0) return;  // not UTF-8: compared as written but for ASCII case
    i += n;
    if (c == 0x3A3) {
      sigma = true;
      break;
    }
    put_lower(c);
  }
  if (sigma) {
    points.clear();
    for (i = 0; i < size;) {
      utf8proc_int32_t c;
      const utf8proc_ssize_t n = utf8proc_iterate(bytes + i, size - i, &c);
      if (n <= 0) return;
      points.push_back(c);
      i += n;
    }
    out.clear();
    for (size_t k = 0; k < points.size(); ++k) {
      const utf8proc_int32_t c = points[k];
      if (c != 0x3A3) {
        put_lower(c);
        continue;
      }
      size_t before = k, after = k + 1;
      while (before > 0 && is_case_ignorable(points[before - 1])) --before;
      while (after < points.size() && is_case_ignorable(points[after])) ++after;
      const bool at_end = before > 0 && is_cased(points[before - 1]) && !(after < points.size() && is_cased(points[after]));
      put(at_end ? 0x3C2 : 0x3C3);
    }
  }
  s.assign(out);  // no allocation once `s` (a reused key buffer) has grown
}

// `s` with its ASCII letters lower-cased into `out`, which is reused (no
// allocation once it has grown); whether `s` has a byte over 0x7F. Eight
// bytes at a time in a 64-bit word (native and wasm alike): a warm start
// folds every link name of every note again, and byte by byte this was 5%
// of it. For bytes under 0x80, adding 0x80 - 'A' to each sets its top bit
// when it is 'A' or above, adding 0x80 - 'Z' - 1 when it is above 'Z', and
// no sum carries into the next byte; the upper-case letters' top bits,
// moved to 0x20, lower them. Other bytes are left as they are.
bool lower_ascii_into(std::string_view s, std::string& out) {
  out.resize(s.size());
  const char* from = s.data();
  char* to = out.data();
  const size_t n = s.size();
  constexpr uint64_t kOnes = 0x0101010101010101ull, kTops = 0x8080808080808080ull;
  uint64_t seen = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, from + i, 8);
    seen |= word;
    const uint64_t low = word & ~kTops;  // each byte's top bit cleared: no carry below
    const uint64_t from_a = low + kOnes * (0x80 - 'A');
    const uint64_t past_z = low + kOnes * (0x80 - 'Z' - 1);
    const uint64_t upper = from_a & ~past_z & ~word & kTops;
    word |= upper >> 2;
    std::memcpy(to + i, &word, 8);
  }
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(from[i]);
    seen |= c;
    to[i] = static_cast<char>(c + (static_cast<unsigned char>(c - 'A') < 26 ? 'a' - 'A' : 0));
  }
  return (seen & kTops) != 0;
}

// `s` lower-cased as Obsidian compares link paths and names into `out`, which
// is reused: no allocation once it has grown (add_keys runs once per note and
// touches every link). ASCII text, nearly all of it, never leaves
// lower_ascii_into, which has no branch per byte.
void fold_case_into(std::string_view s, std::string& out) {
  if (lower_ascii_into(s, out)) lower_non_ascii(out);
}

// link_key(target) into `out`, which is reused.
void link_key_into(std::string_view target, std::string& out) {
  fold_case_into(target, out);
  if (ends_with(out, ".md")) out.resize(out.size() - 3);
}

// What a link is filed under in linkers_ (before its case is folded): the
// last component of its target; a [[#Heading]] names the note itself.
std::string_view linker_name(const parse::Note& note, const parse::Link& link) {
  return link.target.empty() ? std::string_view(note.name) : link_name_view(link.target);
}

std::string fold_case(std::string_view s) {
  std::string out;
  fold_case_into(s, out);
  return out;
}
}  // namespace

std::string link_key(std::string_view target) {
  std::string key;
  link_key_into(target, key);
  return key;
}

namespace {
// ".md" in any case, without building a lower-case copy (hot in graph rebuilds).
bool has_md_suffix(std::string_view s) {
  if (s.size() < 3) return false;
  std::string_view end = s.substr(s.size() - 3);
  return end[0] == '.' && (end[1] | 0x20) == 'm' && (end[2] | 0x20) == 'd';
}
}  // namespace

std::string_view link_name_view(std::string_view target) {
  size_t slash = target.rfind('/');
  std::string_view s = slash == std::string_view::npos ? target : target.substr(slash + 1);
  if (has_md_suffix(s)) s.remove_suffix(3);
  return s;
}

std::string link_name(std::string_view target) { return std::string(link_name_view(target)); }

bool may_be_same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    auto ascii = [](std::string_view s) { return std::all_of(s.begin(), s.end(), [](char c) { return !(c & 0x80); }); };
    return !(ascii(a) && ascii(b));
  }
  for (size_t i = 0; i < a.size(); ++i) {
    const unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if ((x | y) & 0x80) return true;  // folded by the vault's rules from here on
    if (x == y) continue;
    const unsigned char lx = x | 0x20;
    if (lx != (y | 0x20) || lx < 'a' || lx > 'z') return false;
  }
  return true;
}

std::string_view trim_folder(std::string_view folder) {
  while (!folder.empty() && folder.back() == '/') folder.remove_suffix(1);
  while (!folder.empty() && folder.front() == '/') folder.remove_prefix(1);
  return folder;
}

namespace {
// `s` lower-cased (ASCII) into `out`, which is reused: tags compare so.
void lower_into(std::string_view s, std::string& out) { lower_ascii_into(s, out); }

// The keys by_tag_ files a tag under: the tag ASCII-lowered, then each parent
// it names ("a/b/c": "a/b/c", "a/b", "a"). A query for #k matches a tag equal
// to k or starting with "k/" (Obsidian and Dataview count #a/b as #a), and
// those are exactly the tags that list k here. `key` is a reused buffer.
template <class Use>
void for_each_tag_key(std::string_view tag, std::string& key, Use&& use) {
  lower_into(tag, key);
  use(std::string_view(key));
  for (size_t slash = key.rfind('/'); slash != std::string::npos && slash > 0; slash = key.rfind('/', slash - 1))
    use(std::string_view(key).substr(0, slash));
}

// Whether a path has a "." or ".." component.
bool has_dot_segment(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part == "." || part == "..") return true;
    start = end + 1;
  }
  return false;
}

// "a/./b/../c" -> "a/c" in place; false when a ".." climbs above the start
// (out of the vault), or nothing is left.
bool collapse_dot_segments(std::string& path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view part = std::string_view(path).substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) return false;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (std::string_view part : parts) {
    if (!out.empty()) out += '/';
    out += part;
  }
  path = std::move(out);
  return !path.empty();
}


// Up to this many link names a note's names are sorted to look each up once.
constexpr size_t kSortedLinkNames = 64;

}  // namespace

// `note` is the one held in notes_: the indexes keep its address.
void Vault::add_keys(const parse::Note& note) {
  NoteRef self = &note;
  std::string key;
  // Case twins ("Customers/Acme.md", "Customers/acme.md") share a key: it
  // names the first of them in path order, whatever order they came in, as
  // a file name shared by several notes resolves to the first of the shortest.
  auto [at, fresh] = by_path_.try_emplace(link_key(note.path), self);
  if (!fresh && at->second != self && note.path < at->second->path) at->second = self;
  fold_case_into(note.name, key);
  by_name_[key].insert(self);
  for (const auto& alias : note.aliases) {
    fold_case_into(alias, key);
    by_alias_[key].insert(self);
  }
  // Each name once: a note links the same few names again and again
  // (vault-10k: 15.4 links a note, 9.0 names), and the lookup of a name's
  // set, a hash of a string and a probe of a table too big for the cache,
  // was a quarter of a wasm index build's vault work. Names written alike
  // are one name; names written apart but folding alike meet in the set,
  // whose insert skips the note it ends with. A note of thousands of links
  // (a 1 MB table) names mostly different notes: sorting them cost more
  // than the lookups it saved (+2.7% on a new wide-table.md in wasm), so
  // it skips repeats in a row only.
  static thread_local std::vector<std::string_view> names;
  names.clear();
  for (const auto& link : note.links) {
    std::string_view name = linker_name(note, link);
    if (names.empty() || names.back() != name) names.push_back(name);
  }
  if (names.size() <= kSortedLinkNames) {
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
  }
  for (std::string_view name : names) {
    // == the last component of link_key(target), built without two copies
    fold_case_into(name, key);
    linkers_[key].insert(self);
  }
  std::string tag_key;
  for (const auto& tag : note.tags)
    for_each_tag_key(tag, key, [&](std::string_view k) {
      tag_key.assign(k);
      by_tag_[tag_key].insert(self);  // a second parent "a" of one note: the set skips it
    });
  ++generation_;
}

void Vault::drop_keys(const parse::Note& note) {
  NoteRef self = &note;  // the sets compare paths by value
  auto erase_from = [&](auto& map, const std::string& key) {
    auto it = map.find(key);
    if (it == map.end()) return;
    it->second.erase(self);
    if (it->second.empty()) map.erase(it);
  };
  const std::string name_key = fold_case(note.name);
  erase_from(by_name_, name_key);
  // The path key goes only if no case twin has it: then it names the first
  // twin left. Twins share their lower-case file name, so they are among
  // the notes by_name_ lists under it, in path order.
  const std::string path_key = link_key(note.path);
  if (auto at = by_path_.find(path_key); at != by_path_.end() && at->second == self) {
    NoteRef twin = nullptr;
    if (auto named = by_name_.find(name_key); named != by_name_.end())
      for (NoteRef n : named->second)
        if (n != self && link_key(n->path) == path_key) {
          twin = n;
          break;
        }
    if (twin) at->second = twin;
    else by_path_.erase(at);
  }
  move_keys(note, key_lists(note), KeyLists());
  ++generation_;
}

void Vault::KeyList::add(std::string_view key) {
  entries_.push_back({std::hash<std::string_view>()(key), static_cast<uint32_t>(bytes_.size()),
                      static_cast<uint32_t>(key.size())});
  bytes_.append(key);
}

void Vault::KeyList::add_folded(const std::vector<std::string>& names) {
  std::string key;
  for (const auto& name : names) fold_case_into(name, key), add(key);
}

void Vault::KeyList::add_lowered(const std::vector<std::string>& tags) {
  std::string key;
  for (const auto& tag : tags) for_each_tag_key(tag, key, [&](std::string_view k) { add(k); });
}

int Vault::KeyList::order(const KeyList& la, const Entry& a, const KeyList& lb, const Entry& b) {
  if (a.hash != b.hash) return a.hash < b.hash ? -1 : 1;
  return std::string_view(la.bytes_.data() + a.offset, a.size).compare(std::string_view(lb.bytes_.data() + b.offset, b.size));
}

void Vault::KeyList::finish() {
  std::sort(entries_.begin(), entries_.end(),
            [this](const Entry& a, const Entry& b) { return order(*this, a, *this, b) < 0; });
  entries_.erase(std::unique(entries_.begin(), entries_.end(),
                             [this](const Entry& a, const Entry& b) { return order(*this, a, *this, b) == 0; }),
                 entries_.end());
}

int Vault::KeyList::compare(size_t i, const KeyList& other, size_t j) const {
  return order(*this, entries_[i], other, other.entries_[j]);
}

size_t Vault::KeyList::find(std::string_view key) const {
  const size_t hash = std::hash<std::string_view>()(key);
  auto at = std::lower_bound(entries_.begin(), entries_.end(), hash,
                             [](const Entry& e, size_t h) { return e.hash < h; });
  for (; at != entries_.end() && at->hash == hash; ++at)
    if (std::string_view(bytes_.data() + at->offset, at->size) == key) return static_cast<size_t>(at - entries_.begin());
  return entries_.size();
}

void Vault::edit_keys(const parse::Note& before, const parse::Note& after, KeyLists& gone, KeyLists& come) {
  std::string key;
  if (before.aliases != after.aliases) gone.aliases.add_folded(before.aliases), come.aliases.add_folded(after.aliases);
  if (before.tags != after.tags) gone.tags.add_lowered(before.tags), come.tags.add_lowered(after.tags);
  auto name_before = [&](size_t i) { return linker_name(before, before.links[i]); };
  auto name_after = [&](size_t i) { return linker_name(after, after.links[i]); };
  const size_t old_count = before.links.size(), new_count = after.links.size();
  const size_t shorter = std::min(old_count, new_count);
  size_t start = 0, end = 0;  // links alike, as written, at the start and at the end of both
  while (start < shorter && name_before(start) == name_after(start)) ++start;
  while (end < shorter - start && name_before(old_count - 1 - end) == name_after(new_count - 1 - end)) ++end;
  for (size_t i = start; i < new_count - end; ++i) fold_case_into(name_after(i), key), come.links.add(key);
  come.links.finish();
  // The keys of the dropped links that no new link has: each is gone
  // unless a kept link has it (a second [[Ana]], or an [[ana]]).
  KeyList dropped;
  for (size_t i = start; i < old_count - end; ++i) {
    fold_case_into(name_before(i), key);
    if (come.links.find(key) == come.links.size()) dropped.add(key);
  }
  dropped.finish();
  if (dropped.size() > 0) {
    std::vector<bool> kept(dropped.size(), false);
    auto keep = [&](size_t i) {
      fold_case_into(name_after(i), key);
      const size_t at = dropped.find(key);
      if (at < kept.size()) kept[at] = true;
    };
    for (size_t i = 0; i < start; ++i) keep(i);
    for (size_t i = new_count - end; i < new_count; ++i) keep(i);
    for (size_t i = 0; i < dropped.size(); ++i)
      if (!kept[i]) gone.links.add(dropped[i]);
  }
  for (auto* list : {&gone.aliases, &gone.links, &gone.tags, &come.aliases, &come.tags}) list->finish();
}

Vault::KeyLists Vault::key_lists(const parse::Note& note) {
  KeyLists keys;
  std::string key;
  keys.aliases.add_folded(note.aliases);
  for (const auto& link : note.links) {
    fold_case_into(linker_name(note, link), key);  // as add_keys
    keys.links.add(key);
  }
  keys.tags.add_lowered(note.tags);
  for (auto* list : {&keys.aliases, &keys.links, &keys.tags}) list->finish();
  return keys;
}

void Vault::move_keys(const parse::Note& note, const KeyLists& before, const KeyLists& after) {
  NoteRef self = &note;
  std::string key;  // the maps are found by std::string: one buffer for all
  // Both lists in the same order: one merge finds the keys only one of them has.
  auto move = [&](auto& map, const KeyList& gone, const KeyList& come) {
    size_t i = 0, j = 0;
    while (i < gone.size() || j < come.size()) {
      const int order = i == gone.size() ? 1 : j == come.size() ? -1 : gone.compare(i, come, j);
      if (order < 0) {
        key.assign(gone[i++]);
        auto it = map.find(key);
        if (it == map.end()) continue;
        it->second.erase(self);
        if (it->second.empty()) map.erase(it);
      } else if (order > 0) {
        key.assign(come[j++]);
        map[key].insert(self);
      } else {
        ++i, ++j;
      }
    }
  };
  move(by_alias_, before.aliases, after.aliases);
  move(linkers_, before.links, after.links);
  move(by_tag_, before.tags, after.tags);
}

void Vault::log_change(Change::Kind kind, const std::string& path, const parse::Note* note,
                       std::shared_ptr<const parse::Note> before) {
  Change c;
  c.generation = generation_;
  c.kind = kind;
  c.path = path;
  c.note = note;
  c.before = std::move(before);
  log_.push_back(std::move(c));
  if (log_.size() > kEditsKept) log_[log_.size() - 1 - kEditsKept].before.reset();
  if (log_.size() > kChangeLog) {
    log_floor_ = log_.front().generation;
    log_.pop_front();
  }
}

bool Vault::changes_since(uint64_t since, std::vector<Change>& out) const {
  if (since == generation_) return true;
  if (since < log_floor_ || since > generation_) return false;
  // The log is in generation order: skip what the caller has seen.
  auto first = std::upper_bound(log_.begin(), log_.end(), since,
                                [](uint64_t g, const Change& c) { return g < c.generation; });
  out.insert(out.end(), first, log_.end());
  return true;
}

bool Vault::changes_since(uint64_t since, ChangeSet& out) const {
  out = ChangeSet();
  if (!changes_since(since, out.log)) return false;
  for (const Change& c : out.log) {
    out.paths.push_back(c.path);
    out.notes.push_back(c.note);
    if (c.kind == Change::Kind::Removed) {
      out.removed.push_back(c.path);
      out.removed_notes.push_back(c.note);
    } else {
      (c.kind == Change::Kind::Added ? out.added : out.edited).push_back(c.path);
    }
  }
  auto sort_unique = [](auto& list) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  };
  sort_unique(out.paths);
  sort_unique(out.notes);
  sort_unique(out.removed);
  sort_unique(out.removed_notes);
  sort_unique(out.added);
  sort_unique(out.edited);
  // A path that came and went again is only gone; one edited and then
  // removed, or removed and back, is not only parsed again.
  auto gone = [&](std::string_view p) { return find(p) == nullptr; };
  out.added.erase(std::remove_if(out.added.begin(), out.added.end(), gone), out.added.end());
  out.edited.erase(std::remove_if(out.edited.begin(), out.edited.end(),
                                  [&](std::string_view p) {
                                    return gone(p) || std::binary_search(out.added.begin(), out.added.end(), p) ||
                                           std::binary_search(out.removed.begin(), out.removed.end(), p);
                                  }),
                   out.edited.end());
  return true;
}

const parse::Note& Vault::upsert(std::string_view path, std::string_view text, double mtime) {
  auto it = notes_.find(path);
  const bool existed = it != notes_.end();
  std::shared_ptr<const parse::Note> before;
  if (existed) {
    parse::Note fresh = parse::parse_note(path, text, mtime, limits);
    KeyLists gone, come;
    edit_keys(it->second, fresh, gone, come);
    // The note as it was goes to the change log (Change::before), moved,
    // not copied; it is freed when the log lets it go.
    before = std::make_shared<const parse::Note>(std::move(it->second));
    it->second = std::move(fresh);  // the note keeps its address: the sets still find it
    move_keys(it->second, gone, come);
    generation_ += 2;  // as drop_keys and add_keys would
  } else {
    it = notes_.emplace(std::string(path), parse::parse_note(path, text, mtime, limits)).first;
    by_exact_path_.insert(it->first, &it->second);
    add_keys(it->second);
  }
  // The bytes it was parsed from, shared (parse_note copied `text`).
  texts_[it->first] = {it->second.source, it->second.size};
  hashes_.erase(it->first);
  detached_.erase(it->first);
  log_change(existed ? Change::Kind::Edited : Change::Kind::Added, it->first, &it->second, std::move(before));
  return it->second;
}

const parse::Note& Vault::restore(parse::Note note, uint64_t text_hash) {
  auto it = notes_.find(note.path);
  const bool existed = it != notes_.end();
  if (existed) {
    drop_keys(it->second);
    texts_.erase(it->first);
    hashes_.erase(it->first);
    it->second = std::move(note);
  } else {
    std::string path = note.path;
    it = notes_.emplace(std::move(path), std::move(note)).first;
    by_exact_path_.insert(it->first, &it->second);
  }
  detached_[it->first] = text_hash;
  add_keys(it->second);
  log_change(existed ? Change::Kind::Edited : Change::Kind::Added, it->first, &it->second);
  return it->second;
}

void Vault::clear() {
  by_exact_path_.clear();
  notes_.clear();
  texts_.clear();
  hashes_.clear();
  detached_.clear();
  by_path_.clear();
  by_name_.clear();
  by_alias_.clear();
  linkers_.clear();
  by_tag_.clear();
  ++generation_;
  log_.clear();  // caches cannot catch up from here: they start again
  log_floor_ = generation_;
}

bool Vault::attach_text(std::string_view path, std::string_view text) {
  auto it = detached_.find(std::string(path));
  if (it == detached_.end() || it->second != hash_text(text)) return false;
  texts_[it->first] = {std::make_shared<const std::string>(text), text.size()};
  hashes_[it->first] = it->second;
  detached_.erase(it);
  return true;
}

std::vector<std::string> Vault::without_text() const {
  std::vector<std::string> out;
  out.reserve(detached_.size());
  for (const auto& [path, hash] : detached_) out.push_back(path);
  std::sort(out.begin(), out.end());
  return out;
}

bool Vault::remove(std::string_view path) {
  auto it = notes_.find(path);
  if (it == notes_.end()) return false;
  drop_keys(it->second);
  const parse::Note* was = &it->second;
  std::string gone = it->first;
  texts_.erase(it->first);
  hashes_.erase(it->first);
  detached_.erase(it->first);
  by_exact_path_.erase(it->first);
  notes_.erase(it);
  log_change(Change::Kind::Removed, gone, was);
  return true;
}

bool Vault::rename(std::string_view from, std::string_view to_view) {
  const std::string to(to_view);  // `to_view` may view a path this erases (a note it replaces)
  auto it = notes_.find(from);
  if (it == notes_.end() || from == to) return it != notes_.end();
  drop_keys(it->second);  // before the move: the indexes read the path they point at
  const parse::Note* moved_from = &it->second;
  std::string from_path = it->first;  // `from` may view a string this frees
  const parse::Note* replaced = nullptr;
  parse::Note note = std::move(it->second);
  // A restored note moves with its detached hash instead of a text.
  auto detached = detached_.find(it->first);
  std::optional<uint64_t> detached_hash;
  if (detached != detached_.end()) {
    detached_hash = detached->second;
    detached_.erase(detached);
  }
  HeldText text = std::move(texts_[it->first]);
  texts_.erase(it->first);
  hashes_.erase(it->first);
  by_exact_path_.erase(it->first);
  notes_.erase(it);
  if (auto old = notes_.find(to); old != notes_.end()) {
    drop_keys(old->second);
    replaced = &old->second;
    texts_.erase(old->first);
    hashes_.erase(old->first);
    detached_.erase(old->first);
    by_exact_path_.erase(old->first);
    notes_.erase(old);
  }
  if (detached_hash) detached_[std::string(to)] = *detached_hash;
  else texts_[std::string(to)] = std::move(text);
  note.path = std::string(to);
  size_t slash = note.path.rfind('/');
  note.folder = slash == std::string::npos ? "" : note.path.substr(0, slash);
  std::string base = slash == std::string::npos ? note.path : note.path.substr(slash + 1);
  if (ends_with(ascii_lower(base), ".md")) base.resize(base.size() - 3);
  note.name = base;
  auto [pos, inserted] = notes_.emplace(note.path, std::move(note));
  by_exact_path_.insert(pos->first, &pos->second);
  add_keys(pos->second);
  log_change(Change::Kind::Removed, from_path, moved_from);
  if (replaced) log_change(Change::Kind::Removed, pos->first, replaced);
  log_change(Change::Kind::Added, pos->first, &pos->second);
  return true;
}

uint64_t hash_text(std::string_view text) {
  uint64_t h = 14695981039346656037ull;  // the FNV-1a 64-bit offset basis
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::optional<std::string_view> Vault::text(std::string_view path) const {
  auto it = texts_.find(std::string(path));
  if (it == texts_.end() || !it->second.bytes) return std::nullopt;
  return std::string_view(*it->second.bytes).substr(0, it->second.size);
}

uint64_t Vault::text_hash(std::string_view path) const {
  if (auto t = text(path)) {
    std::string key(path);
    if (auto h = hashes_.find(key); h != hashes_.end()) return h->second;
    return hashes_[std::move(key)] = hash_text(*t);
  }
  auto it = detached_.find(std::string(path));
  return it == detached_.end() ? 0 : it->second;
}

const parse::Note* Vault::find(std::string_view path) const {
  const parse::Note* const* note = by_exact_path_.find(path);
  return note ? *note : nullptr;
}

std::optional<std::string> Vault::resolve(std::string_view target, std::string_view source_path,
                                          bool use_aliases) const {
  if (target.empty()) return std::string(source_path);  // [[#Heading]] points into the note itself
  const std::string* path = resolve_stored(target, source_path, use_aliases);
  return path ? std::optional<std::string>(*path) : std::nullopt;
}

const std::string* Vault::resolve_stored(std::string_view target, std::string_view source_path,
                                         bool use_aliases, bool* same_from_any_folder) const {
  bool any_folder_unused;
  bool& any_folder = same_from_any_folder ? *same_from_any_folder : any_folder_unused;
  any_folder = false;
  if (target.empty()) {
    const parse::Note* self = find(source_path);
    return self ? &self->path : nullptr;
  }
  // Reused per thread: the graph resolves every stored link through here
  // at each rebuild (a warm start, a cold load), and fresh strings for the
  // key, the folder and the candidates were an eighth of a rebuild.
  static thread_local std::string key, folder, rel, candidate;
  link_key_into(target, key);
  size_t leading = 0;
  while (leading < key.size() && key[leading] == '/') ++leading;
  key.erase(0, leading);
  // The linking note's folder, lower-cased, into `folder`.
  auto folder_of_source = [&] {
    folder.clear();
    size_t slash = source_path.rfind('/');
    if (slash != std::string_view::npos) fold_case_into(source_path.substr(0, slash), folder);
  };
  if (has_dot_segment(key)) {
    // "./Note", "../People/Ana Lima": relative to the linking note's folder,
    // as Obsidian writes markdown links ("Relative path to file"); a path
    // that leaves the vault names nothing. Such a target names a note of its
    // last component's name, as every link does (the keys of backlinks and
    // of the graph's re-resolution rely on that).
    std::string_view last = std::string_view(key).substr(key.rfind('/') + 1);  // npos + 1 == 0
    if (last == "." || last == "..") return nullptr;
    folder_of_source();
    rel = folder.empty() ? key : folder + "/" + key;
    // "People/../Archive/x" reads from the vault's root first, as paths do.
    std::string_view first = std::string_view(key).substr(0, key.find('/'));
    if (first != "." && first != ".." && collapse_dot_segments(key))
      if (auto it = by_path_.find(key); it != by_path_.end()) return &it->second->path;
    if (collapse_dot_segments(rel))
      if (auto it = by_path_.find(rel); it != by_path_.end()) return &it->second->path;
    return nullptr;
  }
  if (auto it = by_path_.find(key); it != by_path_.end()) {
    any_folder = true;
    return &it->second->path;
  }
  // Relative to the linking note's folder.
  folder_of_source();
  if (!folder.empty()) {
    rel.assign(folder).append(1, '/').append(key);
    if (auto it = by_path_.find(rel); it != by_path_.end()) return &it->second->path;
  }
  const size_t slash = key.rfind('/');
  const bool has_dir = slash != std::string::npos;
  // The last component, into `rel` (free again): by_name_ looks up strings.
  if (has_dir) rel.assign(key, slash + 1, std::string::npos);
  else rel.assign(key);
  // A note the folder-relative lookup above finds, from some folder, is one
  // of these: with at most one of them every folder gets the same answer.
  size_t bearing = 0;
  const std::string* best = nullptr;
  if (auto it = by_name_.find(rel); it != by_name_.end()) {
    for (NoteRef n : it->second) {
      const std::string* path = &n->path;
      if (has_dir) {
        // The note's key must end in "/" + key.
        link_key_into(*path, candidate);
        if (candidate.size() <= key.size() || candidate[candidate.size() - key.size() - 1] != '/' ||
            candidate.compare(candidate.size() - key.size(), key.size(), key) != 0)
          continue;
      }
      ++bearing;
      if (!best || path->size() < best->size() || (path->size() == best->size() && *path < *best)) best = path;
    }
  }
  any_folder = bearing <= 1;
  if (best) return best;
  // An alias recognises a person only when one note bears it: "Inês" as
  // the alias of several people names none of them (choosing the first in
  // path order tied one arbitrary person to every account mentioning an Inês).
  if (use_aliases)
    if (auto it = by_alias_.find(key); it != by_alias_.end() && it->second.size() == 1)
      return &(*it->second.begin())->path;
  return nullptr;
}

std::vector<std::string> Vault::backlinks(std::string_view path, bool include_self) const {
  std::vector<std::string> out;
  for (const parse::Note* n : backlink_notes(path, include_self)) out.push_back(n->path);
  return out;
}

bool Vault::links_to(const parse::Note& src, const parse::Note& note) const {
  std::string key, name;
  fold_case_into(note.name, key);
  return links_to(src, note, key, name);
}

bool Vault::links_to(const parse::Note& src, const parse::Note& note, const std::string& key, std::string& name) const {
  for (const auto& link : src.links) {
    // [[#Heading]]: a link to the note holding it, as file.outlinks reads it
    if (link.target.empty()) {
      if (&src == &note) return true;
      continue;
    }
    fold_case_into(link_name_view(link.target), name);
    if (name != key) continue;
    const std::string* r = resolve_stored(link.target, src.path);
    if (r && *r == note.path) return true;
  }
  return false;
}

std::vector<const parse::Note*> Vault::backlink_notes(std::string_view path, bool include_self) const {
  const parse::Note* note = find(path);
  if (!note) return {};
  // A link resolves (by path or by file name, never by alias) only to a note
  // whose name is its last component, and linkers_ lists the notes holding
  // such a link under that name (and a note holding a [[#Heading]] under its
  // own), once each and in path order: no other note needs looking at, and
  // the answer needs no sorting.
  std::string key, name;
  fold_case_into(note->name, key);
  auto it = linkers_.find(key);
  if (it == linkers_.end()) return {};
  std::vector<const parse::Note*> out;
  for (NoteRef src : it->second) {
    if (src == note && !include_self) continue;
    if (links_to(*src, *note, key, name)) out.push_back(src);
  }
  return out;
}

std::vector<const parse::Note*> Vault::notes_linking_name(std::string_view name) const {
  std::string key;
  fold_case_into(link_name_view(name), key);
  auto it = linkers_.find(key);
  if (it == linkers_.end()) return {};
  return std::vector<const parse::Note*>(it->second.begin(), it->second.end());
}

std::vector<const parse::Note*> Vault::notes_named(std::string_view name) const {
  std::string key;
  fold_case_into(name, key);
  auto it = by_name_.find(key);
  if (it == by_name_.end()) return {};
  return std::vector<const parse::Note*>(it->second.begin(), it->second.end());
}

std::vector<Unresolved> Vault::unresolved() const {
  std::vector<Unresolved> out;
  for (const auto& [path, note] : notes_)
    for (const auto& link : note.links)
      if (!link.target.empty() && !resolve(link.target, path))
        out.push_back({path, std::string(link.target), link.line, link.column});
  return out;
}

}  // namespace vaultcrm::index

namespace vaultcrm::index {

std::vector<std::string> Vault::notes_with_tag(std::string_view tag, bool with_subtags) const {
  std::vector<std::string> out;
  for (const parse::Note* n : tagged_notes(tag, with_subtags)) out.push_back(n->path);
  return out;
}

std::vector<const parse::Note*> Vault::tagged_notes(std::string_view tag, bool with_subtags) const {
  while (!tag.empty() && tag.front() == '#') tag.remove_prefix(1);
  std::string key;
  lower_into(tag, key);
  auto it = by_tag_.find(key);
  if (it == by_tag_.end()) return {};
  // The set holds the tag's notes and its subtags' (see by_tag_), in path order.
  if (with_subtags) return {it->second.begin(), it->second.end()};
  std::vector<const parse::Note*> out;
  std::string own;
  for (const parse::Note* n : it->second)
    if (std::any_of(n->tags.begin(), n->tags.end(), [&](const std::string& t) { return lower_into(t, own), own == key; }))
      out.push_back(n);
  return out;
}

std::vector<const parse::Note*> Vault::notes_in_folder(std::string_view folder) const {
  std::vector<const parse::Note*> out;
  const std::string_view f = trim_folder(folder);
  if (f.empty()) {
    for (const auto& [p, n] : notes_) out.push_back(&n);
    return out;
  }
  const std::string prefix = std::string(f) + "/";
  for (auto it = notes_.lower_bound(prefix); it != notes_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
       ++it)
    out.push_back(&it->second);
  return out;
}

}  // namespace vaultcrm::index
