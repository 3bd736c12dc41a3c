import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cli, tmp, bin, baseArgs, toyPlugin } from '../orchestration/helpers.ts';

const STAGES = ['fetch', 'splits', 'graphs', 'run', 'report', 'predict', 'all'];

test('--help works for the program and every stage', async () => {
  const top = await cli(['--help']);
  assert.equal(top.code, 0);
  for (const s of STAGES) assert.match(top.out, new RegExp(`\\b${s}\\b`));
  for (const s of STAGES) {
    const r = await cli([s, '--help']);
    assert.equal(r.code, 0, s);
    for (const flag of ['--config', '--outdir', '--profile', '--datasets', '--methods', '--protocol', '--jobs', '--executor', '--no-resume', '--save-predictions', '--mirror', '--offline']) {
      assert.ok(r.out.includes(flag), `${s} --help lacks ${flag}`);
    }
  }
  const p = await cli(['predict', '--help']);
  for (const flag of ['--method', '--top', '--per', '--drug', '--target', '--setting']) assert.ok(p.out.includes(flag), `predict --help lacks ${flag}`);
  const bad = await cli(['predict', '--setting', 'CVS9']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /--setting.*CVS9.*CVS1, CVS2, CVS3/);
});

test('bin/dti.js runs through tsx and returns the exit code', () => {
  const ok = spawnSync(process.execPath, [bin, 'run', '--help'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /Usage: dti run/);
  const bad = spawnSync(process.execPath, [bin, 'run', '--repetitions', 'two', '--print-config'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /cv\.repetitions: must be integer, got "two"/);
});

test('invalid configuration: exit 2, every problem listed, nothing written', async () => {
  const out = join(tmp('cli-bad'), 'run');
  const r = await cli(['run', '-o', out, '--settings', 'CVS1,CVS9', '--repetitions', '0', '--protocol', 'published', '--profiles', 'none']);
  assert.equal(r.code, 2);
  assert.match(r.err, /settings\[1\]: must be one of/);
  assert.match(r.err, /cv\.repetitions: must be >= 1/);
  assert.ok(!existsSync(out), 'no output directory for an invalid config');
  const r2 = await cli(['run', '-o', out, '--protocol', 'published', '--profiles', 'none']);
  assert.equal(r2.code, 2);
  assert.match(r2.err, /field profiles: profiles 'none' contradicts protocol 'published'/);
  assert.ok(!existsSync(out));
});

test('unknown methods and bad hyper-parameters are caught before any work', async () => {
  const dir = tmp('cli-method');
  const out = join(dir, 'run');
  const r = await cli(['run', ...baseArgs(out, [], 'toy,slwo')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /methods\[1\]\.name: unknown method 'slwo' \(hint: did you mean 'slow'\?/);
  assert.ok(!existsSync(out));
  const cfg = join(dir, 'c.json');
  writeFileSync(cfg, JSON.stringify({ methods: [{ name: 'toy', params: { alpha: 2, beta: 1 } }], plugins: [toyPlugin] }));
  const p = await cli(['run', '--config', cfg, ...baseArgs(out, [], null)]);
  assert.equal(p.code, 2);
  assert.match(p.err, /methods\[0\]\.params\.alpha: must be <= 1/);
  assert.match(p.err, /methods\[0\]\.params\.beta: unknown key 'beta'/);
  const pr = await cli(['run', ...baseArgs(out, [], null), '--config', cfg.replace('c.json', 'p.json')]);
  assert.equal(pr.code, 2);
  assert.ok(!existsSync(out));
});

test('--print-config shows the resolved configuration', async () => {
  const r = await cli(['all', '--profile', 'test', '--jobs', '3', '--print-config']);
  assert.equal(r.code, 0, r.err);
  const c = JSON.parse(r.out);
  assert.equal(c.executor.jobs, 3);
  assert.deepEqual(c.datasets, ['nr']);
  assert.ok(c.outdir.endsWith('outputs/test'));
});

test('a bare --folds file needs exactly one dataset', async () => {
  const r = await cli(['splits', '--datasets', 'nr,gpcr', '--folds', 'x.json', '--print-config']);
  assert.equal(r.code, 2);
  assert.match(r.err, /dataset\[:setting\]=FILE/);
  const ok = await cli(['splits', '--datasets', 'nr', '--folds', 'x.json', '--print-config']);
  assert.equal(ok.code, 0, ok.err);
  assert.ok(JSON.parse(ok.out).cv.foldFiles.nr.endsWith('/x.json'));
});
