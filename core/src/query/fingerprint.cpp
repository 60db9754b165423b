// Reads::print: see fingerprint.h.
#include "query/fingerprint.h"

namespace vaultcrm::query {

bool add_value(Fingerprint& f, const Val& v) {
  f.add(0x100u + static_cast<uint64_t>(v.t));
  switch (v.t) {
    case Val::T::Null: return true;
    case Val::T::Bool: f.add(v.b); return true;
    case Val::T::Number:
    case Val::T::Date: f.add_number(v.n); return true;
    case Val::T::Duration:
      f.add(static_cast<uint64_t>(static_cast<int64_t>(v.months)));
      f.add_number(v.n);
      return true;
    case Val::T::String: f.add_text(v.s); return true;
    case Val::T::Link:
      f.add_text(v.s);
      if (!v.link) {
        f.add(0);
        return true;
      }
      f.add_text(v.link->display);
      f.add_text(v.link->subpath);
      f.add(1u | (v.link->has_display ? 2u : 0u) | (v.link->embed ? 4u : 0u) |
            (static_cast<uint64_t>(static_cast<unsigned char>(v.link->kind)) << 8));
      return true;
    case Val::T::List:
      if (!v.list) {
        f.add(0);
        return true;
      }
      f.add(v.list->size());
      for (const Val& item : *v.list)
        if (!add_value(f, item)) return false;
      return true;
    case Val::T::Object: {
      if (!v.obj) {
        f.add(0);
        return true;
      }
      const ObjData& o = *v.obj;
      if (o.page || o.task || o.item || o.file_object) return false;
      f.add(o.members.size());
      for (const auto& [key, member] : o.members) {
        f.add_text(key);
        if (!add_value(f, member)) return false;
      }
      return true;
    }
    case Val::T::Function: return false;
  }
  return false;
}

void add_task(Fingerprint& f, const parse::Note& note, const parse::Task& task) {
  f.add(static_cast<uint64_t>(task.line));
  f.add_text(task.status);
  f.add(task.completed);
  f.add_text(task.text);
  const bool in_section = task.section >= 0 && static_cast<size_t>(task.section) < note.sections.size();
  f.add(in_section);
  if (in_section) f.add_text(note.sections[static_cast<size_t>(task.section)].heading);
  for (const std::string_view* date : {&task.due, &task.scheduled, &task.start, &task.done, &task.created})
    f.add_text(*date);
  f.add_text(task.priority);
  f.add(task.tags.size());
  for (const auto& tag : task.tags) f.add_text(tag);
  const bool root = task.list_item < 0 || static_cast<size_t>(task.list_item) >= note.lists.size() ||
                    note.lists[static_cast<size_t>(task.list_item)].parent < 0;
  f.add(root);
}

}  // namespace vaultcrm::query
