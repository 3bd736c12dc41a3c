/** Synthetic fixtures for the SGMC tests: community graphs and band-limited matrices on their product graph. */
import { mat, type Mat } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import type { Engine } from '../../src/engine/types.ts';
import { createGraphProvider } from '../../src/graphs/provider.ts';
import type { FitInput } from '../../src/methods/types.ts';

/** symmetric 0/1 adjacency with `k` equal communities: edge probability pIn inside, pOut across */
export function communityGraph(n: number, k: number, pIn: number, pOut: number, rng: Rng): Mat {
  const W = mat(n, n);
  const size = Math.ceil(n / k);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const same = Math.floor(i / size) === Math.floor(j / size);
      if (rng.next() < (same ? pIn : pOut)) W.data[i * n + j] = W.data[j * n + i] = 1;
    }
  }
  return W;
}

export function combinatorialLaplacian(W: Mat): Mat {
  const n = W.rows;
  const L = mat(n, n);
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let j = 0; j < n; j++) if (j !== i) {
      d += W.data[i * n + j];
      L.data[i * n + j] = -W.data[i * n + j];
    }
    L.data[i * n + i] = d;
  }
  return L;
}

export interface Synthetic {
  truth: Mat;
  rowAdj: Mat;
  colAdj: Mat;
  train: Mat;
  mask: Mat;
  testCells: Int32Array;
}

/** rank-`rank` matrix in the span of the `rank` lowest Laplacian eigenvectors of each side, unit RMS */
export function bandLimited(engine: Engine, m: number, n: number, rank: number, observed: number, seed: number): Synthetic {
  const rng = new Rng(seed);
  const rowAdj = communityGraph(m, Math.max(2, Math.round(m / 15)), 0.5, 0.005, rng);
  const colAdj = communityGraph(n, Math.max(2, Math.round(n / 20)), 0.5, 0.005, rng);
  const er = engine.eigh(combinatorialLaplacian(rowAdj), rank);
  const ec = engine.eigh(combinatorialLaplacian(colAdj), rank);
  const A = mat(rank, rank);
  for (let i = 0; i < A.data.length; i++) A.data[i] = rng.normal();
  const truth = mat(m, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let a = 0; a < rank; a++) {
        const pa = er.vectors.data[i * rank + a];
        for (let b = 0; b < rank; b++) s += pa * A.data[a * rank + b] * ec.vectors.data[j * rank + b];
      }
      truth.data[i * n + j] = s;
    }
  }
  let ss = 0;
  for (const v of truth.data) ss += v * v;
  const scale = 1 / Math.sqrt(ss / truth.data.length);
  for (let k = 0; k < truth.data.length; k++) truth.data[k] *= scale;
  const mask = mat(m, n);
  const train = mat(m, n);
  const perm = rng.permutation(m * n);
  const nObs = Math.round(observed * m * n);
  for (let k = 0; k < nObs; k++) {
    mask.data[perm[k]] = 1;
    train.data[perm[k]] = truth.data[perm[k]];
  }
  const testCells = Int32Array.from(perm.subarray(nObs)).sort();
  return { truth, rowAdj, colAdj, train, mask, testCells };
}

export function syntheticInput(engine: Engine, s: Synthetic, seed = 1): FitInput {
  const graphs = createGraphProvider({ rowSim: s.rowAdj, colSim: s.colAdj, profiles: 'none', profileY: null, engine });
  return { Y: s.train, W: s.mask, graphs, engine, seed };
}

export function testRmse(s: Synthetic, X: Mat): number {
  let e = 0;
  for (const c of s.testCells) e += (X.data[c] - s.truth.data[c]) ** 2;
  return Math.sqrt(e / s.testCells.length);
}

/** graph spec for given adjacencies: as is, dense, combinatorial Laplacian */
export const GIVEN_GRAPH = { symmetrize: false, combineProfiles: false, knn: null, laplacian: 'combinatorial' } as const;
