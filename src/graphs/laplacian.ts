/**
 * Graph Laplacians of a symmetric weighted adjacency W (self-loops allowed). Entries are computed row by row as
 * products that commute (r_i r_j W_ij), so the output is exactly symmetric whenever W is.
 *
 * Degrees are row sums d_i = sum_j W_ij, self-loop included (as MATLAB's `diag(sum(S))` in the reference code).
 * - combinatorial: L = D - W. A self-loop adds W_ii to D_ii and subtracts it again, so it has no effect:
 *   L_ii = sum_{j != i} W_ij, and L 1 = 0 exactly.
 * - normalized: L = D^-1/2 (D - W) D^-1/2 = I - D^-1/2 W D^-1/2 for nodes of positive degree; a self-loop stays
 *   in (L_ii = 1 - W_ii / d_i). A node of zero (or, with negative weights, non-positive) degree is isolated:
 *   d^-1/2 is taken as 0, so its row and column of L are 0 (Chung's convention; eigenvalue 0 per isolated node,
 *   and the multiplicity of eigenvalue 0 is the number of connected components).
 */
import { mat, type Mat } from '../core/matrix.ts';
import type { LaplacianKind } from './types.ts';

export function degrees(w: Mat): Float64Array {
  const n = w.rows;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += w.data[i * n + j];
    d[i] = s;
  }
  return d;
}

export function combinatorialLaplacian(w: Mat): Mat {
  const n = w.rows;
  if (w.cols !== n) throw new RangeError(`Laplacian needs a square matrix, got ${w.rows} x ${w.cols}`);
  const l = mat(n, n);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const v = w.data[i * n + j];
      l.data[i * n + j] = 0 - v; // 0 - v: no negative zeros
      off += v;
    }
    l.data[i * n + i] = off; // = d_i - W_ii: self-loops cancel
  }
  return l;
}

export function normalizedLaplacian(w: Mat): Mat {
  const n = w.rows;
  if (w.cols !== n) throw new RangeError(`Laplacian needs a square matrix, got ${w.rows} x ${w.cols}`);
  const d = degrees(w);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = d[i] > 0 ? 1 / Math.sqrt(d[i]) : 0;
  const l = mat(n, n);
  for (let i = 0; i < n; i++) {
    const ri = r[i];
    for (let j = 0; j < n; j++) l.data[i * n + j] = 0 - ri * r[j] * w.data[i * n + j]; // 0 - x: no -0
    l.data[i * n + i] = ri * ri * (d[i] - w.data[i * n + i]) + 0;
  }
  return l;
}

export function laplacian(w: Mat, kind: LaplacianKind): Mat {
  if (kind === 'combinatorial') return combinatorialLaplacian(w);
  if (kind === 'normalized') return normalizedLaplacian(w);
  throw new RangeError(`unknown Laplacian kind '${kind as string}' (known: combinatorial, normalized)`);
}
