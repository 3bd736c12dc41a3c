import { test } from 'node:test';
import assert from 'node:assert/strict';
import { targetRows } from '../../bench/table6-target.ts';
import { EXACT, mergeRuns } from '../../bench/published-folds.ts';
import { pairFolds } from '../../bench/recipe-shift.ts';
import { record } from '../report/fixtures.ts';
import type { PublishedEntry } from '../../src/report/published.ts';

const rec = (method: string, setting: string, repetition: number, fold: number, aupr: number, auc: number) =>
  record({ dataset: 'gpcr', setting, repetition, fold, method, protocol: 'published', profiles: 'full' }, { aupr, auc, rmse: 0.1 });
const paper: PublishedEntry[] = [
  { dataset: 'gpcr', setting: 'CVS1', metric: 'aupr', method: 'sgmc', mean: 0.8, std: 0.02, printed: '' },
  { dataset: 'gpcr', setting: 'CVS1', metric: 'auc', method: 'sgmc', mean: 0.9, std: 0.01, printed: '' },
  { dataset: 'gpcr', setting: 'CVS2', metric: 'aupr', method: 'sgmc', mean: 0.7, std: 0.02, printed: '' },
  { dataset: 'gpcr', setting: 'CVS1', metric: 'aupr', method: 'grmf', mean: 0.1, std: 0.02, printed: '' },
];

test('table6 target: repetition means, tolerances per metric, sides, missing cells', () => {
  // rep 0 folds (0.79, 0.81) -> 0.80, rep 1 folds (0.80, 0.82) -> 0.81; mean 0.805 (within 0.01 of 0.8)
  const recs = [rec('s', 'CVS1', 0, 0, 0.79, 0.9), rec('s', 'CVS1', 0, 1, 0.81, 0.91), rec('s', 'CVS1', 1, 0, 0.8, 0.91), rec('s', 'CVS1', 1, 1, 0.82, 0.92)];
  recs.push(rec('other', 'CVS2', 0, 0, 0.1, 0.1));
  const rows = targetRows(recs, paper, 's');
  assert.equal(rows.length, 3); // grmf cell and rmse are not SGMC target cells
  const [aupr, auc, cvs2] = rows;
  assert.ok(Math.abs(aupr.reproduced! - 0.805) < 1e-12);
  assert.equal(aupr.verdict, 'yes');
  assert.deepEqual([aupr.reps, aupr.folds], [2, 2]);
  // fold means 0.795 and 0.815 -> sample std 0.01414
  assert.ok(Math.abs(aupr.foldStd! - Math.SQRT2 * 0.01) < 1e-12);
  assert.ok(Math.abs(auc.reproduced! - 0.91) < 1e-12);
  assert.equal(auc.verdict, 'above'); // +0.01 > 0.005
  assert.equal(cvs2.verdict, 'no data');
  assert.equal(targetRows([rec('s', 'CVS1', 0, 0, 0.7, 0.9)], paper, 's')[0].verdict, 'below');
});

test('table6 target against another paper method; published-folds merges runs per label and cell, skipping misprints', () => {
  const rows = targetRows([rec('grmf-as-run', 'CVS1', 0, 0, 0.1, 0.5)], paper, 'grmf-as-run', 'grmf');
  assert.equal(rows.length, 1);
  assert.deepEqual([rows[0].paper, rows[0].verdict, rows[0].flag], [0.1, 'yes', null]);
  const typo: PublishedEntry = { dataset: 'gpcr', setting: 'CVS2', metric: 'auc', method: 'sgmc', mean: 0.09, std: 0.01, printed: '', flag: 'typo' };
  const a = targetRows([rec('s', 'CVS1', 0, 0, 0.8, 0.9), rec('s', 'CVS2', 0, 0, 0.7, 0.9)], [...paper, typo], 's');
  const b = targetRows([rec('s', 'CVS1', 0, 0, 0.78, 0.9)], [...paper, typo], 's');
  const merged = mergeRuns({ x: a, m: b }, { s: 'sgmc' });
  assert.equal(merged.length, 3); // gpcr CVS1 AUPR / AUC and CVS2 AUPR; the misprinted CVS2 AUC is left out
  const cvs1 = merged.find((r) => r.setting === 'CVS1' && r.metric === 'aupr')!;
  assert.equal(cvs1.paperMethod, 'sgmc');
  assert.ok(Math.abs(cvs1.runs.x!.diff) <= EXACT);
  assert.ok(Math.abs(cvs1.runs.m!.diff + 0.02) < 1e-12);
  assert.equal(merged.find((r) => r.setting === 'CVS2')!.runs.m, null);
});

test('recipe-shift pairs the two labels fold by fold and skips folds only one of them ran', () => {
  const recs = [rec('sgmc', 'CVS1', 0, 0, 0.8, 0.9), rec('recipe', 'CVS1', 0, 0, 0.82, 0.88), rec('sgmc', 'CVS1', 0, 1, 0.7, 0.9)];
  const pairs = pairFolds(recs, 'sgmc', 'recipe');
  assert.equal(pairs.length, 2); // fold 0: AUPR and AUC; fold 1 has no recipe record
  assert.deepEqual(pairs.map((p) => [p.metric, p.base, p.recipe]), [['auc', 0.9, 0.88], ['aupr', 0.8, 0.82]]);
});
