/**
 * Prediction of new pairs: fit a registered method on ALL known interactions of a dataset (no test set) and list the
 * top-N highest-scoring unknown pairs per drug, per target, overall, or for one named drug or target, as TSV.
 *
 * Protocol: with no held-out cells nothing can leak, so the graphs use interaction profiles from the full matrix
 * (`profiles: 'full'`, the richest graph); the training mask W is all ones for DTI (unknown pairs are observed zeros)
 * and the rated cells for recommender data. Presets and fit() see `setting` (default CVS1: new pairs among known
 * drugs and targets).
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.ts';
import { InputError, InputErrors } from '../core/errors.ts';
import { mat, type Mat } from '../core/matrix.ts';
import { compileSchema, explainErrors, closest } from '../config/ajv.ts';
import type { Dataset } from '../datasets/types.ts';
import type { Engine } from '../engine/types.ts';
import type { GraphProvider, GraphProviderInput } from '../graphs/types.ts';
import type { Method } from '../methods/types.ts';
import { rankUnknown, type RankedPair, type RankScope } from './rank.ts';

export type { RankedPair } from './rank.ts';

/** Services the predictor needs; defaults import the project's registries lazily (tests may inject their own). */
export interface PredictDeps {
  loadDataset(ref: string, opts: { cacheDir?: string; mirror?: string; offline?: boolean }): Promise<Dataset>;
  getMethod(name: string): Method<Record<string, unknown>>;
  createGraphProvider(input: GraphProviderInput): GraphProvider;
  getEngine(name?: string, opts?: { dtype?: 'float32' | 'float64' }): Promise<Engine>;
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
  engine?: { name?: string | null; dtype?: 'float32' | 'float64' };
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
  params: Record<string, unknown>;
  preset: string | null;
  setting: string;
  profiles: 'full';
  seed: number;
  pairs: PredictedPair[];
  /** the TSV text (header `drug target rank score row col`) */
  tsv: string;
  /** written files, when `out` was given */
  files: string[];
}

async function defaultDeps(): Promise<PredictDeps> {
  const [ds, reg, gp, eng] = await Promise.all([
    import('../datasets/index.ts'),
    import('../methods/registry.ts'),
    import('../graphs/provider.ts'),
    import('../engine/registry.ts'),
  ]);
  return {
    loadDataset: ds.loadDataset,
    getMethod: reg.getMethod,
    createGraphProvider: gp.createGraphProvider,
    getEngine: eng.getEngine as PredictDeps['getEngine'],
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
  const params = resolveMethodParams(method, preset, opts.params ?? {}, { dataset: ds.name, setting });
  const seed = opts.seed ?? 1;

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

  const engine = await deps.getEngine(opts.engine?.name ?? undefined, { dtype: opts.engine?.dtype ?? 'float64' });
  const graphs = deps.createGraphProvider({
    rowSim,
    colSim,
    profiles: 'full',
    profileY: truth,
    engine,
    cacheDir: opts.graphCacheDir,
  });
  const fit = await method.fit({ Y: truth, W, graphs, engine, seed, dataset: ds.name, setting }, params);
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
      seed,
      top,
      scope: opts.drug !== undefined ? { drug: opts.drug } : opts.target !== undefined ? { target: opts.target } : { per: opts.per ?? 'drug' },
      engine: { name: engine.name, backend: engine.backend, dtype: engine.dtype },
      note: 'fitted on all known interactions; unknown pairs ranked by score (ties: row, then column order)',
    };
    await writeFileAtomic(opts.out, tsv);
    await writeFileAtomic(`${opts.out}.meta.json`, JSON.stringify(meta, null, 2) + '\n');
    result.files = [opts.out, `${opts.out}.meta.json`];
  }
  return result;
}

/**
 * CLI stage (`dti predict`): for every configured dataset, the chosen method (--method: a configured label or a
 * registered name; default the first configured) with its configured preset/params, written to
 * <outdir>/predict/<dataset>-<label>.tsv. Options: top, per ('drug' | 'target' | 'all'), drug, target.
 */
export async function predictStage(
  ctx: {
    config: {
      outdir: string;
      datasets: string[];
      methods: { name: string; label: string; preset: string | null; params: Record<string, unknown> }[];
      protocol: string;
      seed: number;
      engine: { name: string | null; dtype: 'float32' | 'float64' };
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
  const m = spec ?? (wanted ? { name: wanted, label: wanted, preset: null, params: {} } : undefined);
  if (!m) throw new InputError('no method to fit', { field: 'methods', hint: 'configure a method or pass --method <name>' });
  const top = o.top === undefined ? 10 : Number(o.top);
  const per = o.per === undefined ? 'drug' : String(o.per);
  if (per !== 'drug' && per !== 'target' && per !== 'all') throw new InputError(`--per must be drug, target or all, got '${per}'`, { field: 'per' });
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
      top,
      per,
      drug: typeof o.drug === 'string' ? o.drug : undefined,
      target: typeof o.target === 'string' ? o.target : undefined,
      seed: c.seed,
      engine: { name: c.engine.name, dtype: c.engine.dtype },
      graphCacheDir: join(c.outdir, 'graphs'),
      data: { cacheDir: c.data.cacheDir ?? undefined, mirror: c.data.mirror ?? undefined, offline: c.data.offline },
      out,
      deps,
    });
    ctx.progress?.log(`[predict] ${r.pairs.length} pair(s) for ${r.dataset} by ${m.label} -> ${out}`);
    files.push(...r.files);
  }
  return files;
}
