// Contact merges: fold person notes into the canonical one, move every link,
// collapse repeated contact bullets and collaborator rows.
#include <algorithm>
#include <optional>
#include <sstream>

#include "plan_builder.h"
#include "text_util.h"

namespace vaultcrm::merge {
namespace {

using namespace detail;

std::string scalar_str(const Value& v) {
  switch (v.type()) {
    case Value::Type::String: return v.as_string();
    case Value::Type::Int: return std::to_string(v.as_int());
    case Value::Type::Double: {
      std::ostringstream ss;
      ss << v.as_double();
      return ss.str();
    }
    case Value::Type::Bool: return v.as_bool() ? "true" : "false";
    default: return "";
  }
}

bool is_scalar(const Value& v) { return !v.is_array() && !v.is_object(); }

// One top-level key of a frontmatter block: lines [start, end) of the file.
struct FmBlock {
  std::string key;
  std::string key_text;  // as written before ':'
  int start = 0, end = 0;
  bool block_list = false;
  std::vector<std::string> raw_items;
  std::string item_indent = "  ";
  int last_item = -1;  // line index of the last "- " item
};

std::vector<FmBlock> fm_blocks(const std::vector<std::string>& lines, const parse::Note& note) {
  std::vector<FmBlock> out;
  if (!note.has_frontmatter) return out;
  for (int i = note.frontmatter_first; i < note.frontmatter_last - 1 && i < static_cast<int>(lines.size()); ++i) {
    std::string body(body_of(lines[i]));
    bool key_line = !body.empty() && body[0] != ' ' && body[0] != '\t' && body[0] != '-' && body[0] != '#' &&
                    body.find(':') != std::string::npos;
    if (key_line) {
      FmBlock b;
      size_t colon = body.find(':');
      b.key_text = body.substr(0, colon);
      std::string k = trim(b.key_text);
      if (k.size() >= 2 && (k[0] == '"' || k[0] == '\'') && k.back() == k[0]) k = k.substr(1, k.size() - 2);
      b.key = k;
      b.start = i;
      b.end = i + 1;
      std::string rest = trim(body.substr(colon + 1));
      b.block_list = rest.empty() || rest[0] == '#';
      out.push_back(b);
    } else if (!out.empty()) {
      out.back().end = i + 1;
      std::string t = trim(body);
      if (out.back().block_list && (t.rfind("- ", 0) == 0 || t == "-")) {
        out.back().raw_items.push_back(trim(t.substr(1)));
        if (out.back().raw_items.size() == 1) out.back().item_indent = body.substr(0, body.find('-'));
        out.back().last_item = i;
      }
    }
  }
  for (auto& b : out)
    if (b.raw_items.empty()) b.block_list = false;
  return out;
}

const FmBlock* find_block(const std::vector<FmBlock>& blocks, const std::string& key) {
  for (const auto& b : blocks)
    if (b.key == key) return &b;
  return nullptr;
}

struct Item {
  std::string text;  // value as a string
  std::string raw;   // as written, "" when unknown
  bool string = true;
  bool from_canon = false;
};

void add_items(const Value& v, const FmBlock* block, std::vector<Item>& out) {
  if (v.is_array()) {
    const auto& arr = v.as_array();
    bool raw_ok = block && block->block_list && block->raw_items.size() == arr.size();
    for (size_t i = 0; i < arr.size(); ++i)
      out.push_back({scalar_str(arr[i]), raw_ok ? block->raw_items[i] : "", arr[i].is_string(), false});
  } else if (!v.is_null()) {
    out.push_back({scalar_str(v), "", v.is_string(), false});
  }
}

std::string emit_item(const Item& it) {
  if (!it.raw.empty()) return it.raw;
  return it.string ? yaml_scalar(it.text) : it.text;
}

struct Source {
  const parse::Note* note;
  std::vector<std::string> lines;  // current text (links already rewritten)
  std::vector<FmBlock> blocks;
};

std::string eol_for(const parse::Note& n) { return n.crlf ? "\r\n" : "\n"; }

std::vector<std::string> block_lines(const Source& s, const FmBlock& b, const std::string& eol) {
  std::vector<std::string> out;
  for (int i = b.start; i < b.end; ++i) out.push_back(std::string(body_of(s.lines[i])) + eol);
  return out;
}

// The body of a merged note, headings demoted two levels so they sit under
// the "Merged from" heading.
std::vector<std::string> body_for_appendix(const Source& s, const std::string& eol) {
  std::vector<std::string> out;
  int from = s.note->has_frontmatter ? s.note->frontmatter_last : 0;
  bool fence = false;
  for (int i = from; i < static_cast<int>(s.lines.size()); ++i) {
    std::string body(body_of(s.lines[i]));
    if (i == 0 && body.compare(0, 3, "\xEF\xBB\xBF") == 0) body = body.substr(3);
    std::string t = trim(body);
    if (t.rfind("```", 0) == 0 || t.rfind("~~~", 0) == 0) fence = !fence;
    if (!fence && !body.empty() && body[0] == '#') {
      size_t level = body.find_first_not_of('#');
      if (level != std::string::npos && level <= 4 && body[level] == ' ') body = "##" + body;
    }
    out.push_back(body + eol);
  }
  while (!out.empty() && trim(out.front()).empty()) out.erase(out.begin());
  while (!out.empty() && trim(out.back()).empty()) out.pop_back();
  return out;
}

std::string name_of(const std::string& path) {
  auto slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.size() > 3 && base.compare(base.size() - 3, 3, ".md") == 0) base.resize(base.size() - 3);
  return base;
}

// Splits a table row on unescaped pipes; `lead`/`trail` say whether the row
// starts/ends with one.
std::vector<std::string> split_row(const std::string& body, bool& lead, bool& trail) {
  std::vector<std::string> cells;
  std::string cur;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '|' && (i == 0 || body[i - 1] != '\\')) {
      cells.push_back(cur);
      cur.clear();
    } else {
      cur += body[i];
    }
  }
  cells.push_back(cur);
  lead = !cells.empty() && trim(cells.front()).empty();
  trail = cells.size() > 1 && trim(cells.back()).empty();
  if (lead) cells.erase(cells.begin());
  if (trail && !cells.empty()) cells.pop_back();
  return cells;
}

std::string strip_edges(std::string s) {
  static const std::vector<std::string> junk = {" ", "\t", "-", ":", ",", ";", "(", ")", "*", "_",
                                                "\xE2\x80\x94", "\xE2\x80\x93"};
  bool changed = true;
  while (changed && !s.empty()) {
    changed = false;
    for (const auto& j : junk) {
      if (s.size() >= j.size() && s.compare(0, j.size(), j) == 0) s = s.substr(j.size()), changed = true;
      if (s.size() >= j.size() && s.compare(s.size() - j.size(), j.size(), j) == 0)
        s.resize(s.size() - j.size()), changed = true;
    }
  }
  return s;
}

// What a contact bullet says besides the person's name.
std::string bullet_rest(const std::string& body, const std::vector<std::string>& names) {
  std::string t = trim(body);
  if (!t.empty() && (t[0] == '-' || t[0] == '*' || t[0] == '+')) t = t.substr(1);
  else {
    size_t d = t.find_first_not_of("0123456789");
    if (d != std::string::npos && d > 0 && (t[d] == '.' || t[d] == ')')) t = t.substr(d + 1);
  }
  // Links to the person go (the kept bullet has one); links to anyone or
  // anything else are facts the bullet holds, so they stay as written.
  std::set<std::string> folded;
  for (const auto& n : names) folded.insert(dedup::fold(n));
  for (size_t open = t.find("[["); open != std::string::npos; open = t.find("[[", open)) {
    size_t close = t.find("]]", open);
    if (close == std::string::npos) break;
    std::string inner = t.substr(open + 2, close - open - 2);
    size_t pipe = inner.find('|');
    std::string target = inner.substr(0, std::min(pipe, inner.find('#')));
    if (!target.empty() && target.back() == '\\') target.pop_back();
    std::string shown = pipe == std::string::npos ? "" : inner.substr(pipe + 1);
    size_t slash = target.find_last_of('/');
    if (slash != std::string::npos) target = target.substr(slash + 1);
    if (folded.count(dedup::fold(target)) || (!shown.empty() && folded.count(dedup::fold(shown))))
      t.erase(open, close + 2 - open);
    else
      open = close + 2;
  }
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& n : sorted) {
    if (n.empty()) continue;
    for (size_t at; (at = lower_ascii(t).find(lower_ascii(n))) != std::string::npos;) t.erase(at, n.size());
  }
  return strip_edges(trim(t));
}

bool contains_ci(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v)
    if (lower_ascii(trim(x)) == lower_ascii(trim(s))) return true;
  return false;
}

}  // namespace

namespace detail {

std::string join_kept(const std::vector<std::string>& file) {
  std::vector<std::string> kept;
  for (const auto& l : file)
    if (l != "\x01") kept.push_back(l);
  return join_lines(kept);
}

bool collapse_group(const parse::Note& note_ref, std::vector<std::string>& file, const std::vector<int>& lines, int keep,
                    bool is_table, const dedup::Options& options, const std::vector<std::string>& names, Plan& plan) {
  const parse::Note* note = &note_ref;
  for (int ln : lines) {
    if (ln < 1 || ln > static_cast<int>(file.size()) || file[ln - 1] == "\x01") return false;
  }
    if (is_table) {
      const parse::Table* table = nullptr;
      for (const auto& t : note->tables)
        if (keep >= t.line && keep <= t.end_line) table = &t;
      if (!table) return false;
      int person_col = 0;
      for (size_t c = 0; c < table->header.size(); ++c)
        for (const auto& pc : options.person_columns)
          if (lower_ascii(trim(table->header[c])) == lower_ascii(pc)) person_col = static_cast<int>(c);
      bool lead = false, trail = false;
      std::vector<std::string> kept_cells = split_row(std::string(body_of(file[keep - 1])), lead, trail);
      std::vector<std::vector<std::string>> values(kept_cells.size());
      for (int ln : lines) {
        bool l2, t2;
        std::vector<std::string> cells = split_row(std::string(body_of(file[ln - 1])), l2, t2);
        if (cells.size() > kept_cells.size()) kept_cells.resize(cells.size()), values.resize(cells.size());
        for (size_t c = 0; c < cells.size(); ++c) {
          if (static_cast<int>(c) == person_col) continue;
          std::string v = trim(cells[c]);
          if (!v.empty() && !contains_ci(values[c], v)) {
            // "CEO; CTO" already there covers "CTO".
            bool covered = false;
            for (const auto& existing : values[c]) {
              std::stringstream ss(existing);
              for (std::string part; std::getline(ss, part, ';');)
                if (lower_ascii(trim(part)) == lower_ascii(v)) covered = true;
            }
            if (!covered) values[c].push_back(v);
          }
        }
      }
      std::string row = lead ? "|" : "";
      for (size_t c = 0; c < kept_cells.size(); ++c) {
        if (c) row += "|";
        if (static_cast<int>(c) == person_col || values[c].empty()) {
          row += kept_cells[c];
        } else {
          std::string joined;
          for (const auto& v : values[c]) joined += (joined.empty() ? "" : "; ") + v;
          row += " " + joined + " ";
        }
      }
      if (trail) row += "|";
      std::string eol(eol_of(file[keep - 1]));
      file[keep - 1] = row + eol;
      for (int ln : lines)
        if (ln != keep) file[ln - 1] = std::string("\x01");  // marked for removal
      plan.rows_merged += static_cast<int>(lines.size()) - 1;
    } else {
      std::string kept_body(body_of(file[keep - 1]));
      std::string eol(eol_of(file[keep - 1]));
      for (int ln : lines) {
        if (ln == keep) continue;
        // A bullet with nested items stays: removing it would orphan them.
        bool has_children = false;
        for (size_t li = 0; li < note->lists.size(); ++li)
          if (note->lists[li].line == ln)
            for (const auto& other : note->lists)
              if (other.parent == static_cast<int>(li)) has_children = true;
        if (has_children) {
          plan.warnings.push_back(note->path + ":" + std::to_string(ln) + " kept: it has nested items");
          continue;
        }
        std::string rest = bullet_rest(std::string(body_of(file[ln - 1])), names);
        if (!rest.empty() && lower_ascii(kept_body).find(lower_ascii(rest)) == std::string::npos)
          kept_body += "; " + rest;
        file[ln - 1] = std::string("\x01");
        plan.bullets_collapsed += 1;
      }
      file[keep - 1] = kept_body + eol;
    }
  return true;
}

}  // namespace detail

Result plan_contacts(const index::Vault& vault, const dedup::Options& options, const ContactRequest& req) {
  Result res;
  auto fail = [&](const std::string& code, const std::string& msg) {
    res.ok = false;
    res.error_code = code;
    res.error_message = msg;
    return res;
  };
  if (trim(req.canonical).empty()) return fail("bad_request", "canonical name is empty");

  // Which notes: the canonical's own, and the ones folded into it.
  std::string canonical_path;
  std::vector<std::string> merged;
  for (const auto& p : req.notes) {
    if (!vault.find(p)) return fail("not_found", "no such note: " + p);
    if (canonical_path.empty() && dedup::fold(name_of(p)) == dedup::fold(req.canonical)) canonical_path = p;
  }
  if (canonical_path.empty()) {
    auto r = vault.resolve(req.canonical, "");
    if (r) canonical_path = *r;
  }
  for (const auto& p : req.notes)
    if (p != canonical_path && std::find(merged.begin(), merged.end(), p) == merged.end()) merged.push_back(p);
  for (const auto& m : req.members) {
    auto r = vault.resolve(m, "");
    if (r && *r != canonical_path && std::find(merged.begin(), merged.end(), *r) == merged.end()) merged.push_back(*r);
  }
  // No note carries the canonical name (often no record of the person has a
  // note at all): the plan creates one, so the person exists once, every
  // rewritten link [[Old]] -> [[Canonical|Old]] resolves, and the other
  // spellings become its aliases. It goes next to the first merged note, or
  // into the first person folder of the schema.
  std::optional<parse::Note> created;
  std::string created_text;
  if (canonical_path.empty()) {
    std::string name = trim(req.canonical);
    // Characters Obsidian refuses in file names or that would break a link.
    if (name.empty() || name[0] == '.' || name.find_first_of("/\\[]|#^:*\"<>?") != std::string::npos)
      return fail("bad_request", "\"" + name + "\" cannot be a note name");
    bool other_name = false;
    for (const auto& m : req.members) other_name = other_name || dedup::fold(m) != dedup::fold(name);
    if (merged.empty() && !other_name) return fail("bad_request", "nothing to merge into \"" + name + "\"");
    std::string folder = options.person_folders.empty() ? "" : options.person_folders.front();
    std::string eol = "\n";
    if (!merged.empty()) {
      size_t slash = merged.front().find_last_of('/');
      folder = slash == std::string::npos ? "" : merged.front().substr(0, slash);
      eol = eol_for(*vault.find(merged.front()));
    }
    canonical_path = (folder.empty() ? "" : folder + "/") + name + ".md";
    if (vault.find(canonical_path)) return fail("unsupported", canonical_path + " exists but does not resolve");
    std::string type = options.person_types.empty() ? "person" : options.person_types.front();
    created_text = "---" + eol + "type: " + yaml_scalar(type) + eol + "---" + eol + "# " + name + eol;
    created = parse::parse_note(canonical_path, created_text, 0);
  }

  // Names the merge covers: the request's surfaces and the merged notes' names.
  std::set<std::string> request_names{dedup::fold(req.canonical)};
  std::vector<std::string> surfaces{req.canonical};
  for (const auto& m : req.members) request_names.insert(dedup::fold(m)), surfaces.push_back(m);
  for (const auto& p : merged) request_names.insert(dedup::fold(name_of(p))), surfaces.push_back(name_of(p));

  // Check the request against dedup: never an ambiguous cluster; names dedup
  // keeps apart only when a person forces it.
  dedup::Report report = dedup::run(vault, options);
  std::set<size_t> clusters;
  std::set<std::string> seen;
  for (size_t ci = 0; ci < report.contacts.clusters.size(); ++ci) {
    const auto& c = report.contacts.clusters[ci];
    for (const auto& m : c.members) {
      std::string f = dedup::fold(m);
      if (!request_names.count(f)) continue;
      seen.insert(f);
      if (c.ambiguous)
        return fail("ambiguous", "\"" + m + "\" is ambiguous (could be " +
                                     [&] {
                                       std::string s;
                                       for (const auto& x : c.candidates) s += (s.empty() ? "" : ", ") + x;
                                       return s;
                                     }() +
                                     "): a person must pick the full name");
      clusters.insert(ci);
    }
  }
  for (const auto& m : req.members)
    if (!seen.count(dedup::fold(m)) && !vault.resolve(m, ""))
      return fail("not_found", "\"" + m + "\" is not mentioned in the vault");
  if (clusters.size() > 1 && !req.force) {
    std::string names;
    for (size_t ci : clusters) names += (names.empty() ? "" : ", ") + report.contacts.clusters[ci].canonical;
    return fail("not_mergeable", "dedup keeps these apart (" + names + "); set \"force\": true to merge anyway");
  }

  Plan& plan = res.plan;
  plan.kind = "contacts";
  Builder b(vault);

  // Aliases of the merged notes are names of the same person too.
  LinkTargets targets;
  targets.canonical_path = canonical_path;
  targets.canonical_created = created.has_value();
  targets.canonical_name = req.canonical;
  for (const auto& p : merged) targets.paths.insert(p);
  for (const auto& f : request_names)
    if (f != dedup::fold(req.canonical)) targets.folded_names.insert(f);
  for (const auto& p : merged)
    for (const auto& a : vault.find(p)->aliases) targets.folded_names.insert(dedup::fold(a)), surfaces.push_back(a);

  // 1. Links, everywhere (line numbers do not change).
  for (const auto& [path, note] : vault.notes()) {
    std::string text = b.text(path);
    std::string out = rewrite_links(vault, note, text, targets, plan.links_rewritten);
    if (out != text) b.set(path, out);
  }

  // 2. Repeated bullets and rows for the same person, by dedup's groups.
  std::set<std::string> untouchable(merged.begin(), merged.end());
  untouchable.insert(canonical_path);
  std::set<std::string> contact_sections;
  for (const auto& h : options.contact_headings) contact_sections.insert(lower_ascii(h));
  std::set<std::string> table_sections;
  for (const auto& h : options.collaborator_headings) table_sections.insert(lower_ascii(h));
  std::set<std::string> cluster_names;
  for (size_t ci : clusters) cluster_names.insert(dedup::fold(report.contacts.clusters[ci].canonical));
  cluster_names.insert(dedup::fold(req.canonical));

  std::map<std::string, std::vector<std::string>> files;  // lines, "\x01" = removed
  for (const auto& g : report.groups) {
    if (g.cluster.empty() || !cluster_names.count(dedup::fold(g.cluster))) continue;
    std::string sec = lower_ascii(g.section);
    bool is_table = table_sections.count(sec) > 0;
    if (!is_table && !contact_sections.count(sec)) continue;
    if (untouchable.count(g.path)) continue;
    const parse::Note* note = vault.find(g.path);
    if (!note) continue;
    // Only lines naming this person in a form the request covers.
    std::vector<int> lines;
    for (int ln : g.lines) {
      for (const auto& m : report.mentions)
        if (m.path == g.path && m.line == ln &&
            (request_names.count(dedup::fold(m.surface)) || dedup::fold(m.surface) == dedup::fold(g.cluster))) {
          lines.push_back(ln);
          break;
        }
    }
    if (lines.size() < 2) continue;
    int keep = std::find(lines.begin(), lines.end(), g.keep) != lines.end() ? g.keep : lines.front();
    if (!files.count(g.path)) files[g.path] = split_lines(b.text(g.path));
    std::vector<std::string>& file = files[g.path];
    if (keep > static_cast<int>(file.size())) continue;
    std::vector<std::string> names = surfaces;
    names.push_back(g.cluster);
    collapse_group(*note, file, lines, keep, is_table, options, names, plan);
  }
  for (auto& [path, file] : files) b.set(path, join_kept(file));

  // 3. Fold the merged notes into the canonical note (a new one gets its
  // aliases even when there is nothing to fold).
  if (!merged.empty() || created) {
    const parse::Note* cn = created ? &*created : vault.find(canonical_path);
    std::string eol = eol_for(*cn);
    Source canon{cn, split_lines(created ? created_text : b.text(canonical_path)), {}};
    if (cn->has_frontmatter && !cn->frontmatter.is_object())
      return fail("unsupported", "the frontmatter of " + canonical_path + " does not parse; fix it first");
    canon.blocks = fm_blocks(canon.lines, *cn);
    std::vector<Source> others;
    for (const auto& p : merged) {
      const parse::Note* on = vault.find(p);
      if (on->has_frontmatter && !on->frontmatter.is_object())
        return fail("unsupported", "the frontmatter of " + p + " does not parse; fix it first");
      Source s{on, split_lines(b.text(p)), {}};
      s.blocks = fm_blocks(s.lines, *on);
      others.push_back(std::move(s));
    }
    // Keys in order: the canonical's, then new ones as they appear.
    std::vector<std::string> keys;
    auto add_key = [&keys](const std::string& k) {
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    };
    if (cn->frontmatter.is_object())
      for (const auto& m : cn->frontmatter.as_object()) add_key(m.first);
    for (const auto& o : others)
      if (o.note->frontmatter.is_object())
        for (const auto& m : o.note->frontmatter.as_object()) add_key(m.first);
    std::string alias_key;
    for (const auto& k : keys)
      if (lower_ascii(k) == "aliases" || lower_ascii(k) == "alias") alias_key = k;
    bool need_aliases = false;
    std::vector<std::string> extra_aliases;
    for (const auto& s : surfaces)
      if (dedup::fold(s) != dedup::fold(req.canonical) && dedup::fold(s) != dedup::fold(name_of(canonical_path)))
        extra_aliases.push_back(s);
    if (alias_key.empty() && !extra_aliases.empty()) alias_key = "aliases", add_key("aliases"), need_aliases = true;
    (void)need_aliases;

    std::map<int, std::vector<std::string>> replace;      // block start -> new lines
    std::map<int, int> replace_end;                       // block start -> end
    std::map<int, std::vector<std::string>> insert_after;  // line index -> extra lines
    std::vector<std::string> new_keys_lines;
    std::vector<std::vector<std::string>> leftovers(others.size());

    for (const auto& k : keys) {
      const Value* cv = cn->frontmatter.find(k);
      const FmBlock* cb = find_block(canon.blocks, k);
      bool aliases = k == alias_key;
      std::vector<std::pair<size_t, const Value*>> ovs;
      for (size_t i = 0; i < others.size(); ++i)
        if (const Value* v = others[i].note->frontmatter.find(k)) ovs.push_back({i, v});
      if (ovs.empty() && !aliases) continue;
      bool complex = cv && !is_scalar(*cv) && !cv->is_array();
      for (const auto& [i, v] : ovs) {
        (void)i;
        if (v->is_object()) complex = true;
        if (v->is_array())
          for (const auto& x : v->as_array())
            if (!is_scalar(x)) complex = true;
      }
      if (cv && cv->is_array())
        for (const auto& x : cv->as_array())
          if (!is_scalar(x)) complex = true;
      if (complex) {
        // Nested values are not unioned: the first stays, differing ones
        // go to the body as YAML so nothing is lost.
        bool first_taken = cv != nullptr;
        for (const auto& ov : ovs) {
          const Source& s = others[ov.first];
          const FmBlock* ob = find_block(s.blocks, k);
          if (!ob) continue;
          if (!first_taken) {
            auto lines = block_lines(s, *ob, eol);
            new_keys_lines.insert(new_keys_lines.end(), lines.begin(), lines.end());
            first_taken = true;
          } else if (!cv || *cv != *ov.second) {
            auto lines = block_lines(s, *ob, eol);
            leftovers[ov.first].insert(leftovers[ov.first].end(), lines.begin(), lines.end());
            plan.conflicts.push_back({k, {"(nested value in " + s.note->path + ")"}, "in body"});
          }
        }
        continue;
      }
      std::vector<Item> items;
      bool was_list = aliases || (cv && cv->is_array());
      if (cv) add_items(*cv, cb, items);
      for (auto& it : items) it.from_canon = true;
      for (const auto& ov : ovs) {
        if (ov.second->is_array()) was_list = true;
        add_items(*ov.second, find_block(others[ov.first].blocks, k), items);
      }
      if (aliases)
        for (const auto& a : extra_aliases) items.push_back({a, "", true, false});
      std::vector<Item> uniq;
      for (const auto& it : items) {
        bool dup = false;
        for (const auto& u : uniq)
          if (lower_ascii(u.text) == lower_ascii(it.text)) dup = true;
        if (!dup && !(it.text.empty() && !it.string)) uniq.push_back(it);
      }
      if (!was_list && uniq.size() <= 1) {
        if (!cv && !ovs.empty()) {
          const FmBlock* ob = find_block(others[ovs.front().first].blocks, k);
          if (ob) {
            auto lines = block_lines(others[ovs.front().first], *ob, eol);
            new_keys_lines.insert(new_keys_lines.end(), lines.begin(), lines.end());
          }
        }
        continue;
      }
      if (!was_list) {
        Conflict c{k, {}, "both as list"};
        for (const auto& u : uniq) c.values.push_back(u.text);
        plan.conflicts.push_back(c);
      }
      size_t canon_uniq = 0;
      for (const auto& u : uniq) canon_uniq += u.from_canon ? 1 : 0;
      if (cb && cb->block_list && cv && cv->is_array() && canon_uniq == cb->raw_items.size()) {
        // Append only the new items after the canonical's last item line.
        std::vector<std::string> extra;
        for (const auto& u : uniq)
          if (!u.from_canon) extra.push_back(cb->item_indent + "- " + emit_item(u) + eol);
        if (!extra.empty()) insert_after[cb->last_item] = extra;
        continue;
      }
      std::vector<std::string> lines{(cb ? cb->key_text : k) + ":" + eol};
      for (const auto& u : uniq) lines.push_back("  - " + emit_item(u) + eol);
      if (cb) replace[cb->start] = lines, replace_end[cb->start] = cb->end;
      else new_keys_lines.insert(new_keys_lines.end(), lines.begin(), lines.end());
    }

    // Rebuild the canonical text: frontmatter edits, then the appendix.
    std::vector<std::string> out;
    int n = static_cast<int>(canon.lines.size());
    if (!cn->has_frontmatter && !new_keys_lines.empty()) {
      std::string bom;
      std::vector<std::string> lines = canon.lines;
      if (!lines.empty() && lines[0].compare(0, 3, "\xEF\xBB\xBF") == 0) bom = "\xEF\xBB\xBF", lines[0] = lines[0].substr(3);
      out.push_back(bom + "---" + eol);
      out.insert(out.end(), new_keys_lines.begin(), new_keys_lines.end());
      out.push_back("---" + eol);
      out.insert(out.end(), lines.begin(), lines.end());
    } else {
      for (int i = 0; i < n;) {
        if (replace.count(i)) {
          out.insert(out.end(), replace[i].begin(), replace[i].end());
          i = replace_end[i];
          continue;
        }
        if (cn->has_frontmatter && i == cn->frontmatter_last - 1)
          out.insert(out.end(), new_keys_lines.begin(), new_keys_lines.end());
        out.push_back(canon.lines[i]);
        if (insert_after.count(i)) out.insert(out.end(), insert_after[i].begin(), insert_after[i].end());
        ++i;
      }
    }
    if (!out.empty() && eol_of(out.back()).empty()) out.back() += eol;
    for (size_t i = 0; i < others.size(); ++i) {
      const Source& s = others[i];
      out.push_back(eol);
      out.push_back("## Merged from " + name_of(s.note->path) + " (" + s.note->path + ")" + eol);
      out.push_back(eol);
      if (!leftovers[i].empty()) {
        out.push_back("```yaml" + eol);
        out.insert(out.end(), leftovers[i].begin(), leftovers[i].end());
        out.push_back("```" + eol);
        out.push_back(eol);
      }
      auto body = body_for_appendix(s, eol);
      out.insert(out.end(), body.begin(), body.end());
    }
    if (created) b.create(canonical_path, join_lines(out));
    else b.set(canonical_path, join_lines(out));

    // 4. The merged notes: a redirect, or gone when the user asked. A created
    // note's name is new to the vault, so its bare name resolves to it.
    std::string target = name_of(canonical_path);
    if (!created && vault.resolve(target, "") != canonical_path)
      target = canonical_path.substr(0, canonical_path.size() - 3);
    for (const auto& s : others) {
      if (req.delete_merged_notes) {
        b.remove(s.note->path);
        plan.deleted.push_back(s.note->path);
      } else {
        std::string e = eol_for(*s.note);
        b.set(s.note->path, "# " + name_of(s.note->path) + e + e + "Merged into [[" + target +
                                "]]: its frontmatter and notes now live there." + e);
        plan.redirected.push_back(s.note->path);
      }
    }
  }

  b.finish(plan);
  res.ok = true;
  return res;
}

}  // namespace vaultcrm::merge
