/**
 * Spectral SGMC model (paper eq. 17-25): X = Phi_p P C Q^T Psi_q^T, with Dirichlet energies expressed through the
 * Laplacian eigenvalues, diagonalisation penalties on P and Q, and optionally the SGMC-Z filter-bank data term.
 * All tensors live on the engine; the batch dimension (several folds at once) is optional throughout.
 *
 * Loss  E = sum_terms ||(X_t - M) o S||^2 + sum_ij (mu_r lr_i + mu_c lc_j) Y_ij^2
 *         + rho_r ||off(P^T Lr P)||^2 + rho_c ||off(Q^T Lc Q)||^2,     Y = P C Q^T.
 * With G = 2 (Phi^T R Psi + D o Y): dP = G Q C^T, dC = P^T G Q, dQ = G^T P C;
 * rho terms add 4 rho_r (Lr P) off(P^T Lr P) to dP (same for Q).
 */
import { mat, type Mat } from '../../core/matrix.ts';
import type { Engine, Tensor } from '../../engine/types.ts';
import type { FactorModel, Gradients } from './model.ts';
import { Ops, Scope } from './ops.ts';
import { mergeFilterBank } from './widths.ts';

export interface SpectralSpec {
  /** number of folds trained together (1 = plain 2-D tensors) */
  batch: number;
  /** row basis m x p (one shared, or one per batch item); null = identity (p = m) */
  phi: Mat | Mat[] | null;
  /** column basis n x q; null = identity (q = n) */
  psi: Mat | Mat[] | null;
  /** eigenvalues for the row/column Dirichlet and diagonalisation terms (length p / q); null = zeros */
  lambdaR: Float64Array | Float64Array[] | null;
  lambdaC: Float64Array | Float64Array[] | null;
  /** training values and masks per batch item (m x n) */
  M: Mat[];
  S: Mat[];
  muR: number;
  muC: number;
  rhoR: number;
  rhoC: number;
  /** initial factors (shared by all batch items): P p x p', C p' x q', Q q x q' */
  init: { P: Mat; C: Mat; Q: Mat };
  train: { P: boolean; C: boolean; Q: boolean };
  /** SGMC-Z filter bank: the pass-band widths over the inner dimensions (eq. 20-22), clamped to the inner widths
   *  (equal pairs after clamping are merged into one weighted term); absent = plain SGMC */
  filters?: { p: number[]; q: number[] };
}

const asList = <T>(x: T | T[], batch: number): T[] => (Array.isArray(x) ? x : Array.from({ length: batch }, () => x));

function indicator(len: number, width: number): Float64Array {
  const v = new Float64Array(len);
  v.fill(1, 0, Math.min(width, len));
  return v;
}

export class SpectralModel implements FactorModel {
  readonly names = ['P', 'C', 'Q'] as const;
  readonly trainable: boolean[];
  factors: Tensor[];
  readonly flopsPerIteration: number;
  /** data terms computed per step: the SGMC-Z band pairs after clamping and merging (1 for plain SGMC) */
  readonly dataTerms: number;
  private readonly ops: Ops;
  private readonly phi: Tensor | null;
  private readonly phiT: Tensor | null;
  private readonly psi: Tensor | null;
  private readonly psiT: Tensor | null;
  private readonly S: Tensor;
  private readonly MS: Tensor;
  private readonly dir: Tensor | null;
  private readonly lamP: Tensor | null;
  private readonly lamQ: Tensor | null;
  private readonly offP: Tensor | null;
  private readonly offQ: Tensor | null;
  private readonly filters: { f: Float64Array; g: Float64Array; w: number }[] | null;
  private readonly rhoR: number;
  private readonly rhoC: number;
  /** narrow inner widths: go through A = Phi P and B = Psi Q instead of forming Phi^T R Psi (same gradients) */
  readonly factored: boolean;

  constructor(
    private readonly e: Engine,
    spec: SpectralSpec,
  ) {
    const B = spec.batch;
    if (spec.M.length !== B || spec.S.length !== B) throw new RangeError(`expected ${B} M and S matrices`);
    const ops = (this.ops = new Ops(e));
    const { rows: m, cols: n } = spec.M[0];
    const phis = spec.phi ? asList(spec.phi, B) : null;
    const psis = spec.psi ? asList(spec.psi, B) : null;
    const p = phis ? phis[0].cols : m;
    const q = psis ? psis[0].cols : n;
    const { P, C, Q } = spec.init;
    if (P.rows !== p || Q.rows !== q || C.rows !== P.cols || C.cols !== Q.cols) {
      throw new RangeError(`factor shapes P ${P.rows}x${P.cols}, C ${C.rows}x${C.cols}, Q ${Q.rows}x${Q.cols} do not fit p=${p}, q=${q}`);
    }
    const pi = P.cols;
    const qi = Q.cols;
    const shared = (x: unknown): boolean => !Array.isArray(x);
    const up = (ms: Mat[], isShared: boolean): Tensor => (isShared ? e.upload(ms[0]) : ops.uploadMany(ms));
    this.phi = phis ? up(phis, shared(spec.phi)) : null;
    this.psi = psis ? up(psis, shared(spec.psi)) : null;
    this.phiT = phis ? up(phis.map(tr), shared(spec.phi)) : null;
    this.psiT = psis ? up(psis.map(tr), shared(spec.psi)) : null;
    this.S = ops.uploadMany(spec.S);
    this.MS = ops.uploadMany(spec.M.map((Mi, b) => hadamard(Mi, spec.S[b])));
    const lr = spec.lambdaR ? asList(spec.lambdaR, B) : null;
    const lc = spec.lambdaC ? asList(spec.lambdaC, B) : null;
    for (const l of lr ?? []) if (l.length < p) throw new RangeError(`need ${p} row eigenvalues, got ${l.length}`);
    for (const l of lc ?? []) if (l.length < q) throw new RangeError(`need ${q} column eigenvalues, got ${l.length}`);
    // Dirichlet weights D_ij = mu_r lr_i + mu_c lc_j (so mu_r Lr Y + mu_c Y Lc = D o Y)
    if ((spec.muR !== 0 && lr) || (spec.muC !== 0 && lc)) {
      const ds = Array.from({ length: B }, (_, b) => {
        const d = mat(p, q);
        for (let i = 0; i < p; i++) {
          const ri = lr ? spec.muR * lr[b][i] : 0;
          for (let j = 0; j < q; j++) d.data[i * q + j] = ri + (lc ? spec.muC * lc[b][j] : 0);
        }
        return d;
      });
      this.dir = ops.uploadMany(ds);
    } else this.dir = null;
    this.rhoR = spec.rhoR;
    this.rhoC = spec.rhoC;
    const lamMat = (l: Float64Array, rows: number, cols: number): Mat => {
      const x = mat(rows, cols);
      for (let i = 0; i < rows; i++) x.data.fill(l[i], i * cols, (i + 1) * cols);
      return x;
    };
    const offMask = (k: number): Mat => {
      const x = mat(k, k);
      x.data.fill(1);
      for (let i = 0; i < k; i++) x.data[i * k + i] = 0;
      return x;
    };
    this.lamP = spec.rhoR !== 0 && lr ? ops.uploadMany(lr.map((l) => lamMat(l, p, pi))) : null;
    this.lamQ = spec.rhoC !== 0 && lc ? ops.uploadMany(lc.map((l) => lamMat(l, q, qi))) : null;
    this.offP = this.lamP ? ops.uploadShared(offMask(pi), B) : null;
    this.offQ = this.lamQ ? ops.uploadShared(offMask(qi), B) : null;
    // bands wider than the inner widths equal the full band: equal pairs are one term with a weight
    this.filters = spec.filters
      ? mergeFilterBank(spec.filters, pi, qi).map((b) => ({ f: indicator(pi, b.p), g: indicator(qi, b.q), w: b.weight }))
      : null;
    this.dataTerms = this.filters?.length ?? 1;
    this.factors = [ops.uploadShared(P, B), ops.uploadShared(C, B), ops.uploadShared(Q, B)];
    this.trainable = [spec.train.P, spec.train.C, spec.train.Q];
    // multiply-adds per gradient evaluation, times 2 for flops
    const basisFwd = (phis ? m * p * q : 0) + (psis ? m * q * n : 0);
    const perTerm = p * pi * qi + p * qi * q + 2 * basisFwd + p * q * qi * 2 + p * pi * qi * 2 + q * p * qi;
    const factoredCost =
      m * p * pi + n * q * qi + m * pi * qi + m * qi * n + m * n * qi + p * m * qi + n * m * pi + q * n * pi + q * p * pi + p * pi * qi + p * qi * q + p * q * qi * 2 + p * pi * qi + q * pi * qi;
    this.factored = !this.filters && !!phis && !!psis && factoredCost < perTerm;
    this.flopsPerIteration = 2 * B * (this.factored ? factoredCost : this.dataTerms * perTerm + (this.filters && this.dir ? perTerm : 0));
  }

  setFactors(fs: Tensor[]): void {
    const old = this.factors.filter((t, i) => fs[i] !== t);
    this.factors = fs;
    if (old.length) this.e.dispose(...old);
  }

  /** Phi Y Psi^T (identity bases skipped) */
  private toVertex(Y: Tensor, sc: Scope): Tensor {
    const { phi, psiT, ops } = this;
    if (phi && psiT) return sc.track(ops.mm3(phi, Y, psiT));
    if (phi) return sc.track(this.e.matmul(phi, Y));
    if (psiT) return sc.track(this.e.matmul(Y, psiT));
    return Y;
  }

  /** Phi^T R Psi */
  private toSpectral(R: Tensor, sc: Scope): Tensor {
    const { phiT, psi, ops } = this;
    if (phiT && psi) return sc.track(ops.mm3(phiT, R, psi));
    if (phiT) return sc.track(this.e.matmul(phiT, R));
    if (psi) return sc.track(this.e.matmul(R, psi));
    return R;
  }

  /** (X o S - M o S) for a spectral signal Y */
  private residual(Y: Tensor, sc: Scope): Tensor {
    const X = this.toVertex(Y, sc);
    const XS = sc.track(this.e.mul(X, this.S));
    return sc.track(this.e.sub(XS, this.MS));
  }

  gradients(withLoss: boolean): Gradients {
    const { e, ops } = this;
    const sc = new Scope(e);
    const [P, C, Q] = this.factors;
    const [tP, tC, tQ] = this.trainable;
    let loss = 0;
    const acc: (Tensor | null)[] = [null, null, null];
    const add = (i: number, t: Tensor): void => {
      const cur = acc[i];
      if (!cur) {
        acc[i] = t;
        return;
      }
      acc[i] = e.add(cur, t);
      e.dispose(cur, t);
    };
    /** accumulate the factor gradients of a term with spectral gradient G (p x q) and (filtered) core CF */
    const term = (G: Tensor, CF: Tensor, PCF: Tensor, filt: { f: Float64Array; g: Float64Array } | null): void => {
      const GQ = sc.track(ops.mm(G, Q));
      if (tC) {
        let dC = ops.mm(P, GQ, true);
        if (filt) {
          const a = e.scaleColumns(dC, filt.g);
          e.dispose(dC);
          dC = e.scaleRows(a, filt.f);
          e.dispose(a);
        }
        add(1, dC);
      }
      if (tP) add(0, ops.mm(GQ, CF, false, true));
      if (tQ) add(2, ops.mm(G, PCF, true));
    };

    const PC = sc.track(e.matmul(P, C));
    const Y = sc.track(ops.mm(PC, Q, false, true));
    const DY = this.dir ? sc.track(e.mul(this.dir, Y)) : null;
    if (withLoss && DY) loss += e.dot(DY, Y);
    if (this.factored) {
      // A = Phi P, B = Psi Q, X = A C B^T; with H = D o Y:
      // dC = 2 P^T (Phi^T R B + H Q), dP = 2 (Phi^T R B + H Q) C^T, dQ = 2 (Psi^T R^T A + H^T P) C
      const A = sc.track(e.matmul(this.phi!, P));
      const Bq = sc.track(e.matmul(this.psi!, Q));
      const X = sc.track(ops.mm(sc.track(e.matmul(A, C)), Bq, false, true));
      const R = sc.track(e.sub(sc.track(e.mul(X, this.S)), this.MS));
      if (withLoss) loss += e.sumSquares(R);
      let GQ = sc.track(e.matmul(this.phiT!, sc.track(e.matmul(R, Bq))));
      if (DY) GQ = sc.track(e.add(GQ, sc.track(e.matmul(DY, Q))));
      if (tC) add(1, e.scale(sc.track(ops.mm(P, GQ, true)), 2));
      if (tP) add(0, e.scale(sc.track(ops.mm(GQ, C, false, true)), 2));
      if (tQ) {
        let GP = sc.track(e.matmul(this.psiT!, sc.track(ops.mm(R, A, true))));
        if (DY) GP = sc.track(e.add(GP, sc.track(ops.mm(DY, P, true))));
        add(2, e.scale(sc.track(e.matmul(GP, C)), 2));
      }
    } else if (!this.filters) {
      const R = this.residual(Y, sc);
      if (withLoss) loss += e.sumSquares(R);
      const GR = this.toSpectral(R, sc);
      const G0 = DY ? sc.track(e.add(GR, DY)) : GR;
      const G = sc.track(e.scale(G0, 2));
      term(G, C, PC, null);
    } else {
      for (const filt of this.filters) {
        const a = sc.track(e.scaleColumns(C, filt.g));
        const CF = sc.track(e.scaleRows(a, filt.f));
        const PCF = sc.track(e.matmul(P, CF));
        const Yf = sc.track(ops.mm(PCF, Q, false, true));
        const R = this.residual(Yf, sc);
        if (withLoss) loss += filt.w * e.sumSquares(R);
        const G = sc.track(e.scale(this.toSpectral(R, sc), 2 * filt.w));
        term(G, CF, PCF, filt);
        sc.free(P, C, Q, PC, Y, DY);
      }
      if (DY) term(sc.track(e.scale(DY, 2)), C, PC, null);
    }
    // diagonalisation terms: rho ||off(P^T Lr P)||^2
    const diag = (idx: number, F: Tensor, lam: Tensor | null, off: Tensor | null, rho: number, trains: boolean): void => {
      if (!lam || !off || rho === 0) return;
      const LF = sc.track(e.mul(lam, F));
      const D = sc.track(ops.mm(F, LF, true));
      const O = sc.track(e.mul(D, off));
      if (withLoss) loss += rho * e.sumSquares(O);
      if (trains) {
        const g = sc.track(e.matmul(LF, O));
        add(idx, e.scale(g, 4 * rho));
      }
    };
    diag(0, P, this.lamP, this.offP, this.rhoR, tP);
    diag(2, Q, this.lamQ, this.offQ, this.rhoC, tQ);
    sc.free();
    return withLoss ? { grads: acc, loss } : { grads: acc };
  }

  loss(): number {
    const g = this.gradients(true);
    this.e.dispose(...(g.grads.filter(Boolean) as Tensor[]));
    return g.loss!;
  }

  /** the completed matrices X = Phi P C Q^T Psi^T */
  predict(): Mat[] {
    const sc = new Scope(this.e);
    const [P, C, Q] = this.factors;
    const PC = sc.track(this.e.matmul(P, C));
    const Y = sc.track(this.ops.mm(PC, Q, false, true));
    const X = this.toVertex(Y, sc);
    const out = this.ops.downloadMany(X);
    sc.free();
    return out;
  }

  dispose(): void {
    const ts = [this.phi, this.phiT, this.psi, this.psiT, this.S, this.MS, this.dir, this.lamP, this.lamQ, this.offP, this.offQ, ...this.factors];
    this.e.dispose(...(ts.filter(Boolean) as Tensor[]));
    this.factors = [];
  }
}

function tr(m: Mat): Mat {
  const t = mat(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) t.data[j * m.rows + i] = m.data[i * m.cols + j];
  return t;
}

export function hadamard(a: Mat, b: Mat): Mat {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError('hadamard: shape mismatch');
  const o = mat(a.rows, a.cols);
  for (let i = 0; i < o.data.length; i++) o.data[i] = a.data[i] * b.data[i];
  return o;
}
