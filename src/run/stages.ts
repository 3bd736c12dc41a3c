/**
 * The pipeline stages as library functions: fetch -> splits -> graphs -> run -> report. The CLI and the zx scripts
 * in pipeline/ call these. Every stage reads the resolved config and writes under config.outdir.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, InputErrors } from '../core/errors.ts';
import type { Config } from '../config/types.ts';
import { profileMode } from '../config/load.ts';
import type { Dataset } from '../datasets/types.ts';
import type { FoldSet, Setting } from '../splits/types.ts';
import { formatFolds } from '../splits/index.ts';
import type { Engine } from '../engine/types.ts';
import type { RunDeps } from './deps.ts';
import { loadPlugins } from './deps.ts';
import type { Progress } from './progress.ts';
import { datasetInfo, FIXED, foldKey, planTasks, checkMethodNames, resolveParams, type DatasetInfo } from './plan.ts';
import { foldsFileFor, graphCacheDir, recordFile, type TaskSpec } from './task.ts';
import { readRecord } from './records.ts';
import { completeRecordIn, reuseRecords } from './reuse.ts';
import { Trace } from './trace.ts';
import { checkpointDir, clearCheckpoints } from './checkpoint.ts';
import { infoDir, writeChecksums, writeConfigInfo, writeVersions } from './info.ts';
import { getExecutor } from '../executors/all.ts';
import type { TaskRecord } from './record.ts';
import type { FetchReport } from '../datasets/fetch.ts';
import { writeJsonAtomic } from '../core/atomic.ts';
import { setBlasCorePreference } from '../engine/blas-core.ts';
import { engineProvenance } from '../engine/registry.ts';

export interface StageContext {
  config: Config;
  deps: RunDeps;
  progress: Progress;
  /** filled in as stages run */
  datasets?: Map<string, { info: DatasetInfo; ds: Dataset }>;
  folds?: Map<string, { file: string; set: FoldSet }>;
  engine?: Engine;
}

const dataOpts = (c: Config, log?: (m: string) => void) => ({
  cacheDir: c.data.cacheDir ?? undefined,
  mirror: c.data.mirror ?? undefined,
  offline: c.data.offline,
  log,
});

/** Check what can be checked before any work: method names, presets and hyper-parameters. */
export async function preflight(ctx: StageContext): Promise<void> {
  await loadPlugins(ctx.config.plugins);
  // before any engine loads here or in a worker process (they inherit the environment)
  const blasCore = ctx.config.engine.blasCore ?? 'env';
  if (!setBlasCorePreference(blasCore)) {
    ctx.progress.log(`[engine] blasCore '${blasCore}' applies to the worker processes only (OpenBLAS is loaded here already)`);
  }
  const errors = checkMethodNames(ctx.config, ctx.deps);
  if (errors.length) throw new InputErrors('invalid configuration:', errors);
  const perr: InputError[] = [];
  const seen = new Set<string>();
  for (const ds of ctx.config.datasets) {
    for (const setting of ctx.config.settings) {
      ctx.config.methods.forEach((m, i) => {
        try {
          resolveParams(ctx.config, i, m, ds, setting, ctx.deps);
        } catch (e) {
          if (!(e instanceof InputErrors)) throw e;
          for (const x of e.errors) if (!seen.has(x.message)) (seen.add(x.message), perr.push(x));
        }
      });
    }
  }
  if (perr.length) throw new InputErrors('invalid method configuration:', perr);
}

/** Fetch every dataset; keep their fetch reports in pipeline_info/fetch.json and print them. */
export async function fetchStage(ctx: StageContext): Promise<void> {
  const reports: Record<string, unknown> = {};
  for (const ref of ctx.config.datasets) {
    ctx.progress.log(`[fetch] ${ref}`);
    const report = await ctx.deps.fetchDataset(ref, dataOpts(ctx.config, (m) => ctx.progress.log(`[fetch] ${m}`)));
    reports[ref] = report ?? null;
    if (isFetchReport(report)) {
      const { formatFetchReport } = await import('../datasets/report.ts');
      for (const line of formatFetchReport(report).split('\n')) ctx.progress.log(`[fetch] ${line}`);
    }
  }
  await writeJsonAtomic(join(infoDir(ctx.config.outdir), 'fetch.json'), reports);
}

const isFetchReport = (r: unknown): r is FetchReport =>
  !!r && typeof r === 'object' && typeof (r as FetchReport).dataset === 'string' && Array.isArray((r as FetchReport).files);

/** Load every dataset once (verified), and record their checksums in pipeline_info. */
export async function loadDatasets(ctx: StageContext): Promise<Map<string, { info: DatasetInfo; ds: Dataset }>> {
  if (ctx.datasets) return ctx.datasets;
  const out = new Map<string, { info: DatasetInfo; ds: Dataset }>();
  for (const ref of ctx.config.datasets) {
    const ds = await ctx.deps.loadDataset(ref, dataOpts(ctx.config));
    const info = datasetInfo(ref, ds);
    if (out.has(info.name)) throw new InputError(`two datasets are named '${info.name}'`, { field: 'datasets' });
    out.set(info.name, { info, ds });
    for (const n of ds.notes) ctx.progress.log(`[data] ${info.name}: ${n}`);
  }
  await writeChecksums(ctx.config.outdir, Object.fromEntries([...out].map(([k, v]) => [k, v.info.checksums])));
  ctx.datasets = out;
  return out;
}

/** Fold sets per dataset and setting: imported fold files, or generated ones written to folds/ (atomically). */
export async function splitsStage(ctx: StageContext): Promise<Map<string, { file: string; set: FoldSet }>> {
  if (ctx.folds) return ctx.folds;
  const c = ctx.config;
  const datasets = await loadDatasets(ctx);
  const out = new Map<string, { file: string; set: FoldSet }>();
  for (const [name, { info }] of datasets) {
    if (info.fixedTest) {
      ctx.progress.log(`[splits] ${name}: fixed train/test split of the benchmark (${info.fixedTest.length} test ratings)`);
      continue;
    }
    for (const setting of c.settings) {
      const given = c.cv.foldFiles[foldKey(info.ref, setting)] ?? c.cv.foldFiles[info.ref];
      if (given) {
        const set = await ctx.deps.readFolds(given, { rows: info.rows, cols: info.cols, setting });
        out.set(foldKey(name, setting), { file: given, set });
        continue;
      }
      const seeds = c.cv.seeds?.[setting]?.slice(0, c.cv.repetitions);
      const set = ctx.deps.makeFolds(setting as Setting, info.rows, info.cols, { repetitions: c.cv.repetitions, folds: c.cv.folds, seeds, generator: c.cv.generator });
      const file = foldsFileFor(c.outdir, name, setting);
      const same = existsSync(file) && readFileSync(file, 'utf8') === formatFolds(set);
      if (!same) await ctx.deps.writeFolds(file, set);
      ctx.progress.log(`[splits] ${name} ${setting}: ${set.folds.length} folds ${same ? '(unchanged)' : `-> ${file}`}`);
      out.set(foldKey(name, setting), { file, set });
    }
  }
  ctx.folds = out;
  return out;
}

async function engineOf(ctx: StageContext): Promise<Engine> {
  const e = ctx.config.engine;
  ctx.engine ??= await ctx.deps.getEngine(e.name ?? undefined, { dtype: e.dtype, backend: e.backend ?? undefined, threads: e.threads ?? undefined });
  return ctx.engine;
}

/**
 * Graphs: build each dataset's fold-independent graphs (checks the similarity matrices) and, for methods that
 * declare the graphs they use (`graphSpecs(params)`), fill the on-disk eigenbasis cache under the fold-independent
 * profile modes ('none', 'full'), selection candidates' graphs included, so tasks only read it. Per-fold ('train')
 * graphs are computed inside the tasks.
 */
export async function graphsStage(ctx: StageContext): Promise<void> {
  const datasets = await loadDatasets(ctx);
  const engine = await engineOf(ctx);
  for (const [name, { ds }] of datasets) {
    const mode = profileMode(ctx.config, ds.kind);
    const rowSim = ds.kind === 'dti' ? ds.drugSim : ds.rowAdjacency;
    const colSim = ds.kind === 'dti' ? ds.targetSim : ds.colAdjacency;
    if (!rowSim || !colSim) {
      ctx.progress.log(`[graphs] ${name}: no given graphs`);
      continue;
    }
    const truth = ds.kind === 'dti' ? ds.Y : ds.M;
    const fixed = mode === 'train' ? 'none' : mode;
    const provider = ctx.deps.createGraphProvider({
      rowSim,
      colSim,
      profiles: fixed,
      profileY: fixed === 'full' ? truth : null,
      engine,
      cacheDir: graphCacheDir(ctx.config.outdir),
      coldRows: ctx.config.coldRows,
    });
    let n = 0;
    let nLap = 0;
    if (mode !== 'train') {
      const done = new Set<string>();
      const settings = ds.kind === 'ratings' ? [FIXED] : ctx.config.settings;
      for (const [i, m] of ctx.config.methods.entries()) {
        const method = ctx.deps.getMethod(m.name);
        if (!method.graphSpecs) continue;
        for (const setting of settings) {
          // the selection candidates' graphs too: under these profile modes they share the fold's provider
          const { params, select } = resolveParams(ctx.config, i, m, name, setting, ctx.deps);
          const uses = [params, ...(select?.candidates ?? [])].flatMap((p) => method.graphSpecs!(p, { dataset: name, setting }));
          for (const g of uses) {
            const id = JSON.stringify([g.side, g.spec, g.k ?? null, g.use ?? 'eigenbasis']);
            if (done.has(id)) continue;
            done.add(id);
            if (g.use === 'laplacian') {
              provider.laplacian(g.side, g.spec);
              nLap++;
            } else {
              await provider.eigenbasis(g.side, g.spec, g.k);
              n++;
            }
          }
        }
      }
    } else {
      provider.laplacian('rows', { laplacian: 'normalized' });
      provider.laplacian('cols', { laplacian: 'normalized' });
    }
    const what = [n ? `${n} eigenbases cached` : '', nLap ? `${nLap} Laplacians checked` : ''].filter(Boolean).join(', ');
    ctx.progress.log(`[graphs] ${name}: similarities checked${what ? `, ${what}` : ''} (profiles ${mode})`);
  }
}

export interface RunSummary {
  total: number;
  /** tasks not run: valid records already there, or copied from earlier runs (`copied` of them) */
  skipped: number;
  copied: number;
  done: number;
  failed: { task: TaskSpec; error: string }[];
  tasks: TaskSpec[];
}

/** Plan the tasks of the run (needs datasets and folds). */
export async function planRun(ctx: StageContext): Promise<TaskSpec[]> {
  const datasets = await loadDatasets(ctx);
  const folds = await splitsStage(ctx);
  const engine = await engineOf(ctx);
  return planTasks({
    config: ctx.config,
    deps: ctx.deps,
    datasets: [...datasets.values()].map((d) => d.info),
    folds,
    engine: { name: engine.name, dtype: engine.dtype },
  });
}

/** A task is complete when its record is valid with the same key (and its predictions exist, when asked for). */
export const isComplete = (t: TaskSpec): boolean => completeRecordIn(t.outdir, t) !== null;

export async function runStage(ctx: StageContext): Promise<RunSummary> {
  const c = ctx.config;
  const tasks = await planRun(ctx);
  // the stage's own engine, with its library versions (OpenBLAS version, core, threads; tfjs backend)
  await writeVersions(c.outdir, ctx.engine ? engineProvenance(ctx.engine) : undefined);
  let pending = c.resume ? tasks.filter((t) => !isComplete(t)) : tasks;
  const resumed = tasks.length - pending.length;
  // fit checkpoints: a finished task's are stale (a kill between its record and their removal); --no-resume starts over
  const pendingSet = new Set(pending);
  for (const t of tasks) if (!c.resume || !pendingSet.has(t)) clearCheckpoints(c.outdir, t.key);
  const continuing = pending.filter((t) => existsSync(checkpointDir(c.outdir, t.key))).length;
  if (continuing) ctx.progress.log(`[run] resume: ${continuing} task(s) continue their fits from checkpoints`);
  // the same tasks finished by earlier runs (`reuse`): copied, not recomputed
  const reused = c.resume && c.reuse.length ? await reuseRecords(pending, c.reuse) : [];
  if (reused.length) {
    const copied = new Set(reused);
    pending = pending.filter((t) => !copied.has(t));
    ctx.progress.log(`[run] reuse: ${reused.length} task(s) copied from ${c.reuse.join(', ')}`);
  }
  const skipped = tasks.length - pending.length;
  const trace = new Trace(join(infoDir(c.outdir), 'trace.tsv'));
  ctx.progress.start(tasks.length, skipped);
  if (resumed) ctx.progress.log(`[run] resume: ${resumed} of ${tasks.length} task(s) already have valid records`);
  const executor = getExecutor(c.executor.name);
  let result;
  try {
    result = await executor.run(pending, c, {
      onStart: (t) => ctx.progress.current(`${t.label} ${t.dataset} ${t.setting} r${t.repetition} f${t.fold}`),
      onDone: (t, _rec, row) => {
        trace.add(row);
        ctx.progress.tick(`${t.id}`);
      },
      onFail: (t, err, row, final) => {
        trace.add(row);
        ctx.progress.log(`[run] ${t.id} failed${final ? '' : ' (will retry)'}: ${err.split('\n')[0]}`);
      },
      log: (m) => ctx.progress.log(m),
    });
  } finally {
    await trace.flush();
    ctx.progress.stop();
  }
  return { total: tasks.length, skipped, copied: reused.length, done: result.done, failed: result.failed, tasks };
}

/** Valid records of the planned tasks (a missing or invalid one is reported, never read half-written). */
export async function collectRecords(ctx: StageContext): Promise<{ records: TaskRecord[]; missing: TaskSpec[] }> {
  const tasks = await planRun(ctx);
  const records: TaskRecord[] = [];
  const missing: TaskSpec[] = [];
  for (const t of tasks) {
    const r = readRecord(recordFile(ctx.config.outdir, t.id), t.key);
    if (r) records.push(r);
    else missing.push(t);
  }
  return { records, missing };
}

export const reportDir = (outdir: string): string => join(outdir, 'report');

export async function reportStage(ctx: StageContext): Promise<string[]> {
  const { records, missing } = await collectRecords(ctx);
  if (missing.length) {
    ctx.progress.log(`[report] ${missing.length} task(s) have no valid record (e.g. ${missing[0].id}); reporting the ${records.length} that do`);
  }
  if (!records.length) throw new InputError('no valid records to report', { file: join(ctx.config.outdir, 'records'), hint: 'run the run stage first' });
  if (!ctx.deps.buildReport) throw new Error('the report module (src/report/index.ts) is not available in this checkout');
  // recommender benchmarks have fixed published splits, so the paper's numbers always compare; DTI numbers only
  // under the published protocol (unless asked)
  const published = ctx.config.report.published ?? (ctx.config.protocol === 'published' || records.some((r) => r.task.setting === 'fixed'));
  const dir = reportDir(ctx.config.outdir);
  const files = await ctx.deps.buildReport(records, dir, {
    aggregation: ctx.config.report.aggregation,
    published,
    predictionsDir: ctx.config.outdir,
  });
  ctx.progress.log(`[report] ${files.length} file(s) written to ${dir}`);
  return files;
}

export { writeConfigInfo };
