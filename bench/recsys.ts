/**
 * Recommender benchmarks (paper Tables 1, 2, 5): baselines, SGMC-family runs and cost projections.
 *
 *   node --import tsx bench/recsys.ts baselines              mean / bias RMSE on every recommender set available
 *   node --import tsx bench/recsys.ts run <dataset> <method> [json overrides] [label]
 *                                                            one Table 5 run (validation stopping unless overridden)
 *   node --import tsx bench/recsys.ts cost <dataset> <method> [iterations] [json overrides] [label]
 *                                                            seconds per iteration of a setting, projected totals
 *   node --import tsx bench/recsys.ts cost-ml1m <method> [iterations]
 *                                                            the same on an ML-1M-shaped synthetic problem
 *   node --import tsx bench/recsys.ts cli <outdir> [note]    rows from a CLI run's records (dti all --outdir)
 *   node --import tsx bench/recsys.ts report                 bench/results/recsys.md from bench/results/recsys.json
 *
 * Data: `--mirror` default ../shared/datasets/recsys (env RECSYS_MIRROR), cache in a temp dir. Engine: the
 * default (`DTI_ENGINE` overrides; `RECSYS_DTYPE=float32` for single precision). Every run records the engine, the machine load and wall time.
 * Long runs: `RECSYS_CHECKPOINT=<file>` saves the fit every `RECSYS_CHECKPOINT_SECONDS` (600) and a rerun with the same
 * arguments continues from the file.
 */
import { existsSync, readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../src/core/atomic.ts';
import { fileCheckpoint } from '../src/run/checkpoint.ts';
import { mat, type Mat } from '../src/core/matrix.ts';
import { Rng } from '../src/core/rng.ts';
import '../src/datasets/recsys/index.ts';
import '../src/methods/all.ts';
import '../src/methods/mean.ts';
import '../src/methods/bias.ts';
import { loadDataset } from '../src/datasets/index.ts';
import type { RatingDataset } from '../src/datasets/types.ts';
import { getEngine } from '../src/engine/registry.ts';
import { getMethod } from '../src/methods/registry.ts';
import { ratingFitInput, testRmse } from '../src/datasets/recsys/fit-input.ts';
import { DivergedError } from '../src/methods/sgmc/loop.ts';
import { table5Params, PUBLISHED_RMSE, type Table5Method } from '../src/datasets/recsys/table5.ts';
import { RECSYS_DATASETS } from '../src/datasets/recsys/index.ts';
import { gaussianKnnGraph } from '../src/datasets/recsys/knn.ts';
import { BIAS_DEFAULTS } from '../src/methods/bias.ts';
import type { TaskRecord } from '../src/run/record.ts';

const RESULTS = new URL('./results/', import.meta.url).pathname;
const JSON_PATH = `${RESULTS}recsys.json`;
const MD_PATH = `${RESULTS}recsys.md`;
const mirror = process.env.RECSYS_MIRROR ?? resolve(new URL('.', import.meta.url).pathname, '../../shared/datasets/recsys');
const cacheDir = process.env.DTI_CACHE ?? mkdtempSync(join(tmpdir(), 'recsys-bench-'));
/** RECSYS_DTYPE=float32 runs the SGMC-family fits in single precision (the default engine's dtype otherwise) */
const engineOptions = process.env.RECSYS_DTYPE === 'float32' || process.env.RECSYS_DTYPE === 'float64' ? { dtype: process.env.RECSYS_DTYPE } as const : {};

interface Row {
  section: 'baseline' | 'run' | 'cost';
  dataset: string;
  method: string;
  label: string;
  params: Record<string, unknown>;
  rmse?: number;
  optimisticRmse?: number;
  optimisticIteration?: number;
  iterations?: number;
  stoppedBy?: string;
  /** a fit continued from a checkpoint (RECSYS_CHECKPOINT): the update count it continued from */
  resumedAt?: number;
  /** the update whose scores give `rmse` (validation-best: the best validation point; else = iterations) */
  scoresAt?: number;
  /** validation RMSE of the returned scores (validation stopping modes): what selects among settings */
  validationRmse?: number;
  secondsPerIteration?: number;
  gflopPerIteration?: number;
  seconds: number;
  engine: string;
  load: number;
  when: string;
}

interface Store {
  rows: Row[];
}

const readStore = (): Store => (existsSync(JSON_PATH) ? (JSON.parse(readFileSync(JSON_PATH, 'utf8')) as Store) : { rows: [] });

async function save(rows: Row[]): Promise<void> {
  const s = readStore();
  for (const r of rows) {
    s.rows = s.rows.filter((x) => !(x.section === r.section && x.dataset === r.dataset && x.method === r.method && x.label === r.label));
    s.rows.push(r);
  }
  await writeFileAtomic(JSON_PATH, JSON.stringify(s, null, 2) + '\n');
  await writeFileAtomic(MD_PATH, report(s));
}

const load = async (name: string): Promise<RatingDataset> => {
  const d = await loadDataset(name, { mirror, cacheDir, offline: true });
  if (d.kind !== 'ratings') throw new Error(`${name} is not a rating dataset`);
  return d;
};

async function baselines(): Promise<void> {
  const engine = await getEngine('js');
  const rows: Row[] = [];
  for (const name of RECSYS_DATASETS) {
    let d: RatingDataset;
    try {
      d = await load(name);
    } catch (e) {
      console.log(`${name}: skipped (${(e as Error).message.split('\n')[0]})`);
      continue;
    }
    if (name === 'flixster-users' || name === 'ml-100k-grouplens') continue; // same ratings as flixster / ml-100k
    const cases: [string, string, Record<string, unknown>][] = [
      ['mean', 'global', { by: 'global', shrink: 0 }],
      ['mean', 'user', { by: 'user', shrink: 0 }],
      ['mean', 'item', { by: 'item', shrink: 0 }],
      ['bias', 'default', { ...BIAS_DEFAULTS }],
      ['bias', 'koren 10/25', { ...BIAS_DEFAULTS, lambdaUser: 10, lambdaItem: 25 }],
    ];
    for (const [method, label, params] of cases) {
      const t = performance.now();
      const out = await getMethod(method).fit(ratingFitInput(d, { engine, seed: 1 }), params);
      const seconds = (performance.now() - t) / 1000;
      const rmse = testRmse(d, out.scores);
      rows.push({ section: 'baseline', dataset: name, method, label, params, rmse, seconds, engine: 'js', load: loadavg()[0], when: new Date().toISOString() });
      console.log(`${name} ${method} ${label}: RMSE ${rmse.toFixed(4)} (${seconds.toFixed(2)} s)`);
    }
  }
  await save(rows);
}

async function runOne(name: string, method: string, overrides: Record<string, unknown>, label: string, costOnly = false): Promise<void> {
  const d = await load(name);
  const engine = await getEngine(undefined, engineOptions);
  const base = table5Params(name, method as Table5Method, d);
  if (!base) throw new Error(`Table 5 has no ${method} setting for ${name}`);
  const params = { ...base, ...overrides };
  // every probe (evaluation point) is logged with its wall time, so a long run leaves a trace even if cut off
  const tp = performance.now();
  let calls = 0;
  const probe = (X: Mat) => {
    const rmse = testRmse(d, X);
    const train = testRmse({ ...d, test: d.train }, X);
    console.error(`probe ${calls++}: test RMSE ${rmse.toPrecision(5)}, train ${train.toPrecision(5)} at ${((performance.now() - tp) / 1000).toFixed(1)} s`);
    return { rmse };
  };
  // the validation RMSE at each evaluation too: a run cut off before its stop still shows where its best was
  const onProgress = (_: number, info?: Record<string, number>): void => {
    if (info?.validationRmse !== undefined) console.error(`  update ${info.iteration}: validation RMSE ${info.validationRmse.toPrecision(5)}`);
  };
  // RECSYS_CHECKPOINT=<file>: save the fit every RECSYS_CHECKPOINT_SECONDS (default 600) and continue from the file
  // when it exists (hours-long Table 5 runs on a CPU survive a lost session; delete the file to start over)
  const ckFile = process.env.RECSYS_CHECKPOINT;
  const checkpoint = ckFile ? fileCheckpoint(resolve(ckFile), Number(process.env.RECSYS_CHECKPOINT_SECONDS ?? 600)) : undefined;
  const input = { ...ratingFitInput(d, { engine, seed: 1, cacheDir: join(cacheDir, 'eig') }), probe, onProgress, ...(checkpoint ? { checkpoint } : {}) };
  // the basis (eigendecomposition) is computed once, outside the timed iterations
  const t0 = performance.now();
  const rowOf = (seconds: number, fields: Partial<Row>): Row => ({
    section: costOnly ? 'cost' : 'run', dataset: name, method, label, params, ...fields,
    seconds, engine: `${engine.name} ${engine.dtype} (${engine.backend})`, load: loadavg()[0], when: new Date().toISOString(),
  });
  let out;
  try {
    out = await getMethod(method).fit(input, params);
  } catch (err) {
    // a diverged setting is a result too: record where it diverged, then fail as before
    if (err instanceof DivergedError) {
      const seconds = (performance.now() - t0) / 1000;
      await save([rowOf(seconds, { iterations: err.updates, stoppedBy: 'diverged', secondsPerIteration: seconds / err.updates })]);
    }
    throw err;
  }
  const info = out.info ?? {};
  // a resumed fit: its own clock counts the earlier runs too
  const seconds = info.resumedAt !== undefined ? (info.seconds as number) : (performance.now() - t0) / 1000;
  const row = rowOf(seconds, {
    ...(info.resumedAt !== undefined ? { resumedAt: info.resumedAt as number } : {}),
    rmse: testRmse(d, out.scores),
    optimisticRmse: info.optimistic_rmse as number | undefined,
    optimisticIteration: info.optimistic_iteration as number | undefined,
    iterations: info.iterations as number, stoppedBy: String(info.stoppedBy), scoresAt: info.scoresAt as number | undefined,
    validationRmse: info.validationRmse as number | undefined,
    secondsPerIteration: (info.msPerIteration as number) / 1000,
    gflopPerIteration: info.gflopPerIteration as number,
  });
  console.log(JSON.stringify(row));
  await save([row]);
  // finished: a rerun starts afresh, as the pipeline's runner does
  if (ckFile) rmSync(resolve(ckFile), { force: true });
}

/** ML-1M-shaped problem (6040 x 3706, density 4.47 %, 10-NN graphs on random features) for timing only. */
async function costMl1m(method: string, iterations: number): Promise<void> {
  const rows = 6040, cols = 3706, rng = new Rng(11);
  const M = mat(rows, cols);
  const cells: number[] = [];
  for (let k = 0; k < rows * cols; k++) if (rng.next() < 0.0447) { M.data[k] = 1 + rng.int(5); cells.push(k); }
  const perm = rng.permutation(cells.length);
  const nTest = Math.ceil(cells.length / 10);
  const test = Int32Array.from(perm.subarray(0, nTest), (p) => cells[p]).sort();
  const train = Int32Array.from(perm.subarray(nTest), (p) => cells[p]).sort();
  const feats = (n: number, d: number): Mat => { const X = mat(n, d); for (let k = 0; k < X.data.length; k++) X.data[k] = rng.next() < 0.2 ? 1 : 0; return X; };
  const d: RatingDataset = {
    kind: 'ratings', name: 'ml-1m-shape', rows, cols, M, train, test,
    rowAdjacency: gaussianKnnGraph(feats(rows, 23), { k: 10, sigma: 1 }), colAdjacency: gaussianKnnGraph(feats(cols, 18), { k: 10, sigma: 1 }),
    checksums: {}, notes: [],
  };
  const engine = await getEngine(undefined, engineOptions);
  const params = { ...table5Params('ml-1m', method as Table5Method, d)!, stopping: 'fixed', iterations };
  const t0 = performance.now();
  const out = await getMethod(method).fit(ratingFitInput(d, { engine, seed: 1 }), params);
  const seconds = (performance.now() - t0) / 1000;
  const row: Row = {
    section: 'cost', dataset: 'ml-1m', method, label: `Table 5, ML-1M-shaped synthetic, ${iterations} it`, params,
    iterations, secondsPerIteration: (out.info!.msPerIteration as number) / 1000, gflopPerIteration: out.info!.gflopPerIteration as number,
    seconds, engine: `${engine.name} ${engine.dtype} (${engine.backend})`, load: loadavg()[0], when: new Date().toISOString(),
  };
  console.log(JSON.stringify(row));
  await save([row]);
}

/** Rows from a CLI run's task records (`dti all ... --outdir DIR`): one per recommender record with an RMSE. */
async function importCli(outdir: string, note: string): Promise<void> {
  const dir = join(outdir, 'records');
  const rows: Row[] = [];
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    if (!f.endsWith('.json')) continue;
    const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as TaskRecord;
    const rmse = r.metrics?.rmse;
    if (r.schema !== 'sgmc-dti/task-result/1' || typeof rmse !== 'number') continue;
    const info = r.info ?? {};
    const method = r.task.methodName ?? r.task.method;
    if (method === 'mean' || method === 'bias') continue; // the baselines section has them
    const it = Number(info.iterations);
    rows.push({
      section: 'run', dataset: r.task.dataset, method,
      label: `CLI \`dti all\` (${r.task.preset ? `preset ${r.task.preset}` : 'schema defaults'}${r.task.method !== method ? `, label ${r.task.method}` : ''})${note ? `: ${note}` : ''}`,
      params: r.task.params, rmse,
      optimisticRmse: r.metrics.optimistic?.rmse ?? (typeof info.optimistic_rmse === 'number' ? info.optimistic_rmse : undefined),
      optimisticIteration: r.metrics.optimistic?.iteration ?? (typeof info.optimistic_iteration === 'number' ? info.optimistic_iteration : undefined),
      iterations: Number.isFinite(it) ? it : undefined, stoppedBy: info.stoppedBy !== undefined ? String(info.stoppedBy) : undefined,
      secondsPerIteration: Number.isFinite(it) && it > 0 ? r.timing.seconds / it : undefined,
      gflopPerIteration: typeof info.gflopPerIteration === 'number' ? info.gflopPerIteration : undefined,
      seconds: r.timing.seconds, engine: `${r.engine.name ?? ''} ${r.engine.dtype ?? ''} (${r.engine.backend ?? ''})`.trim(),
      load: loadavg()[0], when: r.timing.end,
    });
  }
  if (!rows.length) throw new Error(`no recommender records with an RMSE under ${dir}`);
  for (const r of rows) console.log(`${r.dataset} ${r.method}: RMSE ${r.rmse!.toFixed(4)} (${r.iterations} it, ${r.seconds.toFixed(0)} s)`);
  await save(rows);
}

/** a table cell: pipes escaped so a label cannot split a Markdown row */
const cell = (s: string): string => s.replace(/\|/g, '\\|');
const f4 = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : x < 0.01 ? x.toExponential(2) : x.toFixed(4));
const fs_ = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(4));
const hours = (s: number): string => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);

function report(s: Store): string {
  const L: string[] = [];
  L.push('# Recommender benchmarks (paper Tables 1, 2, 5)', '');
  L.push(`Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}; shared with other jobs (load average in`);
  L.push('each row): timings are noisy, RMSE values are not. Generated by `node --import tsx bench/recsys.ts report`; data in');
  L.push('`bench/results/recsys.json`. Test RMSE on the fixed published splits; "optimistic" = best test RMSE over the');
  L.push('evaluation points (best-on-test early stopping, as the paper also reports): never the main number.', '');
  const base = s.rows.filter((r) => r.section === 'baseline');
  if (base.length) {
    L.push('## Baselines (test RMSE)', '', '| dataset | global mean | per-user mean | per-item mean | bias (lambda 5/5) | bias (Koren 10/25) |', '|---|---|---|---|---|---|');
    for (const ds of [...new Set(base.map((r) => r.dataset))]) {
      const g = (m: string, l: string) => f4(base.find((r) => r.dataset === ds && r.method === m && r.label === l)?.rmse);
      L.push(`| ${ds} | ${g('mean', 'global')} | ${g('mean', 'user')} | ${g('mean', 'item')} | ${g('bias', 'default')} | ${g('bias', 'koren 10/25')} |`);
    }
    L.push('', 'Reference values: Flixster per-user mean 0.893, Douban bias model ~0.738 (METHODS.md section 7).', '');
  }
  const runs = s.rows.filter((r) => r.section === 'run');
  if (runs.length) {
    L.push('## SGMC family (test RMSE, published beside ours)', '');
    L.push('| dataset | method | setting | RMSE | validation RMSE | published | optimistic (iteration) | iterations (stop) | s/iteration | total | engine | load |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of runs) {
      const pub = PUBLISHED_RMSE[r.dataset]?.[r.method as Table5Method];
      L.push(`| ${r.dataset} | ${r.method} | ${cell(r.label)} | ${f4(r.rmse)} | ${f4(r.validationRmse)} | ${f4(pub)} | ${f4(r.optimisticRmse)} (${r.optimisticIteration ?? '–'}) | ${r.iterations} (${r.stoppedBy}${r.scoresAt !== undefined && r.scoresAt !== r.iterations ? `; scores at ${r.scoresAt}` : ''}) | ${fs_(r.secondsPerIteration)} | ${hours(r.seconds)} | ${r.engine} | ${r.load.toFixed(1)} |`);
    }
    L.push('');
  }
  const cost = s.rows.filter((r) => r.section === 'cost');
  if (cost.length) {
    L.push('## Cost of the full Table 5 settings on this machine', '');
    L.push('| dataset | method | setting | GFLOP/iteration | s/iteration (measured) | 10^4 iterations | 10^5 iterations | engine | load |', '|---|---|---|---|---|---|---|---|---|');
    for (const r of cost) {
      const spi = r.secondsPerIteration ?? NaN;
      L.push(`| ${r.dataset} | ${r.method} | ${cell(r.label)} | ${fs_(r.gflopPerIteration)} | ${fs_(spi)} | ${hours(spi * 1e4)} | ${hours(spi * 1e5)} | ${r.engine} | ${r.load.toFixed(1)} |`);
    }
    L.push('');
  }
  return L.join('\n') + '\n';
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'baselines') await baselines();
else if (cmd === 'run') await runOne(args[0], args[1], JSON.parse(args[2] ?? '{}'), args[3] ?? 'Table 5');
else if (cmd === 'cost') await runOne(args[0], args[1], { stopping: 'fixed', iterations: Number(args[2] ?? 3), ...JSON.parse(args[3] ?? '{}') }, args[4] ?? `Table 5, ${args[2] ?? 3} it`, true);
else if (cmd === 'cost-ml1m') await costMl1m(args[0], Number(args[1] ?? 2));
else if (cmd === 'cli') await importCli(args[0], args[1] ?? '');
else if (cmd === 'report') await writeFileAtomic(MD_PATH, report(readStore()));
else {
  console.error('usage: bench/recsys.ts baselines | run <dataset> <method> [json] [label] | cost <dataset> <method> [iterations] [json] [label] | cost-ml1m <method> [iterations] | cli <outdir> [note] | report');
  process.exit(2);
}
