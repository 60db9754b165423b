// core/src/query/cache.h (internal) - what QueryCache (vaultcrm/query.h)
// keeps between queries: values read from the notes, for the vault at one
// generation. Everything here points into the vault's notes. When the vault
// changes, for_vault() brings the store up to date from the vault's change
// log (Vault::changes_since): the changed notes' entries are dropped or read
// again, and what depends on other notes is dropped where a change can
// reach it (see apply()). Without the log (too many changes, a clear()) the
// whole store is dropped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "query/note_map.h"
#include "query/value.h"
#include "vaultcrm/query.h"

namespace vaultcrm::query {

// A page's field `name` as page_field() computes it, per note, filled as
// queries read it. The values depend on the note and on link resolution
// (links in a value are resolved against the other notes' paths), never on
// the query.
struct CachedField {
  std::string name;
  // Each value on its own: cached_value() hands out references that must
  // outlive later inserts (a query reads one field of many notes).
  NoteMap<std::unique_ptr<Val>> by_note;
};

// contains(file.tags, needle) of a page, by needle (the same for
// file.etags: a parent tag is a prefix of the tag it comes from).
struct CachedTagHits {
  std::string needle;
  NoteMap<bool> by_note;
};

struct QueryCache::Data {
  const index::Vault* vault = nullptr;
  uint64_t generation = UINT64_MAX;

  // Brings the store from `generation` to the vault as it is now, given the
  // changes in between (Vault::changes_since):
  //  - page fields and tag hits of a changed note (by its address) are dropped;
  //  - a note added or removed (renames are both) changes where links
  //    resolve, but only links whose last component names that note: field
  //    values holding such a link are dropped, for every note;
  //  - folder lists that an added or removed path falls in are dropped;
  //  - the task list keeps its order: the changed notes' tasks are taken out
  //    and their current tasks put back at their path's place, with their
  //    done flags and date numbers.
  // An edit of an existing note changes neither its address nor any path, so
  // it touches only that note's entries.
  void apply(const index::Vault::ChangeSet& changes);
  // More changes than this (distinct notes) and the store starts again.
  static constexpr size_t kMaxChangedNotes = 64;

  // ---- page fields ----------------------------------------------------------
  using Field = CachedField;
  // A query names a handful of fields; the oldest are dropped beyond this
  // many when the next query starts, so that queries over ever new fields
  // do not grow the store.
  static constexpr size_t kMaxFields = 16;
  std::vector<std::unique_ptr<Field>> fields;  // in order of first use
  // The field's values (created empty on first use; stays during a query).
  Field& field(std::string_view name);

  using TagHits = CachedTagHits;
  std::vector<std::unique_ptr<TagHits>> tag_hits;  // in order of first use, trimmed like fields
  TagHits& tag_hits_for(std::string_view needle);

  // ---- sources ---------------------------------------------------------------
  // Vault::notes_in_folder(folder), in path order, by folder.
  struct Folder {
    std::string folder;
    std::vector<const parse::Note*> notes;
  };
  std::vector<std::unique_ptr<Folder>> folders;  // in order of first use, trimmed like fields
  const std::vector<const parse::Note*>& folder_notes(std::string_view folder);

  // ---- sort orders -----------------------------------------------------------
  // The notes in compare_text() order of one of their own strings (file.name,
  // file.path or file.folder), as a dense rank per note: equal texts share a
  // rank, so ranks order exactly as compare_text orders the texts. Sorting
  // a few thousand rows by file.name then compares integers instead of
  // collating names. Built on first use (one sort of the vault); a note
  // added or removed is put in or taken out at its place and the ranks are
  // numbered again (an edit changes no path, so no text).
  struct TextOrder {
    std::string parse::Note::*field = nullptr;
    std::vector<const parse::Note*> sorted;  // by the text, ties by path
    NoteMap<uint32_t> rank;
    bool ranked = false;
  };
  std::vector<std::unique_ptr<TextOrder>> orders;
  // The order's ranks; nullptr when the order is not built and `rows` is too
  // few, against the vault's size, for sorting every note to pay.
  const NoteMap<uint32_t>* text_rank(std::string parse::Note::*field, size_t rows);

  // ---- tasks ---------------------------------------------------------------
  // Every task of the vault, in path then line order (the order a Tasks
  // query visits them), listed on first use.
  struct TaskRef {
    const parse::Note* note;
    const parse::Task* task;
  };
  const std::vector<TaskRef>& tasks();
  // task_done() of tasks()[i], one byte per task.
  const std::vector<uint8_t>& tasks_done();
  // A task date (0 due, 1 scheduled, 2 start, 3 done, 4 created, the order
  // of tasks.cpp's DateIndex) of tasks()[i] as a number: y*10000+m*100+d for
  // a valid YYYY-MM-DD (parse_iso_ymd), kNoDate when the task has none,
  // kOtherDate for any other text (whoever reads it falls back to the text).
  static constexpr int32_t kNoDate = INT32_MAX;
  static constexpr int32_t kOtherDate = INT32_MIN;
  const std::vector<int32_t>& task_dates(int which);
  static int32_t date_number(const parse::Task& t, int which);
  // The ordinals of tasks() sorted by task_dates(which), ties in list order:
  // a Tasks query sorted by that date with a limit walks it from the front
  // (or the back, reversed) and stops soon after `limit` tasks got through
  // its filters, instead of filtering every task. Built on first use (one
  // sort); an edit puts its note's tasks in and out at their places, and
  // a removal takes its note's tasks out and numbers the rest again.
  const std::vector<uint32_t>& tasks_by_date(int which);
  // Entries [pos, pos + count) of the task list and its flags and dates
  // become `note`'s current tasks (apply()).
  void splice_tasks(size_t pos, size_t count, const parse::Note& note);

 private:
  bool tasks_listed_ = false;
  std::vector<TaskRef> tasks_;
  bool done_read_ = false;
  std::vector<uint8_t> done_;
  bool dates_read_[5] = {false, false, false, false, false};
  std::vector<int32_t> dates_[5];
  bool by_date_sorted_[5] = {false, false, false, false, false};
  std::vector<uint32_t> by_date_[5];
};

}  // namespace vaultcrm::query
