// The DQL pipeline: FROM picks pages through the vault's indexes, then
// WHERE / SORT / GROUP BY / FLATTEN / LIMIT run in the order written.
#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "query/cache.h"
#include "query/exec.h"
#include "query/fingerprint.h"
#include "vaultcrm/parse.h"

namespace vaultcrm::query {

namespace {

using PathSet = std::vector<const parse::Note*>;  // sorted by path

PathSet all_notes(const Ctx& ctx) {
  PathSet out;
  out.reserve(ctx.vault->size());
  for (const auto& kv : ctx.vault->notes()) out.push_back(&kv.second);
  return out;
}

bool by_path(const parse::Note* a, const parse::Note* b) { return a->path < b->path; }

PathSet from_paths(const Ctx& ctx, const std::vector<std::string>& paths) {
  PathSet out;
  out.reserve(paths.size());
  for (const auto& p : paths)
    if (const auto* n = ctx.vault->find(p)) out.push_back(n);
  // The index answers most sources in path order already.
  if (!std::is_sorted(out.begin(), out.end(), by_path)) std::sort(out.begin(), out.end(), by_path);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string resolve_target(const Ctx& ctx, const std::string& target, const Source& s) {
  std::string t = target;
  size_t cut = t.find_first_of("|#");
  if (cut != std::string::npos) t.resize(cut);
  if (t.empty()) return ctx.origin;
  if (auto r = ctx.vault->resolve(t, ctx.origin)) return *r;
  (void)s;
  return {};
}

// FROM "text": the one note it names when there is one (Dataview: "folder/note"
// or "folder/note.md" selects that file), else nullptr; `folder` is the text
// without trailing slashes.
const parse::Note* file_of_folder_source(const Ctx& ctx, std::string_view text, std::string& folder) {
  folder.assign(text);
  while (!folder.empty() && folder.back() == '/') folder.pop_back();
  if (const auto* n = ctx.vault->find(folder)) return n;
  return ctx.vault->find(folder + ".md");
}

PathSet eval_source(const Ctx& ctx, const Source& s) {
  switch (s.k) {
    case Source::K::All: return all_notes(ctx);
    case Source::K::Tag: return ctx.vault->tagged_notes(s.text, true);  // unique, in path order
    case Source::K::Folder: {
      std::string f;
      if (const auto* n = file_of_folder_source(ctx, s.text, f)) return PathSet{n};
      // (The query cache keeps the folder's notes, in path order, until the vault changes.)
      if (ctx.cache) return ctx.cache->folder_notes(f);
      PathSet out = ctx.vault->notes_in_folder(f);
      // Already in path order (from the index's sorted map); sorting it again
      // compared long shared path prefixes n log n times.
      if (!std::is_sorted(out.begin(), out.end(), by_path)) std::sort(out.begin(), out.end(), by_path);
      return out;
    }
    case Source::K::Incoming: {
      std::string target = resolve_target(ctx, s.text, s);
      if (target.empty()) return {};
      return from_paths(ctx, ctx.vault->backlinks(target, true));
    }
    case Source::K::Outgoing: {
      std::string target = resolve_target(ctx, s.text, s);
      const auto* n = target.empty() ? nullptr : ctx.vault->find(target);
      if (!n) return {};
      read_note(ctx, n);  // its links are the source
      std::vector<std::string> paths;
      for (const auto& l : n->links)
        if (auto r = ctx.vault->resolve(l.target, n->path)) paths.push_back(*r);
      return from_paths(ctx, paths);
    }
    case Source::K::Entity:
      throw QueryFailure{"query_syntax",
                         "entity source '" + s.text + "' cannot be combined with other sources at " +
                             std::to_string(s.pos.line) + ":" + std::to_string(s.pos.column),
                         s.pos};
    case Source::K::And: {
      PathSet a = eval_source(ctx, *s.a), b = eval_source(ctx, *s.b), out;
      std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out), by_path);
      return out;
    }
    case Source::K::Or: {
      PathSet a = eval_source(ctx, *s.a), b = eval_source(ctx, *s.b), out;
      std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out), by_path);
      return out;
    }
    case Source::K::Not: {
      PathSet all = all_notes(ctx), b = eval_source(ctx, *s.a), out;
      std::set_difference(all.begin(), all.end(), b.begin(), b.end(), std::back_inserter(out), by_path);
      return out;
    }
  }
  return {};
}

// Runs `f` per row; a row whose evaluation fails is dropped, unless every row
// fails, which fails the query with the first error (Dataview does the same).
template <class F>
void per_row(std::vector<Row>& rows, F f) {
  std::vector<Row> kept;
  kept.reserve(rows.size());
  size_t failed = 0;
  QueryFailure first;
  for (auto& r : rows) {
    try {
      f(r, kept);
    } catch (QueryFailure& e) {
      if (e.code != "query_eval") throw;
      if (failed++ == 0) first = e;
    }
  }
  if (failed && failed == rows.size()) throw first;
  rows.swap(kept);
}

std::shared_ptr<ObjData> extra_with(const Row& r, const std::string& name, Val v) {
  auto o = r.extra ? std::make_shared<ObjData>(*r.extra) : std::make_shared<ObjData>();
  bool replaced = false;
  for (auto& m : o->members)
    if (m.first == name) m.second = v, replaced = true;
  if (!replaced) o->members.emplace_back(name, std::move(v));
  return o;
}

Val id_of(const Ctx& ctx, const Row& r) {
  if (r.extra) {
    for (const auto& m : r.extra->members)
      if (m.first == "key" && !r.page) return m.second;
  }
  if (r.page) return Val::make_link(r.page->path);
  if (r.extra) {
    for (const char* k : {"link", "name"})
      for (const auto& m : r.extra->members)
        if (m.first == k && !m.second.is_null()) return m.second;
  }
  (void)ctx;
  return Val::null();
}

// The note's own string a SORT reads, when its one key is file.name,
// file.path or file.folder and every row is a page as eval's file.<field>
// shortcut sees it (a page, no computed members); nullptr otherwise.
std::string parse::Note::*single_file_text_key(const Step& step, const std::vector<Row>& rows) {
  if (detail::plain_evaluation() || step.sorts.size() != 1) return nullptr;
  const Expr& e = *step.sorts[0].e;
  if (e.k != Expr::K::Member || e.kids.size() != 1 || e.kids[0]->k != Expr::K::Ident || e.kids[0]->name != "file")
    return nullptr;
  std::string parse::Note::*field = e.name == "name" ? &parse::Note::name : e.name == "path" ? &parse::Note::path
                                    : e.name == "folder" ? &parse::Note::folder : nullptr;
  if (!field) return nullptr;
  for (const auto& r : rows)
    if (!r.page || r.extra) return nullptr;
  return field;
}

}  // namespace

void fold_constants(DqlQuery& q, const Ctx& ctx) {
  for (auto& c : q.columns)
    if (c.e) fold_constants(*c.e, ctx);
  for (auto& step : q.steps) {
    if (step.e) fold_constants(*step.e, ctx);
    for (auto& sk : step.sorts)
      if (sk.e) fold_constants(*sk.e, ctx);
  }
}

void bind_cache(DqlQuery& q, const Ctx& ctx) {
  if (!ctx.cache) return;
  for (auto& c : q.columns)
    if (c.e) bind_cache(*c.e, *ctx.cache);
  for (auto& step : q.steps) {
    if (step.e) bind_cache(*step.e, *ctx.cache);
    for (auto& sk : step.sorts)
      if (sk.e) bind_cache(*sk.e, *ctx.cache);
  }
}

bool source_holds(const Ctx& ctx, const Source* from, const parse::Note& note) {
  if (!from) return true;
  if (from->k == Source::K::Folder) {
    // By the path alone, as eval_source and Vault::notes_in_folder read it,
    // without listing the folder.
    std::string f;
    if (const auto* n = file_of_folder_source(ctx, from->text, f)) return n == &note;
    while (!f.empty() && f.front() == '/') f.erase(0, 1);
    return f.empty() || (note.path.size() > f.size() && note.path.compare(0, f.size(), f) == 0 && note.path[f.size()] == '/');
  }
  // By the note's own tags, as Vault::tagged_notes files them (ASCII case
  // folded, the tag or a tag under it), without listing the tag's notes:
  // a check runs this for every edit of a note outside the answer.
  if (from->k == Source::K::Tag) {
    std::string_view key = from->text;
    while (!key.empty() && key.front() == '#') key.remove_prefix(1);
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return std::any_of(note.tags.begin(), note.tags.end(), [&](const std::string& tag) {
      if (tag.size() < key.size() || (tag.size() > key.size() && tag[key.size()] != '/')) return false;
      for (size_t i = 0; i < key.size(); ++i)
        if (lower(tag[i]) != lower(key[i])) return false;
      return true;
    });
  }
  // By the note's own links, as Vault::backlink_notes counts them, without
  // listing the target's backlinks: a dashboard's FROM [[Acme]] block asks
  // this after every edit.
  if (from->k == Source::K::Incoming) {
    const std::string target = resolve_target(ctx, from->text, *from);
    const parse::Note* to = target.empty() ? nullptr : ctx.vault->find(target);
    return to && ctx.vault->links_to(note, *to);
  }
  // The set operations, one note at a time.
  if (from->k == Source::K::And) return source_holds(ctx, from->a.get(), note) && source_holds(ctx, from->b.get(), note);
  if (from->k == Source::K::Or) return source_holds(ctx, from->a.get(), note) || source_holds(ctx, from->b.get(), note);
  if (from->k == Source::K::Not) return !source_holds(ctx, from->a.get(), note);
  const PathSet pages = eval_source(ctx, *from);
  return std::binary_search(pages.begin(), pages.end(), &note, by_path);
}

bool passes_leading_wheres(const DqlQuery& q, const Ctx& ctx, const parse::Note& note) {
  if (q.from && !source_holds(ctx, q.from.get(), note)) return false;
  std::vector<Row> rows;
  if (q.type == DqlQuery::Type::Task)
    for (const auto& t : note.tasks) rows.push_back(Row{&note, &t, nullptr});
  else
    rows.push_back(Row{&note, nullptr, nullptr});
  for (const Step& step : q.steps) {
    if (step.k != Step::K::Where || rows.empty()) break;
    per_row(rows, [&](Row& r, std::vector<Row>& out) {
      Env env{&ctx, &r, nullptr};
      if (truth(*step.e, env)) out.push_back(std::move(r));
    });
  }
  return !rows.empty();
}

namespace {

// Options::reads: the pages whose rows got through the FROM and the WHEREs
// before any other step. A page whose rows all failed them had no part in
// the answer, whatever else it holds.
void read_candidates(const Ctx& ctx, const DqlQuery& q, const std::vector<Row>& rows) {
  if (!ctx.reads) return;
  if (!q.from && (q.steps.empty() || q.steps.front().k != Step::K::Where)) {
    ctx.reads->all_notes = true;
    return;
  }
  const parse::Note* last = nullptr;
  for (const Row& r : rows)
    if (r.page && r.page != last) ctx.reads->rows.push_back(last = r.page);
}

}  // namespace

namespace {
// Whether `from` holds a note by that note alone (its path, its tags), so
// that asking it of the note as it was before an edit gives the answer of
// then. FROM [[X]] and outgoing([[X]]) ask the vault's link index, which
// knows only the note as it is.
bool source_by_note(const Source* from) {
  if (!from) return true;
  switch (from->k) {
    case Source::K::All:
    case Source::K::Tag:
    case Source::K::Folder: return true;
    case Source::K::And:
    case Source::K::Or: return source_by_note(from->a.get()) && source_by_note(from->b.get());
    case Source::K::Not: return source_by_note(from->a.get());
    default: return false;
  }
}
}  // namespace

bool rows_printable(const DqlQuery& q) {
  if (!source_by_note(q.from.get())) return false;
  // After a GROUP BY the steps read groups (rows.field), not a row.
  return std::none_of(q.steps.begin(), q.steps.end(), [](const Step& s) { return s.k == Step::K::Group; });
}

std::optional<uint64_t> row_print(const DqlQuery& q, const Ctx& ctx, const parse::Note& note) {
  Fingerprint f;
  const bool in_source = source_holds(ctx, q.from.get(), note);
  f.add(in_source);
  if (!in_source) return f.value();
  size_t leading = 0;
  while (leading < q.steps.size() && q.steps[leading].k == Step::K::Where) ++leading;
  // The row's verdict on the leading WHEREs and, when it gets through, all
  // else the query evaluates on a row. The later steps are evaluated on the
  // row as it was before them: what a FLATTEN adds is a value of its
  // expression, taken here, and a later WHERE or SORT on it reads nothing
  // else of the note.
  auto add_row = [&](const Row& row) {
    Env env{&ctx, &row, nullptr};
    bool through = true;
    for (size_t i = 0; i < leading && through; ++i) through = truth(*q.steps[i].e, env);
    f.add(through);
    if (!through) return true;
    if (row.task) add_task(f, note, *row.task);
    for (size_t i = leading; i < q.steps.size(); ++i) {
      const Step& step = q.steps[i];
      if (step.e && !add_value(f, eval(*step.e, env))) return false;
      for (const auto& key : step.sorts)
        if (key.e && !add_value(f, eval(*key.e, env))) return false;
    }
    for (const auto& column : q.columns)
      if (column.e && !add_value(f, eval(*column.e, env))) return false;
    return true;
  };
  if (q.type == DqlQuery::Type::Task) {
    f.add(note.tasks.size());
    for (const auto& t : note.tasks)
      if (!add_row(Row{&note, &t, nullptr})) return std::nullopt;
  } else if (!add_row(Row{&note, nullptr, nullptr})) {
    return std::nullopt;
  }
  return f.value();
}

Result exec_dql(const DqlQuery& q, const Ctx& ctx) {
  Result res;
  res.language = "dql";
  res.type = q.type == DqlQuery::Type::Table ? "table" : q.type == DqlQuery::Type::List ? "list" : "task";

  std::vector<Row> rows;
  bool entity_source = q.from && q.from->k == Source::K::Entity;
  if (entity_source) {
    if (q.type == DqlQuery::Type::Task)
      throw QueryFailure{"query_syntax", "TASK queries need note sources, not '" + q.from->text + "' at " +
                                             std::to_string(q.from->pos.line) + ":" + std::to_string(q.from->pos.column),
                         q.from->pos};
    // WHERE contains(accounts, [[Acme]]) first: only the rows that link
    // Acme in that field can pass, and the entity cache indexes them (at
    // 100k notes the people table is some 30k rows to evaluate otherwise).
    std::optional<std::vector<std::shared_ptr<const ObjData>>> linking;
    if (!q.steps.empty() && q.steps.front().k == Step::K::Where) {
      const Row no_row;
      std::string member;
      Val needle;
      if (contains_constant_conjunct(*q.steps.front().e, Env{&ctx, &no_row, nullptr}, Val::T::Link, member, needle))
        linking = entity_objects_linking(ctx, q.from->text, member, needle.s);
    }
    auto objects = linking ? std::move(*linking) : entity_objects(ctx, q.from->text);
    read_entities(ctx, q.from->text);
    rows.reserve(objects.size());
    for (auto& o : objects) rows.push_back(Row{nullptr, nullptr, std::move(o)});
  } else {
    PathSet pages = q.from ? eval_source(ctx, *q.from) : all_notes(ctx);
    if (q.type == DqlQuery::Type::Task) {
      for (const auto* n : pages)
        for (const auto& t : n->tasks) rows.push_back(Row{n, &t, nullptr});
    } else {
      rows.reserve(pages.size());
      for (const auto* n : pages) rows.push_back(Row{n, nullptr, nullptr});
    }
  }

  // With a page asked for (Options::page_size), a SORT followed by nothing
  // but LIMITs needs only the rows up to the page's end in order; how many
  // rows the whole answer has is then kept here, as they are cut.
  const size_t page_end = page_end_of(*ctx.opt);
  std::optional<size_t> answer_rows;
  bool grouped = false;
  std::string group_name;
  bool candidates_read = entity_source;
  for (size_t si = 0; si < q.steps.size(); ++si) {
    const Step& step = q.steps[si];
    if (!candidates_read && step.k != Step::K::Where) {
      read_candidates(ctx, q, rows);
      candidates_read = true;
    }
    switch (step.k) {
      case Step::K::Where:
        per_row(rows, [&](Row& r, std::vector<Row>& out) {
          Env env{&ctx, &r, nullptr};
          if (truth(*step.e, env)) out.push_back(std::move(r));
        });
        break;
      case Step::K::Sort: {
        // A LIMIT right after the SORT keeps only the first rows: those are
        // taken with a partial sort (ties by row index, which is the stable
        // order) instead of ordering every row.
        size_t keep = rows.size();
        if (!detail::plain_evaluation() && si + 1 < q.steps.size() && q.steps[si + 1].k == Step::K::Limit &&
            q.steps[si + 1].limit >= 0 && static_cast<size_t>(q.steps[si + 1].limit) < rows.size())
          keep = static_cast<size_t>(q.steps[si + 1].limit);
        if (!detail::plain_evaluation() && q.type != DqlQuery::Type::Task && page_end < keep) {
          // Rows are the answer's rows from here on (TASK answers count
          // tasks, not rows, so they are paged after the fact).
          size_t answer = keep;
          bool only_limits = true;
          for (size_t sj = si + 1; sj < q.steps.size() && only_limits; ++sj) {
            only_limits = q.steps[sj].k == Step::K::Limit;
            if (only_limits && q.steps[sj].limit >= 0) answer = std::min(answer, static_cast<size_t>(q.steps[sj].limit));
          }
          if (only_limits && page_end < answer) {
            answer_rows = answer;
            keep = page_end;
          }
        }
        std::vector<uint32_t> order(rows.size());
        for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
        // `cmp` is three-way (descending keys already flipped).
        auto sort_by = [&](auto cmp) {
          if (keep < order.size()) {
            // The order is total (ties by row index), so the first `keep` of
            // nth_element, sorted, are partial_sort's answer; but rows that
            // come in the opposite order (SORT date DESC over notes named by
            // date) each went through partial_sort's heap, a dozen
            // comparisons per row where nth_element takes two or three.
            auto less = [&](uint32_t a, uint32_t b) {
              int c = cmp(a, b);
              return c ? c < 0 : a < b;
            };
            const auto cut = order.begin() + static_cast<std::ptrdiff_t>(keep);
            std::nth_element(order.begin(), cut, order.end(), less);
            std::sort(order.begin(), cut, less);
            order.resize(keep);
          } else {
            std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return cmp(a, b) < 0; });
          }
        };
        const size_t per_row_keys = step.sorts.size();
        if (const auto field = single_file_text_key(step, rows)) {
          // SORT file.name / file.path / file.folder over pages: the notes'
          // own strings, compared as compare() compares two strings,
          // instead of a copy of each in a value.
          const bool desc = step.sorts[0].desc;
          const auto* ranks = ctx.cache ? ctx.cache->text_rank(field, rows.size()) : nullptr;
          // The vault's order of that text, kept by the cache: integers to
          // compare (every note of the vault has its rank; were one missing,
          // the texts are compared instead).
          std::vector<uint32_t> rank(ranks ? rows.size() : 0);
          for (size_t i = 0; i < rank.size() && ranks; ++i) {
            const uint32_t* r = ranks->find(rows[i].page);
            if (r) rank[i] = *r;
            else ranks = nullptr;
          }
          if (ranks) {
            sort_by([&](uint32_t a, uint32_t b) {
              int c = rank[a] < rank[b] ? -1 : rank[a] > rank[b] ? 1 : 0;
              return desc ? -c : c;
            });
          } else {
            std::vector<const std::string*> text(rows.size());
            for (size_t i = 0; i < rows.size(); ++i) text[i] = &(rows[i].page->*field);
            sort_by([&](uint32_t a, uint32_t b) {
              int c = compare_text(*text[a], *text[b]);
              return desc ? -c : c;
            });
          }
        } else {
          // Keys in one flat array, row i's at [i * per_row, (i + 1) * per_row);
          // indices are sorted, not (keys, row) pairs that each move a vector.
          std::vector<Val> keys;
          keys.reserve(rows.size() * per_row_keys);
          for (size_t i = 0; i < rows.size(); ++i) {
            Env env{&ctx, &rows[i], nullptr};
            for (const auto& sk : step.sorts) keys.push_back(eval(*sk.e, env));
          }
          // A key whose values are all dates (or all numbers), some maybe
          // null, is compared as plain doubles: compare() orders them so,
          // with null first (as -infinity: every value is finite).
          std::vector<double> numbers;
          std::vector<char> numeric(per_row_keys, 0);
          if (!detail::plain_evaluation()) {
            for (size_t j = 0; j < per_row_keys; ++j) {
              Val::T type = Val::T::Null;
              bool ok = true;
              for (size_t i = 0; i < rows.size() && ok; ++i) {
                const Val& k = keys[i * per_row_keys + j];
                if (k.t == Val::T::Null) continue;
                ok = (k.t == Val::T::Date || k.t == Val::T::Number) && (type == Val::T::Null || type == k.t) && std::isfinite(k.n);
                type = k.t;
              }
              if (!ok) continue;
              numeric[j] = 1;
              if (numbers.empty()) numbers.resize(keys.size());
              for (size_t i = 0; i < rows.size(); ++i) {
                const Val& k = keys[i * per_row_keys + j];
                numbers[i * per_row_keys + j] = k.t == Val::T::Null ? -HUGE_VAL : k.n;
              }
            }
          }
          sort_by([&](uint32_t a, uint32_t b) {
            for (size_t j = 0; j < per_row_keys; ++j) {
              const size_t ka = a * per_row_keys + j, kb = b * per_row_keys + j;
              int c = numeric[j] ? (numbers[ka] < numbers[kb] ? -1 : numbers[ka] > numbers[kb] ? 1 : 0) : compare(keys[ka], keys[kb]);
              if (c) return step.sorts[j].desc ? (c > 0 ? -1 : 1) : (c < 0 ? -1 : 1);
            }
            return 0;
          });
        }
        std::vector<Row> sorted;
        sorted.reserve(rows.size());
        for (uint32_t i : order) sorted.push_back(std::move(rows[i]));
        rows.swap(sorted);
        break;
      }
      case Step::K::Group: {
        std::vector<std::pair<Val, size_t>> keys;
        {
          size_t failed = 0;
          QueryFailure first;
          for (size_t i = 0; i < rows.size(); ++i) {
            Env env{&ctx, &rows[i], nullptr};
            try {
              keys.emplace_back(eval(*step.e, env), i);
            } catch (QueryFailure& e) {
              if (e.code != "query_eval") throw;
              if (failed++ == 0) first = e;
            }
          }
          if (failed && failed == rows.size()) throw first;
        }
        std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return compare(a.first, b.first) < 0; });
        std::vector<Row> groups;
        for (size_t i = 0; i < keys.size();) {
          size_t j = i;
          List members;
          while (j < keys.size() && compare(keys[j].first, keys[i].first) == 0) {
            members.push_back(row_value(ctx, rows[keys[j].second]));
            ++j;
          }
          auto o = std::make_shared<ObjData>();
          o->members.emplace_back("key", keys[i].first);
          o->members.emplace_back("rows", Val::make_list(std::move(members)));
          if (step.name != "key" && step.name != "rows" && (step.named || step.e->k == Expr::K::Ident))
            o->members.emplace_back(step.name, keys[i].first);
          groups.push_back(Row{nullptr, nullptr, std::move(o)});
          i = j;
        }
        rows.swap(groups);
        grouped = true;
        group_name = step.name;
        break;
      }
      case Step::K::Flatten: {
        std::string name = step.name;
        per_row(rows, [&](Row& r, std::vector<Row>& out) {
          Env env{&ctx, &r, nullptr};
          Val v = eval(*step.e, env);
          if (v.t == Val::T::List) {
            for (const auto& x : v.items()) out.push_back(Row{r.page, r.task, extra_with(r, name, x)});
          } else {
            out.push_back(Row{r.page, r.task, extra_with(r, name, v)});
          }
        });
        break;
      }
      case Step::K::Limit:
        if (step.limit < 0) throw QueryFailure{"query_syntax", "LIMIT must not be negative", step.pos};
        if (rows.size() > static_cast<size_t>(step.limit)) rows.resize(static_cast<size_t>(step.limit));
        break;
    }
  }
  if (!candidates_read) read_candidates(ctx, q, rows);

  if (q.type == DqlQuery::Type::Task) {
    auto task_rows_of = [&](const Row& r, std::vector<TaskRow>& out) {
      if (r.task) {
        out.push_back(make_task_row(ctx, *r.page, *r.task));
        return;
      }
      // A group: its rows are task objects.
      if (r.extra)
        for (const auto& m : r.extra->members)
          if (m.first == "rows")
            for (const auto& x : m.second.items())
              if (x.t == Val::T::Object && x.obj && x.obj->task) out.push_back(make_task_row(ctx, *x.obj->page, *x.obj->task));
    };
    if (grouped) {
      res.grouped = true;
      for (const auto& r : rows) {
        Group g;
        const Val* key = nullptr;
        for (const auto& m : r.extra->members)
          if (m.first == "key") key = &m.second;
        g.keys.push_back(key ? to_cell(*key) : Cell{});
        task_rows_of(r, g.tasks);
        res.tasks.insert(res.tasks.end(), g.tasks.begin(), g.tasks.end());
        res.groups.push_back(std::move(g));
      }
    } else {
      for (const auto& r : rows) task_rows_of(r, res.tasks);
    }
    return res;
  }

  // The page: rows [page_offset, page_end) of the answer, and only those
  // are evaluated into cells.
  res.total = answer_rows ? *answer_rows : rows.size();
  res.offset = ctx.opt->page_offset;
  if (ctx.opt->page_size) {
    if (rows.size() > page_end) rows.resize(page_end);
    rows.erase(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), ctx.opt->page_offset)));
  }

  res.id_column = !q.without_id;
  if (res.id_column) res.columns.push_back(grouped ? "Group" : entity_source ? "Name" : "File");
  for (const auto& c : q.columns) res.columns.push_back(c.name);
  if (q.type == DqlQuery::Type::List && q.without_id && q.columns.empty()) {
    // LIST WITHOUT ID with nothing to show still lists the pages.
    res.columns.push_back(grouped ? "Group" : "File");
  }
  std::vector<std::vector<Cell>> out_rows;
  out_rows.reserve(rows.size());
  per_row(rows, [&](Row& r, std::vector<Row>& kept) {
    Env env{&ctx, &r, nullptr};
    std::vector<Cell> cells;
    cells.reserve(q.columns.size() + 1);
    if (res.id_column && r.page && !detail::plain_evaluation()) {
      // A page's id is the link to it: the cell to_cell(make_link(path)) gives, made directly.
      Cell id;
      id.type = Cell::Type::Link;
      id.text = r.page->path;
      cells.push_back(std::move(id));
    } else if (res.id_column) {
      cells.push_back(to_cell(id_of(ctx, r)));
    }
    for (const auto& c : q.columns) cells.push_back(to_cell(eval(*c.e, env)));
    if (q.type == DqlQuery::Type::List && q.without_id && q.columns.empty()) cells.push_back(to_cell(id_of(ctx, r)));
    out_rows.push_back(std::move(cells));
    kept.push_back(r);
  });
  res.rows = std::move(out_rows);
  return res;
}

}  // namespace vaultcrm::query
