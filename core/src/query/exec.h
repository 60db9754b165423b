// core/src/query/exec.h (internal) - the two query executors.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "query/ast.h"
#include "query/eval.h"

namespace vaultcrm::query {

// fold_constants() over every expression of the query (run() does this
// before exec_dql).
void fold_constants(DqlQuery& q, const Ctx& ctx);
// bind_cache() over every expression, when the query runs with a cache.
void bind_cache(DqlQuery& q, const Ctx& ctx);

// Whether `note` is among the pages of FROM `from` (nullptr: every note) in
// the vault as it is now. Throws QueryFailure as exec_dql does.
bool source_holds(const Ctx& ctx, const Source* from, const parse::Note& note);
// Whether a row of `note` (the page, or its tasks for TASK) is among the
// pages of q's FROM and gets through the WHEREs before q's first other
// step. A query that is not row by row after those (GROUP BY, FLATTEN,
// SORT, LIMIT) still only ever sees such rows. Throws as exec_dql does.
bool passes_leading_wheres(const DqlQuery& q, const Ctx& ctx, const parse::Note& note);
// A Tasks query parsed once for these checks. Its filters keep pointing at
// the context it was parsed in, which must outlive it at the same address.
struct TasksChecks;
std::shared_ptr<const TasksChecks> parse_tasks_checks(std::string_view source, const Ctx& ctx);
// The same for a Tasks query: whether a task of `note` gets through its
// filters, counting only tasks within a walk's bound (Reads::task_bound;
// the default admits every task).
bool tasks_note_passes(const TasksChecks& q, const Ctx& ctx, const parse::Note& note,
                       const Reads::TaskDateBound& bound = {});

// Reads::print. Whether q's rows can be fingerprinted one note at a time:
// a FROM of tags and folders (not links, not entities), no GROUP BY.
bool rows_printable(const DqlQuery& q);
// A note's fingerprint for q (rows_printable): whether it is in the FROM,
// then for its page, or each of its tasks for TASK, whether it gets through
// the leading WHEREs and, if so, the values of every expression after
// them. nullopt when a value is not data (fingerprint.h). `note` may be a
// note as it was before an edit (Vault::Change::before), evaluated with the
// vault as it is. Throws as exec_dql does.
std::optional<uint64_t> row_print(const DqlQuery& q, const Ctx& ctx, const parse::Note& note);
// The same for a Tasks query: for each task of the note, whether it gets
// through the filters and, if so, its fields.
std::optional<uint64_t> tasks_row_print(const TasksChecks& q, const Ctx& ctx, const parse::Note& note);

// Both throw QueryFailure for user errors.
Result exec_dql(const DqlQuery& q, const Ctx& ctx);
Result exec_tasks(std::string_view source, const Ctx& ctx);

// Where the asked-for page ends: page_offset + page_size, or SIZE_MAX when
// the whole answer is asked for.
inline size_t page_end_of(const Options& opt) {
  if (opt.page_size == 0 || opt.page_offset > SIZE_MAX - opt.page_size) return SIZE_MAX;
  return opt.page_offset + opt.page_size;
}
// Cuts a task answer to the asked-for page: tasks [page_offset, page_end)
// of `tasks` (the groups' tasks one after another), each group keeping its
// tasks on the page and groups with none dropped; sets total and offset.
void page_tasks(Result& res, const Options& opt);

TaskRow make_task_row(const Ctx& ctx, const parse::Note& note, const parse::Task& task);
bool task_done(const parse::Task& t);  // 'x', 'X' (done) and '-' (cancelled)

// Entity rows for FROM people / accounts / ... (see query.h EntityProvider).
std::vector<Entity> entity_rows(const Ctx& ctx, std::string_view kind);
// The same rows as evaluator objects; shared through Options::entity_cache.
std::vector<std::shared_ptr<const ObjData>> entity_objects(const Ctx& ctx, std::string_view kind);
// The rows of entity_objects(ctx, kind), in their order, that can make
// contains(member, [[path]]) true: the others cannot. Kept as an index per
// field in the engine's entity cache, so a query naming one account reads
// its rows, not the table; nullopt without that cache (then read them all).
std::optional<std::vector<std::shared_ptr<const ObjData>>> entity_objects_linking(const Ctx& ctx, std::string_view kind,
                                                                                  const std::string& member,
                                                                                  const std::string& path);
// Records in ctx.reads that the run read the entity table `kind` (after
// entity_objects): with the engine's cache, the answer holds while that
// table's rows stay as they were; otherwise any change counts.
void read_entities(const Ctx& ctx, std::string_view kind);

namespace detail {
// to_json() built through an nlohmann tree, as it used to be: the reference
// the tests hold the direct writer to.
std::string to_json_via_tree(const Outcome& outcome);
}  // namespace detail

}  // namespace vaultcrm::query
