// vaultcrm/index.h - the vault held in memory, updated one note at a time.
//
// Link resolution follows Obsidian: a link names a note by path or by
// basename, case-insensitively, and when several notes share the basename
// the shortest path wins (then the first in path order). Paths that differ
// only in case ("Customers/Acme.md", "Customers/acme.md": a case-sensitive
// disk holds both) are one path to a link, which names the first of them in
// path order, whatever order they were added in. Aliases do not resolve
// links in Obsidian (they only feed its link suggestions), so they are an
// opt-in for identity questions ("is [[Qiu Ke]] the note whose alias is
// Qiu Ke?"). Backlinks are found through a reverse index keyed by the link's
// last path component, so an upsert touches only the entries of the note
// that changed.
//
//   vaultcrm::index::Vault vault;
//   vault.upsert("People/Ana Lima.md", text, mtime);
//   auto target = vault.resolve("Ana Lima", "Customers/Acme.md");
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vaultcrm/parse.h"
#include "vaultcrm/view_map.h"

namespace vaultcrm::index {

struct Unresolved {
  std::string source;  // path of the note holding the link
  std::string target;
  int line = 0;
  int column = 0;
};

class Vault {
 public:
  Vault() = default;
  // The indexes hold addresses of the notes' own map nodes: a copy would
  // point into the original. A move takes the nodes along (std::map and
  // std::unordered_map move without relocating them).
  Vault(const Vault&) = delete;
  Vault& operator=(const Vault&) = delete;
  Vault(Vault&&) = default;
  Vault& operator=(Vault&&) = default;

  const parse::Note& upsert(std::string_view path, std::string_view text, double mtime);
  bool remove(std::string_view path);
  // Moves a note; links written against the old name stay as written (the
  // host rewrites files, as Obsidian does) but resolve by the new name.
  bool rename(std::string_view from, std::string_view to);

  // Warm start (vaultcrm/snapshot.h): puts back a note parsed in an earlier
  // session without its text, which stays on disk until the host attaches it.
  // `text_hash` is the hash_text() of the bytes it was parsed from.
  const parse::Note& restore(parse::Note note, uint64_t text_hash);
  // Gives a restored note its text back, if `text` is the bytes it was parsed
  // from (same hash); returns false and changes nothing otherwise.
  bool attach_text(std::string_view path, std::string_view text);
  // Restored notes still without their text, in path order. Merges and the
  // paragraph scan of dedup read texts, so hosts attach these first.
  std::vector<std::string> without_text() const;

  // Forgets every note (a new generation: caches keyed on it are dropped).
  void clear();

  const parse::Note* find(std::string_view path) const;
  // The exact bytes last upserted for a note (merge plans edit them), and
  // their hash (a plan records it to refuse stale edits).
  std::optional<std::string_view> text(std::string_view path) const;
  uint64_t text_hash(std::string_view path) const;
  size_t size() const { return notes_.size(); }
  const std::map<std::string, parse::Note, std::less<>>& notes() const { return notes_; }

  // The note a link target names, seen from `source_path`; nullopt if none.
  // Obsidian resolves by path and file name only; `use_aliases` also accepts
  // a frontmatter alias (for recognising people, not for link resolution)
  // that exactly one note bears; an alias several notes share names none.
  std::optional<std::string> resolve(std::string_view target, std::string_view source_path,
                                     bool use_aliases = false) const;
  // resolve() as the path stored in the vault (nullptr: no note): no copy,
  // valid until the vault changes. `same_from_any_folder`, when given, is
  // set to whether the answer would be the same from a note in any other
  // folder: it differs only for a relative path ("./x", "../x") or when
  // several notes bear the target's name (the nearest wins), so a caller
  // resolving many notes' links can keep one answer per target.
  const std::string* resolve_stored(std::string_view target, std::string_view source_path,
                                    bool use_aliases = false, bool* same_from_any_folder = nullptr) const;
  // Notes that link to `path` (each once, sorted). A note that links to
  // itself is one of its own backlinks only with `include_self`, as in
  // Dataview's `FROM [[X]]` and `file.inlinks` (Obsidian's resolved links
  // include self-links); the account panel and mention counts leave it out.
  std::vector<std::string> backlinks(std::string_view path, bool include_self = false) const;
  // The same notes themselves, in path order.
  std::vector<const parse::Note*> backlink_notes(std::string_view path, bool include_self = false) const;
  // Whether `src` holds a link that resolves to `note` (as backlink_notes
  // counts one: a [[#Heading]] links the note holding it).
  bool links_to(const parse::Note& src, const parse::Note& note) const;
  std::vector<Unresolved> unresolved() const;
  // The notes holding a link whose last component is `name`
  // (case-insensitively, as link_key), whether or not it resolves, in path order: where
  // a note of that name comes or goes, only their links can resolve anew.
  std::vector<const parse::Note*> notes_linking_name(std::string_view name) const;
  // The notes whose file name is `name` (case-insensitively, as link_key; case
  // twins and namesakes in other folders), in path order.
  std::vector<const parse::Note*> notes_named(std::string_view name) const;

  // Notes carrying `tag` (without '#', case-insensitive), and with
  // `with_subtags` also those carrying tag/... (Obsidian and Dataview count
  // #a/b as #a). Sorted paths.
  std::vector<std::string> notes_with_tag(std::string_view tag, bool with_subtags = true) const;
  // The same notes themselves, in path order (no path copies, no lookups).
  std::vector<const parse::Note*> tagged_notes(std::string_view tag, bool with_subtags = true) const;
  // Notes in `folder` and its subfolders ("" = the whole vault), in path order.
  std::vector<const parse::Note*> notes_in_folder(std::string_view folder) const;
  // Bumped by every upsert, remove and rename: lets layers cache derived data.
  uint64_t generation() const { return generation_; }

  // One note changed, as caches keyed on generation() need to know it to
  // refresh only what that note contributed. A rename is a Removed of the
  // old path (and of the note it replaced, if any) and an Added of the new.
  struct Change {
    enum class Kind : uint8_t {
      Edited,   // an existing path parsed again (upsert, restore): same note address, new contents
      Added,    // a path that was not in the vault (upsert, restore, rename's target)
      Removed,  // a path gone (remove, rename's source, the note a rename replaced)
    };
    uint64_t generation = 0;  // generation() right after this change
    Kind kind = Kind::Edited;
    std::string path;
    // The note's address while it was in the vault: an identity for caches
    // keyed on note pointers, never to be dereferenced (a Removed note is
    // freed, and a later Added note may get the same address).
    const void* note = nullptr;
    // Edited by upsert, within the last kEditsKept changes: the note as it
    // was before, so that a kept answer can compare what it took from the
    // note then and now (query::Reads). Null otherwise.
    std::shared_ptr<const parse::Note> before;
  };
  // Appends the changes made after generation `since` (a value generation()
  // returned), oldest first, to `out`. False, with `out` unchanged, when they
  // are no longer all known: more than kChangeLog changes since, or clear().
  bool changes_since(uint64_t since, std::vector<Change>& out) const;
  static constexpr size_t kChangeLog = 256;
  static constexpr size_t kEditsKept = 32;

  // The same changes by path and by note, as the caches that patch
  // themselves (queries' values, entity tables) read them: which paths
  // went, which came, which were only parsed again. Each list is sorted and
  // holds each entry once; the views point into `log`, so a ChangeSet moves
  // but is not copied.
  struct ChangeSet {
    std::vector<Change> log;                 // as changes_since() lists them
    std::vector<std::string_view> paths;     // every path changed
    std::vector<std::string_view> removed;   // went at some point: removed, a rename's source, a note a rename replaced
    std::vector<std::string_view> added;     // came at some point (added, a rename's target) and are there now
    std::vector<std::string_view> edited;    // there throughout, only parsed again
    std::vector<const void*> notes;          // every note address in the log (never to dereference)
    std::vector<const void*> removed_notes;  // the addresses of the notes that went

    ChangeSet() = default;
    ChangeSet(ChangeSet&&) = default;
    ChangeSet& operator=(ChangeSet&&) = default;
    ChangeSet(const ChangeSet&) = delete;
    ChangeSet& operator=(const ChangeSet&) = delete;
  };
  // changes_since() into `out`, classified; false as changes_since() is.
  bool changes_since(uint64_t since, ChangeSet& out) const;

  parse::Limits limits;

 private:
  // links_to() with `key`, the folded name of `note`, and `name`, a buffer reused per link.
  bool links_to(const parse::Note& src, const parse::Note& note, const std::string& key, std::string& name) const;
  void add_keys(const parse::Note& note);
  void drop_keys(const parse::Note& note);
  // The keys add_keys files a note under in by_alias_, linkers_ and by_tag_,
  // each list unique. An edit keeps the note's path, name and address, so
  // move_keys moves it only between the sets whose keys changed: dropping
  // and adding it again erased it from, and appended it back to, every set
  // it is in, some thousands of notes long (a common tag, a company everyone
  // links), for each edit.
  // A list is ordered by (hash, text), not by text, and its keys are views
  // into one buffer: a 1 MB note has tens of thousands of link keys, and
  // sorting them as strings by text was a third of its re-upsert; by hash,
  // nearly every comparison is one integer compare, and nothing moves but
  // 16-byte entries.
  class KeyList {
   public:
    void add(std::string_view key);
    void add_folded(const std::vector<std::string>& names);  // aliases: case-folded
    void add_lowered(const std::vector<std::string>& tags);  // tags: ASCII-lowered, with their parents
    void finish();  // sorts, and drops repeats
    size_t size() const { return entries_.size(); }
    // The index of `key` in a finished list, or size() when it is not there.
    size_t find(std::string_view key) const;
    // Ordered as the list is: hash, then text.
    int compare(size_t i, const KeyList& other, size_t j) const;
    std::string_view operator[](size_t i) const {
      return {bytes_.data() + entries_[i].offset, entries_[i].size};
    }

   private:
    struct Entry {
      size_t hash;
      uint32_t offset, size;
    };
    // The list order: hash, then text; <0, 0 or >0.
    static int order(const KeyList& la, const Entry& a, const KeyList& lb, const Entry& b);
    std::string bytes_;
    std::vector<Entry> entries_;
  };
  struct KeyLists {
    KeyList aliases, links, tags;
  };
  static KeyLists key_lists(const parse::Note& note);
  // The keys an edit from `before` to `after` (one path) may take the note
  // out of (`gone`) and into (`come`), for move_keys. The cost follows the
  // edit, not the note: most edits (a word typed in a paragraph) keep every
  // alias, tag and link name as written, and a 1 MB note has tens of
  // thousands of links, whose folding, hashing and sorting was most of its
  // re-upsert. Aliases and tags, a few per note, are listed whole when they
  // changed. Links are compared as written: past the longest common start
  // and end of the two link lists only the links in between are folded, and
  // a dropped link's key is gone only when no kept or new link has it.
  static void edit_keys(const parse::Note& before, const parse::Note& after, KeyLists& gone, KeyLists& come);
  // Out of the sets of keys only `before` has, into those only `after` has.
  void move_keys(const parse::Note& note, const KeyLists& before, const KeyLists& after);
  void log_change(Change::Kind kind, const std::string& path, const parse::Note* note,
                  std::shared_ptr<const parse::Note> before = nullptr);

  std::map<std::string, parse::Note, std::less<>> notes_;
  // The same notes by exact path, keyed by views of notes_' own keys: find()
  // is the lookup of every panel, entity name and meeting date, and in wasm
  // a search of the map compared long shared folder prefixes byte by byte
  // at each of its ~14 levels (40% of a panel refresh at 10k notes).
  ViewMap<const parse::Note*> by_exact_path_;
  // path -> the text last upserted: the first `size` bytes of the parsed
  // note's own block (parse::Note::source, which goes on with the link
  // texts), not a second copy, or an attached text
  struct HeldText {
    std::shared_ptr<const std::string> bytes;
    size_t size = 0;
  };
  std::unordered_map<std::string, HeldText> texts_;
  // restored notes whose text is not attached yet -> hash of that text
  std::unordered_map<std::string, uint64_t> detached_;
  // text_hash() of held texts, filled on first use (a snapshot save hashes
  // every note; after an edit only the edited note is hashed again)
  mutable std::unordered_map<std::string, uint64_t> hashes_;
  // The indexes below hold the address of each note (a std::map node does
  // not move, and add_keys/drop_keys bracket every change of a note), not a
  // copy of its path: one string per link, tag and name per note was a tenth
  // of an index build and about 2 KB of heap per note. Sets order by path.
  using NoteRef = const parse::Note*;
  struct PathLess {
    bool operator()(NoteRef a, NoteRef b) const { return a->path < b->path; }
  };
  // Notes in path order, each path once: a sorted array. As a std::set it
  // was a heap node per (key, note) pair, about 30 per note (one per link
  // name), which a warm start allocated, and a fresh wasm heap faulted in,
  // for every note. A load in path order appends. Notes that come out of
  // order (a host listing files in no particular order) wait at the end,
  // unsorted, until the set is next read or erased from: inserting each in
  // place moved half the array per note, quadratic in the set's size over
  // a cold load. Like hashes_, that first read writes: a vault is read by
  // one thread at a time.
  class PathSet {
   public:
    using value_type = NoteRef;
    using const_iterator = std::vector<NoteRef>::const_iterator;
    const_iterator begin() const {
      settle();
      return notes_.begin();
    }
    const_iterator end() const {
      settle();
      return notes_.end();
    }
    bool empty() const { return notes_.empty(); }
    size_t size() const {
      settle();
      return notes_.size();
    }
    // Like std::set::insert: nothing when a note of that path is there.
    void insert(NoteRef note) {
      if (!notes_.empty() && notes_.back() == note) return;  // a note's links to one name come in a row
      const bool in_order = sorted_ == notes_.size() && (notes_.empty() || PathLess()(notes_.back(), note));
      notes_.push_back(note);
      if (in_order) sorted_ = notes_.size();
    }
    // Like std::set::erase(key): the note of that path, if any.
    void erase(NoteRef note) {
      settle();
      auto at = std::lower_bound(notes_.begin(), notes_.end(), note, PathLess());
      if (at != notes_.end() && !PathLess()(note, *at)) notes_.erase(at);
      sorted_ = notes_.size();
    }

   private:
    // Sorts the waiting notes into place, once each.
    void settle() const {
      if (sorted_ == notes_.size()) return;
      const auto waiting = notes_.begin() + static_cast<std::ptrdiff_t>(sorted_);
      std::sort(waiting, notes_.end(), PathLess());
      // One note (an edit's, then a read): moved into place without the
      // buffer inplace_merge allocates.
      if (notes_.end() - waiting == 1) std::rotate(std::upper_bound(notes_.begin(), waiting, *waiting, PathLess()), waiting, notes_.end());
      else std::inplace_merge(notes_.begin(), waiting, notes_.end(), PathLess());
      // A path is one note: the same path twice is the same pointer, side by side now.
      notes_.erase(std::unique(notes_.begin(), notes_.end()), notes_.end());
      sorted_ = notes_.size();
    }

    mutable std::vector<NoteRef> notes_;
    mutable size_t sorted_ = 0;  // notes_[0, sorted_) in path order; the rest wait
  };
  // lower-case path without ".md" -> the note; of case twins (paths equal
  // but for ASCII case, or for the case of ".md"), the first in path order
  std::unordered_map<std::string, NoteRef> by_path_;
  // lower-case basename -> paths
  std::unordered_map<std::string, PathSet> by_name_;
  // lower-case alias -> paths
  std::unordered_map<std::string, PathSet> by_alias_;
  // lower-case last component of a link target -> notes holding such links
  std::unordered_map<std::string, PathSet> linkers_;
  // lower-case tag -> the notes carrying it or a tag under it: a note tagged
  // #a/b/c is filed under "a/b/c", "a/b" and "a" (see for_each_tag_key), so
  // `FROM #a` reads one set. Merging the sets of #a and each subtag at query
  // time compared paths across the vault: two thirds of a `FROM #priority`
  // page at 100k notes, where #priority/high and #priority/low hold 45k.
  std::unordered_map<std::string, PathSet> by_tag_;
  uint64_t generation_ = 0;
  // The last kChangeLog changes; every change after generation log_floor_ is in it.
  std::deque<Change> log_;
  uint64_t log_floor_ = 0;
};

// FNV-1a, 64-bit: a cheap, stable content hash (not cryptographic).
uint64_t hash_text(std::string_view text);

// The note name a link target names: its last path component, ".md"
// stripped, case kept ("People/Ana Lima.md" -> "Ana Lima").
std::string link_name(std::string_view target);
// link_name() as a view into `target` (no copy).
std::string_view link_name_view(std::string_view target);
// False only when two note names are ASCII and differ in more than ASCII
// case: then no case folding makes them one, and a link of the one name
// cannot resolve to a note of the other (names with other bytes may).
bool may_be_same_name(std::string_view a, std::string_view b);

// A folder as Vault::notes_in_folder reads one: no slashes around it
// ("/Customers/" -> "Customers"; "" or "/" is the whole vault).
std::string_view trim_folder(std::string_view folder);

// Lower-case as JavaScript's toLowerCase() (Obsidian compares link paths so;
// not normalized; text that is not UTF-8 is lowered for ASCII only), ".md"
// stripped.
std::string link_key(std::string_view target);

}  // namespace vaultcrm::index
