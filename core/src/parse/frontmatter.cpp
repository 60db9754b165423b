// The frontmatter adapter: the only file that includes yaml-cpp.
//
// yaml-cpp costs ~30 us per small frontmatter, about 80% of a note's parse
// time, so the common Obsidian subset (flat keys; plain, quoted, block-list
// and flow-list values) is read by a strict fast path. Anything outside that
// subset goes to yaml-cpp; tests/core/frontmatter_test.cpp checks that both
// paths give the same Value on every input the fast path accepts.
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <unordered_set>

#include "text.h"
#include "vaultcrm/parse.h"

namespace vaultcrm::parse {
namespace detail {

namespace {
bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}
bool all_hex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c) && !((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}
bool is_float_literal(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}
}  // namespace

Value resolve_plain_scalar(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value();
  if (s == "true" || s == "True" || s == "TRUE") return Value(true);
  if (s == "false" || s == "False" || s == "FALSE") return Value(false);
  std::string_view digits = s;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
  if (all_digits(digits)) {
    if (digits.size() > 1 && digits[0] == '0') return Value(std::string(s));  // keep "007"
    errno = 0;
    std::string tmp(s);
    long long v = std::strtoll(tmp.c_str(), nullptr, 10);
    if (errno == ERANGE) return Value(std::string(s));
    return Value(static_cast<int64_t>(v));
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && all_hex(s.substr(2)) && s.size() <= 17)
    return Value(static_cast<int64_t>(std::strtoll(std::string(s.substr(2)).c_str(), nullptr, 16)));
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && all_digits(s.substr(2)) &&
      s.substr(2).find_first_of("89") == std::string_view::npos && s.size() <= 22)
    return Value(static_cast<int64_t>(std::strtoll(std::string(s.substr(2)).c_str(), nullptr, 8)));
  if (is_float_literal(s)) return Value(std::strtod(std::string(s).c_str(), nullptr));
  return Value(std::string(s));
}

}  // namespace detail

using detail::trim;
using detail::trim_right;

// ---------------------------------------------------------------------------
// yaml-cpp path

namespace {

struct ConversionAborted {
  std::string code, message;
  YAML::Mark mark;
};

class Converter {
 public:
  Converter(const Limits& limits, int first_line, std::vector<Diagnostic>& errors)
      : limits_(limits), first_line_(first_line), errors_(errors) {}

  Value convert(const YAML::Node& node, int depth) {
    if (++values_ > limits_.max_yaml_values)
      throw ConversionAborted{"yaml_too_large",
                              "frontmatter expands to more than " + std::to_string(limits_.max_yaml_values) +
                                  " values (alias bomb?); it was not read",
                              node.Mark()};
    if (depth > limits_.max_yaml_depth)
      throw ConversionAborted{"yaml_too_deep",
                              "frontmatter nests deeper than " + std::to_string(limits_.max_yaml_depth) +
                                  " levels; it was not read",
                              node.Mark()};
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return Value();
      case YAML::NodeType::Scalar: {
        const std::string& tag = node.Tag();
        if (tag == "!" || tag == "tag:yaml.org,2002:str") return Value(node.Scalar());
        return detail::resolve_plain_scalar(node.Scalar());
      }
      case YAML::NodeType::Sequence: {
        Value::Array items;
        items.reserve(node.size());
        for (const auto& child : node) items.push_back(convert(child, depth + 1));
        return Value::array(std::move(items));
      }
      case YAML::NodeType::Map: {
        Value::Object members;
        std::unordered_set<std::string> seen;
        for (auto it = node.begin(); it != node.end(); ++it) {
          // Copies: the iterator hands out a temporary pair of handles.
          const YAML::Node key = it->first;
          const YAML::Node value = it->second;
          std::string name;
          if (key.IsScalar()) {
            name = key.Scalar();
          } else if (key.IsNull()) {
            name = "null";
          } else {
            add(key.Mark(), "yaml_complex_key", "a frontmatter key must be a plain value; this one was skipped",
                Severity::Warning);
            continue;
          }
          if (!seen.insert(name).second) {
            add(key.Mark(), "yaml_duplicate_key",
                "duplicate frontmatter key \"" + name + "\"; the first value is kept");
            continue;
          }
          members.emplace_back(std::move(name), convert(value, depth + 1));
        }
        return Value::object(std::move(members));
      }
    }
    return Value();
  }

  void add(const YAML::Mark& mark, std::string code, std::string message, Severity sev = Severity::Error) {
    Diagnostic d;
    d.severity = sev;
    d.code = std::move(code);
    d.message = std::move(message);
    d.line = mark.line >= 0 ? first_line_ + mark.line : first_line_;
    d.column = mark.column >= 0 ? mark.column + 1 : 1;
    errors_.push_back(std::move(d));
  }

 private:
  const Limits& limits_;
  int first_line_;
  std::vector<Diagnostic>& errors_;
  size_t values_ = 0;
};

// Flow collections nest by brackets; yaml-cpp recurses once per level, so a
// cheap scan refuses absurd nesting before the parser sees it.
int flow_depth(std::string_view yaml) {
  int depth = 0, max_depth = 0;
  char quote = 0;
  for (char c : yaml) {
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    else if (c == '[' || c == '{') max_depth = std::max(max_depth, ++depth);
    else if ((c == ']' || c == '}') && depth > 0) --depth;
    else if (c == '\n') quote = 0;
  }
  return max_depth;
}

}  // namespace

Value parse_yaml_with_yamlcpp(std::string_view yaml, int first_line, const Limits& limits,
                              std::vector<Diagnostic>& errors) {
  Converter converter(limits, first_line, errors);
  if (flow_depth(yaml) > limits.max_yaml_depth) {
    Diagnostic d;
    d.code = "yaml_too_deep";
    d.message = "frontmatter nests deeper than " + std::to_string(limits.max_yaml_depth) + " levels; it was not read";
    d.line = first_line;
    d.column = 1;
    errors.push_back(std::move(d));
    return Value();
  }
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    return converter.convert(root, 0);
  } catch (const ConversionAborted& abort) {
    converter.add(abort.mark, abort.code, abort.message);
  } catch (const YAML::Exception& e) {
    converter.add(e.mark, "yaml_syntax", "frontmatter is not valid YAML: " + e.msg);
  } catch (const std::exception& e) {
    converter.add(YAML::Mark::null_mark(), "yaml_syntax", std::string("frontmatter could not be read: ") + e.what());
  }
  return Value();
}

// ---------------------------------------------------------------------------
// The fast path

namespace {

// Characters that may not start a plain scalar in the subset we accept.
bool bad_plain_start(std::string_view s) {
  if (s.empty()) return false;
  switch (s[0]) {
    case '[': case ']': case '{': case '}': case '#': case '&': case '*': case '!':
    case '|': case '>': case '\'': case '"': case '%': case '@': case '`': case ',':
      return true;
    case '-': case '?': case ':':
      return s.size() == 1 || s[1] == ' ';
    default:
      return false;
  }
}

// A scalar in block context (after "key: " or "- "). false = not in the subset.
bool fast_scalar(std::string_view s, bool in_flow, Value& out) {
  s = trim(s);
  if (s.empty()) {
    out = Value();
    return true;
  }
  if (s[0] == '\'') {
    std::string v;
    size_t i = 1;
    for (; i < s.size(); ++i) {
      if (s[i] == '\'') {
        if (i + 1 < s.size() && s[i + 1] == '\'') {
          v.push_back('\'');
          ++i;
          continue;
        }
        break;
      }
      v.push_back(s[i]);
    }
    if (i >= s.size() || !trim(s.substr(i + 1)).empty()) return false;
    out = Value(std::move(v));
    return true;
  }
  if (s[0] == '"') {
    size_t close = s.find('"', 1);
    if (close == std::string_view::npos || s.substr(1, close - 1).find('\\') != std::string_view::npos) return false;
    if (!trim(s.substr(close + 1)).empty()) return false;
    out = Value(std::string(s.substr(1, close - 1)));
    return true;
  }
  if (bad_plain_start(s)) return false;
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos || s.back() == ':' ||
      s.find('\t') != std::string_view::npos)
    return false;
  if (in_flow && s.find_first_of("[]{},") != std::string_view::npos) return false;
  out = detail::resolve_plain_scalar(s);
  return true;
}

bool fast_flow_list(std::string_view s, Value& out) {
  // s is "[ ... ]" with nothing after the closing bracket.
  std::string_view inner = trim(s.substr(1, s.size() - 2));
  Value::Array items;
  if (!inner.empty()) {
    size_t start = 0;
    while (true) {
      // Split on commas outside quotes.
      size_t i = start;
      char quote = 0;
      for (; i < inner.size(); ++i) {
        char c = inner[i];
        if (quote) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == ',') {
          break;
        }
      }
      if (quote) return false;
      std::string_view item = trim(inner.substr(start, i - start));
      if (item.empty()) return false;  // "[a,,b]" or a trailing comma: leave it to yaml-cpp
      Value v;
      if (!fast_scalar(item, true, v)) return false;
      items.push_back(std::move(v));
      if (i >= inner.size()) break;
      start = i + 1;
    }
  }
  out = Value::array(std::move(items));
  return true;
}

}  // namespace

bool parse_yaml_fast(std::string_view yaml, Value& out) {
  // Split into lines once.
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos <= yaml.size()) {
    size_t nl = yaml.find('\n', pos);
    if (nl == std::string_view::npos) nl = yaml.size();
    std::string_view line = yaml.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == yaml.size()) break;
    pos = nl + 1;
  }

  Value::Object members;
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i < lines.size();) {
    std::string_view line = lines[i];
    if (trim(line).empty()) {
      ++i;
      continue;
    }
    if (line.find('\t') != std::string_view::npos) return false;
    if (line[0] == ' ' || line[0] == '#' || line[0] == '-' || line[0] == '?' || line[0] == '"' ||
        line[0] == '\'' || line[0] == '[' || line[0] == '{' || line[0] == '&' || line[0] == '*' ||
        line[0] == '!' || line[0] == '%' || line[0] == '@' || line[0] == '`' || line[0] == '|' || line[0] == '>')
      return false;
    size_t colon = std::string_view::npos;
    for (size_t c = 0; c < line.size(); ++c) {
      if (line[c] == ':' && (c + 1 == line.size() || line[c + 1] == ' ')) {
        colon = c;
        break;
      }
      if (line[c] == '#' && c > 0 && line[c - 1] == ' ') return false;
    }
    if (colon == std::string_view::npos || colon == 0) return false;
    std::string_view key = line.substr(0, colon);
    if (key.back() == ' ' || key.find_first_of("\"'[]{},#&*!|>%@`") != std::string_view::npos) return false;
    if (!seen.insert(key).second) return false;  // duplicates get yaml-cpp's diagnostics
    std::string_view rest = trim(line.substr(colon + 1));
    ++i;

    Value value;
    if (rest.empty()) {
      // Maybe a block list on the following lines, all at one indentation.
      Value::Array items;
      size_t indent = std::string_view::npos;
      while (i < lines.size()) {
        std::string_view item_line = lines[i];
        if (trim(item_line).empty()) {
          ++i;
          continue;
        }
        size_t lead = item_line.find_first_not_of(' ');
        if (item_line[lead] != '-' || !(lead + 1 == item_line.size() || item_line[lead + 1] == ' ')) {
          if (lead > 0) return false;  // an indented mapping or a continued scalar
          break;                       // the next key
        }
        if (indent == std::string_view::npos) indent = lead;
        if (lead != indent) return false;
        if (item_line.find('\t') != std::string_view::npos) return false;
        std::string_view item = item_line.substr(lead + 1);
        std::string_view trimmed = trim(item);
        if (!trimmed.empty() && (trimmed[0] == '[' || trimmed[0] == '{')) return false;
        Value v;
        if (!fast_scalar(item, false, v)) return false;
        items.push_back(std::move(v));
        ++i;
      }
      if (indent != std::string_view::npos) value = Value::array(std::move(items));
    } else if (rest[0] == '[') {
      if (rest.back() != ']' || rest.find('[', 1) != std::string_view::npos ||
          rest.find_first_of("{}") != std::string_view::npos || rest.find(']') != rest.size() - 1)
        return false;
      if (!fast_flow_list(rest, value)) return false;
    } else {
      if (!fast_scalar(rest, false, value)) return false;
      // A plain scalar continued on an indented line belongs to yaml-cpp.
      if (i < lines.size() && !lines[i].empty() && lines[i][0] == ' ' && !trim(lines[i]).empty()) return false;
    }
    members.emplace_back(std::string(key), std::move(value));
  }
  out = Value::object(std::move(members));
  return true;
}

// ---------------------------------------------------------------------------

Frontmatter parse_frontmatter(std::string_view text, const Limits& limits) {
  Frontmatter fm;
  // Obsidian: the file must open with a line that is exactly "---".
  auto line_end = [&](size_t from) {
    size_t nl = text.find('\n', from);
    return nl == std::string_view::npos ? text.size() : nl;
  };
  size_t first_end = line_end(0);
  if (trim_right(text.substr(0, first_end)) != "---") return fm;

  size_t pos = first_end < text.size() ? first_end + 1 : text.size();
  int line = 2;
  while (pos < text.size()) {
    size_t end = line_end(pos);
    std::string_view l = trim_right(text.substr(pos, end - pos));
    if (l == "---" || l == "...") {
      fm.present = true;
      fm.first_line = 1;
      fm.last_line = line;
      fm.body_offset = end < text.size() ? end + 1 : text.size();
      size_t yaml_begin = first_end + 1;
      std::string_view yaml = text.substr(yaml_begin, pos - yaml_begin);
      if (trim(yaml).empty()) {
        fm.value = Value::object();
        return fm;
      }
      Value v;
      if (parse_yaml_fast(yaml, v)) {
        fm.used_fast_path = true;
      } else {
        v = parse_yaml_with_yamlcpp(yaml, 2, limits, fm.errors);
      }
      if (!v.is_object() && !v.is_null()) {
        Diagnostic d;
        d.code = "yaml_not_mapping";
        d.message = "frontmatter must be a set of key: value pairs; it was ignored";
        d.line = 2;
        d.column = 1;
        fm.errors.push_back(std::move(d));
        v = Value();
      } else if (v.is_null() && fm.errors.empty()) {
        v = Value::object();  // e.g. only comments
      }
      fm.value = std::move(v);
      return fm;
    }
    pos = end < text.size() ? end + 1 : text.size();
    ++line;
  }
  Diagnostic d;
  d.code = "frontmatter_unterminated";
  d.message = "frontmatter opened on line 1 is never closed with ---; the note is read as Markdown only";
  d.line = 1;
  d.column = 1;
  fm.errors.push_back(std::move(d));
  return fm;
}

}  // namespace vaultcrm::parse
