// Line-level text helpers for merge plans (internal). Every edit works on
// lines that keep their own terminator, so untouched bytes (CRLF, trailing
// whitespace, a missing final newline) survive exactly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vaultcrm::merge::detail {

// Lines with their terminators ("\n", "\r\n" or none for the last line).
std::vector<std::string> split_lines(std::string_view text);
std::string join_lines(const std::vector<std::string>& lines);
// The line without its terminator, and the terminator alone.
std::string_view body_of(const std::string& line);
std::string_view eol_of(const std::string& line);
// Byte offset of the 1-based code-point column `col` in `line`.
size_t byte_of_column(std::string_view line, int col);
std::string trim(std::string_view s);
std::string lower_ascii(std::string_view s);
// A YAML scalar as a plain or double-quoted string, whichever is safe.
std::string yaml_scalar(const std::string& s);

}  // namespace vaultcrm::merge::detail
