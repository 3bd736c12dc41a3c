import { test } from 'node:test';
import assert from 'node:assert/strict';
import { innerSplit, innerSeed } from '../../src/select/inner-split.ts';
import { innerView } from '../../src/select/inner-view.ts';
import { chooseBest } from '../../src/select/choose.ts';
import { makeFolds, trainCells, trainingView } from '../../src/splits/index.ts';
import { mat } from '../../src/core/matrix.ts';

const R = 20;
const C = 15;
const union = (a: Int32Array, b: Int32Array): number[] => [...a, ...b].sort((x, y) => x - y);

for (const setting of ['CVS1', 'CVS2', 'CVS3'] as const) {
  test(`inner split ${setting}: only training cells, a partition of them, deterministic per seed, fraction respected`, () => {
    const set = makeFolds(setting, R, C, { repetitions: 1, folds: 5 });
    const fold = set.folds[2];
    const cells = trainCells(R, C, fold);
    const test = new Set(fold.testCells);
    const s = innerSplit(setting, R, C, cells, 0.2, 11);
    for (const c of s.validation) assert.ok(!test.has(c), `validation cell ${c} is a test cell`);
    assert.deepEqual(union(s.fit, s.validation), [...cells]);
    assert.ok(s.validation.length > 0 && s.fit.length > 0);
    assert.deepEqual(innerSplit(setting, R, C, cells, 0.2, 11), s);
    assert.notDeepEqual(innerSplit(setting, R, C, cells, 0.2, 12).validation, s.validation);
    if (setting === 'CVS1') {
      assert.equal(s.validation.length, Math.round(0.2 * cells.length));
      assert.equal(s.groups, undefined);
    } else {
      const byRow = setting === 'CVS2';
      const groupOf = (c: number): number => (byRow ? Math.floor(c / C) : c % C);
      const held = new Set(s.groups);
      // whole rows (columns): every training cell of a held group is validation, no other cell is
      for (const c of cells) assert.equal(held.has(groupOf(c)), s.validation.includes(c));
      const present = new Set([...cells].map(groupOf)).size;
      assert.equal(held.size, Math.round(0.2 * present));
      // outer test rows (columns) have no training cells, so they are never picked
      const outer = new Set(byRow ? fold.testRows : fold.testCols);
      for (const g of held) assert.ok(!outer.has(g));
    }
  });
}

test('inner split of rating cells (fixed) and its errors', () => {
  const cells = Int32Array.from([3, 8, 9, 40, 41, 77, 100, 120, 133, 200]);
  const s = innerSplit('fixed', 15, 15, cells, 0.3, 5);
  assert.equal(s.validation.length, 3);
  assert.deepEqual(union(s.fit, s.validation), [...cells]);
  // at least one validation cell even when round(fraction * n) = 0
  assert.equal(innerSplit('fixed', 15, 15, cells, 0.01, 5).validation.length, 1);
  assert.throws(() => innerSplit('fixed', 15, 15, Int32Array.from([4]), 0.5, 1), /leaves no training cells/);
  // one row with training cells: holding it out leaves nothing
  assert.throws(() => innerSplit('CVS2', 4, 5, Int32Array.from([5, 6, 7]), 0.1, 1), /leaves no rows with training cells/);
  assert.throws(() => innerSplit('CVS1', 4, 5, Int32Array.from([1, 2, 3]), 0, 1), /fraction/);
  assert.throws(() => innerSplit('CVS1', 4, 5, Int32Array.from([1, 2, 30]), 0.3, 1), /outside/);
});

test('inner seeds differ from the task seed and between tasks', () => {
  assert.notEqual(innerSeed(1), innerSeed(2));
  assert.notEqual(innerSeed(1), 1);
  assert.ok(Number.isInteger(innerSeed(99)) && innerSeed(99) >= 0);
});

test('inner view zeroes Y and W on the validation cells only, leaving the outer view untouched', () => {
  const Y = mat(3, 3, [1, 0, 1, 0, 1, 1, 1, 0, 0]);
  const fold = { repetition: 0, fold: 0, testCells: Int32Array.from([0]) };
  const view = trainingView(Y, fold);
  const inner = innerView(view, Int32Array.from([2, 4]));
  assert.deepEqual([...inner.Y.data], [0, 0, 0, 0, 0, 1, 1, 0, 0]);
  assert.deepEqual([...inner.W.data], [0, 1, 0, 1, 0, 1, 1, 1, 1]);
  assert.deepEqual([...view.Y.data], [0, 0, 1, 0, 1, 1, 1, 0, 0]);
  assert.throws(() => innerView(view, Int32Array.from([9])), /outside/);
});

test('chooseBest: higher AUPR/AUC, lower RMSE; ties and undefined values go to the earliest entry', () => {
  assert.equal(chooseBest([0.2, 0.5, 0.4], 'aupr'), 1);
  assert.equal(chooseBest([0.9, 0.5, 0.4], 'rmse'), 2);
  assert.equal(chooseBest([0.3, 0.3], 'auc'), 0);
  assert.equal(chooseBest([NaN, 0.1, 0.1], 'aupr'), 1);
  assert.equal(chooseBest([NaN, NaN], 'aupr'), 0);
  assert.equal(chooseBest([0.5, NaN, 0.2], 'rmse'), 2);
  assert.throws(() => chooseBest([], 'aupr'));
});
