/** Small random DTI-like problems for the baseline tests (no I/O). */
import { mat, type Mat } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import type { Engine } from '../../src/engine/types.ts';
import { createGraphProvider } from '../../src/graphs/provider.ts';
import type { GraphProvider } from '../../src/graphs/types.ts';

export interface Problem {
  Y: Mat;
  W: Mat;
  drugSim: Mat;
  targetSim: Mat;
  graphs: GraphProvider;
}

/** Gaussian-kernel similarity of random points (symmetric, unit diagonal). */
export function randomSimilarity(rng: Rng, n: number, dim = 3): Mat {
  const pts = Array.from({ length: n }, () => Array.from({ length: dim }, () => rng.normal()));
  const s = mat(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let q = 0; q < dim; q++) d += (pts[i][q] - pts[j][q]) ** 2;
      s.data[i * n + j] = Math.exp(-d / 2);
    }
  }
  return s;
}

/** m x n 0/1 interactions (density ~ rho, at least one per row and column) with a random test mask (fraction testFrac). */
export function randomProblem(engine: Engine, seed: number, m = 30, n = 20, rho = 0.15, testFrac = 0.1): Problem {
  const rng = new Rng(seed);
  const full = mat(m, n);
  for (let q = 0; q < m * n; q++) full.data[q] = rng.next() < rho ? 1 : 0;
  for (let i = 0; i < m; i++) full.data[i * n + rng.int(n)] = 1;
  for (let j = 0; j < n; j++) full.data[rng.int(m) * n + j] = 1;
  const W = mat(m, n);
  const Y = mat(m, n);
  for (let q = 0; q < m * n; q++) {
    W.data[q] = rng.next() < testFrac ? 0 : 1;
    Y.data[q] = W.data[q] * full.data[q];
  }
  const drugSim = randomSimilarity(rng, m);
  const targetSim = randomSimilarity(rng, n);
  const graphs = createGraphProvider({ rowSim: drugSim, colSim: targetSim, profiles: 'none', profileY: null, engine });
  return { Y, W, drugSim, targetSim, graphs };
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Plain-loop product A B^T-free helpers, independent of the engine. */
export function matmulPlain(a: Mat, b: Mat): Mat {
  const out = mat(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let p = 0; p < a.cols; p++) {
      const v = a.data[i * a.cols + p];
      for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j] += v * b.data[p * b.cols + j];
    }
  }
  return out;
}
