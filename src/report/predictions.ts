/**
 * Reading saved test-cell predictions (for ROC/PR curves) and pooling them over folds.
 *
 * Accepted files (TaskRecord.predictions, relative to a base directory):
 * - JSON: `{ "scores": number[], "labels": number[] }` (optionally `"cells": number[]`, ignored here);
 * - TSV/CSV with a header naming the columns `score` and `label` (other columns ignored).
 */
import { readFile } from 'node:fs/promises';
import { resolve, isAbsolute } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../core/errors.ts';
import type { Group } from './aggregate.ts';
import type { CurveInput } from './plots.ts';
import { concatArrays } from '../core/matrix.ts';

export interface TestPredictions {
  scores: Float64Array;
  labels: Float64Array;
}

export async function readPredictions(path: string): Promise<TestPredictions> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read predictions: ${(e as Error).message}`, { file: path });
  }
  if (/\.json$/i.test(path)) {
    let o: { scores?: unknown; labels?: unknown };
    try {
      o = JSON.parse(text);
    } catch (e) {
      throw new InputError(`invalid JSON: ${(e as Error).message}`, { file: path });
    }
    const arr = (v: unknown, field: string): Float64Array => {
      if (!Array.isArray(v)) throw new InputError('expected an array of numbers', { file: path, field });
      const out = Float64Array.from(v as number[]);
      const bad = out.findIndex((x, i) => typeof (v as unknown[])[i] !== 'number' || !Number.isFinite(x));
      if (bad >= 0) throw new InputError(`entry ${bad} is not a finite number`, { file: path, field });
      return out;
    };
    const scores = arr(o.scores, 'scores');
    const labels = arr(o.labels, 'labels');
    if (scores.length !== labels.length) throw new InputError(`${scores.length} scores but ${labels.length} labels`, { file: path });
    return { scores, labels };
  }
  const delimiter = /\.csv$/i.test(path) ? ',' : '\t';
  let rows: string[][];
  try {
    rows = parse(text, { delimiter, relax_column_count: false, skip_empty_lines: true, trim: true });
  } catch (e) {
    throw new InputError(`cannot parse: ${(e as Error).message}`, { file: path });
  }
  const header = rows[0] ?? [];
  const si = header.indexOf('score');
  const li = header.indexOf('label');
  if (si < 0 || li < 0) throw new InputError(`header must name columns 'score' and 'label' (found ${header.join(', ')})`, { file: path, line: 1 });
  const scores = new Float64Array(rows.length - 1);
  const labels = new Float64Array(rows.length - 1);
  for (let r = 1; r < rows.length; r++) {
    const s = Number(rows[r][si]);
    const l = Number(rows[r][li]);
    if (!Number.isFinite(s)) throw new InputError(`score '${rows[r][si]}' is not a number`, { file: path, line: r + 1, column: si + 1 });
    if (!Number.isFinite(l)) throw new InputError(`label '${rows[r][li]}' is not a number`, { file: path, line: r + 1, column: li + 1 });
    scores[r - 1] = s;
    labels[r - 1] = l;
  }
  return { scores, labels };
}

/** Pools the saved predictions of each group over the folds of one repetition (fold order). */
export async function pooledCurves(groups: Group[], baseDir: string, repetition?: number): Promise<CurveInput[]> {
  const out: CurveInput[] = [];
  for (const g of groups) {
    const withPred = g.records.filter((r) => typeof r.predictions === 'string' && r.predictions !== '');
    if (!withPred.length) continue;
    const rep = repetition ?? Math.min(...withPred.map((r) => r.task.repetition));
    const parts: TestPredictions[] = [];
    for (const r of withPred.filter((x) => x.task.repetition === rep)) {
      const p = isAbsolute(r.predictions!) ? r.predictions! : resolve(baseDir, r.predictions!);
      parts.push(await readPredictions(p));
    }
    if (!parts.length) continue;
    out.push({ method: g.label, scores: concatArrays(parts.map((p) => p.scores)), labels: concatArrays(parts.map((p) => p.labels)) });
  }
  return out;
}
