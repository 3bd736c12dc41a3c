import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asymmetry, eye, get, mat, transpose, type Mat } from '../../src/core/matrix.ts';
import { combinatorialLaplacian, degrees, normalizedLaplacian } from '../../src/graphs/laplacian.ts';
import { knnSparsify } from '../../src/graphs/knn.ts';
import { availableEngines, maxAbsDiff, mul, randomSim } from './fixtures.ts';

/** Block-diagonal adjacency: sparsified random blocks of the given sizes (self-loops kept), plus isolated nodes. */
function components(sizes: number[], isolated: number, seed: number): Mat {
  const n = sizes.reduce((a, b) => a + b, 0) + isolated;
  const W = mat(n, n);
  let off = 0;
  sizes.forEach((s, b) => {
    const B = knnSparsify(randomSim(s, seed + b), Math.min(3, s - 1));
    for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) W.data[(off + i) * n + off + j] = B.data[i * s + j];
    off += s;
  });
  return W;
}

const countZeros = (values: Float64Array, tol: number): number => values.filter((v) => Math.abs(v) < tol).length;

test('combinatorial Laplacian: symmetric, L1 = 0, self-loops cancel', () => {
  const W = components([7, 5], 1, 10);
  const L = combinatorialLaplacian(W);
  assert.equal(asymmetry(L), 0);
  const n = W.rows;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += get(L, i, j);
    assert.ok(Math.abs(s) < 1e-12, `row ${i} sum ${s}`);
  }
  const W2 = mat(n, n, W.data);
  for (let i = 0; i < n; i++) W2.data[i * n + i] += 3;
  assert.ok(maxAbsDiff(combinatorialLaplacian(W2), L) < 1e-15, 'self-loops do not change L');
});

test('normalized Laplacian: symmetric, D^1/2 1 in the kernel, isolated nodes have zero rows', () => {
  const W = components([6, 4], 2, 20);
  const L = normalizedLaplacian(W);
  assert.equal(asymmetry(L), 0);
  const d = degrees(W);
  const n = W.rows;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += get(L, i, j) * Math.sqrt(d[j]);
    assert.ok(Math.abs(s) < 1e-12, `(L D^1/2 1)[${i}] = ${s}`);
    if (d[i] > 0) assert.ok(Math.abs(get(L, i, i) - (1 - get(W, i, i) / d[i])) < 1e-12, 'L_ii = 1 - W_ii/d_i');
  }
  for (const i of [n - 2, n - 1]) {
    assert.equal(d[i], 0);
    for (let j = 0; j < n; j++) assert.equal(get(L, i, j), 0);
  }
});

test('every engine: PSD, zero-eigenvalue multiplicity = components, residual and orthonormality', async () => {
  const engines = await availableEngines();
  assert.ok(engines.some((e) => e.name === 'js'));
  // 3 blocks + 2 isolated nodes = 5 connected components
  const W = components([9, 6, 4], 2, 30);
  const n = W.rows;
  for (const engine of engines) {
    for (const L of [combinatorialLaplacian(W), normalizedLaplacian(W)]) {
      const { values, vectors } = engine.eigh(L);
      assert.equal(values.length, n);
      for (let i = 1; i < n; i++) assert.ok(values[i] >= values[i - 1], `${engine.name}: ascending`);
      assert.ok(values[0] > -1e-10, `${engine.name}: PSD, smallest eigenvalue ${values[0]}`);
      assert.equal(countZeros(values, 1e-9), 5, `${engine.name}: zero eigenvalues = components`);
      const LPhi = mul(L, vectors);
      const PhiLam = mat(n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) PhiLam.data[i * n + j] = vectors.data[i * n + j] * values[j];
      assert.ok(maxAbsDiff(LPhi, PhiLam) < 1e-9, `${engine.name}: residual ${maxAbsDiff(LPhi, PhiLam)}`);
      assert.ok(maxAbsDiff(mul(transpose(vectors), vectors), eye(n)) < 1e-9, `${engine.name}: orthonormal`);
    }
  }
});

test('a connected graph has exactly one zero eigenvalue', async () => {
  const W = knnSparsify(randomSim(25, 5), 24); // dense
  const { values } = (await availableEngines())[0].eigh(combinatorialLaplacian(W));
  assert.equal(countZeros(values, 1e-9), 1);
});
