/**
 * Cross-validation folds (METHODS §3). One permutation per repetition, drawn from the repetition's seed by a
 * permutation generator (generators.ts: `xoshiro`, ours, the default; `matlab`, MATLAB's `rng(seed); randperm`
 * as in the published DTI driver), over
 * - CVS1: all rows*cols cells (the generator says whether positions are row-major or MATLAB's column-major),
 * - CVS2: the rows (drugs); a fold holds whole rows,
 * - CVS3: the columns (targets); a fold holds whole columns.
 * Fold i (0-based) of k is positions floor(i*len/k) .. floor((i+1)*len/k)-1 of that permutation.
 *
 * Default seeds are the MATLAB reference seeds of METHODS §3 (S1 7993, 252, 5054, 8720, 7519; S2 6381, 1535,
 * 9727, 9129, 6802; S3 8768, 7952, 402, 9781, 9541). With the `matlab` generator they give the published code's
 * exact folds; with `xoshiro` they only seed our PRNG. Fold files (io.ts) carry any other tool's exact folds.
 */
import { getGenerator } from './generators.ts';
import type { Fold, FoldSet, Setting } from './types.ts';

export const DEFAULT_SEEDS: Readonly<Record<Setting, readonly number[]>> = {
  CVS1: [7993, 252, 5054, 8720, 7519],
  CVS2: [6381, 1535, 9727, 9129, 6802],
  CVS3: [8768, 7952, 402, 9781, 9541],
};

export const SETTINGS: readonly Setting[] = ['CVS1', 'CVS2', 'CVS3'];

export interface FoldOptions {
  repetitions?: number;
  folds?: number;
  /** one seed per repetition; default DEFAULT_SEEDS[setting], extended by seed + 1000 * r beyond five */
  seeds?: number[];
  /** permutation generator (generators.ts); default 'xoshiro' */
  generator?: string;
}

/** Seeds for `repetitions` repetitions: the given ones, or the defaults (extended past five deterministically). */
export function seedsFor(setting: Setting, repetitions: number, seeds?: number[]): number[] {
  if (seeds) {
    if (seeds.length !== repetitions) {
      throw new RangeError(`${seeds.length} seeds given for ${repetitions} repetitions`);
    }
    seeds.forEach((s, i) => {
      if (!Number.isInteger(s)) throw new RangeError(`seed ${i} is ${s}, expected an integer`);
    });
    return [...seeds];
  }
  const base = DEFAULT_SEEDS[setting];
  return Array.from({ length: repetitions }, (_, r) => (r < base.length ? base[r] : base[r % base.length] + 1000 * Math.floor(r / base.length)));
}

/** Cells (row-major linear indices, ascending) of whole rows or whole columns. */
export function cellsOfRows(rowsIdx: Int32Array, cols: number): Int32Array {
  const out = new Int32Array(rowsIdx.length * cols);
  let p = 0;
  for (const r of rowsIdx) for (let c = 0; c < cols; c++) out[p++] = r * cols + c;
  return out;
}

export function cellsOfCols(colsIdx: Int32Array, rows: number, cols: number): Int32Array {
  const out = new Int32Array(colsIdx.length * rows);
  let p = 0;
  for (let r = 0; r < rows; r++) for (const c of colsIdx) out[p++] = r * cols + c;
  return out;
}

export function makeFolds(setting: Setting, rows: number, cols: number, opts: FoldOptions = {}): FoldSet {
  if (!SETTINGS.includes(setting)) throw new RangeError(`unknown setting '${setting as string}' (known: CVS1, CVS2, CVS3)`);
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new RangeError(`bad matrix shape ${rows} x ${cols}`);
  }
  const repetitions = opts.repetitions ?? 5;
  const k = opts.folds ?? 10;
  if (!Number.isInteger(repetitions) || repetitions < 1) throw new RangeError(`repetitions must be >= 1, got ${repetitions}`);
  const len = setting === 'CVS1' ? rows * cols : setting === 'CVS2' ? rows : cols;
  if (!Number.isInteger(k) || k < 2 || k > len) {
    throw new RangeError(`folds must be an integer in 2..${len} for ${setting} on ${rows} x ${cols}, got ${k}`);
  }
  const seeds = seedsFor(setting, repetitions, opts.seeds);
  const generator = opts.generator ?? 'xoshiro';
  const gen = getGenerator(generator);
  const folds: Fold[] = [];
  for (let r = 0; r < repetitions; r++) {
    const perm = gen.permutation(seeds[r], len);
    if (setting === 'CVS1' && gen.cellOrder === 'column-major') {
      // position -> cell: MATLAB's linear index k runs down the columns (drug k mod rows, target floor(k / rows))
      for (let p = 0; p < len; p++) perm[p] = (perm[p] % rows) * cols + Math.floor(perm[p] / rows);
    }
    for (let i = 0; i < k; i++) {
      const block = perm.slice(Math.floor((i * len) / k), Math.floor(((i + 1) * len) / k)).sort();
      if (setting === 'CVS1') folds.push({ repetition: r, fold: i, testCells: block });
      else if (setting === 'CVS2') folds.push({ repetition: r, fold: i, testCells: cellsOfRows(block, cols), testRows: block });
      else folds.push({ repetition: r, fold: i, testCells: cellsOfCols(block, rows, cols), testCols: block });
    }
  }
  return { setting, rows, cols, seeds, generator, folds };
}
