/**
 * The native addon itself: it must be built on CI (process.env.CI set => a missing addon FAILS), it checks shapes and
 * buffer lengths instead of reading out of bounds, and it exposes thread control and its OpenBLAS configuration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAddon } from '../../src/engine/native.ts';
import { getEngine } from '../../src/engine/registry.ts';
import { nativeStatus, randMat, ref } from './fixtures.ts';

const status = nativeStatus();
const skip = !status.ok && !process.env.CI ? `native addon not built here: ${status.why}` : false;

test('native addon loads (required when CI is set)', { skip }, () => {
  assert.ok(status.ok, status.why);
});

test('native: thread control and provenance', { skip }, async () => {
  const e = await getEngine('native', { threads: 1 });
  const b = loadAddon();
  assert.equal(b.getThreads(), 1);
  assert.match(e.backend, /^openblas [\d.]+ \S+, 1 thread$/);
  const v = e.versions!();
  assert.match(v.openblas, /OpenBLAS \d+\.\d+/);
  assert.equal(v.threads, '1');
  const e2 = await getEngine('native', { threads: 2 });
  assert.equal(b.getThreads(), 2);
  assert.match(e2.backend, /2 threads/);
  await assert.rejects(getEngine('native', { threads: 0 }), /threads must be/);
  b.setThreads(1);
});

test('native: bad shapes and short buffers throw instead of touching memory', { skip }, () => {
  const b = loadAddon();
  const A = new Float64Array(6);
  const B = new Float64Array(6);
  const C = new Float64Array(3);
  assert.throws(() => b.gemmBatch(false, false, 2, 2, 3, 1, A, 0, B, 0, 0, C, 1), /C has 3 elements, needs 4/);
  assert.throws(() => b.gemmBatch(false, false, 2, 3, 3, 1, A, 0, B, 0, 0, new Float64Array(6), 1), /B has 6/);
  assert.throws(() => b.gemmBatch(false, false, 2, 2, 3, 1, A, 6, B, 0, 0, new Float64Array(8), 2), /A has 6/);
  assert.throws(() => b.gemmBatch(false, false, 2, 2, 3, 1, new Float32Array(6), 0, B, 0, 0, new Float64Array(4), 1), /dtype/);
  assert.throws(() => b.gemmBatch(false, false, -1, 2, 3, 1, A, 0, B, 0, 0, C, 1), /integer >= 0/);
  assert.throws(() => b.syevd(3, new Float64Array(8), new Float64Array(3)), /A has 8/);
  assert.throws(() => b.syevd(2, new Float32Array(4), new Float64Array(2)), /same dtype/);
  assert.throws(() => b.syrk(false, 2, 3, new Float64Array(5), new Float64Array(4)), /A has 5/);
  assert.throws(() => b.syrk(true, 3, 2, A, new Float64Array(8)), /C has 8/);
  assert.throws(() => b.syrk(false, 2, 3, A, new Float32Array(4)), /same dtype/);
  assert.throws(() => b.posv(2, 1, new Float64Array([1, 2, 2, 1]), new Float64Array(2)), /not positive definite/);
  assert.throws(() => b.qr(2, 3, new Float64Array(6)), /m >= n/);
  assert.throws(() => b.axpby(1, A, 1, new Float64Array(5), new Float64Array(6)), /lengths differ/);
  assert.throws(() => b.mul(A, B, new Float32Array(6)), /dtype/);
  assert.throws(() => b.scaleRowsCols(true, 2, 2, 3, A, new Float64Array(2), new Float64Array(12)), /X has 6/);
  assert.throws(() => b.scaleRowsCols(false, 1, 2, 3, A, new Float64Array(2), new Float64Array(6)), /v has 2/);
  assert.throws(() => b.transpose(2, 4, A, new Float64Array(8)), /X has 6/);
  assert.equal(b.reduce(2, Float64Array.from([1, 2, 3]), Float64Array.from([4, 5, 6])), 32);
});

test('native: 3-D x 2-D broadcast product (one tall gemm) with transB equals per-item products', { skip }, async () => {
  const e = await getEngine('native', { dtype: 'float64' });
  const items = [0, 1, 2].map((q) => randMat(4, 5, 50 + q));
  const w = randMat(3, 5, 60);
  const out = e.downloadBatch(e.matmul(e.uploadBatch(items), e.upload(w), { transB: true }));
  out.forEach((m, q) => assert.ok(ref.diff(m, ref.matmul(items[q], w, false, true)) < 1e-12));
});

test('native: tensors of the other dtype are converted', { skip }, async () => {
  const e32 = await getEngine('native', { dtype: 'float32' });
  const e64 = await getEngine('native', { dtype: 'float64' });
  const a = randMat(3, 4, 1);
  const p = e32.download(e32.matmul(e64.upload(a), e64.upload(a), { transB: true }));
  assert.ok(ref.diff(p, ref.matmul(a, a, false, true)) < 1e-5);
});

test('native: a Gram product (same tensor, one transpose) goes through syrk: equal to the gemm, exactly symmetric', { skip }, async () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const e = await getEngine('native', { dtype });
    const tol = dtype === 'float64' ? 1e-12 : 1e-4;
    for (const [r, c] of [[5, 7], [7, 5], [1, 3], [40, 33]]) {
      const a = randMat(r, c, r * 100 + c);
      const t = e.upload(a);
      const left = e.download(e.matmul(t, t, { transB: true }));
      const right = e.download(e.matmul(t, t, { transA: true }));
      // a separate copy of the same values takes the gemm path: the reference
      const gemmLeft = e.download(e.matmul(t, e.upload(a), { transB: true }));
      assert.ok(ref.diff(left, ref.matmul(a, a, false, true)) < tol, `${dtype} A A^T ${r}x${c}`);
      assert.ok(ref.diff(right, ref.matmul(a, a, true, false)) < tol, `${dtype} A^T A ${r}x${c}`);
      assert.ok(ref.diff(left, gemmLeft) < tol);
      for (const g of [left, right]) {
        for (let i = 0; i < g.rows; i++) for (let j = 0; j < i; j++) assert.equal(g.data[i * g.rows + j], g.data[j * g.rows + i]);
      }
    }
  }
});

test('native: eighSingle (ssyevd) agrees with eigh to float32 accuracy and rejects asymmetric input', { skip }, async () => {
  const e = await getEngine('native', { dtype: 'float32' });
  const a = randMat(30, 45, 7);
  const g = ref.matmul(a, a, false, true);
  const d = e.eigh(g);
  const s = e.eighSingle!(g);
  const scale = d.values[d.values.length - 1];
  assert.equal(s.values.length, 30);
  assert.ok(s.values instanceof Float64Array && s.vectors.data instanceof Float64Array);
  for (let i = 0; i < 30; i++) assert.ok(Math.abs(s.values[i] - d.values[i]) < 1e-5 * scale, `value ${i}`);
  // A v = lambda v for every returned pair, to float32 accuracy
  for (let c = 0; c < 30; c++) {
    for (let i = 0; i < 30; i++) {
      let av = 0;
      for (let j = 0; j < 30; j++) av += g.data[i * 30 + j] * s.vectors.data[j * 30 + c];
      assert.ok(Math.abs(av - s.values[c] * s.vectors.data[i * 30 + c]) < 1e-5 * scale, `pair ${c} row ${i}`);
    }
  }
  const bad = { rows: 2, cols: 2, data: Float64Array.from([1, 2, 3, 1]) };
  assert.throws(() => e.eighSingle!(bad), /not symmetric/);
});

test('native: eigh with consume skips the copy and the checks, same eigenpairs bit for bit', { skip }, async () => {
  const e = await getEngine('native', { dtype: 'float64' });
  const a = randMat(40, 55, 11);
  const g = ref.matmul(a, a, false, true);
  for (let i = 0; i < 40; i++) for (let j = 0; j < i; j++) g.data[i * 40 + j] = g.data[j * 40 + i];
  const plain = e.eigh(g);
  const handed = { rows: 40, cols: 40, data: g.data.slice() };
  const fast = e.eigh(handed, undefined, { consume: true });
  assert.deepEqual(fast.values, plain.values);
  assert.deepEqual(fast.vectors.data, plain.vectors.data);
  assert.equal(fast.vectors.data, handed.data, 'the eigenvectors come back in the handed-over buffer');
  assert.deepEqual(g.data, ref.matmul(a, a, false, true).data.map((v, q) => (q % 40 < Math.floor(q / 40) ? g.data[q] : v)), 'without consume the input is untouched');
  // without consume an asymmetric matrix is refused; with it the caller vouches for symmetry (no check is made)
  const bad = { rows: 2, cols: 2, data: Float64Array.from([1, 2, 3, 1]) };
  assert.throws(() => e.eigh(bad), /not symmetric/);
  assert.doesNotThrow(() => e.eigh({ rows: 2, cols: 2, data: Float64Array.from([1, 2, 3, 1]) }, undefined, { consume: true }));
});
