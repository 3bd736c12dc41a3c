/** Training views of a fold and seeded validation splits. */
import { mat, type Mat } from '../core/matrix.ts';
import { Rng } from '../core/rng.ts';
import type { Fold } from './types.ts';

/** Y with the fold's test cells set to 0, and the observation mask W (1 on training cells, 0 on test cells). */
export function trainingView(Y: Mat, fold: Fold): { Y: Mat; W: Mat } {
  const n = Y.rows * Y.cols;
  const y = mat(Y.rows, Y.cols, Y.data);
  const w = mat(Y.rows, Y.cols);
  w.data.fill(1);
  for (const c of fold.testCells) {
    if (c < 0 || c >= n) throw new RangeError(`test cell ${c} is outside the ${Y.rows} x ${Y.cols} matrix`);
    y.data[c] = 0;
    w.data[c] = 0;
  }
  return { Y: y, W: w };
}

/** Training cells (ascending) of a fold: every cell not in testCells. */
export function trainCells(rows: number, cols: number, fold: Fold): Int32Array {
  const test = new Uint8Array(rows * cols);
  for (const c of fold.testCells) test[c] = 1;
  const out = new Int32Array(rows * cols - fold.testCells.length);
  let p = 0;
  for (let c = 0; c < test.length; c++) if (!test[c]) out[p++] = c;
  return out;
}

/**
 * Seeded validation split of training cells: the first round(fraction * n) positions of `Rng(seed).permutation(n)`
 * go to validation, the rest to fit; both returned ascending.
 */
export function validationSplit(
  cells: Int32Array,
  fraction: number,
  seed: number,
): { fit: Int32Array; validation: Int32Array } {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`validation fraction must be in (0, 1), got ${fraction}`);
  const n = cells.length;
  const nv = Math.round(fraction * n);
  const perm = new Rng(seed).permutation(n);
  const validation = new Int32Array(nv);
  const fit = new Int32Array(n - nv);
  for (let i = 0; i < nv; i++) validation[i] = cells[perm[i]];
  for (let i = nv; i < n; i++) fit[i - nv] = cells[perm[i]];
  return { fit: fit.sort(), validation: validation.sort() };
}
