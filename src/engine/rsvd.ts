/**
 * Randomized truncated SVD (Halko, Martinsson & Tropp 2011, algorithms 4.4 + 5.1): Gaussian test matrix with a fixed
 * seed, q power iterations each re-orthonormalised by QR, then an exact SVD of the small projected matrix.
 * Engine-independent: each engine passes its own float64 product, QR and small SVD.
 */
import { mat, type Mat } from '../core/matrix.ts';
import { Rng } from '../core/rng.ts';
import type { RandomizedSvdOptions, Svd } from './types.ts';

export interface RsvdKernels {
  /** op(A) op(B) in float64 */
  gemm(a: Mat, b: Mat, transA: boolean, transB: boolean): Mat;
  /** orthonormal basis (thin Q) of the columns of a tall matrix */
  orth(a: Mat): Mat;
  /** exact thin SVD, singular values descending */
  svd(a: Mat): Svd;
}

export function randomizedSvd(a: Mat, k: number, K: RsvdKernels, opts: RandomizedSvdOptions = {}): Svd {
  const r = Math.min(a.rows, a.cols);
  if (!Number.isInteger(k) || k < 1 || k > r) throw new RangeError(`svdRandomized: k must be an integer in 1..${r}, got ${k}`);
  const p = opts.oversample ?? 10;
  const q = opts.powerIterations ?? 4;
  if (!Number.isInteger(p) || p < 0) throw new RangeError(`svdRandomized: oversample must be an integer >= 0, got ${p}`);
  if (!Number.isInteger(q) || q < 0) throw new RangeError(`svdRandomized: powerIterations must be an integer >= 0, got ${q}`);
  const l = Math.min(k + p, r);
  const rng = new Rng(opts.seed ?? 42);
  const omega = mat(a.cols, l);
  for (let i = 0; i < omega.data.length; i++) omega.data[i] = rng.normal();
  let Q = K.orth(K.gemm(a, omega, false, false));
  for (let it = 0; it < q; it++) {
    const Z = K.orth(K.gemm(a, Q, true, false)); // n x l
    Q = K.orth(K.gemm(a, Z, false, false)); // m x l
  }
  const B = K.gemm(Q, a, true, false); // l x n
  const small = K.svd(B);
  const Ub = small.u; // l x l'
  const lb = Ub.cols;
  const U = K.gemm(Q, Ub, false, false); // m x l'
  const u = mat(a.rows, k);
  const v = mat(a.cols, k);
  for (let i = 0; i < a.rows; i++) for (let c = 0; c < k; c++) u.data[i * k + c] = U.data[i * lb + c];
  const vb = small.v.cols;
  for (let i = 0; i < a.cols; i++) for (let c = 0; c < k; c++) v.data[i * k + c] = small.v.data[i * vb + c];
  return { u, s: small.s.slice(0, k), v };
}
