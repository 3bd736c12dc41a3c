/**
 * Decompositions on host matrices with ml-matrix (pure JS): the fallback for engines without LAPACK.
 */
import { Matrix, EigenvalueDecomposition, SingularValueDecomposition, CholeskyDecomposition } from 'ml-matrix';
import { mat, type Mat } from '../core/matrix.ts';
import type { Eigen, Svd } from './types.ts';

const toMl = (m: Mat): Matrix => {
  const x = new Matrix(m.rows, m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) x.set(i, j, m.data[i * m.cols + j]);
  return x;
};

const fromMl = (x: Matrix): Mat => {
  const m = mat(x.rows, x.columns);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.columns; j++) m.data[i * x.columns + j] = x.get(i, j);
  return m;
};

export function eighJs(a: Mat, k?: number): Eigen {
  if (a.rows !== a.cols) throw new RangeError(`eigh needs a square matrix, got ${a.rows} x ${a.cols}`);
  const n = a.rows;
  const e = new EigenvalueDecomposition(toMl(a), { assumeSymmetric: true });
  const vals = e.realEigenvalues;
  const vecs = e.eigenvectorMatrix;
  const order = vals.map((_, i) => i).sort((x, y) => vals[x] - vals[y]);
  const kk = Math.min(k ?? n, n);
  const values = new Float64Array(kk);
  const vectors = mat(n, kk);
  for (let c = 0; c < kk; c++) {
    const src = order[c];
    values[c] = vals[src];
    for (let i = 0; i < n; i++) vectors.data[i * kk + c] = vecs.get(i, src);
  }
  return { values, vectors };
}

export function svdJs(a: Mat, k?: number): Svd {
  // ml-matrix's SVD wants rows >= cols for a thin result; transpose otherwise.
  const wide = a.cols > a.rows;
  const x = toMl(a);
  const d = new SingularValueDecomposition(wide ? x.transpose() : x, { autoTranspose: false });
  const s = d.diagonal;
  let U = d.leftSingularVectors;
  let V = d.rightSingularVectors;
  if (wide) [U, V] = [V, U];
  const r = Math.min(a.rows, a.cols);
  const kk = Math.min(k ?? r, r);
  const u = mat(a.rows, kk);
  const v = mat(a.cols, kk);
  for (let c = 0; c < kk; c++) {
    for (let i = 0; i < a.rows; i++) u.data[i * kk + c] = U.get(i, c);
    for (let i = 0; i < a.cols; i++) v.data[i * kk + c] = V.get(i, c);
  }
  return { u, s: Float64Array.from(s.slice(0, kk)), v };
}

export function solveSPDJs(a: Mat, b: Mat): Mat {
  if (a.rows !== a.cols || a.rows !== b.rows) {
    throw new RangeError(`solveSPD shapes: A ${a.rows} x ${a.cols}, B ${b.rows} x ${b.cols}`);
  }
  const c = new CholeskyDecomposition(toMl(a));
  if (!c.isPositiveDefinite()) throw new RangeError('solveSPD: matrix is not positive definite');
  return fromMl(c.solve(toMl(b)));
}
