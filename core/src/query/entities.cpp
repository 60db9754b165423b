// Entity sources (FROM people / accounts / companies / projects / meetings)
// derived from the index alone. The graph layer can replace this through
// query::EntityProvider; the field names are the contract (docs/json-api.md).
#include <optional>
#include <atomic>
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "../parse/text.h"
#include "query/exec.h"
#include "vaultcrm/panel.h"
#include "vaultcrm/parse.h"

namespace vaultcrm::query {

namespace {

std::string_view fm_view(const parse::Note& n, std::string_view key) {
  if (!n.frontmatter.is_object()) return {};
  for (const auto& kv : n.frontmatter.as_object())
    if (key_matches(kv.first, key) && kv.second.is_string()) return kv.second.as_string();
  return {};
}

std::string fm_string(const parse::Note& n, std::string_view key) { return std::string(fm_view(n, key)); }

// An entity row as the evaluator's object.
std::shared_ptr<const ObjData> object_of(const Entity& ent) {
  auto o = std::make_shared<ObjData>();
  o->members.reserve(ent.fields.size());
  for (const auto& f : ent.fields) o->members.emplace_back(f.first, from_cell(f.second));
  return o;
}

// A note's kind in the tables, as a bit: the graph's (the vault schema's
// type keys and values, type/... tags and folders), so that the tables list
// what the graph and the account panel call people, accounts, projects and
// meetings. (They had rules of their own: the key `type`, four types and
// four top folders, whatever the schema said.)
enum KindBits : unsigned { kPerson = 1, kAccount = 2, kProject = 4, kMeeting = 8 };

unsigned kinds_of(const graph::Graph& g, const parse::Note& n) {
  auto kind = g.kind_of(n.path);
  if (!kind) return 0;
  switch (*kind) {
    case graph::Kind::Person: return kPerson;
    case graph::Kind::Account: return kAccount;
    case graph::Kind::Project: return kProject;
    case graph::Kind::Meeting: return kMeeting;
    default: return 0;
  }
}

// Links from a frontmatter field ("[[X]]" strings or lists of them), resolved.
std::vector<std::string> fm_links(const index::Vault& v, const parse::Note& n, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& l : n.links)
    if (!l.frontmatter_key.empty() && key_matches(l.frontmatter_key, key)) {
      auto r = v.resolve(l.target, n.path);
      out.push_back(r ? *r : std::string(l.target));
    }
  return out;
}

void add_unique(List& l, Val v) {
  for (const auto& x : l)
    if (equal(x, v)) return;
  l.push_back(std::move(v));
}

double note_day(const parse::Note& n) {
  for (size_t i = 0; i + 10 <= n.name.size(); ++i) {
    double ms;
    if (n.name[i] >= '0' && n.name[i] <= '9' && parse_date(n.name.substr(i, 10), ms)) return ms;
  }
  double ms;
  std::string d = fm_string(n, "date");
  if (!d.empty() && parse_date(d, ms)) return ms;
  return std::nan("");
}

struct Person {
  std::string name;
  std::string path;  // "" when the person has no note
  List roles, companies, accounts, aliases;
  std::vector<std::string> surface;  // names as written in account notes
  int mentions = 0;
  double last = std::nan("");
};

Val link_or_null(const std::string& path) { return path.empty() ? Val::null() : Val::make_link(path); }

}  // namespace

// ---------------------------------------------------------------------------
// The tables, row by row. Every row is a function of a few notes: its own
// note, the notes linking to it (mentions, meetings, last contact), and for
// a person the rosters of the accounts listing them. The tables remember
// which notes each row read, so after an edit that leaves every note's
// identity alone (see identity_of) only the rows that read the edited note,
// or that it links to or lists now, are computed again: the cost follows
// the edit, not the vault. A note that comes or goes (a new path, a
// removal, a rename: both), or whose aliases or kind change, also moves
// where links and references to its names resolve: then the rows of the
// notes sharing such a name (their backlinks move) and of the notes whose
// frontmatter links name it are computed again too, and the rosters of the
// accounts that link to it or whose references the graph resolved again
// (Graph::reresolved_since) are read again (the people a roster read again
// lists as before keep their rows). Only many changes at once (a
// sync), a graph rebuilt, or a new schema build the tables afresh.
// ---------------------------------------------------------------------------

namespace {

enum Table : uint8_t { kPeopleTable, kAccountsTable, kProjectsTable, kMeetingsTable, kCompaniesTable, kTableCount };

int table_of(std::string_view kind) {
  if (kind == "people") return kPeopleTable;
  if (kind == "accounts") return kAccountsTable;
  if (kind == "projects") return kProjectsTable;
  if (kind == "meetings") return kMeetingsTable;
  if (kind == "companies") return kCompaniesTable;
  return -1;
}

// What, when it changes, changes how other notes resolve to this one or
// which tables list it: its kind (the graph's) and its aliases. Its path
// and name cannot change in an edit.
uint64_t identity_of(const graph::Graph& g, const parse::Note& n) {
  std::string key;
  auto gk = g.kind_of(n.path);
  key += gk ? static_cast<char>('A' + static_cast<int>(*gk)) : '-';
  for (const auto& a : n.aliases) {
    key += '\0';
    key += a;
  }
  return index::hash_text(key);
}

// One person as an account's roster lists them.
struct RosterEntry {
  std::string key;  // the person's row: their note's path, or "name:" + lower name
  std::string name;
  std::optional<std::string> link;
  bool collaborator = false;
  int count = 0;  // contact bullets and rows
  std::string role, company;  // collaborators table

  bool operator==(const RosterEntry& o) const {
    return key == o.key && name == o.name && link == o.link && collaborator == o.collaborator && count == o.count &&
           role == o.role && company == o.company;
  }
};

// The people (row keys) whose entries differ between two readings of one
// account's roster: added, gone, or changed in what they say or in their
// order among that person's own entries. A person's row reads a roster only
// through the entries keyed to them (person_row), so the others it lists
// keep their rows, whatever moved around them.
void people_listed_differently(const std::vector<RosterEntry>& before, const std::vector<RosterEntry>& after,
                               std::set<std::string>& out) {
  auto by_key = [](const std::vector<RosterEntry>& roster) {
    std::vector<const RosterEntry*> sorted;
    sorted.reserve(roster.size());
    for (const RosterEntry& e : roster) sorted.push_back(&e);
    // Stable: a person's entries keep their roster order.
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const RosterEntry* a, const RosterEntry* b) { return a->key < b->key; });
    return sorted;
  };
  const std::vector<const RosterEntry*> was = by_key(before), now = by_key(after);
  size_t i = 0, j = 0;
  while (i < was.size() || j < now.size()) {
    const bool from_was = j == now.size() || (i < was.size() && was[i]->key < now[j]->key);
    const std::string& key = from_was ? was[i]->key : now[j]->key;
    size_t was_end = i, now_end = j;
    while (was_end < was.size() && was[was_end]->key == key) ++was_end;
    while (now_end < now.size() && now[now_end]->key == key) ++now_end;
    const bool same = was_end - i == now_end - j &&
                      std::equal(was.begin() + static_cast<std::ptrdiff_t>(i), was.begin() + static_cast<std::ptrdiff_t>(was_end),
                                 now.begin() + static_cast<std::ptrdiff_t>(j),
                                 [](const RosterEntry* a, const RosterEntry* b) { return *a == *b; });
    if (!same) out.insert(key);
    i = was_end;
    j = now_end;
  }
}

// Field by field, as a query reads a row (a NaN is never the same).
bool same_cell(const Cell& a, const Cell& b) {
  if (a.type != b.type || a.boolean != b.boolean || a.number != b.number || a.months != b.months ||
      a.text != b.text || a.display != b.display || a.subpath != b.subpath || a.has_display != b.has_display ||
      a.embed != b.embed || a.items.size() != b.items.size() || a.members.size() != b.members.size())
    return false;
  for (size_t i = 0; i < a.items.size(); ++i)
    if (!same_cell(a.items[i], b.items[i])) return false;
  for (size_t i = 0; i < a.members.size(); ++i)
    if (a.members[i].first != b.members[i].first || !same_cell(a.members[i].second, b.members[i].second)) return false;
  return true;
}

bool same_fields(const std::vector<std::pair<std::string, Cell>>& a, const std::vector<std::pair<std::string, Cell>>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].first != b[i].first || !same_cell(a[i].second, b[i].second)) return false;
  return true;
}

// What the rows of other notes read of a note that links to them
// (EntityTables::backlinks_read_by): which notes it links to, its kind and
// its day. True when two versions of one note agree on the notes their
// links name (as a set: a backlink counts once per note, however often it
// links) and on the day; the caller has checked the kind (identity_of).
// Links are resolved against the vault as it is, which is how they resolved
// for `before` too only while no note came, went or changed its names: the
// caller checks that as well.
bool read_alike_as_backlink(const index::Vault& v, const parse::Note& before, const parse::Note& now) {
  const double day_was = note_day(before), day_is = note_day(now);
  if (!(day_was == day_is || (std::isnan(day_was) && std::isnan(day_is)))) return false;
  auto as_written = [](const parse::Note& n) {
    std::vector<std::string_view> out;
    out.reserve(n.links.size());
    for (const auto& link : n.links) out.push_back(link.target);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  const std::vector<std::string_view> was = as_written(before), is = as_written(now);
  if (was == is) return true;
  // Written otherwise, maybe the same notes: [[Customers/Acme.md]] added
  // where [[Acme]] was. The targets both versions write resolve alike, so
  // the sets of notes are equal when each note a target of one version
  // alone names is named by the other version too: by its own targets, or
  // by a shared one, of which only those that can bear that note's name
  // are resolved. A link to the note itself ([[#Heading]]) or to no note
  // adds no backlink to another note's row.
  std::vector<std::string_view> common, only_was, only_is;
  std::set_intersection(was.begin(), was.end(), is.begin(), is.end(), std::back_inserter(common));
  std::set_difference(was.begin(), was.end(), is.begin(), is.end(), std::back_inserter(only_was));
  std::set_difference(is.begin(), is.end(), was.begin(), was.end(), std::back_inserter(only_is));
  auto resolved = [&](const std::vector<std::string_view>& targets) {
    std::vector<const std::string*> out;
    for (std::string_view target : targets)
      if (!target.empty())
        if (const std::string* to = v.resolve_stored(target, now.path); to && *to != now.path) out.push_back(to);
    return out;
  };
  const std::vector<const std::string*> notes_was = resolved(only_was), notes_is = resolved(only_is);
  auto named_by_common = [&](const std::string* note) {
    const std::string_view name = index::link_name_view(*note);
    return std::any_of(common.begin(), common.end(), [&](std::string_view target) {
      return !target.empty() && index::may_be_same_name(index::link_name_view(target), name) &&
             v.resolve_stored(target, now.path) == note;
    });
  };
  auto all_named_by = [&](const std::vector<const std::string*>& notes, const std::vector<const std::string*>& other) {
    return std::all_of(notes.begin(), notes.end(), [&](const std::string* note) {
      return std::find(other.begin(), other.end(), note) != other.end() || named_by_common(note);
    });
  };
  return all_named_by(notes_is, notes_was) && all_named_by(notes_was, notes_is);
}

uint64_t next_tables_serial() {
  static std::atomic<uint64_t> last{0};  // native hosts may run engines on several threads
  return ++last;
}

}  // namespace

class EntityTables {
 public:
  EntityTables(const index::Vault& v, const graph::Graph& g)
      : v_(v), g_(g), generation_(v.generation()), serial_(next_tables_serial()) {}

  uint64_t generation() const { return generation_; }
  // These tables, among all the cache ever held: a query that read a table
  // holds while the cache keeps the same tables and that table's version.
  uint64_t serial() const { return serial_; }
  // Moves whenever a row of `table` comes, goes or changes a field; a
  // patch that computes a row again the same leaves it.
  uint64_t version(int table) const { return tables_[table].version; }
  const index::Vault* vault() const { return &v_; }
  const graph::Graph* graph() const { return &g_; }

  // Brings the tables to the vault's state after `changes` (the vault's
  // changes since generation()). False when a full build is needed instead
  // (the tables may be half patched then: they are dropped).
  bool apply_changes(const index::Vault::ChangeSet& changes);

  // The rows as copies (the EntityProvider answer; queries read objects()).
  std::vector<Entity> rows(int table) {
    build(table);
    std::vector<Entity> out;
    out.reserve(tables_[table].rows.size());
    for (const auto& [key, row] : tables_[table].rows) out.push_back(row.entity);
    return out;
  }

  const std::vector<std::shared_ptr<const ObjData>>& objects(int table) {
    build(table);
    Rows& t = tables_[table];
    if (!t.objects_fresh) {
      t.link_indexes.clear();  // positions in the list about to be rebuilt
      t.object_list.clear();
      t.object_list.reserve(t.rows.size());
      for (auto& [key, row] : t.rows) {
        if (!row.object) row.object = object_of(row.entity);
        t.object_list.push_back(row.object);
      }
      t.objects_fresh = true;
    }
    return t.object_list;
  }

  // The positions in objects(table) of the rows whose field `member`, found
  // as the evaluator finds a row's field (plain_member), holds a link to
  // `path`, itself or in a list at any depth: every row where
  // contains(member, [[path]]) can hold, and a few where it cannot (another
  // subpath or an embed). Built for a field on first use, one pass over the
  // rows, and dropped with the object list, so it is never older than the
  // rows.
  const std::vector<uint32_t>& rows_linking(int table, const std::string& member, const std::string& path) {
    const auto& objects = this->objects(table);
    Rows& t = tables_[table];
    auto index = std::find_if(t.link_indexes.begin(), t.link_indexes.end(),
                              [&](const LinkIndex& i) { return i.member == member; });
    if (index == t.link_indexes.end()) {
      index = t.link_indexes.insert(t.link_indexes.end(), LinkIndex{member, {}});
      std::vector<std::string_view> links;
      for (uint32_t i = 0; i < objects.size(); ++i) {
        const Val* field = plain_member(*objects[i], member);
        if (!field) continue;
        links.clear();
        collect_links(*field, links);
        std::sort(links.begin(), links.end());
        links.erase(std::unique(links.begin(), links.end()), links.end());
        for (std::string_view l : links) index->rows_by_link[std::string(l)].push_back(i);
      }
    }
    static const std::vector<uint32_t> kNone;
    auto found = index->rows_by_link.find(path);
    return found == index->rows_by_link.end() ? kNone : found->second;
  }

 private:
  static void collect_links(const Val& v, std::vector<std::string_view>& out) {
    if (v.t == Val::T::Link) out.push_back(v.s);
    else if (v.t == Val::T::List)
      for (const auto& x : v.items()) collect_links(x, out);
  }
  struct LinkIndex {
    std::string member;
    std::unordered_map<std::string, std::vector<uint32_t>> rows_by_link;  // link path -> positions
  };
  struct Row {
    Entity entity;
    std::shared_ptr<const ObjData> object;  // made on first use
  };
  struct Rows {
    bool built = false;
    std::map<std::string, Row> rows;  // in the table's order
    std::vector<std::shared_ptr<const ObjData>> object_list;
    bool objects_fresh = false;
    std::vector<LinkIndex> link_indexes;  // over object_list, while it is fresh
    uint64_t version = 0;
  };
  using RowRef = std::pair<uint8_t, std::string>;  // table, key

  void build(int table);
  void build_people();
  // Computes the row `key` again (erased when nothing makes it a row).
  void refresh(int table, const std::string& key);
  void set_row(int table, const std::string& key, std::optional<std::vector<std::pair<std::string, Val>>> fields);
  std::optional<std::vector<std::pair<std::string, Val>>> person_row(const std::string& key);
  std::optional<std::vector<std::pair<std::string, Val>>> note_row(int table, const parse::Note& n);
  void read_roster(const std::string& account);  // rosters_[account] from the note, with listed_by_
  // Forgets rosters_[account] (and its listed_by_ entries); returns what it listed.
  std::vector<RosterEntry> drop_roster(const std::string& account);
  void build_companies();
  // The company row `key` (a lower-case company name) again, from its people.
  void refresh_company(const std::string& key);
  // The note a company name names, as the graph reads a person's company.
  std::optional<std::string> company_note(const std::string& name) const;
  // The lower-case names of the companies a person row names.
  std::vector<std::string> companies_of(const std::string& person_key) const;
  void remember_identities();
  // Notes linking to `n`, each recorded as read by the row.
  std::vector<const parse::Note*> backlinks_read_by(const parse::Note& n, int table);

  const index::Vault& v_;
  const graph::Graph& g_;
  uint64_t generation_;
  uint64_t serial_;
  Rows tables_[kTableCount];
  std::unordered_map<const parse::Note*, uint64_t> identity_;  // by address: an edit keeps it
  // The aliases of the notes that have some, by address: what named a note
  // once it is gone or its aliases changed.
  std::unordered_map<const parse::Note*, std::vector<std::string>> aliases_;
  bool identities_known_ = false;
  // note -> rows that read it as a backlink
  std::unordered_map<const parse::Note*, std::set<RowRef>> readers_;
  std::map<std::string, std::vector<RosterEntry>> rosters_;  // account path -> its roster, as listed
  std::map<std::string, std::set<std::string>> listed_by_;   // person key -> accounts listing them
  std::map<std::string, Person> people_;  // the people rows' data (companies are made from it)
  std::map<std::string, std::set<std::string>> company_people_;  // lower company name -> person keys
  std::set<std::string> companies_touched_;  // company rows whose people changed since the last patch
  // company row key -> the name it shows and the note that name resolved to
  std::map<std::string, std::pair<std::string, std::optional<std::string>>> company_notes_;
};

namespace {
using Fields = std::vector<std::pair<std::string, Val>>;
}  // namespace

std::vector<const parse::Note*> EntityTables::backlinks_read_by(const parse::Note& n, int table) {
  auto sources = v_.backlink_notes(n.path);
  for (const parse::Note* s : sources) readers_[s].emplace(static_cast<uint8_t>(table), n.path);
  return sources;
}

void EntityTables::set_row(int table, const std::string& key, std::optional<Fields> fields) {
  Rows& t = tables_[table];
  if (!fields) {
    if (t.rows.erase(key) > 0) {
      t.objects_fresh = false;
      ++t.version;
    }
    return;
  }
  std::vector<std::pair<std::string, Cell>> cells;
  cells.reserve(fields->size());
  for (auto& f : *fields) cells.emplace_back(std::move(f.first), to_cell(f.second));
  auto it = t.rows.find(key);
  // The same row again (an edit that changed nothing this row shows): its
  // object, the table's list and its version stand.
  if (it != t.rows.end() && same_fields(it->second.entity.fields, cells)) return;
  t.objects_fresh = false;
  ++t.version;
  Row& row = it != t.rows.end() ? it->second : t.rows[key];
  row.object.reset();
  row.entity.fields = std::move(cells);
}

void EntityTables::remember_identities() {
  if (identities_known_) return;
  identity_.reserve(v_.size());
  for (const auto& kv : v_.notes()) {
    identity_[&kv.second] = identity_of(g_, kv.second);
    if (!kv.second.aliases.empty()) aliases_[&kv.second] = kv.second.aliases;
  }
  identities_known_ = true;
}

void EntityTables::build(int table) {
  Rows& t = tables_[table];
  if (t.built) return;
  remember_identities();
  if (table == kPeopleTable || table == kCompaniesTable) {
    build_people();
    if (table == kCompaniesTable) build_companies();
    t.built = true;
    return;
  }
  const unsigned kind = table == kAccountsTable ? kAccount : table == kProjectsTable ? kProject : kMeeting;
  for (const auto& kv : v_.notes())
    if (kinds_of(g_, kv.second) & kind) set_row(table, kv.first, note_row(table, kv.second));
  t.built = true;
}

void EntityTables::build_people() {
  Rows& t = tables_[kPeopleTable];
  if (t.built) return;
  std::set<std::string> keys;
  for (const auto& kv : v_.notes()) {
    const unsigned kinds = kinds_of(g_, kv.second);
    if (kinds & kPerson) keys.insert(kv.first);
    if (kinds & kAccount) read_roster(kv.first);
  }
  for (const auto& [key, accounts] : listed_by_) keys.insert(key);
  for (const auto& key : keys) refresh(kPeopleTable, key);
  t.built = true;
}

void EntityTables::read_roster(const std::string& account) {
  auto roster = panel::roster(v_, g_, account);
  if (!roster) return;
  std::vector<RosterEntry>& entries = rosters_[account];
  auto add = [&](const std::string& name, const std::optional<std::string>& link) -> RosterEntry& {
    RosterEntry e;
    e.key = link ? *link : "name:" + lower_utf8(name);
    e.name = name;
    e.link = link;
    listed_by_[e.key].insert(account);
    entries.push_back(std::move(e));
    return entries.back();
  };
  for (const auto& c : roster->contacts) add(c.name, c.link).count = c.count;
  for (const auto& c : roster->collaborators) {
    RosterEntry& e = add(c.name, c.link);
    e.collaborator = true;
    e.role = c.role;
    e.company = c.company;
  }
}

std::vector<RosterEntry> EntityTables::drop_roster(const std::string& account) {
  auto it = rosters_.find(account);
  if (it == rosters_.end()) return {};
  for (const auto& e : it->second) {
    auto l = listed_by_.find(e.key);
    if (l == listed_by_.end()) continue;
    l->second.erase(account);
    if (l->second.empty()) listed_by_.erase(l);
  }
  std::vector<RosterEntry> listed = std::move(it->second);
  rosters_.erase(it);
  return listed;
}

// A person: their note, if it is a person's (aliases, role, company,
// accounts it links, who links to it), then every account listing them, in
// path order (surface forms as written there, roles and companies from the
// collaborators table, mentions of people without a note).
std::optional<Fields> EntityTables::person_row(const std::string& key) {
  Person p;
  bool exists = false;
  if (key.compare(0, 5, "name:") != 0)
    if (const parse::Note* n = v_.find(key); n && (kinds_of(g_, *n) & kPerson)) {
      exists = true;
      p.name = n->name;
      p.path = n->path;
      for (const auto& a : n->aliases) add_unique(p.aliases, Val::string(a));
      std::string role = fm_string(*n, "role");
      if (role.empty()) role = fm_string(*n, "title");
      if (!role.empty()) add_unique(p.roles, Val::string(role));
      std::string company = fm_string(*n, "company");
      if (!company.empty()) {
        if (company.size() > 4 && company.compare(0, 2, "[[") == 0) company = company.substr(2, company.find_first_of("]|") - 2);
        add_unique(p.companies, Val::string(company));
      }
      for (const auto& a : fm_links(v_, *n, "account")) add_unique(p.accounts, Val::make_link(a));
      auto back = backlinks_read_by(*n, kPeopleTable);
      p.mentions = static_cast<int>(back.size());
      for (const parse::Note* bn : back)
        if (kinds_of(g_, *bn) & kMeeting) {
          double d = note_day(*bn);
          if (!std::isnan(d) && (std::isnan(p.last) || d > p.last)) p.last = d;
        }
    }
  if (auto l = listed_by_.find(key); l != listed_by_.end())
    for (const std::string& account : l->second)
      for (const RosterEntry& e : rosters_[account]) {
        if (e.key != key) continue;
        exists = true;
        if (p.name.empty()) {
          p.name = e.name;
          if (e.link) p.path = *e.link;
        }
        if (std::find(p.surface.begin(), p.surface.end(), e.name) == p.surface.end()) p.surface.push_back(e.name);
        add_unique(p.accounts, Val::make_link(account));
        if (!e.collaborator) {
          if (!e.link) p.mentions += e.count;
          continue;
        }
        if (!e.role.empty()) add_unique(p.roles, Val::string(e.role));
        if (!e.company.empty()) add_unique(p.companies, Val::string(e.company));
        if (!e.link) p.mentions += 1;
      }
  if (!exists) {
    people_.erase(key);
    return std::nullopt;
  }
  List surface;
  for (const auto& s : p.surface)
    if (s != p.name) add_unique(surface, Val::string(s));
  Fields f{{"name", Val::string(p.name)},
           {"link", link_or_null(p.path)},
           {"has_note", Val::boolean(!p.path.empty())},
           {"aliases", Val::make_list(p.aliases)},
           {"roles", Val::make_list(p.roles)},
           {"companies", Val::make_list(p.companies)},
           {"accounts", Val::make_list(p.accounts)},
           {"mentions", Val::number(p.mentions)},
           {"last_contact", std::isnan(p.last) ? Val::null() : Val::date(p.last)},
           {"duplicates", Val::make_list(surface)}};
  people_[key] = std::move(p);
  return f;
}

std::vector<std::string> EntityTables::companies_of(const std::string& person_key) const {
  std::vector<std::string> out;
  if (auto it = people_.find(person_key); it != people_.end())
    for (const auto& c : it->second.companies) out.push_back(lower_utf8(c.s));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Companies: every company a person is known at (as written by the first
// person, in row order, who names it), with those people and their accounts.
void EntityTables::build_companies() {
  for (const auto& [key, people] : company_people_) refresh_company(key);
  companies_touched_.clear();
}

void EntityTables::refresh_company(const std::string& key) {
  auto members = company_people_.find(key);
  if (members == company_people_.end()) {
    set_row(kCompaniesTable, key, std::nullopt);
    company_notes_.erase(key);
    return;
  }
  std::string display;
  List people, accounts;
  for (const std::string& person_key : members->second) {
    const Person& p = people_.at(person_key);
    for (const auto& c : p.companies) {
      if (lower_utf8(c.s) != key) continue;
      if (display.empty()) display = c.s;
      add_unique(people, p.path.empty() ? Val::string(p.name) : Val::make_link(p.path));
      for (const auto& a : p.accounts) add_unique(accounts, a);
    }
  }
  auto note = company_note(display);
  Val link = note ? Val::make_link(*note) : Val::null();
  company_notes_[key] = {display, std::move(note)};
  set_row(kCompaniesTable, key,
          Fields{{"name", Val::string(display)},
                 {"link", std::move(link)},
                 {"people", Val::make_list(people)},
                 {"accounts", Val::make_list(accounts)}});
}

// A company's note: the one its name resolves to (by path, file name or
// alias) when the graph types it a company or an account, as the graph
// resolves a person's company (works_at). Used to be always null.
std::optional<std::string> EntityTables::company_note(const std::string& name) const {
  const std::string* path = v_.resolve_stored(name, "", true);
  if (!path) return std::nullopt;
  auto kind = g_.kind_of(*path);
  if (kind != graph::Kind::Company && kind != graph::Kind::Account) return std::nullopt;
  return *path;
}

std::optional<Fields> EntityTables::note_row(int table, const parse::Note& n) {
  const unsigned kind = table == kAccountsTable ? kAccount : table == kProjectsTable ? kProject : kMeeting;
  if (!(kinds_of(g_, n) & kind)) return std::nullopt;
  Fields f;
  f.emplace_back("name", Val::string(n.name));
  f.emplace_back("link", Val::make_link(n.path));
  std::string status = fm_string(n, "status");
  f.emplace_back("status", status.empty() ? Val::null() : Val::string(status));
  List accounts;
  for (const auto& a : fm_links(v_, n, "account")) add_unique(accounts, Val::make_link(a));
  for (const auto& a : fm_links(v_, n, "customer")) add_unique(accounts, Val::make_link(a));
  if (table == kAccountsTable) {
    List people, meetings, projects;
    if (auto roster = panel::roster(v_, g_, n.path)) {
      for (const auto& c : roster->contacts) add_unique(people, c.link ? Val::make_link(*c.link) : Val::string(c.name));
      for (const auto& c : roster->collaborators) add_unique(people, c.link ? Val::make_link(*c.link) : Val::string(c.name));
    }
    double last = std::nan("");
    for (const parse::Note* bn : backlinks_read_by(n, kAccountsTable)) {
      const unsigned kinds = kinds_of(g_, *bn);
      if (kinds & kMeeting) {
        add_unique(meetings, Val::make_link(bn->path));
        double d = note_day(*bn);
        if (!std::isnan(d) && (std::isnan(last) || d > last)) last = d;
      } else if (kinds & kProject) {
        add_unique(projects, Val::make_link(bn->path));
      }
    }
    f.emplace_back("people", Val::make_list(people));
    f.emplace_back("meetings", Val::make_list(meetings));
    f.emplace_back("projects", Val::make_list(projects));
    f.emplace_back("last_contact", std::isnan(last) ? Val::null() : Val::date(last));
  } else if (table == kProjectsTable) {
    f.emplace_back("accounts", Val::make_list(accounts));
    auto owner = fm_links(v_, n, "owner");
    f.emplace_back("owner", owner.empty() ? Val::null() : Val::make_link(owner[0]));
  } else {
    double d = note_day(n);
    f.emplace_back("date", std::isnan(d) ? Val::null() : Val::date(d));
    f.emplace_back("accounts", Val::make_list(accounts));
    List attendees;
    for (const auto& a : fm_links(v_, n, "attendees")) add_unique(attendees, Val::make_link(a));
    f.emplace_back("attendees", Val::make_list(attendees));
  }
  return f;
}

void EntityTables::refresh(int table, const std::string& key) {
  if (table == kPeopleTable) {
    // The companies this person was and is known at have their rows made again.
    for (const auto& c : companies_of(key)) {
      auto it = company_people_.find(c);
      it->second.erase(key);
      if (it->second.empty()) company_people_.erase(it);
      companies_touched_.insert(c);
    }
    set_row(table, key, person_row(key));
    for (const auto& c : companies_of(key)) {
      company_people_[c].insert(key);
      companies_touched_.insert(c);
    }
    return;
  }
  const parse::Note* n = v_.find(key);
  set_row(table, key, n ? note_row(table, *n) : std::nullopt);
}

bool EntityTables::apply_changes(const index::Vault::ChangeSet& changes) {
  if (!identities_known_) return false;
  // By path: gone (removed, or the source of a rename), new (added and still
  // there, whatever came after), or edited in place (and still there).
  const std::vector<std::string_view>& removed = changes.removed;
  const std::vector<std::string_view>& added = changes.added;
  const std::vector<std::string_view>& edited = changes.edited;
  // Past a few dozen notes (a sync, a bulk replace) a build is as cheap.
  if (removed.size() + added.size() + edited.size() > 64) return false;
  // The notes whose references the graph resolved again since: an account's
  // roster comes from its resolved relations.
  std::vector<std::string> reresolved;
  if (!g_.reresolved_since(generation_, reresolved)) return false;
  // Addresses only: never read.
  const std::vector<const void*>& removed_notes = changes.removed_notes;
  for (std::string_view path : added) {
    const parse::Note* n = v_.find(path);
    // An address still known belongs to a note that went (and is in the changes).
    if (identity_.count(n) && !std::binary_search(removed_notes.begin(), removed_notes.end(), static_cast<const void*>(n)))
      return false;
  }

  std::set<std::string> dirty[kTableCount];  // the rows to compute again, per table
  auto dirty_all = [&](std::string_view key) {
    for (auto& d : dirty) d.emplace(key);
  };
  auto rows_reading = [&](const parse::Note* n) {  // the rows that read `n` as a backlink
    if (auto r = readers_.find(n); r != readers_.end()) {
      for (const auto& [table, key] : r->second) dirty[table].insert(key);
      readers_.erase(r);  // the rows computed again record what they read now
    }
  };
  std::set<std::string> names;  // (lower-case) of notes that came or went, and aliases that did
  auto add_names = [&](const auto& list) {
    for (const auto& name : list) names.insert(parse::detail::ascii_lower(name));
  };
  std::set<std::string> reroster;  // accounts whose rosters are read again
  // Gone: their rows (made again from what else lists them), and the rows
  // that read them. An address may be a new note's by now: what is known
  // under it is the gone note's.
  for (std::string_view path : removed) {
    dirty_all(path);
    names.insert(parse::detail::ascii_lower(index::link_name_view(path)));
    reroster.emplace(path);
  }
  for (const void* address : removed_notes) {
    const auto* n = static_cast<const parse::Note*>(address);
    rows_reading(n);
    identity_.erase(n);
    if (auto a = aliases_.find(n); a != aliases_.end()) {
      add_names(a->second);
      aliases_.erase(a);
    }
  }
  // Edited and new: their rows, those that read them, those they link to now.
  std::vector<const parse::Note*> changed;
  for (std::string_view path : edited) {
    const parse::Note* n = v_.find(path);
    auto it = identity_.find(n);
    if (it == identity_.end()) return false;  // every note there is known: cannot happen
    const uint64_t now = identity_of(g_, *n);
    if (it->second != now) {
      // Aliases or kind changed: as if the note went and came back.
      it->second = now;
      names.insert(parse::detail::ascii_lower(n->name));
      if (auto a = aliases_.find(n); a != aliases_.end()) {
        add_names(a->second);
        aliases_.erase(a);
      }
      add_names(n->aliases);
      if (!n->aliases.empty()) aliases_[n] = n->aliases;
    }
    changed.push_back(n);
  }
  for (std::string_view path : added) {
    const parse::Note* n = v_.find(path);
    identity_[n] = identity_of(g_, *n);
    if (!n->aliases.empty()) aliases_[n] = n->aliases;
    names.insert(parse::detail::ascii_lower(n->name));
    add_names(n->aliases);
    changed.push_back(n);
  }
  // When only edits came, none changing a note's names or kind, every link
  // as written resolves where it did. Then an edited note that links to the
  // same notes with the same day as before (a line of prose typed into a
  // meeting note, a task ticked) leaves the rows that read it as a backlink
  // as they were, and with the same frontmatter most of its own rows too.
  // Computing every attendee's row again, each listing that person's
  // backlinks, was most of a dashboard's check after an edit.
  const bool links_resolve_alike = removed.empty() && added.empty() && names.empty() && reresolved.empty();
  // The note as the tables last read it: the `before` of its first edit
  // since, null when the vault no longer keeps it.
  auto as_read = [&](std::string_view path) -> const parse::Note* {
    for (const auto& c : changes.log)
      if (c.path == path) return c.kind == index::Vault::Change::Kind::Edited ? c.before.get() : nullptr;
    return nullptr;
  };
  for (const parse::Note* n : changed) {
    if (links_resolve_alike)
      if (const parse::Note* was = as_read(n->path); was && read_alike_as_backlink(v_, *was, *n)) {
        // Its own rows read its frontmatter, and an account's its body too
        // (the roster); with the same frontmatter a person's, project's or
        // meeting's row is made again the same (a person's backlinks, and
        // the rosters listing them, are other notes').
        if (!(kinds_of(g_, *n) & kAccount) && was->frontmatter == n->frontmatter) continue;
        dirty_all(n->path);
        reroster.insert(n->path);
        continue;
      }
    dirty_all(n->path);
    reroster.insert(n->path);
    rows_reading(n);
    for (const auto& link : n->links) {
      if (link.target.empty()) continue;
      if (const std::string* target = v_.resolve_stored(link.target, n->path)) dirty_all(*target);
    }
  }
  // Names that came or went: links with such a name may resolve elsewhere
  // now. Backlinks move between the notes of that name; frontmatter links
  // (accounts, attendees, owners) change the rows of the notes holding
  // them; an account's collaborators table resolves its links too.
  for (const std::string& name : names) {
    for (const parse::Note* n : v_.notes_named(name)) dirty_all(n->path);
    const std::string link_name = index::link_key(index::link_name_view(name));  // compared as the vault does
    for (const parse::Note* n : v_.notes_linking_name(name)) {
      if (kinds_of(g_, *n) & kAccount) reroster.insert(n->path);
      for (const auto& l : n->links)
        if (!l.frontmatter_key.empty() && index::link_key(index::link_name_view(l.target)) == link_name) {
          dirty_all(n->path);
          break;
        }
    }
  }
  // References the graph resolved again (a person an account lists by name
  // now has a note, or no longer has one).
  for (const std::string& path : reresolved)
    if (const parse::Note* n = v_.find(path); n && (kinds_of(g_, *n) & kAccount)) reroster.insert(path);

  const bool people = tables_[kPeopleTable].built;
  for (const std::string& account : reroster) {
    dirty[kAccountsTable].insert(account);  // its people column
    if (!people) continue;
    // The people it lists differently now (a rename of one person an
    // account lists reads the account's roster again, but only that
    // person's entries change).
    const std::vector<RosterEntry> before = drop_roster(account);
    const parse::Note* n = v_.find(account);
    if (n && (kinds_of(g_, *n) & kAccount)) read_roster(account);
    auto now = rosters_.find(account);
    people_listed_differently(before, now == rosters_.end() ? std::vector<RosterEntry>() : now->second,
                              dirty[kPeopleTable]);
  }
  if (people) {
    for (const auto& key : dirty[kPeopleTable]) refresh(kPeopleTable, key);
    // A note that came, went or changed its aliases or kind may be where a
    // company's name resolves now, or no longer.
    if (tables_[kCompaniesTable].built && !names.empty())
      for (const auto& [key, shown] : company_notes_)
        if (company_note(shown.first) != shown.second) companies_touched_.insert(key);
    if (tables_[kCompaniesTable].built)
      for (const auto& c : companies_touched_) refresh_company(c);
    companies_touched_.clear();
  }
  for (int t : {kAccountsTable, kProjectsTable, kMeetingsTable})
    if (tables_[t].built)
      for (const auto& key : dirty[t]) refresh(t, key);
  generation_ = v_.generation();
  return true;
}

namespace {

// The tables kept in `cache`, brought up to the vault's state: patched row
// by row after edits, built afresh after anything else.
EntityTables& tables_for(const index::Vault& v, const graph::Graph& g, EntityCache& cache) {
  std::shared_ptr<EntityTables>& t = cache.tables;
  if (t && (t->vault() != &v || t->graph() != &g)) t.reset();
  if (t && t->generation() != v.generation()) {
    index::Vault::ChangeSet changes;
    if (!v.changes_since(t->generation(), changes) || !t->apply_changes(changes)) t.reset();
  }
  if (!t) t = std::make_shared<EntityTables>(v, g);
  return *t;
}

// Without a cache (or without the engine's graph, when the tables could not
// follow it): tables for this query alone.
template <typename Read>
auto with_tables(const Ctx& ctx, std::string_view kind, Read read) -> decltype(read(std::declval<EntityTables&>(), 0)) {
  const int table = table_of(kind);
  if (table < 0) return {};
  const graph::Graph* g = ctx.opt ? ctx.opt->graph : nullptr;
  EntityCache* cache = ctx.opt ? ctx.opt->entity_cache : nullptr;
  if (g && cache) return read(tables_for(*ctx.vault, *g, *cache), table);
  // Account contacts come from the graph; without the engine's, build one
  // for this query (linear in the vault, once).
  std::optional<graph::Graph> own_graph;
  if (!g) {
    own_graph.emplace();
    own_graph->rebuild(*ctx.vault);
    g = &*own_graph;
  }
  EntityTables tables(*ctx.vault, *g);
  return read(tables, table);
}

}  // namespace

std::vector<Entity> entity_rows(const Ctx& ctx, std::string_view kind) {
  if (ctx.opt && ctx.opt->entities) return ctx.opt->entities->entities(kind);
  return with_tables(ctx, kind, [](EntityTables& t, int table) { return t.rows(table); });
}

std::vector<std::shared_ptr<const ObjData>> entity_objects(const Ctx& ctx, std::string_view kind) {
  if (ctx.opt && ctx.opt->entities) {
    std::vector<std::shared_ptr<const ObjData>> out;
    for (const auto& ent : ctx.opt->entities->entities(kind)) out.push_back(object_of(ent));
    return out;
  }
  return with_tables(ctx, kind, [](EntityTables& t, int table) { return t.objects(table); });
}

std::optional<std::vector<std::shared_ptr<const ObjData>>> entity_objects_linking(const Ctx& ctx, std::string_view kind,
                                                                                  const std::string& member,
                                                                                  const std::string& path) {
  const int table = table_of(kind);
  const graph::Graph* g = ctx.opt ? ctx.opt->graph : nullptr;
  EntityCache* cache = ctx.opt ? ctx.opt->entity_cache : nullptr;
  if (table < 0 || !g || !cache || (ctx.opt && ctx.opt->entities)) return std::nullopt;
  EntityTables& tables = tables_for(*ctx.vault, *g, *cache);
  const auto& objects = tables.objects(table);
  std::vector<std::shared_ptr<const ObjData>> out;
  for (uint32_t i : tables.rows_linking(table, member, path)) out.push_back(objects[i]);
  return out;
}

void read_entities(const Ctx& ctx, std::string_view kind) {
  if (!ctx.reads) return;
  const int table = table_of(kind);
  const graph::Graph* g = ctx.opt ? ctx.opt->graph : nullptr;
  EntityCache* cache = ctx.opt ? ctx.opt->entity_cache : nullptr;
  // Tables of this query alone, or a host's own provider: nothing to
  // compare with later, so any change counts.
  if (table < 0 || !g || !cache || !cache->tables || (ctx.opt && ctx.opt->entities)) return read_any_change(ctx);
  const index::Vault* vault = ctx.vault;
  const uint64_t serial = cache->tables->serial(), version = cache->tables->version(table);
  std::function<bool()> before = std::move(ctx.reads->entities_moved);
  // The engine keeps `cache` and the graph as long as the answer that holds
  // this check. The tables are patched here as the next query would patch
  // them, which that query then does not have to.
  ctx.reads->entities_moved = [before = std::move(before), vault, g, cache, table, serial, version] {
    if (before && before()) return true;
    const EntityTables& t = tables_for(*vault, *g, *cache);
    return t.serial() != serial || t.version(table) != version;
  };
}

namespace {
class IndexEntities : public EntityProvider {
 public:
  explicit IndexEntities(const index::Vault& v) : vault_(v) {}
  std::vector<Entity> entities(std::string_view kind) const override {
    Options opt;
    RegexCache rc(opt.regex_match_limit, opt.regex_depth_limit);
    Ctx ctx;
    ctx.vault = &vault_;
    ctx.opt = &opt;
    ctx.regex = &rc;
    ctx.now = parse_now("");
    return entity_rows(ctx, kind);
  }

 private:
  const index::Vault& vault_;
};
}  // namespace

std::unique_ptr<EntityProvider> index_entities(const index::Vault& vault) { return std::make_unique<IndexEntities>(vault); }

}  // namespace vaultcrm::query
