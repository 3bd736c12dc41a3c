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
  lr: number;
  /** momentum coefficient (momentum/nesterov) */
  beta?: number;
}

export class Optimizer {
  private vel: (Tensor | null)[] = [];
  constructor(
    private readonly e: Engine,
    private readonly spec: OptimizerSpec,
  ) {
    if (!(spec.lr > 0)) throw new RangeError(`learning rate must be > 0, got ${spec.lr}`);
  }

  /** one update; returns the loss at the factors before the update when asked for */
  step(model: FactorModel, withLoss = false): number | undefined {
    const { e } = this;
    const { kind, lr } = this.spec;
    const beta = this.spec.beta ?? 0.9;
    const { grads, loss } = model.gradients(withLoss);
    const next = model.factors.map((F, i) => {
      const g = grads[i];
      if (!g) return F;
      if (kind === 'gd') {
        const out = e.addScaled(F, g, -lr);
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
        out = e.addScaled(F, u, -lr);
        e.dispose(u);
      } else out = e.addScaled(F, v, -lr);
      e.dispose(g);
      return out;
    });
    model.setFactors(next);
    return loss;
  }

  dispose(): void {
    const v = this.vel.filter(Boolean) as Tensor[];
    if (v.length) this.e.dispose(...v);
    this.vel = [];
  }
}
