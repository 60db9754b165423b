// The Markdown adapter (internal): runs md4c over a note's body and fills
// the structural parts of a Note. Only markdown.cpp includes md4c.
#pragma once

#include <string_view>
#include <vector>

#include "text.h"
#include "vaultcrm/parse.h"

namespace vaultcrm::parse::detail {

// `text` is the whole note (BOM stripped); the body starts at `body_offset`.
// `lines` and `facts` come from one LineTable(text, facts). Lines whose prose
// (not code) md4c reported are appended to `prose_lines`, in document order,
// for the inline-field scan.
void parse_markdown(std::string_view text, size_t body_offset, const LineTable& lines, const TextFacts& facts,
                    Note& note, std::vector<int>& prose_lines);

}  // namespace vaultcrm::parse::detail
