/**
 * Engines whose tensors are host typed arrays (`js`, `native`): shared transfer, creation, elementwise and reduction
 * code as plain loops (fast in V8 on typed arrays; measured in bench/engine.ts). Subclasses supply `matmul` and the
 * decompositions. `dispose` hands a tensor's buffer to a pool that later results reuse: writing into a freshly
 * allocated large typed array costs a page fault per 4 KiB, measured at 10-30x the loop that fills it.
 */
import { mat, type Mat } from '../core/matrix.ts';
import type { DType, Eigen, Engine, EngineOptions, MatmulOptions, Svd, Tensor } from './types.ts';

export type Buf = Float32Array | Float64Array;

export class HostTensor implements Tensor {
  /** set by `dispose`: the buffer may already hold another tensor's values */
  disposed = false;
  constructor(
    readonly shape: readonly number[],
    readonly data: Buf,
  ) {}
}

export const host = (t: Tensor, engine: string): HostTensor => {
  if (!(t instanceof HostTensor)) throw new TypeError(`tensor does not belong to the ${engine} engine`);
  if (t.disposed) throw new Error('tensor was disposed');
  return t;
};

/** Buffers of disposed host tensors, by dtype and length, up to a byte budget. */
class BufferPool {
  private readonly free = new Map<string, Buf[]>();
  private bytes = 0;
  constructor(
    private readonly maxBytes: number,
    private readonly perSize: number,
  ) {}

  take(dtype: DType, n: number, zero: boolean): Buf {
    const list = this.free.get(`${dtype}:${n}`);
    const b = list?.pop();
    if (!b) return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    this.bytes -= b.byteLength;
    if (zero) b.fill(0);
    return b;
  }

  give(b: Buf): void {
    if (b.length < 1024 || this.bytes + b.byteLength > this.maxBytes) return;
    const key = `${b instanceof Float32Array ? 'float32' : 'float64'}:${b.length}`;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    if (list.length >= this.perSize) return;
    list.push(b);
    this.bytes += b.byteLength;
  }

  clear(): void {
    this.free.clear();
    this.bytes = 0;
  }
}

const pool = new BufferPool(256 * 2 ** 20, 16);

/** Drop every pooled buffer of disposed host tensors (they are then garbage collected). */
export const releaseHostBuffers = (): void => pool.clear();

/** Shapes of a (possibly batched, possibly broadcast) product; throws on mismatch. */
export interface ProductShape {
  batch: number;
  m: number;
  n: number;
  k: number;
  /** element strides between batch items (0 = the 2-D operand is broadcast) */
  strideA: number;
  strideB: number;
  outShape: number[];
}

export function productShape(a: readonly number[], b: readonly number[], o: MatmulOptions): ProductShape {
  if (a.length < 2 || a.length > 3 || b.length < 2 || b.length > 3) {
    throw new RangeError(`matmul needs 2-D or 3-D tensors, got [${a}] and [${b}]`);
  }
  if (a.length === 3 && b.length === 3 && a[0] !== b[0]) {
    throw new RangeError(`matmul: batch sizes differ (${a[0]} vs ${b[0]})`);
  }
  const [ar, ac] = a.slice(-2);
  const [br, bc] = b.slice(-2);
  const m = o.transA ? ac : ar;
  const k = o.transA ? ar : ac;
  const k2 = o.transB ? bc : br;
  const n = o.transB ? br : bc;
  if (k !== k2) {
    throw new RangeError(
      `matmul: inner dimensions differ (${k} vs ${k2}) for [${a}]${o.transA ? '^T' : ''} x [${b}]${o.transB ? '^T' : ''}`,
    );
  }
  const batched = a.length === 3 || b.length === 3;
  const batch = a.length === 3 ? a[0] : b.length === 3 ? b[0] : 1;
  return {
    batch,
    m,
    n,
    k,
    strideA: a.length === 3 ? ar * ac : 0,
    strideB: b.length === 3 ? br * bc : 0,
    outShape: batched ? [batch, m, n] : [m, n],
  };
}

export const sameShape = (a: HostTensor, b: HostTensor, op: string): void => {
  const s = a.shape;
  const t = b.shape;
  if (s.length !== t.length || s.some((x, i) => x !== t[i])) throw new RangeError(`${op}: shape mismatch [${s}] vs [${t}]`);
};

export abstract class HostEngine implements Engine {
  abstract readonly name: string;
  abstract readonly backend: string;
  readonly dtype: DType;

  constructor(opts: EngineOptions = {}) {
    const d = opts.dtype ?? 'float64';
    if (d !== 'float32' && d !== 'float64') throw new RangeError(`unknown dtype '${d}' (float32 | float64)`);
    this.dtype = d;
  }

  abstract matmul(a: Tensor, b: Tensor, opts?: MatmulOptions): Tensor;
  abstract eigh(a: Mat, k?: number): Eigen;
  abstract svd(a: Mat, k?: number): Svd;
  abstract solveSPD(a: Mat, b: Mat): Mat;

  protected T(t: Tensor): HostTensor {
    return host(t, this.name);
  }

  /** a new tensor; its buffer may come from the pool, so its contents are arbitrary unless `zero` */
  protected make(shape: number[], zero = false): HostTensor {
    return new HostTensor(shape, pool.take(this.dtype, shape.reduce((a, b) => a * b, 1), zero));
  }

  upload(m: Mat): Tensor {
    const t = this.make([m.rows, m.cols]);
    t.data.set(m.data);
    return t;
  }

  uploadBatch(ms: readonly Mat[]): Tensor {
    if (!ms.length) throw new RangeError('uploadBatch needs at least one matrix');
    const { rows, cols } = ms[0];
    const t = this.make([ms.length, rows, cols]);
    ms.forEach((m, b) => {
      if (m.rows !== rows || m.cols !== cols) throw new RangeError('uploadBatch: matrices differ in shape');
      t.data.set(m.data, b * rows * cols);
    });
    return t;
  }

  download(t: Tensor): Mat {
    const x = this.T(t);
    if (x.shape.length !== 2) throw new RangeError(`download needs a 2-D tensor, got [${x.shape}]`);
    return mat(x.shape[0], x.shape[1], x.data);
  }

  downloadBatch(t: Tensor): Mat[] {
    const x = this.T(t);
    if (x.shape.length !== 3) throw new RangeError(`downloadBatch needs a 3-D tensor, got [${x.shape}]`);
    const [b, r, c] = x.shape;
    return Array.from({ length: b }, (_, i) => mat(r, c, x.data.subarray(i * r * c, (i + 1) * r * c)));
  }

  /** marks tensors disposed and recycles their buffers; disposing twice is harmless */
  dispose(...ts: Tensor[]): void {
    for (const t of ts) {
      if (t instanceof HostTensor && !t.disposed) {
        t.disposed = true;
        pool.give(t.data);
      }
    }
  }

  zeros(rows: number, cols: number): Tensor {
    return this.make([rows, cols], true);
  }

  eye(rows: number, cols: number, scale = 1): Tensor {
    const t = this.make([rows, cols], true);
    for (let i = 0; i < Math.min(rows, cols); i++) t.data[i * cols + i] = scale;
    return t;
  }

  transpose(a: Tensor): Tensor {
    const A = this.T(a);
    if (A.shape.length !== 2) throw new RangeError('transpose needs a 2-D tensor');
    const [r, c] = A.shape;
    const out = this.make([c, r]);
    const x = A.data;
    const y = out.data;
    // blocked for cache locality
    const B = 32;
    for (let i0 = 0; i0 < r; i0 += B) {
      const i1 = Math.min(r, i0 + B);
      for (let j0 = 0; j0 < c; j0 += B) {
        const j1 = Math.min(c, j0 + B);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) y[j * r + i] = x[i * c + j];
      }
    }
    return out;
  }

  add(a: Tensor, b: Tensor): Tensor {
    return this.axpby(a, b, 1, 1, 'add');
  }

  sub(a: Tensor, b: Tensor): Tensor {
    return this.axpby(a, b, 1, -1, 'sub');
  }

  addScaled(a: Tensor, b: Tensor, s: number): Tensor {
    return this.axpby(a, b, 1, s, 'addScaled');
  }

  /** alpha a + beta b */
  private axpby(a: Tensor, b: Tensor, alpha: number, beta: number, op: string): Tensor {
    const A = this.T(a);
    const B = this.T(b);
    sameShape(A, B, op);
    const out = this.make([...A.shape]);
    const x = A.data;
    const y = B.data;
    const z = out.data;
    const n = z.length;
    if (alpha === 1) for (let i = 0; i < n; i++) z[i] = x[i] + beta * y[i];
    else for (let i = 0; i < n; i++) z[i] = alpha * x[i] + beta * y[i];
    return out;
  }

  mul(a: Tensor, b: Tensor): Tensor {
    const A = this.T(a);
    const B = this.T(b);
    sameShape(A, B, 'mul');
    const out = this.make([...A.shape]);
    const x = A.data;
    const y = B.data;
    const z = out.data;
    for (let i = 0; i < z.length; i++) z[i] = x[i] * y[i];
    return out;
  }

  scale(a: Tensor, s: number): Tensor {
    const A = this.T(a);
    const out = this.make([...A.shape]);
    const x = A.data;
    const z = out.data;
    for (let i = 0; i < z.length; i++) z[i] = s * x[i];
    return out;
  }

  scaleColumns(a: Tensor, v: Float64Array): Tensor {
    const A = this.T(a);
    const c = A.shape[A.shape.length - 1];
    if (v.length !== c) throw new RangeError(`scaleColumns: ${v.length} factors for ${c} columns`);
    const out = this.make([...A.shape]);
    const x = A.data;
    const z = out.data;
    for (let off = 0; off < z.length; off += c) for (let j = 0; j < c; j++) z[off + j] = x[off + j] * v[j];
    return out;
  }

  scaleRows(a: Tensor, v: Float64Array): Tensor {
    const A = this.T(a);
    const [r, c] = A.shape.slice(-2);
    if (v.length !== r) throw new RangeError(`scaleRows: ${v.length} factors for ${r} rows`);
    const out = this.make([...A.shape]);
    const x = A.data;
    const z = out.data;
    for (let off = 0, row = 0; off < z.length; off += c, row = (row + 1) % r) {
      const s = v[row];
      for (let j = 0; j < c; j++) z[off + j] = x[off + j] * s;
    }
    return out;
  }

  maximum(a: Tensor, s: number): Tensor {
    const A = this.T(a);
    const out = this.make([...A.shape]);
    const x = A.data;
    const z = out.data;
    for (let i = 0; i < z.length; i++) z[i] = x[i] > s ? x[i] : s;
    return out;
  }

  sum(a: Tensor): number {
    const x = this.T(a).data;
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i];
    return s;
  }

  sumSquares(a: Tensor): number {
    const x = this.T(a).data;
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * x[i];
    return s;
  }

  dot(a: Tensor, b: Tensor): number {
    const A = this.T(a);
    const B = this.T(b);
    sameShape(A, B, 'dot');
    const x = A.data;
    const y = B.data;
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * y[i];
    return s;
  }
}
