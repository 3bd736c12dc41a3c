import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { buildReport } from '../../src/report/index.ts';
import { rocPoints, prPoints, thin, singularValueSpec, curvesSpec, fontFiles } from '../../src/report/plots.ts';
import { parseFontWidths } from '../../src/report/fontmetrics.ts';
import { readPredictions } from '../../src/report/predictions.ts';
import { auc, aupr } from '../../src/metrics/index.ts';
import { Rng } from '../../src/core/rng.ts';
import { dtiRecords, recsysRecords } from './fixtures.ts';
import { writeFileSync } from 'node:fs';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);

function traces(seed: number) {
  const r = new Rng(seed);
  const mk = (decay: number) => Array.from({ length: 12 }, (_, t) => Array.from({ length: 8 }, (_, j) => Math.exp(-j * decay) * (1 + t) + 1e-3 * r.next()));
  return { sgmc: mk(0.8), dmf: mk(0.1) };
}

test('buildReport: all tables and plots, byte-identical on a second run', async () => {
  const base = mkdtempSync(join(tmpdir(), 'report-'));
  const recs = [...dtiRecords({ predictionsDir: base, reps: 3, folds: 4 }), ...recsysRecords()];
  const opts = { predictionsDir: base, singularValues: { traces: traces(1) } };
  const a = await buildReport(recs, join(base, 'a'), opts);
  const b = await buildReport([...recs].reverse(), join(base, 'b'), opts);
  const names = a.map((p) => basename(p));
  assert.deepEqual(names, b.map((p) => basename(p)));
  for (const stem of ['dti-leak-free', 'recsys-leak-free', 'wilcoxon-leak-free', 'published-vs-reproduced', 'optimistic-dti-leak-free']) {
    for (const ext of ['md', 'csv', 'tex', 'json']) assert.ok(names.includes(`${stem}.${ext}`), `${stem}.${ext}`);
  }
  for (const stem of ['aupr-bars-leak-free', 'curves-e-CVS1', 'singular-values']) {
    assert.ok(names.includes(`${stem}.svg`) && names.includes(`${stem}.png`), stem);
    const png = readFileSync(join(base, 'a', `${stem}.png`));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.length > 5000);
    assert.ok(readFileSync(join(base, 'a', `${stem}.svg`), 'utf8').startsWith('<svg'));
  }
  for (const n of names) assert.ok(readFileSync(join(base, 'a', n)).equals(readFileSync(join(base, 'b', n))), `${n} differs between runs`);
  // no temp files left behind
  assert.ok(readdirSync(join(base, 'a')).every((f) => !f.includes('.tmp-')));
  // CSV parses, every table states its aggregation
  const rows = parse(readFileSync(join(base, 'a', 'dti-leak-free.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 2 * 3 * 3);
  assert.ok(rows.every((r) => r.aggregation === 'repetition' && r.protocol === 'leak-free'));
  assert.ok(readFileSync(join(base, 'a', 'dti-leak-free.md'), 'utf8').includes('aggregation: **repetition**'));
  // the optimistic numbers appear only in the optimistic table
  const main = readFileSync(join(base, 'a', 'dti-leak-free.md'), 'utf8');
  assert.ok(!/OPTIMISTIC/.test(main));
  assert.ok(/OPTIMISTIC/.test(readFileSync(join(base, 'a', 'optimistic-dti-leak-free.md'), 'utf8')));
  const manifest = JSON.parse(readFileSync(join(base, 'a', 'manifest.json'), 'utf8'));
  assert.equal(manifest.aggregation, 'repetition');
  assert.equal(manifest.files.length, names.length - 1);
});

test('buildReport: fold aggregation option, no plots, selected formats', async () => {
  const base = mkdtempSync(join(tmpdir(), 'report-'));
  const out = await buildReport(dtiRecords({ reps: 2, folds: 3 }), base, { aggregation: 'fold', plots: false, formats: ['json'], published: false });
  assert.deepEqual(out.map((p) => basename(p)).sort(), ['dti-leak-free.json', 'manifest.json', 'optimistic-dti-leak-free.json', 'report.md', 'wilcoxon-leak-free.json']);
  const t = JSON.parse(readFileSync(join(base, 'dti-leak-free.json'), 'utf8'));
  assert.equal(t.meta.aggregation, 'fold');
  assert.equal(t.rows[0].sgmc.n, 3); // std over 3 folds
  await assert.rejects(buildReport([], base, { aggregation: 'bogus' as 'fold' }), /unknown aggregation/);
  // a later report without the optimistic numbers removes the stale optimistic table it no longer writes
  writeFileSync(join(base, 'keep.txt'), 'not ours');
  const plain = dtiRecords({ reps: 2, folds: 3 }).map((r) => ({ ...r, metrics: { ...r.metrics, optimistic: undefined } }));
  await buildReport(plain, base, { aggregation: 'fold', plots: false, formats: ['json'], published: false });
  assert.ok(!existsSync(join(base, 'optimistic-dti-leak-free.json')));
  assert.ok(existsSync(join(base, 'dti-leak-free.json')) && existsSync(join(base, 'keep.txt')));
});

test('curve points: trapezoid ROC area = auc(); PR step area = block-rule AP', () => {
  const r = new Rng(3);
  for (let it = 0; it < 20; it++) {
    const n = 50 + r.int(100);
    const labels = Array.from({ length: n }, () => (r.next() < 0.3 ? 1 : 0) as number);
    const scores = labels.map((l) => Math.round((l + r.normal()) * 4) / 4); // ties
    if (!labels.some((l) => l) || labels.every((l) => l)) continue;
    const roc = rocPoints(scores, labels);
    let area = 0;
    for (let i = 1; i < roc.length; i++) area += ((roc[i].x - roc[i - 1].x) * (roc[i].y + roc[i - 1].y)) / 2;
    close(area, auc(scores, labels), 1e-12);
    const pr = prPoints(scores, labels);
    let ap = 0;
    for (let i = 1; i < pr.length; i++) ap += (pr[i].x - pr[i - 1].x) * pr[i].y;
    close(ap, aupr(scores, labels, { ties: 'block' }), 1e-12);
    assert.deepEqual(roc[roc.length - 1], { x: 1, y: 1 });
  }
  const many = Array.from({ length: 5000 }, (_, i) => ({ x: i / 4999, y: Math.sqrt(i / 4999) }));
  const t = thin(many, 100);
  assert.ok(t.length <= 210 && t.length > 50);
  assert.deepEqual(t[0], many[0]);
  assert.deepEqual(t[t.length - 1], many[many.length - 1]);
});

test('plot specs: bad traces are rejected; curve legend carries AUC/AP', () => {
  assert.throws(() => singularValueSpec({ sgmc: [[1, NaN]] }), /singular value 1 of sgmc at checkpoint 0 is NaN/);
  const spec = curvesSpec([{ method: 'm', scores: [0.9, 0.1], labels: [1, 0] }], 't') as { hconcat: { data: { values: { series: string }[] } }[] };
  assert.equal(spec.hconcat[0].data.values[0].series, 'm (pooled AUC 1.000)');
  assert.equal(spec.hconcat[1].data.values[0].series, 'm (pooled AP 1.000)');
});

test('predictions files: JSON and TSV, errors name file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pred-'));
  writeFileSync(join(dir, 'a.json'), JSON.stringify({ cells: [1, 2], scores: [0.5, 0.1], labels: [1, 0] }));
  assert.deepEqual([...(await readPredictions(join(dir, 'a.json'))).scores], [0.5, 0.1]);
  writeFileSync(join(dir, 'b.tsv'), 'cell\tscore\tlabel\n3\t0.2\t0\n4\t0.7\t1\n');
  assert.deepEqual([...(await readPredictions(join(dir, 'b.tsv'))).labels], [0, 1]);
  writeFileSync(join(dir, 'c.tsv'), 'cell\tscore\tlabel\n3\tabc\t0\n');
  await assert.rejects(readPredictions(join(dir, 'c.tsv')), /c\.tsv, line 2, column 2/);
  writeFileSync(join(dir, 'd.json'), JSON.stringify({ scores: [1], labels: [1, 0] }));
  await assert.rejects(readPredictions(join(dir, 'd.json')), /1 scores but 2 labels/);
});

test('font metrics: DejaVu Sans advance widths (when the font is installed)', (t) => {
  const f = fontFiles().find((x) => /DejaVuSans\.ttf$/.test(x));
  if (!f || !existsSync(f)) return t.skip('DejaVu Sans not installed (Debian: fonts-dejavu-core)');
  const w = parseFontWidths(readFileSync(f));
  close(w.advance(32), 651 / 2048); // space
  close(w.advance(65), 1401 / 2048); // 'A'
  close(w.width('AA', 10), (2 * 1401 * 10) / 2048);
  assert.ok(w.advance(0x3c3) > 0.5); // sigma is mapped
});

test('singular-value traces saved by the run stage are found and plotted', async () => {
  const { singularValueTraces } = await import('../../src/report/traces.ts');
  const { groupRecords } = await import('../../src/report/aggregate.ts');
  const { record } = await import('./fixtures.ts');
  const base = mkdtempSync(join(tmpdir(), 'traces-'));
  const tr = traces(2);
  const recs = ['sgmc', 'dmf'].flatMap((method) =>
    [0, 1].map((fold) => {
      const rel = `traces/${method}-${fold}.json`;
      if (fold === 1) {
        const its = tr[method as 'sgmc' | 'dmf'].map((_, t) => [t * 50]);
        writeFileSync(join(base, rel.replace('/', '-')), JSON.stringify({ loss: [[1]], singularValues: tr[method as 'sgmc' | 'dmf'], singularValueIterations: its }));
      }
      return Object.assign(record({ dataset: 'ml-100k', setting: 'given', method, repetition: 0, fold }, { rmse: 0.9 }), fold === 1 ? { traces: rel.replace('/', '-') } : {});
    }),
  );
  const sv = (await singularValueTraces(groupRecords(recs), base))!;
  assert.deepEqual(Object.keys(sv.traces), ['dmf', 'sgmc']);
  assert.deepEqual(sv.traces.sgmc, tr.sgmc);
  assert.equal(sv.iterations!.dmf[3], 150);
  assert.match(sv.title.subtitle, /ml-100k given, repetition 0, fold 1/);
  const out = await buildReport(recs, join(base, 'out'), { predictionsDir: base, formats: ['md'] });
  assert.ok(out.some((p) => p.endsWith('singular-values.png')));
  writeFileSync(join(base, 'traces-sgmc-1.json'), JSON.stringify({ singularValues: [[1, 'x']] }));
  await assert.rejects(singularValueTraces(groupRecords(recs), base), /singularValues must be an array/);
});
