/**
 * The MGRNNM "combined" similarity: S + 4 correlation + 4 cosine + 4 jaccard + 1 hamming of interaction profiles.
 *
 * The reference code (MGRNNMforDTI, helper_functions/getdata.m) adds `1 - pdist2(X, X, type)` for the 13 entries
 * of its `similarity_types` list to the chemical (genomic) similarity and does NOT normalise the sum, so a
 * combined similarity lies in about [-4, 14] (only correlation can be negative), 14 on the diagonal. We keep
 * that scale (it matters for the combinatorial Laplacian; the normalised one is scale-free).
 *
 * Cold rows (a node whose profile is all zero, e.g. a held-out drug in CVS2 under `profiles: 'train'`):
 * - `chemical-only` / `chemical-scaled`: profile terms are computed only between nodes that both have a non-empty
 *   profile; a pair involving a cold node carries its chemical similarity times `coldScale`. With the default
 *   coldScale 14 (= 1 + 13: each unit-weight profile term replaced by the chemical similarity) a cold node sits on
 *   the same scale as warm ones (diagonal 14 * S_ii = 14, like a warm node's). The provider uses coldScale 1 for
 *   the p-NN ranking under `chemical-only` (see knn.ts `rankBy`).
 * - `naive`: the profile terms are computed for every pair with the zero conventions of similarity.ts (what a
 *   direct port of the reference code does, minus its NaNs).
 */
import { mat, type Mat } from '../core/matrix.ts';
import { profileSimilarity, type ProfileMetric } from './similarity.ts';
import type { ColdRows } from './types.ts';

/** The published recipe: metric and weight (MGRNNM run.m's similarity_types list). */
export const COMBINED_RECIPE: readonly { metric: ProfileMetric; weight: number }[] = [
  { metric: 'correlation', weight: 4 },
  { metric: 'cosine', weight: 4 },
  { metric: 'jaccard', weight: 4 },
  { metric: 'hamming', weight: 1 },
];

/** Sum of the recipe's profile weights (13). */
export const PROFILE_WEIGHT = COMBINED_RECIPE.reduce((a, r) => a + r.weight, 0);

/** Indices of nodes whose profile row has at least one nonzero entry. */
export function warmRows(profile: Mat): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < profile.rows; i++) {
    const row = profile.data.subarray(i * profile.cols, (i + 1) * profile.cols);
    if (row.some((v) => v !== 0)) out.push(i);
  }
  return Int32Array.from(out);
}

function selectRows(p: Mat, idx: Int32Array): Mat {
  const out = mat(idx.length, p.cols);
  idx.forEach((r, i) => out.data.set(p.data.subarray(r * p.cols, (r + 1) * p.cols), i * p.cols));
  return out;
}

/** True when every entry is 0 or 1. */
export function isBinary(m: Mat): boolean {
  for (let k = 0; k < m.data.length; k++) if (m.data[k] !== 0 && m.data[k] !== 1) return false;
  return true;
}

/**
 * The recipe's weighted profile terms for a 0/1 profile matrix, from co-occurrence counts a_ij = <p_i, p_j>
 * (accumulated column by column over the nonzeros: profiles are sparse) and row counts s_i:
 * cosine a/sqrt(s_i s_j); jaccard a/(s_i + s_j - a); hamming 1 - (s_i + s_j - 2a)/m;
 * correlation (a - s_i s_j/m) / sqrt((s_i - s_i^2/m)(s_j - s_j^2/m)); same zero conventions as similarity.ts.
 */
export function binaryProfileTerms(profile: Mat): Mat {
  const { rows: n, cols: m } = profile;
  const a = new Float64Array(n * n);
  const s = new Float64Array(n);
  const members: number[][] = Array.from({ length: m }, () => []);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      if (profile.data[i * m + k] !== 0) {
        members[k].push(i);
        s[i]++;
      }
    }
  }
  for (const col of members) {
    for (let x = 0; x < col.length; x++) {
      const i = col[x];
      for (let y = x; y < col.length; y++) a[i * n + col[y]]++;
    }
  }
  const w = Object.fromEntries(COMBINED_RECIPE.map((r) => [r.metric, r.weight])) as Record<ProfileMetric, number>;
  const varOf = (c: number): number => c - (c * c) / m;
  const clamp = (v: number): number => (v > 1 ? 1 : v < -1 ? -1 : v);
  const out = mat(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const aij = a[i * n + j]; // upper triangle (i <= j) holds the counts
      const si = s[i];
      const sj = s[j];
      const union = si + sj - aij;
      const cos = si > 0 && sj > 0 ? clamp(aij / Math.sqrt(si * sj)) : 0;
      const jac = union > 0 ? aij / union : 0;
      const ham = m > 0 ? 1 - (si + sj - 2 * aij) / m : 0;
      const vi = varOf(si);
      const vj = varOf(sj);
      const corr = vi > 0 && vj > 0 ? clamp((aij - (si * sj) / m) / Math.sqrt(vi * vj)) : 0;
      const v = w.correlation * corr + w.cosine * cos + w.jaccard * jac + w.hamming * ham;
      out.data[i * n + j] = v;
      out.data[j * n + i] = v;
    }
  }
  return out;
}

/** Weighted sum of the recipe's profile similarities between the rows of `profile` (0/1 fast path when binary). */
export function profileTerms(profile: Mat): Mat {
  if (isBinary(profile)) return binaryProfileTerms(profile);
  return profileTermsGeneric(profile);
}

/** The same by the general metric functions of similarity.ts (any real-valued profiles). */
export function profileTermsGeneric(profile: Mat): Mat {
  const n = profile.rows;
  const out = mat(n, n);
  for (const { metric, weight } of COMBINED_RECIPE) {
    const s = profileSimilarity[metric](profile);
    for (let k = 0; k < out.data.length; k++) out.data[k] += weight * s.data[k];
  }
  return out;
}

/**
 * Combined similarity: `sim` (n x n) plus the recipe's profile terms of the rows of `profile` (n x m).
 */
export function combineProfiles(
  sim: Mat,
  profile: Mat,
  coldRows: ColdRows = 'chemical-only',
  coldScale: number = 1 + PROFILE_WEIGHT,
): Mat {
  const n = sim.rows;
  if (sim.cols !== n) throw new RangeError(`similarity must be square, got ${sim.rows} x ${sim.cols}`);
  if (profile.rows !== n) {
    throw new RangeError(`profile matrix has ${profile.rows} rows, similarity has ${n} nodes`);
  }
  if (coldRows === 'naive') {
    const t = profileTerms(profile);
    for (let k = 0; k < t.data.length; k++) t.data[k] += sim.data[k];
    return t;
  }
  const warm = warmRows(profile);
  const out = mat(n, n);
  for (let k = 0; k < out.data.length; k++) out.data[k] = coldScale * sim.data[k];
  const t = profileTerms(selectRows(profile, warm));
  const w = warm.length;
  for (let a = 0; a < w; a++) {
    const i = warm[a];
    for (let b = 0; b < w; b++) {
      const j = warm[b];
      out.data[i * n + j] = sim.data[i * n + j] + t.data[a * w + b];
    }
  }
  return out;
}
