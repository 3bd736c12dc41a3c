import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairRuns } from '../../src/report/pair-runs.ts';
import { record } from './fixtures.ts';

const rec = (method: string, setting: string, repetition: number, fold: number, aupr: number) =>
  record({ dataset: 'nr', setting, repetition, fold, method, protocol: 'leak-free', profiles: 'train' }, { aupr, auc: 0.9, rmse: 0.1 });

test('pairRuns matches tasks by method, dataset, setting, repetition and fold, grouped by cell, and counts the unmatched', () => {
  const a = [rec('sgmc', 'CVS1', 0, 0, 0.1), rec('sgmc', 'CVS1', 0, 1, 0.2), rec('sgmc', 'CVS1', 1, 0, 0.3), rec('grmf', 'CVS1', 0, 0, 0.4), rec('sgmc', 'CVS2', 0, 0, 0.5)];
  const b = [rec('sgmc', 'CVS1', 1, 0, 0.31), rec('sgmc', 'CVS1', 0, 0, 0.11), rec('grmf', 'CVS1', 0, 0, 0.41), rec('grmf', 'CVS3', 0, 0, 0.6), rec('grmf', 'CVS3', 0, 1, 0.7)];
  const { cells, onlyA, onlyB } = pairRuns(a, b);
  assert.deepEqual([...cells.keys()], ['sgmc|nr|CVS1', 'grmf|nr|CVS1']);
  // same repetition and fold on both sides, whatever the order of b
  assert.deepEqual(cells.get('sgmc|nr|CVS1')!.map(([x, y]) => [x.metrics.aupr, y.metrics.aupr]), [[0.1, 0.11], [0.3, 0.31]]);
  assert.deepEqual(cells.get('grmf|nr|CVS1')!.map(([x, y]) => [x.metrics.aupr, y.metrics.aupr]), [[0.4, 0.41]]);
  assert.equal(onlyA, 2, 'sgmc CVS1 0/1 and sgmc CVS2');
  assert.equal(onlyB, 2, 'grmf CVS3 0/0 and 0/1');
  assert.throws(() => pairRuns(a, [b[0], b[0]]), /run B has two records for sgmc\|nr\|CVS1\|1\/0/);
});
