import { test } from 'node:test';
import assert from 'node:assert/strict';
import { variants, perEntity, type FoldScores } from '../../bench/eval-conventions.ts';
import { aupr, auc } from '../../src/metrics/index.ts';
import { auprTrapezoid } from '../../src/metrics/pr-curve.ts';

const close = (a: number, b: number, msg = '') => assert.ok(Math.abs(a - b) <= 1e-12, `${msg} ${a} vs ${b}`);
const F = (repetition: number, fold: number, pred: number[], y: number[], entity: number[]): FoldScores => ({
  repetition,
  fold,
  pred: Float64Array.from(pred),
  y: Float64Array.from(y),
  entity: Int32Array.from(entity),
});

// two repetitions x two folds; entities 0..3 (CVS2-like: each held out once per repetition); entity 3 has no positive
const folds = [
  F(0, 0, [0.9, 0.2, 0.4, 0.1], [1, 0, 0, 1], [0, 0, 1, 1]),
  F(0, 1, [0.3, 0.8, 0.5, 0.6], [0, 1, 0, 0], [2, 2, 3, 3]),
  F(1, 0, [0.7, 0.6, 0.2, 0.3], [1, 1, 0, 1], [0, 0, 2, 2]),
  F(1, 1, [0.1, 0.9, 0.4, 0.35], [0, 1, 0, 0], [1, 1, 3, 3]),
];

test('fold and pooled variants follow their definitions', () => {
  const v = variants(folds, 'CVS2');
  const foldMean = (f: (s: Float64Array, y: Float64Array) => number, r: number) =>
    folds.filter((x) => x.repetition === r).reduce((a, x) => a + f(x.pred, x.y), 0) / 2;
  for (const r of [0, 1]) {
    close(v['fold:ap'].byRep[r], foldMean((s, y) => aupr(s, y), r), 'fold:ap');
    close(v['fold:auc'].byRep[r], foldMean(auc, r), 'fold:auc');
    close(v['fold:trap-sklearn'].byRep[r], foldMean((s, y) => auprTrapezoid(s, y, { style: 'sklearn' }), r), 'fold:trap');
    const fs = folds.filter((x) => x.repetition === r);
    const s = [...fs[0].pred, ...fs[1].pred];
    const y = [...fs[0].y, ...fs[1].y];
    close(v['pooled:ap'].byRep[r], aupr(s, y), 'pooled:ap');
    close(v['pooled:auc'].byRep[r], auc(s, y), 'pooled:auc');
  }
  close(v['fold:ap'].mean, (v['fold:ap'].byRep[0] + v['fold:ap'].byRep[1]) / 2);
  // pooled differs from the fold mean here
  assert.ok(Math.abs(v['pooled:ap'].mean - v['fold:ap'].mean) > 1e-6);
});

test('entity variants skip entities without positives and count them; none for CVS1', () => {
  const v = variants(folds, 'CVS2');
  // repetition 0: entities 0 [0.9,0.2 | 1,0] AP 1, 1 [0.4,0.1 | 0,1] AP 0.5, 2 [0.3,0.8 | 0,1] AP 1, 3 skipped
  close(v['entity-rep:ap'].byRep[0], (1 + 0.5 + 1) / 3);
  // per fold: fold 0 -> (1 + 0.5)/2, fold 1 -> 1 (entity 3 skipped)
  close(v['entity-fold:ap'].byRep[0], (0.75 + 1) / 2);
  assert.equal(v['entity-rep:ap'].skipped, 2); // entity 3 in both repetitions
  assert.equal(v['entity-rep:ap'].entities, 6);
  // entity 0 of repetition 1 has no negative: AUC skips it as well
  assert.equal(v['entity-rep:auc'].skipped, 3);
  const cv1 = variants(folds, 'CVS1');
  assert.ok(!Object.keys(cv1).some((k) => k.startsWith('entity')));
  assert.ok('fold:ap' in cv1 && 'pooled:auc' in cv1);
  const e = perEntity([folds[0]], (s, y) => aupr(s, y));
  assert.deepEqual(e, { values: [1, 0.5], skipped: 0 });
});
