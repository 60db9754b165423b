// vaultcrm/graph.h - the account graph: typed entities and the relations
// the notes state, each with the note and line it came from.
//
// Every note contributes "facts" computed from that note alone (who is a
// contact of this account, who attended this meeting, ...), whose endpoints
// are references as written ([[Ana Lima]], "Juergen", a company cell). Facts
// are resolved to entity ids against the vault: a reference that names a
// note is that note's entity ("note:People/Ana Lima.md"); one that names no
// note is an entity of its own ("person:ana lima"), so people who are only
// mentioned still exist. When a note changes, only its own facts are
// recomputed, plus the resolution of notes that refer to its old or new name
// — the cost follows the edit, not the vault.
//
//   graph::Graph g;  g.rebuild(vault);
//   vault.upsert(path, text, mtime);  g.on_upsert(vault, path);
//   for (const auto& r : g.relations_of("note:Customers/Acme.md")) ...
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

#include "vaultcrm/index.h"
#include "vaultcrm/schema.h"
#include "vaultcrm/view_map.h"

namespace vaultcrm::graph {

enum class Kind { Account, Person, Company, Project, Meeting, Topic, Note };
const char* kind_name(Kind kind);

enum class Rel { ContactOf, WorksAt, Attended, About, RelatedProject, Owner, Mentions, Timeline, HasTopic };
const char* rel_name(Rel rel);

// A reference as written in a note. Its texts are views: into the note's
// bytes, or into the graph's copy of what the note does not hold as written
// (see Graph::NoteState).
struct Ref {
  std::string_view target;  // link target when written as a link, else ""
  std::string_view name;    // surface form: display text, or the plain text; a body
                            // link's mention leaves it empty (see surface())
  // The surface form: `name`, else the name of the link target.
  std::string_view surface() const;
  friend bool operator==(const Ref& a, const Ref& b) { return a.target == b.target && a.name == b.name; }
};

// One relation as a note states it. An endpoint is either the note itself
// (`*_self`) or a reference of the given kind.
struct Fact {
  Rel rel = Rel::Mentions;
  Kind from_kind = Kind::Note, to_kind = Kind::Note;
  bool from_self = false, to_self = false;
  Ref from, to;
  std::string_view role;   // works_at / contact_of: the role stated here
  std::string_view date;   // timeline: the item's date
  std::string_view text;   // timeline: the item's text
  std::vector<Ref> links;  // timeline: links in the item
  int line = 0;
  // Every field: Graph::on_upsert keeps a note's relations when its facts
  // compare equal, so a field left out here would go stale.
  friend bool operator==(const Fact& a, const Fact& b) {
    return a.rel == b.rel && a.from_kind == b.from_kind && a.to_kind == b.to_kind && a.from_self == b.from_self &&
           a.to_self == b.to_self && a.line == b.line && a.from == b.from && a.to == b.to && a.role == b.role &&
           a.date == b.date && a.text == b.text && a.links == b.links;
  }
};

// A fact resolved to entity ids, with its provenance. Every field is a view
// into the graph: the ids into its table of ids (one copy of each id however
// many relations name it), the text into its own copy of the stating note's
// facts and path. The graph keeps relations in a compact form and builds
// these when they are read: a Relation is valid until the graph changes.
struct Relation {
  Rel rel = Rel::Mentions;
  std::string_view from, to;  // entity ids ("" for a timeline item's target)
  std::string_view from_name, to_name;  // the surface forms as written ("" for the note itself)
  std::string_view role, date, text;
  std::vector<std::string_view> links;  // timeline: entity ids of the links ("" when unresolved)
  std::string_view path;                // the note that states it
  int line = 0;
  friend bool operator<(const Relation& a, const Relation& b);
  friend bool operator==(const Relation& a, const Relation& b);
};

struct Entity {
  std::string id;
  Kind kind = Kind::Person;
  std::string name;                  // note title, or the first surface form seen
  std::string note;                  // its note's path, "" if it has none
  std::set<std::string> surface_forms;
  friend bool operator==(const Entity& a, const Entity& b) {
    return a.id == b.id && a.kind == b.kind && a.name == b.name && a.note == b.note &&
           a.surface_forms == b.surface_forms;
  }
};

// The whole graph, materialised (for tests and whole-graph queries); its
// relations view the graph's text, so it lives no longer than the graph's
// next change.
struct Snapshot {
  std::map<std::string, Entity> entities;
  std::vector<Relation> relations;  // sorted
  friend bool operator==(const Snapshot& a, const Snapshot& b) {
    return a.entities == b.entities && a.relations == b.relations;
  }
};

// Case-folded, whitespace-collapsed name (utf8proc: NFC + case folding).
std::string fold_name(std::string_view name);

class Graph {
 public:
  explicit Graph(schema::Schema schema = {}) : schema_(std::move(schema)) {}
  // Its indexes hold addresses of its own map nodes and interned strings: a
  // copy would point into the original. A move takes the nodes and strings
  // along (std::map, std::deque and std::unordered_map move without
  // relocating their elements), so the addresses stay right.
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  Graph(Graph&&) = default;
  Graph& operator=(Graph&&) = default;
  const schema::Schema& schema() const { return schema_; }
  void set_schema(const index::Vault& vault, schema::Schema schema);

  void rebuild(const index::Vault& vault);
  // Call after the vault changed: upsert of `path`, removal, or rename.
  void on_upsert(const index::Vault& vault, std::string_view path);
  void on_remove(const index::Vault& vault, std::string_view path);
  void on_rename(const index::Vault& vault, std::string_view from, std::string_view to);

  // The kind of a note (from its type, tags and folder), if typed.
  std::optional<Kind> kind_of(std::string_view path) const;
  // The notes whose references were resolved again by the updates made
  // after the vault's generation `since` (a Vault::generation() value),
  // because a note they name came, went, or changed its name, aliases or
  // kind: their paths are appended to `out` (in no order; one may come more
  // than once, or be gone by now). The note an update was for is not among
  // them. False, `out` unchanged, when they are not all known: the graph was
  // rebuilt since, or more than kReresolvedLog were resolved again.
  bool reresolved_since(uint64_t since, std::vector<std::string>& out) const;
  static constexpr size_t kReresolvedLog = 4096;

  // For caches of what was read from the graph (an account panel): a
  // stamp, taken before reading, and whether the relations of any of the
  // entities read may differ from what they were at that stamp. True also
  // when the graph cannot tell: it was rebuilt (a new schema, a bulk load)
  // or built anew since, a note came, went or changed its name, aliases or
  // kind (which may change what any reference resolves to), or more than
  // kTouchedLog entity lists changed since. Stamps come from one counter
  // for every graph in the process, so a stamp of one graph is old news to
  // any graph made after it.
  uint64_t stamp() const { return stamp_; }
  // `relevant(id)` is asked about each entity whose relation list changed
  // after `since` (an id may come more than once).
  template <class Relevant>
  bool may_have_changed(uint64_t since, Relevant&& relevant) const;
  static constexpr size_t kTouchedLog = 4096;
  // Every relation touching an entity, from the notes that state one, in
  // path then statement order. Their views are valid until the next update.
  std::vector<Relation> relations_of(std::string_view entity_id) const;
  // The same relations one at a time, as `visit(const Relation&)`, until it
  // returns true; whether one did. Builds no list: a panel walks every
  // relation of each contact, thousands for a busy one.
  template <class Visit>
  bool visit_relations(std::string_view entity_id, Visit&& visit) const;
  // The relations a note states (resolved): its facts, then its mentions in
  // link order (empty if none).
  std::vector<Relation> relations_in(std::string_view path) const;
  // An entity's display name alone (cheaper than entity()).
  std::string entity_name(const index::Vault& vault, std::string_view entity_id) const;
  // An entity's display name and note; nullopt when no relation or note has it.
  std::optional<Entity> entity(const index::Vault& vault, std::string_view entity_id) const;
  // Resolves a reference as the graph would.
  std::string resolve(const index::Vault& vault, const Ref& ref, Kind expected, std::string_view source) const;

  Snapshot snapshot(const index::Vault& vault) const;

  // The date of a meeting note (frontmatter date, else a leading ISO date in its name).
  std::string meeting_date(const index::Vault& vault, std::string_view path) const;

  // fold_name() with a memo: the same few thousand names are folded again
  // for every reference to them (a third of a rebuild without it), and the
  // panel folds the same timeline lines at every refresh. The reference is
  // valid until the next call (the memo is bounded and may be cleared).
  const std::string& folded(std::string_view name) const;

 private:
  // One stored copy of each string the graph hands out views of (entity
  // ids, folded reference keys), at an address that never moves (a deque
  // does not relocate its elements), so equal strings are one pointer and the
  // indexes below hash pointers. A rebuild of 10k notes used to build,
  // hash and free an id string per relation end. Entries live until the next
  // rebuild (an edit may add a few; none is removed).
  class Interner {
   public:
    const std::string* intern(std::string_view s);
    const std::string* find(std::string_view s) const;
    void clear();

   private:
    std::deque<std::string> store_;
    ViewMap<const std::string*> index_;  // views of store_
  };
  using Key = const std::string*;  // an interned string

  // A body link, the one fact every note has many of (vault-10k: 155k
  // links against a few thousand other facts). Held apart from `facts` in
  // this compact form because a Fact, with its seven strings and a vector,
  // is ~7x the size: as Facts they were a fifth of the graph's heap, all of
  // it memory a fresh wasm module has to fault in.
  // Its target is the graph's own interned copy (see Target). A view into
  // the vault's note would dangle: a rename onto an existing path frees that
  // note before the graph has dropped its state, and on_rename's
  // re-resolution reads states first (ASan caught it in
  // QueryCacheFollowsChanges.RandomChangesAnswerAsAFreshEngine).
  struct Target;
  struct Resolved {
    Key from = nullptr, to = nullptr;  // entity ids (nullptr: none, "" in the Relation)
    uint32_t source = 0;    // a fact's index, else facts.size() + a mention's index
    uint32_t links_at = 0;  // a fact's links' ids: link_ids[links_at, + its links' count)
  };
  struct Mention {
    const Target* target;  // the link target as written
    int line = 0;
  };
  struct NoteState {
    std::optional<Kind> kind;
    std::vector<Fact> facts;        // every fact but the body links' mentions
    // What the facts' views point at. Most texts of a fact (link targets,
    // list item texts, dates) are bytes of the note, whose block the state
    // shares: the vault drops the note it replaces before on_upsert compares
    // the old facts with the new. The rest (frontmatter strings, table cells,
    // numbers written out) is copied into `fact_bytes`, one block per note.
    // As std::strings the facts were a third of the graph's heap.
    std::shared_ptr<const std::string> note_bytes;
    std::unique_ptr<char[]> fact_bytes;
    std::vector<Mention> mentions;  // resolved after `facts`, in link order
    std::vector<Key> ref_keys;       // folded keys of every reference, unique (by address)
    std::vector<Key> identity_keys;  // folded name + aliases of the note itself, unique (by address)
    // The aliases as written: the vault finds aliases by their ASCII-lowered
    // text, not their folded key, so "JÜRGEN" -> "jürgen" changes what a
    // link finds though the key is the same.
    size_t aliases_hash = 0;
    // The facts then mentions that resolve, in that order, as ids: a
    // Relation is built from one and the fact or mention it came from when
    // it is read. As Relations (~170 bytes, against 24) they were the
    // largest part of the graph's heap: a vault states ~17 a note.
    std::vector<Resolved> resolved;
    std::vector<Key> link_ids;  // timeline facts' links, resolved (nullptr: none)
  };
  // Paths in the indexes below point at the keys of `notes_` (std::map keys
  // do not move), so indexing a note copies no path: a rebuild used to spend
  // a seventh of its time copying paths into these sets.
  using PathRef = const std::string*;
  using NoteEntry = std::pair<const std::string, NoteState>;  // an element of notes_
  // A use names the note by its element of notes_ (std::map elements do not
  // move), so reading the relation costs no lookup of the path: the panel
  // walks every relation of each contact, and the map lookup per use was
  // most of that walk.
  struct EntityUse {
    const NoteEntry* note;
    uint32_t index;  // into that note's `resolved`
  };
  // Sets every field of `out` (its links' storage is reused).
  void relation(const NoteEntry& note, const Resolved& r, Relation& out) const;
  // Calls `end(id)` for each end of `r` that names an entity: from, to and
  // its links' ids, in that order.
  template <class End>
  static void for_each_end(const NoteState& st, const Resolved& r, End&& end);

  NoteState compute(const index::Vault& vault, const parse::Note& note) const;
  // Points the facts' texts at the note's bytes where they are those, and
  // copies the rest into the state's own block (see NoteState).
  static void keep_fact_texts(const parse::Note& note, NoteState& st);
  // True when two states computed from versions of one note state the same
  // facts, mentions and identity (`resolved` aside): the resolution of the
  // older one holds for the newer.
  static bool same_statements(const NoteState& a, const NoteState& b);
  void resolve_note(const index::Vault& vault, const std::string& path, NoteState& state);
  void name_people_in_context(const index::Vault& vault, const NoteState& state, Key self,
                              std::vector<Resolved>& resolved) const;
  // `in_order`: every note indexed before this one comes before it in path
  // order (a rebuild), so its entries are appended without a comparison.
  void index_note(const NoteEntry& note, bool add, bool in_order = false);
  void reresolve_keys(const index::Vault& vault, const std::vector<Key>& keys, std::string_view skip);

  Key fold_key(std::string_view name) const;  // folded(), interned
  // The folded keys a reference is filed under in by_key_ (its name, and
  // for plain text written as a path also the path's last component).
  void add_ref_keys(const Ref& ref, std::vector<Key>& keys) const;
  // The same for a link target: its note name, and for a target with a
  // folder also its whole text (an alias may hold a slash).
  void add_link_keys(std::string_view target, std::vector<Key>& keys) const;
  // The same with the target's note name (index::link_name_view(target)) known.
  void add_link_keys(std::string_view target, std::string_view name, std::vector<Key>& keys) const;
  Key note_id(std::string_view path) const;  // "note:" + path, interned
  // resolve() as an interned id, nullptr for "" (names nothing).
  Key resolve_id(const index::Vault& vault, const Ref& ref, Kind expected, std::string_view source) const;
  // Vault::resolve as the path stored in the vault (nullptr: no note), with
  // that note's id and kind.
  struct Resolution {
    const std::string* path = nullptr;
    Key id = nullptr;
    std::optional<Kind> kind;
  };
  // A link target as written (or a plain name looked up as one), interned:
  // a vault names the same few thousand notes from ~15 links per note, so
  // what a target's text alone decides (its note name, its folded keys) is
  // worked out once per target, not per link, and lookups by target hash a
  // pointer. Lives until the next rebuild, at an address that never moves.
  struct Target {
    std::string text;
    std::string_view name;  // index::link_name_view(text)
    Key keys[2] = {nullptr, nullptr};  // add_link_keys(text), once `keyed`
    bool keyed = false;
    // The resolution memo's answer for every source folder, when the vault
    // said it is the same from any folder: valid while memo_round equals
    // the graph's memo_round_ (see resolve_path).
    mutable uint64_t memo_round = 0;
    mutable Resolution from_any_folder;
  };
  Target* intern_target(std::string_view text) const;
  const Target& keyed_target(std::string_view text) const;  // intern_target() with its keys
  // Interned folders, for the resolution memo's keys.
  Key folder_key(std::string_view source) const;

  // Memoised while rebuild() runs, and between same-identity updates (see
  // update_memo_on_): by target alone when the vault says the answer is the
  // same from every folder (most targets: one note bears the name, or none),
  // else by (source folder, target). A vault-10k rebuild resolved each
  // target once per folder linking it. `interned`, when given, is
  // intern_target(target).
  Resolution resolve_path(const index::Vault& vault, std::string_view target, std::string_view source,
                          const Target* interned = nullptr) const;
  struct MemoKey {
    const void* folder;
    const Target* target;
    bool operator==(const MemoKey& o) const { return folder == o.folder && target == o.target; }
  };
  struct MemoKeyHash {
    size_t operator()(const MemoKey& k) const {
      size_t h = reinterpret_cast<uintptr_t>(k.folder) * 0x9E3779B97F4A7C15ull ^ reinterpret_cast<uintptr_t>(k.target);
      return h ^ (h >> 29);
    }
  };
  mutable bool resolve_memo_on_ = false;
  // Between updates that change no note's name, aliases or kind (the usual
  // edit), a target looked up from the same folder finds the same note, and
  // a stored path stays the same note with the same kind (the vault keeps a
  // note's element while it exists; a new note or a removal clears these).
  // So on_upsert keeps what it looked up for the next edit: resolving an
  // account note's fifty-odd references was most of an upsert's graph work.
  mutable bool update_memo_on_ = false;
  mutable std::unordered_map<MemoKey, Resolution, MemoKeyHash> resolutions_;
  // Which round of the memo a Target's from_any_folder belongs to; each
  // forget_update_memo() starts a new round, as it clears resolutions_.
  mutable uint64_t memo_round_ = 1;
  // The folder key of the last source seen (resolve_note() resolves all of
  // a note's references from the same source).
  mutable std::string memo_source_;
  mutable Key memo_folder_ = nullptr;
  // While rebuild() runs and between same-identity updates: a stored path's
  // note id and kind, by the path's address (note_id() builds and interns
  // "note:" + path, and kind_of() hashes the path).
  struct StoredNote {
    Key id;
    std::optional<Kind> kind;
  };
  mutable std::unordered_map<const std::string*, StoredNote> stored_notes_;
  void forget_update_memo() const;
  StoredNote stored_note(const std::string* stored_path) const;

  schema::Schema schema_;
  mutable Interner ids_;   // entity ids
  mutable Interner keys_;  // folded names
  mutable Interner folders_;  // source folders (resolution memo keys)
  mutable std::deque<Target> targets_;
  mutable ViewMap<Target*> target_index_;  // views of each Target's text
  mutable std::string id_buf_;    // reused: an id being built
  // Reused by compute() and resolve_note(), which copy each note's lists
  // out of them at their final size.
  mutable std::vector<Fact> fact_scratch_;
  mutable std::vector<Key> key_scratch_;
  std::vector<Resolved> resolved_scratch_;
  // name as written -> its folded key; the names viewed are in folded_names_
  // (a lookup by view builds no string).
  mutable ViewMap<Key> folded_;
  mutable std::deque<std::string> folded_names_;
  std::map<std::string, NoteState, std::less<>> notes_;
  // The same entries by path, keyed by views of notes_' keys (see
  // index::Vault's by_exact_path_): kind_of() and relations_in() are asked
  // for every meeting, link and contact a panel shows.
  ViewMap<NoteEntry*> entries_by_path_;
  NoteEntry* entry(std::string_view path) const {
    NoteEntry* const* e = entries_by_path_.find(path);
    return e ? *e : nullptr;
  }
  std::unordered_map<Key, std::vector<PathRef>> by_key_;  // ref key -> notes, in path order
  // entity id (by its interned characters) -> (note, index of one of its
  // resolved relations) touching it, in path then index order
  std::unordered_map<const char*, std::vector<EntityUse>> by_entity_;
  // The last kReresolvedLog notes reresolve_keys() resolved again, with the
  // vault's generation then; every one after generation reresolved_floor_
  // is in it.
  struct Reresolved {
    uint64_t generation;
    std::string path;
  };
  std::deque<Reresolved> reresolved_;
  uint64_t reresolved_floor_ = 0;
  // may_have_changed(): every update takes a new stamp; the entities whose
  // relation lists an update changed are logged with it (the last
  // kTouchedLog; every one after touched_floor_ is there). A rebuild, or a
  // change of which note a reference may name, moves whole_change_: every
  // stamp before it is stale.
  static uint64_t next_stamp();
  void begin_update() { stamp_ = next_stamp(); }
  void changed_whole() { whole_change_ = stamp_; }
  struct Touched {
    uint64_t stamp;
    std::string_view entity;  // an interned id (an id may hold a NUL: a YAML "\0")
  };
  uint64_t stamp_ = next_stamp();
  uint64_t whole_change_ = stamp_;
  std::deque<Touched> touched_;
  uint64_t touched_floor_ = 0;
};

template <class Relevant>
bool Graph::may_have_changed(uint64_t since, Relevant&& relevant) const {
  if (since < whole_change_ || since < touched_floor_) return true;
  auto first = std::upper_bound(touched_.begin(), touched_.end(), since,
                                [](uint64_t s, const Touched& t) { return s < t.stamp; });
  // The entries name interned ids, which live until the next rebuild (that
  // clears the log), so their characters are still there.
  for (auto it = first; it != touched_.end(); ++it)
    if (relevant(it->entity)) return true;
  return false;
}

template <class Visit>
bool Graph::visit_relations(std::string_view entity_id, Visit&& visit) const {
  Key id = ids_.find(entity_id);
  if (!id) return false;
  auto it = by_entity_.find(id->data());
  if (it == by_entity_.end()) return false;
  Relation r;
  for (const EntityUse& use : it->second) {
    relation(*use.note, use.note->second.resolved[use.index], r);
    if (visit(static_cast<const Relation&>(r))) return true;
  }
  return false;
}

}  // namespace vaultcrm::graph
