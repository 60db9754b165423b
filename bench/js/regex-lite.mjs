// bench/js/regex-lite.mjs - baseline (b): what many plugins do. js-yaml for
// the frontmatter, then one pass over the body lines with regular
// expressions for headings, tasks, wikilinks and #tags. It tracks fenced
// code blocks and strips inline code spans, so links and tags inside code are
// not extracted (the CommonMark-correct part the issue asks of it); it does
// not know indented code blocks, HTML blocks or link reference definitions.
import { load as yamlLoad } from "js-yaml";
import { splitWikilink, frontmatterLinks, taskFields, tagsIn, normList } from "./common.mjs";

const FM = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const TASK = /^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[(.)\][ \t]+(.*)$/;
const WIKILINK = /(!?)\[\[([^\[\]]+?)\]\]/g;
const MDLINK = /\[([^\]]*)\]\(([^)\s]+\.md)\)/g;
const CODESPAN = /(`+)[^`]*?\1/g;

export function indexNote(path, text) {
  let frontmatter = null, body = text, lineOffset = 0;
  const links = [], headings = [], tasks = [], tags = [];
  let fmTags = [];
  const m = FM.exec(text);
  if (m) {
    try { frontmatter = yamlLoad(m[1]) ?? null; } catch { frontmatter = null; }
    body = text.slice(m[0].length);
    lineOffset = m[0].split("\n").length - 1;
    if (frontmatter && typeof frontmatter === "object") {
      frontmatterLinks(frontmatter, links);
      fmTags = normList(frontmatter.tags ?? frontmatter.tag, true);
    }
  }
  const lines = body.split("\n");
  let fence = null;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const lineNo = i + 1 + lineOffset;
    const f = FENCE.exec(line);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = null;
      continue;
    }
    if (f) { fence = f[1]; continue; }
    if (line.indexOf("`") >= 0) line = line.replace(CODESPAN, "");
    const h = line.charCodeAt(0) === 35 || line.startsWith(" ") ? HEADING.exec(line) : null;
    if (h) headings.push({ level: h[1].length, text: h[2] ?? "", line: lineNo });
    const t = TASK.exec(line);
    if (t) tasks.push(taskFields(t[1], t[2], lineNo));
    if (line.indexOf("[[") >= 0) {
      WIKILINK.lastIndex = 0;
      let w;
      while ((w = WIKILINK.exec(line))) links.push(splitWikilink(w[2], w[1] === "!", lineNo));
    }
    if (line.indexOf("](") >= 0) {
      MDLINK.lastIndex = 0;
      let w;
      while ((w = MDLINK.exec(line))) links.push({ target: decodeURI(w[2]).replace(/\.md$/, ""), display: w[1], embed: false, line: lineNo });
    }
    for (const tag of tagsIn(line)) tags.push(tag);
  }
  return { path, frontmatter, aliases: normList(frontmatter?.aliases, false), links, fmTags, tags, tasks, headings };
}
