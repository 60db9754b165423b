// The snapshot encoding (vaultcrm/snapshot.h).
//
//   header  "VCRMSNAP" | u32 format | u32 parser | u64 body size | u64 checksum
//   body    varint note count, then per note a record: u32 length of the
//           rest, u64 text hash, then the Note's fields in declaration order
//
// Integers are LEB128 varints (signed ones zig-zagged), doubles 8 raw bytes
// (little-endian, as on every host we run on), strings a varint length and
// the bytes. The reader checks every length against the bytes left, so a
// truncated or flipped snapshot fails with an error instead of reading past
// the end or allocating gigabytes. A short string seen before is written as
// a reference to its first occurrence (odd varint: id << 1 | 1; even: the
// length << 1, then the bytes), possibly in an earlier record.
#include "vaultcrm/snapshot.h"

#include <cstring>
#include <stdexcept>
#include <algorithm>
#include <cstdint>
#include <memory>

#include "vaultcrm/view_map.h"

namespace vaultcrm::snapshot {

namespace {

constexpr char kMagic[8] = {'V', 'C', 'R', 'M', 'S', 'N', 'A', 'P'};
constexpr size_t kHeaderSize = 8 + 4 + 4 + 8 + 8;
// Only short strings are interned (names, link targets, tags, keys, dates):
// they are the ones that repeat, and hashing every long item text into the
// table made saving slower than it saved.
constexpr size_t kInternMax = 64;
// Frontmatter nesting is capped at 64 by the parser; anything deeper is not ours.
constexpr int kMaxValueDepth = 128;

// A corrupt snapshot; load() turns it into its error message.
struct Corrupt : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Short string -> id of its first occurrence, in one flat table (a
// node-based map spent more time in malloc and free than the rest of a save).
class Interner {
 public:
  // The id of `v`, and whether it was new (it then gets the next id).
  std::pair<uint32_t, bool> add(std::string_view v) {
    const uint64_t h = hash_bytes(v);
    if (const uint32_t* id = ids_.find(v, h)) return {*id, false};
    return {ids_.insert(v, h, static_cast<uint32_t>(ids_.size())), true};
  }

 private:
  ViewMap<uint32_t> ids_;
};

class Writer {
 public:
  std::string out;

  void u(uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }
  void i(int64_t v) { u((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void b(bool v) { out.push_back(v ? 1 : 0); }
  void f64(double v) {
    char raw[8];
    std::memcpy(raw, &v, 8);
    out.append(raw, 8);
  }
  void fixed64(uint64_t v) {
    char raw[8];
    std::memcpy(raw, &v, 8);
    out.append(raw, 8);
  }
  // Strings repeat a lot (link targets, tags, keys, dates, item texts that a
  // task repeats): each distinct one is written once, later ones refer back.
  void s(std::string_view v) {
    if (v.size() <= kInternMax) {
      auto [id, fresh] = seen_.add(v);
      if (!fresh) return u((static_cast<uint64_t>(id) << 1) | 1);
    }
    u(static_cast<uint64_t>(v.size()) << 1);
    out.append(v);
  }
  template <class String>  // std::string or std::string_view
  void strings(const std::vector<String>& v) {
    u(v.size());
    for (const auto& x : v) s(x);
  }
  void value(const Value& v) {
    out.push_back(static_cast<char>(v.type()));
    switch (v.type()) {
      case Value::Type::Null: break;
      case Value::Type::Bool: b(v.as_bool()); break;
      case Value::Type::Int: i(v.as_int()); break;
      case Value::Type::Double: f64(v.as_double()); break;
      case Value::Type::String: s(v.as_string()); break;
      case Value::Type::Array:
        u(v.as_array().size());
        for (const auto& x : v.as_array()) value(x);
        break;
      case Value::Type::Object:
        u(v.as_object().size());
        for (const auto& [k, x] : v.as_object()) {
          s(k);
          value(x);
        }
        break;
    }
  }

 private:
  // Views into the notes being written, which outlive the Writer.
  Interner seen_;
};

// The short strings read so far, by id. A Loader drops each piece of the
// snapshot once it is decoded, so the strings a later record may refer back
// to are copied out into blocks that live as long as the load.
class Interned {
 public:
  size_t size() const { return views_.size(); }
  std::string_view operator[](size_t id) const { return views_[id]; }
  void keep(std::string_view v) {
    if (v.size() > left_) {
      blocks_.push_back(std::make_unique<char[]>(kBlock));
      at_ = blocks_.back().get();
      left_ = kBlock;
    }
    if (!v.empty()) std::memcpy(at_, v.data(), v.size());  // at_ is null before the first block
    views_.emplace_back(at_, v.size());
    at_ += v.size();
    left_ -= v.size();
  }

 private:
  static constexpr size_t kBlock = 64 * 1024;  // > kInternMax
  std::vector<std::string_view> views_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* at_ = nullptr;
  size_t left_ = 0;
};

// Reads one record (or the note count) where it lies.
class Reader {
 public:
  Reader(std::string_view bytes, Interned& seen)
      : p_(bytes.data()), end_(bytes.data() + bytes.size()), seen_(seen) {}

  bool done() const { return p_ == end_; }
  size_t left() const { return static_cast<size_t>(end_ - p_); }
  uint64_t u() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) throw Corrupt("truncated number");
      auto c = static_cast<unsigned char>(*p_++);
      v |= static_cast<uint64_t>(c & 0x7f) << shift;
      if (!(c & 0x80)) return v;
    }
    throw Corrupt("number too long");
  }
  int64_t i() {
    uint64_t z = u();
    return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  int line() {
    int64_t v = i();
    if (v < -1 || v > INT32_MAX) throw Corrupt("line or index out of range");
    return static_cast<int>(v);
  }
  bool b() {
    need(1);
    char c = *p_++;
    if (c != 0 && c != 1) throw Corrupt("bad flag");
    return c == 1;
  }
  double f64() {
    need(8);
    double v;
    std::memcpy(&v, p_, 8);
    p_ += 8;
    return v;
  }
  uint64_t fixed64() {
    need(8);
    uint64_t v;
    std::memcpy(&v, p_, 8);
    p_ += 8;
    return v;
  }
  // The next string, as a view of the snapshot's bytes.
  std::string_view sv() {
    uint64_t tagged = u();
    if (tagged & 1) {
      uint64_t id = tagged >> 1;
      if (id >= seen_.size()) throw Corrupt("reference to an unknown string");
      return seen_[id];
    }
    uint64_t n = tagged >> 1;
    need(n);
    std::string_view v(p_, static_cast<size_t>(n));
    p_ += n;
    if (n <= kInternMax) seen_.keep(v);
    return v;
  }
  std::string s() { return std::string(sv()); }
  // Into an empty field. Built then moved: libstdc++'s assign() to an
  // existing string takes its general replace path, dearer than this.
  void s(std::string& out) {
    std::string_view v = sv();
    out = std::string(v.data(), v.size());
  }
  // A count of items that take at least one byte each.
  size_t count() {
    uint64_t n = u();
    if (n > static_cast<uint64_t>(end_ - p_)) throw Corrupt("count larger than its record");
    return static_cast<size_t>(n);
  }
  void strings(std::vector<std::string>& v) {
    v.resize(count());
    for (auto& x : v) s(x);
  }
  // Views of the snapshot's bytes, as sv().
  void views(std::vector<std::string_view>& v) {
    v.resize(count());
    for (auto& x : v) x = sv();
  }
  Value value(int depth = 0) {
    if (depth > kMaxValueDepth) throw Corrupt("value nested too deeply");
    need(1);
    auto type = static_cast<unsigned char>(*p_++);
    switch (static_cast<Value::Type>(type)) {
      case Value::Type::Null: return Value();
      case Value::Type::Bool: return Value(b());
      case Value::Type::Int: return Value(i());
      case Value::Type::Double: return Value(f64());
      case Value::Type::String: return Value(s());
      case Value::Type::Array: {
        Value::Array items(count());
        for (auto& x : items) x = value(depth + 1);
        return Value::array(std::move(items));
      }
      case Value::Type::Object: {
        Value::Object members(count());
        for (auto& m : members) {
          s(m.first);
          m.second = value(depth + 1);
        }
        return Value::object(std::move(members));
      }
    }
    throw Corrupt("bad value type");
  }

 private:
  void need(uint64_t n) const {
    if (n > static_cast<uint64_t>(end_ - p_)) throw Corrupt("truncated");
  }
  const char* p_;
  const char* end_;
  Interned& seen_;
};

void write_note(Writer& w, const parse::Note& n) {
  w.s(n.path);
  w.s(n.name);
  w.s(n.folder);
  w.u(n.size);
  w.f64(n.mtime);
  w.b(n.bom);
  w.b(n.crlf);
  w.b(n.has_frontmatter);
  w.i(n.frontmatter_first);
  w.i(n.frontmatter_last);
  w.value(n.frontmatter);
  w.strings(n.aliases);
  w.strings(n.tags);
  w.u(n.sections.size());
  for (const auto& x : n.sections) {
    w.s(x.heading);
    w.i(x.level);
    w.i(x.line);
    w.i(x.end_line);
    w.i(x.parent);
  }
  w.u(n.links.size());
  for (const auto& x : n.links) {
    w.s(x.target);
    w.s(x.display);
    w.s(x.heading);
    w.s(x.block);
    w.b(x.has_display);
    w.b(x.embed);
    w.b(x.markdown);
    w.s(x.frontmatter_key);
    w.i(x.line);
    w.i(x.column);
  }
  w.u(n.inline_tags.size());
  for (const auto& x : n.inline_tags) {
    w.s(x.tag);
    w.i(x.line);
    w.i(x.column);
  }
  w.u(n.lists.size());
  for (const auto& x : n.lists) {
    w.i(x.line);
    w.s(x.text);
    w.i(x.parent);
    w.i(x.section);
    w.b(x.task);
    w.s(x.date);
  }
  w.u(n.tasks.size());
  for (const auto& x : n.tasks) {
    w.i(x.line);
    w.s(x.status);
    w.b(x.completed);
    w.s(x.text);
    w.i(x.section);
    w.i(x.list_item);
    w.s(x.due);
    w.s(x.scheduled);
    w.s(x.start);
    w.s(x.done);
    w.s(x.created);
    w.s(x.priority);
    w.strings(x.tags);
  }
  w.u(n.tables.size());
  for (const auto& x : n.tables) {
    w.i(x.line);
    w.i(x.end_line);
    w.i(x.section);
    w.strings(x.header);
    w.u(x.rows.size());
    for (const auto& row : x.rows) {
      w.u(row.size());
      for (const auto& cell : row) {
        w.s(cell.text);
        w.strings(cell.links);
      }
    }
    w.u(x.row_lines.size());
    for (int l : x.row_lines) w.i(l);
  }
  w.u(n.code_blocks.size());
  for (const auto& x : n.code_blocks) {
    w.i(x.line);
    w.i(x.end_line);
    w.i(x.section);
    w.s(x.lang);
    w.s(x.text);
  }
  w.u(n.inline_fields.size());
  for (const auto& x : n.inline_fields) {
    w.s(x.key);
    w.s(x.value);
    w.i(x.line);
    w.i(x.column);
    w.u(static_cast<uint64_t>(x.style));
  }
  w.u(n.errors.size());
  for (const auto& x : n.errors) {
    w.u(static_cast<uint64_t>(x.severity));
    w.s(x.code);
    w.s(x.message);
    w.i(x.line);
    w.i(x.column);
  }
}

// Into a default-constructed note (in place: no Note moved per note).
void read_note(Reader& r, parse::Note& n) {
  r.s(n.path);
  r.s(n.name);
  r.s(n.folder);
  n.size = static_cast<size_t>(r.u());
  n.mtime = r.f64();
  n.bom = r.b();
  n.crlf = r.b();
  n.has_frontmatter = r.b();
  n.frontmatter_first = r.line();
  n.frontmatter_last = r.line();
  n.frontmatter = r.value();
  r.strings(n.aliases);
  r.strings(n.tags);
  n.sections.resize(r.count());
  for (auto& x : n.sections) {
    r.s(x.heading);
    x.level = r.line();
    x.line = r.line();
    x.end_line = r.line();
    x.parent = r.line();
  }
  n.links.resize(r.count());
  for (auto& x : n.links) {  // views into the snapshot's bytes, for now (see below)
    x.target = r.sv();
    x.display = r.sv();
    x.heading = r.sv();
    x.block = r.sv();
    x.has_display = r.b();
    x.embed = r.b();
    x.markdown = r.b();
    x.frontmatter_key = r.sv();
    x.line = r.line();
    x.column = r.line();
  }
  n.inline_tags.resize(r.count());
  for (auto& x : n.inline_tags) {
    r.s(x.tag);
    x.line = r.line();
    x.column = r.line();
  }
  // List items, tasks, links, table cells and inline fields view
  // Note::source: here one block holding their texts (the note's text stays
  // on disk), filled once they are read.
  // A task's text is its list item's, as parse_note leaves it, when equal,
  // and an item's date is the start of its text.
  n.lists.resize(r.count());
  for (auto& x : n.lists) {
    x.line = r.line();
    x.text = r.sv();
    x.parent = r.line();
    x.section = r.line();
    x.task = r.b();
    x.date = r.sv();
  }
  n.tasks.resize(r.count());
  for (auto& x : n.tasks) {
    x.line = r.line();
    x.status = r.sv();
    x.completed = r.b();
    x.text = r.sv();
    x.section = r.line();
    x.list_item = r.line();
    x.due = r.sv();
    x.scheduled = r.sv();
    x.start = r.sv();
    x.done = r.sv();
    x.created = r.sv();
    x.priority = r.sv();
    r.strings(x.tags);
  }
  n.tables.resize(r.count());
  size_t cells = 0;
  for (auto& x : n.tables) {
    x.line = r.line();
    x.end_line = r.line();
    x.section = r.line();
    r.strings(x.header);
    x.rows.resize(r.count());
    for (auto& row : x.rows) {
      row.resize(r.count());
      for (auto& cell : row) {
        cell.text = r.sv();
        r.views(cell.links);
        cells += 1 + cell.links.size();
      }
    }
    x.row_lines.resize(r.count());
    for (auto& l : x.row_lines) l = r.line();
  }
  n.code_blocks.resize(r.count());
  for (auto& x : n.code_blocks) {
    x.line = r.line();
    x.end_line = r.line();
    x.section = r.line();
    r.s(x.lang);
    r.s(x.text);
  }
  n.inline_fields.resize(r.count());
  for (auto& x : n.inline_fields) {
    x.key = r.sv();
    x.value = r.sv();
    x.line = r.line();
    x.column = r.line();
    uint64_t style = r.u();
    if (style > static_cast<uint64_t>(parse::FieldStyle::Paren)) throw Corrupt("bad field style");
    x.style = static_cast<parse::FieldStyle>(style);
  }
  std::vector<std::string_view*> owned;  // each gets its own bytes in the block
  owned.reserve(n.lists.size() + 8 * n.tasks.size() + 5 * n.links.size() + cells + 2 * n.inline_fields.size());
  for (auto& x : n.lists) owned.push_back(&x.text);
  std::vector<bool> item_text(n.tasks.size(), false);  // the task's text is its item's
  for (size_t i = 0; i < n.tasks.size(); ++i) {
    const parse::Task& t = n.tasks[i];
    item_text[i] = t.list_item >= 0 && static_cast<size_t>(t.list_item) < n.lists.size() &&
                   n.lists[static_cast<size_t>(t.list_item)].text == t.text;
    if (!item_text[i]) owned.push_back(&n.tasks[i].text);
  }
  for (auto& t : n.tasks)
    for (std::string_view* v : {&t.status, &t.due, &t.scheduled, &t.start, &t.done, &t.created, &t.priority}) {
      if (v->empty()) *v = std::string_view();
      else owned.push_back(v);
    }
  for (auto& x : n.links)
    for (std::string_view* v : {&x.target, &x.display, &x.heading, &x.block, &x.frontmatter_key}) {
      if (v->empty()) *v = std::string_view();
      else owned.push_back(v);
    }
  auto own = [&](std::string_view& v) {
    if (v.empty()) v = std::string_view();
    else owned.push_back(&v);
  };
  for (auto& x : n.tables)
    for (auto& row : x.rows)
      for (auto& cell : row) {
        own(cell.text);
        for (auto& l : cell.links) own(l);
      }
  for (auto& x : n.inline_fields) {
    own(x.key);
    own(x.value);
  }
  size_t bytes = 0;
  for (const std::string_view* v : owned) bytes += v->size();
  auto source = std::make_shared<std::string>();
  source->reserve(bytes);
  for (const std::string_view* v : owned) source->append(*v);
  const char* at = source->data();
  for (std::string_view* v : owned) {
    *v = v->empty() ? std::string_view() : std::string_view(at, v->size());
    at += v->size();
  }
  if (bytes > 0) n.source = std::move(source);
  for (auto& x : n.lists) {
    if (x.date.empty()) continue;
    size_t in_text = x.text.find(x.date);
    if (in_text > 1) throw Corrupt("a list item's date is not at the start of its text");
    x.date = x.text.substr(in_text, x.date.size());
  }
  for (size_t i = 0; i < n.tasks.size(); ++i)
    if (item_text[i]) n.tasks[i].text = n.lists[static_cast<size_t>(n.tasks[i].list_item)].text;
  n.errors.resize(r.count());
  for (auto& x : n.errors) {
    uint64_t severity = r.u();
    if (severity > static_cast<uint64_t>(parse::Severity::Warning)) throw Corrupt("bad severity");
    x.severity = static_cast<parse::Severity>(severity);
    r.s(x.code);
    r.s(x.message);
    x.line = r.line();
    x.column = r.line();
  }
  // The note is filed under its path; a snapshot whose path disagrees with
  // the derived fields was not written by save().
  if (n.path.empty()) throw Corrupt("note without a path");
}

void put_u32(std::string& out, uint32_t v) {
  char raw[4];
  std::memcpy(raw, &v, 4);
  out.append(raw, 4);
}

uint32_t get_u32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

uint64_t get_u64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Reads 8 bytes per step: FNV's byte loop would cost more than the rest of
// loading a large vault. Fed in pieces split anywhere, it sums the same
// words as over the whole: a word cut by a piece's end waits in `tail_`.
class Checksum {
 public:
  explicit Checksum(uint64_t size) : h_(0x243F6A8885A308D3ull ^ size) {}
  void update(std::string_view bytes) {
    size_t i = 0;
    if (tail_size_ > 0) {
      while (tail_size_ < 8 && i < bytes.size()) tail_[tail_size_++] = bytes[i++];
      if (tail_size_ < 8) return;
      word(tail_);
      tail_size_ = 0;
    }
    for (; i + 8 <= bytes.size(); i += 8) word(bytes.data() + i);
    for (; i < bytes.size(); ++i) tail_[tail_size_++] = bytes[i];
  }
  uint64_t value() const {
    uint64_t h = h_;
    for (size_t i = 0; i < tail_size_; ++i) h = (h ^ static_cast<unsigned char>(tail_[i])) * 0x100000001B3ull;
    h ^= h >> 29;
    h *= 0x94D049BB133111EBull;
    return h ^ (h >> 32);
  }

 private:
  void word(const char* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h_ ^= w * 0x9E3779B97F4A7C15ull;
    h_ = ((h_ << 31) | (h_ >> 33)) * 0xBF58476D1CE4E5B9ull;
  }
  uint64_t h_;
  char tail_[8] = {};
  size_t tail_size_ = 0;
};

}  // namespace

uint64_t checksum(std::string_view bytes) {
  Checksum sum(bytes.size());
  sum.update(bytes);
  return sum.value();
}

std::string save(const index::Vault& vault) {
  Writer body;
  body.out.reserve(vault.size() * 2048);
  body.u(vault.size());
  for (const auto& [path, note] : vault.notes()) {
    const size_t start = body.out.size();
    body.out.append(4, '\0');  // the record's length, known once it is written
    body.fixed64(vault.text_hash(path));
    write_note(body, note);
    const uint64_t length = body.out.size() - start - 4;
    if (length > UINT32_MAX) throw std::length_error("a note too large for a snapshot record");
    const uint32_t length32 = static_cast<uint32_t>(length);
    std::memcpy(body.out.data() + start, &length32, 4);
  }
  std::string out(kMagic, sizeof kMagic);
  put_u32(out, kFormatVersion);
  put_u32(out, kParserVersion);
  Writer header;
  header.fixed64(body.out.size());
  header.fixed64(checksum(body.out));
  out += header.out;
  out += body.out;
  return out;
}

// What a Loader holds between pieces.
struct Loader::State {
  std::string header;  // the first kHeaderSize bytes, as they arrive
  bool header_read = false;
  std::string refused;  // set when the header is not one this build reads
  uint64_t body_size = 0, body_sum = 0, received = 0;
  Checksum sum{0};
  // Body bytes of an item (the count, or a record) cut by a piece's end.
  std::string pending;
  bool counted = false;
  uint64_t count = 0;
  std::vector<std::pair<parse::Note, uint64_t>> notes;
  Interned seen;
  std::string corrupt;  // the first error inside the body; decoding stops there

  // Reads the header once its bytes are in; false when they are refused.
  bool read_header() {
    header_read = true;
    if (std::memcmp(header.data(), kMagic, sizeof kMagic) != 0) {
      refused = "not a vaultcrm snapshot";
      return false;
    }
    uint32_t format = get_u32(header.data() + 8), parser = get_u32(header.data() + 12);
    if (format != kFormatVersion || parser != kParserVersion) {
      refused = "snapshot of format " + std::to_string(format) + "/parser " + std::to_string(parser) +
                ", this build reads " + std::to_string(kFormatVersion) + "/" + std::to_string(kParserVersion);
      return false;
    }
    body_size = get_u64(header.data() + 16);
    body_sum = get_u64(header.data() + 24);
    sum = Checksum(body_size);
    return true;
  }

  // How many bytes the item at the start of `bytes` takes, as far as they
  // tell: more than bytes.size() while it is incomplete.
  size_t item_size(std::string_view bytes) const {
    if (!counted) {
      for (size_t i = 0; i < bytes.size() && i < 10; ++i)
        if (!(static_cast<unsigned char>(bytes[i]) & 0x80)) return i + 1;
      return bytes.size() < 10 ? bytes.size() + 1 : 10;  // a varint too long fails in decode()
    }
    if (notes.size() == count) return bytes.size();  // trailing bytes: decode() refuses them
    if (bytes.size() < 4) return 4;
    return 4 + static_cast<size_t>(get_u32(bytes.data()));
  }

  // Decodes every complete item at the start of `bytes`; returns the bytes used.
  size_t decode(std::string_view bytes) {
    size_t at = 0;
    while (at < bytes.size()) {
      std::string_view rest = bytes.substr(at);
      if (!counted) {
        if (item_size(rest) > rest.size()) break;
        Reader r(rest, seen);
        count = r.u();
        // Every record takes at least its length and its hash.
        if (count > body_size / 12) throw Corrupt("note count larger than the snapshot");
        // The header's size is not checked until the end: reserve no more
        // than a large vault's worth on its word.
        notes.reserve(static_cast<size_t>(std::min<uint64_t>(count, 1u << 16)));
        counted = true;
        at += rest.size() - r.left();
        continue;
      }
      if (notes.size() == count) throw Corrupt("trailing bytes");
      if (rest.size() < 4) break;
      const uint64_t length = get_u32(rest.data());
      if (length > body_size) throw Corrupt("record larger than the snapshot");
      if (rest.size() - 4 < length) break;
      Reader r(rest.substr(4, static_cast<size_t>(length)), seen);
      auto& [note, hash] = notes.emplace_back();
      hash = r.fixed64();
      read_note(r, note);
      if (!r.done()) throw Corrupt("a record longer than its note");
      at += 4 + static_cast<size_t>(length);
    }
    return at;
  }

  void body(std::string_view piece) {
    received += piece.size();
    sum.update(piece);
    if (!corrupt.empty()) return;  // only the checksum and the size are still wanted
    try {
      if (!pending.empty()) {
        // Complete the cut item from the front of this piece, decode it alone.
        for (size_t want = item_size(pending); want > pending.size() && !piece.empty();
             want = item_size(pending)) {
          const size_t take = std::min(want - pending.size(), piece.size());
          pending.append(piece.substr(0, take));
          piece.remove_prefix(take);
        }
        const size_t used = decode(pending);
        if (used < pending.size()) return;  // still cut: this piece is all in `pending`
        pending.clear();
      }
      const size_t used = decode(piece);
      pending.assign(piece.substr(used));
    } catch (const Corrupt& e) {
      fail(std::string("snapshot is corrupt: ") + e.what());
    } catch (const std::exception& e) {  // out of memory: the host indexes the files instead
      fail(std::string("snapshot could not be decoded: ") + e.what());
    }
  }

  void fail(std::string why) {
    corrupt = std::move(why);
    std::string().swap(pending);
    std::vector<std::pair<parse::Note, uint64_t>>().swap(notes);
  }
};

Loader::Loader() : state_(std::make_unique<State>()) {}
Loader::~Loader() = default;

bool Loader::feed(std::string_view piece) {
  State& s = *state_;
  if (!s.refused.empty()) return false;
  if (!s.header_read) {
    const size_t take = std::min(kHeaderSize - s.header.size(), piece.size());
    s.header.append(piece.substr(0, take));
    piece.remove_prefix(take);
    if (s.header.size() < kHeaderSize) return true;
    if (!s.read_header()) return false;
  }
  if (!piece.empty()) s.body(piece);
  return true;
}

bool Loader::finish(index::Vault& vault, std::vector<FileStamp>* stamps, std::string& error) {
  State& s = *state_;
  if (!s.header_read) s.refused = "not a vaultcrm snapshot";
  if (!s.refused.empty()) {
    error = s.refused;
    return false;
  }
  if (s.received != s.body_size) {
    error = "snapshot truncated or extended: body of " + std::to_string(s.received) + " bytes, header says " +
            std::to_string(s.body_size);
    return false;
  }
  if (s.sum.value() != s.body_sum) {
    error = "snapshot checksum mismatch (the file is damaged)";
    return false;
  }
  if (s.corrupt.empty() && (!s.counted || s.notes.size() != s.count || !s.pending.empty()))
    s.corrupt = "snapshot is corrupt: truncated";
  if (!s.corrupt.empty()) {
    error = s.corrupt;
    return false;
  }
  // Everything decoded before the vault is touched: a failure halfway left it as it was.
  vault.clear();
  if (stamps) {
    stamps->clear();
    stamps->reserve(s.notes.size());
  }
  for (auto& [note, hash] : s.notes) {
    if (stamps) stamps->push_back({note.path, note.mtime, note.size});
    vault.restore(std::move(note), hash);
  }
  std::vector<std::pair<parse::Note, uint64_t>>().swap(s.notes);
  return true;
}

bool load(std::string_view bytes, index::Vault& vault, std::vector<FileStamp>* stamps, std::string& error) {
  Loader loader;
  loader.feed(bytes);
  return loader.finish(vault, stamps, error);
}

}  // namespace vaultcrm::snapshot
