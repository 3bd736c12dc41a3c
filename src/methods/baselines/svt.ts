/**
 * Singular-value soft-thresholding: X = U diag(max(s - tau, 0)) V^T, the proximal map of tau ||.||_*.
 *
 * `full` takes the thin SVD; `truncated` asks the engine for the k largest triplets only, growing k (doubling) until
 * the smallest returned singular value falls to or below tau, so every kept triplet is exact; `hint` (e.g. the
 * previous rank) picks the first k. `gram` works on the Gram matrix G of the smaller side (B B^T or B^T B):
 * G = U diag(s^2) U^T by `engine.eigh`, then X = U diag(max(s - tau, 0) / s) U^T B, two products and one symmetric
 * eigensolve instead of an SVD (s^2 has absolute error ~ eps s_max^2, i.e. s near tau is exact to ~eps s_max^2 / tau,
 * far below the solver's tolerances). All three give the same X up to rounding (test/methods/baselines-svt).
 */
import { mat, type Mat } from '../../core/matrix.ts';
import type { Engine, Svd } from '../../engine/types.ts';
import { mm } from './linalg.ts';

export type SvtMode = 'full' | 'truncated' | 'gram';

export interface SvtResult {
  X: Mat;
  /** number of singular values above tau */
  rank: number;
  /** singular triplets computed in the last (successful) SVD */
  computed: number;
  /** SVD calls made (1 for full) */
  calls: number;
}

export function svt(engine: Engine, B: Mat, tau: number, mode: SvtMode = 'full', hint = 0): SvtResult {
  if (mode === 'gram') return svtGram(engine, B, tau);
  const r = Math.min(B.rows, B.cols);
  let d: Svd;
  let calls = 1;
  if (mode === 'full' || r <= 16) {
    d = engine.svd(B);
  } else {
    let k = Math.min(r, Math.max(8, Math.ceil(hint * 1.25) + 4));
    d = engine.svd(B, k);
    while (k < r && d.s[d.s.length - 1] > tau) {
      k = Math.min(r, 2 * k);
      d = engine.svd(B, k);
      calls++;
    }
  }
  let rank = 0;
  while (rank < d.s.length && d.s[rank] > tau) rank++;
  return { X: reconstruct(engine, d, tau, rank, B.rows, B.cols), rank, computed: d.s.length, calls };
}

function reconstruct(engine: Engine, d: Svd, tau: number, rank: number, rows: number, cols: number): Mat {
  if (rank === 0) return mat(rows, cols);
  const Us = mat(rows, rank);
  const V = mat(cols, rank);
  const ku = d.u.cols;
  const kv = d.v.cols;
  for (let i = 0; i < rows; i++) for (let c = 0; c < rank; c++) Us.data[i * rank + c] = d.u.data[i * ku + c] * (d.s[c] - tau);
  for (let j = 0; j < cols; j++) for (let c = 0; c < rank; c++) V.data[j * rank + c] = d.v.data[j * kv + c];
  return mm(engine, Us, V, { transB: true });
}

function svtGram(engine: Engine, B: Mat, tau: number): SvtResult {
  const wide = B.cols > B.rows;
  // G on the smaller side: rows <= cols -> B B^T (m x m), else B^T B (n x n)
  const G = wide || B.rows === B.cols ? mm(engine, B, B, { transB: true }) : mm(engine, B, B, { transA: true });
  const n = G.rows;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (G.data[i * n + j] + G.data[j * n + i]);
      G.data[i * n + j] = v;
      G.data[j * n + i] = v;
    }
  }
  const { values, vectors } = engine.eigh(G);
  // eigenvalues ascending: the kept ones are at the end
  const keep: number[] = [];
  for (let c = n - 1; c >= 0; c--) {
    const s = Math.sqrt(Math.max(0, values[c]));
    if (s > tau) keep.push(c);
    else break;
  }
  const rank = keep.length;
  if (rank === 0) return { X: mat(B.rows, B.cols), rank: 0, computed: n, calls: 1 };
  const Uk = mat(n, rank);
  const Ug = mat(n, rank);
  keep.forEach((c, q) => {
    const s = Math.sqrt(values[c]);
    const g = (s - tau) / s;
    for (let i = 0; i < n; i++) {
      const u = vectors.data[i * n + c];
      Uk.data[i * rank + q] = u;
      Ug.data[i * rank + q] = u * g;
    }
  });
  let X: Mat;
  if (wide || B.rows === B.cols) {
    // X = Ug (Uk^T B)
    X = mm(engine, Ug, mm(engine, Uk, B, { transA: true }));
  } else {
    // X = (B Uk) Ug^T
    X = mm(engine, mm(engine, B, Uk), Ug, { transB: true });
  }
  return { X, rank, computed: n, calls: 1 };
}
