// The compact JSON writer shared by every layer that answers in JSON.
#include "writer.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <vector>

namespace vaultcrm::json {

using nlohmann::json;

namespace {
void append_json(std::string& out, const json& j);
}  // namespace

// Appends `s` as a JSON string literal, byte for byte what nlohmann's dump
// (ensure_ascii false, error_handler replace) writes, at a fraction of the
// cost: runs of plain ASCII are copied at once instead of going through a
// per-byte UTF-8 automaton (the serializer was ~60% of an upsert + panel).
// Each maximal invalid UTF-8 subsequence becomes U+FFFD, as there.
namespace {
// Bytes copied as they are: printable ASCII except '"' and '\\'.
struct PlainTable {
  bool plain[256] = {};
  constexpr PlainTable() {
    for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  }
};
constexpr PlainTable kPlainTable;
constexpr const bool* kPlain = kPlainTable.plain;

// Whether all 8 bytes of `v` are plain, without a branch per byte: most of
// an answer's strings (names, paths, lines of notes) are long plain runs,
// and the table loop above took ~5 instructions a byte, the panel JSON's
// largest single cost. Each test is the "has a byte less than n" word
// trick, exact for "any byte" (a borrow only marks bytes above one that
// already matched); bytes >= 0x80 are caught by their high bit.
inline bool plain_block(uint64_t v) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const uint64_t quote = v ^ (kOnes * '"'), backslash = v ^ (kOnes * '\\');
  const uint64_t control = (v - kOnes * 0x20) & ~v;
  const uint64_t has_quote = (quote - kOnes) & ~quote, has_backslash = (backslash - kOnes) & ~backslash;
  return ((control | has_quote | has_backslash | v) & kHigh) == 0;
}
}  // namespace

void append_string(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  out.push_back('"');
  // Bytes [copied, i) are plain or well-formed UTF-8, not yet written: they
  // go out in one append when an escape, a bad sequence or the end comes
  // (a name with one "ń" is one append, not three).
  size_t copied = 0, i = 0;
  while (i < n) {
    for (uint64_t block; i + 8 <= n; i += 8) {
      std::memcpy(&block, p + i, 8);
      if (!plain_block(block)) break;
    }
    while (i < n && kPlain[p[i]]) ++i;
    if (i >= n) break;
    unsigned char c = p[i];
    if (c < 0x80) {
      out.append(s, copied, i - copied);
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
      }
      copied = ++i;
      continue;
    }
    // The well-formed UTF-8 table (Unicode 3.9, table 3-7): length and the
    // range of the second byte by lead byte; later bytes are 80..BF.
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) len = 3;
    else if (c == 0xED) len = 3, hi = 0x9F;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    size_t ok = len == 0 ? 0 : 1;
    while (ok > 0 && ok < len && i + ok < n) {
      unsigned char b = p[i + ok];
      bool in_range = ok == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
      if (!in_range) break;
      ++ok;
    }
    if (len != 0 && ok == len) {
      i += len;  // stays in the pending run
    } else {
      out.append(s, copied, i - copied);
      out += "\xEF\xBF\xBD";  // U+FFFD; the byte that broke the sequence is read again
      i += ok == 0 ? 1 : ok;
      copied = i;
    }
  }
  out.append(s, copied, n - copied);
  out.push_back('"');
}

namespace {

void append_json(std::string& out, const json& j) {
  switch (j.type()) {
    case json::value_t::null: out += "null"; break;
    case json::value_t::boolean: out += j.get<bool>() ? "true" : "false"; break;
    case json::value_t::number_integer: out += std::to_string(j.get<int64_t>()); break;
    case json::value_t::number_unsigned: out += std::to_string(j.get<uint64_t>()); break;
    case json::value_t::string: append_string(out, j.get_ref<const std::string&>()); break;
    case json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : j) {
        if (!first) out.push_back(',');
        first = false;
        append_json(out, item);
      }
      out.push_back(']');
      break;
    }
    case json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out.push_back(',');
        first = false;
        append_string(out, it.key());
        out.push_back(':');
        append_json(out, it.value());
      }
      out.push_back('}');
      break;
    }
    default:  // floats (shortest round-trip form) and the rest: nlohmann's own
      out += j.dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

}  // namespace

std::string write_compact(const json& j) {
  std::string out;
  append_json(out, j);
  return out;
}

namespace {
template <typename Int>
void append_integer(std::string& out, Int i) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, i);
  out.append(buf, r.ptr);
}
}  // namespace

void Writer::value(int64_t i) {
  sep();
  append_integer(out_, i);
  comma_ = true;
}

void Writer::value(size_t i) {
  sep();
  append_integer(out_, i);
  comma_ = true;
}

void Writer::value(double d) {
  // Rare on the hot path (a float in frontmatter): nlohmann's shortest
  // round-trip form, as write_compact writes it.
  sep();
  out_ += json(d).dump(-1, ' ', false, json::error_handler_t::replace);
  comma_ = true;
}

void Writer::value(const Value& v) {
  switch (v.type()) {
    case Value::Type::Null: null(); return;
    case Value::Type::Bool: value(v.as_bool()); return;
    case Value::Type::Int: value(v.as_int()); return;
    case Value::Type::Double: value(v.as_double()); return;
    case Value::Type::String: value(std::string_view(v.as_string())); return;
    case Value::Type::Array:
      begin_array();
      for (const auto& item : v.as_array()) value(item);
      end_array();
      return;
    case Value::Type::Object: {
      // nlohmann's object is a std::map: keys in byte order, a repeated key
      // keeps its last value. Value keeps the note's order, so sort here.
      const auto& members = v.as_object();
      std::vector<const Value::Member*> order;
      order.reserve(members.size());
      for (const auto& m : members) order.push_back(&m);
      std::stable_sort(order.begin(), order.end(),
                       [](const Value::Member* a, const Value::Member* b) { return a->first < b->first; });
      begin_object();
      for (size_t i = 0; i < order.size(); ++i) {
        if (i + 1 < order.size() && order[i + 1]->first == order[i]->first) continue;  // a later one wins
        key_escaped(order[i]->first);
        value(order[i]->second);
      }
      end_object();
      return;
    }
  }
}

}  // namespace vaultcrm::json
