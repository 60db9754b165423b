// vaultcrm_memory - where an index's heap goes (issue 7 target 8).
//
//   build/native/bench/vaultcrm_memory VAULT
//
// Loads VAULT's notes into memory, then measures the heap in use (malloc's
// own count: mallinfo) across each step of a load as the engine does it:
// the notes upserted (parse::Note, texts, the Vault's indexes), the graph
// its first panel builds, and the caches of a first query. The notes are
// then walked field by field: each heap block a parse::Note owns is counted
// at its malloc size (malloc_usable_size plus the allocator's header), and
// its inline bytes (sizeof) where its container's block holds them, so the
// per-field rows add up to what the notes hold. Vault indexes and map nodes
// are the rest of the Vault's delta. Per note, in bytes.
#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine_impl.h"
#include "vaultcrm/engine.h"
#include "vaultcrm/index.h"
#include "vaultcrm/parse.h"

#include "heap_in_use.h"

namespace fs = std::filesystem;
using vaultcrm::Value;
namespace parse = vaultcrm::parse;

namespace {

// The heap a block at `p` takes: its usable size and malloc's header.
size_t block(const void* p) { return p ? malloc_usable_size(const_cast<void*>(p)) + sizeof(size_t) : 0; }

using Rows = std::map<std::string, size_t>;

size_t heap_of(const std::string& s) {
  const char* d = s.data();
  const char* self = reinterpret_cast<const char*>(&s);
  return (d >= self && d < self + sizeof(s)) ? 0 : block(d);
}
// A view owns nothing (list item and task texts view Note::source, which
// is the vault's copy of the note's text, counted with the texts).
size_t heap_of(std::string_view) { return 0; }
template <class T>
size_t block_of(const std::vector<T>& v) {
  return v.capacity() ? block(v.data()) : 0;
}
// A vector's block, less the sizeof of the elements it holds (their inline
// bytes go to their own rows): capacity slack, allocator header.
template <class T>
size_t slack_of(const std::vector<T>& v) {
  return block_of(v) - v.size() * sizeof(T);
}

size_t value_heap(const Value& v, Rows& rows, const std::string& key);

size_t value_children(const Value& v, Rows& rows, const std::string& key) {
  size_t total = 0;
  if (v.is_string()) {
    total += heap_of(v.as_string());
    rows[key + ".string_heap"] += heap_of(v.as_string());
  } else if (v.is_array()) {
    const auto& a = v.as_array();
    rows[key + ".array_blocks"] += block_of(a);
    total += block_of(a);
    for (const auto& item : a) total += value_children(item, rows, key);
  } else if (v.is_object()) {
    const auto& o = v.as_object();
    rows[key + ".object_blocks"] += block_of(o);
    total += block_of(o);
    for (const auto& [k, item] : o) {
      rows[key + ".key_heap"] += heap_of(k);
      total += heap_of(k);
      total += value_children(item, rows, key);
    }
  }
  return total;
}
size_t value_heap(const Value& v, Rows& rows, const std::string& key) { return value_children(v, rows, key); }

template <class T, class F>
void vec_rows(const std::vector<T>& v, Rows& rows, const std::string& name, F&& strings) {
  rows[name + " (inline)"] += v.size() * sizeof(T);
  rows[name + " (slack+hdr)"] += slack_of(v);
  size_t heap = 0;
  for (const auto& x : v) heap += strings(x);
  rows[name + " (owned heap)"] += heap;
}

void note_rows(const parse::Note& n, Rows& r) {
  r["Note struct (in map node)"] += sizeof(parse::Note);
  r["Note path/name/folder heap"] += heap_of(n.path) + heap_of(n.name) + heap_of(n.folder);
  value_heap(n.frontmatter, r, "frontmatter");
  vec_rows(n.aliases, r, "aliases", [](const std::string& s) { return heap_of(s); });
  vec_rows(n.tags, r, "tags", [](const std::string& s) { return heap_of(s); });
  vec_rows(n.sections, r, "sections", [](const parse::Section& s) { return heap_of(s.heading); });
  vec_rows(n.links, r, "links", [](const parse::Link& l) {
    return heap_of(l.target) + heap_of(l.display) + heap_of(l.heading) + heap_of(l.block) + heap_of(l.frontmatter_key);
  });
  vec_rows(n.inline_tags, r, "inline_tags", [](const parse::InlineTag& t) { return heap_of(t.tag); });
  vec_rows(n.lists, r, "lists", [](const parse::ListItem& l) { return heap_of(l.text) + heap_of(l.date); });
  vec_rows(n.tasks, r, "tasks", [](const parse::Task& t) {
    size_t h = heap_of(t.status) + heap_of(t.text) + heap_of(t.due) + heap_of(t.scheduled) + heap_of(t.start) +
               heap_of(t.done) + heap_of(t.created) + heap_of(t.priority) + block_of(t.tags);
    for (const auto& s : t.tags) h += heap_of(s);
    return h;
  });
  vec_rows(n.tables, r, "tables", [](const parse::Table& t) {
    size_t h = block_of(t.header) + block_of(t.rows) + block_of(t.row_lines);
    for (const auto& s : t.header) h += heap_of(s);
    for (const auto& row : t.rows) {
      h += block_of(row);
      for (const auto& c : row) {
        h += block_of(c.links);  // the texts view the note's block
      }
    }
    return h;
  });
  vec_rows(n.code_blocks, r, "code_blocks", [](const parse::CodeBlock& c) { return heap_of(c.lang) + heap_of(c.text); });
  vec_rows(n.inline_fields, r, "inline_fields", [](const parse::InlineField&) { return size_t{0}; });  // views
  vec_rows(n.errors, r, "errors", [](const parse::Diagnostic& d) { return heap_of(d.code) + heap_of(d.message); });
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: vaultcrm_memory VAULT\n");
    return 2;
  }
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& e : fs::recursive_directory_iterator(argv[1]))
    if (e.is_regular_file() && e.path().extension() == ".md")
      files.emplace_back(fs::relative(e.path(), argv[1]).generic_string(), read_file(e.path()));
  std::sort(files.begin(), files.end());
  const double n = static_cast<double>(files.size());
  size_t text_bytes = 0;
  for (const auto& f : files) text_bytes += f.second.size();
  std::string account;
  for (const auto& f : files)
    if (f.first.rfind("Customers/", 0) == 0) {
      account = f.first;
      break;
    }

  auto* engine = new vaultcrm::Engine();
  const size_t h0 = heap_in_use();
  engine->batchBegin(files.size());
  for (const auto& f : files) engine->batchAdd(f.first, f.second, 0);
  engine->batchEnd();
  const size_t h1 = heap_in_use();
  engine->panel(account.empty() ? files.front().first : account);
  const size_t h2 = heap_in_use();
  engine->query("TABLE file.name, company FROM \"People\" WHERE contains(tags, \"type/person\")", "", "");
  engine->query("TASK WHERE !completed", "", "");
  const size_t h3 = heap_in_use();

  const auto& vault = engine->impl().vault;
  Rows rows;
  size_t texts = 0;
  for (const auto& [path, note] : vault.notes()) {
    note_rows(note, rows);
    if (auto t = vault.text(path)) {
      // texts_ holds a copy of each text: its block and its hash node.
      texts += block(t->data());
    }
  }
  size_t notes_total = 0;
  for (const auto& [k, v] : rows) notes_total += v;
  const size_t vault_delta = h1 - h0;

  std::printf("notes %zu, text %.0f B/note\n", files.size(), text_bytes / n);
  std::printf("%-44s %10s\n", "heap per note (bytes)", "B/note");
  std::printf("%-44s %10.0f\n", "vault load (Engine batch): total", vault_delta / n);
  std::printf("%-44s %10.0f\n", "  texts (copies kept by the vault)", texts / n);
  std::printf("%-44s %10.0f\n", "  parse::Note contents (walked below)", notes_total / n);
  std::printf("%-44s %10.0f\n", "  rest: map nodes, keys, indexes, hashes", (vault_delta - texts - notes_total) / n);
  std::printf("%-44s %10.0f\n", "vault without texts", (vault_delta - texts) / n);
  std::printf("%-44s %10.0f\n", "graph (first panel)", (h2 - h1) / n);
  std::printf("%-44s %10.0f\n", "query caches (two queries)", (h3 - h2) / n);
  std::printf("\nparse::Note by field (B/note)\n");
  std::vector<std::pair<size_t, std::string>> sorted;
  for (const auto& [k, v] : rows) sorted.emplace_back(v, k);
  std::sort(sorted.rbegin(), sorted.rend());
  for (const auto& [v, k] : sorted)
    if (v) std::printf("  %-42s %10.0f\n", k.c_str(), v / n);
  std::printf("\nsizeof: Note %zu Link %zu Section %zu ListItem %zu Task %zu Table %zu TableCell %zu CodeBlock %zu "
              "InlineTag %zu InlineField %zu Value %zu string %zu\n",
              sizeof(parse::Note), sizeof(parse::Link), sizeof(parse::Section), sizeof(parse::ListItem),
              sizeof(parse::Task), sizeof(parse::Table), sizeof(parse::TableCell), sizeof(parse::CodeBlock),
              sizeof(parse::InlineTag), sizeof(parse::InlineField), sizeof(Value), sizeof(std::string));
  // Counts per note, for the record.
  size_t links = 0, lists = 0, tasks = 0, sections = 0, itags = 0, fields = 0, cells = 0, links_cap = 0;
  for (const auto& [path, note] : vault.notes()) {
    links += note.links.size();
    links_cap += note.links.capacity();
    lists += note.lists.size();
    tasks += note.tasks.size();
    sections += note.sections.size();
    itags += note.inline_tags.size();
    fields += note.inline_fields.size();
    for (const auto& t : note.tables)
      for (const auto& row : t.rows) cells += row.size();
  }
  std::printf("per note: links %.1f (capacity %.1f), list items %.1f, tasks %.1f, sections %.1f, inline tags %.1f, "
              "inline fields %.1f, table cells %.1f\n",
              links / n, links_cap / n, lists / n, tasks / n, sections / n, itags / n, fields / n, cells / n);
  // The graph's relations, by kind: what its heap is made of.
  const auto& graph = engine->impl().graph();
  size_t relations = 0, mentions = 0, relation_links = 0;
  for (const auto& [path, note] : vault.notes())
    for (const auto& r : graph.relations_in(path)) {
      ++relations;
      mentions += r.rel == vaultcrm::graph::Rel::Mentions;
      relation_links += r.links.size();
    }
  std::printf("graph per note: relations %.1f (mentions %.1f), timeline links %.1f; sizeof Relation %zu, Fact %zu\n",
              relations / n, mentions / n, relation_links / n, sizeof(vaultcrm::graph::Relation),
              sizeof(vaultcrm::graph::Fact));
  delete engine;
  return 0;
}
