/**
 * Running a selection: fit every candidate on the inner training view (one after another), score its validation
 * cells against the training labels with the project's metric code, pick the winner. The caller supplies the fit
 * (inner view, inner graphs) and the scorer, so this stays free of I/O.
 */
import type { Mat } from '../core/matrix.ts';
import type { FoldMetrics } from '../run/record.ts';
import { chooseBest } from './choose.ts';
import type { SelectMetric } from './types.ts';

export interface SelectionOutcome {
  /** index of the winning candidate */
  choice: number;
  /** validation value of each candidate (NaN = undefined, e.g. no positive among the validation cells) */
  values: number[];
  seconds: number;
}

export interface SelectionInput {
  candidates: Record<string, unknown>[];
  metric: SelectMetric;
  /** validation cells (row-major linear indices) */
  validation: Int32Array;
  /** the labels/ratings the validation cells are scored against (training cells only are read) */
  truth: Mat;
  kind: 'dti' | 'ratings';
  /** fit one candidate on the inner view; returns scores for every cell */
  fit(params: Record<string, unknown>, index: number): Promise<Mat>;
  score(scores: Mat, truth: Mat, cells: Int32Array, kind: 'dti' | 'ratings'): FoldMetrics;
}

export async function runSelection(s: SelectionInput): Promise<SelectionOutcome> {
  const t0 = performance.now();
  const values: number[] = [];
  for (let i = 0; i < s.candidates.length; i++) {
    let scores: Mat | null = await s.fit(s.candidates[i], i);
    if (scores.rows !== s.truth.rows || scores.cols !== s.truth.cols) {
      throw new Error(`candidate ${i} returned ${scores.rows} x ${scores.cols} scores for a ${s.truth.rows} x ${s.truth.cols} matrix`);
    }
    const v = s.score(scores, s.truth, s.validation, s.kind)[s.metric];
    scores = null; // only the number is kept
    values.push(typeof v === 'number' && Number.isFinite(v) ? v : NaN);
  }
  return { choice: chooseBest(values, s.metric), values, seconds: (performance.now() - t0) / 1000 };
}

/** Record entries of a selection: select_choice, select_<i>_<metric> per candidate (defined values only), select_seconds. */
export function selectionInfo(o: SelectionOutcome, metric: SelectMetric): Record<string, number> {
  const info: Record<string, number> = { select_choice: o.choice };
  o.values.forEach((v, i) => {
    if (Number.isFinite(v)) info[`select_${i}_${metric}`] = v;
  });
  info.select_seconds = Math.round(o.seconds * 1000) / 1000;
  return info;
}
