// Reading a parsed note by its schema (internal): sections by heading, list
// items and links by line, references from list items and table cells.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vaultcrm/graph.h"
#include "vaultcrm/parse.h"
#include "vaultcrm/schema.h"

namespace vaultcrm::graph::detail {

// Indices of the sections whose heading is one of `names`.
std::vector<int> sections_named(const parse::Note& note, const schema::Names& names);
bool in_sections(int section, const std::vector<int>& sections);
// The column of a table header matching one of `names`, or -1.
int column_index(const std::vector<std::string>& header, const schema::Names& names);

// The body links of one line, in the note's order.
struct LinkRange {
  const parse::Link* const* first = nullptr;
  const parse::Link* const* last = nullptr;
  bool empty() const { return first == last; }
  const parse::Link* front() const { return *first; }
  const parse::Link* const* begin() const { return first; }
  const parse::Link* const* end() const { return last; }
};

// Body links by line: one sorted array per note (a hash map of vectors cost
// a graph rebuild 5% in allocations alone).
class LinksByLine {
 public:
  explicit LinksByLine(const parse::Note& note);
  LinkRange on(int line) const;

 private:
  std::vector<const parse::Link*> links_;  // by line, then the note's order
};

// A person/project/... named by a list item: its first link, else its text
// up to a separator (" - ", " — ", " (", ":", ","), if it looks like a name.
// `rest` receives what followed the name (a role, say). The texts set view
// the item's and its links' bytes.
bool ref_from_item(const parse::ListItem& item, LinkRange links, Ref& ref,
                   std::string_view* rest = nullptr);
// A reference from a table cell (viewing the cell's texts).
bool ref_from_cell(const parse::TableCell& cell, Ref& ref);
// References from a frontmatter value: "[[X|Y]]", plain strings, lists of
// them (viewing the value's strings).
void refs_from_value(const Value& v, std::vector<Ref>& out);
// The first frontmatter value under one of `keys` (case-insensitive), or null.
const Value* find_key(const Value& frontmatter, const schema::Names& keys);
// A plain string for a scalar value ("" for collections and null).
std::string scalar_text(const Value& v);

}  // namespace vaultcrm::graph::detail
