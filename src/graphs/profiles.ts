/**
 * The MGRNNM "combined" similarity: S + 4 correlation + 4 cosine + 4 jaccard + 1 hamming of interaction profiles.
 *
 * The reference code (MGRNNMforDTI, helper_functions/getdata.m) adds `1 - pdist2(X, X, type)` for the 13 entries
 * of its `similarity_types` list to the chemical (genomic) similarity and does NOT normalise the sum, so a
 * combined similarity lies in about [-8, 14] with 14 on the diagonal. We keep that scale (it matters for the
 * combinatorial Laplacian; the normalised one is scale-free).
 *
 * Cold rows (a node whose profile is all zero, e.g. a held-out drug in CVS2 under `profiles: 'train'`):
 * - `chemical-only` (default): profile terms are computed only between nodes that both have a non-empty profile;
 *   for any pair involving a cold node, each of the 13 unit-weight profile terms is replaced by the chemical
 *   similarity itself, i.e. S'_ij = 14 * S_ij. A cold node thus keeps the neighbours its chemistry gives it, on
 *   the same scale as the warm pairs (its diagonal is 14 * S_ii = 14, like a warm node's).
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

/** Weighted sum of the recipe's profile similarities between the rows of `profile`. */
export function profileTerms(profile: Mat): Mat {
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
export function combineProfiles(sim: Mat, profile: Mat, coldRows: ColdRows = 'chemical-only'): Mat {
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
  const scale = 1 + PROFILE_WEIGHT;
  for (let k = 0; k < out.data.length; k++) out.data[k] = scale * sim.data[k];
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
