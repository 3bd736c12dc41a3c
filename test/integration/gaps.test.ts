/**
 * End-to-end checks of the run-stage integrations, through the CLI on nr (CVS1, 2 of 3 folds, js engine):
 * optimistic numbers, singular-value traces and their plot, the fetch report, predict flags, runner-side WKNKN,
 * the graphs stage filling the eigenbasis cache, and the cold-row policy in records and keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tmp, toyPlugin, listFiles } from '../orchestration/helpers.ts';
import { repoRoot } from '../helpers/paths.ts';

const echoPlugin = join(repoRoot, 'test/integration/fixtures/echo-method.ts');
const common = (out: string): string[] => [
  '--datasets', 'nr', '--settings', 'CVS1', '--repetitions', '1', '--n-folds', '3', '--only-folds', '0,1',
  '--engine', 'js', '--offline', '-o', out, '--jobs', '1',
];
const readJson = (f: string): any => JSON.parse(readFileSync(f, 'utf8'));
const records = (out: string): any[] =>
  listFiles(join(out, 'records')).map((f) => readJson(join(out, 'records', f)));

test('optimistic numbers and singular-value traces: SGMC vs DMF, end to end to the report', async () => {
  const out = tmp('gaps-sv');
  const cfg = join(out, 'config.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      methods: [
        { name: 'sgmc', preset: 'dti-fast', params: { iterations: 40 }, traces: { singularValues: 6, every: 10 } },
        { name: 'dmf', params: { iterations: 40 }, traces: { singularValues: 6, every: 10 } },
      ],
    }),
  );
  const r = await cli(['all', '-c', cfg, ...common(out), '--optimistic']);
  assert.equal(r.code, 0, r.err);
  const recs = records(out);
  assert.equal(recs.length, 4);
  for (const rec of recs) {
    // optimistic numbers kept apart, never below the final iterate's (the last iteration is always probed)
    const o = rec.metrics.optimistic;
    assert.ok(o, `${rec.task.method}: metrics.optimistic missing`);
    assert.ok(o.aupr >= rec.metrics.aupr - 1e-12 && o.auc >= 0 && o.iteration >= 0 && o.iteration <= 40);
    assert.ok(!Object.keys(rec.info).some((k) => k.startsWith('optimistic')), 'optimistic numbers left in info');
    assert.equal(rec.task.coldRows, 'chemical-only');
    // traces file next to the records: 0, 10, 20, 30, 40
    assert.equal(rec.traces, join('traces', 'nr', 'CVS1', rec.task.method, `rep0-fold${rec.task.fold}.json`));
    const t = readJson(join(out, rec.traces));
    assert.deepEqual(t.singularValueIterations, [[0], [10], [20], [30], [40]]);
    assert.equal(t.singularValues.length, 5);
    for (const sv of t.singularValues) {
      assert.equal(sv.length, 6);
      for (let k = 1; k < sv.length; k++) assert.ok(sv[k] <= sv[k - 1] + 1e-9, 'singular values not descending');
    }
    // training moves the spectrum
    assert.ok(Math.abs(t.singularValues[4][0] - t.singularValues[0][0]) > 1e-6);
  }
  const files = listFiles(join(out, 'report'));
  assert.ok(files.includes('singular-values.png') && files.includes('singular-values.svg'), files.join(', '));
  const optimistic = files.filter((f) => f.startsWith('optimistic') && f.endsWith('.md'));
  assert.ok(optimistic.length > 0, files.join(', '));
  assert.match(readFileSync(join(out, 'report', optimistic[0]), 'utf8'), /OPTIMISTIC/);
  const svg = readFileSync(join(out, 'report', 'singular-values.svg'), 'utf8');
  assert.match(svg, /sgmc/);
  assert.match(svg, /dmf/);
});

test('fetch keeps its report in pipeline_info/fetch.json and prints it', async () => {
  const out = tmp('gaps-fetch');
  const r = await cli(['fetch', '--datasets', 'nr', '--offline', '-o', out]);
  assert.equal(r.code, 0, r.err);
  const rep = readJson(join(out, 'pipeline_info', 'fetch.json'));
  assert.equal(rep.nr.dataset, 'nr');
  assert.ok(rep.nr.files.length >= 3);
  for (const f of rep.nr.files) assert.match(r.err, new RegExp(`\\[fetch\\]\\s+${f.name.replace('.', '\\.')}\\s`));
  assert.match(r.err, /\[fetch\] nr: \d+ files in /);
});

test('predict: --per target, --drug, --target and --top', async () => {
  const out = tmp('gaps-predict');
  const base = ['predict', '--datasets', 'nr', '--methods', 'toy', '--plugin', toyPlugin, '--engine', 'js', '--offline', '-o', out];
  const rows = (): string[][] =>
    readFileSync(join(out, 'predict', 'nr-toy.tsv'), 'utf8').trim().split('\n').filter((l) => !l.startsWith('#')).map((l) => l.split('\t'));
  assert.equal((await cli([...base, '--per', 'target', '--top', '2'])).code, 0);
  const perTarget = rows();
  const head = perTarget[0];
  const ti = head.indexOf('target');
  const di = head.indexOf('drug');
  assert.ok(ti >= 0 && di >= 0, head.join(','));
  const counts = new Map<string, number>();
  for (const r of perTarget.slice(1)) counts.set(r[ti], (counts.get(r[ti]) ?? 0) + 1);
  assert.ok(counts.size > 10);
  assert.ok([...counts.values()].every((n) => n <= 2));
  const drug = perTarget[1][di];
  assert.equal((await cli([...base, '--drug', drug, '--top', '3'])).code, 0);
  const one = rows().slice(1);
  assert.equal(one.length, 3);
  assert.ok(one.every((r) => r[di] === drug));
  const target = perTarget[1][ti];
  assert.equal((await cli([...base, '--target', target, '--top', '2'])).code, 0);
  assert.ok(rows().slice(1).every((r) => r[ti] === target));
  const bad = await cli([...base, '--per', 'pair']);
  assert.equal(bad.code, 2);
});

test('runner-side WKNKN for any method (never twice); no probe without report.optimistic; cold rows recorded', async () => {
  const out = tmp('gaps-wknkn');
  const cfg = join(out, 'config.json');
  writeFileSync(
    cfg,
    JSON.stringify({ methods: [{ name: 'echo-y', label: 'echo-plain' }, { name: 'echo-y', label: 'echo-wknkn', wknkn: { K: 3 } }] }),
  );
  const r = await cli(['run', '-c', cfg, '--plugin', echoPlugin, ...common(out), '--cold-rows', 'naive']);
  assert.equal(r.code, 0, r.err);
  const recs = records(out);
  for (const x of recs) {
    assert.equal(x.task.coldRows, 'naive');
    assert.equal(x.info.probed, 0);
    assert.equal(x.metrics.optimistic, undefined);
  }
  assert.notEqual(recs[0].key, recs[2].key);
  const plain = recs.filter((x) => x.task.method === 'echo-plain');
  const smoothed = recs.filter((x) => x.task.method === 'echo-wknkn');
  assert.equal(plain.length, 2);
  for (const x of plain) {
    assert.equal(x.task.wknkn, undefined);
    assert.equal(x.info.fractional, 0);
    assert.ok(Math.abs(x.metrics.auc - 0.5) < 1e-12, 'test cells of the raw training matrix are all 0');
  }
  for (const x of smoothed) {
    assert.deepEqual(x.task.wknkn, { K: 3, eta: 0.7 });
    assert.ok(x.info.fractional > 0);
    assert.ok(x.metrics.auc > 0.6, `WKNKN scores should rank test positives: AUC ${x.metrics.auc}`);
  }
  // a baseline with its own wknkn parameter refuses the runner's too
  const cfg2 = join(out, 'config2.json');
  writeFileSync(cfg2, JSON.stringify({ methods: [{ name: 'grmf', wknkn: { K: 3 }, params: { wknkn: { K: 5 } } }] }));
  const r2 = await cli(['run', '-c', cfg2, ...common(join(out, 'two'))]);
  assert.equal(r2.code, 2);
  assert.match(r2.err, /methods\[0\]\.wknkn/);
});

test('graphs stage fills the eigenbasis cache ahead of the run (profiles none); tasks only read it', async () => {
  const out = tmp('gaps-graphs');
  const cfg = join(out, 'config.json');
  writeFileSync(cfg, JSON.stringify({ profiles: 'none', methods: [{ name: 'sgmc', params: { iterations: 5, p: 8 } }, 'grmf'] }));
  const g = await cli(['graphs', '-c', cfg, ...common(out)]);
  assert.equal(g.code, 0, g.err);
  assert.match(g.err, /2 eigenbases cached, 2 Laplacians checked/);
  const cacheFiles = (): string[] => (existsSync(join(out, 'graphs')) ? listFiles(join(out, 'graphs')) : []);
  const before = cacheFiles();
  assert.ok(before.length >= 2, before.join(', '));
  const r = await cli(['run', '-c', cfg, ...common(out)]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(cacheFiles(), before);
  for (const rec of records(out)) assert.equal(rec.task.profiles, 'none');
});

test("graphs stage also caches the selection candidates' eigenbases, so the selecting tasks only read the cache", async () => {
  const out = tmp('gaps-graphs-select');
  const cfg = join(out, 'config.json');
  // the candidate p = 6 asks for a row basis the method's own params (p = 8) do not
  const sgmc = { name: 'sgmc', params: { iterations: 5, p: 8 }, select: { grid: [{ muR: 0.01 }, { p: 6 }], fraction: 0.2 } };
  writeFileSync(cfg, JSON.stringify({ profiles: 'none', methods: [sgmc] }));
  const g = await cli(['graphs', '-c', cfg, ...common(out)]);
  assert.equal(g.code, 0, g.err);
  assert.match(g.err, /3 eigenbases cached/);
  const cacheFiles = (): string[] => (existsSync(join(out, 'graphs')) ? listFiles(join(out, 'graphs')) : []);
  const before = cacheFiles();
  const r = await cli(['run', '-c', cfg, ...common(out)]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(cacheFiles(), before);
  const recs = records(out);
  assert.ok(recs.length > 0);
  for (const x of recs) assert.ok([0, 1].includes(x.info.select_choice) && Number.isFinite(x.info.select_1_aupr), 'both candidates were fitted and scored');
});

test("reuse: an earlier run's finished tasks are copied with their predictions and traces; a changed parameter runs again", async () => {
  const base = tmp('gaps-reuse');
  const methods = (lambdaL: number) => [
    { name: 'sgmc', preset: 'dti-fast', params: { iterations: 20 }, traces: { singularValues: 3, every: 10 } },
    { name: 'grmf', params: { lambdaL } },
  ];
  const run = async (name: string, cfgValue: Record<string, unknown>) => {
    const cfg = join(base, `${name}.json`);
    writeFileSync(cfg, JSON.stringify(cfgValue));
    const r = await cli(['run', '-c', cfg, ...common(join(base, name)), '--save-predictions']);
    assert.equal(r.code, 0, r.err);
    return r;
  };
  await run('a', { methods: methods(1) });
  const b = await run('b', { methods: methods(1), reuse: [join(base, 'a')] });
  assert.match(b.err, /reuse: 4 task\(s\) copied from /);
  assert.match(b.err, /4 task\(s\): 4 reused \(4 copied from earlier runs\), 0 computed/);
  const files = (name: string): string[] => listFiles(join(base, name)).filter((f) => /^(records|predictions|traces)\//.test(f)).sort();
  assert.ok(files('a').some((f) => f.startsWith('traces/')) && files('a').some((f) => f.startsWith('predictions/')));
  assert.deepEqual(files('b'), files('a'));
  for (const f of files('a')) assert.equal(readFileSync(join(base, 'b', f), 'utf8'), readFileSync(join(base, 'a', f), 'utf8'), f);
  // GRMF with another lambdaL has other keys: its tasks run, SGMC's are copied
  const c = await run('c', { methods: methods(2), reuse: [join(base, 'a')] });
  assert.match(c.err, /reuse: 2 task\(s\) copied/);
  const keyOf = (name: string, method: string) => records(join(base, name)).filter((x) => x.task.method === method).map((x) => x.key).sort();
  assert.deepEqual(keyOf('c', 'sgmc'), keyOf('a', 'sgmc'));
  assert.notDeepEqual(keyOf('c', 'grmf'), keyOf('a', 'grmf'));
  assert.equal(keyOf('c', 'grmf').length, 2);
});
