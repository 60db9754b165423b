// The CLI merge on a copy of the sample vault: dedup -> request -> plan ->
// apply -> undo, and every file byte-identical afterwards (a CRLF + BOM note
// with trailing whitespace included); a stale plan writes nothing.
//
// Uses $VAULTCRM_CLI, else build/native/cli/vaultcrm (ctest passes the binary
// it built; `node --test tests/tools/` uses the native build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = process.env.VAULTCRM_CLI || join(root, 'build/native/cli/vaultcrm');
const skip = !existsSync(cli) && `no vaultcrm binary at ${cli}`;

function run(...args) {
  const r = spawnSync(cli, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

/** Every file under `dir` (all of them, not only notes) -> bytes. */
function snapshot(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function assertSameTree(before, after) {
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'same set of files');
  for (const [p, bytes] of before) assert.ok(bytes.equals(after.get(p)), `${p} is byte-identical`);
}

const CRLF_NOTE = 'Meetings/2026-02-02 - CRLF sync.md';
const CRLF_TEXT =
  '\uFEFF---\r\ntype: meeting\r\ndate: 2026-02-02\r\n---\r\n# CRLF sync  \r\n\r\n' +
  '- with [[Jonsi Stephenson]] and [his page](Jonsi%20Stephenson.md)\t\r\n' +
  '- `[[Jonsi Stephenson]]` stays as written   \r\n';

function vaultCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'vaultcrm-cli-merge-'));
  const vault = join(dir, 'vault');
  cpSync(join(root, 'sample-vault'), vault, { recursive: true });
  writeFileSync(join(vault, CRLF_NOTE), CRLF_TEXT);
  return { dir, vault };
}

test('vaultcrm merge: contacts plan, apply, stale refusal, undo gives every byte back', { skip }, () => {
  const { dir, vault } = vaultCopy();
  try {
    const dedup = run('dedup', vault, '--json');
    assert.equal(dedup.status, 0, dedup.stderr);
    const report = JSON.parse(dedup.stdout);
    const cluster = report.contacts.clusters.find((c) => c.members.includes('Jonsi Stephenson'));
    assert.ok(cluster && !cluster.ambiguous, 'dedup clusters Jonsi Stephenson');
    const canonical = 'Jonsi Stefansson';
    const request = {
      kind: 'contacts',
      canonical,
      members: cluster.members.filter((m) => m !== canonical),
      notes: cluster.notes,
    };
    const reqFile = join(dir, 'request.json');
    writeFileSync(reqFile, JSON.stringify(request));

    const printed = run('merge', vault, '--plan', reqFile);
    assert.equal(printed.status, 0, printed.stderr);
    const plan = JSON.parse(printed.stdout);
    const touched = plan.edits.map((e) => e.path);
    assert.ok(touched.includes(CRLF_NOTE), `the CRLF note is in the plan: ${touched.join(', ')}`);
    assert.equal(plan.inverse.length, plan.edits.length);
    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, printed.stdout);

    const before = snapshot(vault);
    // Printing a plan writes nothing.
    assertSameTree(before, snapshot(vault));

    const undoLog = join(dir, 'undo.json');
    const applied = run('merge', vault, '--plan', planFile, '--apply', '--undo-log', undoLog);
    assert.equal(applied.status, 0, applied.stderr);
    const after = snapshot(vault);
    for (const e of plan.edits) {
      if (e.newText === null) assert.ok(!after.has(e.path), `${e.path} deleted`);
      else assert.equal(after.get(e.path).toString('utf8'), e.newText, `${e.path} written as planned`);
    }
    for (const [p, bytes] of before)
      if (!touched.includes(p)) assert.ok(bytes.equals(after.get(p)), `${p} untouched`);
    const crlf = after.get(CRLF_NOTE).toString('utf8');
    assert.ok(crlf.startsWith('\uFEFF---\r\n'), 'BOM kept');
    assert.ok(crlf.includes(`- with [[${canonical}|Jonsi Stephenson]] and [his page](Jonsi%20Stefansson.md)\t\r\n`), crlf);
    assert.ok(crlf.includes('- `[[Jonsi Stephenson]]` stays as written   \r\n'), 'inline code untouched');

    // The same plan again is stale now: refused, the file named, nothing written.
    const stale = run('merge', vault, '--plan', planFile, '--apply');
    assert.equal(stale.status, 1);
    assert.match(stale.stderr, /nothing written: file changed since the plan was made: /);
    assertSameTree(after, snapshot(vault));

    const undone = run('merge', vault, '--undo', undoLog);
    assert.equal(undone.status, 0, undone.stderr);
    assertSameTree(before, snapshot(vault));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vaultcrm merge: entry cleanup from dedup groups, apply and undo byte for byte', { skip }, () => {
  const { dir, vault } = vaultCopy();
  try {
    const dedup = run('dedup', vault, '--json');
    assert.equal(dedup.status, 0, dedup.stderr);
    const groups = JSON.parse(dedup.stdout).entries.groups.filter(
      (g) => !g.cluster && g.lines.length >= 2 && g.members.every((m) => m.path === g.path),
    );
    assert.ok(groups.length > 0, 'the sample vault has repeated entries');
    // Groups of one note must not overlap; take at most one per note.
    const seen = new Set();
    const picked = groups.filter((g) => !seen.has(g.path) && seen.add(g.path));
    const request = {
      kind: 'entries',
      uniqueFacts: 'append',
      groups: picked.map((g) => ({ path: g.path, lines: g.lines, keep: g.keep })),
    };
    const reqFile = join(dir, 'entries.json');
    writeFileSync(reqFile, JSON.stringify(request));
    const before = snapshot(vault);
    const undoLog = join(dir, 'undo.json');
    const applied = run('merge', vault, '--plan', reqFile, '--apply', '--undo-log', undoLog);
    assert.equal(applied.status, 0, applied.stderr);
    const after = snapshot(vault);
    let shorter = 0;
    for (const g of picked) {
      const was = before.get(g.path).toString('utf8').split('\n').length;
      const now = after.get(g.path).toString('utf8').split('\n').length;
      assert.ok(now <= was, `${g.path} lost no lines it should keep`);
      if (now < was) shorter += 1;
    }
    assert.ok(shorter > 0, 'at least one duplicate line removed');
    const undone = run('merge', vault, '--undo', undoLog);
    assert.equal(undone.status, 0, undone.stderr);
    assertSameTree(before, snapshot(vault));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('vaultcrm merge: an ambiguous first name is refused and nothing is written', { skip }, () => {
  const { dir, vault } = vaultCopy();
  try {
    const reqFile = join(dir, 'jason.json');
    writeFileSync(reqFile, JSON.stringify({ kind: 'contacts', canonical: 'Jason Vallery', members: ['Jason'] }));
    const before = snapshot(vault);
    const r = run('merge', vault, '--plan', reqFile, '--apply');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /ambiguous/);
    assertSameTree(before, snapshot(vault));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
