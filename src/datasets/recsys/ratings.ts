/** Pure helpers that turn rating triplets and masks into a `RatingDataset` (no I/O). */
import { mat, type Mat } from '../../core/matrix.ts';
import type { RatingDataset } from '../types.ts';

/** A rating triplet with 0-based row/col indices. */
export interface Triplet {
  row: number;
  col: number;
  value: number;
}

/** Row-major linear indices of the nonzero cells of a 0/1 mask, ascending. */
export function maskCells(mask: Mat): Int32Array {
  let n = 0;
  for (let k = 0; k < mask.data.length; k++) if (mask.data[k] !== 0) n++;
  const out = new Int32Array(n);
  n = 0;
  for (let k = 0; k < mask.data.length; k++) if (mask.data[k] !== 0) out[n++] = k;
  return out;
}

/** Ascending copy of a cell list. */
export const sortedCells = (cells: ArrayLike<number>): Int32Array => Int32Array.from(cells).sort();

/**
 * Checks the invariants of a rating dataset: train/test ascending, disjoint, inside the matrix, rated (M != 0),
 * adjacency square of the right size, symmetric and nonnegative. Returns the list of problems (empty = valid).
 */
export function checkRatingDataset(d: RatingDataset): string[] {
  const problems: string[] = [];
  const n = d.rows * d.cols;
  if (d.M.rows !== d.rows || d.M.cols !== d.cols) problems.push(`M is ${d.M.rows} x ${d.M.cols}, expected ${d.rows} x ${d.cols}`);
  for (const [name, cells] of [['train', d.train], ['test', d.test]] as const) {
    for (let k = 0; k < cells.length; k++) {
      const c = cells[k];
      if (!(c >= 0 && c < n)) { problems.push(`${name} cell ${c} outside the ${d.rows} x ${d.cols} matrix`); break; }
      if (k > 0 && cells[k - 1] >= c) { problems.push(`${name} cells not strictly ascending at position ${k}`); break; }
      if (d.M.data[c] === 0) { problems.push(`${name} cell (${Math.floor(c / d.cols)}, ${c % d.cols}) has no rating`); break; }
    }
  }
  let i = 0, j = 0;
  while (i < d.train.length && j < d.test.length) {
    if (d.train[i] === d.test[j]) { problems.push(`cell ${d.train[i]} is in both train and test`); break; }
    if (d.train[i] < d.test[j]) i++; else j++;
  }
  for (const [name, a, size] of [['rowAdjacency', d.rowAdjacency, d.rows], ['colAdjacency', d.colAdjacency, d.cols]] as const) {
    if (!a) continue;
    if (a.rows !== size || a.cols !== size) { problems.push(`${name} is ${a.rows} x ${a.cols}, expected ${size} x ${size}`); continue; }
    let asym = 0, neg = false;
    for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) {
      const v = a.data[r * size + c];
      if (v < 0) neg = true;
      asym = Math.max(asym, Math.abs(v - a.data[c * size + r]));
    }
    if (asym > 1e-12) problems.push(`${name} is not symmetric (max |A - A^T| = ${asym})`);
    if (neg) problems.push(`${name} has negative weights`);
  }
  return problems;
}

/** Builds M and the train/test cell lists from triplets (0-based indices; duplicates are an error for the caller). */
export function fromTriplets(rows: number, cols: number, train: Triplet[], test: Triplet[]): { M: Mat; train: Int32Array; test: Int32Array } {
  const M = mat(rows, cols);
  const cells = (ts: Triplet[]): Int32Array => {
    const out = new Int32Array(ts.length);
    ts.forEach((t, k) => {
      const c = t.row * cols + t.col;
      M.data[c] = t.value;
      out[k] = c;
    });
    return out.sort();
  };
  return { M, train: cells(train), test: cells(test) };
}

/** Training view of a rating dataset: Y = ratings on training cells (0 elsewhere), W = 0/1 training mask. */
export function ratingTrainingView(d: Pick<RatingDataset, 'rows' | 'cols' | 'M' | 'train'>, cells: ArrayLike<number> = d.train): { Y: Mat; W: Mat } {
  const Y = mat(d.rows, d.cols);
  const W = mat(d.rows, d.cols);
  for (let k = 0; k < cells.length; k++) {
    const c = cells[k];
    Y.data[c] = d.M.data[c];
    W.data[c] = 1;
  }
  return { Y, W };
}
