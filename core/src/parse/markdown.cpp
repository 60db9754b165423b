// The Markdown adapter: the only file that includes md4c.
//
// md4c reports structure through callbacks but no positions. Its text
// callbacks, however, point into the input buffer, so every block gets its
// line from the first text pointer seen inside it; wikilink targets and task
// marks carry pointers/offsets of their own.
#include <md4c.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include "markdown.h"

namespace vaultcrm::parse::detail {
namespace {

bool is_tag_char(unsigned char c) {
  if (c >= 0x80) return true;  // Obsidian allows letters of any script
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c == '_' || c == '-' || c == '/';
}

// Strips blockquote markers, the list marker and a task box from a raw line;
// returns the content and, through `status`, the task box character if any.
std::string_view list_item_content(std::string_view line, bool& has_box, std::string_view& status) {
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  };
  skip_spaces();
  while (i < line.size() && line[i] == '>') {
    ++i;
    skip_spaces();
  }
  if (i < line.size() && (line[i] == '-' || line[i] == '*' || line[i] == '+')) {
    ++i;
  } else {
    size_t d = i;
    while (d < line.size() && is_digit(line[d]) && d - i < 9) ++d;
    if (d > i && d < line.size() && (line[d] == '.' || line[d] == ')')) i = d + 1;
    else return trim_right(line.substr(0, 0));
  }
  skip_spaces();
  has_box = false;
  // A task box is "[c]" then a space or the end of the line; c may be any
  // single character (Obsidian Tasks uses custom statuses like / - > !).
  if (i < line.size() && line[i] == '[') {
    size_t c = i + 1;
    size_t len = 1;
    if (c < line.size()) {
      unsigned char b = static_cast<unsigned char>(line[c]);
      len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : 4;
    }
    size_t close = c + len;
    if (close < line.size() && line[close] == ']' && (close + 1 == line.size() || line[close + 1] == ' ')) {
      has_box = true;
      status = line.substr(c, len);
      i = close + 1;
      skip_spaces();
    }
  }
  return trim_right(line.substr(i));
}

class Builder {
 public:
  Builder(std::string_view text, size_t body_offset, const LineTable& lines, const TextFacts& facts, Note& note,
          std::vector<LinkDraft>& links, std::vector<int>& prose_lines, std::deque<std::string>& cell_texts)
      : text_(text),
        body_offset_(body_offset),
        lines_(lines),
        facts_(facts),
        note_(note),
        links_(links),
        prose_lines_(prose_lines),
        cell_texts_(cell_texts) {}

  int enter_block(MD_BLOCKTYPE type, void* detail) {
    switch (type) {
      case MD_BLOCK_H:
        heading_level_ = static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
        heading_text_.clear();
        heading_line_ = 0;
        in_heading_ = true;
        break;
      case MD_BLOCK_LI: {
        auto* d = static_cast<MD_BLOCK_LI_DETAIL*>(detail);
        ListItem item;
        item.parent = li_stack_.empty() ? -1 : li_stack_.back();
        item.section = section_;
        note_.lists.push_back(std::move(item));
        li_stack_.push_back(static_cast<int>(note_.lists.size()) - 1);
        if (d->is_task) locate_list_item(body_offset_ + d->task_mark_offset);
        break;
      }
      case MD_BLOCK_TABLE: {
        Table t;
        t.section = section_;
        note_.tables.push_back(std::move(t));
        table_ = &note_.tables.back();
        break;
      }
      case MD_BLOCK_THEAD:
        in_thead_ = true;
        break;
      case MD_BLOCK_TR:
        row_.clear();
        row_line_ = 0;
        in_row_ = true;
        break;
      case MD_BLOCK_TH:
      case MD_BLOCK_TD:
        cell_ = CellDraft();
        in_cell_ = true;
        break;
      case MD_BLOCK_CODE: {
        auto* d = static_cast<MD_BLOCK_CODE_DETAIL*>(detail);
        CodeBlock cb;
        cb.section = section_;
        cb.lang.assign(d->lang.text ? d->lang.text : "", d->lang.size);
        fenced_ = d->fence_char != 0;
        if (d->info.size > 0 && in_doc(d->info.text)) cb.line = lines_.line_of(offset(d->info.text));
        note_.code_blocks.push_back(std::move(cb));
        code_ = &note_.code_blocks.back();
        code_last_line_ = 0;
        break;
      }
      default:
        break;
    }
    return 0;
  }

  int leave_block(MD_BLOCKTYPE type, void*) {
    switch (type) {
      case MD_BLOCK_H: {
        Section s;
        s.heading = std::string(trim(heading_text_));
        s.level = heading_level_;
        s.line = heading_line_ ? heading_line_ : last_line_;
        for (int i = static_cast<int>(note_.sections.size()) - 1; i >= 0; --i)
          if (note_.sections[i].level < s.level) {
            s.parent = i;
            break;
          }
        note_.sections.push_back(std::move(s));
        section_ = static_cast<int>(note_.sections.size()) - 1;
        in_heading_ = false;
        break;
      }
      case MD_BLOCK_LI: {
        int idx = li_stack_.back();
        li_stack_.pop_back();
        if (note_.lists[idx].line == 0) {
          // An empty item ("- "): md4c saw no text in it. Drop it unless a
          // nested item already points at it.
          if (idx == static_cast<int>(note_.lists.size()) - 1) note_.lists.pop_back();
          else note_.lists[idx].line = last_line_;
        }
        break;
      }
      case MD_BLOCK_TABLE:
        table_ = nullptr;
        break;
      case MD_BLOCK_THEAD:
        in_thead_ = false;
        break;
      case MD_BLOCK_TR:
        if (table_) {
          int line = row_line_ ? row_line_ : last_line_;
          if (in_thead_) {
            table_->line = line;
            for (auto& c : row_) table_->header.push_back(std::string(trim(c.text)));
          } else {
            // A cell views the same bytes on its row's line: most cells are
            // written as they render. A plain cell is md4c's one run; the
            // others are searched left to right from where the last one was
            // found, so a 1 MB row of thousands of cells stays one pass. The
            // rest are kept until finish_source copies them into the block.
            std::string_view row_text;
            size_t from = 0;
            auto on_line = [&](std::string_view rendered) {
              if (row_text.empty()) row_text = lines_.line_text(line);
              size_t at = row_text.find(rendered, from);
              if (at == std::string_view::npos) return std::string_view();
              from = at + rendered.size();
              return row_text.substr(at, rendered.size());
            };
            std::vector<TableCell>& cells = table_->rows.emplace_back();
            cells.reserve(row_.size());
            for (auto& c : row_) {
              TableCell& cell = cells.emplace_back();
              cell.links = std::move(c.links);
              const std::string_view rendered = trim(c.text);
              if (rendered.empty()) continue;
              if (!c.run.empty()) cell.text = trim(c.run);
              else if (std::string_view seen = on_line(rendered); !seen.empty()) cell.text = seen;
              else cell.text = cell_texts_.emplace_back(rendered);
            }
            table_->row_lines.push_back(line);
          }
          table_->end_line = std::max(table_->end_line, line);
          if (table_->line == 0) table_->line = line;
        }
        row_.clear();
        in_row_ = false;
        break;
      case MD_BLOCK_TH:
      case MD_BLOCK_TD:
        row_.push_back(std::move(cell_));
        in_cell_ = false;
        break;
      case MD_BLOCK_CODE:
        if (code_) {
          if (code_->line == 0) code_->line = code_first_line_ ? code_first_line_ - (fenced_ ? 1 : 0) : last_line_;
          int last = code_last_line_ ? code_last_line_ : code_->line;
          code_->end_line = std::min(lines_.line_count(), last + (fenced_ ? 1 : 0));
          if (code_->end_line < code_->line) code_->end_line = code_->line;
        }
        code_ = nullptr;
        code_first_line_ = 0;
        break;
      default:
        break;
    }
    return 0;
  }

  int enter_span(MD_SPANTYPE type, void* detail) {
    switch (type) {
      case MD_SPAN_WIKILINK: {
        auto* d = static_cast<MD_SPAN_WIKILINK_DETAIL*>(detail);
        LinkDraft link;
        std::string_view target(d->target.text, d->target.size);
        size_t off = in_doc(d->target.text) ? offset(d->target.text) : 0;
        if (off >= 2) {
          link.embed = off >= 3 && text_[off - 3] == '!';
          size_t start = off - (link.embed ? 3 : 2);
          link.line = lines_.line_of(start);
          link.column = lines_.column_of(start);
          size_t after = off + d->target.size;
          link.has_display = after < text_.size() && text_[after] == '|';
          // What the display is when md4c renders it as written: then the
          // link views these bytes instead of keeping a copy.
          size_t close = link.has_display ? text_.find("]]", after) : std::string_view::npos;
          display_as_written_ =
              close == std::string_view::npos ? std::string_view() : trim(text_.substr(after + 1, close - after - 1));
        }
        split_target(target, link);
        // An embed's text stays as written, "![[...]]", in headings and
        // cells (md4c used to hand it back as plain text; see mask_embeds).
        embed_source_ = std::string_view();
        if (link.embed) {
          size_t close = text_.find("]]", off);
          if (close != std::string_view::npos) embed_source_ = text_.substr(off - 3, close + 2 - (off - 3));
        }
        heading_text_at_link_ = heading_text_.size();
        wikilink_placed_ = off >= 2;
        wikilink_first_offset_ = std::string_view::npos;
        if (off < 2) display_as_written_ = std::string_view();
        wikilink_ = std::move(link);
        wikilink_text_.clear();
        cell_text_at_link_ = cell_.text.size();
        in_wikilink_ = true;
        break;
      }
      case MD_SPAN_A: {
        auto* d = static_cast<MD_SPAN_A_DETAIL*>(detail);
        ++in_a_;
        std::string href(d->href.text ? d->href.text : "", d->href.size);
        a_link_.reset();
        if (is_internal_href(href)) {
          LinkDraft link;
          link.markdown = true;
          split_target(percent_decode(href), link);
          std::string_view page = link.target.get();
          if (ends_with(ascii_lower(page), ".md")) link.target.set(page.substr(0, page.size() - 3), text_);
          link.has_display = true;
          a_link_ = std::move(link);
          a_text_.clear();
          a_first_offset_ = std::string_view::npos;
        }
        break;
      }
      case MD_SPAN_CODE:
        ++in_code_span_;
        break;
      default:
        break;
    }
    return 0;
  }

  int leave_span(MD_SPANTYPE type, void*) {
    switch (type) {
      case MD_SPAN_WIKILINK:
        if (!wikilink_placed_ && wikilink_first_offset_ != std::string_view::npos) {
          // md4c copied the target (it held an entity or escape): place the
          // link by its text instead.
          size_t open = text_.rfind("[[", wikilink_first_offset_);
          if (open != std::string_view::npos) {
            wikilink_.embed = open > 0 && text_[open - 1] == '!';
            size_t start = open - (wikilink_.embed ? 1 : 0);
            wikilink_.line = lines_.line_of(start);
            wikilink_.column = lines_.column_of(start);
            size_t close = text_.find("]]", open);
            std::string_view raw = text_.substr(open, close == std::string_view::npos ? 0 : close - open);
            wikilink_.has_display = raw.find('|') != std::string_view::npos;
          }
        }
        if (wikilink_.line == 0) wikilink_.line = last_line_, wikilink_.column = 1;
        if (size_t bar = wikilink_.target.get().find('|'); bar != std::string::npos) {
          // Inside a table, Obsidian writes the alias separator as "\|"; md4c
          // unescapes it into the target.
          const std::string whole(wikilink_.target.get());
          std::string_view page = std::string_view(whole).substr(0, bar);
          while (!page.empty() && page.back() == '\\') page.remove_suffix(1);
          LinkDraft fixed;
          split_target(page, fixed);
          wikilink_.target = fixed.target;
          if (wikilink_.heading.empty()) wikilink_.heading = fixed.heading;
          if (wikilink_.block.empty()) wikilink_.block = fixed.block;
          wikilink_.has_display = true;
          wikilink_.display.set(trim(std::string_view(whole).substr(bar + 1)), text_);
        } else if (wikilink_.has_display) {
          std::string_view shown = trim(wikilink_text_);
          wikilink_.display.set(shown == display_as_written_ ? display_as_written_ : shown, text_);
        }
        if (!embed_source_.empty()) {
          // Replace the '!' and the link's rendered text with the source.
          auto restore = [&](std::string& out, size_t at) {
            if (at > 0 && at <= out.size() && out[at - 1] == '!') out.resize(at - 1);
            else out.resize(std::min(at, out.size()));
            out.append(embed_source_);
          };
          if (in_heading_) restore(heading_text_, heading_text_at_link_);
          if (in_cell_) {
            restore(cell_.text, cell_text_at_link_);
            cell_.run = std::string_view();
            cell_.links.push_back(cell_text(wikilink_.target.get()));
          }
          embed_source_ = std::string_view();
        } else if (in_cell_) {
          cell_.links.push_back(cell_text(wikilink_.target.get()));
          if (wikilink_.has_display) {
            cell_.text.replace(cell_text_at_link_, std::string::npos, wikilink_.display.get());
            cell_.run = std::string_view();
          }
        }
        links_.push_back(std::move(wikilink_));
        in_wikilink_ = false;
        break;
      case MD_SPAN_A:
        --in_a_;
        if (a_link_) {
          a_link_->display.set(trim(a_text_), text_);
          size_t at = a_first_offset_ != std::string_view::npos && a_first_offset_ > 0 ? a_first_offset_ - 1 : 0;
          a_link_->line = a_first_offset_ != std::string_view::npos ? lines_.line_of(at) : last_line_;
          a_link_->column = a_first_offset_ != std::string_view::npos ? lines_.column_of(at) : 1;
          if (in_cell_) cell_.links.push_back(cell_text(a_link_->target.get()));
          links_.push_back(std::move(*a_link_));
          a_link_.reset();
        }
        break;
      case MD_SPAN_CODE:
        --in_code_span_;
        break;
      default:
        break;
    }
    return 0;
  }

  int text(MD_TEXTTYPE type, const MD_CHAR* ptr, MD_SIZE size) {
    std::string_view piece(ptr, size);
    bool positioned = in_doc(ptr) && type != MD_TEXT_BR && type != MD_TEXT_SOFTBR;
    size_t off = positioned ? offset(ptr) : 0;
    int line = positioned ? lines_.line_of(off) : 0;
    if (positioned) last_line_ = line;

    if (positioned && !li_stack_.empty() && note_.lists[li_stack_.back()].line == 0) locate_list_item(off);
    if (in_heading_ && positioned && heading_line_ == 0) heading_line_ = line;
    if (in_row_ && positioned && row_line_ == 0) row_line_ = line;
    if (code_ && positioned) {
      if (code_first_line_ == 0) code_first_line_ = line;
      code_last_line_ = piece == "\n" ? std::max(code_last_line_, line) : line;
    }
    if (a_link_ && positioned && a_first_offset_ == std::string_view::npos) a_first_offset_ = off;
    if (in_wikilink_ && positioned && wikilink_first_offset_ == std::string_view::npos) wikilink_first_offset_ = off;

    std::string_view rendered = piece;
    if (type == MD_TEXT_BR || type == MD_TEXT_SOFTBR) rendered = " ";
    if (type == MD_TEXT_NULLCHAR) rendered = "\xEF\xBF\xBD";
    if (code_) {
      code_->text.append(piece);
      return 0;
    }
    if (in_heading_) heading_text_.append(rendered);
    if (in_cell_) {
      // The cell's text is the note's bytes while it is one run as written.
      const bool first = cell_.text.empty() && positioned && rendered.data() == piece.data();
      cell_.run = first ? text_.substr(off, size) : std::string_view();
      cell_.text.append(rendered);
    }
    if (in_wikilink_) wikilink_text_.append(rendered);
    if (a_link_) a_text_.append(rendered);

    if (type == MD_TEXT_NORMAL && positioned) {
      if (prose_lines_.empty() || prose_lines_.back() != line) prose_lines_.push_back(line);
      // A run may span lines (soft breaks come as separate callbacks, but be safe).
      if (!in_code_span_ && !in_wikilink_ && !in_a_) {
        scan_tags(piece, off);
        scan_embeds(piece, off);
      }
    }
    return 0;
  }

 private:
  bool in_doc(const char* p) const { return p >= text_.data() && p < text_.data() + text_.size(); }
  size_t offset(const char* p) const { return static_cast<size_t>(p - text_.data()); }

  static bool is_internal_href(const std::string& href) {
    if (href.empty() || href[0] == '#') return false;
    size_t colon = href.find(':');
    size_t slash = href.find('/');
    if (colon != std::string::npos && (slash == std::string::npos || colon < slash)) return false;  // a scheme
    return true;
  }

  static std::string percent_decode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
          std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else {
        out.push_back(s[i]);
      }
    }
    return out;
  }

  void split_target(std::string_view target, LinkDraft& link) const {
    size_t hash = target.find('#');
    std::string_view page = target.substr(0, hash);
    link.target.set(trim(page), text_);
    if (hash != std::string_view::npos) {
      std::string_view sub = trim(target.substr(hash + 1));
      if (!sub.empty() && sub[0] == '^') link.block.set(sub.substr(1), text_);
      else link.heading.set(sub, text_);
    }
  }

  // First position inside the innermost list item: fixes its line and reads
  // the raw line for its text and task box.
  void locate_list_item(size_t off) {
    ListItem& item = note_.lists[li_stack_.back()];
    item.line = lines_.line_of(off);
    std::string_view raw = lines_.line_text(item.line);
    bool has_box = false;
    std::string_view status;
    std::string_view content = list_item_content(raw, has_box, status);
    if (content.empty() && !has_box) {
      // The text did not start on a marker line (e.g. a lazy continuation).
      size_t line_start = lines_.line_start(item.line);
      content = trim_right(raw.substr(std::min(raw.size(), off - line_start)));
    }
    item.text = content;  // a view into the note's bytes (parse_note parses Note::source)
    std::string_view t = content;
    if (!t.empty() && t[0] == '(') t.remove_prefix(1);
    if (starts_with_iso_date(t)) item.date = t.substr(0, 10);  // the same bytes as its text
    if (has_box) {
      item.task = true;
      Task task;
      task.line = item.line;
      task.status = status;
      task.completed = status == "x" || status == "X";
      task.text = item.text;
      task.section = item.section;
      task.list_item = li_stack_.back();
      note_.tasks.push_back(std::move(task));
    }
  }

  // md4c does not recognise "![[...]]" (it sees the '!' and gives up on the
  // wikilink), so embeds are read from the plain text it hands back. The
  // openers were found with the note's lines (TextFacts::embed_openers).
  void scan_embeds(std::string_view run, size_t off) {
    const auto& at = facts_.embed_openers;
    size_t pos = 0;
    for (size_t k = first_at_or_after(at, embed_cursor_, off); k < at.size() && at[k] + 3 <= off + run.size(); ++k) {
      if (at[k] - off < pos) continue;
      pos = at[k] - off;
      size_t end = run.find("]]", pos + 3);
      if (end == std::string_view::npos) return;
      std::string_view inner = run.substr(pos + 3, end - pos - 3);
      if (inner.find("[[") != std::string_view::npos || inner.empty()) {
        pos += 3;
        continue;
      }
      LinkDraft link;
      link.embed = true;
      size_t bar = inner.find('|');
      if (bar != std::string_view::npos) {
        link.has_display = true;
        link.display.set(trim(inner.substr(bar + 1)), text_);
      }
      split_target(inner.substr(0, bar), link);
      link.line = lines_.line_of(off + pos);
      link.column = lines_.column_of(off + pos);
      if (in_cell_) cell_.links.push_back(cell_text(link.target.get()));
      links_.push_back(std::move(link));
      pos = end + 2;
    }
  }

  // A link target in a cell: the note's bytes stay a view, a copy (decoded,
  // unescaped) is kept in cell_texts_, since the link's own copy moves.
  std::string_view cell_text(std::string_view v) {
    if (v.empty()) return {};
    if (lies_within(v, text_)) return v;
    return cell_texts_.emplace_back(v);
  }

  // The first k with at[k] >= off. md4c hands runs over in document order,
  // so a cursor per list follows them; a run behind the cursor searches.
  static size_t first_at_or_after(const std::vector<uint32_t>& at, size_t& cursor, size_t off) {
    if (cursor > 0 && at[cursor - 1] >= off)
      cursor = static_cast<size_t>(std::lower_bound(at.begin(), at.end(), static_cast<uint32_t>(off)) - at.begin());
    while (cursor < at.size() && at[cursor] < off) ++cursor;
    return cursor;
  }

  // Every '#' of the note was listed with its lines (TextFacts::hashes): a
  // run looks only at those inside it.
  void scan_tags(std::string_view run, size_t off) {
    const auto& at = facts_.hashes;
    size_t from = 0;  // a tag's characters are not looked at again
    for (size_t k = first_at_or_after(at, hash_cursor_, off); k < at.size() && at[k] < off + run.size(); ++k) {
      size_t i = at[k] - off;
      if (i < from) continue;
      size_t abs = at[k];
      char before = abs == 0 ? ' ' : text_[abs - 1];
      if (!(is_space(before) || abs == body_offset_)) continue;
      size_t j = i + 1;
      bool non_digit = false;
      while (j < run.size() && is_tag_char(static_cast<unsigned char>(run[j]))) {
        if (!is_digit(run[j])) non_digit = true;
        ++j;
      }
      if (j == i + 1 || !non_digit) continue;
      std::string tag(run.substr(i + 1, j - i - 1));
      while (!tag.empty() && tag.back() == '/') tag.pop_back();
      if (tag.empty()) continue;
      note_.inline_tags.push_back({std::move(tag), lines_.line_of(abs), lines_.column_of(abs)});
      from = j;
    }
  }

  std::string_view text_;
  size_t body_offset_;
  const LineTable& lines_;
  const TextFacts& facts_;
  size_t hash_cursor_ = 0, embed_cursor_ = 0;  // into facts_.hashes, facts_.embed_openers
  Note& note_;
  std::vector<LinkDraft>& links_;
  std::vector<int>& prose_lines_;

  int section_ = -1;
  int last_line_ = 1;

  bool in_heading_ = false;
  int heading_level_ = 0, heading_line_ = 0;
  std::string heading_text_;

  std::vector<int> li_stack_;

  Table* table_ = nullptr;
  bool in_thead_ = false, in_row_ = false, in_cell_ = false;
  int row_line_ = 0;
  // A cell while md4c reads it: its text is built from runs. Link targets
  // are views of the note or of cell_texts_.
  struct CellDraft {
    std::string text;
    std::string_view run;  // `text` as the note's bytes, when it is one run left as written
    std::vector<std::string_view> links;
  };
  std::deque<std::string>& cell_texts_;
  std::vector<CellDraft> row_;
  CellDraft cell_;

  CodeBlock* code_ = nullptr;
  bool fenced_ = false;
  int code_first_line_ = 0, code_last_line_ = 0;

  bool in_wikilink_ = false;
  bool wikilink_placed_ = false;
  size_t cell_text_at_link_ = 0;
  size_t heading_text_at_link_ = 0;
  std::string_view embed_source_;  // "![[...]]" of the embed being read
  std::string_view display_as_written_;  // of the wikilink being read: "Ana" of "[[People/Ana| Ana ]]"
  size_t wikilink_first_offset_ = std::string_view::npos;
  LinkDraft wikilink_;
  std::string wikilink_text_;
  int in_a_ = 0, in_code_span_ = 0;
  std::optional<LinkDraft> a_link_;
  std::string a_text_;
  size_t a_first_offset_ = std::string_view::npos;
};

}  // namespace

namespace {

// md4c 0.4.8 reads the '!' of an Obsidian embed "![[x]]" as an image opener
// that never closes, and its bracket matching then goes quadratic in the
// number of embeds in one paragraph: 20,000 "![[...]]" on consecutive lines
// took 374 ms in md4c alone, 10,000 took 94 ms. So md4c gets a copy of the
// body where that '!' reads '?', a byte with no meaning in CommonMark or GFM,
// and every pointer it hands back is moved to the same offset in the real
// text: the Builder sees the note's own bytes and finds the '!' itself
// (Link::embed). An escaped "\![[" is left alone.
struct MaskedBody {
  std::string_view real;
  std::string copy;  // empty: md4c reads `real` itself
  const char* md_text() const { return copy.empty() ? real.data() : copy.data(); }
  const char* rebase(const char* p) const {
    if (copy.empty() || !p || p < copy.data() || p >= copy.data() + copy.size()) return p;
    return real.data() + (p - copy.data());
  }
  void rebase(MD_ATTRIBUTE& a) const { a.text = rebase(a.text); }
};

// `openers`: offsets of every "![[" in the note; the body starts at `body_offset`.
MaskedBody mask_embeds(std::string_view text, size_t body_offset, const std::vector<uint32_t>& openers) {
  std::string_view body = text.substr(body_offset);
  MaskedBody m{body, {}};
  auto first = std::lower_bound(openers.begin(), openers.end(), static_cast<uint32_t>(body_offset));
  if (first == openers.end()) return m;
  m.copy.assign(body);
  for (auto it = first; it != openers.end(); ++it) {
    size_t pos = *it - body_offset;
    if (pos == 0 || body[pos - 1] != '\\') m.copy[pos] = '?';
  }
  return m;
}

struct Parse {
  Builder* builder;
  const MaskedBody* body;
};

}  // namespace

void parse_markdown(std::string_view text, size_t body_offset, const LineTable& lines, const TextFacts& facts,
                    Note& note, std::vector<LinkDraft>& links, std::vector<int>& prose_lines,
                    std::deque<std::string>& cell_texts) {
  Builder builder(text, body_offset, lines, facts, note, links, prose_lines, cell_texts);
  MaskedBody body = mask_embeds(text, body_offset, facts.embed_openers);
  Parse parse{&builder, &body};
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = MD_FLAG_TABLES | MD_FLAG_TASKLISTS | MD_FLAG_WIKILINKS | MD_FLAG_STRIKETHROUGH;
  // Details that carry pointers into the text are copied and rebased.
  parser.enter_block = [](MD_BLOCKTYPE t, void* d, void* u) {
    auto* p = static_cast<Parse*>(u);
    if (t == MD_BLOCK_CODE && d) {
      MD_BLOCK_CODE_DETAIL code = *static_cast<MD_BLOCK_CODE_DETAIL*>(d);
      p->body->rebase(code.info);
      p->body->rebase(code.lang);
      return p->builder->enter_block(t, &code);
    }
    return p->builder->enter_block(t, d);
  };
  parser.leave_block = [](MD_BLOCKTYPE t, void* d, void* u) { return static_cast<Parse*>(u)->builder->leave_block(t, d); };
  parser.enter_span = [](MD_SPANTYPE t, void* d, void* u) {
    auto* p = static_cast<Parse*>(u);
    if (t == MD_SPAN_WIKILINK && d) {
      MD_SPAN_WIKILINK_DETAIL w = *static_cast<MD_SPAN_WIKILINK_DETAIL*>(d);
      p->body->rebase(w.target);
      return p->builder->enter_span(t, &w);
    }
    if (t == MD_SPAN_A && d) {
      MD_SPAN_A_DETAIL a = *static_cast<MD_SPAN_A_DETAIL*>(d);
      p->body->rebase(a.href);
      p->body->rebase(a.title);
      return p->builder->enter_span(t, &a);
    }
    if (t == MD_SPAN_IMG && d) {
      MD_SPAN_IMG_DETAIL img = *static_cast<MD_SPAN_IMG_DETAIL*>(d);
      p->body->rebase(img.src);
      p->body->rebase(img.title);
      return p->builder->enter_span(t, &img);
    }
    return p->builder->enter_span(t, d);
  };
  parser.leave_span = [](MD_SPANTYPE t, void* d, void* u) { return static_cast<Parse*>(u)->builder->leave_span(t, d); };
  parser.text = [](MD_TEXTTYPE t, const MD_CHAR* s, MD_SIZE n, void* u) {
    auto* p = static_cast<Parse*>(u);
    return p->builder->text(t, p->body->rebase(s), n);
  };
  md_parse(body.md_text(), static_cast<MD_SIZE>(body.real.size()), &parser, &parse);
}

}  // namespace vaultcrm::parse::detail
