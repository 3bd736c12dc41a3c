/**
 * Per-task predictions, saved when asked (`savePredictions`): a TSV with a header line
 * `cell  row  col  score  label`, one line per test cell in ascending cell order. `cell` is the row-major linear
 * index (row * cols + col) into the drugs x targets matrix, `score` the method's score written as the shortest
 * decimal that round-trips to the same float64, `label` the true value (0/1 for DTI, the rating for recommenders).
 * Written atomically under predictions/<dataset>/<setting>/<label>/rep<r>-fold<f>.tsv.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomic.ts';
import { InputError } from '../core/errors.ts';
import type { Mat } from '../core/matrix.ts';

export const PREDICTIONS_HEADER = 'cell\trow\tcol\tscore\tlabel';

export interface Predictions {
  cells: Int32Array;
  rows: Int32Array;
  cols: Int32Array;
  scores: Float64Array;
  labels: Float64Array;
}

export function formatPredictions(scores: Mat, truth: Mat, testCells: Int32Array): string {
  const lines = [PREDICTIONS_HEADER];
  for (const c of testCells) {
    lines.push(`${c}\t${Math.floor(c / scores.cols)}\t${c % scores.cols}\t${scores.data[c]}\t${truth.data[c]}`);
  }
  return lines.join('\n') + '\n';
}

export const writePredictions = (path: string, scores: Mat, truth: Mat, testCells: Int32Array): Promise<void> =>
  writeFileAtomic(path, formatPredictions(scores, truth, testCells));

export function parsePredictions(text: string, file: string): Predictions {
  const lines = text.split('\n');
  if (lines[0] !== PREDICTIONS_HEADER) {
    throw new InputError(`expected header '${PREDICTIONS_HEADER.replace(/\t/g, '\\t')}'`, { file, line: 1 });
  }
  if (lines[lines.length - 1] !== '') throw new InputError('file does not end with a newline (truncated?)', { file, line: lines.length });
  const n = lines.length - 2;
  const p: Predictions = {
    cells: new Int32Array(n),
    rows: new Int32Array(n),
    cols: new Int32Array(n),
    scores: new Float64Array(n),
    labels: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const f = lines[i + 1].split('\t');
    if (f.length !== 5) throw new InputError(`expected 5 fields, got ${f.length}`, { file, line: i + 2 });
    const nums = f.map(Number);
    nums.forEach((x, j) => {
      if (!Number.isFinite(x)) throw new InputError(`'${f[j]}' is not a finite number`, { file, line: i + 2, column: j + 1 });
    });
    [p.cells[i], p.rows[i], p.cols[i], p.scores[i], p.labels[i]] = nums;
  }
  return p;
}

export const readPredictions = (file: string): Predictions => parsePredictions(readFileSync(file, 'utf8'), file);
