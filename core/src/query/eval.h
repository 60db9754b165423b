// core/src/query/eval.h (internal) - the DQL evaluator's context and helpers,
// shared by the DQL executor and the entity sources.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "query/ast.h"
#include "query/regex.h"
#include "query/value.h"
#include "vaultcrm/query.h"

namespace vaultcrm::query {

struct Ctx {
  const index::Vault* vault = nullptr;
  const Options* opt = nullptr;
  double now = 0;  // ms, wall clock
  std::string origin;
  RegexCache* regex = nullptr;
  // Values read from the notes, kept between queries (Options::query_cache
  // for this vault); nullptr: read per query, as the plain evaluation does.
  QueryCache::Data* cache = nullptr;
  // Options::reads: what the run read, for hosts that keep answers.
  Reads* reads = nullptr;
};

// Records for Options::reads that the run read `n` (a note other than a
// candidate row's: a linked note, `this`), the whole vault's state, or
// the date (`now` keyword: the time of day, which no day covers).
inline void read_note(const Ctx& ctx, const parse::Note* n) {
  if (ctx.reads && n) ctx.reads->notes.push_back(n);
}
inline void read_any_change(const Ctx& ctx) {
  if (ctx.reads) ctx.reads->any_change = true;
}
void read_clock(const Ctx& ctx, std::string_view keyword);

// One row of a query: a page, a task of a page, or a computed object (after
// FLATTEN / GROUP BY, or an entity); `extra` members shadow the page's fields.
struct Row {
  const parse::Note* page = nullptr;
  const parse::Task* task = nullptr;
  std::shared_ptr<const ObjData> extra;
};

struct Scope {
  const std::vector<std::string>* names = nullptr;
  const std::vector<Val>* vals = nullptr;
  const Scope* parent = nullptr;
};

struct Env {
  const Ctx* ctx = nullptr;
  const Row* row = nullptr;
  const Scope* scope = nullptr;
};

struct Lambda {
  const Expr* expr = nullptr;  // K::Lambda
  Row row;                      // the row it was created in
  std::vector<std::pair<std::string, Val>> captured;  // enclosing lambda parameters
  const Ctx* ctx = nullptr;
};

Val eval(const Expr& e, const Env& env);
// truthy(eval(e, env)), without making the values a WHERE only tests (the
// booleans of AND / OR / NOT / comparisons, a compared field's copy).
bool truth(const Expr& e, const Env& env);
// Points the expression's identifiers and contains(file.tags, "x") calls at
// their values in `cache` (Expr::cached_field / cached_tag_hits), once per
// query; after fold_constants, which may replace nodes.
void bind_cache(Expr& e, QueryCache::Data& cache);
// Replaces the parts of `e` whose value is the same for every row (literal
// links, date(2025-06-01), dur("3 days")) by their value, computed once.
void fold_constants(Expr& e, const Ctx& ctx);
// The first part of `where`, left to right, that must hold for it to hold
// (itself, or a side of an AND) and reads contains(field, constant), the
// field a plain identifier and the constant of type `type`: its name and
// the constant's value (computed in `env`). An executor can then read only
// the rows whose field may contain that value, and evaluate `where` on
// those. False when there is none, or in the plain evaluation.
bool contains_constant_conjunct(const Expr& where, const Env& env, Val::T type, std::string& member, Val& needle);

namespace detail {
// True: no constant folding and no shortcuts in eval, so that tests can
// compare every answer with the plain evaluation. A function-local flag, not
// an extern thread_local variable: GCC's UBSan flags every access to an
// extern thread_local made through its TLS wrapper as a null pointer load.
inline bool& plain_evaluation() {
  static thread_local bool plain = false;
  return plain;
}
}  // namespace detail
// The member of `obj` an identifier `name` reads: the one of that exact
// name, else the first whose key matches it (key_matches); nullptr if none.
const Val* plain_member(const ObjData& obj, std::string_view name);
Val call_lambda(const Val& fn, const std::vector<Val>& args);
Val row_value(const Ctx& ctx, const Row& row);
// A lazy object (page, task, file) turned into plain members.
Val materialize(const Val& v);
Val page_object(const Ctx& ctx, const parse::Note& note);
Val task_object(const Ctx& ctx, const parse::Note& note, const parse::Task& task);
Val link_to(const Ctx& ctx, std::string_view target, std::string_view from_path, bool embed = false);
Val from_cell(const Cell& c);
Cell to_cell(const Val& v);
double parse_now(const std::string& now);
// Date of a Dataview keyword (today, now, sow, eom, ...) relative to `now`.
double date_keyword(std::string_view kw, double now);
const parse::Note* note_of_link(const Ctx& ctx, const Val& link);

}  // namespace vaultcrm::query
