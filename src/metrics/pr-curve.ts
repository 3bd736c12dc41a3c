/**
 * The precision-recall curve and its trapezoidal area, in the two conventions common in DTI code. Not the project's
 * AUPR (that is average precision, `aupr` in ./index.ts); these exist to compare evaluation conventions
 * (bench/eval-conventions.ts). Pure functions, no I/O. Definitions in docs/metrics.md.
 *
 * One curve point per distinct score, in descending score order: the point of threshold `t` counts the cells with
 * score >= t as predicted positive (tied scores are one threshold, as in scikit-learn's `precision_recall_curve` and
 * MATLAB's `perfcurve`). Labels: > 0 positive, anything else negative.
 */
import { checkFinite, checkPair, tieBlocks } from './index.ts';

export interface PrPoint {
  /** the score value; cells with score >= threshold are predicted positive */
  threshold: number;
  tp: number;
  fp: number;
  /** tp / (tp + fp); always defined (every threshold admits at least one cell) */
  precision: number;
  /** tp / nPos; NaN without positives */
  recall: number;
}

export type PrStyle = 'sklearn' | 'perfcurve';

/** PR curve points, one per distinct score, thresholds descending (recall non-decreasing). */
export function prCurve(scores: ArrayLike<number>, labels: ArrayLike<number>): PrPoint[] {
  checkPair(scores, labels, 'prCurve', 'scores', 'labels');
  checkFinite(scores, 'prCurve', 'scores');
  const { pos, neg, values, nPos } = tieBlocks(scores, labels);
  const pts: PrPoint[] = [];
  let tp = 0;
  let fp = 0;
  for (let b = 0; b < values.length; b++) {
    tp += pos[b];
    fp += neg[b];
    pts.push({ threshold: values[b], tp, fp, precision: tp / (tp + fp), recall: nPos > 0 ? tp / nPos : NaN });
  }
  return pts;
}

/**
 * Trapezoidal area under the PR curve (recall on x, precision on y, linear interpolation between points).
 * - `sklearn`: `auc(recall, precision)` of scikit-learn's `precision_recall_curve`, which appends the point
 *   (recall 0, precision 1) with no threshold; so the first segment runs from (0, 1) to the top threshold's point.
 *   (Versions that cut the curve at the first full-recall point give the same area: the points cut all have recall 1.)
 * - `perfcurve`: MATLAB `perfcurve(labels, scores, 1, 'XCrit', 'reca', 'YCrit', 'prec')`: its first point is the
 *   'reject all' threshold with precision 0/0 = NaN, which perfcurve removes before its trapezoidal AUC; the area
 *   therefore starts at the top threshold's recall (no segment from recall 0).
 * NaN without positives.
 */
export function auprTrapezoid(scores: ArrayLike<number>, labels: ArrayLike<number>, opts: { style: PrStyle }): number {
  const style = opts.style;
  if (style !== 'sklearn' && style !== 'perfcurve') throw new RangeError(`auprTrapezoid: unknown style '${String(style)}'`);
  const pts = prCurve(scores, labels);
  if (!(pts[0].recall >= 0)) return NaN; // no positives
  let area = 0;
  let r0 = style === 'sklearn' ? 0 : pts[0].recall;
  let p0 = style === 'sklearn' ? 1 : pts[0].precision;
  for (let i = style === 'sklearn' ? 0 : 1; i < pts.length; i++) {
    const { recall: r1, precision: p1 } = pts[i];
    area += ((r1 - r0) * (p0 + p1)) / 2;
    r0 = r1;
    p0 = p1;
  }
  return area;
}
