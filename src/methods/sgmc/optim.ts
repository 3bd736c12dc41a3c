/**
 * Optimisers over a `FactorModel`: plain gradient descent with a fixed step (the paper's choice) and, as labelled
 * extensions, heavy-ball and Nesterov momentum, and Nesterov's accelerated gradient with adaptive restart
 * ('nesterov-restart': momentum (k-1)/(k+2) capped at `beta`, reset whenever the gradient opposes the last step;
 * O'Donoghue & Candes 2015). All minimise the same objective: the fixed points are those of plain GD. (Adam is not
 * offered: it needs elementwise sqrt/divide, which the engine interface does not have.)
 */
import type { Mat } from '../../core/matrix.ts';
import type { Engine, Tensor } from '../../engine/types.ts';
import type { FactorModel } from './model.ts';
import { Ops } from './ops.ts';

export type OptimizerKind = 'gd' | 'momentum' | 'nesterov' | 'nesterov-restart';

export interface OptimizerSpec {
  kind: OptimizerKind;
  /** step size, or one per batch item (applied as a per-item scale of the update) */
  lr: number | Float64Array;
  /** momentum coefficient (momentum/nesterov); the cap of the momentum schedule (nesterov-restart) */
  beta?: number;
}

/** An optimiser's memory (for checkpoints): velocities per factor and batch item, and the restart schedule. */
export interface OptimizerState {
  vel: (Mat[] | null)[];
  k: number;
  restarts: number;
}

export class Optimizer {
  private vel: (Tensor | null)[] = [];
  /** per-item step tensors, one per factor (only when lr is per item) */
  private lrT: (Tensor | null)[] = [];
  /** nesterov-restart: updates since the last restart, and the number of restarts */
  private k = 0;
  restarts = 0;
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
    let beta = this.spec.beta ?? 0.9;
    const { grads, loss } = model.gradients(withLoss);
    if (kind === 'nesterov-restart') {
      // velocity v accumulates gradients (the step is -lr (g + beta v)): restart when g . v < 0, i.e. when the
      // last step went uphill along the current gradient (gradient restart scheme; one decision for the batch)
      let gv = 0;
      grads.forEach((g, i) => {
        const v = this.vel[i];
        if (g && v) gv += e.dot(g, v);
      });
      if (gv < 0) {
        const v = this.vel.filter(Boolean) as Tensor[];
        if (v.length) e.dispose(...v);
        this.vel = [];
        this.k = 0;
        this.restarts++;
      }
      this.k++;
      beta = Math.min(beta, (this.k - 1) / (this.k + 2));
    }
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
      if (kind === 'nesterov' || kind === 'nesterov-restart') {
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

  get state(): OptimizerState {
    const ops = new Ops(this.e);
    return { vel: this.vel.map((v) => (v ? ops.downloadMany(v) : null)), k: this.k, restarts: this.restarts };
  }

  /** continue from a saved state (velocities upload with the batch shape they were saved with) */
  set state(s: OptimizerState) {
    const old = this.vel.filter(Boolean) as Tensor[];
    if (old.length) this.e.dispose(...old);
    const ops = new Ops(this.e);
    this.vel = s.vel.map((ms) => (ms ? ops.uploadMany(ms) : null));
    this.k = s.k;
    this.restarts = s.restarts;
  }

  dispose(): void {
    const v = [...this.vel, ...this.lrT].filter(Boolean) as Tensor[];
    this.lrT = [];
    if (v.length) this.e.dispose(...v);
    this.vel = [];
  }
}
