/**
 * Vertex-domain model X = A Z B (paper eq. 12; the form of the authors' DTI code) with Dirichlet energy
 * mu (tr(X^T Lr X) + tr(X Lc X^T)) on dense Laplacians.
 *
 * With R = (X - M) o S and G = 2 (R + mu (Lr X + X Lc)): dA = G (Z B)^T, dZ = A^T G B^T, dB = (A Z)^T G.
 */
import type { Mat } from '../../core/matrix.ts';
import type { Engine, Tensor } from '../../engine/types.ts';
import type { FactorModel, Gradients } from './model.ts';
import { Ops, Scope } from './ops.ts';
import { hadamard } from './spectral.ts';

export interface VertexSpec {
  batch: number;
  /** row Laplacian (r x r), shared or per batch item; null = no row Dirichlet term */
  Lr: Mat | Mat[] | null;
  /** column Laplacian (c x c) */
  Lc: Mat | Mat[] | null;
  M: Mat[];
  S: Mat[];
  muR: number;
  muC: number;
  /** A r x k, Z k x l, B l x c, shared by all batch items */
  init: { A: Mat; Z: Mat; B: Mat };
  train?: { A: boolean; Z: boolean; B: boolean };
}

export class VertexModel implements FactorModel {
  readonly names = ['A', 'Z', 'B'] as const;
  readonly trainable: boolean[];
  factors: Tensor[];
  readonly flopsPerIteration: number;
  private readonly ops: Ops;
  private readonly Lr: Tensor | null;
  private readonly Lc: Tensor | null;
  private readonly S: Tensor;
  private readonly MS: Tensor;

  constructor(
    private readonly e: Engine,
    private readonly spec: VertexSpec,
  ) {
    const Bn = spec.batch;
    const ops = (this.ops = new Ops(e));
    const { A, Z, B } = spec.init;
    const { rows: r, cols: c } = spec.M[0];
    if (A.rows !== r || B.cols !== c || A.cols !== Z.rows || Z.cols !== B.rows) {
      throw new RangeError(`factor shapes A ${A.rows}x${A.cols}, Z ${Z.rows}x${Z.cols}, B ${B.rows}x${B.cols} do not fit ${r}x${c}`);
    }
    const up = (x: Mat | Mat[] | null, mu: number): Tensor | null =>
      !x || mu === 0 ? null : Array.isArray(x) ? ops.uploadMany(x) : e.upload(x);
    this.Lr = up(spec.Lr, spec.muR);
    this.Lc = up(spec.Lc, spec.muC);
    this.S = ops.uploadMany(spec.S);
    this.MS = ops.uploadMany(spec.M.map((Mi, b) => hadamard(Mi, spec.S[b])));
    this.factors = [ops.uploadShared(A, Bn), ops.uploadShared(Z, Bn), ops.uploadShared(B, Bn)];
    const t = spec.train ?? { A: true, Z: true, B: true };
    this.trainable = [t.A, t.Z, t.B];
    const k = A.cols;
    const l = Z.cols;
    this.flopsPerIteration =
      2 * Bn * (r * k * l + r * l * c + k * l * c + (this.Lr ? r * r * c : 0) + (this.Lc ? r * c * c : 0) + r * c * k + k * r * c + k * c * l + l * r * c);
  }

  setFactors(fs: Tensor[]): void {
    const old = this.factors.filter((t, i) => fs[i] !== t);
    this.factors = fs;
    if (old.length) this.e.dispose(...old);
  }

  gradients(withLoss: boolean): Gradients {
    const { e, ops } = this;
    const sc = new Scope(e);
    const [A, Z, B] = this.factors;
    const [tA, tZ, tB] = this.trainable;
    const AZ = sc.track(e.matmul(A, Z));
    const X = sc.track(e.matmul(AZ, B));
    const XS = sc.track(e.mul(X, this.S));
    const R = sc.track(e.sub(XS, this.MS));
    let loss = withLoss ? e.sumSquares(R) : 0;
    let G0 = R;
    if (this.Lr) {
      const LX = sc.track(e.matmul(this.Lr, X));
      if (withLoss) loss += this.spec.muR * e.dot(X, LX);
      G0 = sc.track(e.addScaled(G0, LX, this.spec.muR));
    }
    if (this.Lc) {
      const XL = sc.track(e.matmul(X, this.Lc));
      if (withLoss) loss += this.spec.muC * e.dot(X, XL);
      G0 = sc.track(e.addScaled(G0, XL, this.spec.muC));
    }
    const G = sc.track(e.scale(G0, 2));
    const grads: (Tensor | null)[] = [null, null, null];
    if (tA) {
      const ZB = sc.track(e.matmul(Z, B));
      grads[0] = ops.mm(G, ZB, false, true);
    }
    if (tZ) {
      const AtG = sc.track(ops.mm(A, G, true));
      grads[1] = ops.mm(AtG, B, false, true);
    }
    if (tB) grads[2] = ops.mm(AZ, G, true);
    sc.free();
    return withLoss ? { grads, loss } : { grads };
  }

  loss(): number {
    const g = this.gradients(true);
    this.e.dispose(...(g.grads.filter(Boolean) as Tensor[]));
    return g.loss!;
  }

  predict(): Mat[] {
    const [A, Z, B] = this.factors;
    const X = this.ops.mm3(A, Z, B);
    const out = this.ops.downloadMany(X);
    this.e.dispose(X);
    return out;
  }

  dispose(): void {
    const ts = [this.Lr, this.Lc, this.S, this.MS, ...this.factors];
    this.e.dispose(...(ts.filter(Boolean) as Tensor[]));
    this.factors = [];
  }
}
