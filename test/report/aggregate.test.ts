import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupRecords, summarize, metricOf, sampleStd, canonicalName, compareMethods } from '../../src/report/aggregate.ts';
import { decimalsFor, markBest, toCsv, toLatex, toMarkdown, toJson, texEscape, type Table } from '../../src/report/render.ts';
import { dtiTable, recsysTable, wilcoxonTable } from '../../src/report/tables.ts';
import { InputError } from '../../src/core/errors.ts';
import { record, dtiRecords, recsysRecords } from './fixtures.ts';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);

const hand = () =>
  [
    [0, 0, 0.1],
    [0, 1, 0.3],
    [1, 0, 0.5],
    [1, 1, 0.7],
  ].map(([rep, fold, v]) => record({ dataset: 'e', setting: 'CVS1', method: 'sgmc', repetition: rep, fold }, { rmse: v, auc: 1 - v }));

test('summarize: repetition and fold conventions on a hand example', () => {
  const recs = hand();
  const r = summarize(recs, metricOf('rmse'), 'repetition')!;
  close(r.mean, 0.4);
  close(r.std, Math.sqrt(0.08)); // rep means 0.2, 0.6
  assert.equal(r.n, 2);
  assert.deepEqual(r.units.map((u) => u.unit), [0, 1]);
  const f = summarize(recs, metricOf('rmse'), 'fold')!;
  close(f.mean, 0.4);
  close(f.std, Math.sqrt(0.02)); // fold means 0.3, 0.5
  assert.equal(summarize(recs, metricOf('aupr')), undefined);
  close(sampleStd([1, 2, 3, 4]), Math.sqrt(5 / 3));
  assert.ok(Number.isNaN(sampleStd([1])));
});

test('summarize: folds without a metric are skipped and counted', () => {
  const recs = hand();
  delete recs[1].metrics.auc;
  const s = summarize(recs, metricOf('auc'))!;
  assert.equal(s.missing, 1);
  assert.equal(s.tasks, 3);
  close(s.mean, (0.9 + (0.5 + 0.3) / 2) / 2);
});

test('groupRecords: duplicates and malformed records are input errors', () => {
  const recs = hand();
  assert.throws(() => groupRecords([...recs, { ...recs[0], key: 'other' }]), (e: unknown) => e instanceof InputError && /two records/.test(e.message));
  const bad = hand();
  (bad[2].metrics as { rmse: number }).rmse = NaN;
  assert.throws(() => groupRecords(bad), /metrics\.rmse/);
  const noSetting = hand();
  (noSetting[0].task as { setting?: string }).setting = '';
  assert.throws(() => groupRecords(noSetting), /task\.setting/);
});

test('groupRecords: variants of one method in one cell get distinct labels; kinds detected', () => {
  const a = hand();
  const b = hand().map((r) => ({ ...r, key: r.key + 'b', task: { ...r.task, params: { lr: 2 } } }));
  const gs = groupRecords([...a, ...b, ...recsysRecords()]);
  const labels = gs.filter((g) => g.dataset === 'e').map((g) => g.label);
  assert.equal(new Set(labels).size, 2);
  assert.ok(labels.every((l) => l.startsWith('sgmc #')));
  assert.ok(gs.filter((g) => g.dataset === 'douban').every((g) => g.kind === 'ratings'));
  assert.ok(gs.filter((g) => g.dataset === 'e').every((g) => g.kind === 'dti'));
});

test('markBest: max for AUC-like, min for RMSE, ties at 4 decimals all marked, lone values not marked', () => {
  const row = () => [{ text: 'x' }, { text: '', mean: 0.91231 }, { text: '', mean: 0.91234 }, { text: '', mean: 0.5 }];
  const hi = row();
  markBest(hi, [1, 2, 3], true);
  assert.deepEqual(hi.map((c) => !!(c as { best?: boolean }).best), [false, true, true, false]);
  const lo = row();
  markBest(lo, [1, 2, 3], false);
  assert.deepEqual(lo.map((c) => !!(c as { best?: boolean }).best), [false, false, false, true]);
  const lone = [{ text: '', mean: 0.3 }, { text: '—' }];
  markBest(lone, [0, 1], true);
  assert.equal((lone[0] as { best?: boolean }).best, undefined);
});

test('dtiTable: Table 6 layout, method order, best marked per row, optimistic kept apart', () => {
  const gs = groupRecords(dtiRecords({ reps: 3, folds: 4 }));
  const t = dtiTable('leak-free', 'leak-free', 'train', gs, 'repetition')!;
  assert.deepEqual(t.columns.map((c) => c.label), ['dataset', 'setting', 'metric', 'mgrnnm', 'grmf', 'sgmc']);
  assert.equal(t.rows.length, 2 * 3 * 3);
  assert.deepEqual(t.rows.slice(0, 3).map((r) => r.slice(0, 3).map((c) => c.text)), [
    ['e', 'CVS1', 'AUC'],
    ['e', 'CVS1', 'AUPR'],
    ['e', 'CVS1', 'RMSE'],
  ]);
  for (const row of t.rows) {
    const vals = row.slice(3).map((c) => c.mean!);
    const metric = row[2].text;
    const want = metric === 'RMSE' ? Math.min(...vals) : Math.max(...vals);
    row.slice(3).forEach((c) => assert.equal(!!c.best, c.mean === want, `${row.map((x) => x.text).join(' ')}`));
    assert.equal(row[5].best, true); // the fixture makes sgmc best everywhere
  }
  assert.ok(t.notes.some((n) => /per repetition the mean over its folds/.test(n)));
  assert.equal(t.meta.aggregation, 'repetition');
  const o = dtiTable('leak-free', 'leak-free', 'train', gs, 'fold', true)!;
  assert.equal(o.id, 'optimistic-dti-leak-free');
  assert.ok(/OPTIMISTIC/.test(o.title));
  assert.ok(o.rows.every((r) => r[2].text === 'RMSE')); // the fixture has optimistic RMSE only
  assert.ok(o.rows.every((r) => r[3].text === '—' && r[5].mean !== undefined));
  // optimistic numbers never enter the main table
  const mainSgmc = t.rows.filter((r) => r[2].text === 'RMSE').map((r) => r[5].mean!);
  const optSgmc = o.rows.map((r) => r[5].mean!);
  mainSgmc.forEach((v, i) => close(v - optSgmc[i], 0.01, 1e-9));
});

test('recsysTable: one row per dataset, lowest RMSE marked', () => {
  const gs = groupRecords(recsysRecords());
  const t = recsysTable('leak-free', 'leak-free', 'train', gs, 'repetition')!;
  assert.deepEqual(t.rows.map((r) => r[0].text), ['flixster', 'douban']);
  for (const r of t.rows) {
    const vals = r.slice(2).map((c) => c.mean!);
    assert.equal(r.slice(2).find((c) => c.best)!.mean, Math.min(...vals));
  }
  assert.equal(dtiTable('x', 'x', 'train', gs, 'repetition'), undefined);
});

test('decimalsFor: 4 decimals down to 0.01, then enough for 3 significant digits (capped at 8)', () => {
  assert.equal(decimalsFor([0.9123, 0.0441, 0.01]), 4);
  assert.equal(decimalsFor([0.2553, 0.00237]), 5);
  assert.equal(decimalsFor([0.00057]), 6);
  assert.equal(decimalsFor([1e-12]), 8);
  assert.equal(decimalsFor([undefined, Number.NaN, 0, -0.0021]), 5);
  assert.equal(decimalsFor([]), 4);
});

test('recsysTable: a row of small RMSEs is shown to 3 significant digits and its best told apart', () => {
  // Synthetic Netflix scale: at 4 decimals 0.00223 and 0.00237 would read 0.0022 / 0.0024 and 0.00198 / 0.00201 tie
  const recs = [
    ['bias', 0.25534],
    ['sgmc', 0.0019761],
    ['sgmc-t5', 0.0020102],
  ].map(([method, rmse]) => record({ dataset: 'synthetic-netflix', setting: 'fixed', method: method as string, repetition: 0, fold: 0 }, { rmse: rmse as number }));
  const t = recsysTable('leak-free', 'leak-free', 'none', groupRecords(recs), 'repetition')!;
  const [row] = t.rows;
  const byLabel = (l: string) => row[t.columns.findIndex((c) => c.label === l)];
  assert.equal(byLabel('sgmc').text, '0.00198');
  assert.equal(byLabel('sgmc-t5').text, '0.00201');
  assert.equal(byLabel('bias').text, '0.25534');
  assert.deepEqual(['bias', 'sgmc', 'sgmc-t5'].map((l) => !!byLabel(l).best), [false, true, false]);
  // DTI-scale rows keep 4 decimals
  const dti = recsysTable('x', 'x', 'none', groupRecords(recsysRecords()), 'repetition')!;
  assert.ok(dti.rows.every((r) => r.slice(2).every((c) => /^\d\.\d{4}( ± \d\.\d{4})?$/.test(c.text))), JSON.stringify(dti.rows));
});

test('wilcoxonTable: a consistent difference is significant after Holm; identical methods are not', () => {
  const recs = [];
  for (let rep = 0; rep < 5; rep++) {
    for (let fold = 0; fold < 10; fold++) {
      const base = 0.8 + 0.01 * Math.sin(rep * 10 + fold);
      recs.push(record({ dataset: 'e', setting: 'CVS1', method: 'a', repetition: rep, fold }, { auc: base + 0.02, aupr: base, rmse: 0.1 }));
      recs.push(record({ dataset: 'e', setting: 'CVS1', method: 'b', repetition: rep, fold }, { auc: base, aupr: base, rmse: 0.1 }));
    }
  }
  const t = wilcoxonTable('p', 'p', 'train', groupRecords(recs))!;
  const auc = t.rows.find((r) => r[2].text === 'AUC')!;
  assert.equal(auc[5].mean, 50);
  assert.ok(auc[10].mean! < 1e-10);
  assert.equal(auc[11].text, 'a');
  assert.equal(auc[12].text, 'yes');
  const aupr = t.rows.find((r) => r[2].text === 'AUPR')!;
  assert.ok(Number.isNaN(aupr[9].mean!)); // all differences zero
  assert.equal(aupr[12].text, 'no');
});

test('renderers: escaping and formats', () => {
  const t: Table = {
    id: 't',
    title: 'T_1 & co',
    meta: { protocol: 'leak-free' },
    notes: ['a note'],
    columns: [
      { label: 'name', kind: 'text' },
      { label: 'm|x', kind: 'stat' },
    ],
    rows: [[{ text: 'a,"b"' }, { text: '0.5000 ± 0.1000', mean: 0.5, std: 0.1, n: 5, best: true }]],
  };
  const csv = toCsv(t);
  assert.equal(csv, 'protocol,name,m|x mean,m|x std,m|x n,best\nleak-free,"a,""b""",0.5,0.1,5,m|x\n');
  const md = toMarkdown(t);
  assert.ok(md.includes('| name | m\\|x |'));
  assert.ok(md.includes('**0.5000 ± 0.1000**'));
  const tex = toLatex(t);
  assert.ok(tex.includes('\\textbf{0.5000 $\\pm$ 0.1000}'));
  assert.ok(tex.includes('T\\_1 \\& co'));
  assert.equal(texEscape('50% $x_1$ {a}'), '50\\% \\$x\\_1\\$ \\{a\\}');
  assert.equal(texEscape('a\\b'), 'a\\textbackslash{}b'); // the braces of the replacement are not re-escaped
  assert.equal(texEscape('§4 ± σ'), '\\S{}4 $\\pm$ $\\sigma$');
  const js = JSON.parse(toJson(t));
  assert.deepEqual(js.rows[0]['m|x'], { mean: 0.5, std: 0.1, n: 5, best: true });
});

test('canonical names and method order', () => {
  assert.equal(canonicalName('Es'), 'e');
  assert.equal(canonicalName('GPCRs'), 'gpcr');
  assert.equal(canonicalName('flixster-users'), 'flixster-u');
  assert.equal(canonicalName('synthetic_netflix'), 'synthetic-netflix');
  assert.equal(canonicalName('movielens'), 'ml-100k');
  assert.deepEqual(['zz', 'sgmc', 'aa', 'mgrnnm', 'grmf'].sort(compareMethods), ['mgrnnm', 'grmf', 'sgmc', 'aa', 'zz']);
});

test('groupRecords: the same label and parameters with different selection grids are two configurations', () => {
  const sel = (v: number) => ({ metric: 'aupr' as const, fraction: 0.1, grid: [{ muR: 0.02 }, { muR: v }] });
  const a = record({ dataset: 'e', setting: 'CVS1', method: 'sgmc', repetition: 0, fold: 0, select: sel(0.1) }, { aupr: 0.5, rmse: 0.1 });
  const b = record({ dataset: 'e', setting: 'CVS1', method: 'sgmc', repetition: 0, fold: 0, select: sel(0.2) }, { aupr: 0.6, rmse: 0.1 });
  const plain = record({ dataset: 'e', setting: 'CVS1', method: 'sgmc', repetition: 0, fold: 0 }, { aupr: 0.7, rmse: 0.1 });
  const gs = groupRecords([a, b, plain]);
  assert.equal(gs.length, 3);
  assert.equal(new Set(gs.map((g) => g.label)).size, 3);
  assert.ok(gs.every((g) => g.label.startsWith('sgmc #')));
  // without selection the label hash is the parameters' alone (labels of existing runs do not change)
  assert.throws(() => groupRecords([a, { ...a, key: 'other' }]), InputError);
});
