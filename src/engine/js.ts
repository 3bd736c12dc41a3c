/**
 * The `js` engine: plain typed-array loops for products and elementwise ops, ml-matrix for decompositions.
 * Slow (about 1 GFLOP/s) but dependency-free; it is the reference the conformance suite compares other engines to.
 */
import { mat, type Mat } from '../core/matrix.ts';
import type { DType, Engine, EngineOptions, MatmulOptions, Tensor } from './types.ts';
import { eighJs, svdJs, solveSPDJs } from './host-decomp.ts';

type Buf = Float32Array | Float64Array;

class JsTensor implements Tensor {
  constructor(
    readonly shape: readonly number[],
    readonly data: Buf,
  ) {}
}

const T = (t: Tensor): JsTensor => {
  if (!(t instanceof JsTensor)) throw new TypeError('tensor does not belong to the js engine');
  return t;
};

export class JsEngine implements Engine {
  readonly name = 'js';
  readonly backend = 'js-loops+ml-matrix';
  readonly dtype: DType;

  constructor(opts: EngineOptions = {}) {
    this.dtype = opts.dtype ?? 'float64';
  }

  private alloc(n: number): Buf {
    return this.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  }

  private make(shape: number[], data?: Buf): JsTensor {
    return new JsTensor(shape, data ?? this.alloc(shape.reduce((a, b) => a * b, 1)));
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
    const x = T(t);
    if (x.shape.length !== 2) throw new RangeError(`download needs a 2-D tensor, got [${x.shape}]`);
    return mat(x.shape[0], x.shape[1], x.data);
  }

  downloadBatch(t: Tensor): Mat[] {
    const x = T(t);
    if (x.shape.length !== 3) throw new RangeError(`downloadBatch needs a 3-D tensor, got [${x.shape}]`);
    const [b, r, c] = x.shape;
    return Array.from({ length: b }, (_, i) => mat(r, c, x.data.subarray(i * r * c, (i + 1) * r * c)));
  }

  dispose(): void {
    /* garbage collected */
  }

  zeros(rows: number, cols: number): Tensor {
    return this.make([rows, cols]);
  }

  eye(rows: number, cols: number, scale = 1): Tensor {
    const t = this.make([rows, cols]);
    for (let i = 0; i < Math.min(rows, cols); i++) t.data[i * cols + i] = scale;
    return t;
  }

  matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
    const A = T(a);
    const B = T(b);
    const batch = Math.max(A.shape.length === 3 ? A.shape[0] : 1, B.shape.length === 3 ? B.shape[0] : 1);
    if (A.shape.length === 3 && B.shape.length === 3 && A.shape[0] !== B.shape[0]) {
      throw new RangeError(`matmul: batch sizes differ (${A.shape[0]} vs ${B.shape[0]})`);
    }
    const [ar, ac] = A.shape.slice(-2);
    const [br, bc] = B.shape.slice(-2);
    const m = opts.transA ? ac : ar;
    const k = opts.transA ? ar : ac;
    const k2 = opts.transB ? bc : br;
    const n = opts.transB ? br : bc;
    if (k !== k2) throw new RangeError(`matmul: inner dimensions differ (${k} vs ${k2})`);
    const out = this.make(A.shape.length === 3 || B.shape.length === 3 ? [batch, m, n] : [m, n]);
    for (let q = 0; q < batch; q++) {
      const ao = A.shape.length === 3 ? q * ar * ac : 0;
      const bo = B.shape.length === 3 ? q * br * bc : 0;
      const oo = q * m * n;
      for (let i = 0; i < m; i++) {
        for (let p = 0; p < k; p++) {
          const av = opts.transA ? A.data[ao + p * ac + i] : A.data[ao + i * ac + p];
          if (av === 0) continue;
          for (let j = 0; j < n; j++) {
            const bv = opts.transB ? B.data[bo + j * bc + p] : B.data[bo + p * bc + j];
            out.data[oo + i * n + j] += av * bv;
          }
        }
      }
    }
    return out;
  }

  transpose(a: Tensor): Tensor {
    const A = T(a);
    if (A.shape.length !== 2) throw new RangeError('transpose needs a 2-D tensor');
    const [r, c] = A.shape;
    const out = this.make([c, r]);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out.data[j * r + i] = A.data[i * c + j];
    return out;
  }

  private zip(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
    const A = T(a);
    const B = T(b);
    if (A.shape.join() !== B.shape.join()) throw new RangeError(`shape mismatch [${A.shape}] vs [${B.shape}]`);
    const out = this.make([...A.shape]);
    for (let i = 0; i < A.data.length; i++) out.data[i] = f(A.data[i], B.data[i]);
    return out;
  }

  private map(a: Tensor, f: (x: number, i: number) => number): Tensor {
    const A = T(a);
    const out = this.make([...A.shape]);
    for (let i = 0; i < A.data.length; i++) out.data[i] = f(A.data[i], i);
    return out;
  }

  add(a: Tensor, b: Tensor): Tensor {
    return this.zip(a, b, (x, y) => x + y);
  }
  sub(a: Tensor, b: Tensor): Tensor {
    return this.zip(a, b, (x, y) => x - y);
  }
  mul(a: Tensor, b: Tensor): Tensor {
    return this.zip(a, b, (x, y) => x * y);
  }
  scale(a: Tensor, s: number): Tensor {
    return this.map(a, (x) => x * s);
  }
  addScaled(a: Tensor, b: Tensor, s: number): Tensor {
    return this.zip(a, b, (x, y) => x + s * y);
  }
  scaleColumns(a: Tensor, v: Float64Array): Tensor {
    const c = T(a).shape[T(a).shape.length - 1];
    if (v.length !== c) throw new RangeError(`scaleColumns: ${v.length} factors for ${c} columns`);
    return this.map(a, (x, i) => x * v[i % c]);
  }
  scaleRows(a: Tensor, v: Float64Array): Tensor {
    const [r, c] = T(a).shape.slice(-2);
    if (v.length !== r) throw new RangeError(`scaleRows: ${v.length} factors for ${r} rows`);
    return this.map(a, (x, i) => x * v[Math.floor(i / c) % r]);
  }
  maximum(a: Tensor, s: number): Tensor {
    return this.map(a, (x) => (x > s ? x : s));
  }

  sum(a: Tensor): number {
    let s = 0;
    for (const x of T(a).data) s += x;
    return s;
  }
  sumSquares(a: Tensor): number {
    let s = 0;
    for (const x of T(a).data) s += x * x;
    return s;
  }
  dot(a: Tensor, b: Tensor): number {
    const A = T(a);
    const B = T(b);
    if (A.data.length !== B.data.length) throw new RangeError('dot: size mismatch');
    let s = 0;
    for (let i = 0; i < A.data.length; i++) s += A.data[i] * B.data[i];
    return s;
  }

  eigh = eighJs;
  svd = svdJs;
  solveSPD = solveSPDJs;
}
