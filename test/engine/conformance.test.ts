/**
 * Conformance: every operation of the Engine interface, on every engine available here (js, native when built,
 * tfjs-wasm, tfjs-cpu), in float32 and float64, against an independent float64 reference with tolerances.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { eye as eyeMat, mat, transpose as tMat, type Mat } from '../../src/core/matrix.ts';
import type { Engine, Tensor } from '../../src/engine/types.ts';
import { engineCases, lowRank, randMat, randSPD, randSym, ref, tol, withSpectrum } from './fixtures.ts';

/** ||x - y|| <= t * scale, with a readable message */
function close(x: Mat, y: Mat, t: number, scale: number, what: string): void {
  const d = ref.diff(x, y);
  assert.ok(d <= t * Math.max(scale, 1e-300), `${what}: error ${d.toExponential(3)} > ${t} x ${scale.toExponential(3)}`);
}

const slice3 = (rows: number, cols: number, batch: number, seed: number): Mat[] =>
  Array.from({ length: batch }, (_, b) => randMat(rows, cols, seed + 31 * b));

for (const c of engineCases()) {
  describe(`engine ${c.label}`, () => {
    let e: Engine;
    const t = tol(c.dtype);
    before(async () => {
      e = await c.make();
      assert.equal(e.dtype, c.dtype);
    });
    /** run f on uploaded matrices, download, dispose everything */
    const on = (ms: Mat[], f: (...ts: Tensor[]) => Tensor): Mat => {
      const ts = ms.map((m) => e.upload(m));
      const out = f(...ts);
      const r = e.download(out);
      e.dispose(out, ...ts);
      return r;
    };

    test('upload/download round trip, zeros, eye', () => {
      const a = randMat(3, 5, 1);
      close(on([a], (x) => e.add(x, e.zeros(3, 5))), a, t, ref.frob(a), 'round trip');
      const z = e.zeros(2, 4);
      assert.deepEqual([...e.download(z).data], new Array(8).fill(0));
      const i = e.eye(3, 5, 2.5);
      assert.deepEqual(e.download(i), eyeMat(3, 5, 2.5));
      assert.deepEqual([...z.shape], [2, 4]);
      e.dispose(z, i);
    });

    test('dispose: disposed tensors are rejected; recycled memory gives clean zeros, eye and products', () => {
      const big = randMat(40, 50, 3);
      for (let round = 0; round < 3; round++) {
        const x = e.upload(big);
        const y = e.scale(x, 2);
        e.dispose(x, y, x);
        assert.throws(() => e.download(y), /disposed/);
        const z = e.zeros(40, 50);
        assert.ok(e.download(z).data.every((v) => v === 0), 'zeros after reuse');
        const i = e.eye(40, 50, 3);
        assert.deepEqual(e.download(i), eyeMat(40, 50, 3));
        const [a0, b0] = [e.upload(randMat(40, 0, 1)), e.upload(randMat(0, 50, 1))];
        const p = e.matmul(a0, b0);
        assert.ok(e.download(p).data.every((v) => v === 0), 'empty inner dimension gives zeros');
        e.dispose(z, i, p, a0, b0);
      }
    });

    test('uploadBatch/downloadBatch keep order and shape', () => {
      const ms = slice3(2, 3, 4, 10);
      const b = e.uploadBatch(ms);
      assert.deepEqual([...b.shape], [4, 2, 3]);
      const back = e.downloadBatch(b);
      assert.equal(back.length, 4);
      back.forEach((m, i) => close(m, ms[i], t, ref.frob(ms[i]), `batch item ${i}`));
      assert.throws(() => e.download(b), /2-D/);
      assert.throws(() => e.uploadBatch([randMat(2, 3, 1), randMat(3, 2, 1)]), /shape/);
      e.dispose(b);
    });

    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [5, 7, 3],
      [1, 9, 4],
      [6, 1, 5],
      [33, 17, 41],
      [54, 26, 54],
    ];
    for (const [m, k, n] of shapes) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        test(`matmul ${m}x${k}x${n} transA=${ta} transB=${tb}`, () => {
          const a = ta ? randMat(k, m, m * 100 + k) : randMat(m, k, m * 100 + k);
          const b = tb ? randMat(n, k, n * 7 + 3) : randMat(k, n, n * 7 + 3);
          const want = ref.matmul(a, b, ta, tb);
          const got = on([a, b], (x, y) => e.matmul(x, y, { transA: ta, transB: tb }));
          assert.equal(got.rows, m);
          assert.equal(got.cols, n);
          close(got, want, t, ref.frob(a) * ref.frob(b), 'product');
        });
      }
    }

    test('matmul rejects mismatched shapes', () => {
      const a = e.upload(randMat(3, 4, 1));
      const b = e.upload(randMat(5, 2, 2));
      assert.throws(() => e.matmul(a, b), /inner dimensions/);
      const b3 = e.uploadBatch(slice3(4, 2, 3, 1));
      const c3 = e.uploadBatch(slice3(2, 2, 2, 1));
      const a3 = e.uploadBatch(slice3(3, 4, 3, 1));
      assert.throws(() => e.matmul(a3, c3), /batch sizes differ/);
      e.dispose(a, b, b3, c3, a3);
    });

    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      test(`batched matmul 3-D x 3-D, 3-D x 2-D, 2-D x 3-D (transA=${ta} transB=${tb})`, () => {
        const [B, m, k, n] = [4, 5, 6, 3];
        const as = slice3(ta ? k : m, ta ? m : k, B, 100);
        const bs = slice3(tb ? n : k, tb ? k : n, B, 200);
        const a2 = as[0];
        const b2 = bs[1];
        const A3 = e.uploadBatch(as);
        const B3 = e.uploadBatch(bs);
        const A2 = e.upload(a2);
        const B2 = e.upload(b2);
        const o = { transA: ta, transB: tb };
        const cases: [Tensor, (q: number) => Mat][] = [
          [e.matmul(A3, B3, o), (q) => ref.matmul(as[q], bs[q], ta, tb)],
          [e.matmul(A3, B2, o), (q) => ref.matmul(as[q], b2, ta, tb)],
          [e.matmul(A2, B3, o), (q) => ref.matmul(a2, bs[q], ta, tb)],
        ];
        for (const [out, want] of cases) {
          assert.deepEqual([...out.shape], [B, m, n]);
          e.downloadBatch(out).forEach((got, q) => close(got, want(q), t, 10, `batch item ${q}`));
          e.dispose(out);
        }
        e.dispose(A3, B3, A2, B2);
      });
    }

    test('transpose', () => {
      for (const [r, cc] of [[1, 1], [3, 7], [40, 33]]) {
        const a = randMat(r, cc, r + cc);
        assert.deepEqual(on([a], (x) => e.transpose(x)).data.length, r * cc);
        close(on([a], (x) => e.transpose(x)), tMat(a), t, ref.frob(a), 'transpose');
      }
    });

    test('elementwise: add, sub, mul, scale, addScaled, maximum', () => {
      const a = randMat(7, 4, 1);
      const b = randMat(7, 4, 2);
      const f = (g: (x: number, y: number) => number): Mat => mat(7, 4, a.data.map((x, i) => g(x, b.data[i])));
      const s = ref.frob(a) + ref.frob(b);
      close(on([a, b], (x, y) => e.add(x, y)), f((x, y) => x + y), t, s, 'add');
      close(on([a, b], (x, y) => e.sub(x, y)), f((x, y) => x - y), t, s, 'sub');
      close(on([a, b], (x, y) => e.mul(x, y)), f((x, y) => x * y), t, s, 'mul');
      close(on([a], (x) => e.scale(x, -2.5)), f((x) => -2.5 * x), t, s, 'scale');
      close(on([a, b], (x, y) => e.addScaled(x, y, 0.3)), f((x, y) => x + 0.3 * y), t, s, 'addScaled');
      close(on([a], (x) => e.maximum(x, 0.1)), f((x) => Math.max(x, 0.1)), t, s, 'maximum');
      const x = e.upload(a);
      const y = e.upload(randMat(4, 7, 3));
      assert.throws(() => e.add(x, y), /shape/);
      e.dispose(x, y);
    });

    test('elementwise on 3-D tensors, scaleColumns, scaleRows', () => {
      const ms = slice3(3, 4, 2, 5);
      const cv = Float64Array.from([1, -2, 0.5, 3]);
      const rv = Float64Array.from([2, 0, -1]);
      const X = e.uploadBatch(ms);
      const Y = e.uploadBatch(slice3(3, 4, 2, 6));
      const sum = e.add(X, Y);
      assert.deepEqual([...sum.shape], [2, 3, 4]);
      const sc = e.scaleColumns(X, cv);
      const sr = e.scaleRows(X, rv);
      e.downloadBatch(sc).forEach((m, q) => close(m, ref.scaleCols(ms[q], cv), t, 10, 'scaleColumns 3-D'));
      e.downloadBatch(sr).forEach((m, q) => close(m, tMat(ref.scaleCols(tMat(ms[q]), rv)), t, 10, 'scaleRows 3-D'));
      const a = ms[0];
      close(on([a], (x) => e.scaleColumns(x, cv)), ref.scaleCols(a, cv), t, 10, 'scaleColumns');
      close(on([a], (x) => e.scaleRows(x, rv)), tMat(ref.scaleCols(tMat(a), rv)), t, 10, 'scaleRows');
      assert.throws(() => e.scaleColumns(X, rv), /scaleColumns/);
      assert.throws(() => e.scaleRows(X, cv), /scaleRows/);
      e.dispose(X, Y, sum, sc, sr);
    });

    test('reductions: sum, sumSquares, dot', () => {
      const a = randMat(13, 11, 7);
      const b = randMat(13, 11, 8);
      let s = 0;
      let s2 = 0;
      let d = 0;
      for (let i = 0; i < a.data.length; i++) {
        s += a.data[i];
        s2 += a.data[i] ** 2;
        d += a.data[i] * b.data[i];
      }
      const x = e.upload(a);
      const y = e.upload(b);
      const n = a.data.length;
      assert.ok(Math.abs(e.sum(x) - s) <= t * n, `sum ${e.sum(x)} vs ${s}`);
      assert.ok(Math.abs(e.sumSquares(x) - s2) <= t * n, `sumSquares ${e.sumSquares(x)} vs ${s2}`);
      assert.ok(Math.abs(e.dot(x, y) - d) <= t * n, `dot ${e.dot(x, y)} vs ${d}`);
      assert.equal(typeof e.sum(x), 'number');
      e.dispose(x, y);
    });

    // --- decompositions (host float64 for every engine: check them once per engine, on the float64 variant or tfjs)
    if (c.dtype === 'float64' || c.label.startsWith('tfjs')) {
      const eigCheck = (a: Mat, k?: number): void => {
        const n = a.rows;
        const { values, vectors } = e.eigh(a, k);
        const kk = k === undefined ? n : Math.min(k, n);
        assert.equal(values.length, kk);
        assert.equal(vectors.rows, n);
        assert.equal(vectors.cols, kk);
        for (let i = 1; i < kk; i++) assert.ok(values[i] >= values[i - 1], 'eigenvalues ascending');
        const av = ref.matmul(a, vectors, false, false);
        close(av, ref.scaleCols(vectors, values), 1e-10, ref.frob(a) + 1, 'A V - V diag(w)');
        assert.ok(ref.orthError(vectors) < 1e-10, `V^T V = I (${ref.orthError(vectors)})`);
      };

      test('eigh: residual, orthonormality, ascending (random, 1x1, rank-deficient, repeated)', () => {
        eigCheck(randSym(1, 1));
        eigCheck(randSym(2, 2));
        eigCheck(randSym(30, 3));
        // rank 2 matrix: n - 2 zero eigenvalues
        const lr = lowRank(12, 2, 2, 4);
        eigCheck(ref.matmul(lr, lr, false, true));
        // graph Laplacian of two disconnected triangles: eigenvalue 0 twice, 3 four times
        const L = mat(6, 6);
        for (const [i, j] of [[0, 1], [1, 2], [0, 2], [3, 4], [4, 5], [3, 5]]) {
          L.data[i * 6 + j] = L.data[j * 6 + i] = -1;
          L.data[i * 6 + i] += 1;
          L.data[j * 6 + j] += 1;
        }
        eigCheck(L);
        const w = e.eigh(L).values;
        [0, 0, 3, 3, 3, 3].forEach((x, i) => assert.ok(Math.abs(w[i] - x) < 1e-12, `eigenvalue ${i}: ${w[i]}`));
        assert.deepEqual([...e.eigh(eyeMat(1, 1, 4)).values], [4]);
      });

      test('eigh first k agrees with the full decomposition', () => {
        const a = randSym(40, 11);
        const full = e.eigh(a);
        for (const k of [1, 5, 39, 40, 60]) {
          eigCheck(a, k);
          const part = e.eigh(a, k);
          for (let i = 0; i < part.values.length; i++) {
            assert.ok(Math.abs(part.values[i] - full.values[i]) < 1e-11, `k=${k} value ${i}`);
            // same eigenvector up to sign
            let d = 0;
            for (let r = 0; r < 40; r++) d += part.vectors.data[r * part.vectors.cols + i] * full.vectors.data[r * 40 + i];
            assert.ok(Math.abs(Math.abs(d) - 1) < 1e-8, `k=${k} vector ${i}: |<v, v'>| = ${Math.abs(d)}`);
          }
        }
        assert.equal(e.eigh(a, 0).values.length, 0);
      });

      test('eigh rejects asymmetric, non-square and non-finite input', () => {
        const a = randSym(4, 1);
        a.data[1] += 0.1;
        assert.throws(() => e.eigh(a), /not symmetric/);
        assert.throws(() => e.eigh(randMat(3, 4, 1)), /square/);
        const b = randSym(3, 2);
        b.data[4] = NaN;
        assert.throws(() => e.eigh(b), /finite/);
        assert.throws(() => e.eigh(randSym(3, 2), -1), /non-negative integer/);
      });

      const svdCheck = (a: Mat, k?: number): void => {
        const { u, s, v } = e.svd(a, k);
        const r = Math.min(a.rows, a.cols);
        const kk = k === undefined ? r : Math.min(k, r);
        assert.equal(s.length, kk);
        assert.deepEqual([u.rows, u.cols, v.rows, v.cols], [a.rows, kk, a.cols, kk]);
        for (let i = 0; i < kk; i++) assert.ok(s[i] >= 0 && (i === 0 || s[i] <= s[i - 1] + 1e-12), 's descending, >= 0');
        // A V = U diag(s) for the returned triplets; full SVD reconstructs A
        close(ref.matmul(a, v, false, false), ref.scaleCols(u, s), 1e-10, ref.frob(a) + 1, 'A V - U S');
        close(ref.matmul(a, u, true, false), ref.scaleCols(v, s), 1e-10, ref.frob(a) + 1, 'A^T U - V S');
        if (kk === r) close(ref.matmul(ref.scaleCols(u, s), v, false, true), a, 1e-10, ref.frob(a) + 1, 'U S V^T = A');
        // orthonormal columns (for singular values well above zero: null-space vectors of rank-deficient inputs
        // are still orthonormal in LAPACK and ml-matrix, so check all)
        assert.ok(ref.orthError(u) < 1e-9, `U^T U = I (${ref.orthError(u)})`);
        assert.ok(ref.orthError(v) < 1e-9, `V^T V = I (${ref.orthError(v)})`);
      };

      test('svd: tall, wide, square, 1x1, rank-deficient', () => {
        svdCheck(randMat(1, 1, 1));
        svdCheck(randMat(1, 6, 2));
        svdCheck(randMat(6, 1, 3));
        svdCheck(randMat(20, 12, 4));
        svdCheck(randMat(12, 20, 5));
        svdCheck(randMat(15, 15, 6));
        const lr = lowRank(14, 9, 3, 7);
        svdCheck(lr);
        const s = e.svd(lr).s;
        for (let i = 3; i < s.length; i++) assert.ok(s[i] < 1e-12 * s[0], `rank-deficient: s[${i}] = ${s[i]}`);
        // more triplets than the rank, and the zero matrix
        svdCheck(lowRank(40, 30, 3, 8), 5);
        svdCheck(mat(12, 9), 2);
        assert.deepEqual([...e.svd(mat(12, 9), 2).s], [0, 0]);
      });

      test('svd top-k agrees with the full SVD (small k and large k paths)', () => {
        const a = withSpectrum(45, 66, Array.from({ length: 40 }, (_, i) => 10 / (i + 1)), 8);
        const full = e.svd(a);
        for (const k of [1, 3, 10, 30, 45, 80]) {
          svdCheck(a, k);
          const part = e.svd(a, k);
          for (let i = 0; i < part.s.length; i++) assert.ok(Math.abs(part.s[i] - full.s[i]) < 1e-10, `k=${k} s[${i}]`);
        }
      });

      test('svdRandomized: top-k matches the exact SVD on a decaying spectrum; seeded', () => {
        assert.ok(e.svdRandomized, 'engine implements svdRandomized');
        const spec = Array.from({ length: 30 }, (_, i) => 100 * 0.7 ** i);
        const a = withSpectrum(60, 44, spec, 9);
        const k = 8;
        const r = e.svdRandomized!(a, k, { seed: 3 });
        assert.deepEqual([r.u.rows, r.u.cols, r.v.rows, r.v.cols, r.s.length], [60, k, 44, k, k]);
        for (let i = 0; i < k; i++) assert.ok(Math.abs(r.s[i] - spec[i]) < 1e-8 * spec[0], `s[${i}] ${r.s[i]} vs ${spec[i]}`);
        close(ref.matmul(a, r.v, false, false), ref.scaleCols(r.u, r.s), 1e-7, ref.frob(a), 'A V - U S');
        assert.ok(ref.orthError(r.u) < 1e-10 && ref.orthError(r.v) < 1e-10, 'orthonormal');
        assert.deepEqual(e.svdRandomized!(a, k, { seed: 3 }).s, r.s, 'same seed, same result');
        assert.throws(() => e.svdRandomized!(a, 0), /k must be/);
        assert.throws(() => e.svdRandomized!(a, 45), /k must be/);
      });

      test('solveSPD against known answers; rejects non-SPD', () => {
        for (const [n, m] of [[1, 1], [5, 1], [20, 7]]) {
          const a = randSPD(n, n + m);
          const x = randMat(n, m, 99);
          const b = ref.matmul(a, x, false, false);
          close(e.solveSPD(a, b), x, 1e-9, ref.frob(x), `solve ${n}x${n}, ${m} rhs`);
        }
        const two = mat(2, 2, [4, 1, 1, 3]);
        close(e.solveSPD(two, mat(2, 1, [1, 2])), mat(2, 1, [1 / 11, 7 / 11]), 1e-14, 1, 'known 2x2');
        assert.throws(() => e.solveSPD(mat(2, 2, [1, 2, 2, 1]), mat(2, 1, [1, 1])), /positive definite/);
        assert.throws(() => e.solveSPD(mat(2, 2, [1, 0, 0.5, 1]), mat(2, 1, [1, 1])), /not symmetric/);
        assert.throws(() => e.solveSPD(randSPD(3, 1), mat(2, 1, [1, 1])), /shapes/);
      });
    }
  });
}
