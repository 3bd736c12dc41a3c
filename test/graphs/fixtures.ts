/** Shared fixtures for the graph tests (not a test file). */
import { mat, type Mat } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import type { Engine } from '../../src/engine/types.ts';
import { engineNames, getEngine } from '../../src/engine/registry.ts';

/** Random symmetric similarity in [0, 1) with unit diagonal. */
export function randomSim(n: number, seed: number): Mat {
  const r = new Rng(seed);
  const s = mat(n, n);
  for (let i = 0; i < n; i++) {
    s.data[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) {
      const v = r.next();
      s.data[i * n + j] = v;
      s.data[j * n + i] = v;
    }
  }
  return s;
}

/** Random 0/1 matrix with the given density. */
export function randomBinary(rows: number, cols: number, density: number, seed: number): Mat {
  const r = new Rng(seed);
  const m = mat(rows, cols);
  for (let k = 0; k < m.data.length; k++) m.data[k] = r.next() < density ? 1 : 0;
  return m;
}

/** Every engine that loads here (js always), by name. */
export async function availableEngines(): Promise<Engine[]> {
  const out: Engine[] = [];
  for (const name of engineNames()) {
    try {
      out.push(await getEngine(name));
    } catch {
      /* not available on this machine */
    }
  }
  return out;
}

/** C = A B for host matrices (small test sizes). */
export function mul(a: Mat, b: Mat): Mat {
  const c = mat(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const x = a.data[i * a.cols + k];
      if (x === 0) continue;
      for (let j = 0; j < b.cols; j++) c.data[i * b.cols + j] += x * b.data[k * b.cols + j];
    }
  }
  return c;
}

export const maxAbsDiff = (a: Mat, b: Mat): number => {
  let w = 0;
  for (let k = 0; k < a.data.length; k++) w = Math.max(w, Math.abs(a.data[k] - b.data[k]));
  return w;
};
