// node --test tests/tools/ : the benchmark harness still builds and runs.
// scripts/bench.sh is not part of CI (it takes minutes and wants a quiet
// machine), so a change that breaks one of its builds went unnoticed once
// (the md4c-alone module stopped linking when the deps' md4c began calling
// vaultcrm_md4c_strchr). Here: that module is built and parses, and the
// Node side of the bench times the engine and md4c on the sample vault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const depsMd4c = join(root, '.deps', 'wasm-prefix', 'lib', 'libmd4c.a');
const engineModule = join(root, 'build', 'wasm', 'vaultcrm-node.js');
const emcc = spawnSync('emcc', ['--version'], { encoding: 'utf8' });
const missing = emcc.status !== 0 ? 'emcc is not installed'
  : !existsSync(depsMd4c) ? `${depsMd4c} is missing (scripts/build-wasm.sh builds it)`
  : !existsSync(engineModule) ? `${engineModule} is missing (scripts/build-wasm.sh)`
  : null;

test('bench: md4c alone builds for wasm against the deps and parses notes', { skip: missing ?? false, timeout: 300_000 }, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'vaultcrm-bench-')), 'md4c-node.js');
  const build = spawnSync('bash', [join(root, 'bench/wasm/build-md4c-bench.sh'), out], { encoding: 'utf8' });
  assert.equal(build.status, 0, `build-md4c-bench.sh failed:\n${build.stderr.slice(-2000)}`);
  const m = await require(out)();
  const docs = ['# A\n\n| a | b |\n|---|---|\n| [[X]] | *y* |\n', '- [ ] task [[Y|z]] ~~s~~\n> quote `code`\n'].map((d) => Buffer.from(d));
  const total = docs.reduce((s, d) => s + d.length, 0);
  const buf = m._malloc(total), offs = m._malloc(4 * (docs.length + 1));
  let at = 0;
  docs.forEach((d, i) => { m.HEAPU32[(offs >> 2) + i] = at; m.HEAPU8.set(d, buf + at); at += d.length; });
  m.HEAPU32[(offs >> 2) + docs.length] = at;
  assert.equal(m._md4c_bench_run(buf, offs, docs.length), 0, 'every document parses');

  // The Node side of the bench on the sample vault: one timed run of the
  // md4c-alone and engine stages, each a JSON line with a time.
  const run = spawnSync(process.execPath, [join(root, 'bench/js/run.mjs'), 'vault', join(root, 'sample-vault'),
    '--label', 'sample', '--runs', '1', '--only', 'md4c,index,pairs'], { encoding: 'utf8', env: { ...process.env, MD4C_WASM: out } });
  assert.equal(run.status, 0, `bench/js/run.mjs failed:\n${run.stderr.slice(-2000)}`);
  const rows = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
  for (const stage of ['wasm_md4c', 'wasm_index']) {
    const row = rows.find((r) => r.stage === stage);
    assert.ok(row, `a ${stage} row`);
    assert.equal(row.notes, 36);
    assert.ok(row.median_ms > 0);
  }
  // Targets 3 and 4 as per-round ratios: one ratio per timed round, each the
  // JS time over the wasm time of that same round.
  for (const stage of ['js_regex_lite/wasm_index', 'js_markdown_it/wasm_index']) {
    const row = rows.find((r) => r.impl === 'pair' && r.stage === stage);
    assert.ok(row, `a ${stage} row`);
    assert.equal(row.ratios.length, row.wasm_runs_ms.length);
    assert.ok(row.ratios.length >= 9);
    row.ratios.forEach((x, i) => assert.ok(Math.abs(x - row.js_runs_ms[i] / row.wasm_runs_ms[i]) < 1e-9));
    assert.ok(row.median_ratio > 0 && Number.isFinite(row.median_ratio));
  }
});
