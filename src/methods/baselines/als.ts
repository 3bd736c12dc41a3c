/**
 * Row-wise weighted least-squares solves of the ALS baselines. For each row i of the unknown factor X (m x k):
 *
 *     X_i (F^T diag(W_i) F + E) = R_i
 *
 * with F (n x k) the fixed factor, W (m x n) weights in [0, 1], E (k x k) a shared symmetric part (lambda I, ...) and
 * R (m x k) the right-hand sides. F^T diag(W_i) F = F^T F - F^T diag(1 - W_i) F is assembled from the few
 * down-weighted cells of each row with batched engine products; rows with the same weight pattern share one
 * `engine.solveSPD` call with several right-hand sides.
 */
import { mat, transpose, type Mat } from '../../core/matrix.ts';
import type { Engine } from '../../engine/types.ts';
import { gram, hadamard, mm } from './linalg.ts';

export interface RowSolveInput {
  /** fixed factor F, n x k */
  F: Mat;
  /** weights W, m x n, entries in [0, 1] */
  W: Mat;
  /** shared symmetric part E, k x k */
  E: Mat;
  /** right-hand sides R, m x k */
  R: Mat;
}

/** Rows per batched product when assembling the corrections. */
const CHUNK = 64;

export function solveRows(engine: Engine, { F, W, E, R }: RowSolveInput): Mat {
  const m = W.rows;
  const n = W.cols;
  const k = F.cols;
  if (F.rows !== n) throw new RangeError(`solveRows: F has ${F.rows} rows, W has ${n} columns`);
  if (E.rows !== k || E.cols !== k) throw new RangeError(`solveRows: E is ${E.rows} x ${E.cols}, expected ${k} x ${k}`);
  if (R.rows !== m || R.cols !== k) throw new RangeError(`solveRows: R is ${R.rows} x ${R.cols}, expected ${m} x ${k}`);

  const base = gram(engine, F);
  for (let i = 0; i < k * k; i++) base.data[i] += E.data[i];

  // group rows by weight pattern (positions and values of the entries below 1)
  const groups = new Map<string, { rows: number[]; cells: number[]; wts: number[] }>();
  for (let i = 0; i < m; i++) {
    const cells: number[] = [];
    const wts: number[] = [];
    const off = i * n;
    for (let j = 0; j < n; j++) {
      const w = W.data[off + j];
      if (w !== 1) {
        if (!(w >= 0 && w <= 1)) throw new RangeError(`solveRows: weight ${w} at (${i}, ${j}) is outside [0, 1]`);
        cells.push(j);
        wts.push(1 - w);
      }
    }
    const key = cells.length === 0 ? '' : `${cells.join(',')}|${wts.join(',')}`;
    const g = groups.get(key);
    if (g) g.rows.push(i);
    else groups.set(key, { rows: [i], cells, wts });
  }

  const list = [...groups.values()];
  const corrections = assembleCorrections(engine, F, list);
  const X = mat(m, k);
  list.forEach((g, gi) => {
    // G = F^T F + E - F^T diag(1 - W_i) F, written into the correction's buffer when there is one
    const C = corrections[gi];
    let G: Mat;
    if (C) {
      for (let q = 0; q < k * k; q++) C.data[q] = base.data[q] - C.data[q];
      G = C;
    } else {
      G = base;
    }
    symmetrizeInPlace(G);
    const nr = g.rows.length;
    const rhs = mat(k, nr);
    for (let c = 0; c < nr; c++) {
      const off = g.rows[c] * k;
      for (let q = 0; q < k; q++) rhs.data[q * nr + c] = R.data[off + q];
    }
    const sol = engine.solveSPD(G, rhs);
    for (let c = 0; c < nr; c++) {
      const off = g.rows[c] * k;
      for (let q = 0; q < k; q++) X.data[off + q] = sol.data[q * nr + c];
    }
  });
  return X;
}

/** F^T diag(d) F for each group's down-weighted cells (null where there are none), by batched products. */
function assembleCorrections(engine: Engine, F: Mat, groups: { cells: number[]; wts: number[] }[]): (Mat | null)[] {
  const k = F.cols;
  const out: (Mat | null)[] = groups.map(() => null);
  const todo = groups.map((g, i) => i).filter((i) => groups[i].cells.length > 0);
  for (let start = 0; start < todo.length; start += CHUNK) {
    const idx = todo.slice(start, start + CHUNK);
    const t = Math.max(...idx.map((i) => groups[i].cells.length));
    const mats = idx.map((i) => {
      const g = groups[i];
      const P = mat(t, k);
      g.cells.forEach((j, r) => {
        const s = Math.sqrt(g.wts[r]);
        for (let q = 0; q < k; q++) P.data[r * k + q] = s * F.data[j * k + q];
      });
      return P;
    });
    const tb = engine.uploadBatch(mats);
    const tg = engine.matmul(tb, tb, { transA: true });
    const gs = engine.downloadBatch(tg);
    engine.dispose(tb, tg);
    idx.forEach((i, c) => (out[i] = gs[c]));
  }
  return out;
}

function symmetrizeInPlace(g: Mat): void {
  const k = g.rows;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const v = 0.5 * (g.data[i * k + j] + g.data[j * k + i]);
      g.data[i * k + j] = v;
      g.data[j * k + i] = v;
    }
  }
}

/** The data of an ALS problem: training values and weights (drugs x targets). */
export interface AlsData {
  Y: Mat;
  W: Mat;
}

/** The weighted fit term ||W o (Y - A B^T)||^2 (0/1 weights: the squared error on the training cells). */
export function weightedFit(engine: Engine, A: Mat, B: Mat, pr: AlsData): number {
  const X = mm(engine, A, B, { transB: true });
  let fit = 0;
  for (let q = 0; q < X.data.length; q++) {
    const r = pr.Y.data[q] - X.data[q];
    fit += pr.W.data[q] * r * r;
  }
  return fit;
}

/**
 * Runs `sweeps` ALS sweeps from (A, B); returns the factors and, when `trace` is set, the objective before the
 * first sweep and after each one. With 0/1 weights W o Y = Y on observed cells; W^2 = W keeps the weighted fit
 * term as in the published harness.
 */
export function runAls<P extends AlsData>(
  engine: Engine,
  init: { A: Mat; B: Mat },
  pr: P,
  sweeps: number,
  trace: boolean,
  sweep: (engine: Engine, A: Mat, B: Mat, pr: P, H: Mat, Ht: Mat, Wt: Mat) => { A: Mat; B: Mat },
  objectiveOf: (engine: Engine, A: Mat, B: Mat, pr: P) => number,
): { A: Mat; B: Mat; objective: number[] } {
  const H = hadamard(pr.W, pr.Y);
  const Ht = transpose(H);
  const Wt = transpose(pr.W);
  let { A, B } = init;
  const objective: number[] = [];
  if (trace) objective.push(objectiveOf(engine, A, B, pr));
  for (let s = 0; s < sweeps; s++) {
    ({ A, B } = sweep(engine, A, B, pr, H, Ht, Wt));
    if (trace) objective.push(objectiveOf(engine, A, B, pr));
  }
  return { A, B, objective };
}
