import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { cli, tmp, baseArgs, listFiles, toyPlugin } from './helpers.ts';
import { recordProblems, readRecord } from '../../src/run/records.ts';
import { readPredictions } from '../../src/run/predictions.ts';
import { auc, aupr } from '../../src/metrics/index.ts';
import { lockOutdir } from '../../src/run/lock.ts';
import { nativeStatus } from '../engine/fixtures.ts';

const native = nativeStatus();
const nativeSkip = !native.ok && !process.env.CI ? `native addon not built here: ${native.why}` : false;

const readTrace = (out: string): string[][] =>
  readFileSync(join(out, 'pipeline_info/trace.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));

test('local run: valid records, predictions, pipeline_info; resume by content key', async () => {
  const out = tmp('run');
  const r = await cli(['run', ...baseArgs(out, ['--jobs', '2', '--save-predictions', '--settings', 'CVS1,CVS3'])]);
  assert.equal(r.code, 0, r.err);
  const recs = listFiles(join(out, 'records'));
  assert.deepEqual(recs, ['nr/CVS1/toy/rep0-fold0.json', 'nr/CVS1/toy/rep0-fold1.json', 'nr/CVS3/toy/rep0-fold0.json', 'nr/CVS3/toy/rep0-fold1.json']);
  for (const f of recs) {
    const rec = JSON.parse(readFileSync(join(out, 'records', f), 'utf8'));
    assert.deepEqual(recordProblems(rec), [], f);
    assert.equal(rec.task.protocol, 'leak-free');
    assert.equal(rec.task.profiles, 'train');
    // the saved predictions give back the record's metrics
    const p = readPredictions(join(out, rec.predictions));
    assert.equal(p.cells.length, rec.nTest);
    assert.ok(Math.abs(auc(p.scores, p.labels) - rec.metrics.auc) < 1e-12);
    assert.ok(Math.abs(aupr(p.scores, p.labels) - rec.metrics.aupr) < 1e-12);
    assert.equal(p.labels.reduce((a, b) => a + b, 0), rec.nPositives);
  }
  // CVS3 test cells are whole columns: every test column is complete
  const p3 = readPredictions(join(out, 'predictions/nr/CVS3/toy/rep0-fold0.tsv'));
  const cols = new Set(p3.cols);
  assert.equal(p3.cells.length, cols.size * 54);
  const info = join(out, 'pipeline_info');
  assert.deepEqual(listFiles(info), ['checksums.json', 'config.json', 'trace.tsv', 'versions.json']);
  assert.equal(JSON.parse(readFileSync(join(info, 'config.json'), 'utf8')).outdir, out);
  assert.match(JSON.parse(readFileSync(join(info, 'versions.json'), 'utf8')).node, /^v\d+/);
  const engineInfo = JSON.parse(readFileSync(join(info, 'versions.json'), 'utf8')).engine;
  assert.equal(engineInfo.name, 'js');
  assert.match(engineInfo.versions.mlMatrix, /^\d+\.\d+/);
  assert.equal(Object.keys(JSON.parse(readFileSync(join(info, 'checksums.json'), 'utf8')).nr).length, 3);
  const trace = readTrace(out);
  assert.equal(trace.length, 4);
  assert.ok(trace.every((row) => row.length === 8 && row[1].startsWith('local:') && row[7] === 'ok' && Number(row[5]) >= 0));

  // resume: nothing to do
  const again = await cli(['run', ...baseArgs(out, ['--save-predictions', '--settings', 'CVS1,CVS3'])]);
  assert.equal(again.code, 0, again.err);
  assert.match(again.err, /4 reused, 0 computed/);
  // a truncated record is not taken as valid: only that task runs again
  const victim = join(out, 'records/nr/CVS1/toy/rep0-fold1.json');
  const text = readFileSync(victim, 'utf8');
  writeFileSync(victim, text.slice(0, text.length / 2));
  assert.equal(readRecord(victim), null);
  const fixed = await cli(['run', ...baseArgs(out, ['--save-predictions', '--settings', 'CVS1,CVS3'])]);
  assert.equal(fixed.code, 0, fixed.err);
  assert.match(fixed.err, /3 reused, 1 computed/);
  assert.equal(readFileSync(victim, 'utf8').replace(/"timing"[^}]*}/, ''), text.replace(/"timing"[^}]*}/, ''));
  // other hyper-parameters = other keys: everything runs again
  const cfg = join(out, 'alpha.json');
  writeFileSync(cfg, JSON.stringify({ methods: [{ name: 'toy', params: { alpha: 0.9 } }] }));
  const changed = await cli(['run', '--config', cfg, ...baseArgs(out, ['--settings', 'CVS1,CVS3'], null)]);
  assert.equal(changed.code, 0, changed.err);
  assert.match(changed.err, /0 reused, 4 computed/);
  const rec = JSON.parse(readFileSync(victim, 'utf8'));
  assert.equal(rec.task.params.alpha, 0.9);
  // trace keeps the rows of every invocation
  assert.equal(readTrace(out).length, 4 + 1 + 4);
});

test('a crashing worker fails only its task; retries recover, exhausted retries exit 1', async () => {
  const out = tmp('crash');
  const cfg = join(out, 'c.json');
  writeFileSync(cfg, JSON.stringify({ methods: ['toy', { name: 'crashy', params: { markerDir: join(out, 'markers') } }] }));
  const r = await cli(['run', '--config', cfg, ...baseArgs(out, ['--jobs', '2', '--retries', '1', '--only-folds', '0'], null)]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /crashy\/rep0-fold0 failed \(will retry\): worker \d+ died \(signal SIGKILL\)/);
  const trace = readTrace(out);
  assert.equal(trace.filter((t) => t[7].startsWith('failed: worker')).length, 1);
  assert.equal(trace.filter((t) => t[7] === 'ok').length, 2);
  assert.deepEqual(listFiles(join(out, 'records')), ['nr/CVS1/crashy/rep0-fold0.json', 'nr/CVS1/toy/rep0-fold0.json']);

  const out2 = tmp('crash-final');
  const cfg2 = join(out2, 'c.json');
  writeFileSync(cfg2, JSON.stringify({ methods: ['toy', { name: 'crashy', params: { markerDir: join(out2, 'markers') } }] }));
  const f = await cli(['run', '--config', cfg2, ...baseArgs(out2, ['--jobs', '1', '--retries', '0', '--only-folds', '0'], null)]);
  assert.equal(f.code, 1);
  assert.match(f.err, /1 computed, 1 failed/);
  assert.match(f.err, /FAILED nr\/CVS1\/crashy\/rep0-fold0: worker \d+ died/);
  assert.deepEqual(listFiles(join(out2, 'records')), ['nr/CVS1/toy/rep0-fold0.json']);
});

test('two runs on one outdir: the second refuses; a dead owner\'s lock is taken over', async () => {
  const out = tmp('lock');
  const release = await lockOutdir(out, 'test holder');
  try {
    const r = await cli(['run', ...baseArgs(out)]);
    assert.equal(r.code, 2);
    assert.match(r.err, /output directory is in use by another pipeline run \(pid \d+ on .*test holder\)/);
    assert.ok(!existsSync(join(out, 'records')));
  } finally {
    await release();
  }
  // what a run killed with SIGKILL leaves: a fresh lock directory and an owner file naming a dead pid
  mkdirSync(join(out, '.dti.lock'));
  writeFileSync(join(out, '.dti.owner.json'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), started: 'then', command: 'killed' }));
  const r2 = await cli(['splits', ...baseArgs(out)]);
  assert.equal(r2.code, 0, r2.err);
  assert.ok(existsSync(join(out, 'folds/nr-CVS1.json')));
  assert.ok(!existsSync(join(out, '.dti.lock')) && !existsSync(join(out, '.dti.owner.json')), 'released at the end');
});

test('plugins given in a config file are loaded by the workers', async () => {
  const out = tmp('plugin');
  const cfg = join(out, 'c.json');
  writeFileSync(cfg, JSON.stringify({ plugins: [toyPlugin], methods: [{ name: 'toy', label: 'toy-a', params: { alpha: 0.2 } }, { name: 'toy', label: 'toy-b', preset: 'published' }] }));
  const r = await cli(['run', '--config', cfg, ...baseArgs(out, ['--only-folds', '0'], null)]);
  assert.equal(r.code, 0, r.err);
  const a = JSON.parse(readFileSync(join(out, 'records/nr/CVS1/toy-a/rep0-fold0.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(out, 'records/nr/CVS1/toy-b/rep0-fold0.json'), 'utf8'));
  assert.equal(a.task.params.alpha, 0.2);
  assert.equal(b.task.params.alpha, 0.8);
  assert.equal(b.task.preset, 'published');
  assert.equal(a.task.methodName, 'toy');
  assert.notEqual(a.key, b.key);
});

test('--blas-core reaches the worker processes: their native engine loads the named OpenBLAS kernels', { skip: nativeSkip }, async () => {
  const out = tmp('blascore');
  const before = process.env.SGMC_BLAS_CORE;
  try {
    const r = await cli(['run', ...baseArgs(out, ['--only-folds', '0', '--engine', 'native', '--blas-core', 'Sandybridge', '--jobs', '1'])]);
    assert.equal(r.code, 0, r.err);
    const rec = JSON.parse(readFileSync(join(out, 'records/nr/CVS1/toy/rep0-fold0.json'), 'utf8'));
    assert.match(rec.engine.backend, /^openblas [\d.]+ Sandybridge, /);
    const bad = await cli(['run', ...baseArgs(tmp('blascore-bad'), ['--blas-core', 'no such'])]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /blasCore/);
  } finally {
    if (before === undefined) delete process.env.SGMC_BLAS_CORE;
    else process.env.SGMC_BLAS_CORE = before;
  }
});
