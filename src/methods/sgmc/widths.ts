/**
 * Inner widths of the SGMC family: the SGMC-Z filter bank and the widths that actually change the iterates.
 * Pure functions, no I/O.
 */

/** SGMC-Z pass-band widths 1 + k skip (k = 0, 1, ...) up to max, max always included (paper eq. 20-22) */
export function filterWidths(max: number, skip: number): number[] {
  const w: number[] = [];
  for (let k = 1; k <= max; k += skip) w.push(k);
  if (w[w.length - 1] !== max) w.push(max);
  return w;
}

/**
 * The inner width that gives exactly the same iterates as `inner`, for a model X = Phi_p P C Q^T Psi_q^T started
 * at P = [sI 0] (p x p'), Q = [sI 0] (q x q') and C = sI, 0 or the toy start (zero outside C_11).
 *
 * Take an inner index j >= max(p, q). At the start P[:, j] = 0 and Q[:, j] = 0, and C's row j and column j are
 * zero off the diagonal. Then dP[:, j] = G Q C[j, :]^T = s G Q[:, j] = 0, dQ[:, j] = G^T P C[:, j] = s G^T P[:, j]
 * = 0, dC[j, k] = P[:, j]^T G Q[:, k] = 0 and dC[k, j] = 0; the diagonalisation terms' gradients (Lambda P
 * off(P^T Lambda P)) vanish on zero columns as well, and every optimiser here moves a parameter only where its
 * gradient (or accumulated velocity) is non-zero. So the index keeps its start for ever and adds nothing to X:
 * widths beyond max(p, q) are inert, and the paper's "overparametrised" widths larger than both bases (ML-100K
 * SGMC 4000 with 943 x 1682 bases, DMF 2000) run at max(p, q) with the same iterates (tested to round-off).
 * SGMC-Z pass bands wider than the computed width equal the full band (their indicators are clamped), so the
 * filter bank keeps its terms: duplicates are merged with a weight (`mergeFilterBank`).
 */
export function effectiveInnerWidth(inner: number, p: number, q: number): number {
  return Math.min(inner, Math.max(p, q));
}

/** a filter bank's distinct (p, q) band pairs after clamping to the computed widths, with multiplicities */
export function mergeFilterBank(bank: { p: readonly number[]; q: readonly number[] }, pInner: number, qInner: number): { p: number; q: number; weight: number }[] {
  const count = (ws: readonly number[], max: number): Map<number, number> => {
    const c = new Map<number, number>();
    for (const w of ws.map((x) => Math.min(x, max))) c.set(w, (c.get(w) ?? 0) + 1);
    return c;
  };
  const cp = count(bank.p, pInner);
  const cq = count(bank.q, qInner);
  return [...cp].flatMap(([p, a]) => [...cq].map(([q, b]) => ({ p, q, weight: a * b })));
}
