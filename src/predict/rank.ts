/**
 * Ranking unknown pairs from a full score matrix. Pure, no I/O. "Unknown" = cells whose truth value is 0
 * (DTI: no known interaction; ratings: unrated). Ties are broken by ascending row, then column, so output is stable.
 */
import type { Mat } from '../core/matrix.ts';

export interface RankedPair {
  row: number;
  col: number;
  score: number;
  /** 1-based rank within its list (per row, per column, or overall) */
  rank: number;
}

export type RankScope = { per: 'row' } | { per: 'col' } | { per: 'all' } | { row: number } | { col: number };

/** Top `n` unknown cells per row / per column / overall, or for one row or one column. */
export function rankUnknown(scores: Mat, truth: Mat, n: number, scope: RankScope): RankedPair[] {
  if (scores.rows !== truth.rows || scores.cols !== truth.cols) {
    throw new RangeError(`scores are ${scores.rows} x ${scores.cols} but the data are ${truth.rows} x ${truth.cols}`);
  }
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`top-N must be a positive integer, got ${n}`);
  const { rows, cols } = truth;
  const cellsOf = (rowSel: number[] | null, colSel: number[] | null): number[] => {
    const out: number[] = [];
    for (const i of rowSel ?? range(rows)) for (const j of colSel ?? range(cols)) if (truth.data[i * cols + j] === 0) out.push(i * cols + j);
    return out;
  };
  const top = (cells: number[]): RankedPair[] => {
    for (const c of cells) {
      if (!Number.isFinite(scores.data[c])) {
        throw new RangeError(`score at row ${Math.floor(c / cols)}, column ${c % cols} is ${scores.data[c]}`);
      }
    }
    cells.sort((a, b) => scores.data[b] - scores.data[a] || a - b);
    return cells.slice(0, n).map((c, k) => ({ row: Math.floor(c / cols), col: c % cols, score: scores.data[c], rank: k + 1 }));
  };
  if ('row' in scope) {
    checkIndex(scope.row, rows, 'row');
    return top(cellsOf([scope.row], null));
  }
  if ('col' in scope) {
    checkIndex(scope.col, cols, 'column');
    return top(cellsOf(null, [scope.col]));
  }
  if (scope.per === 'all') return top(cellsOf(null, null));
  const out: RankedPair[] = [];
  if (scope.per === 'row') for (let i = 0; i < rows; i++) out.push(...top(cellsOf([i], null)));
  else for (let j = 0; j < cols; j++) out.push(...top(cellsOf(null, [j])));
  return out;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function checkIndex(i: number, n: number, what: string): void {
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`${what} index ${i} outside 0..${n - 1}`);
}
