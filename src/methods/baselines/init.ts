/**
 * Truncated-SVD initialisation shared by GRMF and CMF: A = U S^1/2, B = V S^1/2 from the k largest singular triplets
 * of the (training) interaction matrix, k capped by min(rows, cols).
 */
import { mat, type Mat } from '../../core/matrix.ts';
import type { Engine } from '../../engine/types.ts';

export interface Factors {
  /** rows x k */
  A: Mat;
  /** cols x k */
  B: Mat;
}

/** Effective rank: the requested k capped by the matrix size. */
export const cappedRank = (k: number, rows: number, cols: number): number => Math.max(1, Math.min(k, rows, cols));

export function svdInit(engine: Engine, Y: Mat, k: number): Factors {
  const kk = cappedRank(k, Y.rows, Y.cols);
  const { u, s, v } = engine.svd(Y, kk);
  const r = s.length;
  const A = mat(Y.rows, kk);
  const B = mat(Y.cols, kk);
  for (let c = 0; c < Math.min(r, kk); c++) {
    const w = Math.sqrt(Math.max(0, s[c]));
    for (let i = 0; i < Y.rows; i++) A.data[i * kk + c] = u.data[i * u.cols + c] * w;
    for (let j = 0; j < Y.cols; j++) B.data[j * kk + c] = v.data[j * v.cols + c] * w;
  }
  return { A, B };
}
