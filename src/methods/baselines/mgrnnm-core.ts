/**
 * Multi-graph regularised nuclear-norm minimisation (MGRNNM; Mongia & Majumdar 2020), numeric core:
 *
 *   min_{X >= 0, Z, V} ||P_W(X - Y)||^2 + lambda ||X||_* + nu1 ||X - Z||^2 + mu1 tr(Z^T Ld Z)
 *                                       + nu2 ||X - V||^2 + mu2 tr(V Lt V^T)
 *
 * As in the published code: start Z = V = Y; each outer iteration runs the X-step (proximal gradient from X = 0 on
 * the stacked least squares [P_W; sqrt(nu1) I; sqrt(nu2) I], step 1/alpha, singular-value soft-threshold
 * lambda / (2 alpha), clamp X >= 0, stop when the change of ||residual|| + lambda ||X||_1 relative to the sum of
 * the last two values is < tol), then the two graph-smoothing solves Z = nu1 (nu1 I + mu1 Ld)^-1 X and
 * V = nu2 X (nu2 I + mu2 Lt)^-1 (each factored once per fit through engine.solveSPD).
 */
import { asymmetry, mat, type Mat } from '../../core/matrix.ts';
import { InputError } from '../../core/errors.ts';
import type { Engine } from '../../engine/types.ts';
import { addDiag, eyeMat, mm, quadTrace, scaled } from './linalg.ts';
import { svt, type SvtMode } from './svt.ts';

export interface MgrnnmProblem {
  Y: Mat;
  W: Mat;
  Ld: Mat;
  Lt: Mat;
  lambda: number;
  mu1: number;
  mu2: number;
  nu1: number;
  nu2: number;
}

export interface MgrnnmOptions {
  outerIterations: number;
  innerIterations: number;
  tol: number;
  alpha: number;
  svt: SvtMode;
  /**
   * where each X-step starts: `zero` (the published code) or `warm` (the previous outer iteration's X, so the
   * proximal iterations start next to their fixed point and the relative-change rule stops after a few of them;
   * same scores to ~1e-4, test/methods/baselines-warm.test.ts). Default `zero`.
   */
  start?: 'zero' | 'warm';
  /** record the full objective after every outer iteration */
  trace?: boolean;
  /** called after each outer iteration (1-based) with its inner iteration count and rank */
  onOuter?: (iteration: number, info: { inner: number; rank: number }) => void;
}

export interface MgrnnmResult {
  X: Mat;
  Z: Mat;
  V: Mat;
  /** inner iterations run per outer iteration */
  inner: number[];
  /** rank of X after each outer iteration */
  ranks: number[];
  /** full objective after each outer iteration (trace only); objective[0] = at the start (X = Y) */
  objective: number[];
  svdCalls: number;
}

/** nu (nu I + mu L)^-1, the graph-smoothing operator (symmetric). */
export function smoother(engine: Engine, L: Mat, nu: number, mu: number, what: string): Mat {
  const n = L.rows;
  if (asymmetry(L) > 1e-9 * Math.max(1, maxAbs(L))) {
    throw new InputError(`mgrnnm: the ${what} Laplacian is not symmetric`, {
      field: 'symmetrize',
      hint: 'use symmetrised similarities (symmetrize: true)',
    });
  }
  if (nu <= 0) throw new InputError(`mgrnnm: nu must be > 0, got ${nu}`, { field: what === 'drug' ? 'nu1' : 'nu2' });
  const M = addDiag(scaled(L, mu), nu);
  return engine.solveSPD(M, eyeMat(n, nu));
}

export function mgrnnmObjective(engine: Engine, X: Mat, Z: Mat, V: Mat, pr: MgrnnmProblem): number {
  let fit = 0;
  let dz = 0;
  let dv = 0;
  for (let q = 0; q < X.data.length; q++) {
    const r = X.data[q] - pr.Y.data[q];
    fit += pr.W.data[q] * r * r;
    dz += (X.data[q] - Z.data[q]) ** 2;
    dv += (X.data[q] - V.data[q]) ** 2;
  }
  const s = engine.svd(X).s;
  let nuc = 0;
  for (const v of s) nuc += v;
  // tr(V Lt V^T) = tr(V^T' Lt V^T'): use the transposed quadratic form through the columns
  const vt = mat(V.cols, V.rows);
  for (let i = 0; i < V.rows; i++) for (let j = 0; j < V.cols; j++) vt.data[j * V.rows + i] = V.data[i * V.cols + j];
  return (
    fit +
    pr.lambda * nuc +
    pr.nu1 * dz +
    pr.mu1 * quadTrace(engine, pr.Ld, Z) +
    pr.nu2 * dv +
    pr.mu2 * quadTrace(engine, pr.Lt, vt)
  );
}

/** The X-step: proximal gradient from X = 0 with the published stopping rule. */
export function mgrnnmXStep(
  engine: Engine,
  pr: MgrnnmProblem,
  Z: Mat,
  V: Mat,
  o: Pick<MgrnnmOptions, 'innerIterations' | 'tol' | 'alpha' | 'svt'>,
  rankHint = 0,
  start?: Mat,
): { X: Mat; inner: number; rank: number; svdCalls: number } {
  const { nu1, nu2, lambda } = pr;
  const y = pr.Y.data;
  const w = pr.W.data;
  const z = Z.data;
  const v = V.data;
  const size = y.length;
  const tau = lambda / (2 * o.alpha);
  let X = start ?? mat(pr.Y.rows, pr.Y.cols);
  // The stacked operator [P_W; sqrt(nu1) I; sqrt(nu2) I] acts cellwise, so with d = w + nu1 + nu2,
  // e = w y + nu1 z + nu2 v and k = sum(w y^2 + nu1 z^2 + nu2 v^2) (fixed within the X-step):
  //   gradient step  x + step (e - d x),   ||stacked residual||^2 = sum(x (d x - 2 e)) + k.
  const d = new Float64Array(size);
  const e = new Float64Array(size);
  let k = 0;
  for (let q = 0; q < size; q++) {
    const wq = w[q];
    const yq = y[q];
    const zq = z[q];
    const vq = v[q];
    d[q] = wq + nu1 + nu2;
    e[q] = wq * yq + nu1 * zq + nu2 * vq;
    k += wq * yq * yq + nu1 * zq * zq + nu2 * vq * vq;
  }
  let rank = rankHint;
  let inner = 0;
  let svdCalls = 0;
  const Bm = mat(pr.Y.rows, pr.Y.cols);
  const bm = Bm.data;
  const step = 1 / o.alpha;
  /**
   * One pass over the cells (memory-bound): optionally clamp x >= 0 in place, then return ||stacked residual|| +
   * lambda ||x||_1 (x >= 0, so ||x||_1 = sum x) and write the next gradient step's input into Bm (svt copies Bm
   * in, so it is free to overwrite; unused if the X-step stops).
   */
  const pass = (x: Float64Array, clamp: boolean): number => {
    let rs = k;
    let l1 = 0;
    for (let q = 0; q < size; q++) {
      let xq = x[q];
      if (clamp && xq < 0) {
        xq = 0;
        x[q] = 0;
      }
      const dq = d[q];
      const eq = e[q];
      rs += xq * (dq * xq - 2 * eq);
      l1 += xq;
      bm[q] = xq + step * (eq - dq * xq);
    }
    return Math.sqrt(Math.max(0, rs)) + lambda * l1;
  };
  // the starting point is taken as given (not clamped); from X = 0 the published code's first reference value is
  // the residual alone (its l1 term is 0)
  // the thresholding trusts its own Gram matrix to be finite (Engine.eigh `consume`): a non-finite start or a
  // diverging step stops here instead
  const finite = (f: number): number => {
    if (!Number.isFinite(f)) throw new Error(`mgrnnm: the X-step diverged at inner iteration ${inner} (non-finite objective)`);
    return f;
  };
  let fCur = finite(pass(X.data, false));
  for (let it = 0; it < o.innerIterations; it++) {
    inner++;
    const fPrev = fCur;
    const r = svt(engine, Bm, tau, o.svt, rank);
    svdCalls += r.calls;
    rank = r.rank;
    X = r.X;
    fCur = finite(pass(X.data, true));
    if (Math.abs(fCur - fPrev) / Math.abs(fCur + fPrev) < o.tol) break;
  }
  return { X, inner, rank, svdCalls };
}

export function mgrnnmSolve(engine: Engine, pr: MgrnnmProblem, o: MgrnnmOptions): MgrnnmResult {
  const Pd = smoother(engine, pr.Ld, pr.nu1, pr.mu1, 'drug');
  const Pt = smoother(engine, pr.Lt, pr.nu2, pr.mu2, 'target');
  let Z = pr.Y;
  let V = pr.Y;
  let X = pr.Y;
  const inner: number[] = [];
  const ranks: number[] = [];
  const objective: number[] = [];
  if (o.trace) objective.push(mgrnnmObjective(engine, X, Z, V, pr));
  let rank = 0;
  let svdCalls = 0;
  for (let it = 0; it < o.outerIterations; it++) {
    const xs = mgrnnmXStep(engine, pr, Z, V, o, rank, o.start === 'warm' && it > 0 ? X : undefined);
    X = xs.X;
    rank = xs.rank;
    svdCalls += xs.svdCalls;
    inner.push(xs.inner);
    ranks.push(xs.rank);
    Z = mm(engine, Pd, X);
    V = mm(engine, X, Pt);
    if (o.trace) objective.push(mgrnnmObjective(engine, X, Z, V, pr));
    o.onOuter?.(it + 1, { inner: xs.inner, rank: xs.rank });
  }
  return { X, Z, V, inner, ranks, objective, svdCalls };
}

function maxAbs(a: Mat): number {
  let m = 0;
  for (const v of a.data) m = Math.max(m, Math.abs(v));
  return m;
}
