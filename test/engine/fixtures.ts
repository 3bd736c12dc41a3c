/** Test fixtures for the engine suites: seeded matrices, an independent float64 reference, the engines to test. */
import { mat, orthonormalizeColumns, type Mat } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import { loadAddon } from '../../src/engine/native.ts';
import { getEngine } from '../../src/engine/registry.ts';
import type { DType, Engine } from '../../src/engine/types.ts';

export function randMat(rows: number, cols: number, seed: number): Mat {
  const r = new Rng(seed);
  const m = mat(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = r.next() * 2 - 1;
  return m;
}

/** symmetric random matrix */
export function randSym(n: number, seed: number): Mat {
  const a = randMat(n, n, seed);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a.data[i * n + j] = a.data[j * n + i];
  return a;
}

/** A^T A + shift I: symmetric positive definite */
export function randSPD(n: number, seed: number, shift = 1): Mat {
  const a = randMat(n, n, seed);
  const s = ref.matmul(a, a, true, false);
  for (let i = 0; i < n; i++) s.data[i * n + i] += shift;
  return s;
}

/** rank-r product of random n x r and r x m factors */
export function lowRank(rows: number, cols: number, r: number, seed: number): Mat {
  return ref.matmul(randMat(rows, r, seed), randMat(r, cols, seed + 1), false, false);
}

/** U diag(s) V^T with random orthonormal U, V: a matrix with a prescribed spectrum */
export function withSpectrum(rows: number, cols: number, s: number[], seed: number): Mat {
  const u = orthonormal(rows, s.length, seed);
  const v = orthonormal(cols, s.length, seed + 7);
  const us = mat(rows, s.length);
  for (let i = 0; i < rows; i++) for (let c = 0; c < s.length; c++) us.data[i * s.length + c] = u.data[i * s.length + c] * s[c];
  return ref.matmul(us, v, false, true);
}

/** Gram-Schmidt on random columns */
export const orthonormal = (n: number, k: number, seed: number): Mat => orthonormalizeColumns(randMat(n, k, seed));

/** Independent float64 reference (triple loops), used to check every engine including `js`. */
export const ref = {
  matmul(a: Mat, b: Mat, ta: boolean, tb: boolean): Mat {
    const m = ta ? a.cols : a.rows;
    const k = ta ? a.rows : a.cols;
    const n = tb ? b.rows : b.cols;
    const out = mat(m, n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const x = ta ? a.data[p * a.cols + i] : a.data[i * a.cols + p];
          const y = tb ? b.data[j * b.cols + p] : b.data[p * b.cols + j];
          s += x * y;
        }
        out.data[i * n + j] = s;
      }
    }
    return out;
  },
  frob(a: Mat): number {
    let s = 0;
    for (const x of a.data) s += x * x;
    return Math.sqrt(s);
  },
  diff(a: Mat, b: Mat): number {
    if (a.rows !== b.rows || a.cols !== b.cols) throw new Error(`shape ${a.rows}x${a.cols} vs ${b.rows}x${b.cols}`);
    let s = 0;
    for (let i = 0; i < a.data.length; i++) s += (a.data[i] - b.data[i]) ** 2;
    return Math.sqrt(s);
  },
  /** max |Q^T Q - I| */
  orthError(q: Mat): number {
    const g = ref.matmul(q, q, true, false);
    let worst = 0;
    for (let i = 0; i < g.rows; i++) for (let j = 0; j < g.cols; j++) worst = Math.max(worst, Math.abs(g.data[i * g.cols + j] - (i === j ? 1 : 0)));
    return worst;
  },
  /** A with column j scaled by v[j] */
  scaleCols(a: Mat, v: ArrayLike<number>): Mat {
    const out = mat(a.rows, a.cols, a.data);
    for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[i * a.cols + j] *= v[j];
    return out;
  },
};

/** relative tolerance for results of one engine dtype */
export const tol = (d: DType): number => (d === 'float32' ? 2e-5 : 1e-11);

export interface EngineCase {
  label: string;
  make: () => Promise<Engine>;
  dtype: DType;
}

/** whether the native addon loads here, and why not */
export function nativeStatus(): { ok: boolean; why?: string } {
  try {
    loadAddon();
    return { ok: true };
  } catch (e) {
    return { ok: false, why: (e as Error).message };
  }
}

/** every engine configuration to test; native ones are listed only when the addon loads */
export function engineCases(): EngineCase[] {
  const cases: EngineCase[] = [
    { label: 'js/float64', dtype: 'float64', make: () => getEngine('js', { dtype: 'float64' }) },
    { label: 'js/float32', dtype: 'float32', make: () => getEngine('js', { dtype: 'float32' }) },
    { label: 'tfjs-wasm/float32', dtype: 'float32', make: () => getEngine('tfjs', { backend: 'wasm' }) },
    { label: 'tfjs-cpu/float32', dtype: 'float32', make: () => getEngine('tfjs', { backend: 'cpu' }) },
  ];
  if (nativeStatus().ok) {
    cases.unshift(
      { label: 'native/float64', dtype: 'float64', make: () => getEngine('native', { dtype: 'float64' }) },
      { label: 'native/float32', dtype: 'float32', make: () => getEngine('native', { dtype: 'float32' }) },
    );
  }
  return cases;
}
