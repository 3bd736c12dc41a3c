/**
 * Nested hyper-parameter selection before a prediction fit (docs/selection.md, docs/metrics.md): the run stage's
 * inner-split selection with "all known cells" in place of a fold's training cells. Built from src/select.
 */
import { InputError, InputErrors } from '../core/errors.ts';
import type { Mat } from '../core/matrix.ts';
import type { Engine } from '../engine/types.ts';
import type { GraphProvider, ProfileMode } from '../graphs/types.ts';
import { scoreTestCells } from '../metrics/index.ts';
import type { Method } from '../methods/types.ts';
import { innerSeed, innerSplit, type InnerSetting } from '../select/inner-split.ts';
import { innerView } from '../select/inner-view.ts';
import { resolveSelect } from '../select/resolve.ts';
import { isPlainObject } from '../config/load.ts';
import { runSelection } from '../select/run.ts';
import { winnerParams } from '../select/step.ts';
import { DEFAULT_SELECT_FRACTION, type ResolvedSelect, type SelectMetric } from '../select/types.ts';

/** `select` of a prediction: the config's `methods[i].select` plus the profile mode of the candidates' graphs. */
export interface PredictSelect {
  /** partial hyper-parameters merged over the resolved parameters; at least 2 */
  grid: Record<string, unknown>[];
  /** default aupr (DTI) / rmse (ratings) */
  metric?: SelectMetric | null;
  /** share of the known cells (CVS1, ratings) or rows/columns (CVS2/CVS3) held out, in (0, 0.5]; default 0.1 */
  fraction?: number;
  /**
   * Interaction profiles of the candidates' graphs, as in a run: 'train' (default; from the inner training matrix,
   * validation labels never reach the graphs), 'full' (the whole matrix, published protocol), 'none'.
   * Rating sets always use 'none'.
   */
  profiles?: ProfileMode;
  /** refit the winner with its fixed step scaled by (inner known cells) / (known cells); SGMC family only */
  scaleStep?: boolean;
}

/** What a selection chose, as returned and written to the `.meta.json` (NaN values become null there). */
export interface PredictSelection {
  metric: SelectMetric;
  fraction: number;
  profiles: ProfileMode;
  /** grid entries as given */
  grid: Record<string, unknown>[];
  /** each entry merged over the base parameters, schema defaults filled in */
  candidates: Record<string, unknown>[];
  /** validation value per candidate (NaN: undefined, e.g. no positive among the validation cells) */
  values: number[];
  /** index of the winner */
  choice: number;
  /** the winner's parameters (= candidates[choice], its step scaled by `stepRatio` with `scaleStep`) */
  selected: Record<string, unknown>;
  /** with `scaleStep`: inner known cells / known cells, the factor the method's scaleStep applied */
  stepRatio?: number;
  /** the parameters the grid was merged over */
  base: Record<string, unknown>;
  /** seed of the inner split (derived from the prediction seed as in a run) */
  splitSeed: number;
  nValidation: number;
  seconds: number;
}

const METRICS: readonly SelectMetric[] = ['aupr', 'auc', 'rmse'];
const PROFILES: readonly ProfileMode[] = ['train', 'full', 'none'];
const SETTINGS: readonly string[] = ['CVS1', 'CVS2', 'CVS3', 'fixed'];


/**
 * Checks a select spec and resolves its candidates against the method's schema (as the run's plan does).
 * Errors are InputErrors naming `<field>.grid[g].<param>`, `<field>.metric`, `<field>.fraction`, ...
 */
export function resolvePredictSelect(
  select: PredictSelect,
  base: Record<string, unknown>,
  method: Method<Record<string, unknown>>,
  kind: 'dti' | 'ratings',
  setting: string,
  field = 'select',
  runnerWknkn = false,
): ResolvedSelect & { profiles: ProfileMode } {
  const errors: InputError[] = [];
  if (!isPlainObject(select)) throw new InputError('select must be an object { grid, metric?, fraction?, profiles?, scaleStep? }', { field });
  for (const k of Object.keys(select)) {
    if (!['grid', 'metric', 'fraction', 'profiles', 'scaleStep'].includes(k)) {
      errors.push(new InputError(`unknown property '${k}'`, { field: `${field}.${k}`, hint: 'grid, metric, fraction, profiles, scaleStep' }));
    }
  }
  if (!Array.isArray(select.grid)) errors.push(new InputError('grid must be an array of parameter objects', { field: `${field}.grid` }));
  else select.grid.forEach((g, i) => isPlainObject(g) || errors.push(new InputError('a grid entry must be an object of hyper-parameters', { field: `${field}.grid[${i}]` })));
  const metric = select.metric ?? null;
  if (metric !== null && !METRICS.includes(metric)) errors.push(new InputError(`unknown metric '${String(metric)}'`, { field: `${field}.metric`, hint: METRICS.join(', ') }));
  const fraction = select.fraction ?? DEFAULT_SELECT_FRACTION;
  if (typeof fraction !== 'number' || !Number.isFinite(fraction)) errors.push(new InputError(`fraction must be a number, got ${String(fraction)}`, { field: `${field}.fraction` }));
  const scaleStep = select.scaleStep ?? false;
  if (typeof scaleStep !== 'boolean') errors.push(new InputError(`scaleStep must be true or false, got ${String(scaleStep)}`, { field: `${field}.scaleStep` }));
  const profiles = kind === 'ratings' ? 'none' : (select.profiles ?? 'train');
  if (!PROFILES.includes(profiles)) errors.push(new InputError(`unknown profile mode '${String(profiles)}'`, { field: `${field}.profiles`, hint: PROFILES.join(', ') }));
  if (!SETTINGS.includes(setting)) errors.push(new InputError(`selection needs a CV setting to cut its validation split like, got '${setting}'`, { field: 'setting', hint: SETTINGS.join(', ') }));
  if (errors.length) throw new InputErrors(`invalid hyper-parameter selection for ${method.name}:`, errors);
  const r = resolveSelect({ grid: select.grid, metric, fraction, scaleStep }, base, method.paramsSchema, kind, {
    label: method.name,
    runnerWknkn,
    canScaleStep: !!method.scaleStep,
    field,
    runnerField: 'wknkn',
  });
  return { ...r, profiles };
}

export interface SelectionRun {
  sel: ResolvedSelect & { profiles: ProfileMode };
  method: Method<Record<string, unknown>>;
  /** labels / ratings of the dataset and the mask of known cells */
  truth: Mat;
  W: Mat;
  kind: 'dti' | 'ratings';
  setting: string;
  seed: number;
  dataset: string;
  engine: Engine;
  /** the prediction's own provider (profiles 'full' from `truth`), reused under profiles 'full' as the run does */
  fullGraphs: GraphProvider;
  /** a provider with the given profile mode and profile matrix */
  graphsFor(profiles: ProfileMode, profileY: Mat | null): GraphProvider;
  /** the parameters the grid was merged over (recorded) */
  base: Record<string, unknown>;
  /** the config field of the spec, for errors */
  field?: string;
  /** the matrix a candidate is fitted on, from its inner view (the runner's WKNKN when configured; default Y) */
  fitMatrix?: (view: { Y: Mat; W: Mat }, graphs: GraphProvider) => Mat;
}

/**
 * Inner split of all known cells (W = 1) cut like `setting` from `innerSeed(seed)`, every candidate fitted on the
 * inner view and scored on the validation cells with the configured metric; returns the choice and the values.
 */
export async function selectOnKnownCells(r: SelectionRun): Promise<PredictSelection> {
  const { rows, cols } = r.truth;
  const known: number[] = [];
  for (let c = 0; c < r.W.data.length; c++) if (r.W.data[c] !== 0) known.push(c);
  const splitSeed = innerSeed(r.seed);
  let split;
  try {
    split = innerSplit(r.setting as InnerSetting, rows, cols, Int32Array.from(known), r.sel.fraction, splitSeed);
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(e.message, { field: `${r.field ?? 'select'}.fraction` });
    throw e;
  }
  const inner = innerView({ Y: r.truth, W: r.W }, split.validation);
  const p = r.sel.profiles;
  const graphs = p === 'train' ? r.graphsFor('train', inner.Y) : p === 'full' ? r.fullGraphs : r.graphsFor('none', null);
  const out = await runSelection({
    candidates: r.sel.candidates,
    metric: r.sel.metric,
    validation: split.validation,
    truth: r.truth,
    kind: r.kind,
    score: scoreTestCells,
    fit: async (params) =>
      (await r.method.fit({ Y: r.fitMatrix ? r.fitMatrix(inner, graphs) : inner.Y, W: inner.W, graphs, engine: r.engine, seed: r.seed, dataset: r.dataset, setting: r.setting }, params)).scores,
  });
  const winner = winnerParams(r.method, r.sel, out.choice, inner.W, r.W);
  return {
    metric: r.sel.metric,
    fraction: r.sel.fraction,
    profiles: p,
    grid: r.sel.grid,
    candidates: r.sel.candidates,
    values: out.values,
    choice: out.choice,
    selected: winner.params,
    ...(winner.stepRatio !== undefined ? { stepRatio: winner.stepRatio } : {}),
    base: r.base,
    splitSeed,
    nValidation: split.validation.length,
    seconds: Math.round(out.seconds * 1000) / 1000,
  };
}
