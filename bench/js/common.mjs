// bench/js/common.mjs - what the JS baselines and the wasm driver share:
// reading a corpus, timing (1 warm-up + N runs, median), and the pieces of
// note semantics both baselines need in the same form (wikilink splitting,
// task signifiers, frontmatter links), so they produce the same outputs as
// the core: frontmatter values, links, tags, tasks, headings.
import fs from "node:fs";
import path from "node:path";

export function loadCorpus(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".md")) out.push({ path: path.relative(dir, p).split(path.sep).join("/"), text: fs.readFileSync(p, "utf8") });
    }
  };
  walk(dir);
  // Byte order, as the native side sorts std::string paths.
  out.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  return out;
}

export const bytesOf = (files) => files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);

export function median(v) {
  const s = [...v].sort((a, b) => a - b), n = s.length;
  return n === 0 ? 0 : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
export function percentile(v, p) {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.round(p * (s.length - 1)))] : 0;
}

// One warm-up, then `runs` timed passes; setup() is untimed. Returns ms[].
export function timeRuns(runs, setup, body) {
  const out = [];
  for (let r = 0; r <= runs; r++) {
    const ctx = setup ? setup() : undefined;
    const t0 = performance.now();
    body(ctx);
    const ms = performance.now() - t0;
    if (r > 0) out.push(ms);
  }
  return out;
}

export function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}
export function row(impl, stage, corpus, notes, bytes, runs) {
  const med = median(runs);
  return { impl, stage, corpus, notes, bytes, median_ms: med, runs_ms: runs,
    mb_s: bytes / 1e6 / (med / 1e3), us_per_note: (med * 1e3) / Math.max(notes, 1) };
}

// [[target#heading|display]] / [[target#^block]] -> parts, as the core splits them.
// `\|` (a pipe escaped inside a table cell) separates the display too.
export function splitWikilink(inner, embed, line) {
  let target = inner, display = null, heading = null, block = null;
  const bar = inner.search(/\\?\|/);
  if (bar >= 0) {
    display = inner.slice(bar + (inner[bar] === "\\" ? 2 : 1));
    target = inner.slice(0, bar);
  }
  const hash = target.indexOf("#");
  if (hash >= 0) {
    const ref = target.slice(hash + 1);
    target = target.slice(0, hash);
    if (ref.startsWith("^")) block = ref.slice(1); else heading = ref;
  }
  return { target: target.trim(), display, heading, block, embed, line };
}

// Links written as "[[...]]" strings anywhere in the frontmatter.
export function frontmatterLinks(value, out) {
  if (typeof value === "string") {
    const re = /\[\[([^\[\]]+?)\]\]/g;
    let m;
    while ((m = re.exec(value))) out.push(splitWikilink(m[1], false, 0));
  } else if (Array.isArray(value)) {
    for (const v of value) frontmatterLinks(v, out);
  } else if (value && typeof value === "object" && !(value instanceof Date)) {
    for (const k of Object.keys(value)) frontmatterLinks(value[k], out);
  }
}

const PRIORITY = { "🔺": "highest", "⏫": "high", "🔼": "medium", "🔽": "low", "⏬": "lowest" };
const EMOJI_DATE = /(📅|⏳|🛫|✅|➕)\uFE0F?\s*(\d{4}-\d{2}-\d{2})/gu;
const EMOJI_FIELD = { "📅": "due", "⏳": "scheduled", "🛫": "start", "✅": "done", "➕": "created" };
const DV_FIELD = /[\[(]([\w -]+)::\s*([^\])]*)[\])]/g;
const TAG_IN_TEXT = /(?:^|\s)#([^\s#!"$%&'()*+,.:;<=>?@[\]^`{|}~]*[^\s#!"$%&'()*+,.:;<=>?@[\]^`{|}~\d][^\s#!"$%&'()*+,.:;<=>?@[\]^`{|}~]*)/gu;

// A task's Obsidian Tasks emoji fields and Dataview [key:: value] fields.
export function taskFields(status, text, line) {
  const t = { status, completed: status === "x" || status === "X", text: text.trimEnd(), line,
    due: null, scheduled: null, start: null, done: null, created: null, priority: null, tags: [] };
  let m;
  EMOJI_DATE.lastIndex = 0;
  while ((m = EMOJI_DATE.exec(text))) { const k = EMOJI_FIELD[m[1]]; if (!t[k]) t[k] = m[2]; }
  for (const e in PRIORITY) if (text.includes(e)) { t.priority = PRIORITY[e]; break; }
  DV_FIELD.lastIndex = 0;
  while ((m = DV_FIELD.exec(text))) {
    const k = m[1].trim().toLowerCase(), v = m[2].trim();
    if (k === "due" || k === "scheduled" || k === "start" || k === "created") t[k] ??= v.slice(0, 10);
    else if (k === "completion" || k === "done") t.done ??= v.slice(0, 10);
    else if (k === "priority") t.priority ??= v.toLowerCase();
  }
  t.tags = tagsIn(text);
  return t;
}

// #tags in a piece of prose (not all digits, Obsidian's rule).
export function tagsIn(text) {
  const out = [];
  if (text.indexOf("#") < 0) return out;
  TAG_IN_TEXT.lastIndex = 0;
  let m;
  while ((m = TAG_IN_TEXT.exec(text))) out.push(m[1]);
  return out;
}

// Frontmatter tags/aliases normalised as the core does (list or "a, b" string).
export function normList(v, words) {
  if (v == null) return [];
  if (Array.isArray(v)) return v.filter((x) => x != null).map((x) => String(x).trim().replace(/^#/, "")).filter(Boolean);
  const s = String(v);
  return (words ? s.split(/[, ]/) : [s]).map((x) => x.trim().replace(/^#/, "")).filter(Boolean);
}
