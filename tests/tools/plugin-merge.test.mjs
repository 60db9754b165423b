// The plugin's host side of a merge (plugin/merge.ts): hashes as the core
// does, refuses a stale plan before writing anything, and when a write fails
// puts back every file it already wrote (and removes one it created).
//
// plugin/merge.ts is bundled with esbuild for Node, its one `obsidian` import
// (TFile) answered by a small in-memory stand-in; the Vault below fails on
// command. Run: node --test tests/tools/
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let merge;

before(async () => {
  const out = await build({
    entryPoints: [join(root, 'plugin/merge.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    plugins: [{
      name: 'obsidian-stand-in',
      setup(b) {
        b.onResolve({ filter: /^obsidian$/ }, () => ({ path: 'obsidian', namespace: 'stand-in' }));
        b.onLoad({ filter: /.*/, namespace: 'stand-in' }, () => ({
          contents: 'export class TFile { constructor(path) { this.path = path; } }',
          loader: 'js',
        }));
      },
    }],
  });
  const dir = mkdtempSync(join(tmpdir(), 'vaultcrm-plugin-merge-'));
  const file = join(dir, 'merge.mjs');
  // The stand-in TFile must be the class the fake vault hands out.
  writeFileSync(file, out.outputFiles[0].text + '\nexport { TFile as __TFile };\n');
  merge = await import(pathToFileURL(file).href);
  rmSync(dir, { recursive: true, force: true });
});

/** An in-memory Vault with the calls merge.ts uses; `failOn` makes one path's writes throw. */
function fakeVault(files, failOn = new Set()) {
  const TFile = merge.__TFile;
  const map = new Map(Object.entries(files));
  const writes = [];
  const check = (path) => {
    if (failOn.has(path)) throw new Error(`disk full writing ${path}`);
  };
  return {
    map,
    writes,
    getAbstractFileByPath: (p) => (map.has(p) ? new TFile(p) : null),
    read: async (f) => map.get(f.path),
    modify: async (f, text) => { check(f.path); writes.push(['modify', f.path]); map.set(f.path, text); },
    create: async (p, text) => { check(p); writes.push(['create', p]); map.set(p, text); },
    delete: async (f) => { check(f.path); writes.push(['delete', f.path]); map.delete(f.path); },
  };
}

const edit = (path, oldText, newText) => ({
  path,
  oldHash: oldText === null ? null : merge.hashText(oldText),
  newText,
  create: oldText === null,
  delete: newText === null,
});

test('hashText is the core hash (FNV-1a 64 over UTF-8), known answers', () => {
  assert.equal(merge.hashText(''), 'cbf29ce484222325');
  assert.equal(merge.hashText('a'), 'af63dc4c8601ec8c');
  assert.notEqual(merge.hashText('é'), merge.hashText('e'));
});

test('a plan whose file changed meanwhile writes nothing and names the file', async () => {
  const vault = fakeVault({ 'A.md': 'a\n', 'B.md': 'b edited meanwhile\n' });
  const edits = [edit('A.md', 'a\n', 'A\n'), edit('B.md', 'b\n', 'B\n'), edit('C.md', null, 'c\n')];
  await assert.rejects(merge.applyEdits(vault, edits), (err) => err instanceof merge.StaleFileError && err.path === 'B.md');
  assert.deepEqual(vault.writes, []);
  // A file the plan would create that exists already is stale too.
  const v2 = fakeVault({ 'A.md': 'a\n', 'C.md': 'made by hand\n' });
  await assert.rejects(merge.applyEdits(v2, [edit('A.md', 'a\n', 'A\n'), edit('C.md', null, 'c\n')]),
    (err) => err instanceof merge.StaleFileError && err.path === 'C.md');
  assert.deepEqual(v2.writes, []);
});

test('a failed write rolls back the files already written, created ones removed', async () => {
  const original = { 'A.md': '\uFEFFa\r\n', 'B.md': 'b\n', 'D.md': 'd\n' };
  const vault = fakeVault({ ...original }, new Set(['D.md']));
  const edits = [edit('A.md', original['A.md'], 'A\n'), edit('B.md', 'b\n', null), edit('C.md', null, 'c\n'), edit('D.md', 'd\n', 'D\n')];
  const inverse = [edit('A.md', 'A\n', original['A.md']), edit('B.md', null, 'b\n'), edit('C.md', 'c\n', null), edit('D.md', 'D\n', 'd\n')];
  // D.md's write throws, so its restore throws too: it is reported, the rest restored.
  await assert.rejects(merge.applyEdits(vault, edits, inverse), (err) => {
    assert.ok(err instanceof merge.ApplyError, String(err));
    assert.match(err.message, /writing D\.md failed/);
    assert.deepEqual(err.unrestored, ['D.md']);
    return true;
  });
  assert.deepEqual(Object.fromEntries(vault.map), original, 'every byte back, the created file gone');
});

test('a successful apply then its inverse gives every byte back', async () => {
  const original = { 'A.md': '\uFEFFa  \r\n', 'B.md': 'b' };
  const vault = fakeVault({ ...original });
  const edits = [edit('A.md', original['A.md'], 'A\r\n'), edit('B.md', 'b', null), edit('C.md', null, 'c\n')];
  const inverse = [edit('A.md', 'A\r\n', original['A.md']), edit('B.md', null, 'b'), edit('C.md', 'c\n', null)];
  await merge.applyEdits(vault, edits, inverse);
  assert.deepEqual(Object.fromEntries(vault.map), { 'A.md': 'A\r\n', 'C.md': 'c\n' });
  await merge.applyEdits(vault, inverse);
  assert.deepEqual(Object.fromEntries(vault.map), original);
});

test('undoEntryFrom keeps a well-formed entry and drops a malformed one', () => {
  const inverse = [edit('A.md', 'A\n', 'a\n')];
  assert.deepEqual(merge.undoEntryFrom({ lastMerge: { inverse, when: 5, label: 'x' } }), { inverse, when: 5, label: 'x' });
  assert.equal(merge.undoEntryFrom({ lastMerge: { inverse: [{ path: 3 }] } }), null);
  assert.equal(merge.undoEntryFrom({ lastMerge: null }), null);
  assert.equal(merge.undoEntryFrom(null), null);
});
