/**
 * Decompositions on host matrices with ml-matrix (pure JS): the fallback for engines without LAPACK.
 */
import { Matrix, EigenvalueDecomposition, SingularValueDecomposition, CholeskyDecomposition, QrDecomposition } from 'ml-matrix';
import { mat, type Mat } from '../core/matrix.ts';
import type { Eigen, RandomizedSvdOptions, Svd } from './types.ts';
import { checkMatrix, checkSolve, checkSymmetric, pairCount } from './decomp-checks.ts';
import { randomizedSvd, type RsvdKernels } from './rsvd.ts';

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
  checkSymmetric(a, 'eigh');
  const n = a.rows;
  const kk = pairCount(k, n, 'eigh');
  const e = new EigenvalueDecomposition(toMl(a), { assumeSymmetric: true });
  const vals = e.realEigenvalues;
  const vecs = e.eigenvectorMatrix;
  const order = vals.map((_, i) => i).sort((x, y) => vals[x] - vals[y]);
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
  checkMatrix(a, 'svd');
  // ml-matrix's SVD wants rows >= cols for a thin result; transpose otherwise.
  const wide = a.cols > a.rows;
  const x = toMl(a);
  const d = new SingularValueDecomposition(wide ? x.transpose() : x, { autoTranspose: false });
  const s = d.diagonal;
  let U = d.leftSingularVectors;
  let V = d.rightSingularVectors;
  if (wide) [U, V] = [V, U];
  const r = Math.min(a.rows, a.cols);
  const kk = pairCount(k, r, 'svd');
  const u = mat(a.rows, kk);
  const v = mat(a.cols, kk);
  for (let c = 0; c < kk; c++) {
    for (let i = 0; i < a.rows; i++) u.data[i * kk + c] = U.get(i, c);
    for (let i = 0; i < a.cols; i++) v.data[i * kk + c] = V.get(i, c);
  }
  return { u, s: Float64Array.from(s.slice(0, kk)), v };
}

export function solveSPDJs(a: Mat, b: Mat): Mat {
  checkSolve(a, b, 'solveSPD');
  const c = new CholeskyDecomposition(toMl(a));
  if (!c.isPositiveDefinite()) throw new RangeError('solveSPD: matrix is not positive definite');
  return fromMl(c.solve(toMl(b)));
}

/** float64 host product op(A) op(B) (i-p-j loops) */
export function gemmHost(a: Mat, b: Mat, ta: boolean, tb: boolean): Mat {
  const m = ta ? a.cols : a.rows;
  const k = ta ? a.rows : a.cols;
  const n = tb ? b.rows : b.cols;
  if ((tb ? b.cols : b.rows) !== k) throw new RangeError('gemmHost: inner dimensions differ');
  const out = mat(m, n);
  const x = a.data;
  const y = b.data;
  const z = out.data;
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = ta ? x[p * a.cols + i] : x[i * a.cols + p];
      const zo = i * n;
      if (tb) for (let j = 0; j < n; j++) z[zo + j] += av * y[j * b.cols + p];
      else {
        const yo = p * n;
        for (let j = 0; j < n; j++) z[zo + j] += av * y[yo + j];
      }
    }
  }
  return out;
}

const jsKernels: RsvdKernels = {
  gemm: gemmHost,
  orth: (a) => fromMl(new QrDecomposition(toMl(a)).orthogonalMatrix),
  svd: (a) => svdJs(a),
};

export function svdRandomizedJs(a: Mat, k: number, opts?: RandomizedSvdOptions): Svd {
  checkMatrix(a, 'svdRandomized');
  return randomizedSvd(a, k, jsKernels, opts);
}

/** The ml-matrix decompositions as engine members, shared by the engines without LAPACK (js, tfjs). */
export const mlMatrixDecompositions = {
  eigh: eighJs,
  svd: svdJs,
  solveSPD: solveSPDJs,
  svdRandomized: svdRandomizedJs,
} as const;
