import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asymmetry, fromRows, get, mat } from '../../src/core/matrix.ts';
import { knnMask, knnMaskBySort, knnSparsify } from '../../src/graphs/knn.ts';
import { randomSim } from './fixtures.ts';

test('p-NN mask: p+1 entries per row, symmetrised mask in {0, 1/2, 1}, W = N o S', () => {
  const n = 30;
  const S = randomSim(n, 3);
  for (const p of [0, 1, 5, 29, 40]) {
    const M = knnMask(S, p);
    for (let i = 0; i < n; i++) {
      let deg = 0;
      for (let j = 0; j < n; j++) deg += get(M, i, j);
      assert.equal(deg, Math.min(p + 1, n), `row ${i} degree for p=${p}`);
      assert.equal(get(M, i, i), 1, 'self is the largest entry (unit diagonal)');
    }
    const W = knnSparsify(S, p);
    assert.equal(asymmetry(W), 0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const nij = (get(M, i, j) + get(M, j, i)) / 2;
        assert.equal(get(W, i, j), nij * get(S, i, j));
      }
    }
  }
});

test('p-NN picks the largest entries; one-sided edges keep half weight', () => {
  const S = fromRows([
    [1, 0.9, 0.1, 0.2],
    [0.9, 1, 0.3, 0.8],
    [0.1, 0.3, 1, 0.05],
    [0.2, 0.8, 0.05, 1],
  ]);
  const W = knnSparsify(S, 1);
  // row 0 picks 1; row 1 picks 0; row 2 picks 1; row 3 picks 1
  assert.equal(get(W, 0, 1), 0.9);
  assert.equal(get(W, 1, 2), 0.5 * 0.3, 'chosen by node 2 only');
  assert.equal(get(W, 1, 3), 0.5 * 0.8, 'chosen by node 3 only');
  assert.equal(get(W, 0, 2), 0);
  assert.equal(get(W, 2, 2), 1);
});

test('p-NN ties are broken by column index (stable descending sort)', () => {
  const n = 6;
  const S = mat(n, n);
  S.data.fill(0.5);
  const M = knnMask(S, 2);
  for (let i = 0; i < n; i++) {
    assert.deepEqual(
      Array.from({ length: n }, (_, j) => get(M, i, j)),
      [1, 1, 1, 0, 0, 0],
      `row ${i}`,
    );
  }
  assert.throws(() => knnMask(S, -1), /non-negative integer/);
  assert.throws(() => knnMask(mat(2, 3), 1), /square/);
});

test('p-NN buffer selection agrees with the full-sort reference (ties, NaN, -Infinity)', () => {
  const n = 40;
  const S = randomSim(n, 17);
  for (let k = 0; k < S.data.length; k++) S.data[k] = Math.round(S.data[k] * 4) / 4; // many ties
  S.data[3] = NaN;
  S.data[n + 7] = -Infinity;
  for (const p of [0, 1, 3, 10, 39]) {
    const fast = knnMask(S, p);
    const ref = knnMaskBySort(S, p + 1);
    assert.deepEqual(Array.from(fast.data), Array.from(ref.data), `p=${p}`);
  }
  const big = randomSim(80, 2);
  assert.deepEqual(Array.from(knnMask(big, 70).data), Array.from(knnMaskBySort(big, 71).data));
});
