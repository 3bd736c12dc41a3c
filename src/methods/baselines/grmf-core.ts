/**
 * (Weighted) graph-regularised matrix factorisation (Ezzat et al. 2017), numeric core:
 *
 *   min ||W o (Y - A B^T)||^2 + lambdaL (||A||^2 + ||B||^2) + lambdaD tr(A^T Ld A) + lambdaT tr(B^T Lt B)
 *
 * One ALS sweep updates every row of A, then every row of B, as in the published harness:
 *   A_i <- (H_i B - lambdaD (Ld A_old)_i) (B^T diag(W_i) B + lambdaL I)^-1,  H = W o Y,
 * i.e. each row is the exact minimiser of the row sub-problem in which the graph term is linearised at the
 * sweep's starting A (Jacobi-style coupling). B is updated the same way with the new A.
 */
import type { Mat } from '../../core/matrix.ts';
import type { Engine } from '../../engine/types.ts';
import { runAls, solveRows, weightedFit } from './als.ts';
import { addDiag, axpy, eyeMat, mm, quadTrace, sumSq } from './linalg.ts';

export interface GrmfProblem {
  Y: Mat;
  W: Mat;
  /** drug (row) Laplacian, m x m */
  Ld: Mat;
  /** target (column) Laplacian, n x n */
  Lt: Mat;
  lambdaL: number;
  lambdaD: number;
  lambdaT: number;
}

/** New A for fixed B: rows solve (B^T diag(W_i) B + lambdaL I) a_i = (H B - lambda L A)_i. */
export function grmfUpdateRows(engine: Engine, A: Mat, B: Mat, H: Mat, W: Mat, L: Mat, lambdaL: number, lambda: number): Mat {
  const HB = mm(engine, H, B);
  const R = lambda === 0 ? HB : axpy(HB, mm(engine, L, A), -lambda);
  return solveRows(engine, { F: B, W, E: addDiag(eyeMat(B.cols, 0), lambdaL), R });
}

/** One ALS sweep (A then B). H = W o Y is passed in to avoid recomputing it. */
export function grmfSweep(engine: Engine, A: Mat, B: Mat, pr: GrmfProblem, H: Mat, Ht: Mat, Wt: Mat): { A: Mat; B: Mat } {
  const A2 = grmfUpdateRows(engine, A, B, H, pr.W, pr.Ld, pr.lambdaL, pr.lambdaD);
  const B2 = grmfUpdateRows(engine, B, A2, Ht, Wt, pr.Lt, pr.lambdaL, pr.lambdaT);
  return { A: A2, B: B2 };
}

export function grmfObjective(engine: Engine, A: Mat, B: Mat, pr: GrmfProblem): number {
  const fit = weightedFit(engine, A, B, pr);
  return (
    fit +
    pr.lambdaL * (sumSq(A) + sumSq(B)) +
    pr.lambdaD * quadTrace(engine, pr.Ld, A) +
    pr.lambdaT * quadTrace(engine, pr.Lt, B)
  );
}

/** Runs `sweeps` ALS sweeps from (A, B); returns the factors and the objective after each sweep when asked. */
export function grmfSolve(
  engine: Engine,
  init: { A: Mat; B: Mat },
  pr: GrmfProblem,
  sweeps: number,
  trace = false,
): { A: Mat; B: Mat; objective: number[] } {
  return runAls(engine, init, pr, sweeps, trace, grmfSweep, grmfObjective);
}
