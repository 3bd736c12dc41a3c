/**
 * Argument checks shared by every engine's decompositions, so that all engines reject the same bad input with the
 * same message instead of handing NaNs or asymmetric matrices to LAPACK / ml-matrix.
 */
import { upperTiles, type Mat } from '../core/matrix.ts';

function checkFinite(a: Mat, op: string): void {
  const d = a.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new RangeError(`${op}: entry (${Math.floor(i / a.cols)}, ${i % a.cols}) is ${d[i]}, not a finite number`);
    }
  }
}

/** Throws unless `a` is square, finite and symmetric to 1e-8 relative to its largest entry. */
export function checkSymmetric(a: Mat, op: string): void {
  if (a.rows !== a.cols) throw new RangeError(`${op} needs a square matrix, got ${a.rows} x ${a.cols}`);
  const n = a.rows;
  const d = a.data;
  // finiteness and the largest entry in one pass (checkFinite's message for the first bad entry)
  let big = 0;
  for (let i = 0; i < d.length; i++) {
    const v = Math.abs(d[i]);
    if (!(v < Infinity)) checkFinite(a, op); // NaN or infinite: throws naming the first such entry
    if (v > big) big = v;
  }
  const tol = 1e-8 * big;
  // upper triangle against lower, tile by tile
  for (const [i0, i1, j0, j1] of upperTiles(n)) {
    for (let i = i0; i < i1; i++) {
      for (let j = Math.max(j0, i + 1); j < j1; j++) {
        const diff = Math.abs(d[i * n + j] - d[j * n + i]);
        if (diff > tol) throw new RangeError(`${op}: matrix is not symmetric (|A[${i},${j}] - A[${j},${i}]| = ${diff})`);
      }
    }
  }
}

/** Number of leading pairs to return: k clamped to `max`; k must be a non-negative integer. */
export function pairCount(k: number | undefined, max: number, op: string): number {
  if (k === undefined) return max;
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`${op}: k must be a non-negative integer, got ${k}`);
  return Math.min(k, max);
}

export function checkMatrix(a: Mat, op: string): void {
  if (a.rows < 1 || a.cols < 1) throw new RangeError(`${op}: empty matrix ${a.rows} x ${a.cols}`);
  checkFinite(a, op);
}

export function checkSolve(a: Mat, b: Mat, op: string): void {
  if (a.rows !== a.cols || a.rows !== b.rows) {
    throw new RangeError(`${op} shapes: A ${a.rows} x ${a.cols}, B ${b.rows} x ${b.cols}`);
  }
  checkSymmetric(a, op);
  checkFinite(b, op);
}
