import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gapCsv, gapMarkdown, protocolGap } from '../../bench/protocol-gap.ts';
import { record } from '../report/fixtures.ts';

const rec = (protocol: string, method: string, repetition: number, fold: number, aupr: number, auc: number) =>
  record({ dataset: 'gpcr', setting: 'CVS1', repetition, fold, method, protocol, profiles: protocol === 'published' ? 'full' : 'train' }, { aupr, auc, rmse: 0.1 });

test('protocol gap: paired fold differences, Wilcoxon with Holm, means over repetitions, best method per protocol', () => {
  const pub = [];
  const lf = [];
  for (let rep = 0; rep < 2; rep++) {
    for (let fold = 0; fold < 5; fold++) {
      const k = rep * 5 + fold;
      // sgmc loses 0.1 + k/1000 AUPR under leak-free on every fold; grmf loses little and wins leak-free
      pub.push(rec('published', 'sgmc', rep, fold, 0.9 + k / 100, 0.95));
      lf.push(rec('leak-free', 'sgmc', rep, fold, 0.8 + k / 100 - k / 1000, 0.95));
      pub.push(rec('published', 'grmf', rep, fold, 0.85, 0.9 + (k % 2 ? 0.01 : -0.01)));
      lf.push(rec('leak-free', 'grmf', rep, fold, 0.845, 0.9));
    }
  }
  // a fold only the published run has is not paired
  pub.push(rec('published', 'sgmc', 2, 0, 0.1, 0.1));
  const { rows, best } = protocolGap(pub, lf);
  const sg = rows.find((r) => r.method === 'sgmc' && r.metric === 'aupr')!;
  assert.equal(sg.folds, 10);
  // published repetition means 0.92 and 0.97 -> 0.945; leak-free 0.92 - 0.1 - 0.002 and 0.97 - 0.1 - 0.007
  assert.ok(Math.abs(sg.published.mean - 0.945) < 1e-12);
  assert.ok(Math.abs(sg.leakFree.mean - (0.945 - 0.1 - 0.0045)) < 1e-12);
  assert.ok(Math.abs(sg.published.std - Math.SQRT1_2 * 0.05) < 1e-12);
  assert.ok(Math.abs(sg.meanDiff + 0.1045) < 1e-12);
  // all 10 differences negative: exact two-sided p = 2 / 2^10; Holm over the 2 AUPR cells doubles the smaller p
  assert.ok(Math.abs(sg.p - 2 / 1024) < 1e-12);
  assert.ok(Math.abs(sg.pHolm - 4 / 1024) < 1e-12);
  // grmf AUC: differences +-0.01 alternate, no shift
  const ga = rows.find((r) => r.method === 'grmf' && r.metric === 'auc')!;
  assert.ok(Math.abs(ga.meanDiff) < 1e-12);
  assert.ok(ga.p > 0.5);
  // sgmc AUC identical on every fold: no non-zero difference, p NaN, not in the Holm family
  const sa = rows.find((r) => r.method === 'sgmc' && r.metric === 'auc')!;
  assert.ok(Number.isNaN(sa.p) && Number.isNaN(sa.pHolm));
  assert.deepEqual(best.find((b) => b.metric === 'aupr'), { dataset: 'gpcr', setting: 'CVS1', metric: 'aupr', published: 'sgmc', leakFree: 'grmf' });
  const md = gapMarkdown(rows, best, ['# t']);
  assert.match(md, /\| gpcr \| CVS1 \| 0\.850 -> 0\.845 \(-0\.005; /);
  assert.match(md, /changes between the protocols in 1 of 2 .*gpcr CVS1 AUPR sgmc -> grmf/);
  assert.equal(gapCsv(rows).trim().split('\n').length, 1 + 4);
});

test('protocol gap: two records for one fold of a run are refused', () => {
  const r = rec('published', 'sgmc', 0, 0, 0.9, 0.9);
  assert.throws(() => protocolGap([r, r], []), /run A has two records for sgmc\|gpcr\|CVS1\|0\/0/);
});
