#include "vaultcrm/graph.h"

#include <utf8proc.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <forward_list>
#include <tuple>

#include "../parse/text.h"
#include "note_view.h"

namespace vaultcrm::graph {

using parse::detail::ascii_lower;
using parse::detail::starts_with_iso_date;
using parse::detail::trim;

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::Account: return "account";
    case Kind::Person: return "person";
    case Kind::Company: return "company";
    case Kind::Project: return "project";
    case Kind::Meeting: return "meeting";
    case Kind::Topic: return "topic";
    case Kind::Note: return "note";
  }
  return "note";
}

const char* rel_name(Rel rel) {
  switch (rel) {
    case Rel::ContactOf: return "contact_of";
    case Rel::WorksAt: return "works_at";
    case Rel::Attended: return "attended";
    case Rel::About: return "about";
    case Rel::RelatedProject: return "related_project";
    case Rel::Owner: return "owner";
    case Rel::Mentions: return "mentions";
    case Rel::Timeline: return "timeline";
    case Rel::HasTopic: return "has_topic";
  }
  return "mentions";
}

bool operator<(const Relation& a, const Relation& b) {
  return std::tie(a.path, a.line, a.rel, a.from, a.to, a.from_name, a.to_name, a.role, a.date, a.text, a.links) <
         std::tie(b.path, b.line, b.rel, b.from, b.to, b.from_name, b.to_name, b.role, b.date, b.text, b.links);
}
bool operator==(const Relation& a, const Relation& b) {
  return std::tie(a.path, a.line, a.rel, a.from, a.to, a.from_name, a.to_name, a.role, a.date, a.text, a.links) ==
         std::tie(b.path, b.line, b.rel, b.from, b.to, b.from_name, b.to_name, b.role, b.date, b.text, b.links);
}

namespace {
// Runs of whitespace become one space, none at the ends; with `lower_ascii`
// A-Z become a-z on the way.
std::string collapse_spaces(std::string_view text, bool lower_ascii) {
  std::string result;
  result.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (parse::detail::is_space(c)) {
      space = true;
      continue;
    }
    if (space && !result.empty()) result.push_back(' ');
    space = false;
    result.push_back(lower_ascii && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return result;
}
}  // namespace

std::string fold_name(std::string_view name) {
  // ASCII (most names, in most vaults): NFC changes nothing and case folding
  // is A-Z -> a-z, so skip utf8proc's allocation and tables (a quarter of a
  // graph rebuild's time before this).
  bool ascii = true;
  for (char c : name) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) return collapse_spaces(name, true);
  // Otherwise word by word: only the words that hold a non-ASCII byte go
  // through utf8proc. The same result as mapping the whole text, because
  // ASCII whitespace never composes with what follows it (NFC) and case
  // folding is per character; a long timeline line with one em dash used to
  // cost ~15k instructions here. A word that is not valid UTF-8 is compared
  // by its bytes, A-Z lowered.
  std::string result;
  result.reserve(name.size());
  size_t i = 0;
  while (i < name.size()) {
    while (i < name.size() && parse::detail::is_space(name[i])) ++i;
    size_t start = i;
    bool word_ascii = true;
    while (i < name.size() && !parse::detail::is_space(name[i])) word_ascii &= static_cast<unsigned char>(name[i++]) < 0x80;
    if (i == start) break;
    if (!result.empty()) result.push_back(' ');
    std::string_view word = name.substr(start, i - start);
    if (word_ascii) {
      for (char c : word) result.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      continue;
    }
    // What utf8proc_map does, into a reused buffer: it sizes the result with
    // a first decomposition and allocates it, per word.
    thread_local std::vector<utf8proc_int32_t> buf(64);
    auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    auto decompose = [&] {
      // reencode() needs one byte more than the code points it is given.
      return utf8proc_decompose(reinterpret_cast<const utf8proc_uint8_t*>(word.data()),
                                static_cast<utf8proc_ssize_t>(word.size()), buf.data(),
                                static_cast<utf8proc_ssize_t>(buf.size() - 1), options);
    };
    utf8proc_ssize_t n = decompose();
    if (n >= static_cast<utf8proc_ssize_t>(buf.size())) {
      buf.resize(static_cast<size_t>(n) + 1);
      n = decompose();
    }
    if (n >= 0) n = utf8proc_reencode(buf.data(), n, options);
    if (n >= 0) result.append(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(n));
    else result += ascii_lower(word);
  }
  return result;
}

std::string_view Ref::surface() const {
  return name.empty() && !target.empty() ? index::link_name_view(target) : std::string_view(name);
}

const std::string* Graph::Interner::intern(std::string_view s) {
  const uint64_t h = hash_bytes(s);
  if (const std::string** found = index_.find(s, h)) return *found;
  const std::string* stored = &store_.emplace_back(s);
  return index_.insert(*stored, h, stored);
}

const std::string* Graph::Interner::find(std::string_view s) const {
  const std::string* const* found = index_.find(s);
  return found ? *found : nullptr;
}

void Graph::Interner::clear() {
  index_.clear();
  store_.clear();
}

Graph::Key Graph::fold_key(std::string_view name) const {
  // Bounded: names of notes removed long ago should not pile up forever.
  if (folded_.size() > 100000 + 8 * notes_.size()) {
    folded_.clear();
    folded_names_.clear();
  }
  const uint64_t h = hash_bytes(name);
  if (Key* found = folded_.find(name, h)) return *found;
  return folded_.insert(folded_names_.emplace_back(name), h, keys_.intern(fold_name(name)));
}

const std::string& Graph::folded(std::string_view name) const { return *fold_key(name); }

Graph::Target* Graph::intern_target(std::string_view text) const {
  const uint64_t h = hash_bytes(text);
  if (Target** found = target_index_.find(text, h)) return *found;
  Target* t = &targets_.emplace_back();
  t->text.assign(text);
  t->name = index::link_name_view(t->text);  // a deque element never moves
  return target_index_.insert(t->text, h, t);
}

const Graph::Target& Graph::keyed_target(std::string_view text) const {
  Target* t = intern_target(text);
  if (!t->keyed) {
    std::vector<Key> keys;
    add_link_keys(t->text, t->name, keys);
    for (size_t i = 0; i < keys.size() && i < 2; ++i) t->keys[i] = keys[i];
    t->keyed = true;
  }
  return *t;
}

Graph::Key Graph::folder_key(std::string_view source) const {
  if (memo_folder_ && source == memo_source_) return memo_folder_;
  // Only the source's folder matters to Vault::resolve (for a non-empty target).
  size_t slash = source.rfind('/');
  memo_folder_ = folders_.intern(slash == std::string_view::npos ? std::string_view() : source.substr(0, slash));
  memo_source_.assign(source);
  return memo_folder_;
}

void Graph::add_link_keys(std::string_view target, std::vector<Key>& keys) const {
  add_link_keys(target, index::link_name_view(target), keys);
}

void Graph::add_link_keys(std::string_view target, std::string_view name, std::vector<Key>& keys) const {
  keys.push_back(fold_key(name));
  // References resolve through aliases too, and the vault looks an alias up
  // by the whole target (no leading '/', no ".md"): [[Sales/Ops]] names the
  // note whose alias is "Sales/Ops". That note re-resolves its alias's key,
  // so a target with a folder is also filed under its whole text.
  if (name.size() == target.size()) return;
  std::string_view whole = target;
  while (!whole.empty() && whole.front() == '/') whole.remove_prefix(1);
  size_t slash = whole.rfind('/');
  whole.remove_suffix(whole.size() - (slash == std::string_view::npos ? 0 : slash + 1) - name.size());  // ".md"
  if (whole.size() != name.size()) keys.push_back(fold_key(whole));
}

void Graph::add_ref_keys(const Ref& ref, std::vector<Key>& keys) const {
  if (!ref.target.empty()) {
    for (Key k : keyed_target(ref.target).keys)
      if (k) keys.push_back(k);
    return;
  }
  keys.push_back(fold_key(ref.name));
  // Plain text written as a path ("People/Bo Ek") resolves to that note as a
  // link would (resolve_id), so it must also be found under the note's name,
  // the key a note coming, going or renamed re-resolves.
  std::string_view last = index::link_name_view(ref.name);
  if (last.size() != ref.name.size()) keys.push_back(fold_key(last));
}

Graph::Key Graph::note_id(std::string_view path) const {
  id_buf_.assign("note:");
  id_buf_.append(path);
  return ids_.intern(id_buf_);
}

// ---------------------------------------------------------------------------
// Typing and facts

std::optional<Kind> Graph::kind_of(std::string_view path) const {
  const NoteEntry* e = entry(path);
  return e ? e->second.kind : std::nullopt;
}

namespace {

std::optional<Kind> type_from(const schema::Schema& s, std::string_view value) {
  if (schema::matches(s.account_types, value)) return Kind::Account;
  if (schema::matches(s.person_types, value)) return Kind::Person;
  if (schema::matches(s.company_types, value)) return Kind::Company;
  if (schema::matches(s.project_types, value)) return Kind::Project;
  if (schema::matches(s.meeting_types, value)) return Kind::Meeting;
  return std::nullopt;
}

std::optional<Kind> classify(const schema::Schema& s, const parse::Note& note) {
  if (const Value* t = detail::find_key(note.frontmatter, s.type_keys)) {
    if (auto k = type_from(s, detail::scalar_text(*t))) return k;
    if (t->is_array())
      for (const auto& item : t->as_array())
        if (auto k = type_from(s, detail::scalar_text(item))) return k;
  }
  for (const auto& tag : note.tags) {
    std::string lower = ascii_lower(tag);
    if (lower.rfind("type/", 0) == 0)
      if (auto k = type_from(s, lower.substr(5))) return k;
  }
  // Folders: any component of the note's folder.
  std::string_view folder = note.folder;
  while (!folder.empty()) {
    size_t slash = folder.find('/');
    std::string_view part = folder.substr(0, slash);
    if (schema::matches(s.account_folders, part)) return Kind::Account;
    if (schema::matches(s.person_folders, part)) return Kind::Person;
    if (schema::matches(s.company_folders, part)) return Kind::Company;
    if (schema::matches(s.project_folders, part)) return Kind::Project;
    if (schema::matches(s.meeting_folders, part)) return Kind::Meeting;
    if (slash == std::string_view::npos) break;
    folder.remove_prefix(slash + 1);
  }
  return std::nullopt;
}

Fact self_to(Rel rel, Kind to_kind, Ref to, int line) {
  Fact f;
  f.rel = rel;
  f.from_self = true;
  f.to_kind = to_kind;
  f.to = std::move(to);
  f.line = line;
  return f;
}

Fact to_self(Rel rel, Kind from_kind, Ref from, int line) {
  Fact f;
  f.rel = rel;
  f.to_self = true;
  f.from_kind = from_kind;
  f.from = std::move(from);
  f.line = line;
  return f;
}

// The line of a frontmatter key's value (for provenance): the first
// frontmatter link under that key, else the frontmatter's first line.
int key_line(const parse::Note& note, std::string_view key) {
  auto same = [](std::string_view a, std::string_view b) {  // ascii_lower(a) == ascii_lower(b)
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
      char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
      if (x != y) return false;
    }
    return true;
  };
  for (const auto& l : note.links)
    if (!l.frontmatter_key.empty() && same(l.frontmatter_key, key)) return l.line;
  return note.has_frontmatter ? note.frontmatter_first : 1;
}

const std::string* matched_key(const Value& fm, const schema::Names& keys) {
  if (!fm.is_object()) return nullptr;
  for (const auto& [k, v] : fm.as_object())
    if (schema::matches(keys, k)) return &k;
  return nullptr;
}

}  // namespace

// A scratch list sized for one big note (an account of a 1 MB note reserves
// a fact per link) is not kept for the rest of the session.
template <class T>
static void release_if_large(std::vector<T>& scratch) {
  constexpr size_t kKeepBytes = 64 * 1024;
  if (scratch.capacity() * sizeof(T) > kKeepBytes) std::vector<T>().swap(scratch);
}

Graph::NoteState Graph::compute(const index::Vault& vault, const parse::Note& note) const {
  (void)vault;
  const schema::Schema& s = schema_;
  NoteState st;
  st.kind = classify(s, note);
  // In an account every timeline link is at most a meeting, every list item
  // or table row at most two facts: reserve once instead of growing. Body
  // links are mentions, held apart.
  size_t rows = 0;
  if (st.kind == Kind::Account)
    for (const auto& t : note.tables) rows += t.rows.size();
  // The facts are gathered in a scratch list kept between calls and copied
  // out at their final size: the state lives as long as the note, and
  // reserving in it, then giving back what was not used, cost two large
  // allocations a note (a rebuild's largest blocks, at 10k 23 MB in all).
  std::vector<Fact>& facts = fact_scratch_;
  facts.clear();
  facts.reserve((st.kind == Kind::Account ? note.links.size() + note.lists.size() + 2 * rows : 0) + 4);
  st.identity_keys.push_back(fold_key(note.name));
  for (const auto& a : note.aliases) st.identity_keys.push_back(fold_key(a));
  {
    std::string written;
    for (const auto& a : note.aliases) (written += a) += '\n';
    st.aliases_hash = std::hash<std::string>()(written);
  }
  std::sort(st.identity_keys.begin(), st.identity_keys.end());
  st.identity_keys.erase(std::unique(st.identity_keys.begin(), st.identity_keys.end()), st.identity_keys.end());

  // Texts computed here (a number written out) until keep_fact_texts copies
  // them: a list does not move its strings, and unlike a deque allocates
  // nothing until one is written (a person's role, rarely).
  std::forward_list<std::string> built;
  // Only accounts and meetings read their items' links.
  std::optional<detail::LinksByLine> links;
  if (st.kind == Kind::Account || st.kind == Kind::Meeting) links.emplace(note);
  auto links_on = [&](int line) { return links->on(line); };
  const Value& fm = note.frontmatter;
  auto fm_refs = [&](const schema::Names& keys, std::vector<Ref>& out) -> int {
    const Value* v = detail::find_key(fm, keys);
    if (!v) return 0;
    detail::refs_from_value(*v, out);
    const std::string* k = matched_key(fm, keys);
    return key_line(note, k ? *k : "");
  };

  if (st.kind == Kind::Account) {
    auto contacts = detail::sections_named(note, s.contact_headings);
    auto timeline = detail::sections_named(note, s.timeline_headings);
    auto projects = detail::sections_named(note, s.related_project_headings);
    auto topics = detail::sections_named(note, s.topic_headings);
    for (const auto& item : note.lists) {
      if (item.task) continue;
      if (detail::in_sections(item.section, contacts)) {
        Ref ref;
        std::string_view rest;
        if (detail::ref_from_item(item, links_on(item.line), ref, &rest)) {
          Fact f = to_self(Rel::ContactOf, Kind::Person, ref, item.line);
          f.role = rest;
          facts.push_back(std::move(f));
        }
      } else if (detail::in_sections(item.section, timeline)) {
        Fact f;
        f.rel = Rel::Timeline;
        f.from_self = true;
        f.date = item.date;
        f.text = item.text;
        f.line = item.line;
        for (const parse::Link* l : links_on(item.line)) {
          f.links.push_back({l->target, l->has_display ? l->display : index::link_name_view(l->target)});
          // A dated link in the timeline names a meeting about this account.
          if (starts_with_iso_date(index::link_name_view(l->target))) {
            Fact about = to_self(Rel::About, Kind::Meeting, {l->target, index::link_name_view(l->target)}, item.line);
            about.date = item.date;
            facts.push_back(std::move(about));
          }
        }
        facts.push_back(std::move(f));
      } else if (detail::in_sections(item.section, projects) && item.parent == -1) {
        Ref ref;
        if (detail::ref_from_item(item, links_on(item.line), ref))
          facts.push_back(self_to(Rel::RelatedProject, Kind::Project, std::move(ref), item.line));
      } else if (detail::in_sections(item.section, topics)) {
        Ref ref{{}, trim(item.text)};
        if (!ref.name.empty()) facts.push_back(self_to(Rel::HasTopic, Kind::Topic, std::move(ref), item.line));
      }
    }
    auto collaborators = detail::sections_named(note, s.collaborator_headings);
    for (const auto& table : note.tables) {
      if (!detail::in_sections(table.section, collaborators)) continue;
      int person = detail::column_index(table.header, s.person_columns);
      int role = detail::column_index(table.header, s.role_columns);
      int company = detail::column_index(table.header, s.company_columns);
      if (person < 0) person = 0;
      for (size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        int line = table.row_lines[r];
        Ref who;
        if (person >= static_cast<int>(row.size()) || !detail::ref_from_cell(row[person], who)) continue;
        std::string_view role_text =
            role >= 0 && role < static_cast<int>(row.size()) ? std::string_view(row[role].text) : std::string_view();
        Ref org;
        bool has_org = company >= 0 && company < static_cast<int>(row.size()) && detail::ref_from_cell(row[company], org);
        bool works_at = has_org || !role_text.empty();
        Fact contact = to_self(Rel::ContactOf, Kind::Person, works_at ? who : std::move(who), line);
        contact.role = role_text;
        facts.push_back(std::move(contact));
        if (works_at) {
          Fact works;
          works.rel = Rel::WorksAt;
          works.from_kind = Kind::Person;
          works.from = std::move(who);
          works.to_kind = Kind::Company;
          if (has_org) works.to = std::move(org);
          works.role = role_text;
          works.line = line;
          facts.push_back(std::move(works));
        }
      }
    }
  } else if (st.kind == Kind::Meeting) {
    std::vector<Ref> accounts;
    int line = fm_refs(s.account_keys, accounts);
    for (auto& a : accounts) facts.push_back(self_to(Rel::About, Kind::Account, std::move(a), line));
    std::vector<Ref> attendees;
    line = fm_refs(s.attendee_keys, attendees);
    for (auto& a : attendees) facts.push_back(to_self(Rel::Attended, Kind::Person, std::move(a), line));
    auto attendee_sections = detail::sections_named(note, s.attendee_headings);
    for (const auto& item : note.lists) {
      if (item.task || !detail::in_sections(item.section, attendee_sections)) continue;
      Ref ref;
      if (detail::ref_from_item(item, links_on(item.line), ref))
        facts.push_back(to_self(Rel::Attended, Kind::Person, std::move(ref), item.line));
    }
  } else if (st.kind == Kind::Project) {
    std::vector<Ref> owners;
    int line = fm_refs(s.owner_keys, owners);
    for (auto& o : owners) facts.push_back(self_to(Rel::Owner, Kind::Person, std::move(o), line));
    std::vector<Ref> accounts;
    line = fm_refs(s.account_keys, accounts);
    for (auto& a : accounts) facts.push_back(to_self(Rel::RelatedProject, Kind::Account, std::move(a), line));
  } else if (st.kind == Kind::Person) {
    std::vector<Ref> companies;
    int line = fm_refs(s.company_keys, companies);
    std::vector<std::string_view> roles;
    if (const Value* r = detail::find_key(fm, s.role_keys)) {
      if (r->is_array()) {
        for (const auto& item : r->as_array())
          if (auto t = detail::scalar_text(item); !t.empty()) roles.push_back(built.emplace_front(std::move(t)));
      } else if (auto t = detail::scalar_text(*r); !t.empty()) {
        roles.push_back(built.emplace_front(std::move(t)));
      }
    }
    if (roles.empty()) roles.emplace_back();
    if (companies.empty() && !roles.front().empty()) companies.emplace_back();
    for (const auto& c : companies)
      for (const auto& role : roles) {
        Fact f = self_to(Rel::WorksAt, Kind::Company, c, line);
        f.from_kind = Kind::Person;
        f.role = role;
        facts.push_back(std::move(f));
      }
    std::vector<Ref> accounts;
    line = fm_refs(s.account_keys, accounts);
    for (auto& a : accounts) {
      Fact f = self_to(Rel::ContactOf, Kind::Account, std::move(a), line);
      f.from_kind = Kind::Person;
      facts.push_back(std::move(f));
    }
  }
  // Every body link is a mention (kept when it names a typed note). Most
  // facts of a note are these, so they are held in their compact form.
  size_t body_links = 0;
  for (const auto& l : note.links) body_links += l.frontmatter_key.empty() && !l.target.empty();
  st.mentions.reserve(body_links);
  for (const auto& l : note.links)
    if (l.frontmatter_key.empty() && !l.target.empty()) st.mentions.push_back({&keyed_target(l.target), l.line});

  st.facts.assign(std::make_move_iterator(facts.begin()), std::make_move_iterator(facts.end()));
  facts.clear();

  std::vector<Key>& keys = key_scratch_;  // as the facts: copied out at the final size
  keys.clear();
  keys.reserve(2 * (st.facts.size() + st.mentions.size()));
  for (const auto& f : st.facts) {
    if (!f.from_self && !(f.from.target.empty() && f.from.name.empty())) add_ref_keys(f.from, keys);
    if (!f.to_self && !(f.to.target.empty() && f.to.name.empty())) add_ref_keys(f.to, keys);
    for (const auto& l : f.links) add_ref_keys(l, keys);
  }
  for (const auto& m : st.mentions)
    for (Key k : m.target->keys)
      if (k) keys.push_back(k);
  // Interned, so sorting by address is enough to make them unique.
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  keys.erase(std::remove_if(keys.begin(), keys.end(), [](Key k) { return k->empty(); }), keys.end());
  st.ref_keys.assign(keys.begin(), keys.end());
  release_if_large(facts);
  release_if_large(keys);
  keep_fact_texts(note, st);
  return st;
}

// Every text of the facts, as a view it may repoint.
template <class Visit>
static void for_each_fact_text(std::vector<Fact>& facts, Visit&& visit) {
  for (Fact& f : facts) {
    visit(f.from.target), visit(f.from.name), visit(f.to.target), visit(f.to.name);
    visit(f.role), visit(f.date), visit(f.text);
    for (Ref& l : f.links) visit(l.target), visit(l.name);
  }
}

void Graph::keep_fact_texts(const parse::Note& note, NoteState& st) {
  const std::string_view bytes = note.source ? std::string_view(*note.source) : std::string_view();
  auto in_note = [&](std::string_view v) { return parse::detail::lies_within(v, bytes); };
  size_t copied = 0;
  bool viewed = false;
  for_each_fact_text(st.facts, [&](std::string_view& v) {
    if (v.empty()) v = {};  // may view a temporary; an empty view is equal to any other
    else if (in_note(v)) viewed = true;
    else copied += v.size();
  });
  if (viewed) st.note_bytes = note.source;
  if (!copied) return;
  st.fact_bytes.reset(new char[copied]);
  char* out = st.fact_bytes.get();
  for_each_fact_text(st.facts, [&](std::string_view& v) {
    if (v.empty() || in_note(v)) return;
    std::memcpy(out, v.data(), v.size());
    v = std::string_view(out, v.size());
    out += v.size();
  });
}

// ---------------------------------------------------------------------------
// Resolution

std::string Graph::resolve(const index::Vault& vault, const Ref& ref, Kind expected, std::string_view source) const {
  Key id = resolve_id(vault, ref, expected, source);
  return id ? *id : std::string();
}

Graph::Key Graph::resolve_id(const index::Vault& vault, const Ref& ref, Kind expected, std::string_view source) const {
  std::string_view name;
  bool tried = false;  // `name` was just looked up as the link target itself
  if (!ref.target.empty()) {
    // Interned only where resolve_path() would intern it anyway.
    const Target* t = resolve_memo_on_ || update_memo_on_ ? intern_target(ref.target) : nullptr;
    Resolution r = resolve_path(vault, ref.target, source, t);
    if (r.path) return r.id;
    name = t ? t->name : index::link_name_view(ref.target);
    tried = name == ref.target;
  } else {
    name = ref.name;
  }
  if (trim(name).empty()) return nullptr;
  if (expected == Kind::Note) return nullptr;  // an unresolved mention names nothing
  if (!tried)
    if (Resolution r = resolve_path(vault, name, source); r.path)
      if (r.kind == expected || (expected == Kind::Company && r.kind == Kind::Account)) return r.id;
  const std::string& key = *fold_key(name);
  id_buf_.assign(kind_name(expected));
  id_buf_.push_back(':');
  id_buf_.append(key);
  return ids_.intern(id_buf_);
}

void Graph::resolve_note(const index::Vault& vault, const std::string& path, NoteState& st) {
  st.resolved.clear();
  st.link_ids.clear();
  // Gathered in a scratch list, then copied out at the final size: the
  // state lives as long as the note.
  std::vector<Resolved>& resolved = resolved_scratch_;
  resolved.clear();
  resolved.reserve(st.facts.size() + st.mentions.size());
  Key self = note_id(path);
  auto empty = [](Key id) { return !id || id->empty(); };
  for (uint32_t i = 0; i < st.facts.size(); ++i) {
    const Fact& f = st.facts[i];
    Resolved r;
    r.to = f.to_self ? self : resolve_id(vault, f.to, f.to_kind, path);
    r.from = f.from_self ? self : resolve_id(vault, f.from, f.from_kind, path);
    if (f.rel != Rel::Timeline && (empty(r.from) || (empty(r.to) && f.rel != Rel::WorksAt))) continue;
    r.source = i;
    r.links_at = static_cast<uint32_t>(st.link_ids.size());
    for (const auto& l : f.links) st.link_ids.push_back(resolve_path(vault, l.target, path).id);
    resolved.push_back(r);
  }
  for (uint32_t i = 0; i < st.mentions.size(); ++i) {
    // Mentions count only when they name a typed note; most body links do
    // not, so decide before building any id.
    const Mention& m = st.mentions[i];
    Resolution to = resolve_path(vault, m.target->text, path, m.target);
    if (!to.path || !to.kind) continue;
    resolved.push_back({self, to.id, static_cast<uint32_t>(st.facts.size() + i), 0});
  }
  name_people_in_context(vault, st, self, resolved);
  st.resolved.assign(resolved.begin(), resolved.end());
  release_if_large(resolved);
}

// A person's name written as plain text that no note bears alone ("Chen"
// when many people in the vault go by Chen) names the one person this note
// links to who has it as an alias: in an account's Key Contacts, "- Chen"
// under "[[Chen Zielinski|Chen]]" is that Chen, not a stranger every account
// with a Chen shares. A name that a second linked person also has as an
// alias or a first name ("Jason" beside Jason Vallery and Jason Taylor) stays
// a name: guessing between two people is the dedup's to propose, not the
// graph's to assume.
//
// Depends only on this note's facts and mentions (what same_statements()
// compares) and on the linked people's names and aliases (their identity
// keys, under which this note is filed by its links and its bare names), so
// an update re-resolves it whenever the answer could change.
void Graph::name_people_in_context(const index::Vault& vault, const NoteState& st, Key self,
                                   std::vector<Resolved>& resolved) const {
  // The ends of facts written as a plain name that named nobody.
  struct Plain {
    Key* end;
    std::string_view name;
  };
  std::vector<Plain> plain;
  auto note_plain = [&](const Ref& ref, Kind kind, Key& id) {
    if (kind == Kind::Person && ref.target.empty() && id && id->compare(0, 7, "person:") == 0)
      plain.push_back({&id, ref.name});
  };
  for (Resolved& r : resolved) {
    if (r.source >= st.facts.size()) break;  // mentions come last and are never plain names
    const Fact& f = st.facts[r.source];
    if (!f.from_self) note_plain(f.from, f.from_kind, r.from);
    if (!f.to_self) note_plain(f.to, f.to_kind, r.to);
  }
  if (plain.empty()) return;

  struct Linked {
    Key id;
    const parse::Note* note;
  };
  std::vector<Linked> people;
  auto add_person = [&](Key id) {
    if (!id || id == self || id->compare(0, 5, "note:") != 0) return;
    for (const Linked& p : people)
      if (p.id == id) return;
    std::string_view path = std::string_view(*id).substr(5);
    if (kind_of(path) != Kind::Person) return;
    if (const parse::Note* n = vault.find(path)) people.push_back({id, n});
  };
  for (const Resolved& r : resolved) add_person(r.from), add_person(r.to);

  auto in_context = [&](std::string_view name) -> Key {
    Key key = fold_key(name);
    Key found = nullptr;
    int named = 0;  // linked people answering to the name by an alias or a first name
    for (const Linked& p : people) {
      bool alias = false;
      for (const auto& a : p.note->aliases)
        if (fold_key(a) == key) alias = true;
      std::string_view first = p.note->name;
      first = first.substr(0, first.find(' '));
      if (!alias && fold_key(first) != key) continue;
      ++named;
      if (alias) found = p.id;
    }
    return named == 1 ? found : nullptr;
  };
  for (const Plain& p : plain)
    if (Key id = in_context(p.name)) *p.end = id;
}

void Graph::relation(const NoteEntry& note, const Resolved& r, Relation& out) const {
  const NoteState& st = note.second;
  auto view = [](Key id) { return id ? std::string_view(*id) : std::string_view(); };
  out.from = view(r.from);
  out.to = view(r.to);
  out.path = note.first;
  out.links.clear();
  if (r.source >= st.facts.size()) {
    const Mention& m = st.mentions[r.source - st.facts.size()];
    out.rel = Rel::Mentions;
    out.from_name = out.role = out.date = out.text = {};
    out.to_name = m.target->name;
    out.line = m.line;
    return;
  }
  const Fact& f = st.facts[r.source];
  out.rel = f.rel;
  out.from_name = f.from_self ? std::string_view() : f.from.surface();
  out.to_name = f.to_self ? std::string_view() : f.to.surface();
  out.role = f.role;
  out.date = f.date;
  out.text = f.text;
  out.line = f.line;
  for (size_t i = 0; i < f.links.size(); ++i) out.links.push_back(view(st.link_ids[r.links_at + i]));
}

template <class End>
void Graph::for_each_end(const NoteState& st, const Resolved& r, End&& end) {
  if (r.from && !r.from->empty()) end(r.from);
  if (r.to && !r.to->empty()) end(r.to);
  if (r.source >= st.facts.size()) return;
  const size_t links = st.facts[r.source].links.size();
  for (size_t i = 0; i < links; ++i)
    if (Key id = st.link_ids[r.links_at + i]; id && !id->empty()) end(id);
}

namespace {
bool path_before(const std::string* a, const std::string* b) { return *a < *b; }
}  // namespace

// `path` must be the key of the note in `notes_`: the indexes keep its address.
//
// Both indexes hold sorted lists, and a note's entries in one list sit side
// by side, so a note is found by halving and its entries go in or out as one
// block. A list can hold thousands of notes (a company every meeting names):
// scanning or moving it once per relation made a note created in a 10k vault
// cost three times what it cost in a 1k vault.
void Graph::index_note(const NoteEntry& note, bool add, bool in_order) {
  PathRef self = &note.first;
  const NoteState& st = note.second;
  for (const auto& k : st.ref_keys) {
    if (add) {
      auto& paths = by_key_[k];
      // A rebuild adds notes in path order: append; an update inserts.
      if (in_order || paths.empty() || path_before(paths.back(), self)) {
        paths.push_back(self);
      } else {
        auto at = std::lower_bound(paths.begin(), paths.end(), self, path_before);
        if (at == paths.end() || *at != self) paths.insert(at, self);
      }
    } else if (auto it = by_key_.find(k); it != by_key_.end()) {
      auto& paths = it->second;
      auto at = std::lower_bound(paths.begin(), paths.end(), self, path_before);
      if (at != paths.end() && *at == self) paths.erase(at);
      if (paths.empty()) by_key_.erase(it);
    }
  }

  // Every id is a view of an interned string: its characters' address names it.
  if (in_order) {
    // A rebuild: notes come in path order and a note's relations in index
    // order, so each use goes at the end of its entity's list.
    const char* last_id = nullptr;
    std::vector<EntityUse>* last_uses = nullptr;
    for (uint32_t i = 0; i < st.resolved.size(); ++i)
      for_each_end(st, st.resolved[i], [&](Key id) {
        if (id->data() != last_id) {  // consecutive ends mostly name one entity (the note itself)
          last_id = id->data();
          last_uses = &by_entity_[last_id];  // elements of an unordered_map do not move
        }
        if (last_uses->empty() || last_uses->back().note != &note || last_uses->back().index != i)
          last_uses->push_back({&note, i});
      });
    return;
  }
  // An update: every end of every relation, (entity, relation index),
  // grouped by entity with indices ascending, so each list changes once.
  std::vector<std::pair<Key, uint32_t>> ends;
  ends.reserve(2 * st.resolved.size());
  for (uint32_t i = 0; i < st.resolved.size(); ++i)
    for_each_end(st, st.resolved[i], [&](Key id) { ends.emplace_back(id, i); });
  std::sort(ends.begin(), ends.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? std::less<Key>()(a.first, b.first) : a.second < b.second;
  });
  ends.erase(std::unique(ends.begin(), ends.end()), ends.end());

  auto before_note = [](const EntityUse& u, const NoteEntry* n) { return u.note->first < n->first; };
  auto use_before = [](const EntityUse& a, const EntityUse& b) {
    return a.note == b.note ? a.index < b.index : a.note->first < b.note->first;
  };
  std::vector<EntityUse> block;
  for (size_t g = 0; g < ends.size();) {
    const Key key = ends[g].first;
    const char* id = key->data();
    size_t g_end = g;
    while (g_end < ends.size() && ends[g_end].first == key) ++g_end;
    touched_.push_back({stamp_, *key});
    if (touched_.size() > kTouchedLog) {
      touched_floor_ = touched_.front().stamp;
      touched_.pop_front();
    }
    if (add) {
      block.clear();
      for (size_t e = g; e < g_end; ++e) block.push_back({&note, ends[e].second});
      auto& uses = by_entity_[id];
      if (uses.empty() || use_before(uses.back(), block.front())) {
        uses.insert(uses.end(), block.begin(), block.end());
      } else {
        auto at = std::lower_bound(uses.begin(), uses.end(), &note, before_note);
        if (at == uses.end() || at->note != &note) {
          uses.insert(at, block.begin(), block.end());
        } else {
          // Already listed (not the callers' case): merge use by use.
          for (const auto& use : block) {
            auto pos = std::lower_bound(uses.begin(), uses.end(), use, use_before);
            if (pos == uses.end() || pos->note != &note || pos->index != use.index) uses.insert(pos, use);
          }
        }
      }
    } else if (auto it = by_entity_.find(id); it != by_entity_.end()) {
      auto& uses = it->second;
      auto first = std::lower_bound(uses.begin(), uses.end(), &note, before_note);
      auto last = first;
      while (last != uses.end() && last->note == &note) ++last;
      uses.erase(first, last);
      if (uses.empty()) by_entity_.erase(it);
    }
    g = g_end;
  }
}

void Graph::reresolve_keys(const index::Vault& vault, const std::vector<Key>& keys, std::string_view skip) {
  std::set<std::string> affected;
  for (const auto& k : keys)
    if (auto it = by_key_.find(k); it != by_key_.end())
      for (PathRef p : it->second) affected.insert(*p);
  for (const auto& path : affected) {
    if (path == skip) continue;
    NoteEntry* e = entry(path);
    if (!e) continue;
    index_note(*e, false);
    resolve_note(vault, e->first, e->second);
    index_note(*e, true);
    reresolved_.push_back({vault.generation(), e->first});
    if (reresolved_.size() > kReresolvedLog) {
      reresolved_floor_ = reresolved_.front().generation;
      reresolved_.pop_front();
    }
  }
}

uint64_t Graph::next_stamp() {
  static std::atomic<uint64_t> last{0};
  return ++last;
}

bool Graph::reresolved_since(uint64_t since, std::vector<std::string>& out) const {
  if (since < reresolved_floor_) return false;
  // In generation order: skip what came before.
  auto first = std::upper_bound(reresolved_.begin(), reresolved_.end(), since,
                                [](uint64_t g, const Reresolved& r) { return g < r.generation; });
  for (auto it = first; it != reresolved_.end(); ++it) out.push_back(it->path);
  return true;
}

// ---------------------------------------------------------------------------
// Updates

void Graph::set_schema(const index::Vault& vault, schema::Schema schema) {
  schema_ = std::move(schema);
  rebuild(vault);
}

Graph::Resolution Graph::resolve_path(const index::Vault& vault, std::string_view target, std::string_view source,
                                      const Target* interned) const {
  bool any_folder = false;
  auto lookup = [&] {
    Resolution r;
    r.path = vault.resolve_stored(target, source, true, &any_folder);
    if (r.path) {
      StoredNote n = stored_note(r.path);
      r.id = n.id;
      r.kind = n.kind;
    }
    return r;
  };
  if ((!resolve_memo_on_ && !update_memo_on_) || target.empty()) return lookup();
  // Bounded: a long session edits many notes.
  if (!resolve_memo_on_ && resolutions_.size() > 20000) forget_update_memo();
  const Target* t = interned ? interned : intern_target(target);
  if (t->memo_round == memo_round_) return t->from_any_folder;
  MemoKey key{folder_key(source), t};
  if (auto it = resolutions_.find(key); it != resolutions_.end()) return it->second;
  Resolution r = lookup();
  if (any_folder) {
    t->memo_round = memo_round_;
    t->from_any_folder = r;
  } else {
    resolutions_.emplace(key, r);
  }
  return r;
}

Graph::StoredNote Graph::stored_note(const std::string* stored_path) const {
  // Outside a rebuild and same-identity updates an address may be reused by
  // another note later, so nothing is kept.
  if (!resolve_memo_on_ && !update_memo_on_) return {note_id(*stored_path), kind_of(*stored_path)};
  auto it = stored_notes_.find(stored_path);
  if (it == stored_notes_.end())
    it = stored_notes_.emplace(stored_path, StoredNote{note_id(*stored_path), kind_of(*stored_path)}).first;
  return it->second;
}

void Graph::forget_update_memo() const {
  resolutions_.clear();
  ++memo_round_;
  stored_notes_.clear();
}

void Graph::rebuild(const index::Vault& vault) {
  begin_update();
  changed_whole();
  touched_.clear();  // its addresses are of ids about to be freed
  touched_floor_ = stamp_;
  forget_update_memo();
  reresolved_.clear();  // whoever followed the updates cannot follow a rebuild
  reresolved_floor_ = vault.generation();
  entries_by_path_.clear();
  notes_.clear();
  by_key_.clear();
  by_entity_.clear();
  // Every view into them went with the notes above.
  folded_.clear();
  folded_names_.clear();
  ids_.clear();
  keys_.clear();
  folders_.clear();
  memo_source_.clear();
  memo_folder_ = nullptr;
  target_index_.clear();
  targets_.clear();
  // The vault's notes are in path order, as notes_ keeps them: each goes at the end.
  for (const auto& [path, note] : vault.notes()) {
    auto& e = *notes_.emplace_hint(notes_.end(), path, compute(vault, note));
    entries_by_path_.insert(e.first, &e);
  }
  // Kinds are all known now, so references resolve against the final typing.
  // The vault does not change during a rebuild, so the same link from the
  // same folder resolves once (a fifth of a rebuild went to Vault::resolve).
  resolve_memo_on_ = true;
  for (auto& entry : notes_) {
    resolve_note(vault, entry.first, entry.second);
    index_note(entry, true, true);
  }
  resolve_memo_on_ = false;
  forget_update_memo();
  // The lists grew use by use; they change little after a rebuild.
  for (auto& [id, uses] : by_entity_)
    if (uses.capacity() > uses.size() + 4) uses.shrink_to_fit();
}

bool Graph::same_statements(const NoteState& a, const NoteState& b) {
  if (a.kind != b.kind || a.aliases_hash != b.aliases_hash || a.identity_keys != b.identity_keys ||
      a.ref_keys != b.ref_keys || a.mentions.size() != b.mentions.size() || a.facts != b.facts)
    return false;
  for (size_t i = 0; i < a.mentions.size(); ++i)  // targets are interned: one address per text
    if (a.mentions[i].target != b.mentions[i].target || a.mentions[i].line != b.mentions[i].line) return false;
  return true;
}

void Graph::on_upsert(const index::Vault& vault, std::string_view path) {
  const parse::Note* note = vault.find(path);
  if (!note) return on_remove(vault, path);
  begin_update();
  NoteState fresh = compute(vault, *note);
  std::vector<Key> keys;
  auto it = notes_.find(path);
  std::optional<Kind> old_kind;
  size_t old_aliases_hash = 0;
  if (it != notes_.end()) {
    // Most edits (a word typed in a paragraph) change nothing the graph takes
    // from the note: its relations, resolved against a vault in which only
    // this note changed, stay as they are. Resolving and indexing them again
    // was most of an upsert's graph work, and in a 1 MB note tens of ms.
    if (same_statements(it->second, fresh)) return;
    keys = it->second.identity_keys;
    old_kind = it->second.kind;
    old_aliases_hash = it->second.aliases_hash;
    index_note(*it, false);
  } else {
    it = notes_.emplace(std::string(path), NoteState{}).first;
    entries_by_path_.insert(it->first, &*it);
  }
  bool existed = !keys.empty();
  it->second = std::move(fresh);
  // Other notes resolve against this one's names, aliases and kind: when
  // none of them changed (the usual edit), nothing else needs a look.
  bool same_identity = existed && keys == it->second.identity_keys && old_kind == it->second.kind &&
                       old_aliases_hash == it->second.aliases_hash;
  keys.insert(keys.end(), it->second.identity_keys.begin(), it->second.identity_keys.end());
  // What the last updates looked up holds only while every note keeps its
  // name, aliases and kind.
  if (!same_identity) {
    forget_update_memo();
    changed_whole();
  }
  update_memo_on_ = true;
  resolve_note(vault, it->first, it->second);
  index_note(*it, true);
  if (!same_identity) reresolve_keys(vault, keys, path);
  update_memo_on_ = false;
  if (!same_identity) forget_update_memo();
}

void Graph::on_remove(const index::Vault& vault, std::string_view path) {
  auto it = notes_.find(path);
  if (it == notes_.end()) return;
  begin_update();
  changed_whole();  // a reference that named it names something else now
  std::vector<Key> keys = it->second.identity_keys;
  index_note(*it, false);
  entries_by_path_.erase(it->first);
  notes_.erase(it);
  forget_update_memo();  // a note is gone: what was looked up may name it
  reresolve_keys(vault, keys, "");
}

void Graph::on_rename(const index::Vault& vault, std::string_view from, std::string_view to) {
  forget_update_memo();
  on_remove(vault, from);
  on_upsert(vault, to);
  // on_remove's re-resolutions saw `to` in the vault before its state here.
  forget_update_memo();
}

// ---------------------------------------------------------------------------
// Reading

std::vector<Relation> Graph::relations_of(std::string_view entity_id) const {
  std::vector<Relation> out;
  Key id = ids_.find(entity_id);
  if (!id) return out;
  auto it = by_entity_.find(id->data());
  if (it == by_entity_.end()) return out;
  out.reserve(it->second.size());
  for (const EntityUse& use : it->second) relation(*use.note, use.note->second.resolved[use.index], out.emplace_back());
  return out;
}

std::vector<Relation> Graph::relations_in(std::string_view path) const {
  std::vector<Relation> out;
  const NoteEntry* e = entry(path);
  if (!e) return out;
  out.reserve(e->second.resolved.size());
  for (const Resolved& r : e->second.resolved) relation(*e, r, out.emplace_back());
  return out;
}

std::string Graph::entity_name(const index::Vault& vault, std::string_view id) const {
  if (id.rfind("note:", 0) == 0) {
    const parse::Note* note = vault.find(id.substr(5));
    if (!note) return std::string(id.substr(5));
    if (const Value* t = note->frontmatter.find("title"); t && t->is_string() && !t->as_string().empty())
      return t->as_string();
    return note->name;
  }
  // The first surface form that resolves to it, in path/line order: the
  // walk stops there (a company many notes name has thousands of relations).
  std::string name;
  visit_relations(id, [&](const Relation& r) {
    if (r.from == id && !r.from_name.empty()) name = r.from_name;
    else if (r.to == id && !r.to_name.empty()) name = r.to_name;
    return !name.empty();
  });
  if (!name.empty()) return name;
  size_t colon = id.find(':');
  return std::string(colon == std::string_view::npos ? id : id.substr(colon + 1));
}

std::string Graph::meeting_date(const index::Vault& vault, std::string_view path) const {
  const parse::Note* note = vault.find(path);
  if (!note) return "";
  if (const Value* d = detail::find_key(note->frontmatter, schema_.date_keys)) {
    std::string t = detail::scalar_text(*d);
    if (starts_with_iso_date(t)) return t.substr(0, 10);
  }
  if (starts_with_iso_date(note->name)) return note->name.substr(0, 10);
  return "";
}

namespace {
std::string note_title(const parse::Note& note) {
  if (const Value* t = note.frontmatter.find("title"); t && t->is_string() && !t->as_string().empty())
    return t->as_string();
  return note.name;
}
}  // namespace

std::optional<Entity> Graph::entity(const index::Vault& vault, std::string_view id) const {
  Entity e;
  e.id = std::string(id);
  if (id.rfind("note:", 0) == 0) {
    std::string path(id.substr(5));
    const parse::Note* note = vault.find(path);
    if (!note) return std::nullopt;
    e.note = path;
    e.name = note_title(*note);
    e.kind = kind_of(path).value_or(Kind::Note);
  } else {
    size_t colon = id.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view kind = id.substr(0, colon);
    for (Kind k : {Kind::Account, Kind::Person, Kind::Company, Kind::Project, Kind::Meeting, Kind::Topic})
      if (kind == kind_name(k)) e.kind = k;
    e.name = std::string(id.substr(colon + 1));
  }
  // Surface forms (and a display name for name-only entities) from the
  // references that resolve to it, in path/line order.
  bool named = !e.note.empty();
  bool any = false;
  visit_relations(e.id, [&](const Relation& r) {
    any = true;
    auto take = [&](std::string_view name, std::string_view rid) {
      if (rid != e.id || name.empty()) return;
      e.surface_forms.emplace(name);
      if (!named) {
        e.name = std::string(name);
        named = true;
      }
    };
    take(r.from_name, r.from);
    take(r.to_name, r.to);
    return false;  // every relation
  });
  if (!any && e.note.empty()) return std::nullopt;
  return e;
}

Snapshot Graph::snapshot(const index::Vault& vault) const {
  Snapshot snap;
  std::set<std::string> ids;
  for (const auto& entry : notes_) {
    if (entry.second.kind) ids.insert("note:" + entry.first);
    for (const auto& resolved : entry.second.resolved) {
      Relation r;
      relation(entry, resolved, r);
      ids.emplace(r.from);
      ids.emplace(r.to);
      for (const auto& l : r.links) ids.emplace(l);
      snap.relations.push_back(std::move(r));
    }
  }
  ids.erase("");
  for (const auto& id : ids)
    if (auto e = entity(vault, id)) snap.entities.emplace(id, std::move(*e));
  std::sort(snap.relations.begin(), snap.relations.end());
  return snap;
}

}  // namespace vaultcrm::graph
