/**
 * Prediction of new pairs: fit a registered method on ALL known interactions of a dataset (no test set) and list the
 * top-N highest-scoring unknown pairs per drug, per target, overall, or for one named drug or target, as TSV.
 *
 * Protocol: with no held-out cells nothing can leak, so the graphs use interaction profiles from the full matrix
 * (`profiles: 'full'`, the richest graph); the training mask W is all ones for DTI (unknown pairs are observed zeros)
 * and the rated cells for recommender data. Presets and fit() see `setting` (default CVS1: new pairs among known
 * drugs and targets). With `select`, the parameters are first chosen on an inner validation split of the known cells,
 * as the run stage does inside a fold (./select.ts), and the winner is refitted on everything.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.ts';
import { InputError, InputErrors } from '../core/errors.ts';
import { mat, type Mat } from '../core/matrix.ts';
import { compileSchema, explainErrors, closest } from '../config/ajv.ts';
import { profileMode } from '../config/load.ts';
import type { MethodSpec, Protocol } from '../config/types.ts';
import type { Dataset } from '../datasets/types.ts';
import type { Engine, EngineOptions } from '../engine/types.ts';
import type { ColdRows, GraphProvider, GraphProviderInput, ProfileMode } from '../graphs/types.ts';
import type { Method } from '../methods/types.ts';
import { doubleWknknError, wknknMatrix } from '../methods/wknkn.ts';
import { rankUnknown, type RankedPair, type RankScope } from './rank.ts';
import { resolvePredictSelect, selectOnKnownCells, type PredictSelect, type PredictSelection } from './select.ts';

export type { RankedPair } from './rank.ts';
export type { PredictSelect, PredictSelection } from './select.ts';

/** Services the predictor needs; defaults import the project's registries lazily (tests may inject their own). */
export interface PredictDeps {
  loadDataset(ref: string, opts: { cacheDir?: string; mirror?: string; offline?: boolean }): Promise<Dataset>;
  getMethod(name: string): Method<Record<string, unknown>>;
  createGraphProvider(input: GraphProviderInput): GraphProvider;
  getEngine(name?: string, opts?: EngineOptions): Promise<Engine>;
}

export interface PredictOptions {
  /** a registered dataset name, a manifest path, or a loaded dataset */
  dataset: string | Dataset;
  /** registered method name */
  method: string;
  /** hyper-parameters (over the preset), validated and defaulted by the method's schema */
  params?: Record<string, unknown>;
  /** preset name of the method (e.g. 'published'); none by default */
  preset?: string | null;
  /** CV setting passed to presets and fit (default 'CVS1') */
  setting?: string;
  /** pairs per list (default 10) */
  top?: number;
  /** one list per drug (default), per target, or one overall list */
  per?: 'drug' | 'target' | 'all';
  /** only this drug (id as in the dataset) / only this target; overrides `per` */
  drug?: string;
  target?: string;
  seed?: number;
  /** engine of every fit (selection and final); dtype default float64 */
  engine?: { name?: string | null; dtype?: 'float32' | 'float64'; backend?: string | null; threads?: number | null };
  /**
   * Nested hyper-parameter selection (docs/selection.md): choose among `params` + each grid entry on an inner
   * validation split of the known cells, then refit the winner on everything. None by default.
   */
  select?: PredictSelect | null;
  /** config field `select` came from, named in its errors (default 'select') */
  selectField?: string;
  /** graph cold-row policy of every provider (GraphProviderInput.coldRows; default 'chemical-only') */
  coldRows?: ColdRows;
  /**
   * the runner's WKNKN preprocessing (config `methods[].wknkn`, for any method): every fit, selection fits included,
   * sees WKNKN of its own known cells, as in a run. Off by default.
   */
  wknkn?: { K: number; eta: number } | null;
  /** eigenbasis cache directory */
  graphCacheDir?: string;
  data?: { cacheDir?: string; mirror?: string; offline?: boolean };
  /** write the TSV here (atomically), plus `<out>.meta.json` with provenance */
  out?: string;
  deps?: Partial<PredictDeps>;
}

export interface PredictedPair extends RankedPair {
  drug: string;
  target: string;
}

export interface PredictResult {
  dataset: string;
  method: string;
  methodVersion: string;
  /** parameters of the final fit (the selected candidate's, with `select`) */
  params: Record<string, unknown>;
  preset: string | null;
  setting: string;
  profiles: 'full';
  seed: number;
  /** the engine every fit ran on */
  engine: { name: string; backend: string; dtype: 'float32' | 'float64' };
  /** the selection, when `select` was given */
  select?: PredictSelection;
  pairs: PredictedPair[];
  /** the TSV text (header `drug target rank score row col`) */
  tsv: string;
  /** written files, when `out` was given */
  files: string[];
}

async function defaultDeps(): Promise<PredictDeps> {
  const [reg, gp] = await Promise.all([import('../methods/registry.ts'), import('../graphs/provider.ts')]);
  return {
    // imported on first use: the dataset loaders take seconds to load and are not needed for a given Dataset
    loadDataset: async (ref, o) => (await import('../datasets/index.ts')).loadDataset(ref, o),
    getMethod: reg.getMethod,
    createGraphProvider: gp.createGraphProvider,
    getEngine: async (name, o) => (await import('../engine/registry.ts')).getEngine(name, o),
  };
}

/** Resolves preset + params against the method's schema (defaults filled in); errors name params.<field>. */
export function resolveMethodParams(
  method: Method<Record<string, unknown>>,
  preset: string | null,
  params: Record<string, unknown>,
  ctx: { dataset: string; setting: string },
): Record<string, unknown> {
  let base: Record<string, unknown> = {};
  if (preset) {
    const fn = method.presets?.[preset];
    if (!fn) {
      const names = Object.keys(method.presets ?? {});
      throw new InputError(`method '${method.name}' has no preset '${preset}'`, {
        field: 'preset',
        hint: names.length ? `presets: ${names.join(', ')}` : `${method.name} has no presets`,
      });
    }
    base = fn(ctx) as Record<string, unknown>;
  }
  const out = structuredClone({ ...base, ...params });
  const validate = compileSchema(method.paramsSchema);
  if (!validate(out)) {
    throw new InputErrors(`invalid hyper-parameters for ${method.name}:`, explainErrors(validate.errors ?? [], method.paramsSchema, { prefix: 'params' }));
  }
  return out;
}

function idIndex(ids: string[], id: string, what: 'drug' | 'target'): number {
  const i = ids.indexOf(id);
  if (i >= 0) return i;
  const guess = closest(id, ids);
  throw new InputError(`unknown ${what} '${id}'`, { field: what, hint: guess ? `did you mean '${guess}'?` : `${ids.length} ${what}s in the dataset` });
}

/** Fits on all known interactions and ranks the unknown pairs. */
export async function predictTopPairs(opts: PredictOptions): Promise<PredictResult> {
  const deps: PredictDeps = { ...(await defaultDeps()), ...opts.deps };
  const top = opts.top ?? 10;
  if (!Number.isInteger(top) || top < 1) throw new InputError(`top must be a positive integer, got ${opts.top}`, { field: 'top' });
  if (opts.drug !== undefined && opts.target !== undefined) throw new InputError('give either a drug or a target, not both', { field: 'drug' });
  const ds = typeof opts.dataset === 'string' ? await deps.loadDataset(opts.dataset, opts.data ?? {}) : opts.dataset;
  const setting = opts.setting ?? 'CVS1';
  const method = deps.getMethod(opts.method);
  const preset = opts.preset ?? null;
  const base = resolveMethodParams(method, preset, opts.params ?? {}, { dataset: ds.name, setting });
  const seed = opts.seed ?? 1;
  const kind = ds.kind === 'dti' ? 'dti' : 'ratings';
  const selectField = opts.selectField ?? 'select';
  const wk = opts.wknkn ?? null;
  const twice = doubleWknknError(wk, base, { label: method.name, name: method.name, runnerField: 'wknkn', ownField: 'params.wknkn' });
  if (twice) throw twice;
  const sel = opts.select ? resolvePredictSelect(opts.select, base, method, kind, setting, selectField, !!wk) : null;

  const truth: Mat = ds.kind === 'dti' ? ds.Y : ds.M;
  const W = mat(truth.rows, truth.cols);
  for (let k = 0; k < W.data.length; k++) W.data[k] = ds.kind === 'dti' || truth.data[k] !== 0 ? 1 : 0;
  const rowSim = ds.kind === 'dti' ? ds.drugSim : ds.rowAdjacency;
  const colSim = ds.kind === 'dti' ? ds.targetSim : ds.colAdjacency;
  if (!rowSim || !colSim) throw new InputError(`dataset ${ds.name} has no row/column graphs`, { field: 'dataset' });
  const rowIds = ds.kind === 'dti' ? ds.drugIds : Array.from({ length: truth.rows }, (_, i) => String(i));
  const colIds = ds.kind === 'dti' ? ds.targetIds : Array.from({ length: truth.cols }, (_, j) => String(j));

  let scope: RankScope;
  if (opts.drug !== undefined) scope = { row: idIndex(rowIds, opts.drug, 'drug') };
  else if (opts.target !== undefined) scope = { col: idIndex(colIds, opts.target, 'target') };
  else scope = { per: opts.per === 'target' ? 'col' : opts.per === 'all' ? 'all' : 'row' };

  const engineOpts: EngineOptions = { dtype: opts.engine?.dtype ?? 'float64' };
  if (opts.engine?.backend) engineOpts.backend = opts.engine.backend;
  if (opts.engine?.threads) engineOpts.threads = opts.engine.threads;
  const engine = await deps.getEngine(opts.engine?.name ?? undefined, engineOpts);
  const graphsFor = (profiles: ProfileMode, profileY: Mat | null): GraphProvider =>
    deps.createGraphProvider({ rowSim, colSim, profiles, profileY, engine, cacheDir: opts.graphCacheDir, ...(opts.coldRows ? { coldRows: opts.coldRows } : {}) });
  const graphs = graphsFor('full', truth);
  let params = base;
  let selection: PredictSelection | undefined;
  if (sel) {
    selection = await selectOnKnownCells({
      sel, method, truth, W, kind, setting, seed, dataset: ds.name, engine, fullGraphs: graphs, graphsFor, base, field: selectField,
      fitMatrix: (view, g) => wknknMatrix(wk, kind, ds.name, view, g),
    });
    params = selection.selected;
  }
  const Yfit = wknknMatrix(wk, kind, ds.name, { Y: truth, W }, graphs);
  const fit = await method.fit({ Y: Yfit, W, graphs, engine, seed, dataset: ds.name, setting }, params);
  if (fit.scores.rows !== truth.rows || fit.scores.cols !== truth.cols) {
    throw new Error(`${opts.method} returned ${fit.scores.rows} x ${fit.scores.cols} scores for a ${truth.rows} x ${truth.cols} matrix`);
  }
  const ranked = rankUnknown(fit.scores, truth, top, scope);
  const pairs = ranked.map((p) => ({ ...p, drug: rowIds[p.row], target: colIds[p.col] }));
  const [a, b] = ds.kind === 'dti' ? ['drug', 'target'] : ['user', 'item'];
  const clean = (s: string) => s.replace(/[\t\r\n]/g, ' ');
  const tsv = [`${a}\t${b}\trank\tscore\trow\tcol`, ...pairs.map((p) => `${clean(p.drug)}\t${clean(p.target)}\t${p.rank}\t${p.score}\t${p.row}\t${p.col}`)].join('\n') + '\n';
  const result: PredictResult = {
    dataset: ds.name,
    method: method.name,
    methodVersion: method.version,
    params,
    preset,
    setting,
    profiles: 'full',
    seed,
    engine: { name: engine.name, backend: engine.backend, dtype: engine.dtype },
    ...(selection ? { select: selection } : {}),
    pairs,
    tsv,
    files: [],
  };
  if (opts.out) {
    const meta = {
      schema: 'sgmc-dti/predictions-new/1',
      dataset: ds.name,
      checksums: ds.checksums,
      method: method.name,
      methodVersion: method.version,
      preset,
      params,
      setting,
      profiles: 'full',
      ...(opts.coldRows ? { coldRows: opts.coldRows } : {}),
      ...(wk ? { wknkn: wk } : {}),
      seed,
      top,
      scope: opts.drug !== undefined ? { drug: opts.drug } : opts.target !== undefined ? { target: opts.target } : { per: opts.per ?? 'drug' },
      engine: result.engine,
      // NaN validation values (undefined metric) are written as null
      ...(selection ? { select: selection } : {}),
      note: 'fitted on all known interactions; unknown pairs ranked by score (ties: row, then column order)',
    };
    await writeFileAtomic(opts.out, tsv);
    await writeFileAtomic(`${opts.out}.meta.json`, JSON.stringify(meta, null, 2) + '\n');
    result.files = [opts.out, `${opts.out}.meta.json`];
  }
  return result;
}

/** A configured method as the stage reads it (config MethodSpec; the optional parts default to off). */
export type PredictMethodSpec = Pick<MethodSpec, 'name' | 'label' | 'preset' | 'params'> & Partial<Pick<MethodSpec, 'select' | 'dtype' | 'wknkn'>>;

/**
 * CLI stage (`dti predict`): for every configured dataset, the chosen method (--method: a configured label or a
 * registered name; default the first configured) with its configured preset, params, `select` (chosen on an inner
 * split of the known cells, graphs under the configured protocol's profile mode, as in a run) and `dtype` (over the
 * config's engine.dtype), written to <outdir>/predict/<dataset>-<label>.tsv. Options: top, per ('drug' | 'target' |
 * 'all'), drug, target, setting (CVS1 default: passed to presets and fit, and the cut of the selection's split).
 */
export async function predictStage(
  ctx: {
    config: {
      outdir: string;
      datasets: string[];
      methods: PredictMethodSpec[];
      protocol: Protocol;
      /** leak-free profile mode (null = 'train') */
      profiles?: 'train' | 'none' | null;
      coldRows?: ColdRows;
      seed: number;
      engine: { name: string | null; dtype: 'float32' | 'float64'; backend?: string | null; threads?: number | null };
      data: { cacheDir: string | null; mirror: string | null; offline: boolean };
    };
    /** the stage's services (StageContext.deps); missing ones come from the project's registries */
    deps?: Partial<PredictDeps>;
    progress?: { log(m: string): void };
  },
  o: Record<string, unknown>,
): Promise<string[]> {
  const c = ctx.config;
  const wanted = typeof o.method === 'string' ? o.method : undefined;
  const spec = wanted ? (c.methods.find((m) => m.label === wanted) ?? c.methods.find((m) => m.name === wanted)) : c.methods[0];
  const m: PredictMethodSpec | undefined = spec ?? (wanted ? { name: wanted, label: wanted, preset: null, params: {} } : undefined);
  const index = spec ? c.methods.indexOf(spec) : -1;
  if (!m) throw new InputError('no method to fit', { field: 'methods', hint: 'configure a method or pass --method <name>' });
  const top = o.top === undefined ? 10 : Number(o.top);
  const per = o.per === undefined ? 'drug' : String(o.per);
  if (per !== 'drug' && per !== 'target' && per !== 'all') throw new InputError(`--per must be drug, target or all, got '${per}'`, { field: 'per' });
  const setting = o.setting === undefined ? 'CVS1' : String(o.setting);
  if (!['CVS1', 'CVS2', 'CVS3'].includes(setting)) throw new InputError(`--setting must be CVS1, CVS2 or CVS3, got '${setting}'`, { field: 'setting' });
  const deps = { ...(await defaultDeps()), ...ctx.deps };
  const files: string[] = [];
  for (const ref of c.datasets) {
    const name = ref.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
    const out = join(c.outdir, 'predict', `${name}-${m.label}.tsv`);
    // under the published protocol use the method's 'published' preset when it has one (as the run stage does)
    const preset = m.preset ?? (c.protocol === 'published' && deps.getMethod(m.name).presets?.published ? 'published' : null);
    const r = await predictTopPairs({
      dataset: ref,
      method: m.name,
      params: m.params,
      preset,
      setting,
      top,
      per,
      drug: typeof o.drug === 'string' ? o.drug : undefined,
      target: typeof o.target === 'string' ? o.target : undefined,
      wknkn: m.wknkn ?? null,
      seed: c.seed,
      // the method's own dtype wins over the config's, as in the run stage
      engine: { name: c.engine.name, dtype: m.dtype ?? c.engine.dtype, backend: c.engine.backend ?? null, threads: c.engine.threads ?? null },
      // the candidates' graphs take the profile mode a run of this config uses (leak-free: the inner training matrix)
      select: m.select ? { ...m.select, profiles: profileMode({ protocol: c.protocol, profiles: c.profiles ?? null }) } : null,
      selectField: `methods[${index}].select`,
      coldRows: c.coldRows,
      graphCacheDir: join(c.outdir, 'graphs'),
      data: { cacheDir: c.data.cacheDir ?? undefined, mirror: c.data.mirror ?? undefined, offline: c.data.offline },
      out,
      deps,
    });
    if (r.select) {
      const vals = r.select.values.map((v, i) => `grid[${i}] ${Number.isFinite(v) ? v.toFixed(4) : 'undefined'}`).join(', ');
      ctx.progress?.log(`[predict] ${m.label} on ${r.dataset}: selected grid[${r.select.choice}] by validation ${r.select.metric} (${vals})`);
    }
    ctx.progress?.log(`[predict] ${r.pairs.length} pair(s) for ${r.dataset} by ${m.label} (${r.engine.name}, ${r.engine.dtype}) -> ${out}`);
    files.push(...r.files);
  }
  return files;
}
