// bench/js/markdown-it.mjs - baseline (a): gray-matter for the frontmatter,
// markdown-it for the body, and a walk over its tokens: headings from
// heading_open, tasks from list items whose paragraph starts with "[ ] ",
// wikilinks and #tags from text tokens (never from code, which markdown-it
// already keeps apart), [md](links.md) from link_open. A CommonMark parser a
// plugin author could pick; markdown-it has no wikilinks, so they are found
// in its text tokens.
import matter from "gray-matter";
import MarkdownIt from "markdown-it";
import { splitWikilink, frontmatterLinks, taskFields, tagsIn, normList } from "./common.mjs";

const md = new MarkdownIt("default", { html: true, linkify: false });
const WIKILINK = /(!?)\[\[([^\[\]]+?)\]\]/g;
const TASKBOX = /^\[(.)\][ \t]+/;

export function indexNote(path, text) {
  // Options bypass gray-matter's cache (keyed by content), which would
  // otherwise turn every run after the first into a lookup.
  const fm = matter(text, { language: "yaml" });
  const frontmatter = fm.matter ? fm.data : null;
  const lineOffset = fm.matter ? text.slice(0, text.length - fm.content.length).split("\n").length - 1 : 0;
  const links = [], headings = [], tasks = [], tags = [];
  let fmTags = [];
  if (frontmatter) {
    frontmatterLinks(frontmatter, links);
    fmTags = normList(frontmatter.tags ?? frontmatter.tag, true);
  }
  const tokens = md.parse(fm.content, {});
  let lastLine = 1 + lineOffset;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok.map) lastLine = tok.map[0] + 1 + lineOffset;
    if (tok.type === "heading_open") {
      headings.push({ level: Number(tok.tag.slice(1)), text: tokens[i + 1].content, line: tok.map[0] + 1 + lineOffset });
      continue;
    }
    if (tok.type !== "inline") continue;
    const line0 = lastLine;
    // A task: list_item_open, paragraph_open, inline "[ ] text".
    if (i >= 2 && tokens[i - 2].type === "list_item_open") {
      const t = TASKBOX.exec(tok.content);
      if (t) tasks.push(taskFields(t[1], tok.content.slice(t[0].length).split("\n")[0], line0));
    }
    let cursor = 0;
    for (const child of tok.children) {
      if (child.type === "text") {
        const s = child.content;
        if (s.indexOf("[[") >= 0) {
          WIKILINK.lastIndex = 0;
          let w;
          while ((w = WIKILINK.exec(s))) {
            const at = tok.content.indexOf(w[0], cursor);
            if (at >= 0) cursor = at;
            let line = line0;
            for (let k = tok.content.indexOf("\n"); k >= 0 && k < cursor; k = tok.content.indexOf("\n", k + 1)) line++;
            links.push(splitWikilink(w[2], w[1] === "!", line));
          }
        }
        for (const tag of tagsIn(s)) tags.push(tag);
      } else if (child.type === "link_open") {
        const href = child.attrGet("href") || "";
        if (/\.md$/i.test(href) && !/^[a-z]+:/i.test(href))
          links.push({ target: decodeURI(href).replace(/\.md$/i, ""), display: null, embed: false, line: line0 });
      }
    }
  }
  return { path, frontmatter, aliases: normList(frontmatter?.aliases, false), links, fmTags, tags, tasks, headings };
}
