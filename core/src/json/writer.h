// The compact JSON writer (internal), shared by the engine's envelopes and
// the query layer's results. Byte for byte what nlohmann's dump(-1) writes
// with error_handler replace (each invalid UTF-8 sequence becomes U+FFFD),
// without its per-byte UTF-8 automaton, which was the largest cost of a panel
// refresh (tests/core/serialize_test.cpp checks the equality).
#pragma once

#include <nlohmann/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "vaultcrm/value.h"

namespace vaultcrm::json {

std::string write_compact(const nlohmann::json& j);

// Appends `s` as a JSON string literal exactly as write_compact would.
void append_string(std::string& out, std::string_view s);

// Writes JSON straight into a string, for answers on the hot path (the
// account panel after every edit) where building an nlohmann tree first cost
// more than the answer itself. Output is byte-identical to write_compact of
// the same tree as long as the caller writes object keys in sorted (byte)
// order, which is the order nlohmann's std::map keeps; the tests compare.
//
//   Writer w(out);
//   w.begin_object(); w.key("a"); w.value(1); w.end_object();
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void begin_object() { sep(); out_.push_back('{'); comma_ = false; }
  void end_object() { out_.push_back('}'); comma_ = true; }
  void begin_array() { sep(); out_.push_back('['); comma_ = false; }
  void end_array() { out_.push_back(']'); comma_ = true; }
  // A key the code spells (plain ASCII, nothing to escape): copied as is.
  void key(std::string_view k) {
    sep();
    out_.push_back('"');
    out_.append(k);
    out_ += "\":";
    comma_ = false;
  }
  // A key from the data (a frontmatter key): escaped like any string.
  void key_escaped(std::string_view k) {
    sep();
    append_string(out_, k);
    out_.push_back(':');
    comma_ = false;
  }
  void null() { sep(); out_ += "null"; comma_ = true; }
  void value(bool b) { sep(); out_ += b ? "true" : "false"; comma_ = true; }
  void value(int64_t i);
  void value(int i) { value(static_cast<int64_t>(i)); }
  void value(size_t i);
  void value(double d);
  void value(std::string_view s) { sep(); append_string(out_, s); comma_ = true; }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(const char* s) { value(std::string_view(s)); }
  // A Value as serialize.cpp's to_json + write_compact writes it: object keys
  // sorted, the last of repeated keys winning.
  void value(const Value& v);
  // "" -> null, as the JSON API writes absent optional text.
  void string_or_null(std::string_view s) {
    if (s.empty()) null();
    else value(s);
  }
  template <typename Seq>
  void array_of(const Seq& items) {
    begin_array();
    for (const auto& item : items) value(item);
    end_array();
  }

 private:
  void sep() {
    if (comma_) out_.push_back(',');
  }
  std::string& out_;
  bool comma_ = false;  // a value was written at this level: the next one needs a comma
};

}  // namespace vaultcrm::json
