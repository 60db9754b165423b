// node --test tests/tools/ : the dedup evaluation tool, the noisy-vault
// generator, and (when the native build is present) the engine's scores on
// generated vaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { evaluate, summaryLine } from '../../tools/dedup-eval.mjs';
import { generate } from '../../tools/noisy-vault.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('eval: pairwise scores, must-not-merge, ambiguous', () => {
  const truth = {
    contact_clusters: [{ members: ['Ana Lima', 'Ana Lyma', 'Ana'] }, { members: ['Bo Ek'] }],
    ambiguous_mentions: [{ surface: 'Jo', candidates: ['Jo A', 'Jo B'] }],
    must_not_merge: [{ pair: ['Ana Lima', 'Bo Ek'] }],
    entry_duplicates: { 'C/X.md': { 'Recent Context': { groups: [{ lines: [3, 5, 7] }] }, _section_lines: {} } },
  };
  const report = { ok: true, value: {
    contacts: { clusters: [
      { members: ['Ana Lima', 'Ana Lyma'], ambiguous: false },
      { members: ['Ana', 'Bo Ek'], ambiguous: false },
      { members: ['Jo'], ambiguous: true, candidates: ['Jo A', 'Jo B'] },
    ] },
    entries: { groups: [{ path: 'C/X.md', lines: [3, 5] }, { path: 'C/X.md', members: [{ path: 'C/X.md', line: 9 }, { path: 'C/X.md', line: 11 }] }] },
  } };
  const r = evaluate(truth, report);
  assert.equal(r.contacts.tp, 1);   // Ana Lima / Ana Lyma
  assert.equal(r.contacts.fp, 1);   // Ana / Bo Ek
  assert.equal(r.contacts.fn, 2);
  assert.equal(r.entries.tp, 1);
  assert.equal(r.entries.fp, 1);
  assert.equal(r.entries.fn, 2);
  assert.equal(r.mustNotMerge.violations, 0);
  assert.equal(r.ambiguous.reported, 1);
  assert.match(summaryLine(r), /^contacts P=0\.500 R=0\.333 F1=0\.400/);
  const bad = evaluate(truth, { contacts: { clusters: [{ members: ['Ana Lima', 'Bo Ek'], ambiguous: false }] } });
  assert.equal(bad.mustNotMerge.violations, 1);
});

test('generator: deterministic, truth lines point at the entries', () => {
  const a = generate({ seed: 5, accounts: 3 });
  const b = generate({ seed: 5, accounts: 3 });
  assert.deepEqual([...a.files.entries()], [...b.files.entries()]);
  assert.deepEqual(a.truth, b.truth);
  assert.notDeepEqual(generate({ seed: 6, accounts: 3 }).truth, a.truth);
  for (const [path, sections] of Object.entries(a.truth.entry_duplicates)) {
    const lines = a.files.get(path).split('\n');
    for (const g of sections['Recent Context'].groups) {
      const dates = g.lines.map((l) => lines[l - 1].slice(2, 12));
      assert.ok(dates.every((d) => d === dates[0]), `${path} ${g.lines}`);
    }
    for (const g of sections['Key Contacts'].groups) for (const l of g.lines) assert.match(lines[l - 1], /^- /);
  }
  assert.ok(a.truth.ambiguous_mentions.length + a.truth.must_not_merge.length > 0);
});

// The engine on generated vaults, through the test-only dump path of the
// native GoogleTest binary (until `vaultcrm dedup VAULT --json` exists).
const testsBin = join(root, 'build/native/tests/core/vaultcrm_tests');
test('engine on noisy vaults: scores and no must-not-merge violations', { skip: !existsSync(testsBin) && 'native build not found' }, () => {
  for (const seed of [1, 2, 3]) {
    const dir = mkdtempSync(join(tmpdir(), 'noisy-'));
    const { files, truth } = generate({ seed, accounts: 8 });
    for (const [p, text] of files) { mkdirSync(dirname(join(dir, 'v', p)), { recursive: true }); writeFileSync(join(dir, 'v', p), text); }
    const out = join(dir, 'report.json');
    const run = spawnSync(testsBin, ['--gtest_filter=DedupDump.*'], {
      env: { ...process.env, VAULTCRM_DEDUP_VAULT: join(dir, 'v'), VAULTCRM_DEDUP_OUT: out }, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const r = evaluate(truth, JSON.parse(readFileSync(out, 'utf8')));
    console.log(`seed ${seed}: ${summaryLine(r)}`);
    assert.equal(r.mustNotMerge.violations, 0);
    assert.ok(r.contacts.f1 >= 0.95, `contacts F1 ${r.contacts.f1}`);
    assert.ok(r.entries.f1 >= 0.95, `entries F1 ${r.entries.f1}`);
    assert.equal(r.ambiguous.reported, r.ambiguous.total);
  }
});

const truthFile = join(root, '..', 'shared', 'fixtures', 'crm-vault.truth.json');
test('engine on the shared sample vault', { skip: (!existsSync(testsBin) && 'native build not found') || (!existsSync(truthFile) && 'SKIPPED: ../shared not found') }, () => {
  const out = join(mkdtempSync(join(tmpdir(), 'sample-')), 'report.json');
  const run = spawnSync(testsBin, ['--gtest_filter=DedupDump.*'], {
    env: { ...process.env, VAULTCRM_DEDUP_VAULT: join(root, '..', 'shared', 'fixtures', 'crm-vault'), VAULTCRM_DEDUP_OUT: out }, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const r = evaluate(JSON.parse(readFileSync(truthFile, 'utf8')), JSON.parse(readFileSync(out, 'utf8')));
  console.log(`sample: ${summaryLine(r)}`);
  assert.equal(r.mustNotMerge.violations, 0);
  assert.ok(r.contacts.f1 >= 0.98);
  assert.ok(r.entries.f1 >= 0.97);
});
