// QueryCache: values read from the notes, shared by the queries between two
// changes of the vault (see core/src/query/cache.h).
#include "query/cache.h"

#include <algorithm>

#include "query/exec.h"
#include "vaultcrm/index.h"
#include "vaultcrm/parse.h"

namespace vaultcrm::query {

QueryCache::QueryCache() = default;
QueryCache::~QueryCache() = default;

void QueryCache::clear() { data_.reset(); }

QueryCache::Data& QueryCache::for_vault(const index::Vault& vault) {
  if (!data_ || data_->vault != &vault || data_->generation != vault.generation()) {
    data_ = std::make_unique<Data>();
    data_->vault = &vault;
    data_->generation = vault.generation();
  }
  // Trimmed here, between queries, never during one: the evaluator holds
  // pointers to values while it reads other fields.
  auto trim = [](auto& oldest_first) {
    if (oldest_first.size() > Data::kMaxFields)
      oldest_first.erase(oldest_first.begin(), oldest_first.end() - Data::kMaxFields);
  };
  trim(data_->fields);
  trim(data_->tag_hits);
  trim(data_->folders);
  return *data_;
}

namespace {
// The entry of `list` whose `key` is `value`, added (empty) when missing;
// `added` says which. The lists are short (kMaxFields), so a scan.
template <class T>
T& find_or_add(std::vector<std::unique_ptr<T>>& list, std::string T::*key, std::string_view value, bool& added) {
  added = false;
  for (auto& entry : list)
    if ((*entry).*key == value) return *entry;
  list.push_back(std::make_unique<T>());
  (*list.back()).*key = std::string(value);
  added = true;
  return *list.back();
}
}  // namespace

QueryCache::Data::Field& QueryCache::Data::field(std::string_view name) {
  bool added;
  return find_or_add(fields, &Field::name, name, added);
}

QueryCache::Data::TagHits& QueryCache::Data::tag_hits_for(std::string_view needle) {
  bool added;
  return find_or_add(tag_hits, &TagHits::needle, needle, added);
}

const std::vector<const parse::Note*>& QueryCache::Data::folder_notes(std::string_view folder) {
  bool added;
  Folder& entry = find_or_add(folders, &Folder::folder, folder, added);
  if (!added) return entry.notes;
  auto& notes = entry.notes;
  notes = vault->notes_in_folder(folder);
  auto by_path = [](const parse::Note* a, const parse::Note* b) { return a->path < b->path; };
  if (!std::is_sorted(notes.begin(), notes.end(), by_path)) std::sort(notes.begin(), notes.end(), by_path);
  return notes;
}

const std::vector<QueryCache::Data::TaskRef>& QueryCache::Data::tasks() {
  if (!tasks_listed_) {
    for (const auto& kv : vault->notes())
      for (const auto& t : kv.second.tasks) tasks_.push_back(TaskRef{&kv.second, &t});
    tasks_listed_ = true;
  }
  return tasks_;
}

const std::vector<uint8_t>& QueryCache::Data::tasks_done() {
  if (!done_read_) {
    done_.reserve(tasks().size());
    for (const auto& r : tasks_) done_.push_back(task_done(*r.task) ? 1 : 0);
    done_read_ = true;
  }
  return done_;
}

const std::vector<int32_t>& QueryCache::Data::task_dates(int which) {
  std::vector<int32_t>& out = dates_[which];
  if (!dates_read_[which]) {
    out.reserve(tasks().size());
    for (const auto& r : tasks_) {
      const parse::Task& t = *r.task;
      const std::string& text = which == 0 ? t.due : which == 1 ? t.scheduled : which == 2 ? t.start : which == 3 ? t.done : t.created;
      int32_t ymd;
      out.push_back(text.empty() ? kNoDate : parse_iso_ymd(text, ymd) ? ymd : kOtherDate);
    }
    dates_read_[which] = true;
  }
  return out;
}

}  // namespace vaultcrm::query
