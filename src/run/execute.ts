/**
 * Running one task: load the dataset and fold (cached per process), build the training view and the fold's graph
 * provider under the task's protocol, fit the method, score the test cells, write the record (and predictions).
 */
import { join } from 'node:path';
import type { Dataset } from '../datasets/types.ts';
import type { FoldSet, Fold, Setting } from '../splits/types.ts';
import type { Engine } from '../engine/types.ts';
import { zeros, type Mat } from '../core/matrix.ts';
import type { RunDeps } from './deps.ts';
import type { TaskRecord } from './record.ts';
import type { TaskSpec } from './task.ts';
import { graphCacheDir, predictionsRel, recordFile, tracesRel } from './task.ts';
import { writeJsonAtomic } from '../core/atomic.ts';
import { wknknMatrix } from '../methods/wknkn.ts';
import type { FitInput, FitOutput } from '../methods/types.ts';
import type { FoldMetrics } from './record.ts';
import { writeRecord } from './records.ts';
import { writePredictions } from './predictions.ts';
import { hashValue } from '../core/hash.ts';
import type { GraphProvider } from '../graphs/types.ts';
import { trainCells } from '../splits/views.ts';
import { innerSeed, innerSplit } from '../select/inner-split.ts';
import { innerView } from '../select/inner-view.ts';
import { runSelection, selectionInfo, type SelectionOutcome } from '../select/run.ts';
import { winnerParams, type WinnerParams } from '../select/step.ts';
import { checkpointFile, clearCheckpoints, fileCheckpoint } from './checkpoint.ts';

/** Per-process caches so a worker loads each dataset, fold file and engine once. */
export class TaskContext {
  private datasets = new Map<string, Promise<Dataset>>();
  private foldSets = new Map<string, Promise<FoldSet>>();
  private engines = new Map<string, Promise<Engine>>();
  constructor(readonly deps: RunDeps) {}

  dataset(spec: TaskSpec): Promise<Dataset> {
    const k = spec.datasetRef;
    let p = this.datasets.get(k);
    if (!p) {
      p = this.deps.loadDataset(k, {
        cacheDir: spec.data.cacheDir ?? undefined,
        mirror: spec.data.mirror ?? undefined,
        offline: spec.data.offline,
      });
      p.catch(() => this.datasets.delete(k));
      this.datasets.set(k, p);
    }
    return p;
  }

  async fold(spec: TaskSpec, ds: Dataset): Promise<Fold> {
    if (ds.kind === 'ratings') return { repetition: spec.repetition, fold: 0, testCells: ds.test };
    let p = this.foldSets.get(spec.foldsFile);
    const { rows, cols } = dims(ds);
    if (!p) {
      p = this.deps.readFolds(spec.foldsFile, { rows, cols, setting: spec.setting as Setting });
      p.catch(() => this.foldSets.delete(spec.foldsFile));
      this.foldSets.set(spec.foldsFile, p);
    }
    const set = await p;
    const f = set.folds.find((x) => x.repetition === spec.repetition && x.fold === spec.fold);
    if (!f) throw new Error(`${spec.foldsFile} has no repetition ${spec.repetition} fold ${spec.fold}`);
    return f;
  }

  engine(spec: TaskSpec): Promise<Engine> {
    const k = JSON.stringify(spec.engine);
    let p = this.engines.get(k);
    if (!p) {
      p = this.deps.getEngine(spec.engine.name ?? undefined, {
        dtype: spec.engine.dtype,
        backend: spec.engine.backend ?? undefined,
        threads: spec.engine.threads ?? undefined,
      });
      p.catch(() => this.engines.delete(k));
      this.engines.set(k, p);
    }
    return p;
  }
}

export const dims = (ds: Dataset): { rows: number; cols: number } =>
  ds.kind === 'dti' ? { rows: ds.Y.rows, cols: ds.Y.cols } : { rows: ds.rows, cols: ds.cols };

/** Truth matrix of a dataset (labels or ratings). */
export const truthOf = (ds: Dataset): Mat => (ds.kind === 'dti' ? ds.Y : ds.M);

/** Recommender training view: the training ratings, mask 1 exactly on them (unrated cells are not observations). */
export function ratingsView(M: Mat, train: Int32Array): { Y: Mat; W: Mat } {
  const Y = zeros(M.rows, M.cols);
  const W = zeros(M.rows, M.cols);
  for (const c of train) {
    Y.data[c] = M.data[c];
    W.data[c] = 1;
  }
  return { Y, W };
}

/** Hash of a fold's test cells (part of the task key). */
export const foldHash = (f: Fold): string => hashValue(f.testCells);

const peakRssMb = (): number => {
  // maxRSS is in kilobytes; it is the peak of this process so far (workers run several tasks)
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
};

export async function runTask(
  spec: TaskSpec,
  ctx: TaskContext,
  onProgress?: (fraction: number) => void,
): Promise<TaskRecord> {
  const t0 = new Date();
  const ds = await ctx.dataset(spec);
  const fold = await ctx.fold(spec, ds);
  const engine = await ctx.engine(spec);
  const truth = truthOf(ds);
  const view = ds.kind === 'dti' ? ctx.deps.trainingView(truth, fold) : ratingsView(ds.M, ds.train);
  const rowSim = ds.kind === 'dti' ? ds.drugSim : (ds.rowAdjacency ?? zeros(ds.rows, ds.rows));
  const colSim = ds.kind === 'dti' ? ds.targetSim : (ds.colAdjacency ?? zeros(ds.cols, ds.cols));
  // the fold's graphs; nested selection asks for another provider whose profiles come from its inner training matrix
  const graphsFor = (profileY: Mat | null): GraphProvider =>
    ctx.deps.createGraphProvider({
      rowSim,
      colSim,
      profiles: spec.profiles,
      profileY,
      engine,
      cacheDir: graphCacheDir(spec.outdir),
      coldRows: spec.coldRows,
    });
  const graphs = graphsFor(spec.profiles === 'train' ? view.Y : spec.profiles === 'full' ? truth : null);
  const kind = ds.kind === 'dti' ? 'dti' : 'ratings';
  const method = ctx.deps.getMethod(spec.method);
  const nFits = spec.select ? spec.select.candidates.length + 1 : 1;
  const stepProgress = (j: number): FitInput['onProgress'] => (onProgress ? (f) => onProgress((j + f) / nFits) : undefined);
  // fit j (the selection candidates, then the final fit) keeps its checkpoint in its own file
  const checkpointOf = (j: number): Pick<FitInput, 'checkpoint'> =>
    spec.checkpointSeconds ? { checkpoint: fileCheckpoint(checkpointFile(spec.outdir, spec.key, j), spec.checkpointSeconds) } : {};
  let params = spec.params;
  let selectInfo: Record<string, number> | undefined;
  if (spec.select) {
    const sel = await selectOnInnerSplit(spec, ctx, { ds, fold, view, graphs, graphsFor, engine }, stepProgress, checkpointOf);
    params = sel.params;
    selectInfo = selectionInfo(sel, spec.select.metric);
    // scaleStep: the winner takes the step it was chosen with per training cell (docs/selection.md)
    if (sel.stepRatio !== undefined) selectInfo.select_step_ratio = sel.stepRatio;
  }
  const Y = fitMatrix(spec, ds.kind, view, graphs);
  const input: FitInput = { Y, W: view.W, graphs, engine, seed: spec.seed, dataset: spec.dataset, setting: spec.setting, onProgress: stepProgress(nFits - 1), ...checkpointOf(nFits - 1) };
  if (spec.optimistic) input.probe = (X) => ctx.deps.scoreTestCells(X, truth, fold.testCells, kind);
  if (spec.traces) input.traceSingularValues = { k: spec.traces.singularValues, every: spec.traces.every };
  const out = await method.fit(input, params);
  if (out.scores.rows !== truth.rows || out.scores.cols !== truth.cols) {
    throw new Error(`${spec.method} returned ${out.scores.rows} x ${out.scores.cols} scores for a ${truth.rows} x ${truth.cols} matrix`);
  }
  const metrics = ctx.deps.scoreTestCells(out.scores, truth, fold.testCells, kind);
  const parts = splitOptimistic(out.info);
  const optimistic = parts.optimistic;
  const info = selectInfo ? { ...parts.info, ...selectInfo } : parts.info;
  if (spec.optimistic && optimistic) metrics.optimistic = optimistic;
  let nPositives: number | undefined;
  if (kind === 'dti') {
    nPositives = 0;
    for (const c of fold.testCells) if (truth.data[c] > 0) nPositives++;
  }
  let predictions: string | undefined;
  if (spec.savePredictions) {
    predictions = predictionsRel(spec.id);
    await writePredictions(join(spec.outdir, predictions), out.scores, truth, fold.testCells);
  }
  let traces: string | undefined;
  if (spec.traces && out.traces && Object.keys(out.traces).length) {
    traces = tracesRel(spec.id);
    await writeJsonAtomic(join(spec.outdir, traces), out.traces);
  }
  const t1 = new Date();
  const rec: TaskRecord = {
    schema: 'sgmc-dti/task-result/1',
    key: spec.key,
    task: {
      dataset: spec.dataset,
      setting: spec.setting,
      repetition: spec.repetition,
      fold: spec.fold,
      method: spec.label,
      ...(spec.label !== spec.method ? { methodName: spec.method } : {}),
      methodVersion: spec.methodVersion,
      params: spec.params,
      preset: spec.preset,
      protocol: spec.protocol,
      profiles: spec.profiles,
      coldRows: graphs.coldRows ?? spec.coldRows,
      ...(spec.wknkn ? { wknkn: spec.wknkn } : {}),
      ...(spec.select ? { select: selectRecord(spec.select), selected: params } : {}),
      seed: spec.seed,
    },
    metrics: cleanMetrics(metrics),
    nTest: fold.testCells.length,
    ...(nPositives !== undefined ? { nPositives } : {}),
    engine: { name: engine.name, backend: engine.backend, dtype: engine.dtype },
    timing: { start: t0.toISOString(), end: t1.toISOString(), seconds: (t1.getTime() - t0.getTime()) / 1000, peakRssMb: peakRssMb() },
    ...(info ? { info } : {}),
    ...(predictions ? { predictions } : {}),
    ...(traces ? { traces } : {}),
  };
  await writeRecord(recordFile(spec.outdir, spec.id), rec);
  clearCheckpoints(spec.outdir, spec.key);
  return rec;
}

interface FoldParts {
  ds: Dataset;
  fold: Fold;
  view: { Y: Mat; W: Mat };
  graphs: GraphProvider;
  /** a provider for the same fold with profiles from `profileY` */
  graphsFor: (profileY: Mat | null) => GraphProvider;
  engine: Engine;
}

/**
 * Nested selection (docs/selection.md): carve an inner validation split from the fold's training cells, fit every
 * candidate on the inner view (graphs from the inner training matrix under profiles 'train'), score the validation
 * cells against the training labels, pick the winner.
 */
async function selectOnInnerSplit(
  spec: TaskSpec,
  ctx: TaskContext,
  f: FoldParts,
  stepProgress: (j: number) => FitInput['onProgress'],
  checkpointOf: (j: number) => Pick<FitInput, 'checkpoint'>,
): Promise<SelectionOutcome & WinnerParams> {
  const sel = spec.select!;
  const { rows, cols } = dims(f.ds);
  const cells = f.ds.kind === 'dti' ? trainCells(rows, cols, f.fold) : f.ds.train;
  const split = innerSplit(spec.setting, rows, cols, cells, sel.fraction, innerSeed(spec.seed));
  const inner = innerView(f.view, split.validation);
  // 'train': profiles from the inner training matrix, so validation labels never reach the graphs; 'none' and
  // 'full' take the same input as the fold's provider, which is reused
  const graphs = spec.profiles === 'train' ? f.graphsFor(inner.Y) : f.graphs;
  const Y = fitMatrix(spec, f.ds.kind, inner, graphs);
  const method = ctx.deps.getMethod(spec.method);
  const outcome = await runSelection({
    candidates: sel.candidates,
    metric: sel.metric,
    validation: split.validation,
    truth: truthOf(f.ds),
    kind: f.ds.kind === 'dti' ? 'dti' : 'ratings',
    score: ctx.deps.scoreTestCells,
    fit: async (params, i) => {
      const input: FitInput = { Y, W: inner.W, graphs, engine: f.engine, seed: spec.seed, dataset: spec.dataset, setting: spec.setting, onProgress: stepProgress(i), ...checkpointOf(i) };
      return (await method.fit(input, params)).scores;
    },
  });
  return { ...outcome, ...winnerParams(method, sel, outcome.choice, inner.W, f.view.W) };
}

/** `task.select` of a record: the spec as configured (scaleStep only when set, so older records read the same) */
const selectRecord = (s: NonNullable<TaskSpec['select']>): NonNullable<TaskRecord['task']['select']> => ({
  metric: s.metric,
  fraction: s.fraction,
  grid: s.grid,
  ...(s.scaleStep ? { scaleStep: true } : {}),
});

/** The matrix a method is fitted on: the view's Y, after the runner's WKNKN (from the view's training cells only) when asked. */
function fitMatrix(spec: TaskSpec, kind: Dataset['kind'], view: { Y: Mat; W: Mat }, graphs: GraphProvider): Mat {
  return wknknMatrix(spec.wknkn, kind, spec.dataset, view, graphs);
}

/** Move a method's `optimistic_<metric>` info entries (best-on-test numbers) out of `info` into their own object. */
export function splitOptimistic(info: FitOutput['info']): { info?: FitOutput['info']; optimistic?: FoldMetrics['optimistic'] } {
  if (!info) return {};
  const rest: Record<string, number | string> = {};
  const opt: Record<string, number> = {};
  for (const [k, v] of Object.entries(info)) {
    const m = /^optimistic_(auc|aupr|rmse|iteration)$/.exec(k);
    if (m && typeof v === 'number') opt[m[1]] = v;
    else rest[k] = v;
  }
  return { info: Object.keys(rest).length ? rest : undefined, optimistic: Object.keys(opt).length ? opt : undefined };
}

/** Drop undefined/NaN metrics (JSON cannot hold NaN; an undefined metric is absent, not null). */
function cleanMetrics<T extends object>(m: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === undefined || (typeof v === 'number' && !Number.isFinite(v))) continue;
    out[k] = v && typeof v === 'object' ? cleanMetrics(v) : v;
  }
  return out as T;
}
