/**
 * Interaction-profile similarities between the rows of a profile matrix P (n x m): row i is the profile of node i
 * (a drug's row of Y, or a target's column of Y). Semantics follow MATLAB's `1 - pdist2(P, P, type)`:
 * - correlation: Pearson correlation of the two rows;
 * - cosine: <x, y> / (|x| |y|);
 * - jaccard: 1 - (#coordinates where x != y and one of them is nonzero) / (#coordinates where one is nonzero);
 * - hamming: 1 - (#coordinates where x != y) / m.
 * Where MATLAB returns NaN (a zero-variance row for correlation, a zero row for cosine, two zero rows for jaccard)
 * the similarity here is 0: "no evidence", never NaN.
 */
import { mat, type Mat } from '../core/matrix.ts';

export type ProfileMetric = 'correlation' | 'cosine' | 'jaccard' | 'hamming';

/** Pearson correlation between all pairs of rows (n x n); 0 where a row has zero variance. */
export function correlationSim(p: Mat): Mat {
  const { rows: n, cols: m } = p;
  const c = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let k = 0; k < m; k++) mean += p.data[i * m + k];
    mean /= m || 1;
    for (let k = 0; k < m; k++) c[i * m + k] = p.data[i * m + k] - mean;
  }
  return normalisedGram(c, n, m);
}

/** Cosine similarity between all pairs of rows; 0 where a row is all zero. */
export function cosineSim(p: Mat): Mat {
  return normalisedGram(p.data, p.rows, p.cols);
}

function normalisedGram(x: Float64Array, n: number, m: number): Mat {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += x[i * m + k] * x[i * m + k];
    norms[i] = Math.sqrt(s);
  }
  const out = mat(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let v = 0;
      if (norms[i] > 0 && norms[j] > 0) {
        let s = 0;
        for (let k = 0; k < m; k++) s += x[i * m + k] * x[j * m + k];
        v = s / (norms[i] * norms[j]);
        if (v > 1) v = 1;
        else if (v < -1) v = -1;
      }
      out.data[i * n + j] = v;
      out.data[j * n + i] = v;
    }
  }
  return out;
}

/** Jaccard similarity (MATLAB's nonzero-coordinate definition); 0 where both rows are all zero. */
export function jaccardSim(p: Mat): Mat {
  const { rows: n, cols: m } = p;
  const out = mat(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let union = 0;
      let differ = 0;
      for (let k = 0; k < m; k++) {
        const a = p.data[i * m + k];
        const b = p.data[j * m + k];
        if (a !== 0 || b !== 0) {
          union++;
          if (a !== b) differ++;
        }
      }
      const v = union > 0 ? 1 - differ / union : 0;
      out.data[i * n + j] = v;
      out.data[j * n + i] = v;
    }
  }
  return out;
}

/** Hamming similarity 1 - (fraction of coordinates that differ). */
export function hammingSim(p: Mat): Mat {
  const { rows: n, cols: m } = p;
  const out = mat(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let differ = 0;
      for (let k = 0; k < m; k++) if (p.data[i * m + k] !== p.data[j * m + k]) differ++;
      const v = m > 0 ? 1 - differ / m : 0;
      out.data[i * n + j] = v;
      out.data[j * n + i] = v;
    }
  }
  return out;
}

export const profileSimilarity: Record<ProfileMetric, (p: Mat) => Mat> = {
  correlation: correlationSim,
  cosine: cosineSim,
  jaccard: jaccardSim,
  hamming: hammingSim,
};
