// The compact JSON writer shared by every layer that answers in JSON.
#include "writer.h"

namespace vaultcrm::json {

using nlohmann::json;

namespace {

// Appends `s` as a JSON string literal, byte for byte what nlohmann's dump
// (ensure_ascii false, error_handler replace) writes, at a fraction of the
// cost: runs of plain ASCII are copied at once instead of going through a
// per-byte UTF-8 automaton (the serializer was ~60% of an upsert + panel).
// Each maximal invalid UTF-8 subsequence becomes U+FFFD, as there.
void append_string(std::string& out, const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  out.push_back('"');
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\') ++run;
    out.append(s, i, run - i);
    i = run;
    if (i >= n) break;
    unsigned char c = p[i];
    if (c < 0x80) {
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
      ++i;
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
      out.append(s, i, len);
      i += len;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD; the byte that broke the sequence is read again
      i += ok == 0 ? 1 : ok;
    }
  }
  out.push_back('"');
}

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

}  // namespace vaultcrm::json
