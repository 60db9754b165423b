// QueryCache: values read from the notes, shared by the queries and kept
// up to date note by note as the vault changes (see core/src/query/cache.h).
#include "query/cache.h"

#include <algorithm>
#include <type_traits>

#include "parse/text.h"

#include "query/exec.h"
#include "vaultcrm/index.h"
#include "vaultcrm/parse.h"

namespace vaultcrm::query {

QueryCache::QueryCache() = default;
QueryCache::~QueryCache() = default;

void QueryCache::clear() { data_.reset(); }

QueryCache::Data& QueryCache::for_vault(const index::Vault& vault) {
  bool fresh = !data_ || data_->vault != &vault;
  if (!fresh && data_->generation != vault.generation()) {
    index::Vault::ChangeSet changes;
    if (vault.changes_since(data_->generation, changes)) {
      data_->apply(changes);
      data_->generation = vault.generation();
    } else {
      fresh = true;
    }
  }
  if (fresh) {
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

namespace {
// compare_text order of the notes' `field`, ties by path (the order rows
// from a source come in, so equal texts stay as a stable sort leaves them).
struct TextLess {
  std::string parse::Note::*field;
  bool operator()(const parse::Note* a, const parse::Note* b) const {
    int c = compare_text(a->*field, b->*field);
    return c ? c < 0 : a->path < b->path;
  }
};
}  // namespace

const NoteMap<uint32_t>* QueryCache::Data::text_rank(std::string parse::Note::*field, size_t rows) {
  TextOrder* order = nullptr;
  for (auto& o : orders)
    if (o->field == field) order = o.get();
  if (!order) {
    // Sorting the vault costs about what sorting an eighth of it a few times
    // does; below that the rows are sorted as they are.
    if (rows < 512 || rows < vault->notes().size() / 8) return nullptr;
    orders.push_back(std::make_unique<TextOrder>());
    order = orders.back().get();
    order->field = field;
    order->sorted.reserve(vault->notes().size());
    for (const auto& kv : vault->notes()) order->sorted.push_back(&kv.second);
    std::sort(order->sorted.begin(), order->sorted.end(), TextLess{field});
  }
  if (!order->ranked) {
    order->rank.clear();
    order->rank.reserve(order->sorted.size());
    uint32_t r = 0;
    for (size_t i = 0; i < order->sorted.size(); ++i) {
      if (i && order->sorted[i - 1]->*field != order->sorted[i]->*field) ++r;
      order->rank.insert(order->sorted[i], r);
    }
    order->ranked = true;
  }
  return &order->rank;
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

int32_t QueryCache::Data::date_number(const parse::Task& t, int which) {
  std::string_view text = which == 0 ? t.due : which == 1 ? t.scheduled : which == 2 ? t.start : which == 3 ? t.done : t.created;
  int32_t ymd;
  return text.empty() ? kNoDate : parse_iso_ymd(text, ymd) ? ymd : kOtherDate;
}

const std::vector<int32_t>& QueryCache::Data::task_dates(int which) {
  std::vector<int32_t>& out = dates_[which];
  if (!dates_read_[which]) {
    out.reserve(tasks().size());
    for (const auto& r : tasks_) out.push_back(date_number(*r.task, which));
    dates_read_[which] = true;
  }
  return out;
}

const std::vector<uint32_t>& QueryCache::Data::tasks_by_date(int which) {
  std::vector<uint32_t>& order = by_date_[which];
  if (!by_date_sorted_[which]) {
    const std::vector<int32_t>& dates = task_dates(which);
    // (date, ordinal) in one number: one sort of integers, ties in list order.
    std::vector<uint64_t> keyed(dates.size());
    for (uint32_t i = 0; i < keyed.size(); ++i)
      keyed[i] = (static_cast<uint64_t>(static_cast<uint32_t>(dates[i]) ^ 0x80000000u) << 32) | i;
    std::sort(keyed.begin(), keyed.end());
    order.resize(keyed.size());
    for (size_t i = 0; i < keyed.size(); ++i) order[i] = static_cast<uint32_t>(keyed[i]);
    by_date_sorted_[which] = true;
  }
  return order;
}

namespace {
// Whether two note names may name the same note: equal but for case, as
// the vault matches names (index::link_key; ASCII text compared in place).
bool same_note_name(std::string_view a, std::string_view b) {
  if (parse::detail::equals_ascii_ci(a, b)) return true;
  auto ascii = [](std::string_view s) {
    for (char c : s)
      if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
  };
  return !(ascii(a) && ascii(b)) && index::link_key(a) == index::link_key(b);
}

// Whether `v` holds a link (at any depth) whose note name, the last
// component of its path without ".md", is one of `names` (case-insensitively,
// as the vault matches names). A link value's path is
// where it resolved, or its target when it did not; either way that name is
// the last component of the link as written, and only a note of that name
// can change where such a link resolves.
bool links_to_name(const Val& v, const std::vector<std::string_view>& names) {
  switch (v.t) {
    case Val::T::Link: {
      std::string_view name = index::link_name_view(v.s);
      for (std::string_view n : names)
        if (same_note_name(name, n)) return true;
      return false;
    }
    case Val::T::List:
      if (v.list)
        for (const Val& x : *v.list)
          if (links_to_name(x, names)) return true;
      return false;
    case Val::T::Object:
      if (v.obj)
        for (const auto& kv : v.obj->members)
          if (links_to_name(kv.second, names)) return true;
      return false;
    default: return false;
  }
}

}  // namespace

void QueryCache::Data::apply(const index::Vault::ChangeSet& changes) {
  // The addresses whose entries are stale (edited, removed, added: an added
  // note may live where a removed one did), the paths to read again, and the
  // paths of notes that came or went (a rename is both).
  std::vector<const parse::Note*> stale;
  stale.reserve(changes.notes.size());
  for (const void* address : changes.notes) stale.push_back(static_cast<const parse::Note*>(address));
  const std::vector<std::string_view>& paths = changes.paths;
  std::vector<std::string_view> came_or_went = changes.removed;
  came_or_went.insert(came_or_went.end(), changes.added.begin(), changes.added.end());
  if (paths.size() > kMaxChangedNotes) {
    // Cheaper to read everything again than to patch this much.
    Data fresh;
    fresh.vault = vault;
    *this = std::move(fresh);
    return;
  }

  // ---- page fields and tag hits ----------------------------------------------
  std::vector<std::string_view> names;
  for (std::string_view p : came_or_went) names.push_back(index::link_name_view(p));
  for (auto& field : fields) {
    for (const parse::Note* n : stale) field->by_note.erase(n);
    if (names.empty()) continue;
    field->by_note.erase_if([&](const std::unique_ptr<Val>& v) { return links_to_name(*v, names); });
  }
  for (auto& hits : tag_hits)
    for (const parse::Note* n : stale) hits->by_note.erase(n);

  // ---- folder lists ------------------------------------------------------------
  if (!came_or_went.empty()) {
    auto reached = [&](const std::unique_ptr<Folder>& entry) {
      std::string_view f = index::trim_folder(entry->folder);
      if (f.empty()) return true;
      for (std::string_view p : came_or_went)
        if (p.size() > f.size() && p[f.size()] == '/' && p.compare(0, f.size(), f) == 0) return true;
      return false;
    };
    folders.erase(std::remove_if(folders.begin(), folders.end(), reached), folders.end());
  }

  // ---- sort orders ---------------------------------------------------------------
  // Only notes that came or went move (an edit keeps the note's address and
  // path); every changed address comes out, and the changed paths still in
  // the vault go back in at their place.
  if (!came_or_went.empty())
    for (auto& order : orders) {
      auto& sorted = order->sorted;
      sorted.erase(std::remove_if(sorted.begin(), sorted.end(),
                                  [&](const parse::Note* n) { return std::binary_search(stale.begin(), stale.end(), n); }),
                   sorted.end());
      const TextLess less{order->field};
      for (std::string_view path : paths)
        if (const parse::Note* note = vault->find(path)) sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), note, less), note);
      order->ranked = false;
    }

  // ---- tasks -------------------------------------------------------------------
  if (!tasks_listed_) return;
  auto by_path = [](const TaskRef& r, std::string_view p) { return r.note->path < p; };
  if (changes.removed.empty()) {
    // Only edits and new notes: every listed task's note is still in the
    // vault (no address was freed), so each changed path's tasks are found by
    // path and replaced in place.
    for (std::string_view path : paths) {
      const parse::Note* note = vault->find(path);
      if (!note) continue;  // cannot happen without a removal; nothing to put back anyway
      auto lo = std::lower_bound(tasks_.begin(), tasks_.end(), path, by_path);
      auto hi = lo;
      while (hi != tasks_.end() && hi->note == note) ++hi;
      splice_tasks(static_cast<size_t>(lo - tasks_.begin()), static_cast<size_t>(hi - lo), *note);
    }
    return;
  }
  // Out: the tasks of every stale address (no note is read: some are gone).
  // `renumbered[i]`: where task i goes, or kGone. A note's tasks are
  // together in the list: one search per note, not per task. The lists are
  // then compacted one by one, and the date orders keep their order under
  // the new numbers (the tasks left keep theirs).
  constexpr uint32_t kGone = UINT32_MAX;
  std::vector<uint32_t> renumbered(tasks_.size(), kGone);
  uint32_t kept = 0;
  const parse::Note* run_note = nullptr;
  bool run_stale = false;
  for (size_t i = 0; i < tasks_.size(); ++i) {
    if (tasks_[i].note != run_note) {
      run_note = tasks_[i].note;
      run_stale = std::binary_search(stale.begin(), stale.end(), run_note);
    }
    if (!run_stale) renumbered[i] = kept++;
  }
  auto compact = [&](auto& list) {
    for (size_t i = 0; i < renumbered.size(); ++i)
      if (renumbered[i] != kGone && renumbered[i] != i) list[renumbered[i]] = list[i];
    list.resize(kept);
  };
  compact(tasks_);
  if (done_read_) compact(done_);
  for (int k = 0; k < 5; ++k) {
    if (dates_read_[k]) compact(dates_[k]);
    if (!by_date_sorted_[k]) continue;
    size_t out = 0;
    for (uint32_t i : by_date_[k])
      if (renumbered[i] != kGone) by_date_[k][out++] = renumbered[i];
    by_date_[k].resize(out);
  }
  // In: the current tasks of each changed path still in the vault, at its
  // place in path order (every task left belongs to a note still there).
  for (std::string_view path : paths) {
    const parse::Note* note = vault->find(path);
    if (!note) continue;
    auto at = std::lower_bound(tasks_.begin(), tasks_.end(), path, by_path);
    splice_tasks(static_cast<size_t>(at - tasks_.begin()), 0, *note);
  }
}

void QueryCache::Data::splice_tasks(size_t pos, size_t count, const parse::Note& note) {
  const size_t now = note.tasks.size();
  auto resize_at = [&](auto& v) {
    // [pos, pos + count) becomes [pos, pos + now): the tail moves only when the counts differ.
    using Diff = std::ptrdiff_t;
    if (now < count) v.erase(v.begin() + static_cast<Diff>(pos + now), v.begin() + static_cast<Diff>(pos + count));
    else if (now > count) v.insert(v.begin() + static_cast<Diff>(pos + count), now - count, typename std::decay_t<decltype(v)>::value_type{});
  };
  resize_at(tasks_);
  for (size_t i = 0; i < now; ++i) tasks_[pos + i] = TaskRef{&note, &note.tasks[i]};
  if (done_read_) {
    resize_at(done_);
    for (size_t i = 0; i < now; ++i) done_[pos + i] = task_done(note.tasks[i]) ? 1 : 0;
  }
  for (int k = 0; k < 5; ++k) {
    if (!dates_read_[k]) continue;
    // The sorted order: unchanged when the note has as many tasks as before,
    // with the same dates (most edits); else its old entries go, the later
    // ordinals move by the difference, and its tasks go in at their places.
    bool same_dates = now == count;
    if (same_dates) {
      for (size_t i = 0; i < now; ++i) {
        const int32_t d = date_number(note.tasks[i], k);
        same_dates = same_dates && dates_[k][pos + i] == d;
        dates_[k][pos + i] = d;
      }
    } else {
      resize_at(dates_[k]);
      for (size_t i = 0; i < now; ++i) dates_[k][pos + i] = date_number(note.tasks[i], k);
    }
    if (!by_date_sorted_[k] || same_dates) continue;
    std::vector<uint32_t>& order = by_date_[k];
    const auto first = static_cast<uint32_t>(pos), end_old = static_cast<uint32_t>(pos + count);
    const int64_t shift = static_cast<int64_t>(now) - static_cast<int64_t>(count);
    size_t out = 0;
    for (uint32_t i : order) {
      if (i >= first && i < end_old) continue;
      order[out++] = i >= end_old ? static_cast<uint32_t>(i + shift) : i;
    }
    order.resize(out);
    const std::vector<int32_t>& dates = dates_[k];
    auto before = [&](uint32_t a, uint32_t b) { return dates[a] != dates[b] ? dates[a] < dates[b] : a < b; };
    for (size_t i = 0; i < now; ++i) {
      const auto ordinal = static_cast<uint32_t>(pos + i);
      order.insert(std::upper_bound(order.begin(), order.end(), ordinal, before), ordinal);
    }
  }
}

}  // namespace vaultcrm::query
