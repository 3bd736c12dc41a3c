/**
 * Small host-matrix helpers for the DTI baselines: products go through the engine (BLAS on `native`),
 * decompositions and solves through `engine.svd` / `engine.solveSPD`; only O(size) elementwise work runs here.
 */
import { mat, type Mat } from '../../core/matrix.ts';
import type { Engine, MatmulOptions } from '../../engine/types.ts';

/** A B (with optional transposes) computed on the engine, returned as a host matrix. */
export function mm(engine: Engine, a: Mat, b: Mat, opts: MatmulOptions = {}): Mat {
  const ta = engine.upload(a);
  const tb = engine.upload(b);
  const tc = engine.matmul(ta, tb, opts);
  const c = engine.download(tc);
  engine.dispose(ta, tb, tc);
  return c;
}

/** A^T A (k x k) on the engine, symmetrised exactly. */
export function gram(engine: Engine, a: Mat): Mat {
  const g = mm(engine, a, a, { transA: true });
  const k = g.cols;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const v = 0.5 * (g.data[i * k + j] + g.data[j * k + i]);
      g.data[i * k + j] = v;
      g.data[j * k + i] = v;
    }
  }
  return g;
}

/** a + s * b (new matrix). */
export function axpy(a: Mat, b: Mat, s: number): Mat {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError('axpy: shape mismatch');
  const out = mat(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = a.data[i] + s * b.data[i];
  return out;
}

/** s * a (new matrix). */
export function scaled(a: Mat, s: number): Mat {
  const out = mat(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = s * a.data[i];
  return out;
}

/** Elementwise product (new matrix). */
export function hadamard(a: Mat, b: Mat): Mat {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError('hadamard: shape mismatch');
  const out = mat(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = a.data[i] * b.data[i];
  return out;
}

/** Adds s to the diagonal in place. */
export function addDiag(a: Mat, s: number): Mat {
  const n = Math.min(a.rows, a.cols);
  for (let i = 0; i < n; i++) a.data[i * a.cols + i] += s;
  return a;
}

/** Squared Frobenius norm. */
export function sumSq(a: Mat): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * a.data[i];
  return s;
}

/** tr(A^T L A) for square L (n x n) and A (n x k). */
export function quadTrace(engine: Engine, L: Mat, a: Mat): number {
  const la = mm(engine, L, a);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i] * la.data[i];
  return s;
}

/** Throws unless `a` is rows x cols. */
export function expectShape(a: Mat, rows: number, cols: number, what: string): void {
  if (a.rows !== rows || a.cols !== cols) {
    throw new RangeError(`${what} is ${a.rows} x ${a.cols}, expected ${rows} x ${cols}`);
  }
}

/** scale * identity (n x n) as a host matrix. */
export function eyeMat(n: number, scale = 1): Mat {
  const out = mat(n, n);
  for (let i = 0; i < n; i++) out.data[i * n + i] = scale;
  return out;
}
