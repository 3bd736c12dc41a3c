/**
 * From `FitInput`s to trained SGMC-family models: graphs through `input.graphs`, validation split, factor
 * initialisation, the loop, and `FitOutput`s. Several folds with equally shaped matrices train together as one
 * batch (batched matmul); their bases are shared when the folds' graphs do not depend on the fold (profiles
 * 'none' or 'full'), stacked per fold otherwise.
 */
import { cellRatio, eye, mat, transpose, type Mat } from '../../core/matrix.ts';
import { InputError } from '../../core/errors.ts';
import { hashValue } from '../../core/hash.ts';
import type { Engine, Eigen } from '../../engine/types.ts';
import type { GraphSpec, Side } from '../../graphs/types.ts';
import { validationSplit } from '../../splits/index.ts';
import type { FitCheckpoint, FitInput, FitOutput, GraphUse } from '../types.ts';
import { runLoop, type BatchItemHooks, type LoopCheckpoint, type LoopResult, type LoopSnapshot, type SingularValueTraceSpec } from './loop.ts';
import type { FactorModel } from './model.ts';
import type { RecipeParams, SgmcParams } from './params.ts';
import { SpectralModel } from './spectral.ts';
import { VertexModel } from './vertex.ts';
import { effectiveInnerWidth, filterWidths } from './widths.ts';

/**
 * `FitInput` with its optional test-cell probe (`FitInput.probe`): the method reports the best value over its
 * evaluation points as `optimistic_*` in `info` (best-on-test early stopping: optimistic by construction, never the
 * main number). Kept as an alias for existing callers.
 */
export type ProbedFitInput = FitInput;

function checkBatch(inputs: readonly FitInput[]): { m: number; n: number; engine: Engine } {
  if (!inputs.length) throw new RangeError('no inputs to fit');
  const { rows: m, cols: n } = inputs[0].Y;
  for (const [i, x] of inputs.entries()) {
    if (x.Y.rows !== m || x.Y.cols !== n || x.W.rows !== m || x.W.cols !== n) {
      throw new RangeError(`input ${i}: Y/W are ${x.Y.rows}x${x.Y.cols}/${x.W.rows}x${x.W.cols}, expected ${m}x${n}`);
    }
    if (x.engine !== inputs[0].engine) throw new RangeError('batched inputs must share one engine');
  }
  return { m, n, engine: inputs[0].engine };
}

/** true when every fold's graphs are the same (profiles 'none' or 'full'), so one basis serves the batch */
export const graphsShared = (inputs: readonly FitInput[]): boolean =>
  inputs.length === 1 || inputs.every((x) => x.graphs.profiles === 'none' || x.graphs.profiles === 'full');

interface Prepared {
  S: Mat[];
  hooks: BatchItemHooks[];
}

/** masks (training minus validation cells) and loop hooks, in the model's orientation */
function prepare(inputs: readonly FitInput[], st: { stopping: string; validationFraction: number }, transposed: boolean): Prepared {
  const S: Mat[] = [];
  const hooks: BatchItemHooks[] = [];
  for (const x of inputs) {
    const W = transposed ? transpose(x.W) : x.W;
    const Y = transposed ? transpose(x.Y) : x.Y;
    const h: BatchItemHooks = {};
    let s = W;
    if (st.stopping !== 'fixed') {
      const cells: number[] = [];
      for (let k = 0; k < W.data.length; k++) if (W.data[k] !== 0) cells.push(k);
      const { validation } = validationSplit(Int32Array.from(cells), st.validationFraction, x.seed);
      s = mat(W.rows, W.cols, W.data);
      const truth = new Float64Array(validation.length);
      validation.forEach((c, k) => {
        s.data[c] = 0;
        truth[k] = Y.data[c];
      });
      h.validation = { cells: validation, truth };
    }
    const probe = x.probe;
    if (probe) h.probe = transposed ? (X: Mat) => probe(transpose(X)) : probe;
    S.push(s);
    hooks.push(h);
  }
  return { S, hooks };
}

function outputs(
  inputs: readonly FitInput[],
  r: LoopResult,
  model: FactorModel,
  extra: Record<string, number | string>,
  transposed: boolean,
  ran = Math.max(...r.iterations), // updates behind r.seconds
): FitOutput[] {
  return inputs.map((_, b) => {
    const info: Record<string, number | string> = {
      ...extra,
      iterations: r.iterations[b],
      stoppedBy: r.stoppedBy[b],
      scoresAt: r.scoresAt[b],
      batch: inputs.length,
      seconds: r.seconds,
      msPerIteration: ran > 0 ? (1000 * r.seconds) / ran : 0,
      gflopPerIteration: model.flopsPerIteration / inputs.length / 1e9,
    };
    if (Number.isFinite(r.validationRmse[b])) info.validationRmse = r.validationRmse[b];
    const opt = r.optimistic[b];
    if (opt) for (const [k, v] of Object.entries(opt)) info[`optimistic_${k}`] = v;
    const traces: Record<string, number[][]> = {};
    if (r.lossTrace.length) traces.loss = r.lossTrace;
    if (r.singularValueIterations.length) {
      traces.singularValues = r.singularValues[b];
      traces.singularValueIterations = r.singularValueIterations.map((it) => [it]);
    }
    return { scores: transposed ? transpose(r.X[b]) : r.X[b], info, traces };
  });
}

/** What an SGMC-family fit saves: the loop of its current phase and, during a refit, the first phase's result. */
interface FitState {
  kind: typeof FIT_STATE;
  /** hash of the fit's parameters and data: a checkpoint continues only the fit that saved it */
  fingerprint: string;
  phase: 'fit' | 'refit';
  loop: LoopSnapshot;
  first?: Omit<LoopResult, 'X'>;
}
const FIT_STATE = 'sgmc-fit/1';

interface Saved {
  ck: FitCheckpoint | undefined;
  fingerprint: string;
  saved: FitState | null;
}

/**
 * The checkpoint of a batch of one (a batch of several folds trains without) and its saved state, which must come
 * from a fit with the same parameters on the same data (`fingerprint`).
 */
function savedState(inputs: readonly FitInput[], variant: string, params: unknown): Saved {
  const ck = inputs.length === 1 ? inputs[0].checkpoint : undefined;
  const x = inputs[0];
  const fingerprint = ck ? hashValue({ variant, params, Y: x.Y.data, W: x.W.data, seed: x.seed }) : '';
  const s = ck?.load() as FitState | null | undefined;
  if (s == null) return { ck, fingerprint, saved: null };
  const refuse = (why: string): InputError => new InputError(why, { file: ck!.where, hint: 'delete it to start that fit from the beginning' });
  if (typeof s !== 'object' || s.kind !== FIT_STATE || (s.phase !== 'fit' && s.phase !== 'refit') || (s.phase === 'refit' && !s.first)) {
    throw refuse('not a checkpoint of an SGMC-family fit');
  }
  if (s.fingerprint !== fingerprint) throw refuse(`the checkpoint was saved by a ${variant} fit with other parameters or data`);
  return { ck, fingerprint, saved: s };
}

/** the loop's checkpoint in one phase: resume where that phase was saved */
function phaseCheckpoint({ ck, fingerprint, saved }: Saved, phase: FitState['phase'], first?: LoopResult): LoopCheckpoint | undefined {
  if (!ck) return undefined;
  const firstPart = first ? (({ X: _, ...rest }) => rest)(first) : undefined;
  return {
    everySeconds: ck.everySeconds,
    resume: saved?.phase === phase ? saved.loop : null,
    save: (loop) => ck.save({ kind: FIT_STATE, fingerprint, phase, loop, ...(firstPart ? { first: firstPart } : {}) } satisfies FitState),
    where: ck.where,
  };
}

/** The eigenbases `fitSpectralBatch` asks for with these params (for the graphs stage to cache them ahead). */
export function spectralGraphUses(p: SgmcParams): GraphUse[] {
  const out: GraphUse[] = [];
  if (p.rowBasis === 'graph') out.push({ side: 'rows', spec: p.rowGraph ?? p.graph, ...(p.p ? { k: p.p } : {}) });
  if (p.colBasis === 'graph') out.push({ side: 'cols', spec: p.colGraph ?? p.graph, ...(p.q ? { k: p.q } : {}) });
  return out;
}

/** The Laplacians `fitRecipeBatch` asks for. */
export const recipeGraphUses = (p: RecipeParams): GraphUse[] => [
  { side: 'rows', spec: p.graph, use: 'laplacian' },
  { side: 'cols', spec: p.graph, use: 'laplacian' },
];

/** the batch's singular-value trace request (the first input that asks; a batch shares its trace points) */
const svTraceOf = (inputs: readonly FitInput[]): SingularValueTraceSpec | undefined => inputs.find((x) => x.traceSingularValues)?.traceSingularValues;

async function basisFor(inputs: readonly FitInput[], side: Side, spec: GraphSpec, k: number | null, shared: boolean): Promise<Eigen[]> {
  const get = (x: FitInput): Promise<Eigen> => x.graphs.eigenbasis(side, spec, k ?? undefined);
  return shared ? [await get(inputs[0])] : Promise.all(inputs.map(get));
}

function checkDim(name: string, v: number, max: number | null): void {
  if (max !== null && v > max) throw new InputError(`${name} = ${v} exceeds ${max}`, { field: name });
}

/** SGMC, SGMC-Z, FM and DMF (identity bases) on a batch of folds. */
export async function fitSpectralBatch(
  inputs: readonly FitInput[],
  p: SgmcParams,
  variant: 'sgmc' | 'sgmc-z',
  extraInfo: Record<string, number | string> = {},
): Promise<FitOutput[]> {
  const { m, n, engine } = checkBatch(inputs);
  if (p.refit && p.stopping === 'fixed') {
    throw new InputError("refit retrains on the validation cells too after a validation stop: it needs stopping 'validation' or 'validation-best'", { field: `${variant}.refit` });
  }
  if (p.cInit === 'toy' && inputs.length > 1) {
    // the toy start depends on each fold's data: fit one by one
    const outs: FitOutput[] = [];
    for (const x of inputs) outs.push(...(await fitSpectralBatch([x], p, variant, extraInfo)));
    return outs;
  }
  const shared = graphsShared(inputs);
  checkDim(`${variant}.p`, p.p ?? 0, m);
  checkDim(`${variant}.q`, p.q ?? 0, n);
  const rowSpec = p.rowGraph ?? p.graph;
  const colSpec = p.colGraph ?? p.graph;
  const rows = p.rowBasis === 'graph' ? await basisFor(inputs, 'rows', rowSpec, p.p, shared) : null;
  const cols = p.colBasis === 'graph' ? await basisFor(inputs, 'cols', colSpec, p.q, shared) : null;
  const pp = rows ? rows[0].vectors.cols : m;
  const qq = cols ? cols[0].vectors.cols : n;
  // widths beyond max(p, q) are inert (widths.ts): compute at the exactly equivalent width, report both
  const piAsked = p.pInner ?? pp;
  const qiAsked = p.qInner ?? qq;
  const pi = effectiveInnerWidth(piAsked, pp, qq);
  const qi = effectiveInnerWidth(qiAsked, pp, qq);
  const s = 10 ** -p.alpha;
  const { S, hooks } = prepare(inputs, p, false);
  /** C's start; the toy variant reads the first fold's data under mask `S0` */
  const startC = (S0: Mat): Mat => {
    if (p.cInit === 'zero') return mat(pi, qi);
    if (p.cInit !== 'toy') return eye(pi, qi, s);
    // the authors' toy variant: C = 0 except C_11 = phi_1^T M psi_1 (first fold's data)
    const C = mat(pi, qi);
    const M = inputs[0].Y;
    let v = 0;
    for (let i = 0; i < m; i++) {
      const a = rows ? rows[0].vectors.data[i * pp] : i === 0 ? 1 : 0;
      if (a === 0) continue;
      for (let j = 0; j < n; j++) v += a * M.data[i * n + j] * S0.data[i * n + j] * (cols ? cols[0].vectors.data[j * qq] : j === 0 ? 1 : 0);
    }
    C.data[0] = v;
    return C;
  };
  const pick = <T>(xs: T[] | null, f: (x: T) => unknown): any => (xs ? (xs.length === 1 ? f(xs[0]) : xs.map(f)) : null);
  let filters: { p: number[]; q: number[] } | undefined;
  if (variant === 'sgmc-z') {
    // the bank as asked (bands up to the asked widths); the model clamps them to the computed ones
    filters = { p: filterWidths(piAsked, p.pSkip), q: filterWidths(qiAsked, p.qSkip) };
  }
  const build = (masks: Mat[]): SpectralModel =>
    new SpectralModel(engine, {
      batch: inputs.length,
      phi: pick(rows, (e: Eigen) => e.vectors),
      psi: pick(cols, (e: Eigen) => e.vectors),
      lambdaR: pick(rows, (e: Eigen) => e.values),
      lambdaC: pick(cols, (e: Eigen) => e.values),
      M: inputs.map((x) => x.Y),
      S: masks,
      muR: rows ? p.muR : 0,
      muC: cols ? p.muC : 0,
      rhoR: rows ? p.rhoR : 0,
      rhoC: cols ? p.rhoC : 0,
      init: { P: eye(pp, pi, p.train.P ? s : 1), C: startC(masks[0]), Q: eye(qq, qi, p.train.Q ? s : 1) }, // fixed factors: I (FM)
      train: p.train,
      filters,
    });
  const progress = (f: number, info?: Record<string, number>): void => inputs.forEach((x) => x.onProgress?.(f, info));
  const lr = p.lrScale === 'spectral' ? Float64Array.from(inputs, (x, b) => p.lr / Math.max(1e-12, spectralNorm(x.Y, S[b])) ** (4 / 3)) : p.lr;
  const stop = { mode: p.stopping, iterations: p.iterations, tol: p.tol, evalEvery: p.evalEvery, minIterations: p.minIterations, armDrop: p.armDrop, patience: p.patience };
  const extraOf = (model: SpectralModel): Record<string, number | string> => ({ ...extraInfo, lr: typeof lr === 'number' ? lr : lr.join(' '), p: pp, q: qq, pInner: piAsked, qInner: qiAsked, pInnerComputed: pi, qInnerComputed: qi, sharedBases: shared ? 1 : 0, filterPairs: filters ? filters.p.length * filters.q.length : 1, filterPairsComputed: model.dataTerms });
  const state = savedState(inputs, variant, p);
  const { saved } = state;
  if (saved) extraInfo = { ...extraInfo, resumedAt: saved.loop.it, resumedPhase: saved.phase };
  // a checkpoint taken during the refit holds the first phase's result: only the refit goes on
  if (saved?.phase === 'refit') return refitOnAll(engine, inputs, S, { ...saved.first!, X: [] }, build, lr, p, progress, extraOf, state);
  const model = build(S);
  let r: LoopResult;
  try {
    r = runLoop(engine, model, { kind: p.optimizer, lr, beta: p.momentum }, stop, hooks, progress, svTraceOf(inputs), phaseCheckpoint(state, 'fit'));
  } finally {
    model.dispose();
  }
  if (!p.refit) return outputs(inputs, r, model, extraOf(model), false);
  return refitOnAll(engine, inputs, S, r, build, lr, p, progress, extraOf, state);
}

/**
 * Refit after a validation stop: the same model from the same start, trained on every training cell (the
 * validation cells back in) for the update count the stop selected (`scoresAt`) with a step scaled by
 * (cells trained on) / (all training cells). The data term is a sum over cells, so its curvature grows with their
 * number; the measured invariant of a fixed-step run is lr x #cells (ML-100K: lr x 0.95 on all cells retraces the
 * 95 % run, while the unscaled step lands in another basin, test RMSE 1.09 instead of 0.93).
 */
function refitOnAll(
  engine: Engine,
  inputs: readonly FitInput[],
  trained: readonly Mat[],
  first: LoopResult,
  build: (masks: Mat[]) => SpectralModel,
  lr: number | Float64Array,
  p: SgmcParams,
  progress: (f: number, info?: Record<string, number>) => void,
  extraOf: (model: SpectralModel) => Record<string, number | string>,
  state: Saved,
): FitOutput[] {
  const full = inputs.map((x) => x.W);
  const lrAll = Float64Array.from(full, (W, b) => (typeof lr === 'number' ? lr : lr[b]) * cellRatio(trained[b], W));
  const count = Math.max(...first.scoresAt);
  const model = build(full);
  try {
    const r = runLoop(
      engine,
      model,
      { kind: p.optimizer, lr: lrAll, beta: p.momentum },
      { mode: 'fixed', iterations: count, tol: 0, evalEvery: p.evalEvery, captureAt: first.scoresAt },
      inputs.map(() => ({})),
      (f, info) => progress(f, { ...info, refit: 1 }),
      undefined,
      phaseCheckpoint(state, 'refit', first),
    );
    const both: LoopResult = { ...first, X: r.X, seconds: first.seconds + r.seconds };
    return outputs(inputs, both, model, { ...extraOf(model), refit: 1, refitLr: Array.from(lrAll).join(' ') }, false, Math.max(...first.iterations) + count);
  } finally {
    model.dispose();
  }
}

/**
 * The authors' DTI recipe on a batch of folds: rows = targets, columns = drugs (the pipeline's drugs x targets
 * matrices are transposed here and the scores transposed back), X = A Z B with k = kFactor x #targets, every
 * factor initScale x rectangular identity, loss over all non-test cells + mu (tr(X^T Lr X) + tr(X Lc X^T)),
 * full-batch gradient descent; scores are X after `scoreAt` updates (the published run's remaining iterations
 * cannot change them and are not run).
 */
export async function fitRecipeBatch(inputs: readonly FitInput[], p: RecipeParams): Promise<FitOutput[]> {
  const { m, n, engine } = checkBatch(inputs);
  if (p.scoreAt > p.iterations) throw new InputError(`scoreAt ${p.scoreAt} is after the last iteration ${p.iterations}`, { field: 'sgmc-dti-recipe.scoreAt' });
  const shared = graphsShared(inputs);
  const lap = (side: Side): Mat | Mat[] => (shared ? inputs[0].graphs.laplacian(side, p.graph) : inputs.map((x) => x.graphs.laplacian(side, p.graph)));
  const r = n; // targets
  const c = m; // drugs
  const k = Math.max(1, Math.round(p.kFactor * r));
  const { S, hooks } = prepare(inputs, { stopping: 'fixed', validationFraction: 0.05 }, true);
  const model = new VertexModel(engine, {
    batch: inputs.length,
    Lr: lap('cols'),
    Lc: lap('rows'),
    M: inputs.map((x) => transpose(x.Y)),
    S,
    muR: p.mu,
    muC: p.mu,
    init: { A: eye(r, k, p.initScale), Z: eye(k, k, p.initScale), B: eye(k, c, p.initScale) },
  });
  try {
    const progress = (f: number, info?: Record<string, number>): void => inputs.forEach((x) => x.onProgress?.(f, info));
    const every = hooks.some((h) => h.probe) ? Math.max(1, Math.round(p.scoreAt / 50)) : p.scoreAt;
    const res = runLoop(engine, model, { kind: 'gd', lr: p.lr }, { mode: 'fixed', iterations: p.scoreAt, tol: 0, evalEvery: every }, hooks, progress, svTraceOf(inputs));
    return outputs(inputs, res, model, { k, scoreAt: p.scoreAt, publishedIterations: p.iterations, sharedBases: shared ? 1 : 0 }, true);
  } finally {
    model.dispose();
  }
}

/** largest singular value of M o S (power iteration on the host, fixed start: deterministic) */
export function spectralNorm(M: Mat, S: Mat, iterations = 60): number {
  const { rows: m, cols: n } = M;
  const A = new Float64Array(m * n);
  for (let k = 0; k < A.length; k++) A[k] = M.data[k] * S.data[k];
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  const u = new Float64Array(m);
  let sigma = 0;
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * v[j];
      u[i] = s;
    }
    const w = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      const ui = u[i];
      if (ui !== 0) for (let j = 0; j < n; j++) w[j] += A[i * n + j] * ui;
    }
    let nw = 0;
    for (const x of w) nw += x * x;
    nw = Math.sqrt(nw);
    if (nw === 0) return 0;
    sigma = Math.sqrt(nw);
    v = w.map((x) => x / nw);
  }
  return sigma;
}
