/**
 * The numeric engine interface. Methods (SGMC, baselines) and the graph stage are written once against it;
 * implementations: `native` (OpenBLAS + LAPACKE through a Node-API addon), `tfjs` (TensorFlow.js:
 * tfjs-node-gpu -> tfjs-node -> wasm -> cpu) and `js` (plain loops + ml-matrix; the reference for conformance tests).
 *
 * Tensors are opaque handles that live on the engine (device memory for tfjs-node-gpu). Every tensor an engine
 * returns is new and owned by the caller, who frees it with `dispose`. Values come back to the host only through
 * `download`, `sum`, `sumSquares` and `dot`, so hot loops read back only at evaluation points.
 *
 * Decompositions (eigh, svd, solveSPD) take and return host matrices in float64: they run on LAPACK (native) or a
 * well-kept JS library (ml-matrix), never on a hand-rolled solver.
 */
import type { Mat } from '../core/matrix.ts';

export type DType = 'float32' | 'float64';

/** A matrix (shape [rows, cols]) or a batch of matrices (shape [batch, rows, cols]) living on an engine. */
export interface Tensor {
  readonly shape: readonly number[];
}

export interface MatmulOptions {
  /** use A^T instead of A (per batch item for 3-D tensors) */
  transA?: boolean;
  /** use B^T instead of B */
  transB?: boolean;
}

/** Options of `Engine.eigh` for internal hot loops. */
export interface EighOptions {
  /**
   * The caller hands the matrix over: it vouches that it is exactly symmetric and finite (not checked), and the
   * engine may overwrite its buffer (native returns the eigenvectors in it). Engines without the fast path ignore it.
   */
  consume?: boolean;
}

/** Symmetric eigendecomposition: eigenvalues ascending, eigenvectors as the columns of `vectors` (n x k). */
export interface Eigen {
  values: Float64Array;
  vectors: Mat;
}

/** Thin SVD A = U diag(s) V^T with s descending; U is m x k, V is n x k. */
export interface Svd {
  u: Mat;
  s: Float64Array;
  v: Mat;
}

export interface EngineInfo {
  /** registry name: 'native' | 'tfjs' | 'js' */
  name: string;
  /** what actually runs, e.g. 'openblas 0.3.21, 2 threads' or 'tfjs-wasm' */
  backend: string;
  dtype: DType;
}

export interface Engine extends EngineInfo {
  // --- transfer ---
  upload(m: Mat): Tensor;
  /** stack equally shaped matrices into one [batch, rows, cols] tensor */
  uploadBatch(ms: readonly Mat[]): Tensor;
  download(t: Tensor): Mat;
  downloadBatch(t: Tensor): Mat[];
  dispose(...ts: Tensor[]): void;

  // --- creation ---
  zeros(rows: number, cols: number): Tensor;
  /** scale * rectangular identity (rows x cols) */
  eye(rows: number, cols: number, scale?: number): Tensor;

  // --- products ---
  /** A B with optional transposes. 2-D x 2-D; 3-D x 3-D (same batch); 3-D x 2-D or 2-D x 3-D (broadcast). */
  matmul(a: Tensor, b: Tensor, opts?: MatmulOptions): Tensor;
  transpose(a: Tensor): Tensor;

  // --- elementwise (equal shapes) ---
  add(a: Tensor, b: Tensor): Tensor;
  sub(a: Tensor, b: Tensor): Tensor;
  mul(a: Tensor, b: Tensor): Tensor;
  scale(a: Tensor, s: number): Tensor;
  /** a + s * b */
  addScaled(a: Tensor, b: Tensor, s: number): Tensor;
  /** A diag(v): column j of A times v[j] (v has length cols) */
  scaleColumns(a: Tensor, v: Float64Array): Tensor;
  /** diag(v) A: row i of A times v[i] (v has length rows) */
  scaleRows(a: Tensor, v: Float64Array): Tensor;
  /** max(A, s) elementwise */
  maximum(a: Tensor, s: number): Tensor;

  // --- reductions (read back one number) ---
  sum(a: Tensor): number;
  sumSquares(a: Tensor): number;
  /** sum of elementwise products */
  dot(a: Tensor, b: Tensor): number;

  // --- decompositions on host matrices, float64 ---
  /** eigenpairs of a symmetric matrix; with k, only the k smallest */
  eigh(a: Mat, k?: number, opts?: EighOptions): Eigen;
  /** SVD; with k, only the k largest singular triplets */
  svd(a: Mat, k?: number): Svd;
  /** X with A X = B for symmetric positive definite A */
  solveSPD(a: Mat, b: Mat): Mat;

  // --- optional extras (every built-in engine has them) ---
  /**
   * Approximate top-k SVD by a seeded randomized range finder with power iterations (Halko, Martinsson & Tropp
   * 2011). Much faster than `svd(a, k)` for k << min(m, n); accurate when the spectrum decays past k.
   */
  svdRandomized?(a: Mat, k: number, opts?: RandomizedSvdOptions): Svd;
  /**
   * All eigenpairs of a symmetric matrix computed in float32 (native: LAPACK ssyevd, about 2x faster than dsyevd
   * at n = 445), returned in float64. Accuracy ~1e-7 relative to ||A||: for callers whose own tolerance is far
   * coarser (MGRNNM's singular-value thresholding under a float32 engine). Only the native engine has it.
   */
  eighSingle?(a: Mat, opts?: EighOptions): Eigen;
  /** library versions and configuration, for provenance records */
  versions?(): Record<string, string>;
}

export interface RandomizedSvdOptions {
  /** extra columns of the random test matrix (default 10) */
  oversample?: number;
  /** power (subspace) iterations, each re-orthonormalised (default 4) */
  powerIterations?: number;
  /** seed of the Gaussian test matrix (default 42) */
  seed?: number;
}

export interface EngineOptions {
  dtype?: DType;
  /** for tfjs: force one backend ('tensorflow' | 'wasm' | 'cpu'); ignored by the other engines */
  backend?: string;
  /** for native: OpenBLAS thread count (process-wide: set 1 per worker in a worker pool); ignored by the others */
  threads?: number;
}
