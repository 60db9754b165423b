// Entity sources (FROM people / accounts / companies / projects / meetings)
// derived from the index alone. The graph layer can replace this through
// query::EntityProvider; the field names are the contract (docs/json-api.md).
#include <optional>
#include <algorithm>
#include <cmath>
#include <map>

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

// A note's kinds: its `type`, else its top folder; or a type/... tag.
enum KindBits : unsigned { kPerson = 1, kAccount = 2, kProject = 4, kMeeting = 8 };

// Text compared with lower-case ASCII words as lower_utf8(text) would be.
// The tables test every note's kind, and nearly every type, tag and folder
// is ASCII: that is compared in place; other text is lowered once (which
// also maps a few non-ASCII letters to ASCII ones: U+0130 to 'i', the
// Kelvin sign to 'k').
class LowerText {
 public:
  explicit LowerText(std::string_view s) : text_(s) {
    for (char c : s)
      if (static_cast<unsigned char>(c) >= 0x80) {
        lowered_ = lower_utf8(s);
        text_ = lowered_;
        break;
      }
  }
  bool is(std::string_view word) const { return parse::detail::equals_ascii_ci(text_, word); }

 private:
  std::string_view text_;
  std::string lowered_;
};

unsigned kinds_of(const parse::Note& n) {
  unsigned kinds = 0;
  auto add = [&](std::string_view text, std::string_view person, std::string_view account1,
                 std::string_view account2, std::string_view project, std::string_view meeting) {
    LowerText word(text);
    if (word.is(person)) kinds |= kPerson;
    else if (word.is(account1) || word.is(account2)) kinds |= kAccount;
    else if (word.is(project)) kinds |= kProject;
    else if (word.is(meeting)) kinds |= kMeeting;
  };
  std::string_view type = fm_view(n, "type");
  if (!type.empty()) add(type, "person", "customer", "account", "project", "meeting");
  // No non-ASCII letter lowers to one of "type/", so a type tag starts with those bytes.
  for (const auto& t : n.tags)
    if (t.size() > 5 && parse::detail::equals_ascii_ci(std::string_view(t).substr(0, 5), "type/"))
      add(std::string_view(t).substr(5), "person", "customer", "account", "project", "meeting");
  if (type.empty()) {
    std::string_view folder = n.folder;
    add(folder.substr(0, folder.find('/')), "people", "customers", "customers", "projects", "meetings");
  }
  return kinds;
}

// Links from a frontmatter field ("[[X]]" strings or lists of them), resolved.
std::vector<std::string> fm_links(const index::Vault& v, const parse::Note& n, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& l : n.links)
    if (!l.frontmatter_key.empty() && key_matches(l.frontmatter_key, key)) {
      auto r = v.resolve(l.target, n.path);
      out.push_back(r ? *r : l.target);
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

namespace {
std::vector<Entity> compute_entity_rows(const Ctx& ctx, std::string_view kind);
}  // namespace

namespace {
// The table in the cache, computed on its first use in this vault generation.
const std::vector<Entity>& cached_rows(const Ctx& ctx, std::string_view kind, EntityCache& cache) {
  if (cache.generation != ctx.vault->generation()) {
    cache.clear();
    cache.generation = ctx.vault->generation();
  }
  for (const auto& [k, rows] : cache.by_kind)
    if (k == kind) return rows;
  cache.by_kind.emplace_back(std::string(kind), compute_entity_rows(ctx, kind));
  return cache.by_kind.back().second;
}
}  // namespace

std::vector<Entity> entity_rows(const Ctx& ctx, std::string_view kind) {
  if (ctx.opt && ctx.opt->entities) return ctx.opt->entities->entities(kind);
  EntityCache* cache = ctx.opt ? ctx.opt->entity_cache : nullptr;
  if (!cache) return compute_entity_rows(ctx, kind);
  return cached_rows(ctx, kind, *cache);
}

std::vector<std::shared_ptr<const ObjData>> entity_objects(const Ctx& ctx, std::string_view kind) {
  auto objects_of = [](const std::vector<Entity>& rows) {
    std::vector<std::shared_ptr<const ObjData>> out;
    out.reserve(rows.size());
    for (const auto& ent : rows) {
      auto o = std::make_shared<ObjData>();
      o->members.reserve(ent.fields.size());
      for (const auto& f : ent.fields) o->members.emplace_back(f.first, from_cell(f.second));
      out.push_back(std::move(o));
    }
    return out;
  };
  EntityCache* cache = ctx.opt && !ctx.opt->entities ? ctx.opt->entity_cache : nullptr;
  if (!cache) return objects_of(entity_rows(ctx, kind));
  if (cache->generation != ctx.vault->generation()) {
    cache->clear();
    cache->generation = ctx.vault->generation();
  }
  for (const auto& [k, objects] : cache->objects_by_kind)
    if (k == kind) return objects;
  auto objects = objects_of(cached_rows(ctx, kind, *cache));  // the rows stay cached, uncopied
  cache->objects_by_kind.emplace_back(std::string(kind), std::move(objects));
  return cache->objects_by_kind.back().second;
}

namespace {

std::vector<Entity> compute_entity_rows(const Ctx& ctx, std::string_view kind) {
  const index::Vault& v = *ctx.vault;
  // Account contacts come from the graph; without the engine's, build one
  // for this query (linear in the vault, once).
  std::optional<graph::Graph> own_graph;
  const graph::Graph* g = ctx.opt ? ctx.opt->graph : nullptr;
  if (!g) {
    own_graph.emplace();
    own_graph->rebuild(v);
    g = &*own_graph;
  }
  std::vector<Entity> out;
  auto emit = [&](std::vector<std::pair<std::string, Val>> fields) {
    Entity e;
    for (auto& f : fields) e.fields.emplace_back(f.first, to_cell(f.second));
    out.push_back(std::move(e));
  };

  if (kind == "people" || kind == "companies") {
    std::map<std::string, Person> people;  // key: path or "name:" + lower name
    for (const auto& kv : v.notes()) {
      const parse::Note& n = kv.second;
      if (!(kinds_of(n) & kPerson)) continue;
      Person& p = people[n.path];
      p.name = n.name;
      p.path = n.path;
      for (const auto& a : n.aliases) add_unique(p.aliases, Val::string(a));
      std::string role = fm_string(n, "role");
      if (role.empty()) role = fm_string(n, "title");
      if (!role.empty()) add_unique(p.roles, Val::string(role));
      std::string company = fm_string(n, "company");
      if (!company.empty()) {
        if (company.size() > 4 && company.compare(0, 2, "[[") == 0) company = company.substr(2, company.find_first_of("]|") - 2);
        add_unique(p.companies, Val::string(company));
      }
      for (const auto& a : fm_links(v, n, "account")) add_unique(p.accounts, Val::make_link(a));
      auto back = v.backlinks(n.path);
      p.mentions = static_cast<int>(back.size());
      for (const auto& b : back)
        if (const auto* bn = v.find(b); bn && (kinds_of(*bn) & kMeeting)) {
          double d = note_day(*bn);
          if (!std::isnan(d) && (std::isnan(p.last) || d > p.last)) p.last = d;
        }
    }
    // People listed in account notes (Key Contacts, Collaborators), with or without a note.
    for (const auto& kv : v.notes()) {
      const parse::Note& n = kv.second;
      if (!(kinds_of(n) & kAccount)) continue;
      auto panel = panel::roster(v, *g, n.path);
      if (!panel) continue;
      auto person_for = [&](const std::string& name, const std::optional<std::string>& link) -> Person& {
        std::string key = link ? *link : "name:" + lower_utf8(name);
        Person& p = people[key];
        if (p.name.empty()) {
          p.name = name;
          if (link) p.path = *link;
        }
        if (std::find(p.surface.begin(), p.surface.end(), name) == p.surface.end()) p.surface.push_back(name);
        add_unique(p.accounts, Val::make_link(n.path));
        return p;
      };
      for (const auto& c : panel->contacts) {
        Person& p = person_for(c.name, c.link);
        if (c.link) continue;
        p.mentions += c.count;
      }
      for (const auto& c : panel->collaborators) {
        Person& p = person_for(c.name, c.link);
        if (!c.role.empty()) add_unique(p.roles, Val::string(c.role));
        if (!c.company.empty()) add_unique(p.companies, Val::string(c.company));
        if (!c.link) p.mentions += 1;
      }
    }
    if (kind == "people") {
      for (auto& kv : people) {
        Person& p = kv.second;
        List surface;
        for (const auto& s : p.surface)
          if (s != p.name) add_unique(surface, Val::string(s));
        emit({{"name", Val::string(p.name)},
              {"link", link_or_null(p.path)},
              {"has_note", Val::boolean(!p.path.empty())},
              {"aliases", Val::make_list(p.aliases)},
              {"roles", Val::make_list(p.roles)},
              {"companies", Val::make_list(p.companies)},
              {"accounts", Val::make_list(p.accounts)},
              {"mentions", Val::number(p.mentions)},
              {"last_contact", std::isnan(p.last) ? Val::null() : Val::date(p.last)},
              {"duplicates", Val::make_list(surface)}});
      }
    } else {
      std::map<std::string, std::pair<List, List>> companies;  // name -> (people, accounts)
      std::map<std::string, std::string> display;
      for (auto& kv : people)
        for (const auto& c : kv.second.companies.empty() ? List{} : kv.second.companies) {
          std::string key = lower_utf8(c.s);
          if (!display.count(key)) display[key] = c.s;
          add_unique(companies[key].first, kv.second.path.empty() ? Val::string(kv.second.name) : Val::make_link(kv.second.path));
          for (const auto& a : kv.second.accounts) add_unique(companies[key].second, a);
        }
      for (auto& kv : companies)
        emit({{"name", Val::string(display[kv.first])},
              {"link", Val::null()},
              {"people", Val::make_list(kv.second.first)},
              {"accounts", Val::make_list(kv.second.second)}});
    }
    return out;
  }

  const unsigned note_kind = kind == "accounts"   ? unsigned{kAccount}
                             : kind == "projects" ? unsigned{kProject}
                             : kind == "meetings" ? unsigned{kMeeting}
                                                  : 0u;
  if (!note_kind) return out;
  for (const auto& kv : v.notes()) {
    const parse::Note& n = kv.second;
    if (!(kinds_of(n) & note_kind)) continue;
    std::vector<std::pair<std::string, Val>> f;
    f.emplace_back("name", Val::string(n.name));
    f.emplace_back("link", Val::make_link(n.path));
    std::string status = fm_string(n, "status");
    f.emplace_back("status", status.empty() ? Val::null() : Val::string(status));
    List accounts;
    for (const auto& a : fm_links(v, n, "account")) add_unique(accounts, Val::make_link(a));
    for (const auto& a : fm_links(v, n, "customer")) add_unique(accounts, Val::make_link(a));
    if (kind == "accounts") {
      List people, meetings, projects;
      if (auto panel = panel::roster(v, *g, n.path)) {
        for (const auto& c : panel->contacts) add_unique(people, c.link ? Val::make_link(*c.link) : Val::string(c.name));
        for (const auto& c : panel->collaborators) add_unique(people, c.link ? Val::make_link(*c.link) : Val::string(c.name));
      }
      double last = std::nan("");
      for (const auto& b : v.backlinks(n.path))
        if (const auto* bn = v.find(b)) {
          const unsigned kinds = kinds_of(*bn);
          if (kinds & kMeeting) {
            add_unique(meetings, Val::make_link(b));
            double d = note_day(*bn);
            if (!std::isnan(d) && (std::isnan(last) || d > last)) last = d;
          } else if (kinds & kProject) {
            add_unique(projects, Val::make_link(b));
          }
        }
      f.emplace_back("people", Val::make_list(people));
      f.emplace_back("meetings", Val::make_list(meetings));
      f.emplace_back("projects", Val::make_list(projects));
      f.emplace_back("last_contact", std::isnan(last) ? Val::null() : Val::date(last));
    } else if (kind == "projects") {
      f.emplace_back("accounts", Val::make_list(accounts));
      auto owner = fm_links(v, n, "owner");
      f.emplace_back("owner", owner.empty() ? Val::null() : Val::make_link(owner[0]));
    } else {
      double d = note_day(n);
      f.emplace_back("date", std::isnan(d) ? Val::null() : Val::date(d));
      f.emplace_back("accounts", Val::make_list(accounts));
      List attendees;
      for (const auto& a : fm_links(v, n, "attendees")) add_unique(attendees, Val::make_link(a));
      f.emplace_back("attendees", Val::make_list(attendees));
    }
    emit(std::move(f));
  }
  return out;
}

}  // namespace

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
