/**
 * p-nearest-neighbour sparsification, the MGRNNM/GRMF variant (`preprocess_PNN`): in each row mark the p+1
 * largest entries (normally the node itself and its p nearest neighbours), symmetrise the 0/1 mask
 * N <- (N + N^T)/2 and return W = N o S, so an edge chosen by one side only keeps half its weight.
 *
 * Ties: entries are ranked by value descending, equal values by column index ascending (what MATLAB's stable
 * `sort(..., 'descend')` does), so the result is deterministic. NaN entries rank last.
 */
import { mat, type Mat } from '../core/matrix.ts';

/**
 * For each row, the column indices of its p+1 largest entries (row-major, `keep = min(p+1, n)` per row), in
 * rank order.
 */
export function knnSelect(s: Mat, p: number): { keep: number; index: Int32Array } {
  const n = s.rows;
  if (s.cols !== n) throw new RangeError(`p-NN needs a square matrix, got ${s.rows} x ${s.cols}`);
  if (!Number.isInteger(p) || p < 0) throw new RangeError(`p-NN: p must be a non-negative integer, got ${p}`);
  const keep = Math.min(p + 1, n);
  if (keep > 64) return { keep, index: selectBySort(s, keep) };
  const index = new Int32Array(n * keep);
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
    index.set(top, i * keep);
  }
  return { keep, index };
}

function selectBySort(s: Mat, keep: number): Int32Array {
  const n = s.rows;
  const index = new Int32Array(n * keep);
  const idx = new Int32Array(n);
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      idx[j] = j;
      const v = s.data[i * n + j];
      key[j] = Number.isNaN(v) ? -Infinity : v;
    }
    idx.sort((a, b) => (key[b] > key[a] ? 1 : key[b] < key[a] ? -1 : a - b));
    index.set(idx.subarray(0, keep), i * keep);
  }
  return index;
}

/** The 0/1 mask (before symmetrisation) of the p+1 largest entries of each row. */
export function knnMask(s: Mat, p: number): Mat {
  const n = s.rows;
  const { keep, index } = knnSelect(s, p);
  const out = mat(n, n);
  for (let i = 0; i < n; i++) for (let r = 0; r < keep; r++) out.data[i * n + index[i * keep + r]] = 1;
  return out;
}

/** Same mask by a full sort of each row (value desc, index asc): the reference for tests. */
export function knnMaskBySort(s: Mat, keep: number): Mat {
  const n = s.rows;
  const k = Math.min(keep, n);
  const index = selectBySort(s, k);
  const out = mat(n, n);
  for (let i = 0; i < n; i++) for (let r = 0; r < k; r++) out.data[i * n + index[i * k + r]] = 1;
  return out;
}

/** W = ((N + N^T)/2) o S with N the p+1 mask of `knnMask` taken on `rankBy` (default S itself): each selection
 * (i, j) adds S_ij/2 to W_ij and S_ji/2 to W_ji. */
export function knnSparsify(s: Mat, p: number, rankBy: Mat = s): Mat {
  const n = s.rows;
  if (rankBy.rows !== n || rankBy.cols !== s.cols) throw new RangeError('p-NN: rankBy must have the shape of S');
  const { keep, index } = knnSelect(rankBy, p);
  const w = mat(n, n);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < keep; r++) {
      const j = index[i * keep + r];
      w.data[i * n + j] += 0.5 * s.data[i * n + j];
      w.data[j * n + i] += 0.5 * s.data[j * n + i];
    }
  }
  return w;
}
