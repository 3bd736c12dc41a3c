/**
 * Singular-value soft-thresholding: X = U diag(max(s - tau, 0)) V^T, the proximal map of tau ||.||_*.
 *
 * `full` takes the thin SVD; `truncated` asks the engine for the k largest triplets only, growing k (doubling) until
 * the smallest returned singular value falls to or below tau, so every kept triplet is exact; `hint` (e.g. the
 * previous rank) picks the first k. `gram` works on the Gram matrix G of the smaller side (B B^T or B^T B):
 * G = U diag(s^2) U^T by `engine.eigh`, then X = U diag(max(s - tau, 0) / s) U^T B, two products and one symmetric
 * eigensolve instead of an SVD (s^2 has absolute error ~ eps s_max^2, i.e. s near tau is exact to ~eps s_max^2 / tau,
 * far below the solver's tolerances; on a float32 engine the eigensolve runs in float32 too, `Engine.eighSingle`).
 * `auto` = `full` for small matrices, else `gram`. All give the same X up to
 * rounding (test/methods/baselines-solvers.test.ts).
 */
import { mat, symmetrizeInPlace, type Mat } from '../../core/matrix.ts';
import type { Engine, Svd } from '../../engine/types.ts';
import { mm } from './linalg.ts';

export type SvtMode = 'auto' | 'full' | 'truncated' | 'gram';

/** `auto` uses the thin SVD below this smaller dimension (less overhead) and the Gram path from it on. */
export const AUTO_GRAM_FROM = 16;

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
  if (mode === 'gram' || (mode === 'auto' && Math.min(B.rows, B.cols) >= AUTO_GRAM_FROM)) return svtGram(engine, B, tau);
  const r = Math.min(B.rows, B.cols);
  let d: Svd;
  let calls = 1;
  if (mode === 'full' || mode === 'auto' || r <= 16) {
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
  // G on the smaller side: rows <= cols -> B B^T (m x m), else B^T B (n x n); B is uploaded once
  const left = B.rows <= B.cols;
  const tB = engine.upload(B);
  const tG = engine.matmul(tB, tB, left ? { transB: true } : { transA: true });
  const G = engine.download(tG);
  engine.dispose(tG);
  const n = G.rows;
  // a Gram product from syrk is exactly symmetric already (then this changes nothing); other engines' may differ in rounding
  symmetrizeInPlace(G);
  // a float32 engine's products are float32 already: its eigensolve may be too (about 2x faster)
  // G is ours, symmetrised above and finite (B is): the engine may skip its checks and work in its buffer
  const own = { consume: true };
  const { values, vectors } = engine.dtype === 'float32' && engine.eighSingle ? engine.eighSingle(G, own) : engine.eigh(G, undefined, own);
  // eigenvalues ascending: the kept ones are at the end
  let rank = 0;
  while (rank < n && Math.sqrt(Math.max(0, values[n - 1 - rank])) > tau) rank++;
  if (rank === 0) {
    engine.dispose(tB);
    return { X: mat(B.rows, B.cols), rank: 0, computed: n, calls: 1 };
  }
  const Uk = mat(n, rank);
  const Ug = mat(n, rank);
  const vec = vectors.data;
  const nv = vectors.cols;
  for (let q = 0; q < rank; q++) {
    const c = n - 1 - q;
    const sv = Math.sqrt(values[c]);
    const f = (sv - tau) / sv;
    for (let i = 0; i < n; i++) {
      const u = vec[i * nv + c];
      Uk.data[i * rank + q] = u;
      Ug.data[i * rank + q] = u * f;
    }
  }
  const tUk = engine.upload(Uk);
  const tUg = engine.upload(Ug);
  let tX;
  if (2 * rank > n) {
    // high rank: M = Uk Ug^T (n x n) first, then one product with B
    const tM = engine.matmul(tUk, tUg, { transB: true });
    tX = left ? engine.matmul(tM, tB) : engine.matmul(tB, tM);
    engine.dispose(tM);
  } else if (left) {
    // X = Ug (Uk^T B)
    const tP = engine.matmul(tUk, tB, { transA: true });
    tX = engine.matmul(tUg, tP);
    engine.dispose(tP);
  } else {
    // X = (B Uk) Ug^T
    const tP = engine.matmul(tB, tUk);
    tX = engine.matmul(tP, tUg, { transB: true });
    engine.dispose(tP);
  }
  const X = engine.download(tX);
  engine.dispose(tB, tUk, tUg, tX);
  return { X, rank, computed: n, calls: 1 };
}

