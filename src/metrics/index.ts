/**
 * Evaluation metrics on the test cells of one fold: AUC (tie-aware), AUPR as average precision (tie rule selectable),
 * RMSE. Pure functions, no I/O. See docs/metrics.md for the exact definitions and tie rules.
 *
 * Labels: a label > 0 is a positive, any other value (0) a negative. A metric that is undefined (AUC without positives
 * or without negatives, AP without positives) is NaN; `scoreTestCells` leaves such fields out of its result instead.
 */
import type { Mat } from '../core/matrix.ts';
import type { FoldMetrics } from '../run/record.ts';

/**
 * How tied scores are treated by `aupr`:
 * - `average` (default): the expected average precision over all orderings of each block of tied scores, each
 *   ordering equally likely (McSherry & Najork 2008). Invariant to input order; equals plain AP without ties.
 * - `block`: tied scores form one block; every positive in it gets the precision at the end of the block
 *   (the step rule of scikit-learn's `average_precision_score`).
 * - `index-order`: ties broken by input position (earlier first, a stable descending sort), as the MATLAB
 *   reference code does with `sort(..., 'descend')`. Depends on the order the cells are listed in.
 */
/** Whether a higher value of the metric is better (AUC, AUPR) or a lower one (RMSE). */
export const higherIsBetter = (m: 'auc' | 'aupr' | 'rmse'): boolean => m !== 'rmse';

export type TieRule = 'average' | 'block' | 'index-order';

export interface AuprOptions {
  ties?: TieRule;
}

export function checkPair(a: ArrayLike<number>, b: ArrayLike<number>, what: string, an: string, bn: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${what}: ${an} has ${a.length} entries but ${bn} has ${b.length}`);
  }
  if (a.length === 0) throw new RangeError(`${what}: no entries to score`);
}

export function checkFinite(x: ArrayLike<number>, what: string, name: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new RangeError(`${what}: ${name}[${i}] is ${x[i]} (scores must be finite)`);
  }
}

/** Indices sorted by descending score; ties keep ascending index order (stable). */
function orderDescending(scores: ArrayLike<number>): Uint32Array {
  const n = scores.length;
  const s = scores instanceof Float64Array ? scores : Float64Array.from(scores);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  // TypedArray#sort with a comparator; the index tie-break makes the order total, hence deterministic.
  idx.sort((a, b) => s[b] - s[a] || a - b);
  return idx;
}

/**
 * Blocks of tied scores in descending score order, as counts of positives `pos[b]` and negatives `neg[b]` and the
 * block's score `values[b]`. Order within a block is irrelevant for AUC, for the 'average'/'block' AP rules and for
 * the PR curve (./pr-curve.ts), so each class is sorted natively (no comparator) and the two sorted lists are merged
 * from the top.
 */
export function tieBlocks(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): { pos: Uint32Array; neg: Uint32Array; values: Float64Array; nPos: number; nNeg: number } {
  let nPos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] > 0) nPos++;
  const nNeg = scores.length - nPos;
  const ps = new Float64Array(nPos);
  const ns = new Float64Array(nNeg);
  for (let i = 0, a = 0, b = 0; i < scores.length; i++) {
    if (labels[i] > 0) ps[a++] = scores[i];
    else ns[b++] = scores[i];
  }
  ps.sort();
  ns.sort();
  const pos = new Uint32Array(scores.length);
  const neg = new Uint32Array(scores.length);
  const values = new Float64Array(scores.length);
  let i = nPos - 1;
  let j = nNeg - 1;
  let b = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? ns[j] : j < 0 ? ps[i] : Math.max(ps[i], ns[j]);
    let p = 0;
    let q = 0;
    while (i >= 0 && ps[i] === v) {
      p++;
      i--;
    }
    while (j >= 0 && ns[j] === v) {
      q++;
      j--;
    }
    pos[b] = p;
    neg[b] = q;
    values[b] = v;
    b++;
  }
  return { pos: pos.subarray(0, b), neg: neg.subarray(0, b), values: values.subarray(0, b), nPos, nNeg };
}

/**
 * Area under the ROC curve, tie-aware: the Mann-Whitney statistic with average ranks, i.e. the fraction of
 * (positive, negative) pairs where the positive scores higher, a tie counting 1/2. NaN without both classes.
 */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkPair(scores, labels, 'auc', 'scores', 'labels');
  checkFinite(scores, 'auc', 'scores');
  const { pos, neg, nPos, nNeg } = tieBlocks(scores, labels);
  if (nPos === 0 || nNeg === 0) return NaN;
  // walk blocks from the top: positives of a block beat every negative below it and tie with those inside it
  let negAbove = 0;
  let correct = 0;
  for (let b = 0; b < pos.length; b++) {
    const p = pos[b];
    const q = neg[b];
    correct += p * (nNeg - negAbove - q) + 0.5 * p * q;
    negAbove += q;
  }
  return correct / (nPos * nNeg);
}

/** Average precision (mean over positives of the precision at that positive's rank); tie rule per `opts.ties`. */
export function aupr(scores: ArrayLike<number>, labels: ArrayLike<number>, opts: AuprOptions = {}): number {
  const ties = opts.ties ?? 'average';
  checkPair(scores, labels, 'aupr', 'scores', 'labels');
  checkFinite(scores, 'aupr', 'scores');
  const n = scores.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) if (labels[i] > 0) nPos++;
  if (nPos === 0) return NaN;
  let sum = 0;
  if (ties === 'index-order') {
    const idx = orderDescending(scores);
    let tp = 0;
    for (let r = 0; r < n; r++) {
      if (labels[idx[r]] > 0) {
        tp++;
        sum += tp / (r + 1);
      }
    }
    return sum / nPos;
  }
  if (ties !== 'average' && ties !== 'block') throw new RangeError(`aupr: unknown tie rule '${ties}'`);
  const blocks = tieBlocks(scores, labels);
  let before = 0; // items ranked strictly above the block
  let tpBefore = 0; // positives among them
  for (let b = 0; b < blocks.pos.length; b++) {
    const k = blocks.pos[b];
    const m = k + blocks.neg[b]; // block size
    if (k > 0) {
      if (ties === 'block') {
        sum += (k * (tpBefore + k)) / (before + m);
      } else {
        // A positive of the block sits at block position t (1..m) with probability 1/m; given t, the other k-1
        // positives fill the t-1 places before it hypergeometrically: E[#] = (t-1)(k-1)/(m-1).
        let e = 0;
        for (let t = 1; t <= m; t++) {
          const ahead = m > 1 ? ((t - 1) * (k - 1)) / (m - 1) : 0;
          e += (tpBefore + 1 + ahead) / (before + t);
        }
        sum += (k * e) / m;
      }
    }
    before += m;
    tpBefore += k;
  }
  return sum / nPos;
}

/** Root mean squared error. */
export function rmse(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  checkPair(pred, truth, 'rmse', 'pred', 'truth');
  checkFinite(pred, 'rmse', 'pred');
  let s = 0;
  for (let i = 0; i < pred.length; i++) {
    const d = pred[i] - truth[i];
    s += d * d;
  }
  return Math.sqrt(s / pred.length);
}

export interface ScoreOptions {
  /** AUPR tie rule (default 'average') */
  ties?: TieRule;
  /**
   * Order the test cells are listed in before scoring; matters only for `ties: 'index-order'`.
   * 'row-major' (default) = ascending linear index `row * cols + col`; 'column-major' = MATLAB's `Y(testIdx)` order.
   */
  order?: 'row-major' | 'column-major';
}

/** Gathers the test-cell scores and truth values, in the requested cell order. */
export function gatherTestCells(
  scores: Mat,
  truth: Mat,
  testCells: Int32Array,
  order: 'row-major' | 'column-major' = 'row-major',
): { pred: Float64Array; y: Float64Array } {
  if (scores.rows !== truth.rows || scores.cols !== truth.cols) {
    throw new RangeError(`scoreTestCells: scores are ${scores.rows} x ${scores.cols} but truth is ${truth.rows} x ${truth.cols}`);
  }
  const size = truth.rows * truth.cols;
  let cells: ArrayLike<number> = testCells;
  if (order === 'column-major') {
    const c = Int32Array.from(testCells);
    const key = (x: number) => (x % truth.cols) * truth.rows + Math.floor(x / truth.cols);
    c.sort((a, b) => key(a) - key(b));
    cells = c;
  }
  const pred = new Float64Array(cells.length);
  const y = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (!Number.isInteger(c) || c < 0 || c >= size) {
      throw new RangeError(`scoreTestCells: test cell ${c} (entry ${i}) outside a ${truth.rows} x ${truth.cols} matrix`);
    }
    const v = scores.data[c];
    if (!Number.isFinite(v)) {
      throw new RangeError(
        `scoreTestCells: score at row ${Math.floor(c / truth.cols)}, column ${c % truth.cols} is ${v} (the method produced a non-finite score)`,
      );
    }
    pred[i] = v;
    y[i] = truth.data[c];
  }
  return { pred, y };
}

/**
 * Metrics of one fold: DTI -> AUC, AUPR and RMSE against 0/1 labels; ratings -> RMSE only. AUC/AUPR are left out
 * when undefined on this fold (no positives, or no negatives for AUC).
 */
export function scoreTestCells(
  scores: Mat,
  truth: Mat,
  testCells: Int32Array,
  kind: 'dti' | 'ratings',
  opts: ScoreOptions = {},
): FoldMetrics {
  if (testCells.length === 0) throw new RangeError('scoreTestCells: the fold has no test cells');
  const { pred, y } = gatherTestCells(scores, truth, testCells, opts.order);
  if (kind === 'ratings') return { rmse: rmse(pred, y) };
  if (kind !== 'dti') throw new RangeError(`scoreTestCells: unknown kind '${kind}'`);
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new RangeError(`scoreTestCells: DTI truth must be 0/1, found ${y[i]} (test entry ${i})`);
    }
  }
  const out: FoldMetrics = { rmse: rmse(pred, y) };
  const a = auc(pred, y);
  const p = aupr(pred, y, { ties: opts.ties });
  if (!Number.isNaN(a)) out.auc = a;
  if (!Number.isNaN(p)) out.aupr = p;
  return out;
}
