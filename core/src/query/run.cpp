// query::run - picks the language, parses, executes; user errors become values.
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "query/cache.h"
#include "query/exec.h"

namespace vaultcrm::query {

Language detect(std::string_view source) {
  size_t pos = 0;
  while (pos < source.size()) {
    size_t nl = source.find('\n', pos);
    std::string_view line = source.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? source.size() : nl + 1;
    size_t a = line.find_first_not_of(" \t\r");
    if (a == std::string_view::npos) continue;
    line = line.substr(a);
    if (line.substr(0, 2) == "//") continue;
    size_t e = 0;
    while (e < line.size() && ((line[e] >= 'a' && line[e] <= 'z') || (line[e] >= 'A' && line[e] <= 'Z'))) ++e;
    std::string w = lower_utf8(line.substr(0, e));
    if (w == "table" || w == "list" || w == "task" || w == "calendar") return Language::Dql;
    return Language::Tasks;
  }
  return Language::Tasks;
}

void page_tasks(Result& res, const Options& opt) {
  res.total = res.tasks.size();
  res.offset = opt.page_offset;
  if (opt.page_size == 0) return;
  const size_t from = std::min(opt.page_offset, res.tasks.size());
  const size_t to = std::min(page_end_of(opt), res.tasks.size());
  res.tasks.erase(res.tasks.begin() + static_cast<std::ptrdiff_t>(to), res.tasks.end());
  res.tasks.erase(res.tasks.begin(), res.tasks.begin() + static_cast<std::ptrdiff_t>(from));
  if (!res.grouped) return;
  std::vector<Group> kept;
  size_t at = 0;  // the index, in the whole answer, of the group's first task
  for (auto& g : res.groups) {
    const size_t n = g.tasks.size();
    const size_t a = std::clamp(from, at, at + n) - at, b = std::clamp(to, at, at + n) - at;
    at += n;
    if (a == b) continue;
    g.tasks.erase(g.tasks.begin() + static_cast<std::ptrdiff_t>(b), g.tasks.end());
    g.tasks.erase(g.tasks.begin(), g.tasks.begin() + static_cast<std::ptrdiff_t>(a));
    kept.push_back(std::move(g));
  }
  res.groups.swap(kept);
}

namespace {

// What Reads::would_read runs the query's filters with: the options of the
// run without the host's caches (a check evaluates one note; the caches
// may be gone by then) or its graph.
Options checking_options(const Options& options) {
  Options opt;
  opt.language = options.language;
  opt.origin_path = options.origin_path;
  opt.now = options.now;
  opt.task_format = options.task_format;
  opt.regex_match_limit = options.regex_match_limit;
  opt.regex_depth_limit = options.regex_depth_limit;
  return opt;
}

// A run's context before its caches and reads: what run() and the checks
// of Reads::would_read both start from.
Ctx base_ctx(const index::Vault& vault, const Options& opt, RegexCache& regex) {
  Ctx ctx;
  ctx.vault = &vault;
  ctx.opt = &opt;
  ctx.origin = opt.origin_path;
  ctx.now = parse_now(opt.now);
  ctx.regex = &regex;
  return ctx;
}

// A DQL query as the checks of Reads evaluate it: parsed again and folded
// on first use, for a context without the host's caches (the run's own
// copy points into the query cache), and shared by the checks.
struct CheckedDql {
  CheckedDql(std::string text, Options opt) : text(std::move(text)), opt(std::move(opt)) {}
  const DqlQuery& query(const Ctx& ctx) {
    if (!parsed) {
      auto q = std::make_unique<DqlQuery>(parse_dql(text));
      fold_constants(*q, ctx);
      parsed = std::move(q);
    }
    return *parsed;
  }
  const std::string text;
  const Options opt;
  std::unique_ptr<DqlQuery> parsed;
};

// A Tasks query as the checks of Reads evaluate it: parsed once, on first
// use, in a context of its own that its filters keep pointing at, and
// shared by the checks (parsing it at every check was a fifth of a
// dashboard's checks after an edit). Its relative dates are of the day it
// was parsed, which stays today for as long as the answer holds: run()
// reads the clock's day for a Tasks query. Same "cannot tell" on error as
// checked_run.
struct CheckedTasks {
  CheckedTasks(std::string text, Options options)
      : text(std::move(text)), opt(std::move(options)), regex(opt.regex_match_limit, opt.regex_depth_limit) {}
  template <class Result, class Check>
  Result run(const index::Vault& vault, Reads* reads, Result failed, Check&& check) {
    try {
      if (!parsed) {
        ctx = base_ctx(vault, opt, regex);
        parsed = parse_tasks_checks(text, ctx);
      }
      ctx.vault = &vault;
      ctx.reads = reads;
      return check(*parsed, static_cast<const Ctx&>(ctx));
    } catch (...) {
      return failed;
    }
  }
  const std::string text;
  const Options opt;
  RegexCache regex;
  Ctx ctx;  // where the parsed filters point
  std::shared_ptr<const TasksChecks> parsed;
};

// What the checks of Reads (would_read, print) share: `check(ctx)` in a
// context of their own over `vault` (reading into `reads`, if given); an
// error answers `failed`, which says "cannot tell".
template <class Result, class Check>
Result checked_run(const index::Vault& vault, const Options& opt, Reads* reads, Result failed, Check&& check) {
  RegexCache regex(opt.regex_match_limit, opt.regex_depth_limit);
  Ctx ctx = base_ctx(vault, opt, regex);
  ctx.reads = reads;
  try {
    return check(ctx);
  } catch (...) {
    return failed;
  }
}

// Reads::print for a DQL query whose rows can be fingerprinted.
void print_rows(const std::shared_ptr<CheckedDql>& checked, Reads& r) {
  r.print = [checked](const index::Vault& v, const parse::Note& n, Reads& read) {
    return checked_run(v, checked->opt, &read, std::optional<uint64_t>(),
                       [&](const Ctx& check) { return row_print(checked->query(check), check, n); });
  };
}

}  // namespace

Outcome run(const index::Vault& vault, std::string_view source, const Options& options) {
  Outcome o;
  try {
    double now_check;
    if (!options.now.empty() && !parse_date(options.now, now_check)) {
      o.error = Error{"bad_request", "options.now must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], got '" + options.now + "'", 0, 0};
      return o;
    }
    RegexCache regex(options.regex_match_limit, options.regex_depth_limit);
    Ctx ctx = base_ctx(vault, options, regex);
    if (options.query_cache && !detail::plain_evaluation()) ctx.cache = &options.query_cache->for_vault(vault);
    if (options.reads) {
      *options.reads = Reads{};
      options.reads->vault_generation = vault.generation();
      ctx.reads = options.reads;
    }
    Language lang = options.language == Language::Detect ? detect(source) : options.language;
    if (lang == Language::Dql) {
      DqlQuery q = parse_dql(source);
      fold_constants(q, ctx);
      bind_cache(q, ctx);
      o.result = exec_dql(q, ctx);
      if (o.result.type == "task") page_tasks(o.result, options);
      // An entity query's rows are the tables' (entities_moved), not pages:
      // no note is brought into it by its own content.
      const bool entity_rows = q.from && q.from->k == Source::K::Entity;
      if (Reads* r = options.reads; r && !r->all_notes && !r->any_change && !entity_rows) {
        auto checked = std::make_shared<CheckedDql>(std::string(source), checking_options(options));
        // An edit can bring a note into the answer: a #tag added, a link
        // to X (FROM [[X]]), a field the WHERE asks for. That note alone
        // is put through the FROM and the leading WHEREs of the query.
        r->would_read = [checked](const index::Vault& v, const parse::Note& n) {
          return checked_run(v, checked->opt, nullptr, true,
                             [&](const Ctx& check) { return passes_leading_wheres(checked->query(check), check, n); });
        };
        if (rows_printable(q)) print_rows(checked, *r);
      }
    } else {
      o.result = exec_tasks(source, ctx);
      page_tasks(o.result, options);
      if (Reads* r = options.reads) {
        // exec_tasks noted the notes with a task through the filters; an
        // edit can give another note one. Dates are relative to today
        // (urgency too).
        // After a walk that stopped early (Reads::task_bound), only a task
        // within its bound can enter the answer.
        auto checked = std::make_shared<CheckedTasks>(std::string(source), checking_options(options));
        const Reads::TaskDateBound bound = r->task_bound;
        r->would_read = [checked, bound](const index::Vault& v, const parse::Note& n) {
          if (n.tasks.empty()) return false;
          return checked->run(v, nullptr, true,
                              [&](const TasksChecks& q, const Ctx& check) { return tasks_note_passes(q, check, n, bound); });
        };
        read_clock(ctx, "today");
        r->print = [checked](const index::Vault& v, const parse::Note& n, Reads& read) {
          return checked->run(v, &read, std::optional<uint64_t>(),
                              [&](const TasksChecks& q, const Ctx& check) { return tasks_row_print(q, check, n); });
        };
      }
    }
    o.ok = true;
  } catch (const QueryFailure& f) {
    o.ok = false;
    o.result = Result{};
    o.error = Error{f.code, f.message, f.pos.line, f.pos.column};
    // A syntax error stands whatever the vault holds; an error while it ran may not.
    if (options.reads && f.code != "query_syntax") options.reads->any_change = true;
  } catch (const std::exception& e) {
    o.ok = false;
    o.result = Result{};
    o.error = Error{"query_eval", e.what(), 0, 0};
    if (options.reads) options.reads->any_change = true;
  }
  return o;
}

bool Reads::changed(const index::Vault& vault) const {
  if (time_of_day) return true;
  if (today && static_cast<int64_t>(std::floor(parse_now("") / kMsPerDay)) != day) return true;
  std::vector<index::Vault::Change> log;
  if (!vault.changes_since(vault_generation, log)) return true;
  if (any_change && !log.empty()) return true;
  // A note that came or went changes where links resolve, and which notes
  // a folder or tag holds; only then can a kept address be gone.
  for (const auto& c : log)
    if (c.kind != index::Vault::Change::Kind::Edited) return true;
  auto read = [](const std::vector<const parse::Note*>& list, const parse::Note* n) {
    return std::find(list.begin(), list.end(), n) != list.end();
  };
  for (const auto& c : log) {
    const parse::Note* n = vault.find(c.path);
    // Scans, not searches: a check sees an edit or two, and sorting the
    // thousands of pages of a FROM "folder" at each run would cost more.
    if (!n || all_notes || read(notes, n)) return true;
    if (read(rows, n)) {
      if (!print) return true;
      // The note as the run saw it: the one its first edit since replaced.
      const parse::Note* was = nullptr;
      for (const auto& e : log)
        if (e.path == c.path) {
          was = e.before.get();
          break;
        }
      if (!was) return true;
      // The same fingerprint then and now is the same rows, if evaluating
      // them read nothing the run did not (not the row's note as it is
      // now, for the one of then).
      Reads then_read, now_read;
      const std::optional<uint64_t> then = print(vault, *was, then_read), now = print(vault, *n, now_read);
      if (!then || !now || *then != *now) return true;
      for (const Reads* r : {&then_read, &now_read}) {
        if (r->any_change || r->time_of_day || r->all_notes || (r->today && !today)) return true;
        for (const parse::Note* m : r->notes)
          if (!read(notes, m)) return true;
      }
      continue;
    }
    if (would_read && would_read(vault, *n)) return true;
  }
  return !log.empty() && entities_moved && entities_moved();
}

}  // namespace vaultcrm::query
