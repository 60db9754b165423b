// The Markdown adapter (internal): runs md4c over a note's body and fills
// the structural parts of a Note. Only markdown.cpp includes md4c.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "text.h"
#include "vaultcrm/parse.h"

namespace vaultcrm::parse::detail {

// One of a link's texts while its note is parsed: a view when it is bytes
// of the note itself (most targets and displays), else a copy of its own
// (unescaped, percent-decoded, read from YAML). parse_note then gives both
// kinds a place in the note's block: a view the same offset, a copy after
// the note's text.
class DraftText {
 public:
  // Views `v` when it lies inside `note`, copies it otherwise.
  void set(std::string_view v, std::string_view note) {
    if (v.empty()) {
      *this = DraftText();
    } else if (lies_within(v, note)) {
      view_ = v;
      copied_ = false;
    } else {
      std::string copy(v);  // `v` may be a part of copy_ itself
      copy_ = std::move(copy);
      copied_ = true;
    }
  }
  std::string_view get() const { return copied_ ? std::string_view(copy_) : view_; }
  bool copied() const { return copied_; }
  bool empty() const { return get().empty(); }

 private:
  std::string_view view_;
  std::string copy_;
  bool copied_ = false;
};

struct LinkDraft {
  DraftText target, display, heading, block, frontmatter_key;
  int line = 0, column = 0;
  bool has_display = false, embed = false, markdown = false;
};

// `text` is the whole note (BOM stripped); the body starts at `body_offset`.
// `lines` and `facts` come from one LineTable(text, facts). Lines whose prose
// (not code) md4c reported are appended to `prose_lines`, in document order,
// for the inline-field scan. Links go to `links`, in document order; list
// item and task texts view `text`, and so do table cells, or else a text in
// `cell_texts` (rendered differently from what the row's line holds).
void parse_markdown(std::string_view text, size_t body_offset, const LineTable& lines, const TextFacts& facts,
                    Note& note, std::vector<LinkDraft>& links, std::vector<int>& prose_lines,
                    std::deque<std::string>& cell_texts);

}  // namespace vaultcrm::parse::detail
