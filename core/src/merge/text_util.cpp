#include "text_util.h"

#include <cctype>

namespace vaultcrm::merge::detail {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      out.emplace_back(text.substr(start));
      break;
    }
    out.emplace_back(text.substr(start, nl + 1 - start));
    start = nl + 1;
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  size_t n = 0;
  for (const auto& l : lines) n += l.size();
  out.reserve(n);
  for (const auto& l : lines) out += l;
  return out;
}

std::string_view eol_of(const std::string& line) {
  std::string_view v(line);
  if (v.size() >= 2 && v.substr(v.size() - 2) == "\r\n") return v.substr(v.size() - 2);
  if (!v.empty() && v.back() == '\n') return v.substr(v.size() - 1);
  return v.substr(v.size());
}

std::string_view body_of(const std::string& line) {
  std::string_view v(line);
  return v.substr(0, v.size() - eol_of(line).size());
}

size_t byte_of_column(std::string_view line, int col) {
  size_t i = 0;
  int c = 1;
  while (i < line.size() && c < col) {
    unsigned char b = static_cast<unsigned char>(line[i]);
    size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
    i += len;
    ++c;
  }
  return i < line.size() ? i : line.size();
}

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return std::string(s.substr(a, b - a));
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

std::string yaml_scalar(const std::string& s) {
  bool plain = !s.empty() && s == trim(s);
  if (plain) {
    static const std::string kBadFirst = "-?:,[]{}#&*!|>'\"%@`0123456789.+~";
    if (kBadFirst.find(s[0]) != std::string::npos) plain = false;
    if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos || s.back() == ':') plain = false;
    for (char ch : s)
      if (ch == '\n' || ch == '\r' || ch == '\t' || ch == '"' || ch == '\\') plain = false;
    std::string l = lower_ascii(s);
    for (const char* word : {"true", "false", "null", "yes", "no", "on", "off"})
      if (l == word) plain = false;
  }
  if (plain) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\', out += ch;
    else if (ch == '\n') out += "\\n";
    else if (ch == '\r') out += "\\r";
    else if (ch == '\t') out += "\\t";
    else out += ch;
  }
  return out + "\"";
}

}  // namespace vaultcrm::merge::detail
