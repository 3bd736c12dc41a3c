/**
 * Collaborative matrix factorisation (Zheng et al. 2013) as run in Ezzat's survey harness, numeric core:
 *
 *   min ||W o (Y - A B^T)||^2 + lambdaL (||A||^2 + ||B||^2) + lambdaD ||Sd - A A^T||^2 + lambdaT ||St - B B^T||^2
 *
 * Row-wise ALS with the similarity terms linearised at the sweep's starting factor, as published:
 *   A_i <- (H_i B + lambdaD (Sd A_old)_i) (B^T diag(W_i) B + lambdaL I + lambdaD A_old^T A_old)^-1,
 * then B the same way with the new A.
 */
import type { Mat } from '../../core/matrix.ts';
import type { Engine } from '../../engine/types.ts';
import { runAls, solveRows, weightedFit } from './als.ts';
import { addDiag, axpy, gram, mm, scaled, sumSq } from './linalg.ts';

export interface CmfProblem {
  Y: Mat;
  W: Mat;
  /** drug similarity, m x m */
  Sd: Mat;
  /** target similarity, n x n */
  St: Mat;
  lambdaL: number;
  lambdaD: number;
  lambdaT: number;
}

/** New A for fixed B and similarity term linearised at A. */
export function cmfUpdateRows(engine: Engine, A: Mat, B: Mat, H: Mat, W: Mat, S: Mat, lambdaL: number, lambda: number): Mat {
  const HB = mm(engine, H, B);
  const R = lambda === 0 ? HB : axpy(HB, mm(engine, S, A), lambda);
  const E = addDiag(scaled(gram(engine, A), lambda), lambdaL);
  return solveRows(engine, { F: B, W, E, R });
}

export function cmfSweep(engine: Engine, A: Mat, B: Mat, pr: CmfProblem, H: Mat, Ht: Mat, Wt: Mat): { A: Mat; B: Mat } {
  const A2 = cmfUpdateRows(engine, A, B, H, pr.W, pr.Sd, pr.lambdaL, pr.lambdaD);
  const B2 = cmfUpdateRows(engine, B, A2, Ht, Wt, pr.St, pr.lambdaL, pr.lambdaT);
  return { A: A2, B: B2 };
}

export function cmfObjective(engine: Engine, A: Mat, B: Mat, pr: CmfProblem): number {
  const fit = weightedFit(engine, A, B, pr);
  const simTerm = (S: Mat, F: Mat): number => {
    const FF = mm(engine, F, F, { transB: true });
    let s = 0;
    for (let q = 0; q < FF.data.length; q++) s += (S.data[q] - FF.data[q]) ** 2;
    return s;
  };
  return fit + pr.lambdaL * (sumSq(A) + sumSq(B)) + pr.lambdaD * simTerm(pr.Sd, A) + pr.lambdaT * simTerm(pr.St, B);
}

export function cmfSolve(
  engine: Engine,
  init: { A: Mat; B: Mat },
  pr: CmfProblem,
  sweeps: number,
  trace = false,
): { A: Mat; B: Mat; objective: number[] } {
  return runAls(engine, init, pr, sweeps, trace, cmfSweep, cmfObjective);
}
