// parse_note: bytes -> Note. Orchestrates the frontmatter and Markdown
// adapters and adds what neither knows: Dataview inline fields, Obsidian
// Tasks' emoji dates and priorities, tag and alias normalisation.
#include <algorithm>
#include <cstring>
#include <iterator>
#include <unordered_set>

#include "markdown.h"
#include "text.h"
#include "vaultcrm/parse.h"

namespace vaultcrm::parse {
namespace {

using detail::LineTable;
using detail::trim;

// First invalid UTF-8 sequence at or after `from` (the bytes before it are
// ASCII), or npos.
size_t find_invalid_utf8(std::string_view s, size_t from) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), i = from;
  while (i < n) {
    // Skip ASCII eight bytes at a time: most notes are mostly ASCII.
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c >> 5) == 0x6) len = 2, cp = c & 0x1F;
    else if ((c >> 4) == 0xE) len = 3, cp = c & 0x0F;
    else if ((c >> 3) == 0x1E) len = 4, cp = c & 0x07;
    else return i;
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return std::string_view::npos;
}

Diagnostic at(const LineTable& lines, size_t off, std::string code, std::string message,
              Severity sev = Severity::Error) {
  Diagnostic d;
  d.severity = sev;
  d.code = std::move(code);
  d.message = std::move(message);
  d.line = lines.line_of(off);
  d.column = lines.column_of(off);
  return d;
}

void add_strings(const Value* v, std::vector<std::string>& out, bool split_words) {
  if (!v) return;
  auto add_one = [&](std::string_view s) {
    s = trim(s);
    if (split_words && !s.empty() && s[0] == '#') s.remove_prefix(1);
    if (!s.empty()) out.emplace_back(s);
  };
  if (v->is_string()) {
    if (!split_words) {
      add_one(v->as_string());
      return;
    }
    // Obsidian accepts "tags: a, b" and "tags: a b".
    const std::string& s = v->as_string();
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == ',' || s[i] == ' ') {
        add_one(std::string_view(s).substr(start, i - start));
        start = i + 1;
      }
    }
  } else if (v->is_array()) {
    for (const auto& item : v->as_array())
      if (item.is_string()) add_one(item.as_string());
      else if (item.type() == Value::Type::Int) add_one(std::to_string(item.as_int()));
  }
}

// Skips `code spans` when scanning a raw line for inline fields.
std::vector<std::pair<size_t, size_t>> code_spans(std::string_view line) {
  std::vector<std::pair<size_t, size_t>> spans;
  size_t i = 0;
  while ((i = line.find('`', i)) != std::string_view::npos) {
    size_t run = line.find_first_not_of('`', i);
    if (run == std::string_view::npos) break;
    std::string_view fence = line.substr(i, run - i);
    size_t close = line.find(fence, run);
    if (close == std::string_view::npos) break;
    spans.emplace_back(i, close + fence.size());
    i = close + fence.size();
  }
  return spans;
}

bool valid_field_key(std::string_view key) {
  key = trim(key);
  if (key.empty() || key.size() > 100) return false;
  for (char c : key)
    if (c == '[' || c == ']' || c == '(' || c == ')' || c == '`' || c == '|') return false;
  return true;
}

// Dataview's inline fields on one prose line: [key:: value], (key:: value),
// or the whole line "key:: value" (after a list marker or task box).
void scan_inline_fields(const LineTable& lines, int line_no, std::vector<InlineField>& out) {
  std::string_view line = lines.line_text(line_no);
  if (line.find("::") == std::string_view::npos) return;
  auto spans = code_spans(line);
  auto in_code = [&](size_t pos) {
    for (auto& s : spans)
      if (pos >= s.first && pos < s.second) return true;
    return false;
  };
  size_t line_start = lines.line_start(line_no);
  size_t found = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char open = line[i];
    if ((open != '[' && open != '(') || in_code(i)) continue;
    if (open == '[' && i + 1 < line.size() && line[i + 1] == '[') {  // a wikilink, skip it
      size_t end = line.find("]]", i);
      if (end == std::string_view::npos) break;
      i = end + 1;
      continue;
    }
    char close = open == '[' ? ']' : ')';
    size_t sep = line.find("::", i + 1);
    if (sep == std::string_view::npos) break;
    std::string_view key = line.substr(i + 1, sep - i - 1);
    if (!valid_field_key(key)) continue;
    int depth = 0;
    size_t j = sep + 2;
    for (; j < line.size(); ++j) {
      if (line[j] == open) ++depth;
      else if (line[j] == close) {
        if (depth == 0) break;
        --depth;
      }
    }
    if (j >= line.size()) continue;
    InlineField f;
    f.key = trim(key);
    f.value = trim(line.substr(sep + 2, j - sep - 2));
    f.line = line_no;
    f.column = lines.column_of(line_start + i);
    f.style = open == '[' ? FieldStyle::Bracket : FieldStyle::Paren;
    out.push_back(std::move(f));
    ++found;
    i = j;
  }
  if (found) return;
  bool has_box = false;
  std::string status;
  (void)has_box;
  (void)status;
  // Whole-line field: strip list marker / task box / quote markers.
  size_t k = 0;
  while (k < line.size() && (line[k] == ' ' || line[k] == '\t' || line[k] == '>')) ++k;
  if (k < line.size() && (line[k] == '-' || line[k] == '*' || line[k] == '+') && k + 1 < line.size() &&
      line[k + 1] == ' ') {
    k += 2;
    while (k < line.size() && line[k] == ' ') ++k;
    if (k + 3 < line.size() && line[k] == '[' && line[k + 2] == ']' && line[k + 3] == ' ') k += 4;
  }
  size_t sep = line.find("::", k);
  if (sep == std::string_view::npos || in_code(sep)) return;
  std::string_view key = line.substr(k, sep - k);
  // Dataview strips **bold** / _italic_ markup around a key.
  while (!key.empty() && (key.front() == '*' || key.front() == '_')) key.remove_prefix(1);
  while (!key.empty() && (key.back() == '*' || key.back() == '_')) key.remove_suffix(1);
  if (!valid_field_key(key) || key.find("::") != std::string_view::npos) return;
  InlineField f;
  f.key = trim(key);
  f.value = trim(line.substr(sep + 2));
  f.line = line_no;
  f.column = lines.column_of(line_start + k);
  f.style = FieldStyle::Line;
  out.push_back(std::move(f));
}

// Obsidian Tasks' emoji signifiers. Each starts with byte E2 or F0, so one
// pass over the text finds them all: a search per signifier was ten
// memchr calls per task, and most tasks hold none.
void read_task_signifiers(Task& task) {
  struct DateSig {
    std::string_view emoji;
    std::string_view Task::*field;
  };
  static const DateSig kDates[] = {
      {"\xF0\x9F\x93\x85", &Task::due},        // 📅
      {"\xE2\x8F\xB3", &Task::scheduled},      // ⏳
      {"\xF0\x9F\x9B\xAB", &Task::start},      // 🛫
      {"\xE2\x9C\x85", &Task::done},           // ✅
      {"\xE2\x9E\x95", &Task::created},        // ➕
  };
  struct PrioritySig {
    std::string_view emoji;
    std::string_view name;  // a literal: the task views it
  };
  // Highest first: of several, the highest one written wins.
  static const PrioritySig kPriorities[] = {
      {"\xF0\x9F\x94\xBA", "highest"},  // 🔺
      {"\xE2\x8F\xAB", "high"},         // ⏫
      {"\xF0\x9F\x94\xBC", "medium"},   // 🔼
      {"\xF0\x9F\x94\xBD", "low"},      // 🔽
      {"\xE2\x8F\xAC", "lowest"},       // ⏬
  };
  const std::string_view t = task.text;
  unsigned dates_seen = 0, priorities_seen = 0;  // bit i: kDates[i] / kPriorities[i] found
  for (size_t at = 0; at < t.size(); ++at) {
    // Eight ASCII bytes (no top bit set) at a time: most task text is.
    for (uint64_t word; at + 8 <= t.size(); at += 8) {
      std::memcpy(&word, t.data() + at, 8);
      if (word & 0x8080808080808080ull) break;
    }
    if (at >= t.size()) break;
    const auto lead = static_cast<unsigned char>(t[at]);
    if (lead != 0xE2 && lead != 0xF0) continue;
    const std::string_view here = t.substr(at);
    for (size_t i = 0; i < std::size(kDates); ++i) {
      if ((dates_seen >> i & 1) || !detail::starts_with(here, kDates[i].emoji)) continue;
      dates_seen |= 1u << i;  // only its first place is read, date or not
      std::string_view rest = here.substr(kDates[i].emoji.size());
      if (detail::starts_with(rest, "\xEF\xB8\x8F")) rest.remove_prefix(3);  // variation selector
      while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
      if (detail::starts_with_iso_date(rest)) task.*kDates[i].field = rest.substr(0, 10);
    }
    for (size_t i = 0; i < std::size(kPriorities); ++i)
      if (detail::starts_with(here, kPriorities[i].emoji)) priorities_seen |= 1u << i;
  }
  for (size_t i = 0; i < std::size(kPriorities); ++i)
    if (priorities_seen >> i & 1) {
      task.priority = kPriorities[i].name;
      break;
    }
}

// Where "[[" + inner first occurs in `text` at or after `from` (npos if
// nowhere), without building that string.
size_t find_opened(std::string_view text, std::string_view inner, size_t from) {
  for (size_t at = text.find(inner, from + 2); at != std::string_view::npos; at = text.find(inner, at + 1))
    if (text[at - 2] == '[' && text[at - 1] == '[') return at - 2;
  return std::string_view::npos;
}

// Obsidian indexes "[[...]]" strings in frontmatter values as links too.
void frontmatter_links(const Value& v, const std::string& key, std::string_view fm_text, const LineTable& lines,
                       size_t& cursor, std::vector<detail::LinkDraft>& out) {
  if (v.is_array()) {
    for (const auto& item : v.as_array()) frontmatter_links(item, key, fm_text, lines, cursor, out);
  } else if (v.is_object()) {
    for (const auto& [k, item] : v.as_object()) frontmatter_links(item, k, fm_text, lines, cursor, out);
  } else if (v.is_string()) {
    std::string_view s = v.as_string();
    size_t pos = 0;
    while ((pos = s.find("[[", pos)) != std::string_view::npos) {
      size_t end = s.find("]]", pos + 2);
      if (end == std::string_view::npos) break;
      std::string_view inner = s.substr(pos + 2, end - pos - 2);
      detail::LinkDraft link;  // YAML's strings are not the note's bytes: each text is a copy
      link.frontmatter_key.set(key, {});
      link.embed = pos > 0 && s[pos - 1] == '!';
      size_t bar = inner.find('|');
      std::string_view target = inner.substr(0, bar);
      if (bar != std::string_view::npos) {
        link.has_display = true;
        link.display.set(trim(inner.substr(bar + 1)), {});
      }
      size_t hash = target.find('#');
      link.target.set(trim(target.substr(0, hash)), {});
      if (hash != std::string_view::npos) {
        std::string_view sub = trim(target.substr(hash + 1));
        if (!sub.empty() && sub[0] == '^') link.block.set(sub.substr(1), {});
        else link.heading.set(sub, {});
      }
      // Its place in the file: the next occurrence of the same text.
      size_t found = find_opened(fm_text, inner, cursor);
      if (found == std::string_view::npos) found = find_opened(fm_text, inner, 0);
      if (found != std::string_view::npos) {
        cursor = found + 2 + inner.size();
        link.line = lines.line_of(found);
        link.column = lines.column_of(found);
      } else {
        link.line = 1;
        link.column = 1;
      }
      out.push_back(std::move(link));
      pos = end + 2;
    }
  }
}

// Tags without repeats (ASCII case-insensitive), first-seen order and
// spelling. A note has a handful, compared in place; a set (one lower-case
// copy per tag) only past that, for notes with thousands.
void unique_tags(std::vector<std::string>& tags, std::vector<std::string>& out) {
  constexpr size_t kLinearLimit = 32;
  if (tags.size() <= kLinearLimit) {
    for (auto& t : tags) {
      bool seen = false;
      for (const auto& kept : out)
        if (detail::equals_ascii_ci(kept, t)) {
          seen = true;
          break;
        }
      if (!seen) out.push_back(std::move(t));
    }
    return;
  }
  std::unordered_set<std::string> seen;
  for (auto& t : tags)
    if (seen.insert(detail::ascii_lower(t)).second) out.push_back(std::move(t));
}

// Vectors at their size: a note lives as long as the vault holds it, and
// push_back growth left a quarter of each list unused on average (about
// 1.3 KB per note of the bench vaults, natively). Contents are unchanged.
template <class T>
void fit(std::vector<T>& v) {
  if (v.capacity() != v.size()) v.shrink_to_fit();
}

void fit_value(Value& v) {
  if (v.is_array()) {
    fit(v.as_array());
    for (auto& item : v.as_array()) fit_value(item);
  } else if (v.is_object()) {
    fit(v.as_object());
    for (auto& member : v.as_object()) fit_value(member.second);
  }
}

void fit_note(Note& note) {
  fit_value(note.frontmatter);
  fit(note.aliases);
  fit(note.tags);
  fit(note.sections);
  fit(note.links);
  fit(note.inline_tags);
  fit(note.lists);
  fit(note.tasks);
  for (auto& task : note.tasks) fit(task.tags);
  fit(note.tables);
  for (auto& table : note.tables) {
    fit(table.header);
    fit(table.rows);
    fit(table.row_lines);
    for (auto& row : table.rows) {
      fit(row);
      for (auto& cell : row) fit(cell.links);
    }
  }
  fit(note.code_blocks);
  fit(note.inline_fields);
  fit(note.errors);
}

// One block for everything the note's records view: its bytes, then the
// link and cell texts the parser had to copy. List items, tasks, table cells
// and the other link texts viewed `bytes` while the note was parsed; they
// move to the same offsets in the block.
void finish_source(std::string_view bytes, const std::vector<detail::LinkDraft>& drafts,
                   const std::vector<std::pair<std::string_view*, std::string>>& built,
                   const std::deque<std::string>& cell_texts, Note& note) {
  auto in_bytes = [&](std::string_view v) { return detail::lies_within(v, bytes); };
  size_t copied = 0;
  for (const auto& b : built) copied += b.second.size();
  for (const auto& c : cell_texts) copied += c.size();  // every cell text not in `bytes` views one of these
  for (const auto& d : drafts)
    for (const detail::DraftText* t : {&d.target, &d.display, &d.heading, &d.block, &d.frontmatter_key})
      if (t->copied()) copied += t->get().size();
  auto source = std::make_shared<std::string>();
  source->reserve(bytes.size() + copied);
  source->append(bytes);
  const char* base = source->data();
  auto rebased = [&](std::string_view v) { return std::string_view(base + (v.data() - bytes.data()), v.size()); };
  auto moved = [&](std::string_view v) {  // a view of `bytes` to the block; a literal stays
    if (v.empty()) return std::string_view();
    return in_bytes(v) ? rebased(v) : v;
  };
  for (auto& item : note.lists) {
    item.text = moved(item.text);
    item.date = moved(item.date);
  }
  for (auto& task : note.tasks)
    for (std::string_view* v : {&task.status, &task.text, &task.due, &task.scheduled, &task.start, &task.done,
                                &task.created, &task.priority})
      *v = moved(*v);
  for (auto& field : note.inline_fields) {
    field.key = moved(field.key);
    field.value = moved(field.value);
  }
  auto placed_copy = [&](std::string_view text) {
    const size_t at = source->size();
    source->append(text);  // within the reserved size: `base` stays
    return std::string_view(base + at, text.size());
  };
  auto placed = [&](const detail::DraftText& t) { return t.copied() ? placed_copy(t.get()) : moved(t.get()); };
  note.links.resize(drafts.size());
  for (size_t i = 0; i < drafts.size(); ++i) {
    const detail::LinkDraft& d = drafts[i];
    Link& l = note.links[i];
    l.target = placed(d.target);
    l.display = placed(d.display);
    l.heading = placed(d.heading);
    l.block = placed(d.block);
    l.frontmatter_key = placed(d.frontmatter_key);
    l.line = d.line;
    l.column = d.column;
    l.has_display = d.has_display;
    l.embed = d.embed;
    l.markdown = d.markdown;
  }
  for (const auto& [where, text] : built) *where = placed_copy(text);
  // A cell's text is most often the note's bytes (moved) and else one of
  // cell_texts (copied), never a literal.
  auto place = [&](std::string_view& v) {
    if (v.empty()) v = std::string_view();
    else if (in_bytes(v)) v = rebased(v);
    else v = placed_copy(v);
  };
  for (auto& table : note.tables)
    for (auto& row : table.rows)
      for (auto& cell : row) {
        place(cell.text);
        for (std::string_view& l : cell.links) place(l);
      }
  note.source = std::move(source);
}

}  // namespace

Note parse_note(std::string_view path, std::string_view bytes, double mtime, const Limits& limits) {
  Note note;
  note.path = std::string(path);
  size_t slash = note.path.rfind('/');
  note.folder = slash == std::string::npos ? "" : note.path.substr(0, slash);
  std::string base = slash == std::string::npos ? note.path : note.path.substr(slash + 1);
  if (detail::ends_with(detail::ascii_lower(base), ".md")) base.resize(base.size() - 3);
  note.name = base;
  note.size = bytes.size();
  note.mtime = mtime;
  // Parsed from the caller's bytes; finish_source copies them once, with the
  // link texts, into the note's own block and moves every view there.
  std::string_view text = bytes;
  if (detail::starts_with(text, "\xEF\xBB\xBF")) {
    note.bom = true;
    text.remove_prefix(3);
  }
  detail::TextFacts facts;
  LineTable lines(text, facts);
  note.crlf = facts.crlf;

  if (bytes.size() > limits.max_note_bytes) {
    Diagnostic d;
    d.code = "note_too_large";
    d.message = "note is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                std::to_string(limits.max_note_bytes) + "; it was not parsed";
    d.line = 1;
    d.column = 1;
    note.errors.push_back(std::move(d));
    note.source = std::make_shared<const std::string>(bytes);  // the vault's copy of the text (Vault::text)
    return note;
  }
  size_t bad = facts.first_non_ascii == std::string_view::npos ? std::string_view::npos
                                                                : find_invalid_utf8(text, facts.first_non_ascii);
  if (bad != std::string_view::npos)
    note.errors.push_back(at(lines, bad, "invalid_utf8",
                             "invalid UTF-8 byte sequence; shown as U+FFFD, the rest of the note is read"));
  size_t nul = facts.first_nul;
  if (nul != std::string_view::npos)
    note.errors.push_back(at(lines, nul, "nul_byte", "NUL byte in the note; read as U+FFFD"));

  Frontmatter fm = parse_frontmatter(text, limits);
  note.has_frontmatter = fm.present;
  note.frontmatter_first = fm.first_line;
  note.frontmatter_last = fm.last_line;
  note.frontmatter = std::move(fm.value);
  for (auto& e : fm.errors) note.errors.push_back(std::move(e));

  std::vector<std::string> tags;
  if (note.frontmatter.is_object()) {
    const Value* aliases = note.frontmatter.find("aliases");
    if (!aliases) aliases = note.frontmatter.find("alias");
    add_strings(aliases, note.aliases, false);
    const Value* fm_tags = note.frontmatter.find("tags");
    if (!fm_tags) fm_tags = note.frontmatter.find("tag");
    add_strings(fm_tags, tags, true);
  }

  // Room for every "[[" of the note up front: regrowing the vector moved
  // each draft several times.
  std::vector<detail::LinkDraft> links;
  links.reserve(facts.link_openers);

  if (fm.present && note.frontmatter.is_object()) {
    size_t cursor = 0;
    frontmatter_links(note.frontmatter, "", text.substr(0, fm.body_offset), lines, cursor, links);
  }

  std::vector<int> prose_lines;
  std::deque<std::string> cell_texts;  // until finish_source
  detail::parse_markdown(text, fm.present ? fm.body_offset : 0, lines, facts, note, links, prose_lines, cell_texts);

  // Only lines holding "::" can hold a field.
  if (!facts.field_lines.empty())
    for (int line : prose_lines)
      if (std::binary_search(facts.field_lines.begin(), facts.field_lines.end(), line))
        scan_inline_fields(lines, line, note.inline_fields);

  for (const auto& t : note.inline_tags) tags.push_back(t.tag);
  unique_tags(tags, note.tags);

  // Tasks: emoji signifiers, then Dataview-style [due:: ...] fields on the
  // same line, then the line's tags.
  size_t field_i = 0, tag_i = 0;
  std::vector<std::pair<std::string_view*, std::string>> built;  // task texts found nowhere in the note
  for (auto& task : note.tasks) {
    read_task_signifiers(task);
    while (field_i < note.inline_fields.size() && note.inline_fields[field_i].line < task.line) ++field_i;
    for (size_t f = field_i; f < note.inline_fields.size() && note.inline_fields[f].line == task.line; ++f) {
      const auto& field = note.inline_fields[f];
      std::string key = detail::ascii_lower(field.key);
      std::string_view v = trim(field.value);
      // The field's value is a copy; the task views the same bytes on its line.
      std::string_view line_text = lines.line_text(task.line);
      auto in_line = [&](std::string_view s, std::string_view& out) {
        if (s.empty()) return;
        if (size_t at = line_text.find(s); at != std::string_view::npos) out = line_text.substr(at, s.size());
        else built.emplace_back(&out, std::string(s));
      };
      std::string_view date = detail::starts_with_iso_date(v) ? v.substr(0, 10) : std::string_view();
      if (key == "due" && task.due.empty()) in_line(date, task.due);
      else if (key == "scheduled" && task.scheduled.empty()) in_line(date, task.scheduled);
      else if (key == "start" && task.start.empty()) in_line(date, task.start);
      else if ((key == "completion" || key == "done") && task.done.empty()) in_line(date, task.done);
      else if (key == "created" && task.created.empty()) in_line(date, task.created);
      else if (key == "priority" && task.priority.empty()) {
        const std::string lowered = detail::ascii_lower(v);
        for (std::string_view name : {"highest", "high", "medium", "low", "lowest"})  // literals: no bytes kept
          if (lowered == name) task.priority = name;
        if (task.priority.empty()) in_line(lowered, task.priority);
      }
    }
    while (tag_i < note.inline_tags.size() && note.inline_tags[tag_i].line < task.line) ++tag_i;
    for (size_t k = tag_i; k < note.inline_tags.size() && note.inline_tags[k].line == task.line; ++k)
      task.tags.push_back(note.inline_tags[k].tag);
  }

  // Section ends: the line before the next heading of the same or higher level.
  int last_line = lines.line_count();
  if (last_line > 1 && text.size() > 0 && text.back() == '\n') --last_line;
  for (size_t i = 0; i < note.sections.size(); ++i) {
    note.sections[i].end_line = last_line;
    for (size_t j = i + 1; j < note.sections.size(); ++j)
      if (note.sections[j].level <= note.sections[i].level) {
        note.sections[i].end_line = note.sections[j].line - 1;
        break;
      }
  }
  finish_source(bytes, links, built, cell_texts, note);
  fit_note(note);
  return note;
}

}  // namespace vaultcrm::parse
