// vaultcrm/parse.h - one file's bytes -> a Note.
//
// The parser never fails: content problems (broken YAML, invalid UTF-8, NUL
// bytes, an unterminated frontmatter block) become Diagnostics on the Note,
// and everything that could be read is still there. Lines are 1-based over
// the whole file (frontmatter included); columns count code points.
//
//   vaultcrm::parse::Note n = vaultcrm::parse::parse_note("People/Ana.md", text, 0);
//   for (const auto& task : n.tasks) ...
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vaultcrm/value.h"

namespace vaultcrm::parse {

enum class Severity { Error, Warning };

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;     // stable, e.g. "yaml_syntax" (docs/json-api.md)
  std::string message;  // for people
  int line = 0;
  int column = 0;
};

// A link's texts are views into its note's bytes (Note::source), like a list
// item's: a string each was ~180 bytes a link and an allocation for most
// targets, the largest part of an index's heap (14 links a note in the bench
// vaults). They are valid as long as a copy of the note is.
struct Link {
  std::string_view target;   // the note part: "People/Ana" of [[People/Ana#Role|Ana]]
  std::string_view display;  // text after '|', empty when has_display is false
  std::string_view heading;  // after '#', without '^'
  std::string_view block;    // after '#^'
  std::string_view frontmatter_key;  // set when the link is a "[[...]]" string in the frontmatter
  int line = 0;
  int column = 0;
  bool has_display = false;
  bool embed = false;     // ![[...]]
  bool markdown = false;  // [text](Note.md) rather than a wikilink
};

struct Section {
  std::string heading;
  int level = 0;
  int line = 0;
  int end_line = 0;
  int parent = -1;  // index into Note::sections
};

struct ListItem {
  int line = 0;
  // Raw first line after the marker (and the task box): a view into the
  // note's bytes (Note::source), valid as long as a copy of the note is.
  std::string_view text;
  int parent = -1;   // enclosing list item
  int section = -1;
  bool task = false;
  std::string_view date;  // leading YYYY-MM-DD, "" if none: the same bytes as `text`
};

// A task's texts are views, as a list item's: into Note::source, or, for a
// priority written as an emoji, its name.
struct Task {
  int line = 0;
  bool completed = false;
  std::string_view status;  // the character between the brackets, as written
  std::string_view text;    // its list item's text, the same bytes
  int section = -1;
  int list_item = -1;  // index into Note::lists
  std::string_view due, scheduled, start, done, created;  // YYYY-MM-DD or ""
  std::string_view priority;  // highest|high|medium|low|lowest, another [priority:: ...] value, or ""
  std::vector<std::string> tags;
};

// A cell's texts view Note::source, as a list item's do: the same bytes on
// the row's line when the line holds them, else a copy after the note's text.
struct TableCell {
  std::string_view text;                  // rendered text (link display, no emphasis marks)
  std::vector<std::string_view> links;    // wikilink targets in the cell
};

struct Table {
  int line = 0;
  int end_line = 0;
  int section = -1;
  std::vector<std::string> header;
  std::vector<std::vector<TableCell>> rows;
  std::vector<int> row_lines;
};

struct CodeBlock {
  int line = 0;  // the opening fence
  int end_line = 0;
  int section = -1;
  std::string lang;
  std::string text;
};

struct InlineTag {
  std::string tag;  // without '#'
  int line = 0;
  int column = 0;
};

enum class FieldStyle { Line, Bracket, Paren };

// Key and value view Note::source: both are the bytes on the field's line.
struct InlineField {
  std::string_view key;
  std::string_view value;
  int line = 0;
  int column = 0;
  FieldStyle style = FieldStyle::Line;
};

struct Note {
  std::string path;    // vault-relative, '/' separated
  std::string name;    // basename without ".md"
  std::string folder;  // "" at the vault root
  size_t size = 0;
  double mtime = 0;
  bool bom = false;
  bool crlf = false;

  bool has_frontmatter = false;
  int frontmatter_first = 0, frontmatter_last = 0;  // the two --- lines
  Value frontmatter;                                 // null when absent or unreadable
  std::vector<std::string> aliases;
  std::vector<std::string> tags;  // frontmatter + inline, unique, first-seen order

  std::vector<Section> sections;
  std::vector<Link> links;
  std::vector<InlineTag> inline_tags;
  std::vector<ListItem> lists;
  std::vector<Task> tasks;
  std::vector<Table> tables;
  std::vector<CodeBlock> code_blocks;
  std::vector<InlineField> inline_fields;
  std::vector<Diagnostic> errors;

  // The bytes that list items, tasks and links view: the note's text as it
  // was parsed (a vault keeps no other copy of it) followed by the link texts
  // the parser had to build (trimmed, unescaped, decoded), or, for a note
  // restored from a snapshot, those texts alone. Shared, so a copy of a note
  // views the same bytes and they live as long as any copy does.
  std::shared_ptr<const std::string> source;
};

struct Limits {
  size_t max_note_bytes = 64u << 20;     // larger notes keep only a diagnostic
  int max_yaml_depth = 64;               // nesting of frontmatter collections
  size_t max_yaml_values = 100000;       // values after alias expansion
};

Note parse_note(std::string_view path, std::string_view bytes, double mtime,
                const Limits& limits = {});

// Frontmatter only, for tests and the differential check of the fast path.
struct Frontmatter {
  bool present = false;
  int first_line = 0, last_line = 0;
  size_t body_offset = 0;  // where the Markdown body starts in the text
  Value value;
  std::vector<Diagnostic> errors;
  bool used_fast_path = false;
};
// `text` starts at the first byte after any BOM.
Frontmatter parse_frontmatter(std::string_view text, const Limits& limits = {});
// The YAML part alone (between the --- lines), with yaml-cpp; `first_line` is
// the file line of the YAML's first line. Exposed for the differential test.
Value parse_yaml_with_yamlcpp(std::string_view yaml, int first_line, const Limits& limits,
                              std::vector<Diagnostic>& errors);
// The fast path: returns false (and leaves `out` alone) when the YAML is
// outside the strict subset it understands.
bool parse_yaml_fast(std::string_view yaml, Value& out);

}  // namespace vaultcrm::parse
