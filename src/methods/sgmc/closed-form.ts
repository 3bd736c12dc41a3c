/**
 * The exact minimiser of SGMC's objective (eq. 17 with the rho terms) when Q is fixed at the rectangular identity and
 * P, C are trained: the case of Table 5's Synthetic Netflix row (P, C trained, q' of the q column eigenvectors).
 *
 * Then X = Phi Z Psi_q'^T with Z = P C (p x q'), and Z ranges over every p x q' matrix as P, C vary (p' >= q').
 * The rho_r term ||off(P^T Lr P)||^2 does not move the minimum: any Z = P C can be refactored as (Z U)(U^T) with U
 * the eigenvectors of Z^T Lr Z, where the term is 0 (test/methods/sgmc-restart.test.ts checks it on a fit). So the
 * minimum over (P, C) is the minimum over Z of the convex quadratic
 *
 *   ||(Phi Z Psi_q'^T - M) o S||^2 + sum_ij (mu_r lr_i + mu_c lc_j) Z_ij^2,
 *
 * a ridge regression of the observed ratings on the features kron(phi_i, psi_j) with a diagonal penalty. Solved here
 * through its normal equations (A^T A + diag(d)) z = A^T b on the engine (gemm, Cholesky). It gives the point that a
 * converged gradient fit reaches, without the 10^4 - 10^6 updates (docs/recsys.md, Synthetic Netflix). Pure: no I/O.
 */
import { mat, type Mat } from '../../core/matrix.ts';
import type { Engine } from '../../engine/types.ts';

export interface RidgeSpectralInput {
  /** row basis, m x p (orthonormal columns) and its Laplacian eigenvalues (length >= p) */
  phi: Mat;
  lambdaR: Float64Array;
  /** the column eigenvectors that Q = [I; 0] keeps, n x q', and their eigenvalues (length >= q') */
  psi: Mat;
  lambdaC: Float64Array;
  /** ratings (m x n) and the training cells as flat row-major indices */
  M: Mat;
  cells: ArrayLike<number>;
  muR: number;
  muC: number;
}

/** The minimiser X (m x n) of eq. 17 with Q = [I; 0] fixed and P, C free (see the file comment). */
export function ridgeSpectralMinimiser(e: Engine, x: RidgeSpectralInput): Mat {
  const { phi, psi, M, cells } = x;
  const m = phi.rows, p = phi.cols, n = psi.rows, q = psi.cols;
  if (M.rows !== m || M.cols !== n) throw new RangeError(`M is ${M.rows} x ${M.cols}, the bases give ${m} x ${n}`);
  if (x.lambdaR.length < p || x.lambdaC.length < q) throw new RangeError(`need ${p} row and ${q} column eigenvalues`);
  const k = p * q;
  const nObs = cells.length;
  // design matrix: one row per training cell, kron(phi_i, psi_j)
  const A = mat(nObs, k);
  const b = mat(nObs, 1);
  for (let t = 0; t < nObs; t++) {
    const c = cells[t];
    const i = Math.floor(c / n), j = c % n;
    if (!(i >= 0 && i < m)) throw new RangeError(`training cell ${c} is outside the ${m} x ${n} matrix`);
    b.data[t] = M.data[c];
    const row = t * k;
    for (let a = 0; a < p; a++) {
      const f = phi.data[i * p + a];
      const off = row + a * q;
      for (let s = 0; s < q; s++) A.data[off + s] = f * psi.data[j * q + s];
    }
  }
  const tA = e.upload(A);
  const tb = e.upload(b);
  const tN = e.matmul(tA, tA, { transA: true });
  const tr = e.matmul(tA, tb, { transA: true });
  const N = e.download(tN);
  const rhs = e.download(tr);
  e.dispose(tA, tb, tN, tr);
  for (let a = 0; a < p; a++) {
    for (let s = 0; s < q; s++) {
      const d = a * q + s;
      N.data[d * k + d] += x.muR * x.lambdaR[a] + x.muC * x.lambdaC[s];
    }
  }
  const z = e.solveSPD(N, rhs); // Z row-major p x q
  // X = Phi Z Psi^T
  const tPhi = e.upload(phi);
  const tZ = e.upload(mat(p, q, z.data));
  const tPsi = e.upload(psi);
  const tPZ = e.matmul(tPhi, tZ);
  const tX = e.matmul(tPZ, tPsi, { transB: true });
  const X = e.download(tX);
  e.dispose(tPhi, tZ, tPsi, tPZ, tX);
  return X;
}
