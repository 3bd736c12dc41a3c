/**
 * The `tfjs` engine on the full @tensorflow/tfjs package. Backend order: tfjs-node-gpu -> tfjs-node (both register
 * the 'tensorflow' backend; optional dependencies that may be absent or fail to load for any reason) -> wasm -> cpu.
 * `backend` forces one. Tensors are tf.Tensors (float32 only: TensorFlow.js has no float64) owned by the caller.
 *
 * Measured traps avoided: on wasm a matMul with a transpose flag runs a naive loop 7-10x slower, so operands are
 * transposed explicitly there; tensors are read back only through dataSync outside tf.tidy. Decompositions run on
 * the host with ml-matrix (TF.js has no SVD or symmetric eigensolver).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as TfNs from '@tensorflow/tfjs';
import { mat, type Mat } from '../core/matrix.ts';
import type { Engine, EngineOptions, MatmulOptions, Tensor } from './types.ts';
import { mlMatrixDecompositions } from './host-decomp.ts';
import { productShape } from './host.ts';
import { packageVersion } from './versions.ts';

type Tf = typeof TfNs;
type TfTensor = TfNs.Tensor;

/** the tfjs backends in preference order, and the names `backend` accepts for each */
const ORDER = ['tensorflow', 'wasm', 'cpu'] as const;
type TfBackend = (typeof ORDER)[number];
const ALIASES: Record<string, TfBackend> = {
  tensorflow: 'tensorflow',
  'tfjs-node': 'tensorflow',
  'tfjs-node-gpu': 'tensorflow',
  node: 'tensorflow',
  wasm: 'wasm',
  'tfjs-wasm': 'wasm',
  cpu: 'cpu',
  'tfjs-cpu': 'cpu',
};

interface Loaded {
  tf: Tf;
  /** package that provides the 'tensorflow' backend, if one loaded */
  nodePackage?: string;
  /** why tfjs-node-gpu / tfjs-node / wasm could not load */
  errors: Record<string, string>;
}

let loading: Promise<Loaded> | undefined;
let wasmReady: Promise<void> | undefined;

const firstLine = (e: unknown): string => String((e as Error)?.message ?? e).split('\n')[0];

async function loadTf(): Promise<Loaded> {
  const errors: Record<string, string> = {};
  const tf = (await import('@tensorflow/tfjs')) as Tf;
  let nodePackage: string | undefined;
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      if (!tf.findBackendFactory('tensorflow')) {
        throw new Error(`${pkg} loaded but registered no 'tensorflow' backend with this @tensorflow/tfjs (duplicate tfjs-core?)`);
      }
      nodePackage = pkg.replace('@tensorflow/', '');
      break;
    } catch (e) {
      // not installed, libtensorflow missing, CUDA missing, ABI mismatch...: every failure means "not available"
      errors[pkg.replace('@tensorflow/', '')] = firstLine(e);
    }
  }
  return { tf, nodePackage, errors };
}

/** registers the wasm backend once, with its .wasm files taken from node_modules */
async function loadWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  wasm.setWasmPaths(join(dirname(pkg), 'dist') + '/');
}

/** Activates one backend; false if it cannot initialise. Muffles tfjs-cpu's one-time "install tfjs-node" banner. */
async function activate(L: Loaded, b: TfBackend): Promise<boolean> {
  const { tf } = L;
  if (b === 'tensorflow' && !L.nodePackage) return false;
  if (b === 'wasm') {
    wasmReady ??= loadWasm();
    try {
      await wasmReady;
    } catch (e) {
      L.errors.wasm = firstLine(e);
      return false;
    }
  }
  try {
    if (!(await tf.setBackend(b))) {
      L.errors[b] ??= `backend '${b}' failed to initialise`;
      return false;
    }
  } catch (e) {
    L.errors[b] = firstLine(e);
    return false;
  }
  if (b === 'cpu') {
    const warn = console.warn;
    console.warn = () => {};
    try {
      tf.scalar(0).dispose();
    } finally {
      console.warn = warn;
    }
  }
  return true;
}

export class TfjsEngine implements Engine {
  readonly name = 'tfjs';
  readonly dtype = 'float32' as const;
  readonly backend: string;
  private readonly tf: Tf;

  constructor(
    private readonly L: Loaded,
    private readonly tfBackend: TfBackend,
  ) {
    this.tf = L.tf;
    this.backend = tfBackend === 'tensorflow' ? L.nodePackage! : `tfjs-${tfBackend}`;
  }

  /** make this engine's backend the active one (several tfjs engines may share a process) */
  private use(): Tf {
    if (this.tf.getBackend() !== this.tfBackend) void this.tf.setBackend(this.tfBackend); // synchronous once initialised
    return this.tf;
  }

  private T(t: Tensor): TfTensor {
    if (!(t instanceof this.tf.Tensor)) throw new TypeError('tensor does not belong to the tfjs engine');
    if (t.isDisposed) throw new Error('tensor was disposed');
    return t;
  }

  versions(): Record<string, string> {
    const v: Record<string, string> = { tfjs: this.tf.version.tfjs, tfjsBackend: this.backend };
    if (this.tfBackend === 'wasm') v['tfjs-backend-wasm'] = packageVersion('@tensorflow/tfjs-backend-wasm');
    if (this.tfBackend === 'tensorflow') v[this.L.nodePackage!] = packageVersion(`@tensorflow/${this.L.nodePackage}`);
    v.mlMatrix = packageVersion('ml-matrix');
    return v;
  }

  /** backends tried and why they are unavailable */
  unavailable(): Record<string, string> {
    return { ...this.L.errors };
  }

  upload(m: Mat): Tensor {
    return this.use().tensor2d(Float32Array.from(m.data), [m.rows, m.cols], 'float32');
  }

  uploadBatch(ms: readonly Mat[]): Tensor {
    if (!ms.length) throw new RangeError('uploadBatch needs at least one matrix');
    const { rows, cols } = ms[0];
    const buf = new Float32Array(ms.length * rows * cols);
    ms.forEach((m, b) => {
      if (m.rows !== rows || m.cols !== cols) throw new RangeError('uploadBatch: matrices differ in shape');
      buf.set(m.data, b * rows * cols);
    });
    return this.use().tensor3d(buf, [ms.length, rows, cols], 'float32');
  }

  download(t: Tensor): Mat {
    const x = this.T(t);
    if (x.shape.length !== 2) throw new RangeError(`download needs a 2-D tensor, got [${x.shape}]`);
    this.use();
    return mat(x.shape[0], x.shape[1], x.dataSync() as Float32Array);
  }

  downloadBatch(t: Tensor): Mat[] {
    const x = this.T(t);
    if (x.shape.length !== 3) throw new RangeError(`downloadBatch needs a 3-D tensor, got [${x.shape}]`);
    this.use();
    const [b, r, c] = x.shape;
    const d = x.dataSync() as Float32Array;
    return Array.from({ length: b }, (_, i) => mat(r, c, d.subarray(i * r * c, (i + 1) * r * c)));
  }

  dispose(...ts: Tensor[]): void {
    for (const t of ts) if (t instanceof this.tf.Tensor) t.dispose();
  }

  zeros(rows: number, cols: number): Tensor {
    return this.use().zeros([rows, cols], 'float32');
  }

  eye(rows: number, cols: number, scale = 1): Tensor {
    const d = new Float32Array(rows * cols);
    for (let i = 0; i < Math.min(rows, cols); i++) d[i * cols + i] = scale;
    return this.use().tensor2d(d, [rows, cols], 'float32');
  }

  matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
    const A = this.T(a);
    const B = this.T(b);
    const s = productShape(A.shape, B.shape, opts);
    const tf = this.use();
    if (s.k === 0) return tf.zeros(s.outShape, 'float32'); // tfjs-wasm leaves such products uninitialised
    const explicit = this.tfBackend !== 'tensorflow';
    return tf.tidy(() => {
      // wasm (and cpu) run transposed products through a slow path: transpose explicitly instead
      const x = opts.transA && explicit ? this.swapLast(A) : A;
      const y = opts.transB && explicit ? this.swapLast(B) : B;
      const ta = !!opts.transA && !explicit;
      const tb = !!opts.transB && !explicit;
      if (x.rank === 3 && y.rank === 2 && !ta) {
        // [b, m, k] x [k, n] as one [(b m), k] x [k, n] product
        return tf.matMul(x.reshape([s.batch * s.m, s.k]), y, false, tb).reshape(s.outShape);
      }
      return tf.matMul(x, y, ta, tb);
    });
  }

  private swapLast(t: TfTensor): TfTensor {
    return t.rank === 3 ? this.tf.transpose(t, [0, 2, 1]) : this.tf.transpose(t);
  }

  transpose(a: Tensor): Tensor {
    const A = this.T(a);
    if (A.rank !== 2) throw new RangeError('transpose needs a 2-D tensor');
    return this.use().transpose(A);
  }

  private same(a: TfTensor, b: TfTensor, op: string): void {
    if (a.shape.length !== b.shape.length || a.shape.some((x, i) => x !== b.shape[i])) {
      throw new RangeError(`${op}: shape mismatch [${a.shape}] vs [${b.shape}]`);
    }
  }

  add(a: Tensor, b: Tensor): Tensor {
    const [A, B] = [this.T(a), this.T(b)];
    this.same(A, B, 'add');
    return this.use().add(A, B);
  }

  sub(a: Tensor, b: Tensor): Tensor {
    const [A, B] = [this.T(a), this.T(b)];
    this.same(A, B, 'sub');
    return this.use().sub(A, B);
  }

  mul(a: Tensor, b: Tensor): Tensor {
    const [A, B] = [this.T(a), this.T(b)];
    this.same(A, B, 'mul');
    return this.use().mul(A, B);
  }

  scale(a: Tensor, s: number): Tensor {
    const A = this.T(a);
    const tf = this.use();
    return tf.tidy(() => tf.mul(A, tf.scalar(s, 'float32')));
  }

  addScaled(a: Tensor, b: Tensor, s: number): Tensor {
    const [A, B] = [this.T(a), this.T(b)];
    this.same(A, B, 'addScaled');
    const tf = this.use();
    return tf.tidy(() => tf.add(A, tf.mul(B, tf.scalar(s, 'float32'))));
  }

  scaleColumns(a: Tensor, v: Float64Array): Tensor {
    const A = this.T(a);
    const c = A.shape[A.rank - 1];
    if (v.length !== c) throw new RangeError(`scaleColumns: ${v.length} factors for ${c} columns`);
    const tf = this.use();
    return tf.tidy(() => tf.mul(A, tf.tensor1d(Float32Array.from(v), 'float32')));
  }

  scaleRows(a: Tensor, v: Float64Array): Tensor {
    const A = this.T(a);
    const r = A.shape[A.rank - 2];
    if (v.length !== r) throw new RangeError(`scaleRows: ${v.length} factors for ${r} rows`);
    const tf = this.use();
    return tf.tidy(() => tf.mul(A, tf.tensor2d(Float32Array.from(v), [r, 1], 'float32')));
  }

  maximum(a: Tensor, s: number): Tensor {
    const A = this.T(a);
    const tf = this.use();
    return tf.tidy(() => tf.maximum(A, tf.scalar(s, 'float32')));
  }

  private readScalar(f: () => TfTensor): number {
    const t = this.use().tidy(f);
    const v = t.dataSync()[0];
    t.dispose();
    return v;
  }

  sum(a: Tensor): number {
    const A = this.T(a);
    return this.readScalar(() => this.tf.sum(A));
  }

  sumSquares(a: Tensor): number {
    const A = this.T(a);
    return this.readScalar(() => this.tf.sum(this.tf.square(A)));
  }

  dot(a: Tensor, b: Tensor): number {
    const [A, B] = [this.T(a), this.T(b)];
    this.same(A, B, 'dot');
    return this.readScalar(() => this.tf.sum(this.tf.mul(A, B)));
  }

  eigh = mlMatrixDecompositions.eigh;
  svd = mlMatrixDecompositions.svd;
  solveSPD = mlMatrixDecompositions.solveSPD;
  svdRandomized = mlMatrixDecompositions.svdRandomized;
}

/**
 * A tfjs engine on the first backend that initialises (tfjs-node-gpu/tfjs-node -> wasm -> cpu), or on
 * `opts.backend`. Throws if tfjs itself cannot load, the dtype is float64, or a forced backend is unavailable.
 */
export async function createTfjsEngine(opts: EngineOptions = {}): Promise<TfjsEngine> {
  if (opts.dtype === 'float64') throw new Error('tfjs engine: TensorFlow.js computes in float32 only (ask for dtype float32)');
  if (opts.dtype !== undefined && opts.dtype !== 'float32') throw new RangeError(`unknown dtype '${opts.dtype}'`);
  loading ??= loadTf();
  const L = await loading;
  let order: readonly TfBackend[] = ORDER;
  if (opts.backend !== undefined) {
    const b = ALIASES[opts.backend];
    if (!b) throw new RangeError(`tfjs engine: unknown backend '${opts.backend}' (${Object.keys(ALIASES).join(', ')})`);
    order = [b];
  }
  for (const b of order) if (await activate(L, b)) return new TfjsEngine(L, b);
  const why = Object.entries(L.errors)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  throw new Error(`tfjs engine: no backend of [${order.join(', ')}] could initialise (${why})`);
}
