/**
 * Singular-value soft-thresholding: X = U diag(max(s - tau, 0)) V^T, the proximal map of tau ||.||_*.
 *
 * `full` takes the thin SVD; `truncated` asks the engine for the k largest triplets only, growing k (doubling) until
 * the smallest returned singular value falls to or below tau, so every kept triplet is exact; `hint` (e.g. the
 * previous rank) picks the first k. Both give the same X up to the SVD's rounding.
 */
import { mat, type Mat } from '../../core/matrix.ts';
import type { Engine, Svd } from '../../engine/types.ts';
import { mm } from './linalg.ts';

export type SvtMode = 'full' | 'truncated';

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
