#!/usr/bin/env node
// bench/gen-vault.mjs - a deterministic vault of CRM notes for the benchmarks.
//
//   node bench/gen-vault.mjs --notes 10000 --out build/bench/vault-10k
//   node bench/gen-vault.mjs --patho --out build/bench/patho
//
// N notes are made from N/10 accounts; each account has one customer note,
// four people, four meetings and one project, written in the style of
// ../shared/seed/Microsoft.md and sample-vault/: ~200 B of frontmatter with
// tags, aliases, quoted dates and quoted "[[links]]"; bodies with headings,
// wikilinks (plain, aliased, heading refs, embeds), #tags, tasks in both the
// Tasks emoji format and Dataview's [due:: ...] format, tables, fenced code
// (which hides links and tags), and Recent Context bullets with exact,
// truncated and paraphrased repeats. Note sizes are log-normal, median about
// 2.3 KB. The same arguments always give the same bytes (a seeded PRNG, no
// clock, no locale).
//
// Besides the notes it writes OUT.edits.json (next to OUT, not inside): [{path, account}] for the
// upsert + panel latency benchmark (the note to edit and the account note
// whose panel it feeds), in a fixed shuffled order.
//
// --patho writes the pathological set instead: 1 MB notes made of a link
// flood, of ordinary CRM prose (in English and in Russian), of a deep list
// nest, of a wide table, and of a frontmatter with 20k keys.

import fs from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const OUT = opt("out", "build/bench/vault");
const NOTES = Number(opt("notes", "1000"));
const SEED = Number(opt("seed", "42"));
const PATHO = args.includes("--patho");

// mulberry32: small, fast, and the same on every machine.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const R = rng(SEED);
const int = (lo, hi) => lo + Math.floor(R() * (hi - lo + 1));
const pick = (a) => a[Math.floor(R() * a.length)];
const chance = (p) => R() < p;
// Log-normal via Box-Muller: exp(mu + sigma * N(0,1)).
function lognormal(median, sigma) {
  const u = Math.max(R(), 1e-12), v = R();
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

const FIRST = ["Ana", "Björn", "Jason", "Qi", "Ronnie", "Jonsi", "Małgorzata", "Oluwaseun", "Inês", "Tomasz",
  "Sigrún", "Åsa", "Paweł", "Rosa", "João", "Maneesh", "Kurt", "Lior", "Tiffany", "Jeff", "Renen", "Karl",
  "Priya", "Chen", "Fatima", "Diego", "Hana", "Mateo", "Aisha", "Kenji", "Elena", "Omar", "Sofia", "Yusuf"];
const LAST = ["Ferreira", "Ekström", "Vallery", "Ke", "Booker", "Stefansson", "Wiśniewska", "Adebayo", "Carvalho",
  "Zieliński", "Þórsdóttir", "Berg", "Dąbrowski", "Quintero", "Gonçalves", "Sah", "Niebuhr", "Genzel",
  "Stonehill", "Denworth", "Hallak", "Rautenstrauch", "Raman", "Wei", "Haddad", "Morales", "Sato", "Rossi"];
const CO_A = ["Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum", "Proseware", "Woodgrove",
  "Wingtip", "Lucerne", "Margie", "Coho", "Alpine", "Blue Yonder", "Kolej", "Ribeirinha", "Åkerlund"];
const CO_B = ["Systems", "Health", "Logistics", "Energy", "Retail", "Bank", "Rail", "Media", "Labs", "Foods",
  "& Dotter", "Saúde", "Analytics", "Insurance", "Pharma", "Mining"];
const INDUSTRY = ["Technology", "Healthcare", "Transport", "Retail", "Finance", "Energy", "Media", "Public sector"];
const ROLE = ["CIO", "CTO", "VP Infrastructure", "Storage architect", "Procurement lead", "Data platform owner",
  "Security officer", "Program manager", "Director of IT", "Principal engineer"];
const TOPIC = ["Blob API MVP", "tiering and offload", "GPU capacity", "egress minimisation", "POC scoping",
  "security review", "marketplace listing", "pricing model", "rack layouts", "RDMA timelines", "data lake",
  "retention policy", "site survey", "checkpoint throughput", "licensing approach", "supply chain"];
const WORDS = ("aligned discussed agreed reviewed planned storage capacity cluster migration timeline budget " +
  "customer engineering follow-up workshop pilot deployment performance latency throughput archive backup " +
  "namespace replication compliance procurement roadmap milestone requirements architecture evaluation " +
  "stakeholders sizing hardware software cloud region availability support escalation renewal").split(" ");
const TAGS = ["crm", "followup", "priority/high", "priority/low", "topic/storage", "topic/gpu", "risk",
  "exec", "renewal", "pilot", "área/saúde", "q1", "q2"];
const LANG = ["python", "sql", "bash", "json", "yaml"];

const pad2 = (n) => String(n).padStart(2, "0");
function date(yearLo = 2024, yearHi = 2026) {
  return `${int(yearLo, yearHi)}-${pad2(int(1, 12))}-${pad2(int(1, 28))}`;
}
const words = (n) => Array.from({ length: n }, () => pick(WORDS)).join(" ");
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const yq = (s) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

// ---------------------------------------------------------------------------
// The vault's cast: accounts, their people, meetings and project.

function makeAccounts(nAccounts) {
  const names = new Set();
  const accounts = [];
  for (let a = 0; a < nAccounts; a++) {
    let name;
    do name = `${pick(CO_A)} ${pick(CO_B)} ${int(1, 99999)}`; while (names.has(name));
    names.add(name);
    const people = [];
    for (let p = 0; p < 4; p++) people.push(`${pick(FIRST)} ${pick(LAST)} ${a}-${p}`);
    const meetings = [];
    for (let m = 0; m < 4; m++) meetings.push(`${date(2025, 2026)} - ${name} ${pick(TOPIC)} ${m}`);
    accounts.push({ name, people, meetings, project: `${name} ${pick(["Apollo", "Falcon", "Nebula", "Orion"])}` });
  }
  return accounts;
}

// A bullet with links (plain, aliased, heading ref), maybe a tag, maybe a date.
function bullet(acc, all, dated = true) {
  const parts = [];
  if (dated) parts.push(`${date(2025, 2026)}:`);
  parts.push(cap(words(int(4, 10))));
  const r = R();
  if (r < 0.25) parts.push(`[[${pick(acc.meetings)}]]`);
  else if (r < 0.45) parts.push(`with [[${pick(acc.people)}|${pick(acc.people).split(" ")[0]}]]`);
  else if (r < 0.55) parts.push(`see [[${acc.name}#Key Facts]]`);
  else if (r < 0.65) parts.push(`and [[${pick(all).name}]]`);
  else if (r < 0.70) parts.push(`[[Unknown Person ${int(1, 500)}]]`);
  parts.push(words(int(3, 9)) + ";");
  if (chance(0.3)) parts.push(`#${pick(TAGS)}`);
  if (chance(0.2)) parts.push(`(${pick(TOPIC)})`);
  return `- ${parts.join(" ")}`;
}

function task(acc) {
  const done = chance(0.3);
  const text = `${cap(words(int(3, 7)))} ${chance(0.4) ? `for [[${pick(acc.people)}]]` : ""}`.trim();
  if (chance(0.5)) {
    let s = `- [${done ? "x" : " "}] ${text} 📅 ${date(2025, 2026)}`;
    if (chance(0.4)) s += ` ${pick(["⏫", "🔼", "🔽", "🔺", "⏬"])}`;
    if (done) s += ` ✅ ${date(2025, 2026)}`;
    if (chance(0.2)) s += ` #${pick(TAGS)}`;
    return s;
  }
  let s = `- [${done ? "x" : pick([" ", " ", "/", ">"])}] ${text} [due:: ${date(2025, 2026)}]`;
  if (chance(0.3)) s += ` [priority:: ${pick(["high", "medium", "low"])}]`;
  return s;
}

function codeBlock(acc) {
  const lang = pick(LANG);
  // Links and tags inside code must not be extracted.
  return ["```" + lang, `# [[Not A Link ${int(1, 9)}]] #not-a-tag`, `query = "${pick(TOPIC)}"  # ${words(4)}`,
    `owner = "[[${pick(acc.people)}]]"`, "```"].join("\n");
}

function table(acc) {
  const rows = ["| Person | Role | Company |", "|--------|------|---------|"];
  for (let i = 0, n = int(2, 5); i < n; i++) {
    const p = pick(acc.people);
    rows.push(`| [[${p}\\|${p.split(" ")[0]}]] | ${pick(ROLE)} | ${chance(0.8) ? acc.name : "VAST Data"} |`);
  }
  return rows.join("\n");
}

// Appends filler sections until the body reaches `target` bytes.
function fill(lines, acc, all, target) {
  let size = lines.reduce((n, l) => n + l.length + 1, 0);
  const add = (l) => { lines.push(l); size += Buffer.byteLength(l) + 1; };
  let k = 0;
  while (size < target) {
    const r = R();
    if (r < 0.55) add(bullet(acc, all, chance(0.6)));
    else if (r < 0.7) add(task(acc));
    else if (r < 0.8) add(`\n${cap(words(int(12, 30)))}. Mentioned #${pick(TAGS)} and [[${pick(acc.people)}]].\n`);
    else if (r < 0.85) add(`\n### ${cap(pick(TOPIC))} ${++k}\n`);
    else if (r < 0.9) add(`  - ${cap(words(int(4, 8)))} [[${pick(acc.meetings)}]]`);
    else if (r < 0.95) add(`\n${table(acc)}\n`);
    else add(`\n${codeBlock(acc)}\n`);
  }
}

function customerNote(acc, all) {
  const fm = ["---", `created: '${date(2024, 2025)}'`, `last_contact: '${date(2025, 2026)}'`, "tags:",
    "- type/customer", `- ${pick(TAGS)}`, "aliases:", `- ${acc.name.split(" ").slice(0, 2).join(" ")}`,
    `title: ${acc.name}`, "type: customer", `industry: ${pick(INDUSTRY)}`, `owner: ${yq(`[[${acc.people[0]}]]`)}`,
    "---", ""];
  const L = [`# ${acc.name}`, "", "## Account Status", "", "| Field | Value |", "|-------|-------|",
    "| **Status** | Active |", `| **Industry** | ${pick(INDUSTRY)} |`, "", "## Key Contacts", ""];
  for (let i = 0, n = int(6, 14); i < n; i++) {
    const p = pick(acc.people);
    const r = R();
    if (r < 0.5) L.push(`- [[${p}]]`);
    else if (r < 0.65) L.push(`- [[${p}|${p.split(" ")[0]}]]`);
    else if (r < 0.8) L.push(`- ${p.split(" ")[0]}`);  // first name alone
    else L.push(`- ${p}`);
  }
  L.push("", "## Collaborators", "", table(acc), "", "## Open Tasks", "", "```tasks", `path includes ${acc.name}`,
    "not done", "```", "", "## Recent Context", "");
  const recent = [];
  for (let i = 0, n = int(4, 10); i < n; i++) recent.push(bullet(acc, all));
  // Repeats: exact, truncated mid-word, and the same date reworded.
  for (const b of recent.slice()) {
    if (chance(0.3)) recent.push(b);
    if (chance(0.2)) recent.push(b.slice(0, Math.max(20, Math.floor(b.length * 0.6))));
    if (chance(0.15)) recent.push(b.slice(0, 15) + " " + cap(words(int(6, 12))) + ".");
  }
  for (const b of recent) L.push(b, "");
  L.push("## Key Facts", "", `- ${cap(words(8))} #${pick(TAGS)}`, "", "## Tasks", "");
  for (let i = 0, n = int(2, 5); i < n; i++) L.push(task(acc));
  L.push("", "## Notes", "");
  fill(L, acc, all, lognormal(2300, 0.45) - 200);
  return fm.join("\n") + L.join("\n") + "\n";
}

function personNote(acc, p, all) {
  const [first, ...rest] = p.split(" ");
  const fm = ["---", "type: person", "aliases:", `  - ${rest.join(" ")}, ${first}`, `  - ${first}`,
    `company: ${yq(`[[${acc.name}]]`)}`, `role: ${pick(ROLE)}`, `email: ${first.toLowerCase()}@example.com`,
    `last_contact: ${date(2025, 2026)}`, "tags:", "  - type/person", `  - ${pick(TAGS)}`, "---", ""];
  const L = [`# ${p}`, "", `${cap(words(int(10, 25)))} at [[${acc.name}]]. #${pick(TAGS)}`, "", "## Notes", ""];
  fill(L, acc, all, lognormal(2300, 0.45) - 250);
  return fm.join("\n") + L.join("\n") + "\n";
}

function meetingNote(acc, m, all) {
  const fm = ["---", "type: meeting", `date: ${m.slice(0, 10)}`, `account: ${yq(`[[${acc.name}]]`)}`, "attendees:"];
  for (let i = 0, n = int(2, 4); i < n; i++) fm.push(`  - ${yq(`[[${pick(acc.people)}]]`)}`);
  fm.push("tags: [type/meeting, " + pick(TAGS) + "]", "---", "");
  const L = [`# ${m}`, "", "## Notes", ""];
  for (let i = 0, n = int(3, 8); i < n; i++) L.push(bullet(acc, all, false));
  L.push("", "## Action Items", "");
  for (let i = 0, n = int(2, 5); i < n; i++) L.push(task(acc));
  L.push("", "## Decisions", "", `- ${cap(words(int(6, 12)))}`, "");
  fill(L, acc, all, lognormal(2300, 0.45) - 250);
  return fm.join("\n") + L.join("\n") + "\n";
}

function projectNote(acc, all) {
  const fm = ["---", "type: project", `status: ${pick(["active", "paused", "won", "lost"])}`,
    `account: ${yq(`[[${acc.name}]]`)}`, `owner: ${yq(`[[${acc.people[1]}]]`)}`, `start: ${date(2025, 2025)}`,
    "tags:", "  - type/project", `  - ${pick(TAGS)}`, "---", ""];
  const L = [`# ${acc.project}`, "", cap(words(int(15, 30))) + ".", "", "## Milestones", ""];
  for (const m of acc.meetings) L.push(`- ${m.slice(0, 10)}: [[${m}]]`);
  L.push("", "## Tasks", "");
  for (let i = 0, n = int(2, 6); i < n; i++) L.push(task(acc));
  L.push("", codeBlock(acc), "", "![[" + acc.name + "#Recent Context]]", "");
  fill(L, acc, all, lognormal(2300, 0.45) - 250);
  return fm.join("\n") + L.join("\n") + "\n";
}

function writeNote(rel, text) {
  const file = path.join(OUT, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return Buffer.byteLength(text);
}

function generateVault() {
  const nAccounts = Math.max(1, Math.round(NOTES / 10));
  const accounts = makeAccounts(nAccounts);
  let bytes = 0, count = 0;
  const edits = [];
  const safe = (s) => s.replace(/[\\/:*?"<>|#^[\]]/g, "-");
  for (const acc of accounts) {
    const cust = `Customers/${safe(acc.name)}.md`;
    // Link targets are written as names; the files must carry the same names.
    bytes += writeNote(cust, customerNote(acc, accounts)); count++;
    edits.push({ path: cust, account: cust });
    for (const p of acc.people) {
      const rel = `People/${safe(p)}.md`;
      bytes += writeNote(rel, personNote(acc, p, accounts)); count++;
      edits.push({ path: rel, account: cust });
    }
    for (const m of acc.meetings) {
      const rel = `Meetings/${safe(m)}.md`;
      bytes += writeNote(rel, meetingNote(acc, m, accounts)); count++;
      edits.push({ path: rel, account: cust });
    }
    const rel = `Projects/${safe(acc.project)}.md`;
    bytes += writeNote(rel, projectNote(acc, accounts)); count++;
    edits.push({ path: rel, account: cust });
  }
  // A fixed shuffle (Fisher-Yates on the same PRNG), first 2,000 kept.
  for (let i = edits.length - 1; i > 0; i--) {
    const j = Math.floor(R() * (i + 1));
    [edits[i], edits[j]] = [edits[j], edits[i]];
  }
  fs.writeFileSync(path.join(OUT, "..", path.basename(OUT) + ".edits.json"), JSON.stringify(edits.slice(0, 2000)));
  return { count, bytes };
}

// ---------------------------------------------------------------------------
// Pathological notes, ~1 MB each.

function generatePatho() {
  const MB = 1 << 20;
  const acc = makeAccounts(1)[0];
  const out = {};
  const build = (gen) => { const a = []; let n = 0; while (n < MB) { const s = gen(a.length); a.push(s); n += Buffer.byteLength(s) + 1; } return a.join("\n") + "\n"; };
  out["link-flood.md"] = "---\ntype: customer\n---\n# Flood\n\n" +
    build((i) => `[[Person ${i % 5000}]] [[Meeting ${i}|m${i}]] ![[Embed ${i % 97}#^b${i}]] #tag${i % 300}`);
  out["crm-prose-1mb.md"] = customerNote(acc, [acc]).replace(/\n## Notes\n[\s\S]*$/, "\n## Notes\n\n") +
    build(() => bullet(acc, [acc], chance(0.7)));
  // Nested lists 2 spaces per level, restarting every 200 levels; md4c and
  // the list-parent chain both see depth up to 200.
  out["deep-nesting.md"] = "# Deep\n\n" + build((i) => `${"  ".repeat(i % 200)}- level ${i % 200} [[N${i % 50}]] - [ ] t ${i}`);
  // Nested blockquotes inside lists, deep.
  out["deep-quotes.md"] = "# Quotes\n\n" + build((i) => `${">".repeat(1 + (i % 100))} quote ${i} [[Q${i % 70}]] #q`);
  out["wide-table.md"] = "# Table\n\n| A | B | C | D | E | F |\n|---|---|---|---|---|---|\n" +
    build((i) => `| [[P${i}\\|p]] | ${words(3)} | r${i} | #t${i % 9} | [[M${i % 40}]] | ${i} |`);
  // The same kind of CRM bullets in Russian: nearly every byte is non-ASCII
  // (Cyrillic is two bytes a letter), with links and tags in that script.
  const RU = ["встреча", "клиент", "договор", "поставка", "бюджет", "сроки", "миграция", "хранилище",
    "обсудили", "согласовали", "пилот", "квартал", "данные", "требования", "решение"];
  const ruWords = (n) => Array.from({ length: n }, () => pick(RU)).join(" ");
  out["cyrillic-prose-1mb.md"] = "---\ntype: customer\ntags: [клиент]\n---\n# Клиент\n\n## Заметки\n\n" +
    build((i) => `- ${date()}: ${ruWords(int(4, 10))} [[Иван Петров ${i % 300}]] #проект/${i % 20}`);
  const fmLines = ["---"];
  for (let i = 0, n = 0; n < MB - 100; i++) { const l = `key_${i}: "[[Target ${i}]]"`; fmLines.push(l); n += l.length + 1; }
  out["huge-frontmatter.md"] = fmLines.join("\n") + "\n---\n# Body\n";
  let bytes = 0;
  for (const [rel, text] of Object.entries(out)) bytes += writeNote(rel, text);
  return { count: Object.keys(out).length, bytes };
}

fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(OUT, { recursive: true });
const t0 = Date.now();
const r = PATHO ? generatePatho() : generateVault();
console.error(`gen-vault: ${r.count} notes, ${(r.bytes / 1e6).toFixed(1)} MB -> ${OUT} (${Date.now() - t0} ms)`);
