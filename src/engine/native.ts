/**
 * The `native` engine: tensors are host typed arrays (Float32Array or Float64Array, zero copy into the addon);
 * products run on the system OpenBLAS (sgemm/dgemm), decompositions on LAPACKE (dsyevd/dsyevr, dgesdd, dposv,
 * dgeqrf+dorgqr). Exact top-k SVD is a full dgesdd, truncated: dgesvdx would be faster for small k but corrupts the
 * heap in LAPACK 3.11 when k exceeds the rank; `svdRandomized` is the fast approximate path. The addon (native/) is built by `node native/build.mjs` at install; it is loaded lazily,
 * and any load failure makes `createNativeEngine` throw a reason so the registry falls back to another engine.
 * Before it loads, `applyBlasCore` may ask OpenBLAS for its AVX-512 kernels on CPUs the library does not know
 * (blas-core.ts).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { mat, type Mat } from '../core/matrix.ts';
import type { Eigen, EighOptions, EngineOptions, MatmulOptions, RandomizedSvdOptions, Svd, Tensor } from './types.ts';
import { HostEngine, HostTensor, productShape, sameShape, type Buf } from './host.ts';
import { checkMatrix, checkSolve, checkSymmetric, pairCount } from './decomp-checks.ts';
import { randomizedSvd, type RsvdKernels } from './rsvd.ts';
import { applyBlasCore } from './blas-core.ts';

/** The addon's functions (native/blas.cc). All work in place on row-major typed arrays. */
export interface BlasAddon {
  gemmBatch(
    transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    A: Buf, strideA: number, B: Buf, strideB: number, beta: number, C: Buf, batch: number,
  ): void;
  /** C (n x n) = A A^T (A n x k) or, with trans, A^T A (A k x n); both triangles filled */
  syrk(trans: boolean, n: number, k: number, A: Buf, C: Buf): void;
  /** A and W share the dtype: float64 -> dsyevd, float32 -> ssyevd */
  syevd(n: number, A: Float64Array | Float32Array, W: Float64Array | Float32Array): void;
  syevr(n: number, A: Float64Array, il: number, iu: number, W: Float64Array, Z: Float64Array): void;
  gesdd(m: number, n: number, A: Float64Array, S: Float64Array, U: Float64Array, VT: Float64Array): void;
  qr(m: number, n: number, A: Float64Array): void;
  posv(n: number, nrhs: number, A: Float64Array, B: Float64Array): void;
  setThreads(n: number): void;
  getThreads(): number;
  axpby(alpha: number, X: Buf, beta: number, Y: Buf | null, Z: Buf): void;
  mul(X: Buf, Y: Buf, Z: Buf): void;
  maximum(X: Buf, s: number, Z: Buf): void;
  scaleRowsCols(rows: boolean, batch: number, r: number, c: number, X: Buf, v: Float64Array, Z: Buf): void;
  /** op 0: sum X, 1: sum X^2, 2: sum X o Y (accumulated in double) */
  reduce(op: 0 | 1 | 2, X: Buf, Y?: Buf): number;
  transpose(r: number, c: number, X: Buf, Z: Buf): void;
  config(): { version: string; config: string; corename: string; threads: number; procs: number; parallel: number };
}

/** the built addon; `SGMC_NATIVE_ADDON` points elsewhere (a custom build, or a missing file to test the fallback) */
export const ADDON_PATH =
  process.env.SGMC_NATIVE_ADDON || fileURLToPath(new URL('../../native/build/Release/sgmc_blas.node', import.meta.url));

let cached: { addon?: BlasAddon; error?: string } | undefined;

/** The loaded addon, or throws why it is unavailable (not built, libraries missing, ABI mismatch...). */
export function loadAddon(): BlasAddon {
  if (!cached) {
    try {
      // OpenBLAS reads its kernel choice when it loads, i.e. with the addon
      applyBlasCore();
      const addon = createRequire(import.meta.url)(ADDON_PATH) as BlasAddon;
      if (typeof addon.gemmBatch !== 'function') throw new Error('the module does not export gemmBatch');
      cached = { addon };
    } catch (e) {
      const why = (e as Error).message.split('\n')[0];
      cached = {
        error:
          `native engine unavailable: cannot load ${ADDON_PATH} (${why}); build it with ` +
          '`node native/build.mjs` after installing libopenblas-dev and liblapacke-dev',
      };
    }
  }
  if (cached.error) throw new Error(cached.error);
  return cached.addon!;
}

/**
 * LAPACK calls on matrices with every dimension below this run on one OpenBLAS thread: at these sizes their many
 * small BLAS calls lose more to thread synchronisation than they gain (measured on 2 cores: dgesdd 445x664 73 ms on
 * 1 thread vs 145 ms on 2; dsyevd 664 equal; dsyevd 3000 6.3 s vs 3.5 s).
 */
const LAPACK_SINGLE_THREAD_BELOW = 1500;

export class NativeEngine extends HostEngine {
  readonly name = 'native';
  readonly blas: BlasAddon;
  /** LAPACK calls with every dimension below this use one thread (0 = always the configured threads) */
  lapackSingleThreadBelow = LAPACK_SINGLE_THREAD_BELOW;

  constructor(opts: EngineOptions = {}) {
    super(opts);
    this.blas = loadAddon();
    if (opts.threads !== undefined) this.setThreads(opts.threads);
  }

  get backend(): string {
    const c = this.blas.config();
    return `${c.version.toLowerCase()} ${c.corename}, ${c.threads} thread${c.threads === 1 ? '' : 's'}`;
  }

  /** OpenBLAS threads for this whole process (a worker pool sets 1 per worker process). */
  setThreads(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`threads must be an integer >= 1, got ${n}`);
    this.blas.setThreads(n);
  }

  get threads(): number {
    return this.blas.getThreads();
  }

  versions(): Record<string, string> {
    const c = this.blas.config();
    const choice = applyBlasCore();
    return {
      openblas: c.version,
      openblasConfig: c.config,
      openblasCore: c.corename,
      openblasCoreChoice: choice.core ? `${choice.core} (${choice.source})` : choice.source,
      threads: String(c.threads),
    };
  }

  matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
    const A = this.T(a);
    const B = this.T(b);
    const s = productShape(A.shape, B.shape, opts);
    const out = this.make(s.outShape, s.k === 0);
    const x = this.asDtype(A.data);
    const y = this.asDtype(B.data);
    const ta = !!opts.transA;
    const tb = !!opts.transB;
    if (a === b && s.batch === 1 && ta !== tb && typeof this.blas.syrk === 'function') {
      // a Gram matrix (A A^T or A^T A): syrk, half the flops, exactly symmetric
      this.blas.syrk(ta, s.m, s.k, x, out.data);
    } else if (s.batch > 1 && s.strideB === 0 && !ta) {
      // 3-D x 2-D broadcast: one tall product (batch*m) x k times k x n
      this.blas.gemmBatch(false, tb, s.batch * s.m, s.n, s.k, 1, x, 0, y, 0, 0, out.data, 1);
    } else {
      this.blas.gemmBatch(ta, tb, s.m, s.n, s.k, 1, x, s.strideA, y, s.strideB, 0, out.data, s.batch);
    }
    return out;
  }

  // --- elementwise and reductions in C (bench/engine.ts: several times the JS loops)
  private binary(a: Tensor, b: Tensor, op: string): [HostTensor, HostTensor, HostTensor] {
    const A = this.T(a);
    const B = this.T(b);
    sameShape(A, B, op);
    return [this.own(A), this.own(B), this.make([...A.shape])];
  }

  /** a tensor of this engine's dtype (tensors of a js/native engine of the other dtype are converted) */
  private own(t: HostTensor): HostTensor {
    return (this.dtype === 'float32') === t.data instanceof Float32Array ? t : new HostTensor(t.shape, this.asDtype(t.data));
  }

  override add(a: Tensor, b: Tensor): Tensor {
    const [A, B, Z] = this.binary(a, b, 'add');
    this.blas.axpby(1, A.data, 1, B.data, Z.data);
    return Z;
  }

  override sub(a: Tensor, b: Tensor): Tensor {
    const [A, B, Z] = this.binary(a, b, 'sub');
    this.blas.axpby(1, A.data, -1, B.data, Z.data);
    return Z;
  }

  override addScaled(a: Tensor, b: Tensor, s: number): Tensor {
    const [A, B, Z] = this.binary(a, b, 'addScaled');
    this.blas.axpby(1, A.data, s, B.data, Z.data);
    return Z;
  }

  override mul(a: Tensor, b: Tensor): Tensor {
    const [A, B, Z] = this.binary(a, b, 'mul');
    this.blas.mul(A.data, B.data, Z.data);
    return Z;
  }

  override scale(a: Tensor, s: number): Tensor {
    const A = this.own(this.T(a));
    const Z = this.make([...A.shape]);
    this.blas.axpby(s, A.data, 0, null, Z.data);
    return Z;
  }

  override maximum(a: Tensor, s: number): Tensor {
    const A = this.own(this.T(a));
    const Z = this.make([...A.shape]);
    this.blas.maximum(A.data, s, Z.data);
    return Z;
  }

  override scaleColumns(a: Tensor, v: Float64Array): Tensor {
    return this.scaleBy(a, v, false);
  }

  override scaleRows(a: Tensor, v: Float64Array): Tensor {
    return this.scaleBy(a, v, true);
  }

  private scaleBy(a: Tensor, v: Float64Array, rows: boolean): Tensor {
    const A = this.own(this.T(a));
    const [r, c] = A.shape.slice(-2);
    const want = rows ? r : c;
    const op = rows ? 'scaleRows' : 'scaleColumns';
    if (v.length !== want) throw new RangeError(`${op}: ${v.length} factors for ${want} ${rows ? 'rows' : 'columns'}`);
    const Z = this.make([...A.shape]);
    const batch = A.shape.length === 3 ? A.shape[0] : 1;
    this.blas.scaleRowsCols(rows, batch, r, c, A.data, v instanceof Float64Array ? v : Float64Array.from(v), Z.data);
    return Z;
  }

  override sum(a: Tensor): number {
    return this.blas.reduce(0, this.T(a).data);
  }

  override sumSquares(a: Tensor): number {
    return this.blas.reduce(1, this.T(a).data);
  }

  override dot(a: Tensor, b: Tensor): number {
    const A = this.T(a);
    const B = this.T(b);
    sameShape(A, B, 'dot');
    if (A.data instanceof Float32Array !== B.data instanceof Float32Array) return super.dot(a, b);
    return this.blas.reduce(2, A.data, B.data);
  }

  override transpose(a: Tensor): Tensor {
    const A = this.own(this.T(a));
    if (A.shape.length !== 2) throw new RangeError('transpose needs a 2-D tensor');
    const [r, c] = A.shape;
    const Z = this.make([c, r]);
    if (r * c > 0) this.blas.transpose(r, c, A.data, Z.data);
    return Z;
  }

  /** tensors from an engine of the other dtype are converted (a copy) */
  private asDtype(d: Buf): Buf {
    if (this.dtype === 'float32') return d instanceof Float32Array ? d : Float32Array.from(d);
    return d instanceof Float64Array ? d : Float64Array.from(d);
  }

  /** run f with one OpenBLAS thread when the matrix is small (see LAPACK_SINGLE_THREAD_BELOW) */
  private lapack<T>(dims: number[], f: () => T): T {
    const before = this.blas.getThreads();
    const one = before > 1 && Math.max(...dims) < this.lapackSingleThreadBelow;
    if (one) this.blas.setThreads(1);
    try {
      return f();
    } finally {
      if (one) this.blas.setThreads(before);
    }
  }

  eigh(a: Mat, k?: number, opts?: EighOptions): Eigen {
    if (!opts?.consume) checkSymmetric(a, 'eigh');
    const n = a.rows;
    const kk = pairCount(k, n, 'eigh');
    if (kk === 0) return { values: new Float64Array(0), vectors: mat(n, 0) };
    const A = opts?.consume && kk === n ? a.data : a.data.slice();
    const w = new Float64Array(n);
    if (kk === n) {
      this.lapack([n], () => this.blas.syevd(n, A, w));
      return { values: w, vectors: { rows: n, cols: n, data: A } };
    }
    const z = new Float64Array(n * kk);
    this.lapack([n], () => this.blas.syevr(n, A, 1, kk, w, z));
    return { values: w.slice(0, kk), vectors: { rows: n, cols: kk, data: z } };
  }

  eighSingle(a: Mat, opts?: EighOptions): Eigen {
    if (!opts?.consume) checkSymmetric(a, 'eighSingle');
    const n = a.rows;
    if (n === 0) return { values: new Float64Array(0), vectors: mat(0, 0) };
    const A = Float32Array.from(a.data);
    const w = new Float32Array(n);
    this.lapack([n], () => this.blas.syevd(n, A, w));
    return { values: Float64Array.from(w), vectors: { rows: n, cols: n, data: Float64Array.from(A) } };
  }

  svd(a: Mat, k?: number): Svd {
    checkMatrix(a, 'svd');
    const { rows: m, cols: n } = a;
    const r = Math.min(m, n);
    const kk = pairCount(k, r, 'svd');
    if (kk === 0) return { u: mat(m, 0), s: new Float64Array(0), v: mat(n, 0) };
    const A = a.data.slice();
    const s = new Float64Array(r);
    const U = new Float64Array(m * r);
    const VT = new Float64Array(r * n);
    this.lapack([m, n], () => this.blas.gesdd(m, n, A, s, U, VT));
    const u = kk === r ? { rows: m, cols: r, data: U } : leadingColumns(U, m, r, kk);
    return { u, s: kk === r ? s : s.slice(0, kk), v: transposed(VT, n, kk) };
  }

  svdRandomized(a: Mat, k: number, opts?: RandomizedSvdOptions): Svd {
    checkMatrix(a, 'svdRandomized');
    return this.lapack([a.rows, a.cols], () => randomizedSvd(a, k, this.kernels(), opts));
  }

  solveSPD(a: Mat, b: Mat): Mat {
    checkSolve(a, b, 'solveSPD');
    const B = b.data.slice();
    try {
      this.lapack([a.rows], () => this.blas.posv(a.rows, b.cols, a.data.slice(), B));
    } catch (e) {
      const msg = (e as Error).message;
      throw new RangeError(/positive definite/.test(msg) ? `solveSPD: matrix is not positive definite (${msg})` : msg);
    }
    return { rows: b.rows, cols: b.cols, data: B };
  }

  /** float64 kernels on host matrices for the randomized SVD */
  private kernels(): RsvdKernels {
    const blas = this.blas;
    return {
      gemm(a, b, ta, tb) {
        const m = ta ? a.cols : a.rows;
        const k = ta ? a.rows : a.cols;
        const n = tb ? b.rows : b.cols;
        const c = new Float64Array(m * n);
        blas.gemmBatch(ta, tb, m, n, k, 1, a.data, 0, b.data, 0, 0, c, 1);
        return { rows: m, cols: n, data: c };
      },
      orth(a) {
        const q = a.data.slice();
        blas.qr(a.rows, a.cols, q);
        return { rows: a.rows, cols: a.cols, data: q };
      },
      svd: (a) => this.svd(a),
    };
  }
}

/** first `k` columns of a row-major rows x cols array */
function leadingColumns(d: Float64Array, rows: number, cols: number, k: number): Mat {
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) out.set(d.subarray(i * cols, i * cols + k), i * k);
  return { rows, cols: k, data: out };
}

/** V (cols x k) from the first k rows of VT (row-major, `cols` columns) */
function transposed(vt: Float64Array, cols: number, k: number): Mat {
  const out = new Float64Array(cols * k);
  for (let c = 0; c < k; c++) {
    const off = c * cols;
    for (let i = 0; i < cols; i++) out[i * k + c] = vt[off + i];
  }
  return { rows: cols, cols: k, data: out };
}

export async function createNativeEngine(opts: EngineOptions = {}): Promise<NativeEngine> {
  return new NativeEngine(opts);
}
