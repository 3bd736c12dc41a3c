/**
 * The optimisation loop: fixed iterations or validation-based stopping (paper: 95/5 split, stop when the
 * validation RMSE changes by less than tol between evaluations), for a batch of folds trained together.
 * Values are read back only at evaluation points. A fold that stops keeps the scores of its stopping point while
 * the rest of the batch goes on.
 */
import type { Mat } from '../../core/matrix.ts';
import { InputError } from '../../core/errors.ts';
import type { Engine, Tensor } from '../../engine/types.ts';
import type { FactorModel } from './model.ts';
import type { TestProbe } from '../types.ts';
import { Optimizer, type OptimizerSpec, type OptimizerState } from './optim.ts';
import { Ops } from './ops.ts';

export interface StopSpec {
  /**
   * 'fixed': `iterations` updates; 'validation': the paper's tolerance rule (below); 'validation-best': classic
   * early stopping, the scores of the best validation RMSE, stop after `patience` evaluations without a new best
   * (`minIterations` applies; `tol` and `armDrop` do not)
   */
  mode: 'fixed' | 'validation' | 'validation-best';
  /** fixed: number of updates; validation: the cap */
  iterations: number;
  /** validation: stop when |rmse_k - rmse_(k-1)| < tol between evaluations */
  tol: number;
  /** evaluate every this many updates (validation mode, probes, progress) */
  evalEvery: number;
  /**
   * Guards of the tolerance rule (validation mode; the defaults give the paper's rule unchanged):
   * - minIterations: no tolerance stop before this many updates (default 0);
   * - armDrop: the rule is armed only once the validation RMSE has fallen below (1 - armDrop) x its value at
   *   the start (default 0 = armed at once). A small start (10^-alpha I with a deep product) sits on a plateau
   *   whose |delta RMSE| is below tol long before training has begun; this is not convergence;
   * - patience: stop after this many consecutive armed evaluations with |delta RMSE| < tol (default 1).
   */
  minIterations?: number;
  armDrop?: number;
  patience?: number;
  /**
   * fixed mode: item b's scores are taken after `captureAt[b]` updates (0 = the start) and the run ends once every
   * item has its scores (the refit after early stopping trains a batch whose items stopped at different counts)
   */
  captureAt?: readonly number[];
}

/** A run whose loss or scores became non-finite; `updates` = the update count where it showed. */
export class DivergedError extends RangeError {
  constructor(readonly updates: number, what: string, lr: number | Float64Array) {
    super(`SGMC diverged (${what} after ${updates} updates): lower the learning rate (lr ${lr})`);
  }
}

/** What a `ToleranceRule` has seen (for checkpoints). */
export interface ToleranceState {
  prev: number;
  start: number;
  armed: boolean;
  stalls: number;
}

/** Tolerance-rule state of one batch item: feed validation RMSEs in order; `true` = stop now. */
export class ToleranceRule {
  private prev = NaN;
  private start = NaN;
  private armed: boolean;
  private stalls = 0;
  private readonly minIterations: number;
  private readonly armDrop: number;
  private readonly patience: number;

  constructor(private readonly tol: number, guard: Pick<StopSpec, 'minIterations' | 'armDrop' | 'patience'> = {}) {
    this.minIterations = guard.minIterations ?? 0;
    this.armDrop = guard.armDrop ?? 0;
    this.patience = Math.max(1, Math.floor(guard.patience ?? 1));
    if (!(this.minIterations >= 0) || !(this.armDrop >= 0 && this.armDrop < 1)) {
      throw new RangeError(`bad stopping guard (minIterations ${this.minIterations}, armDrop ${this.armDrop})`);
    }
    this.armed = this.armDrop === 0;
  }

  /** validation RMSE `v` after `it` updates */
  update(it: number, v: number): boolean {
    if (Number.isNaN(this.start)) this.start = v;
    if (!this.armed && v <= (1 - this.armDrop) * this.start) this.armed = true;
    const small = Math.abs(v - this.prev) < this.tol;
    this.prev = v;
    if (!this.armed || it < this.minIterations) {
      this.stalls = 0;
      return false;
    }
    this.stalls = small ? this.stalls + 1 : 0;
    return this.stalls >= this.patience;
  }

  get state(): ToleranceState {
    return { prev: this.prev, start: this.start, armed: this.armed, stalls: this.stalls };
  }

  set state(s: ToleranceState) {
    ({ prev: this.prev, start: this.start, armed: this.armed, stalls: this.stalls } = s);
  }
}

/** Test-cell probe (optional; for the optimistic, clearly labelled best-on-test number): FitInput.probe. */
export type Probe = TestProbe;

export interface BatchItemHooks {
  /** validation cells (row-major indices in the model's orientation) and their true values */
  validation?: { cells: Int32Array; truth: Float64Array };
  probe?: Probe;
}

/** Record the top-k singular values of every item's iterate every `every` updates (and at 0 and the end). */
export interface SingularValueTraceSpec {
  k: number;
  every: number;
}

export interface LoopResult {
  X: Mat[];
  iterations: number[];
  stoppedBy: string[];
  /** the update count whose scores X holds (= iterations except under 'validation-best') */
  scoresAt: number[];
  /** validation RMSE of the returned scores */
  validationRmse: number[];
  /** best probe values per item: key 'iteration' plus the probe's keys */
  optimistic: (Record<string, number> | null)[];
  /** [iteration, loss] at evaluation points (loss summed over the batch) */
  lossTrace: number[][];
  /** per item: singular values at each trace point (empty without a trace spec) */
  singularValues: number[][][];
  /** iterations of the trace points (shared by the items) */
  singularValueIterations: number[];
  seconds: number;
}

/**
 * Everything the loop needs to go on exactly where it was saved: plain numbers and matrices, so the runner can
 * write it to disk (`src/run/checkpoint.ts`). Taken at evaluation points.
 */
export interface LoopSnapshot {
  /** updates done */
  it: number;
  /** per factor: its value for every batch item; null for a factor that does not train (it keeps its start) */
  factors: (Mat[] | null)[];
  optimizer: OptimizerState;
  final: (Mat | null)[];
  iterations: number[];
  stoppedBy: string[];
  valRmse: number[];
  rules: ToleranceState[];
  bestX: (Mat | null)[];
  bestAt: number[];
  bestVal: number[];
  sinceBest: number[];
  best: (Record<string, number> | null)[];
  lossTrace: number[][];
  sv: number[][][];
  svIts: number[];
  /** wall seconds of the run up to the snapshot (across earlier resumes too) */
  seconds: number;
}

/** The per-batch-item state of the loop: one entry per item in each array. */
type PerItem = Pick<LoopSnapshot, 'final' | 'iterations' | 'stoppedBy' | 'valRmse' | 'bestX' | 'bestAt' | 'bestVal' | 'sinceBest' | 'best'>;

/** Checkpoints of one loop: continue from `resume`, hand a snapshot to `save` every `everySeconds` (0 = every evaluation). */
export interface LoopCheckpoint {
  everySeconds: number;
  resume: LoopSnapshot | null;
  save(s: LoopSnapshot): void;
  /** where the snapshots are kept (named in errors) */
  where: string;
}

export function validationRmse(X: Mat, v: { cells: Int32Array; truth: Float64Array }): number {
  let s = 0;
  for (let k = 0; k < v.cells.length; k++) {
    const d = X.data[v.cells[k]] - v.truth[k];
    s += d * d;
  }
  return Math.sqrt(s / Math.max(1, v.cells.length));
}

/** probe key to maximise (aupr, else auc) or minimise (rmse) */
function better(a: Record<string, number>, b: Record<string, number> | null): boolean {
  if (!b) return true;
  if ('aupr' in a && Number.isFinite(a.aupr)) return a.aupr > b.aupr;
  if ('auc' in a && Number.isFinite(a.auc)) return a.auc > b.auc;
  return a.rmse < b.rmse;
}

export function runLoop(
  engine: Engine,
  model: FactorModel,
  opt: OptimizerSpec,
  stop: StopSpec,
  hooks: BatchItemHooks[],
  onProgress?: (fraction: number, info?: Record<string, number>) => void,
  svTrace?: SingularValueTraceSpec,
  checkpoint?: LoopCheckpoint,
): LoopResult {
  const t0 = performance.now();
  const B = hooks.length;
  if (!Number.isInteger(stop.iterations) || stop.iterations < 0) throw new RangeError(`bad iteration count ${stop.iterations}`);
  const validating = stop.mode !== 'fixed';
  const keepBest = stop.mode === 'validation-best';
  if (validating && hooks.some((h) => !h.validation)) throw new Error('validation stopping needs validation cells');
  const probing = hooks.some((h) => h.probe);
  const capture = stop.mode === 'fixed' && stop.captureAt ? stop.captureAt : null;
  if (capture && (capture.length !== B || capture.some((c) => !Number.isInteger(c) || c < 0 || c > stop.iterations))) {
    throw new RangeError(`captureAt must give each of the ${B} items an update count in 0..${stop.iterations}`);
  }
  const every = Math.max(1, Math.floor(stop.evalEvery));
  const optimizer = new Optimizer(engine, opt);
  const items: PerItem = {
    final: Array(B).fill(null),
    iterations: Array(B).fill(stop.iterations),
    stoppedBy: Array(B).fill('iterations'),
    // validation RMSE at each item's latest evaluation (progress reports it for a batch of one)
    valRmse: Array(B).fill(NaN),
    // validation-best: the best iterate so far and the evaluations since it
    bestX: Array(B).fill(null),
    bestAt: Array(B).fill(0),
    bestVal: Array(B).fill(Infinity),
    sinceBest: Array(B).fill(0),
    best: Array(B).fill(null),
  };
  const { final, iterations, stoppedBy, valRmse, bestX, bestAt, bestVal, sinceBest, best } = items;
  const itemKeys = Object.keys(items) as (keyof PerItem)[];
  const rules = hooks.map(() => new ToleranceRule(stop.tol, stop));
  const patience = Math.max(1, Math.floor(stop.patience ?? 1));
  const lossTrace: number[][] = [];
  const svEvery = svTrace ? Math.max(1, Math.floor(svTrace.every)) : 0;
  const sv: number[][][] = hooks.map(() => []);
  const svIts: number[] = [];
  const ops = new Ops(engine);
  let before = 0; // seconds of earlier runs of this loop (resumed from a checkpoint)
  const elapsed = (): number => before + (performance.now() - t0) / 1000;
  const snapshot = (it: number): LoopSnapshot => ({
    it,
    factors: model.factors.map((F, i) => (model.trainable[i] ? ops.downloadMany(F) : null)),
    optimizer: optimizer.state,
    // copies of the arrays (their entries are replaced, never changed in place)
    ...(Object.fromEntries(itemKeys.map((k) => [k, [...items[k]]])) as PerItem),
    rules: rules.map((r) => r.state),
    lossTrace: lossTrace.map((x) => [...x]),
    sv: sv.map((x) => x.map((y) => [...y])),
    svIts: [...svIts],
    seconds: elapsed(),
  });
  const restore = (s: LoopSnapshot): number => {
    const misfit = (why: string): InputError =>
      new InputError(`the checkpoint does not fit this fit: ${why}`, { file: checkpoint!.where, hint: 'delete it to start that fit from the beginning' });
    if (!Number.isInteger(s.it) || s.it < 0 || s.it > stop.iterations) throw misfit(`saved after ${s.it} updates, the run has ${stop.iterations}`);
    const perItem = [...itemKeys.map((k) => s[k]), s.rules, s.sv];
    if (s.factors.length !== model.factors.length || perItem.some((x) => !Array.isArray(x) || x.length !== B)) {
      throw misfit(`${s.factors.length} factors and ${s.final?.length} batch items, expected ${model.factors.length} and ${B}`);
    }
    const up: (Tensor | null)[] = s.factors.map((ms, i) => {
      const F = model.factors[i];
      const [r, c] = F.shape.slice(-2);
      if (!model.trainable[i]) {
        if (ms !== null) throw misfit(`it trains ${model.names[i]}, this fit does not`);
        return null;
      }
      if (!ms || ms.length !== B || ms.some((m) => m.rows !== r || m.cols !== c)) {
        throw misfit(`${model.names[i]} is not ${B} x ${r} x ${c}`);
      }
      return ops.uploadMany(ms);
    });
    model.setFactors(up.map((t, i) => t ?? model.factors[i]));
    optimizer.state = s.optimizer;
    for (const k of itemKeys) (items[k] as unknown[]).splice(0, B, ...s[k]);
    for (let b = 0; b < B; b++) {
      rules[b].state = s.rules[b];
      sv[b].push(...s.sv[b]);
    }
    lossTrace.push(...s.lossTrace);
    svIts.push(...s.svIts);
    before = s.seconds;
    return s.it;
  };
  let lastSave = performance.now();
  const traceSv = (it: number, Xs: Mat[]): void => {
    svIts.push(it);
    for (let b = 0; b < B; b++) {
      const X = final[b] ?? Xs[b];
      const k = Math.min(svTrace!.k, X.rows, X.cols);
      sv[b].push(Array.from(engine.svd(X, k).s.slice(0, k)));
    }
  };
  const diverged = (b: number | null, it: number): never => {
    throw new DivergedError(it, b === null ? 'non-finite loss' : `non-finite scores for batch item ${b}`, opt.lr);
  };
  /** fixed mode with captureAt: take the scores of the items whose count is `it` (predicting if `Xs` is null) */
  const captured = (it: number, Xs: Mat[] | null): Mat[] | null => {
    if (!capture || !capture.some((c, b) => c === it && !final[b])) return Xs;
    const X = Xs ?? model.predict();
    for (let b = 0; b < B; b++) {
      if (capture[b] === it && !final[b]) {
        final[b] = X[b];
        iterations[b] = it;
      }
    }
    return X;
  };
  const evaluate = (it: number, Xs: Mat[]): void => {
    for (let b = 0; b < B; b++) {
      if (final[b]) continue;
      const h = hooks[b];
      if (h.probe) {
        const r: Record<string, number> = { iteration: it };
        for (const [k, v] of Object.entries(h.probe(Xs[b]))) if (typeof v === 'number') r[k] = v;
        if (better(r, best[b])) best[b] = r;
      }
      if (validating) {
        const v = validationRmse(Xs[b], h.validation!);
        if (!Number.isFinite(v)) diverged(b, it);
        valRmse[b] = v;
        if (keepBest) {
          if (v < bestVal[b]) {
            bestVal[b] = v;
            bestX[b] = Xs[b];
            bestAt[b] = it;
            sinceBest[b] = 0;
          } else sinceBest[b]++;
          if (sinceBest[b] >= patience && it >= (stop.minIterations ?? 0)) {
            final[b] = bestX[b];
            iterations[b] = it;
            stoppedBy[b] = 'no-improvement';
          }
          continue;
        }
        if (rules[b].update(it, v)) {
          final[b] = Xs[b];
          iterations[b] = it;
          stoppedBy[b] = 'tolerance';
        }
      }
    }
  };
  try {
    const from = checkpoint?.resume ? restore(checkpoint.resume) : 0;
    if (from > 0) {
      // resumed: the start was evaluated before the snapshot
    } else if (validating || probing || svEvery) {
      const X0 = model.predict();
      if (validating || probing) evaluate(0, X0);
      if (svEvery) traceSv(0, X0);
      captured(0, X0);
    } else captured(0, null);
    for (let it = from + 1; it <= stop.iterations && !(capture && final.every(Boolean)); it++) {
      const evalNow = it % every === 0 || it === stop.iterations;
      const svNow = svEvery > 0 && (it % svEvery === 0 || it === stop.iterations);
      const loss = optimizer.step(model, evalNow && (validating || probing || !!onProgress));
      const Xs = captured(it, (evalNow && (validating || probing)) || svNow ? model.predict() : null);
      if (!evalNow && !svNow) continue;
      if (svNow) traceSv(it, Xs!);
      if (!evalNow) continue;
      if (loss !== undefined) {
        // a non-finite loss is divergence: say so now, not after the remaining updates
        if (!Number.isFinite(loss)) diverged(null, it);
        lossTrace.push([it - 1, loss]);
      }
      if (validating || probing) {
        evaluate(it, Xs!);
        if (final.every(Boolean)) break;
      }
      const info: Record<string, number> = loss !== undefined ? { loss, iteration: it } : { iteration: it };
      if (validating && B === 1) info.validationRmse = valRmse[0];
      onProgress?.(it / stop.iterations, info);
      if (checkpoint && it < stop.iterations && performance.now() - lastSave >= checkpoint.everySeconds * 1000) {
        checkpoint.save(snapshot(it));
        lastSave = performance.now();
      }
    }
    if (final.some((x) => !x)) {
      const Xs = model.predict();
      for (let b = 0; b < B; b++) if (!final[b]) final[b] = keepBest && bestX[b] ? bestX[b] : Xs[b];
    }
  } finally {
    optimizer.dispose();
  }
  const scoresAt = keepBest ? bestAt : iterations;
  for (const [b, X] of (final as Mat[]).entries()) {
    for (let k = 0; k < X.data.length; k++) if (!Number.isFinite(X.data[k])) diverged(b, scoresAt[b]);
  }
  return {
    X: final as Mat[],
    iterations,
    stoppedBy,
    scoresAt,
    validationRmse: keepBest ? bestVal : valRmse,
    optimistic: best,
    lossTrace,
    singularValues: sv,
    singularValueIterations: svIts,
    seconds: elapsed(),
  };
}
