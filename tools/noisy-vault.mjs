#!/usr/bin/env node
// Deterministic generator of noisy CRM vaults with their own truth file, in
// the shape of ../shared/fixtures/crm-vault.truth.json (contact_clusters,
// ambiguous_mentions, must_not_merge, entry_duplicates). No npm dependencies.
//
//   node tools/noisy-vault.mjs --out /tmp/noisy --seed 7 [--accounts 6]
//   -> /tmp/noisy/ (the vault) and /tmp/noisy.truth.json
//
// Noise: nicknames, diacritics dropped, initials, one-letter typos,
// first-name-only mentions (unique -> member; shared -> ambiguous), look-alike
// different people (same first name, same surname, Anna/Anne), repeated rows
// with a second role; timeline bullets repeated exactly, truncated (with or
// without an ellipsis), paraphrased (sometimes adding an amount), and
// look-alike different events (another quarter, number or date). Names come
// from several languages, accounts from several industries.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = {
  de: ['Jürgen', 'Björn', 'Günther', 'Sören', 'Käthe', 'Jörg', 'Uwe', 'Heike', 'Matthias', 'Katharina'],
  pl: ['Łukasz', 'Małgorzata', 'Paweł', 'Zofia', 'Wojciech', 'Agnieszka', 'Bartosz', 'Krzysztof'],
  es: ['José', 'María', 'Ignacio', 'Dolores', 'Guillermo', 'Inés', 'Álvaro', 'Francisco', 'Lucía'],
  pt: ['João', 'Conceição', 'Gonçalo', 'Mateus', 'Antônio', 'Leonor', 'Thiago'],
  nordic: ['Søren', 'Åsa', 'Ingrid', 'Henrik', 'Sigrid', 'Øystein', 'Magnus'],
  en: ['Robert', 'William', 'Katherine', 'Elizabeth', 'Michael', 'Jennifer', 'Christopher', 'Margaret', 'Anthony', 'Rebecca'],
  ru: ['Aleksandr', 'Ekaterina', 'Dmitry', 'Natalia', 'Mikhail', 'Svetlana', 'Pavel'],
  ja: ['Haruki', 'Yuko', 'Takeshi', 'Aiko', 'Kenji', 'Sakura'],
  ng: ['Chinedu', 'Ngozi', 'Oluwaseun', 'Adaeze', 'Emeka', 'Funmilayo'],
  in: ['Aarav', 'Priyanka', 'Siddharth', 'Ananya', 'Venkatesh', 'Lakshmi'],
  fr: ['Stéphane', 'Hélène', 'François', 'Amélie', 'Benoît', 'Séverine'],
};
const LAST = {
  de: ['Müller', 'Schröder', 'Weiß', 'Köhler', 'Großmann', 'Brückner', 'Hoffmann', 'Fischer'],
  pl: ['Wójcik', 'Kowalczyk', 'Zieliński', 'Szymański', 'Dąbrowski', 'Nowakowski'],
  es: ['García', 'Martínez', 'Núñez', 'Iglesias', 'Domínguez', 'Castillo'],
  pt: ['Gonçalves', 'Conceição', 'Magalhães', 'Albuquerque', 'Oliveira', 'Carvalho'],
  nordic: ['Jørgensen', 'Åkesson', 'Lindqvist', 'Bergström', 'Halvorsen', 'Østergaard'],
  en: ['Whitcombe', 'Harrington', 'Fairbanks', 'Pemberton', 'Ashworth', 'Kingsley', 'Thornton'],
  ru: ['Ivanova', 'Smirnov', 'Kuznetsova', 'Volkov', 'Sokolova', 'Morozov'],
  ja: ['Takahashi', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Watanabe', 'Yoshida'],
  ng: ['Okonkwo', 'Adeyemi', 'Nwachukwu', 'Olatunji', 'Eze', 'Balogun'],
  in: ['Raghunathan', 'Chatterjee', 'Venkataraman', 'Krishnamurthy', 'Deshmukh'],
  fr: ['Lefèvre', 'Desrosiers', 'Beaumont', 'Chevalier', 'Rousseau', 'Marchand'],
};
// Diminutives the engine's table knows are not looked up here: these are
// written from general knowledge of the names, per language.
const NICK = {
  Robert: 'Bob', William: 'Bill', Katherine: 'Kate', Elizabeth: 'Liz', Michael: 'Mike', Jennifer: 'Jen',
  Christopher: 'Chris', Margaret: 'Maggie', Anthony: 'Tony', Rebecca: 'Becky', Aleksandr: 'Sasha',
  Ekaterina: 'Katya', Dmitry: 'Dima', Natalia: 'Natasha', Mikhail: 'Misha', Svetlana: 'Sveta', Pavel: 'Pasha',
  José: 'Pepe', Ignacio: 'Nacho', Dolores: 'Lola', Guillermo: 'Memo', Francisco: 'Paco',
};
const INDUSTRIES = [
  { name: 'Hospital group', accounts: ['Kliniken Nordhafen', 'St. Brigid Health', 'Hospital Santa Lucía'], product: 'PACS archive', unit: 'TB of imaging' },
  { name: 'Logistics', accounts: ['Vistula Freight', 'Porto Cargo Lines', 'Fjordlink Shipping'], product: 'telematics lake', unit: 'million GPS pings' },
  { name: 'Banking', accounts: ['Banco Meridional', 'Kansai Trust Bank', 'Lagos Mutual'], product: 'fraud analytics cluster', unit: 'million transactions' },
  { name: 'Winemaking', accounts: ['Domaine des Trois Chênes', 'Bodega Alto Duero'], product: 'sensor network', unit: 'vineyard blocks' },
  { name: 'Utilities', accounts: ['Volga Grid', 'Deccan Power'], product: 'smart-meter platform', unit: 'million meters' },
];
const ROLES = ['CIO', 'CFO', 'Head of Procurement', 'Data platform lead', 'Security architect', 'Operations manager',
  'Finance business partner', 'Clinical informatics lead', 'Network engineer', 'Programme director'];

// Event templates: two wordings of the same event, sharing the facts.
const EVENTS = [
  ['{P} asked for a revised quote with hardware and support split out for the {Q} renewal.',
    '{P} requested an updated quote for the {Q} renewal, with the hardware and the support split out.'],
  ['{P} confirmed the {X} pilot scope: {N} {U} in the first phase, reviewed with the operations team.',
    'Pilot scope for the {X} confirmed by {P}: first phase covers {N} {U}; operations team reviewed it.'],
  ['{P} reported a failed checksum on run {N} of the {X} ingest test and asked for a root cause.',
    'Failed checksum on run {N} of the {X} ingest test, reported by {P}, who wants a root cause.'],
  ['{P} shared the security questionnaire for the {X} and asked for answers before the {Q} review.',
    'Security questionnaire for the {X} shared by {P}; answers are needed before the {Q} review.'],
  ['{P} said the budget for the {X} is approved for {Q} and the purchase order will follow next week.',
    'Budget for the {X} approved for {Q} according to {P}; the purchase order follows next week.'],
  ['Workshop with {P} on the {X} architecture: agreed on {N} {U} as the sizing baseline for the proof of concept.',
    'Architecture workshop on the {X} with {P}; the proof of concept is sized for {N} {U} as the baseline.'],
];

function pick(r, xs) { return xs[Math.floor(r() * xs.length)]; }
function stripMarks(s) { return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/ł/g, 'l').replace(/Ł/g, 'L').replace(/ø/g, 'o').replace(/Ø/g, 'O').replace(/ß/g, 'ss'); }
function typo(r, s) {
  // A one-letter change inside the word (never the first letter): swap, drop or double.
  if (s.length < 5) return s + s[s.length - 1];
  const i = 1 + Math.floor(r() * (s.length - 3));
  const k = Math.floor(r() * 3);
  if (k === 0) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  if (k === 1) return s.slice(0, i) + s.slice(i + 1);
  return s.slice(0, i) + s[i] + s.slice(i);
}
function date(r, base) { const d = new Date(Date.UTC(2025, 8, 1) + Math.floor(base + r() * 20) * 86400000); return d.toISOString().slice(0, 10); }

export function generate({ seed = 1, accounts = 6 } = {}) {
  const r = rng(seed);
  const files = new Map();
  const truth = { vault: `noisy-${seed}`, contact_clusters: [], ambiguous_mentions: [], must_not_merge: [], entry_duplicates: {}, conventions: ['generated by tools/noisy-vault.mjs'] };
  const langs = Object.keys(FIRST);
  const allAccounts = INDUSTRIES.flatMap((ind) => ind.accounts.map((a) => ({ account: a, ind })));
  const usedFull = new Set();
  for (let ai = 0; ai < accounts; ai++) {
    const { account, ind } = allAccounts[(ai + seed) % allAccounts.length];
    const path = `Customers/${account}.md`;
    // People: mostly distinct, plus look-alikes.
    const people = [];
    const addPerson = (first, last) => {
      const full = `${first} ${last}`;
      if (usedFull.has(full)) return null;
      usedFull.add(full);
      const p = { first, last, full, role: pick(r, ROLES), surfaces: new Set([full]), id: people.length };
      people.push(p);
      return p;
    };
    while (people.length < 6) { const l = pick(r, langs); addPerson(pick(r, FIRST[l]), pick(r, LAST[l])); }
    const twinFirst = addPerson(people[0].first, pick(r, LAST[pick(r, langs)]));           // same first name
    const sameLast = addPerson(pick(r, FIRST.en.filter((f) => f !== people[1].first)), people[1].last);  // same surname
    const annaBase = pick(r, ['Anna', 'Maria', 'Daniela', 'Carla', 'Paola']);
    const annaLast = pick(r, LAST[pick(r, langs)]);
    const anna = addPerson(annaBase, annaLast);
    const anne = addPerson(annaBase.slice(0, -1) + (annaBase.endsWith('a') ? 'e' : 'a'), annaLast);  // Anna / Anne
    if (anna && anne) { anna.role = 'Data platform lead'; anne.role = 'Finance business partner'; }
    for (const [a, b] of [[people[0], twinFirst], [people[1], sameLast], [anna, anne]])
      if (a && b) truth.must_not_merge.push({ pair: [a.full, b.full], reason: 'look-alike, different people' });

    const lines = ['---', 'type: customer', `industry: ${ind.name}`, '---', `# ${account}`, '', '## Key Contacts', ''];
    const contactLines = new Map();  // person id -> lines
    const note = (p, line) => { if (!contactLines.has(p.id)) contactLines.set(p.id, []); contactLines.get(p.id).push(line); };
    const firstCount = new Map();
    for (const p of people) firstCount.set(p.first, (firstCount.get(p.first) ?? 0) + 1);
    const ambiguous = new Map();
    for (const p of people) {
      const variants = [`[[${p.full}]]`, p.full];
      const hasMarks = stripMarks(p.full) !== p.full;
      if (hasMarks) variants.push(stripMarks(p.full));
      if (NICK[p.first]) variants.push(`${NICK[p.first]} ${p.last}`);
      if (r() < 0.6 && p !== anna && p !== anne) variants.push(`${p.first} ${typo(r, p.last)}`);
      if (r() < 0.4) variants.push(`${p.first[0]}. ${p.last}`);
      if (r() < 0.7) variants.push(p.first);
      for (const v of variants) {
        const surface = v.replace(/^\[\[|\]\]$/g, '');
        lines.push(`- ${v}`);
        const line = lines.length;
        if (surface === p.first && firstCount.get(p.first) > 1) {
          if (!ambiguous.has(surface)) ambiguous.set(surface, { surface, candidates: people.filter((q) => q.first === p.first).map((q) => q.full) });
          continue;
        }
        if (/^.\. /.test(surface) && people.some((q) => q !== p && q.first[0] === p.first[0] && q.last === p.last)) continue;
        p.surfaces.add(surface);
        note(p, line);
      }
    }
    lines.push('', '## Collaborators', '', '| Person | Role | Company |', '|---|---|---|');
    const rowLines = new Map();
    for (const p of people) {
      lines.push(`| [[${p.full}]] | ${p.role} | ${account} |`);
      (rowLines.get(p.id) ?? rowLines.set(p.id, []).get(p.id)).push(lines.length);
      if (r() < 0.3) {
        lines.push(`| [[${p.full}]] | Sponsor for the ${ind.product} | ${account} |`);
        rowLines.get(p.id).push(lines.length);
      }
    }
    // Timeline.
    lines.push('', '## Recent Context', '');
    const groups = [];
    const distinct = [];
    const events = [];
    for (let e = 0; e < 6; e++) {
      const p = pick(r, people.filter((q) => q !== anna && q !== anne));
      const tpl = EVENTS[(e + ai + seed) % EVENTS.length];
      const slots = { P: p.full, Q: `Q${1 + Math.floor(r() * 3)}`, N: String(10 + Math.floor(r() * 900)), X: ind.product, U: ind.unit };
      const fill = (s, o = {}) => s.replace(/\{(\w)\}/g, (_, k) => (o[k] ?? slots[k]));
      events.push({ d: date(r, e * 25), tpl, fill, slots });
    }
    const emit = (d, text) => { lines.push(`- ${d}: ${text}`, ''); return lines.length - 1; };
    for (const ev of events) {
      const base = ev.fill(ev.tpl[0]);
      const l0 = emit(ev.d, base);
      const kind = Math.floor(r() * 4);
      if (kind === 0) groups.push({ kind: 'exact', lines: [l0, emit(ev.d, base)] });
      if (kind === 1) {
        const cut = Math.floor(base.length * (0.55 + r() * 0.3));
        groups.push({ kind: 'truncated', lines: [l0, emit(ev.d, base.slice(0, cut) + (r() < 0.5 ? '…' : ''))] });
      }
      if (kind === 2) {
        const extra = r() < 0.5 ? ` Deal value $${(10000 + Math.floor(r() * 90000)).toLocaleString('en-US')}.00.` : '';
        groups.push({ kind: 'paraphrase', lines: [l0, emit(ev.d, ev.fill(ev.tpl[1]) + extra)] });
      }
      // Look-alike different events: another quarter or number the same day, or the same text another day.
      if (r() < 0.6) {
        const other = ev.tpl[0].includes('{Q}') ? { Q: ev.slots.Q === 'Q4' ? 'Q1' : `Q${Number(ev.slots.Q[1]) + 1}` } : { N: String(Number(ev.slots.N) + 7) };
        const ln = emit(ev.d, ev.fill(ev.tpl[0], other));
        distinct.push({ lines: [l0, ln], reason: 'same wording, another value in the same slot' });
      } else if (r() < 0.5) {
        const d2 = ev.d.slice(0, 8) + String(Math.min(28, Number(ev.d.slice(8)) + 1)).padStart(2, '0');
        if (d2 !== ev.d) distinct.push({ lines: [l0, emit(d2, base)], reason: 'same text, another date' });
      }
    }
    files.set(path, lines.join('\n') + '\n');
    // Person notes for some people, with aliases and e-mail.
    for (const p of people) {
      if (r() < 0.5) continue;
      const alias = NICK[p.first] && r() < 0.7 ? NICK[p.first] : null;
      const email = `${stripMarks(p.first).toLowerCase()}.${stripMarks(p.last).toLowerCase()}@${stripMarks(account).toLowerCase().replace(/[^a-z]+/g, '')}.example`;
      const fm = ['---', 'type: person', `company: ${account}`, `role: ${p.role}`, `email: ${email}`];
      if (alias && firstCount.get(p.first) === 1) { fm.push('aliases:', `  - ${alias}`); p.surfaces.add(alias); }
      fm.push('---', `# ${p.full}`, '', `${p.role} at [[${account}]].`);
      files.set(`People/${p.full}.md`, fm.join('\n') + '\n');
    }
    // A meeting with attendees in the frontmatter.
    const att = people.slice(0, 3);
    files.set(`Meetings/${events[0].d} - ${account} sync.md`, ['---', 'type: meeting', `date: ${events[0].d}`, `account: "[[${account}]]"`,
      'attendees:', ...att.map((p) => `  - "[[${p.full}]]"`), '---', `# ${account} sync`, '', '## Notes', '', `- Reviewed the ${ind.product}.`].join('\n') + '\n');

    for (const p of people) truth.contact_clusters.push({ canonical: p.full, members: [...p.surfaces] });
    for (const a of ambiguous.values()) {
      truth.ambiguous_mentions.push(a);
      for (const c of a.candidates) truth.must_not_merge.push({ pair: [a.surface, c], reason: 'ambiguous bare first name' });
    }
    const kc = [], collab = [];
    for (const p of people) {
      const ls = contactLines.get(p.id) ?? [];
      if (ls.length > 1) kc.push({ kind: 'variant', lines: ls });
      const rl = rowLines.get(p.id) ?? [];
      if (rl.length > 1) collab.push({ kind: 'same-person', lines: rl });
    }
    truth.entry_duplicates[path] = {
      'Key Contacts': { groups: kc, distinct_similar: [] },
      Collaborators: { groups: collab, distinct_similar: [] },
      'Recent Context': { groups, distinct_similar: distinct },
    };
  }
  return { files, truth };
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const args = { seed: 1, accounts: 6 };
  for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i];
    if (a === '--out') args.out = process.argv[++i];
    else if (a === '--seed') args.seed = Number(process.argv[++i]);
    else if (a === '--accounts') args.accounts = Number(process.argv[++i]);
    else if (a === '--truth') args.truth = process.argv[++i];
    else { console.error(`unknown argument ${a}`); process.exit(1); }
  }
  if (!args.out) { console.error('usage: node tools/noisy-vault.mjs --out DIR [--seed N] [--accounts K] [--truth FILE]'); process.exit(1); }
  const { files, truth } = generate(args);
  rmSync(args.out, { recursive: true, force: true });
  for (const [p, text] of files) { const f = join(args.out, p); mkdirSync(dirname(f), { recursive: true }); writeFileSync(f, text); }
  const truthPath = args.truth ?? `${args.out.replace(/\/$/, '')}.truth.json`;
  writeFileSync(truthPath, JSON.stringify(truth, null, 1));
  console.log(`${files.size} notes -> ${args.out}; truth -> ${truthPath}`);
}
