// The note parser, on the user's seed note (figures counted by hand in the
// file) and on small notes for each construct.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "test_util.h"
#include "vaultcrm/index.h"

using namespace vaultcrm;
using vaultcrm::testing::read_file;
using vaultcrm::testing::source_path;

namespace {

const parse::Note& seed() {
  static const parse::Note note =
      parse::parse_note("Customers/Microsoft.md", read_file(source_path("sample-vault/Customers/Microsoft.md")), 0);
  return note;
}

int section_index(const parse::Note& n, const std::string& heading) {
  for (size_t i = 0; i < n.sections.size(); ++i)
    if (n.sections[i].heading == heading) return static_cast<int>(i);
  return -2;
}

std::vector<const parse::ListItem*> items_in(const parse::Note& n, const std::string& heading) {
  int s = section_index(n, heading);
  std::vector<const parse::ListItem*> out;
  for (const auto& li : n.lists)
    if (li.section == s) out.push_back(&li);
  return out;
}

}  // namespace

TEST(SeedNote, FrontmatterIsTyped) {
  const auto& n = seed();
  ASSERT_TRUE(n.has_frontmatter);
  EXPECT_EQ(n.frontmatter_first, 1);
  EXPECT_EQ(n.frontmatter_last, 9);
  EXPECT_EQ(n.frontmatter.find("type")->as_string(), "customer");
  EXPECT_EQ(n.frontmatter.find("last_contact")->as_string(), "2025-12-17");  // quoted date stays a string
  EXPECT_EQ(n.tags, (std::vector<std::string>{"type/customer", "generated"}));
  EXPECT_TRUE(n.errors.empty());
}

TEST(SeedNote, KeyContactsBulletsIncludingRepeats) {
  // 136 "- " lines under "## Key Contacts" (grep-counted), blank lines between groups.
  auto items = items_in(seed(), "Key Contacts");
  EXPECT_EQ(items.size(), 136u);
  EXPECT_EQ(items.front()->text, "Renan");
  EXPECT_EQ(items.front()->line, 22);
  EXPECT_EQ(items.back()->text, "[[Jason Vallery]]");
  size_t jason_vallery = std::count_if(items.begin(), items.end(),
                                       [](const parse::ListItem* li) { return li->text == "[[Jason Vallery]]"; });
  EXPECT_EQ(jason_vallery, 8u);
}

TEST(SeedNote, CollaboratorsTable) {
  const auto& n = seed();
  int s = section_index(n, "Collaborators");
  const parse::Table* table = nullptr;
  for (const auto& t : n.tables)
    if (t.section == s) table = &t;
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->header, (std::vector<std::string>{"Person", "Role", "Company"}));
  EXPECT_EQ(table->rows.size(), 77u);
  // Cells keep their wikilinks; bold markers are not part of the text.
  EXPECT_EQ(table->rows[1][0].text, "Michael Myrah");
  EXPECT_EQ(table->rows[1][0].links, (std::vector<std::string_view>{"Michael Myrah"}));
  EXPECT_EQ(table->rows[1][1].text, "Partner PM (Azure Storage Hardware)");
  EXPECT_EQ(table->rows[2][0].links.size(), 0u);  // "Yumin", no link
  // The Account Status table: bold field names come out as plain text.
  const parse::Table& status = n.tables.front();
  EXPECT_EQ(status.rows[0][0].text, "Status");
  EXPECT_EQ(status.rows[0][1].text, "Active");
  EXPECT_EQ(status.row_lines[1], 18);
}

TEST(SeedNote, RecentContextItemsWithDates) {
  auto items = items_in(seed(), "Recent Context");
  EXPECT_EQ(items.size(), 71u);
  for (const auto* li : items) EXPECT_EQ(li->date.size(), 10u) << "line " << li->line;
  EXPECT_EQ(items.front()->date, "2025-12-15");
  EXPECT_EQ(items.front()->line, 178);
  EXPECT_EQ(items.back()->text, "2025-12-17: Exploring Collaboration Opportunities with Welliptic");
  // The truncated bullet keeps its cut-off text as written.
  bool truncated = std::any_of(items.begin(), items.end(), [](const parse::ListItem* li) {
    return li->text == "2025-12-11: Ray Coetzee discusses a request from Microsoft's lab for an Azure VoC instance "
                       "for performance testi";
  });
  EXPECT_TRUE(truncated);
}

TEST(SeedNote, TasksCodeBlock) {
  const auto& n = seed();
  ASSERT_EQ(n.code_blocks.size(), 1u);
  EXPECT_EQ(n.code_blocks[0].lang, "tasks");
  EXPECT_EQ(n.code_blocks[0].text, "path includes Microsoft\nnot done\n");
  EXPECT_EQ(n.code_blocks[0].line, 171);
  EXPECT_EQ(n.code_blocks[0].end_line, 174);
  EXPECT_TRUE(n.tasks.empty());  // the seed has no task lines of its own
}

TEST(SeedNote, LinksAndUnresolvedLinks) {
  const auto& n = seed();
  // 136 contact bullets of which 120 are links (grep -c '^- \[\[' on lines 22-168).
  auto contact_links = std::count_if(n.links.begin(), n.links.end(), [&](const parse::Link& l) {
    return l.line >= 22 && l.line <= 168;
  });
  EXPECT_EQ(contact_links, 120);
  for (const auto& l : n.links) {
    EXPECT_FALSE(l.has_display);  // the seed writes no [[target|display]] links
    EXPECT_GT(l.line, 9);
  }
  // Alone in a vault, every link is unresolved except self links.
  index::Vault vault;
  vault.upsert("Customers/Microsoft.md", read_file(source_path("sample-vault/Customers/Microsoft.md")), 0);
  auto unresolved = vault.unresolved();
  EXPECT_EQ(unresolved.size(), n.links.size());
  // With a note for one of them, that one resolves by basename across folders.
  vault.upsert("People/Ronnie Booker.md", "# Ronnie\n", 0);
  EXPECT_EQ(vault.resolve("Ronnie Booker", "Customers/Microsoft.md"), "People/Ronnie Booker.md");
  EXPECT_EQ(vault.unresolved().size(), n.links.size() - 4);  // 2 bullets + 2 table rows
}

TEST(SeedNote, SectionsHaveLineRanges) {
  const auto& n = seed();
  ASSERT_GE(n.sections.size(), 13u);
  EXPECT_EQ(n.sections[0].heading, "Microsoft");
  EXPECT_EQ(n.sections[0].level, 1);
  EXPECT_EQ(n.sections[0].line, 11);
  EXPECT_EQ(n.sections[0].end_line, 527);  // the file has 527 lines and no final newline
  int kc = section_index(n, "Key Contacts");
  EXPECT_EQ(n.sections[kc].line, 20);
  EXPECT_EQ(n.sections[kc].end_line, 168);
  EXPECT_EQ(n.sections[kc].parent, 0);
}

TEST(Parse, WikilinkForms) {
  auto n = parse::parse_note("a.md",
                             "See [[Ana Lima|Ana]], [[Acme#Renewal]], [[Acme#^b12]], [[Folder/Deep Note]].\n"
                             "\n![[Diagram.png]] and ![[Acme#Scope|scope]]\n"
                             "`[[not a link]]` and [md](Other%20Note.md) and [web](https://example.com)\n",
                             0);
  ASSERT_EQ(n.links.size(), 7u);
  EXPECT_EQ(n.links[0].target, "Ana Lima");
  EXPECT_TRUE(n.links[0].has_display);
  EXPECT_EQ(n.links[0].display, "Ana");
  EXPECT_EQ(n.links[0].line, 1);
  EXPECT_EQ(n.links[0].column, 5);
  EXPECT_EQ(n.links[1].heading, "Renewal");
  EXPECT_EQ(n.links[2].block, "b12");
  EXPECT_EQ(n.links[3].target, "Folder/Deep Note");
  EXPECT_TRUE(n.links[4].embed);
  EXPECT_EQ(n.links[4].target, "Diagram.png");
  EXPECT_EQ(n.links[4].line, 3);
  EXPECT_EQ(n.links[4].column, 1);
  EXPECT_EQ(n.links[5].heading, "Scope");
  EXPECT_EQ(n.links[5].display, "scope");
  EXPECT_TRUE(n.links[6].markdown);
  EXPECT_EQ(n.links[6].target, "Other Note");
}

// md4c is handed a copy where an embed's '!' is masked (its bracket matching
// is quadratic on "![[" otherwise); everything read back must still be the
// note's own bytes: code keeps its '!', cells and headings their text, and an
// embed is still an embed, at its own column.
TEST(Parse, EmbedsReadThroughTheMaskedCopyKeepTheNotesOwnText) {
  auto n = parse::parse_note("a.md",
                             "# Plan ![[Logo.png]]\n"
                             "\n"
                             "| Who | Card |\n"
                             "|---|---|\n"
                             "| Ana | ![[Ana Lima#^card|card]] |\n"
                             "\n"
                             "- item ![[Spec]] and `![[not a link]]`\n"
                             "\n"
                             "```js\n"
                             "![[inside code]]\n"
                             "```\n"
                             "[doc](Other%20Note.md) then ![[Last]]\n",
                             0);
  std::vector<std::string> embeds;
  for (const auto& l : n.links)
    if (l.embed) embeds.push_back(std::string(l.target) + "@" + std::to_string(l.line) + ":" + std::to_string(l.column));
  EXPECT_EQ(embeds, (std::vector<std::string>{"Logo.png@1:8", "Ana Lima@5:9", "Spec@7:8", "Last@12:29"}));
  ASSERT_EQ(n.sections.size(), 1u);
  EXPECT_EQ(n.sections[0].heading, "Plan ![[Logo.png]]");
  ASSERT_EQ(n.tables.size(), 1u);
  EXPECT_EQ(n.tables[0].rows[0][1].text, "![[Ana Lima#^card|card]]");
  ASSERT_EQ(n.code_blocks.size(), 1u);
  EXPECT_EQ(n.code_blocks[0].text, "![[inside code]]\n");
  ASSERT_EQ(n.lists.size(), 1u);
  EXPECT_EQ(n.lists[0].text, "item ![[Spec]] and `![[not a link]]`");
  for (const auto& l : n.links) EXPECT_NE(l.target, "not a link");
  for (const auto& l : n.links) EXPECT_NE(l.target, "inside code");
}

TEST(Parse, TagsNestedAndNotInCode) {
  auto n = parse::parse_note("a.md",
                             "---\ntags: [crm, \"#Lead\"]\n---\n# Notes #heading-tag\n"
                             "Text #followup/network and #2025 and a#b and #café.\n"
                             "`#not-code`\n\n```\n#not-block\n```\n",
                             0);
  std::vector<std::string> inline_tags;
  for (const auto& t : n.inline_tags) inline_tags.push_back(t.tag);
  EXPECT_EQ(inline_tags, (std::vector<std::string>{"heading-tag", "followup/network", "café"}));
  EXPECT_EQ(n.tags, (std::vector<std::string>{"crm", "Lead", "heading-tag", "followup/network", "café"}));
  EXPECT_EQ(n.inline_tags[1].line, 5);
  EXPECT_EQ(n.inline_tags[1].column, 6);
}

TEST(Parse, InlineFieldsThreeStyles) {
  auto n = parse::parse_note("a.md",
                             "stage:: discovery\n\n- Owner:: [[Ana Lima]]\n"
                             "Met on [met:: 2026-01-09] about (topic:: storage) today.\n"
                             "`code:: no`\n",
                             0);
  ASSERT_EQ(n.inline_fields.size(), 4u);
  EXPECT_EQ(n.inline_fields[0].key, "stage");
  EXPECT_EQ(n.inline_fields[0].value, "discovery");
  EXPECT_EQ(n.inline_fields[0].style, parse::FieldStyle::Line);
  EXPECT_EQ(n.inline_fields[1].key, "Owner");
  EXPECT_EQ(n.inline_fields[1].value, "[[Ana Lima]]");
  EXPECT_EQ(n.inline_fields[2].key, "met");
  EXPECT_EQ(n.inline_fields[2].style, parse::FieldStyle::Bracket);
  EXPECT_EQ(n.inline_fields[2].column, 8);
  EXPECT_EQ(n.inline_fields[3].key, "topic");
  EXPECT_EQ(n.inline_fields[3].style, parse::FieldStyle::Paren);
}

TEST(Parse, TasksEmojiAndDataviewFormats) {
  auto n = parse::parse_note("a.md",
                             "## Next\n"
                             "- [ ] Send deck 📅 2026-01-23 ⏫ #sales\n"
                             "- [x] Sent NDA ✅ 2025-12-12\n"
                             "- [/] Draft proposal ⏳ 2026-01-10 🛫 2026-01-05 ➕ 2026-01-02 🔽\n"
                             "- [ ] Confirm billing [due:: 2026-01-30] [priority:: high]\n"
                             "  - [-] Cancelled sub-task\n"
                             "- not a task [ ] here\n",
                             0);
  ASSERT_EQ(n.tasks.size(), 5u);
  EXPECT_EQ(n.tasks[0].status, " ");
  EXPECT_FALSE(n.tasks[0].completed);
  EXPECT_EQ(n.tasks[0].due, "2026-01-23");
  EXPECT_EQ(n.tasks[0].priority, "high");
  EXPECT_EQ(n.tasks[0].tags, (std::vector<std::string>{"sales"}));
  EXPECT_EQ(n.tasks[0].text, "Send deck 📅 2026-01-23 ⏫ #sales");
  EXPECT_EQ(n.tasks[0].line, 2);
  EXPECT_EQ(n.tasks[0].section, 0);
  EXPECT_TRUE(n.tasks[1].completed);
  EXPECT_EQ(n.tasks[1].done, "2025-12-12");
  EXPECT_EQ(n.tasks[2].status, "/");
  EXPECT_EQ(n.tasks[2].scheduled, "2026-01-10");
  EXPECT_EQ(n.tasks[2].start, "2026-01-05");
  EXPECT_EQ(n.tasks[2].created, "2026-01-02");
  EXPECT_EQ(n.tasks[2].priority, "low");
  EXPECT_EQ(n.tasks[3].due, "2026-01-30");
  EXPECT_EQ(n.tasks[3].priority, "high");
  EXPECT_EQ(n.tasks[4].status, "-");
  EXPECT_EQ(n.lists[n.tasks[4].list_item].parent, n.tasks[3].list_item);
  EXPECT_EQ(n.lists.size(), 6u);
  EXPECT_FALSE(n.lists[5].task);
}

// Which signifier wins when a task has several: a date field is read at its
// emoji's first place only, a priority is the highest one written
// anywhere, and the variation selector after an emoji is skipped. Texts
// without any emoji, or with other ones, have none of them.
TEST(Parse, TaskSignifiersFirstDateAndHighestPriority) {
  auto n = parse::parse_note("a.md",
                             "- [ ] a \xF0\x9F\x93\x85 soon \xF0\x9F\x93\x85 2026-02-02 \xF0\x9F\x94\xBD "
                             "\xF0\x9F\x94\xBA\n"
                             "- [ ] b \xE2\x8F\xB3\xEF\xB8\x8F 2026-03-03 \xE2\x9C\x85 2026-03-04 \xE2\x8F\xAC "
                             "\xE2\x8F\xAB\n"
                             "- [ ] c \xE2\x9E\x95 2026-04-04 \xF0\x9F\x9B\xAB" "2026-04-05 \xF0\x9F\x94\xBC\n"
                             "- [ ] d no emoji 2026-05-05 \xE2\x82\xAC 5 \xF0\x9F\x98\x80\n"
                             "- [ ] 12345678\xF0\x9F\x93\x85 2026-06-06 abcdefg\xE2\x8F\xAC\n",
                             0);
  ASSERT_EQ(n.tasks.size(), 5u);
  // Emoji right after a whole word of ASCII bytes (the scan skips eight at a time).
  EXPECT_EQ(n.tasks[4].due, "2026-06-06");
  EXPECT_EQ(n.tasks[4].priority, "lowest");
  EXPECT_EQ(n.tasks[0].due, "");  // its first due emoji has no date after it
  EXPECT_EQ(n.tasks[0].priority, "highest");
  EXPECT_EQ(n.tasks[1].scheduled, "2026-03-03");
  EXPECT_EQ(n.tasks[1].done, "2026-03-04");
  EXPECT_EQ(n.tasks[1].priority, "high");
  EXPECT_EQ(n.tasks[2].created, "2026-04-04");
  EXPECT_EQ(n.tasks[2].start, "2026-04-05");
  EXPECT_EQ(n.tasks[2].priority, "medium");
  EXPECT_EQ(n.tasks[3].due, "");
  EXPECT_EQ(n.tasks[3].priority, "");
}

TEST(Parse, CodeBlocksKeepLanguageAndHideTheirContent) {
  auto n = parse::parse_note("a.md",
                             "# Q\n\n```dataview\nTABLE x FROM #tag\n```\n\n~~~vaultcrm\nLIST [[Acme]]\n~~~\n"
                             "\n    indented [[code]]\n",
                             0);
  ASSERT_EQ(n.code_blocks.size(), 3u);
  EXPECT_EQ(n.code_blocks[0].lang, "dataview");
  EXPECT_EQ(n.code_blocks[0].line, 3);
  EXPECT_EQ(n.code_blocks[0].end_line, 5);
  EXPECT_EQ(n.code_blocks[1].lang, "vaultcrm");
  EXPECT_EQ(n.code_blocks[1].text, "LIST [[Acme]]\n");
  EXPECT_EQ(n.code_blocks[2].lang, "");
  EXPECT_TRUE(n.links.empty());
  EXPECT_TRUE(n.inline_tags.empty());
}

TEST(Parse, CrlfLinesMatchLfLines) {
  std::string lf = "---\ntype: person\n---\n# P\n\n- [ ] call [[Ana]] 📅 2026-01-02\n";
  std::string crlf;
  for (char c : lf) {
    if (c == '\n') crlf += "\r\n";
    else crlf += c;
  }
  auto a = parse::parse_note("a.md", lf, 0);
  auto b = parse::parse_note("a.md", crlf, 0);
  EXPECT_TRUE(b.crlf);
  EXPECT_EQ(b.frontmatter, a.frontmatter);
  ASSERT_EQ(b.tasks.size(), 1u);
  EXPECT_EQ(b.tasks[0].line, 6);
  EXPECT_EQ(b.tasks[0].text, a.tasks[0].text);
  EXPECT_EQ(b.links[0].column, a.links[0].column);
}

TEST(Parse, FrontmatterLinksAreLinks) {
  auto n = parse::parse_note("m.md", "---\naccount: \"[[Acme]]\"\nattendees:\n  - \"[[Ana Lima|Ana]]\"\n---\nbody\n", 0);
  ASSERT_EQ(n.links.size(), 2u);
  EXPECT_EQ(n.links[0].target, "Acme");
  EXPECT_EQ(n.links[0].frontmatter_key, "account");
  EXPECT_EQ(n.links[0].line, 2);
  EXPECT_EQ(n.links[1].display, "Ana");
  EXPECT_EQ(n.links[1].line, 4);
}

// A note's link texts, list item dates and task texts, statuses and dates
// live in the note's own block (Note::source): they outlast the bytes it was parsed from, a copy of
// the note sees the same texts, and a vault hands back the text exactly, not
// the link texts stored after it. Each form is here: as written (viewed), and
// built by the parser (a display rendered from emphasis, a table alias "\|",
// a percent-decoded markdown link, YAML strings, a priority lowered), which
// is copied.
namespace {
// A copy of the note parsed from `text`, after the buffer it was parsed from
// was overwritten and freed, as a caller does with its buffer next.
parse::Note parsed_from_freed_bytes(std::string_view path, const std::string& text) {
  auto bytes = std::make_unique<std::string>(text);
  std::optional<parse::Note> copy;
  {
    parse::Note parsed = parse::parse_note(path, *bytes, 0);
    copy = parsed;
  }
  std::fill(bytes->begin(), bytes->end(), 'x');
  bytes.reset();
  return std::move(*copy);
}

// Whether `v` lies in the note's block (Note::source); empty views do.
bool in_block(const parse::Note& n, std::string_view v) {
  const std::string& block = *n.source;
  const std::less_equal<const char*> le;
  return v.empty() || (le(block.data(), v.data()) && le(v.data() + v.size(), block.data() + block.size()));
}
}  // namespace

TEST(Parse, LinkTextsOutliveTheBytesTheNoteWasParsedFrom) {
  const std::string text =
      "---\nowner: \"[[People/Ana Lima|Ana]]\"\n---\n"
      "- 2026-03-02 met [[Acme#Renewal|the renewal]] and [[Acme#^b12]] with [[Bo|*Bo* Li]]\n"
      "- [ ] call [[Cy]] ![[Deck.pdf|deck]]\n"
      "- [/] plan [due:: 2026-04-01] [priority:: URGENT] 🛫 2026-03-30\n"
      "- [x] sent [priority:: High] ✅ 2026-03-03\n\n"
      "| Who |\n|---|\n| [[Dee Dow\\|Dee]] |\n\n[md](Other%20Note.md)\n";
  const parse::Note n = parsed_from_freed_bytes("Meetings/m.md", text);

  std::vector<std::string> got;
  for (const auto& l : n.links)
    got.push_back(std::string(l.frontmatter_key) + "|" + std::string(l.target) + "|" + std::string(l.display) + "|" +
                  std::string(l.heading) + "|" + std::string(l.block));
  EXPECT_EQ(got, (std::vector<std::string>{"owner|People/Ana Lima|Ana||", "|Acme|the renewal|Renewal|",
                                           "|Acme|||b12", "|Bo|Bo Li||", "|Cy|||", "|Deck.pdf|deck||",
                                           "|Dee Dow|Dee||", "|Other Note|md||"}));
  ASSERT_EQ(n.lists.size(), 4u);
  EXPECT_EQ(n.lists[0].date, "2026-03-02");
  EXPECT_EQ(n.lists[0].text.substr(0, 16), "2026-03-02 met [");
  ASSERT_EQ(n.tasks.size(), 3u);
  EXPECT_EQ(n.tasks[0].text, "call [[Cy]] ![[Deck.pdf|deck]]");
  EXPECT_EQ(n.tasks[0].status, " ");
  EXPECT_EQ(n.tasks[1].status, "/");
  EXPECT_EQ(n.tasks[1].due, "2026-04-01");
  EXPECT_EQ(n.tasks[1].start, "2026-03-30");
  EXPECT_EQ(n.tasks[1].priority, "urgent");  // lowered: bytes the note does not hold
  EXPECT_EQ(n.tasks[2].status, "x");
  EXPECT_EQ(n.tasks[2].done, "2026-03-03");
  EXPECT_EQ(n.tasks[2].priority, "high");

  // Every view lies in the note's block.
  auto inside = [&](std::string_view v) { return in_block(n, v); };
  for (const auto& l : n.links)
    for (std::string_view v : {l.target, l.display, l.heading, l.block, l.frontmatter_key}) EXPECT_TRUE(inside(v)) << v;
  for (const auto& li : n.lists) EXPECT_TRUE(inside(li.text) && inside(li.date));
  for (const auto& t : n.tasks)
    for (std::string_view v : {t.status, t.text, t.due, t.scheduled, t.start, t.done, t.created})
      EXPECT_TRUE(inside(v)) << v;
  EXPECT_TRUE(inside(n.tasks[1].priority));
  // Inline fields are the bytes of their line too.
  std::vector<std::string> fields;
  for (const auto& f : n.inline_fields) {
    fields.push_back(std::string(f.key) + "=" + std::string(f.value));
    EXPECT_TRUE(inside(f.key) && inside(f.value)) << f.key;
  }
  EXPECT_EQ(fields, (std::vector<std::string>{"due=2026-04-01", "priority=URGENT", "priority=High"}));

  index::Vault vault;
  vault.upsert("Meetings/m.md", text, 0);
  ASSERT_TRUE(vault.text("Meetings/m.md"));
  EXPECT_EQ(*vault.text("Meetings/m.md"), text);
}

// Table cells view the note's block too: the same bytes on the row's line
// when the cell renders as written, else a copy after the note's text
// (emphasis dropped, an escaped alias bar, a percent-decoded target).
TEST(Parse, TableCellsOutliveTheBytesTheNoteWasParsedFrom) {
  const std::string text =
      "## Collaborators\n\n"
      "| Person | Role | Company |\n|---|---|---|\n"
      "| [[People/Dee Dow\\|Dee]] | **Finance** lead | [Acme](Acme%20Group.md) |\n"
      "| Bo Berg | ![[Card.png]] |  |\n";
  const parse::Note n = parsed_from_freed_bytes("Customers/Acme.md", text);
  ASSERT_EQ(n.tables.size(), 1u);
  const auto& rows = n.tables[0].rows;
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].size(), 3u);
  EXPECT_EQ(rows[0][0].text, "Dee");
  EXPECT_EQ(rows[0][0].links, (std::vector<std::string_view>{"People/Dee Dow"}));
  EXPECT_EQ(rows[0][1].text, "Finance lead");
  EXPECT_EQ(rows[0][2].text, "Acme");
  EXPECT_EQ(rows[0][2].links, (std::vector<std::string_view>{"Acme Group"}));
  EXPECT_EQ(rows[1][0].text, "Bo Berg");
  EXPECT_TRUE(rows[1][0].links.empty());
  EXPECT_EQ(rows[1][1].text, "![[Card.png]]");
  EXPECT_EQ(rows[1][2].text, "");
  const std::string& block = *n.source;
  auto inside = [&](std::string_view v) { return in_block(n, v); };
  for (const auto& row : rows)
    for (const auto& cell : row) {
      EXPECT_TRUE(inside(cell.text)) << cell.text;
      for (std::string_view l : cell.links) EXPECT_TRUE(inside(l)) << l;
    }
  // "Bo Berg" is the line's own bytes; "Finance lead" is not written so.
  EXPECT_LT(rows[1][0].text.data(), block.data() + text.size());
  EXPECT_GE(rows[0][1].text.data(), block.data() + text.size());
}

// Links written plainly cost no bytes beyond the note's text: their texts
// are views of it, not copies.
TEST(Parse, PlainLinksViewTheNotesText) {
  const std::string text = "# Acme\n- met [[People/Ana Lima|Ana]] about [[Acme#Renewal]]\n- ![[Deck.pdf]]\n";
  auto n = parse::parse_note("a.md", text, 0);
  ASSERT_EQ(n.links.size(), 3u);
  EXPECT_EQ(n.source->size(), text.size());
  EXPECT_EQ(n.links[0].target.data(), n.source->data() + text.find("People/"));
}
