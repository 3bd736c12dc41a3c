/**
 * Optimisers over a `FactorModel`: plain gradient descent with a fixed step (the paper's choice) and, as labelled
 * extensions, heavy-ball and Nesterov momentum. (Adam is not offered: it needs elementwise sqrt/divide, which the
 * engine interface does not have.)
 */
import type { Engine, Tensor } from '../../engine/types.ts';
import type { FactorModel } from './model.ts';

export type OptimizerKind = 'gd' | 'momentum' | 'nesterov';

export interface OptimizerSpec {
  kind: OptimizerKind;
  /** step size, or one per batch item (applied as a per-item scale of the update) */
  lr: number | Float64Array;
  /** momentum coefficient (momentum/nesterov) */
  beta?: number;
}

export class Optimizer {
  private vel: (Tensor | null)[] = [];
  /** per-item step tensors, one per factor (only when lr is per item) */
  private lrT: (Tensor | null)[] = [];
  constructor(
    private readonly e: Engine,
    private readonly spec: OptimizerSpec,
  ) {
    const lrs = typeof spec.lr === 'number' ? [spec.lr] : [...spec.lr];
    if (!lrs.length || lrs.some((x) => !(x > 0))) throw new RangeError(`learning rate must be > 0, got ${lrs.join(', ')}`);
  }

  /** out = F - lr * u (lr scalar or per batch item) */
  private update(i: number, F: Tensor, u: Tensor): Tensor {
    const { e } = this;
    const lr = this.spec.lr;
    if (typeof lr === 'number') return e.addScaled(F, u, -lr);
    if (F.shape.length !== 3 || F.shape[0] !== lr.length) {
      if (lr.length === 1) return e.addScaled(F, u, -lr[0]);
      throw new RangeError(`per-item learning rates (${lr.length}) need a [${lr.length}, r, c] factor, got [${F.shape}]`);
    }
    let t = this.lrT[i];
    if (!t) {
      const [b, r, c] = F.shape;
      const ms = Array.from({ length: b }, (_, k) => ({ rows: r, cols: c, data: new Float64Array(r * c).fill(lr[k]) }));
      t = this.lrT[i] = e.uploadBatch(ms);
    }
    const su = e.mul(u, t);
    const out = e.sub(F, su);
    e.dispose(su);
    return out;
  }

  /** one update; returns the loss at the factors before the update when asked for */
  step(model: FactorModel, withLoss = false): number | undefined {
    const { e } = this;
    const { kind } = this.spec;
    const beta = this.spec.beta ?? 0.9;
    const { grads, loss } = model.gradients(withLoss);
    const next = model.factors.map((F, i) => {
      const g = grads[i];
      if (!g) return F;
      if (kind === 'gd') {
        const out = this.update(i, F, g);
        e.dispose(g);
        return out;
      }
      const v0 = this.vel[i];
      const v = v0 ? e.addScaled(g, v0, beta) : e.scale(g, 1);
      if (v0) e.dispose(v0);
      this.vel[i] = v;
      let out: Tensor;
      if (kind === 'nesterov') {
        const u = e.addScaled(g, v, beta);
        out = this.update(i, F, u);
        e.dispose(u);
      } else out = this.update(i, F, v);
      e.dispose(g);
      return out;
    });
    model.setFactors(next);
    return loss;
  }

  dispose(): void {
    const v = [...this.vel, ...this.lrT].filter(Boolean) as Tensor[];
    this.lrT = [];
    if (v.length) this.e.dispose(...v);
    this.vel = [];
  }
}
