/**
 * p-nearest-neighbour sparsification, the MGRNNM/GRMF variant (`preprocess_PNN`): in each row mark the p+1
 * largest entries (normally the node itself and its p nearest neighbours), symmetrise the 0/1 mask
 * N <- (N + N^T)/2 and return W = N o S, so an edge chosen by one side only keeps half its weight.
 *
 * Ties: entries are ranked by value descending, equal values by column index ascending (what MATLAB's stable
 * `sort(..., 'descend')` does), so the result is deterministic. NaN entries rank last.
 */
import { mat, type Mat } from '../core/matrix.ts';

/** The 0/1 mask (before symmetrisation) of the p+1 largest entries of each row. */
export function knnMask(s: Mat, p: number): Mat {
  const n = s.rows;
  if (s.cols !== n) throw new RangeError(`p-NN needs a square matrix, got ${s.rows} x ${s.cols}`);
  if (!Number.isInteger(p) || p < 0) throw new RangeError(`p-NN: p must be a non-negative integer, got ${p}`);
  const keep = Math.min(p + 1, n);
  const out = mat(n, n);
  if (keep > 64) return knnMaskBySort(s, keep);
  const top = new Int32Array(keep);
  const topVal = new Float64Array(keep);
  for (let i = 0; i < n; i++) {
    const row = s.data.subarray(i * n, (i + 1) * n);
    // keep the `keep` best (value desc, index asc) in a sorted buffer; scanning j upwards, a later index
    // displaces an earlier one only if strictly larger, which is the stable-sort tie rule
    let size = 0;
    for (let j = 0; j < n; j++) {
      const v = Number.isNaN(row[j]) ? -Infinity : row[j];
      if (size === keep && !(v > topVal[keep - 1])) continue;
      let pos = size === keep ? keep - 1 : size++;
      while (pos > 0 && v > topVal[pos - 1]) {
        topVal[pos] = topVal[pos - 1];
        top[pos] = top[pos - 1];
        pos--;
      }
      topVal[pos] = v;
      top[pos] = j;
    }
    for (let r = 0; r < keep; r++) out.data[i * n + top[r]] = 1;
  }
  return out;
}

/** Same mask by a full sort of each row (value desc, index asc); used for large p. */
export function knnMaskBySort(s: Mat, keep: number): Mat {
  const n = s.rows;
  const out = mat(n, n);
  const idx = new Int32Array(n);
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      idx[j] = j;
      const v = s.data[i * n + j];
      key[j] = Number.isNaN(v) ? -Infinity : v;
    }
    idx.sort((a, b) => (key[b] > key[a] ? 1 : key[b] < key[a] ? -1 : a - b));
    for (let r = 0; r < Math.min(keep, n); r++) out.data[i * n + idx[r]] = 1;
  }
  return out;
}

/** W = ((N + N^T)/2) o S with N the p+1 mask of `knnMask`. */
export function knnSparsify(s: Mat, p: number): Mat {
  const n = s.rows;
  const m = knnMask(s, p);
  const w = mat(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const nij = 0.5 * (m.data[i * n + j] + m.data[j * n + i]);
      if (nij !== 0) w.data[i * n + j] = nij * s.data[i * n + j];
    }
  }
  return w;
}
