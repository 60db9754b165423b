#!/usr/bin/env node
// Scores a dedup report (the value of `vaultcrm dedup VAULT --json` /
// engine.dedup()) against a truth file shaped like
// ../shared/fixtures/crm-vault.truth.json. No npm dependencies.
//
//   node tools/dedup-eval.mjs --truth TRUTH.json --report REPORT.json [--json]
//
// Contacts: pairwise precision / recall / F1 over pairs of surface forms
// that share a cluster (truth: contact_clusters[].members; report: every
// non-ambiguous cluster's members). Surfaces compare as written (NFC, trimmed).
// Every predicted pair counts, including pairs of surfaces the truth does not
// know (they can only be wrong merges).
// Entries: the same over pairs of (path, line) that share a group (truth:
// entry_duplicates[path][section].groups[].lines; report: entries.groups[],
// by members[] when present, else path + lines).
// must-not-merge: a truth pair [a, b] found together in one non-ambiguous
// report cluster is a violation.
// Prints one summary line (or the full result as JSON with --json).
import { readFileSync } from 'node:fs';

function parseArgs(argv) {
  const args = { json: false };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--truth') args.truth = argv[++i];
    else if (a === '--report') args.report = argv[++i];
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

const norm = (s) => String(s).normalize('NFC').trim();

function pairsOfGroups(groups) {
  const pairs = new Set();
  for (const g of groups) {
    const items = [...new Set(g.map(norm))].sort();
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++) pairs.add(JSON.stringify([items[i], items[j]]));
  }
  return pairs;
}

function prf(truth, pred) {
  let tp = 0;
  for (const p of pred) if (truth.has(p)) tp++;
  const fp = pred.size - tp;
  const fn = truth.size - tp;
  const precision = pred.size ? tp / pred.size : 1;
  const recall = truth.size ? tp / truth.size : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, tp, fp, fn };
}

export function reportOf(raw) {
  // Accept the envelope, the bare value, or the CLI output.
  if (raw && raw.ok === true && raw.value) return raw.value;
  return raw;
}

export function evaluate(truth, rawReport) {
  const report = reportOf(rawReport);
  const clusters = report?.contacts?.clusters ?? [];
  const truthContacts = pairsOfGroups((truth.contact_clusters ?? []).map((c) => c.members ?? []));
  const predContacts = pairsOfGroups(clusters.filter((c) => !c.ambiguous).map((c) => c.members ?? []));
  const contacts = prf(truthContacts, predContacts);

  const entryKey = (path, line) => `${norm(path)}:${line}`;
  const truthEntryGroups = [];
  for (const [path, sections] of Object.entries(truth.entry_duplicates ?? {})) {
    for (const [section, body] of Object.entries(sections ?? {})) {
      if (section.startsWith('_') || !body || !Array.isArray(body.groups)) continue;
      for (const g of body.groups) truthEntryGroups.push((g.lines ?? []).map((l) => entryKey(path, l)));
    }
  }
  const predEntryGroups = (report?.entries?.groups ?? []).map((g) =>
    Array.isArray(g.members) && g.members.length
      ? g.members.map((m) => entryKey(m.path ?? g.path, m.line))
      : (g.lines ?? []).map((l) => entryKey(g.path, l)),
  );
  const entries = prf(pairsOfGroups(truthEntryGroups), pairsOfGroups(predEntryGroups));

  const together = new Map();  // surface -> set of cluster indexes
  clusters.forEach((c, i) => {
    if (c.ambiguous) return;
    for (const m of c.members ?? []) {
      const k = norm(m);
      if (!together.has(k)) together.set(k, new Set());
      together.get(k).add(i);
    }
  });
  const violations = [];
  for (const { pair, reason } of truth.must_not_merge ?? []) {
    const [a, b] = pair.map(norm);
    const ca = together.get(a), cb = together.get(b);
    if (ca && cb && [...ca].some((i) => cb.has(i))) violations.push({ pair: [a, b], reason });
  }
  // Ambiguous mentions the truth lists: reported ambiguous, with its candidates?
  const ambiguous = (truth.ambiguous_mentions ?? []).map((am) => {
    const hit = clusters.find((c) => c.ambiguous && (c.members ?? []).map(norm).includes(norm(am.surface)));
    const cands = new Set((hit?.candidates ?? []).map(norm));
    return { surface: am.surface, reported: !!hit, candidatesOk: !!hit && am.candidates.every((x) => cands.has(norm(x))) };
  });
  return {
    contacts,
    entries,
    mustNotMerge: { violations: violations.length, total: (truth.must_not_merge ?? []).length, pairs: violations },
    ambiguous: { reported: ambiguous.filter((a) => a.reported).length, total: ambiguous.length, detail: ambiguous },
  };
}

export function summaryLine(r) {
  const f = (x) => x.toFixed(3);
  const part = (name, s) => `${name} P=${f(s.precision)} R=${f(s.recall)} F1=${f(s.f1)} (tp=${s.tp} fp=${s.fp} fn=${s.fn})`;
  return `${part('contacts', r.contacts)} | ${part('entries', r.entries)} | must-not-merge violations=${r.mustNotMerge.violations}/${r.mustNotMerge.total} | ambiguous reported=${r.ambiguous.reported}/${r.ambiguous.total}`;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  try {
    const args = parseArgs(process.argv);
    if (args.help || !args.truth || !args.report) {
      console.error('usage: node tools/dedup-eval.mjs --truth TRUTH.json --report REPORT.json [--json]');
      process.exit(args.help ? 0 : 1);
    }
    const truth = JSON.parse(readFileSync(args.truth, 'utf8'));
    const report = JSON.parse(readFileSync(args.report, 'utf8'));
    const r = evaluate(truth, report);
    console.log(args.json ? JSON.stringify(r, null, 1) : summaryLine(r));
  } catch (e) {
    console.error(`dedup-eval: ${e.message}`);
    process.exit(2);
  }
}
