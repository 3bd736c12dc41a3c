/**
 * Solver-independent eigenbases. The eigenvectors of a repeated eigenvalue are any orthonormal basis of its
 * eigenspace, and every solver returns another one (OpenBLAS's LAPACK, ml-matrix, numpy, a GPU library). Where a
 * model does not treat such an eigenspace as a whole, its numbers then depend on the solver: a basis cut inside the
 * eigenspace (Synthetic Netflix, Table 5: Q keeps 20 item eigenvectors, 4 of the 60 of eigenvalue 10), an identity
 * start pairing row with column eigenvectors (C = I), the diagonalisation terms (rho).
 *
 * `canonicalEigenspaces` replaces the vectors of every cluster of equal eigenvalues by a basis that depends on the
 * eigenspace alone: pivoted Gram-Schmidt on the projections Pi e_r of the coordinate vectors onto it, taking at each
 * step the coordinate whose projection has the largest part not yet spanned (among those within `tieTol` of the
 * largest, the lowest index, so that rounding cannot reorder ties), then normalising that part. Each new vector
 * depends only on the projector Pi = V V^T, which every orthonormal basis V of the eigenspace shares, and has a
 * positive entry at its pivot coordinate. Graph example: for the null space of a Laplacian with several connected
 * components this gives the components' normalised indicator vectors (for the normalised Laplacian D^1/2 1_c),
 * ordered by their largest entry. Pure; no I/O.
 */
import type { Eigen } from '../engine/types.ts';

export interface CanonicalOptions {
  /** eigenvalues whose gap is at most tol x scale belong to one cluster */
  tol?: number;
  /** the matrix's scale (default: max(1, largest |eigenvalue| given)); pass a bound of the whole spectrum when only
   *  some eigenpairs were computed, so that a partial and a full decomposition find the same clusters */
  scale?: number;
  /** relative tolerance under which two pivot candidates count as tied (the lower index wins) */
  tieTol?: number;
}

export const CLUSTER_TOL = 1e-9;

/** [start, end) index ranges of the clusters of (numerically) equal eigenvalues with more than one member */
export function eigenClusters(values: Float64Array, opts: Pick<CanonicalOptions, 'tol' | 'scale'> = {}): [number, number][] {
  const n = values.length;
  if (n === 0) return [];
  const tol = opts.tol ?? CLUSTER_TOL;
  let scale = opts.scale ?? 1;
  if (opts.scale === undefined) for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(values[i]));
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || values[i] - values[i - 1] > tol * scale) {
      if (i - start > 1) out.push([start, i]);
      start = i;
    }
  }
  return out;
}

/**
 * A copy of `e` whose repeated eigenvalues have the canonical basis described above (singletons are kept). Every
 * cluster in `e` must be complete: for a partial decomposition, compute past the last cluster first (the graph
 * provider does), or the last one's basis is canonical for the part that was computed, not for its eigenspace.
 */
export function canonicalEigenspaces(e: Eigen, opts: CanonicalOptions = {}): Eigen {
  const { rows: n, cols: k } = e.vectors;
  const tieTol = opts.tieTol ?? 1e-8;
  const v = e.vectors.data.slice();
  for (const [a, b] of eigenClusters(e.values, opts)) {
    const size = b - a;
    // W (n x size): row r = coordinates of Pi e_r in the cluster's current basis (Pi e_r = V W[r]^T)
    const W = new Float64Array(n * size);
    for (let r = 0; r < n; r++) for (let s = 0; s < size; s++) W[r * size + s] = v[r * k + a + s];
    const norms = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let t = 0;
      for (let s = 0; s < size; s++) t += W[r * size + s] ** 2;
      norms[r] = t;
    }
    const Qt = new Float64Array(size * size); // row t = coordinates of the t-th canonical vector
    const used = new Uint8Array(n);
    const q = new Float64Array(size);
    for (let t = 0; t < size; t++) {
      let best = -1;
      for (let r = 0; r < n; r++) if (!used[r] && (best < 0 || norms[r] > norms[best])) best = r;
      // the lowest index among the (numerically) tied
      for (let r = 0; r < best; r++) if (!used[r] && norms[r] >= norms[best] * (1 - tieTol)) { best = r; break; }
      used[best] = 1;
      // residual of row `best` against the chosen directions, twice (re-orthogonalisation)
      for (let s = 0; s < size; s++) q[s] = W[best * size + s];
      for (let pass = 0; pass < 2; pass++) {
        for (let u = 0; u < t; u++) {
          const o = u * size;
          let dot = 0;
          for (let s = 0; s < size; s++) dot += Qt[o + s] * q[s];
          for (let s = 0; s < size; s++) q[s] -= dot * Qt[o + s];
        }
      }
      let norm = 0;
      for (let s = 0; s < size; s++) norm += q[s] * q[s];
      norm = Math.sqrt(norm);
      if (!(norm > 0)) throw new Error(`canonicalEigenspaces: cluster ${a}..${b - 1} lost rank at step ${t}`);
      const o = t * size;
      for (let s = 0; s < size; s++) Qt[o + s] = q[s] / norm;
      // deflate every row's remaining part by the new direction (rows with nothing left are skipped)
      for (let r = 0; r < n; r++) {
        if (used[r] || norms[r] === 0) continue;
        const w = r * size;
        let dot = 0;
        for (let s = 0; s < size; s++) dot += W[w + s] * Qt[o + s];
        norms[r] = Math.max(0, norms[r] - dot * dot);
      }
    }
    // new vectors V Q (W still holds V's cluster columns row by row)
    for (let r = 0; r < n; r++) {
      const w = r * size;
      for (let t = 0; t < size; t++) {
        const o = t * size;
        let x = 0;
        for (let s = 0; s < size; s++) x += W[w + s] * Qt[o + s];
        v[r * k + a + t] = x;
      }
    }
  }
  return { values: e.values.slice(), vectors: { rows: n, cols: k, data: v } };
}
