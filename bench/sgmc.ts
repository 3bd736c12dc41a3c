/**
 * SGMC benchmark.
 *
 *   node --import tsx bench/sgmc.ts perf        ms/iteration and GFLOP/s of sgmc and sgmc-dti-recipe on nr, gpcr,
 *                                               ic, e per engine, as a ratio to the best sgemm/dgemm rate measured
 *                                               in the same run; batched vs one-by-one folds; e CVS1 fold wall time
 *   node --import tsx bench/sgmc.ts evidence <ds> <folds> [profiles] [configs...] [--setting=CVS2] [--cold=chemical-scaled]
 *                                               recipe vs 'dti-fast' (and candidates) on the same folds: cost, AUPR;
 *                                               config 'recipe-fast' = sgmc-dti-recipe's 'fast' preset
 *   node --import tsx bench/sgmc.ts paths <ds> <folds> <profiles> gd:0.004:24000 <kind:lr:updates[:beta]>...
 *                                               the recipe's model under other steps/optimisers vs the recipe
 *                                               itself (first config) on the same folds: AUPR and score differences
 *   node --import tsx bench/sgmc.ts cost        full-run cost of sgmc-dti-recipe vs its 'fast' preset per dataset
 *                                               (a few updates timed; GFLOP and seconds projected to scoreAt)
 *   node --import tsx bench/sgmc.ts efold       one e CVS1 fold with dti-fast per native dtype (wall time)
 *   node --import tsx bench/sgmc.ts report      bench/results/sgmc.md from the JSON files
 *
 * Results: bench/results/sgmc.perf.json, bench/results/sgmc.evidence.json, bench/results/sgmc.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../src/core/atomic.ts';
import { eye, mat, transpose, type Mat } from '../src/core/matrix.ts';
import { VertexModel } from '../src/methods/sgmc/vertex.ts';
import { DivergedError, runLoop } from '../src/methods/sgmc/loop.ts';
import type { OptimizerKind } from '../src/methods/sgmc/optim.ts';
import { Rng } from '../src/core/rng.ts';
import { getEngine, engineNames } from '../src/engine/registry.ts';
import type { DType, Engine } from '../src/engine/types.ts';
import type { ColdRows, ProfileMode } from '../src/graphs/types.ts';
import type { Setting } from '../src/splits/types.ts';
import { sgmcMethod, DTI_FAST, DTI_GD } from '../src/methods/sgmc.ts';
import { recipeFastParams, sgmcDtiRecipeMethod } from '../src/methods/sgmc-dti-recipe.ts';
import { DTI_GRAPH, recipeSchema, resolveParams, type RecipeParams } from '../src/methods/sgmc/params.ts';
import { dmfMethod } from '../src/methods/dmf.ts';
import type { FitOutput } from '../src/methods/types.ts';
import { dti, foldCases, mean, score, timed } from './sgmc-harness.ts';

const RESULTS = new URL('./results/', import.meta.url).pathname;
const PERF = `${RESULTS}sgmc.perf.json`;
const EVIDENCE = `${RESULTS}sgmc.evidence.json`;
const PATHS = `${RESULTS}sgmc.paths.json`;

const readJson = <T>(p: string, d: T): T => (existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as T) : d);

interface EvidenceRow {
  dataset: string;
  setting: string;
  profiles: ProfileMode;
  /** the graph provider's cold-row rule when not the default ('chemical-scaled' = the graphs code before 00:03 UTC) */
  coldRows?: ColdRows;
  folds: number[];
  config: string;
  params: Record<string, unknown>;
  iterations: number;
  seconds: number;
  secondsPerFold: number;
  /** optimisation loop only (graphs and eigenbases excluded) */
  trainSecondsPerFold?: number;
  gflopPerFold: number;
  auc: number;
  aupr: number;
  perFoldAupr: number[];
  engine: string;
  when: string;
  note?: string;
}

export const CANDIDATES: Record<string, Record<string, unknown>> = {
  'dti-fast': DTI_FAST,
  'dti-gd': DTI_GD,
};

function parseFolds(s: string): number[] {
  const [a, b] = s.split('-').map(Number);
  return b === undefined ? s.split(',').map(Number) : Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

async function evidence(dsName: string, folds: number[], profiles: ProfileMode, configs: string[], setting: Setting = 'CVS1', coldRows?: ColdRows): Promise<void> {
  const engine = await getEngine();
  const ds = await dti(dsName);
  for (const config of configs) {
    const cases = foldCases(ds, engine, { folds, profiles, setting, coldRows });
    let params: Record<string, unknown>;
    let method;
    if (config === 'recipe') {
      method = sgmcDtiRecipeMethod;
      params = {};
    } else if (config === 'recipe-fast') {
      // sgmc-dti-recipe's 'fast' preset for this dataset
      method = sgmcDtiRecipeMethod;
      params = recipeFastParams(dsName);
    } else if (config.startsWith('{')) {
      method = sgmcMethod;
      params = JSON.parse(config);
    } else if (config === 'dmf') {
      method = dmfMethod;
      params = {};
    } else {
      method = sgmcMethod;
      params = CANDIDATES[config];
      if (!params) throw new Error(`unknown config ${config}`);
    }
    const [outs, seconds] = await timed(() => method.fitBatch(cases.map((c) => c.input), params as never));
    const s = (outs as FitOutput[]).map((o, i) => score(ds, cases[i].fold, o.scores));
    const info = (outs as FitOutput[])[0].info ?? {};
    const row: EvidenceRow = {
      dataset: dsName,
      setting,
      profiles,
      ...(coldRows ? { coldRows } : {}),
      folds,
      config,
      params,
      iterations: Number(info.iterations),
      seconds,
      secondsPerFold: seconds / folds.length,
      trainSecondsPerFold: Number(info.seconds) / folds.length,
      gflopPerFold: Number(info.gflopPerIteration) * Number(info.iterations),
      auc: mean(s.map((x) => x.auc)),
      aupr: mean(s.map((x) => x.aupr)),
      perFoldAupr: s.map((x) => x.aupr),
      engine: `${engine.name} ${engine.backend} ${engine.dtype}`,
      when: new Date().toISOString(),
    };
    console.log(JSON.stringify({ config: row.config, aupr: row.aupr.toFixed(4), auc: row.auc.toFixed(4), s: row.secondsPerFold.toFixed(2), train: row.trainSecondsPerFold?.toFixed(2), it: row.iterations }));
    const all = readJson<EvidenceRow[]>(EVIDENCE, []).filter(
      (r) => !(r.dataset === row.dataset && (r.setting ?? 'CVS1') === row.setting && r.profiles === row.profiles && r.coldRows === row.coldRows && r.config === row.config && r.folds.join() === row.folds.join()),
    );
    all.push(row);
    await writeFileAtomic(EVIDENCE, JSON.stringify(all, null, 1) + '\n');
  }
}


interface PerfRow {
  engine: string;
  dataset: string;
  method: string;
  shape: string;
  iterations: number;
  msPerIteration: number;
  gflopPerIteration: number;
  gflops: number;
  ratioToBestGemm: number;
}

/** best GEMM rate of an engine: a few shapes, best of 3 */
function gemmRate(e: Engine): { gflops: number; shape: string } {
  const rng = new Rng(1);
  const rand = (r: number, c: number) => {
    const m = mat(r, c);
    for (let k = 0; k < m.data.length; k++) m.data[k] = rng.next();
    return m;
  };
  const shapes: [number, number, number][] = e.name === 'js' ? [[200, 200, 200]] : [[445, 664, 664], [1024, 1024, 1024]];
  let best = { gflops: 0, shape: '' };
  for (const [m, k, n] of shapes) {
    const a = e.upload(rand(m, k));
    const b = e.upload(rand(k, n));
    e.dispose(e.matmul(a, b));
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      const c = e.matmul(a, b);
      e.download(c);
      const s = (performance.now() - t0) / 1000;
      e.dispose(c);
      const g = (2 * m * k * n) / s / 1e9;
      if (g > best.gflops) best = { gflops: g, shape: `${m}x${k}x${n}` };
    }
    e.dispose(a, b);
  }
  return best;
}

async function perf(): Promise<void> {
  const engines: { name: string; dtype: DType }[] = [];
  for (const name of engineNames()) for (const dtype of ['float32', 'float64'] as DType[]) engines.push({ name, dtype });
  const out: { gemm: Record<string, { gflops: number; shape: string }>; rows: PerfRow[]; batching: unknown[]; eFold: unknown; machine: string } = {
    gemm: {},
    rows: [],
    batching: [],
    eFold: null,
    machine: `${process.arch}, ${(await import('node:os')).cpus().length} cores, load ${(await import('node:os')).loadavg()[0].toFixed(1)}`,
  };
  const datasets = ['nr', 'gpcr', 'ic', 'e'];
  for (const { name, dtype } of engines) {
    let engine: Engine;
    try {
      engine = await getEngine(name, { dtype });
    } catch (err) {
      console.log(`engine ${name} ${dtype} unavailable: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    const label = `${engine.name} ${engine.backend} ${engine.dtype}`;
    const best = gemmRate(engine);
    out.gemm[label] = best;
    console.log(label, 'best gemm', best.gflops.toFixed(1), 'GFLOP/s', best.shape);
    for (const dsName of datasets) {
      const ds = await dti(dsName);
      const big = ds.Y.rows * ds.Y.cols > 30000;
      if (engine.name === 'js' && big) continue; // ~1 GFLOP/s: projected from the small sets instead
      const cases = foldCases(ds, engine, { folds: [0], profiles: 'train' });
      const inp = cases.map((c) => c.input);
      const runs: [string, () => Promise<FitOutput[]>][] = [
        ['sgmc dti-fast', () => sgmcMethod.fitBatch(inp, { ...DTI_FAST, iterations: big ? 20 : 100 })],
        ['sgmc-dti-recipe', () => sgmcDtiRecipeMethod.fitBatch(inp, { iterations: big ? 5 : 50, scoreAt: big ? 5 : 50 })],
      ];
      for (const [method, run] of runs) {
        const [o] = await run();
        const ms = Number(o.info!.msPerIteration);
        const gf = Number(o.info!.gflopPerIteration);
        const row: PerfRow = {
          engine: label,
          dataset: dsName,
          method,
          shape: `${ds.Y.rows}x${ds.Y.cols}`,
          iterations: Number(o.info!.iterations),
          msPerIteration: ms,
          gflopPerIteration: gf,
          gflops: gf / (ms / 1000),
          ratioToBestGemm: gf / (ms / 1000) / best.gflops,
        };
        out.rows.push(row);
        console.log(JSON.stringify(row));
      }
    }
    if (engine.name !== 'js' && engine.dtype === 'float64') {
      // batched vs one-by-one folds (10 folds of one repetition)
      for (const dsName of ['nr', 'gpcr']) {
        const ds = await dti(dsName);
        for (const profiles of ['none', 'train'] as ProfileMode[]) {
          const cases = foldCases(ds, engine, { folds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], profiles });
          const inp = cases.map((c) => c.input);
          const params = { ...DTI_FAST, iterations: 100 };
          await sgmcMethod.fitBatch(inp, params); // warm the eigenbasis memo
          const [, batched] = await timed(() => sgmcMethod.fitBatch(inp, params));
          const [, single] = await timed(async () => {
            for (const x of inp) await sgmcMethod.fit(x, params);
          });
          const r = { engine: label, dataset: dsName, profiles, folds: 10, iterations: 100, batchedSeconds: batched, oneByOneSeconds: single, speedup: single / batched };
          out.batching.push(r);
          console.log(JSON.stringify(r));
        }
      }
    }
    if (engine.name === 'native' && engine.dtype === 'float64') {
      const ds = await dti('e');
      const [c] = foldCases(ds, engine, { folds: [0], profiles: 'train' });
      const [o, seconds] = await timed(() => sgmcMethod.fit(c.input, DTI_FAST));
      const s = score(ds, c.fold, o.scores);
      out.eFold = { engine: label, seconds, trainingSeconds: o.info!.seconds, iterations: o.info!.iterations, aupr: s.aupr, auc: s.auc };
      console.log('e CVS1 fold 0 (graphs + eigenbases + training):', JSON.stringify(out.eFold));
    }
  }
  await writeFileAtomic(PERF, JSON.stringify(out, null, 1) + '\n');
}



/**
 * Cost of a full recipe run vs its 'fast' preset per dataset (fold 0, CVS1, train profiles, default engine): a few
 * updates of each give ms and GFLOP per update; a full run is that x its scoreAt updates.
 */
async function recipeCost(): Promise<void> {
  const perfData = readJson<any>(PERF, { gemm: {}, rows: [], batching: [] });
  const engine = await getEngine();
  const os = await import('node:os');
  const rows: unknown[] = [];
  for (const [dsName, n] of [['nr', 200], ['gpcr', 20], ['ic', 10], ['e', 3]] as [string, number][]) {
    const ds = await dti(dsName);
    const [c] = foldCases(ds, engine, { folds: [0], profiles: 'train' });
    c.input.graphs.laplacian('rows', DTI_GRAPH); // graphs built outside the timed loop
    c.input.graphs.laplacian('cols', DTI_GRAPH);
    for (const [config, params] of [['recipe', {}], ['recipe-fast', recipeFastParams(dsName)]] as [string, Record<string, number>][]) {
      const full = resolveParams<RecipeParams>('sgmc-dti-recipe', recipeSchema, params);
      const [o] = await sgmcDtiRecipeMethod.fitBatch([c.input], { ...params, iterations: n, scoreAt: n });
      const ms = (1000 * Number(o.info!.seconds)) / n;
      const gf = Number(o.info!.gflopPerIteration);
      const row = { dataset: dsName, shape: `${ds.Y.rows}x${ds.Y.cols}`, config, k: o.info!.k, lr: full.lr, updates: full.scoreAt, gflopPerUpdate: gf, msPerUpdate: ms, gflopPerFold: gf * full.scoreAt, projectedSecondsPerFold: (ms * full.scoreAt) / 1000, engine: `${engine.name} ${engine.backend} ${engine.dtype}`, load: os.loadavg()[0] };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  }
  perfData.recipeCost = rows;
  await writeFileAtomic(PERF, JSON.stringify(perfData, null, 1) + '\n');
}

interface PathRow {
  dataset: string;
  profiles: ProfileMode;
  folds: number[];
  reference: string;
  config: string;
  flowTime: number;
  seconds: number;
  aupr: number;
  auc: number;
  meanDeltaAupr: number;
  maxAbsDeltaAupr: number;
  relScoreDiff: number;
  maxAbsScoreDiff: number;
}

/**
 * The recipe's model and objective (VertexModel, same start) under other optimisers: configs 'kind:lr:updates[:beta]'
 * (kind gd | momentum | nesterov); the first config is the reference (the recipe: gd:0.004:24000). Scores of every
 * config are compared with the reference's on the same folds: AUPR differences and relative score difference.
 */
async function paths(dsName: string, folds: number[], profiles: ProfileMode, configs: string[]): Promise<void> {
  const engine = await getEngine();
  const ds = await dti(dsName);
  const cases = foldCases(ds, engine, { folds, profiles });
  const inputs = cases.map((c) => c.input);
  const m = inputs[0].Y.rows;
  const n = inputs[0].Y.cols;
  const k = 2 * n;
  const runs: { X: Mat[]; aupr: number[]; auc: number[]; seconds: number }[] = [];
  const out = readJson<PathRow[]>(PATHS, []);
  const upsert = async (row: PathRow): Promise<void> => {
    const i = out.findIndex((r) => r.dataset === row.dataset && r.profiles === row.profiles && r.config === row.config && r.reference === row.reference && r.folds.join() === row.folds.join());
    if (i >= 0) out[i] = row;
    else out.push(row);
    await writeFileAtomic(PATHS, JSON.stringify(out, null, 1) + '\n');
  };
  for (const cfg of configs) {
    const [kind, lr, updates, beta] = cfg.split(':');
    const model = new VertexModel(engine, {
      batch: inputs.length,
      Lr: inputs.map((x) => x.graphs.laplacian('cols', DTI_GRAPH)),
      Lc: inputs.map((x) => x.graphs.laplacian('rows', DTI_GRAPH)),
      M: inputs.map((x) => transpose(x.Y)),
      S: inputs.map((x) => transpose(x.W)),
      muR: 0.006,
      muC: 0.006,
      init: { A: eye(n, k, 0.1), Z: eye(k, k, 0.1), B: eye(k, m, 0.1) },
    });
    const t0 = performance.now();
    const beta0 = kind === 'gd' ? 0 : Number(beta ?? 0.9);
    let res;
    try {
      res = runLoop(engine, model, { kind: kind as OptimizerKind, lr: Number(lr), beta: Number(beta ?? 0.9) }, { mode: 'fixed', iterations: Number(updates), tol: 0, evalEvery: Number(updates) }, inputs.map(() => ({})));
    } catch (err) {
      if (!runs.length || !(err instanceof DivergedError)) throw err;
      // a step above the stability bound: recorded as such
      const row: PathRow = { dataset: dsName, profiles, folds, reference: configs[0], config: `${cfg} (diverged)`, flowTime: (Number(lr) * Number(updates)) / (1 - beta0), seconds: (performance.now() - t0) / 1000, aupr: NaN, auc: NaN, meanDeltaAupr: NaN, maxAbsDeltaAupr: NaN, relScoreDiff: NaN, maxAbsScoreDiff: NaN };
      console.log(JSON.stringify(row));
      await upsert(row);
      continue;
    } finally {
      model.dispose();
    }
    const X = res.X.map((x) => transpose(x));
    const s = X.map((x, b) => score(ds, cases[b].fold, x));
    const run = { X, aupr: s.map((x) => x.aupr), auc: s.map((x) => x.auc), seconds: (performance.now() - t0) / 1000 };
    runs.push(run);
    const ref = runs[0];
    let num = 0;
    let den = 0;
    let mx = 0;
    X.forEach((x, b) => x.data.forEach((v, j) => {
      const w = ref.X[b].data[j];
      num += (v - w) ** 2;
      den += w * w;
      mx = Math.max(mx, Math.abs(v - w));
    }));
    const d = run.aupr.map((a, i) => a - ref.aupr[i]);
    const row: PathRow = {
      dataset: dsName, profiles, folds, reference: configs[0], config: cfg,
      flowTime: (Number(lr) * Number(updates)) / (1 - beta0),
      seconds: run.seconds, aupr: mean(run.aupr), auc: mean(run.auc),
      meanDeltaAupr: mean(d), maxAbsDeltaAupr: Math.max(...d.map(Math.abs)), relScoreDiff: Math.sqrt(num / den), maxAbsScoreDiff: mx,
    };
    console.log(JSON.stringify(row));
    await upsert(row);
  }
}

/** one e CVS1 fold with dti-fast, from raw similarities (graphs, eigenbases, training), per native dtype */
async function eFold(): Promise<void> {
  const perfData = readJson<any>(PERF, { gemm: {}, rows: [], batching: [] });
  const ds = await dti('e');
  perfData.eFolds = [];
  for (const dtype of ['float32', 'float64'] as DType[]) {
    let engine: Engine;
    try {
      engine = await getEngine('native', { dtype });
    } catch {
      continue;
    }
    const [c] = foldCases(ds, engine, { folds: [0], profiles: 'train' });
    const [o, seconds] = await timed(() => sgmcMethod.fit(c.input, DTI_FAST));
    const s = score(ds, c.fold, o.scores);
    const load = (await import('node:os')).loadavg();
    const row = { engine: `${engine.name} ${engine.backend} ${engine.dtype}`, seconds, trainingSeconds: o.info!.seconds, iterations: o.info!.iterations, aupr: s.aupr, auc: s.auc, load: load.map((x) => x.toFixed(1)).join(' '), when: new Date().toISOString() };
    perfData.eFolds.push(row);
    console.log('e CVS1 fold 0:', JSON.stringify(row));
  }
  await writeFileAtomic(PERF, JSON.stringify(perfData, null, 1) + '\n');
}

const ex = (x: unknown): string => (typeof x === 'number' && Number.isFinite(x) ? x.toExponential(1) : '-');
const f = (x: unknown, d = 3): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : String(x ?? '-'));

async function report(): Promise<void> {
  const perfData = readJson<any>(PERF, null);
  const ev = readJson<EvidenceRow[]>(EVIDENCE, []);
  const L: string[] = ['# SGMC benchmark', '', 'Generated by `node --import tsx bench/sgmc.ts report` from `sgmc.perf.json` and `sgmc.evidence.json`.', ''];
  L.push('## Recipe vs its fast preset and vs dti-fast (same folds, repetition 0)', '');
  L.push("Configs: `recipe` = sgmc-dti-recipe (lr 4e-3, 24,000 updates); `recipe-fast` = its 'fast' preset (same objective and start, same gradient-flow time lr x updates = 96, larger step where the stability bound allows, inert inner columns dropped; docs/sgmc.md); `dti-fast` / `dti-gd` = sgmc presets (a different objective). Cost: wall seconds per fold (graphs + eigenbases + training, folds fitted as one batch), training-loop seconds per fold, and GFLOP per fold (machine-independent). Timings on this shared 2-core machine under load from other jobs: compare within a row group, not across runs. max |dAUPR| = largest per-fold AUPR difference to the recipe on the same fold.", '');
  L.push('| dataset | setting | profiles | folds | config | iterations | wall s/fold | train s/fold | GFLOP/fold | AUC | AUPR | AUPR - recipe | max per-fold abs(dAUPR) |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const setting = (r: EvidenceRow): string => r.setting ?? 'CVS1';
  const prof = (r: EvidenceRow): string => (r.coldRows ? `${r.profiles}, cold rows ${r.coldRows}` : r.profiles);
  const order = (r: EvidenceRow): string => `${r.dataset} ${setting(r)} ${prof(r)} ${['recipe', 'recipe-fast'].includes(r.config) ? 0 : 1}${r.config === 'recipe' ? 0 : 1}`;
  for (const r of [...ev].sort((a, b) => order(a).localeCompare(order(b)))) {
    const rec = ev.find((x) => x.dataset === r.dataset && setting(x) === setting(r) && x.profiles === r.profiles && x.coldRows === r.coldRows && x.folds.join() === r.folds.join() && x.config === 'recipe');
    const maxD = rec ? Math.max(...r.perFoldAupr.map((a, i) => Math.abs(a - rec.perFoldAupr[i]))) : NaN;
    L.push(`| ${r.dataset} | ${setting(r)} | ${prof(r)} | ${r.folds.length === 1 ? r.folds[0] : `${r.folds[0]}-${r.folds[r.folds.length - 1]}`} | ${r.config} | ${r.iterations} | ${f(r.secondsPerFold, 2)} | ${f(r.trainSecondsPerFold, 2)} | ${f(r.gflopPerFold, 2)} | ${f(r.auc)} | ${f(r.aupr)} | ${rec ? f(r.aupr - rec.aupr) : '-'} | ${rec ? f(maxD) : '-'} |`);
  }
  const pr = readJson<PathRow[]>(PATHS, []);
  if (pr.length) {
    L.push('', "## The recipe's model under other steps and optimisers (`paths` mode)", '');
    L.push("Same objective, model and start as sgmc-dti-recipe; config = optimiser:lr:updates[:momentum]; flow time = lr x updates / (1 - momentum) (the recipe: 96). Differences are to the reference (the recipe) on the same folds: mean and largest per-fold AUPR difference, relative Frobenius difference of the score matrices.", '');
    L.push('| dataset | profiles | folds | config | flow time | s (batch) | AUPR | AUC | mean dAUPR | max per-fold abs(dAUPR) | relative score diff | max abs score diff |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of pr) L.push(`| ${r.dataset} | ${r.profiles} | ${r.folds.length === 1 ? r.folds[0] : `${r.folds[0]}-${r.folds[r.folds.length - 1]}`} | ${r.config} | ${f(r.flowTime, 1)} | ${f(r.seconds, 1)} | ${f(r.aupr, 4)} | ${f(r.auc, 4)} | ${f(r.meanDeltaAupr, 4)} | ${f(r.maxAbsDeltaAupr, 4)} | ${ex(r.relScoreDiff)} | ${ex(r.maxAbsScoreDiff)} |`);
  }
  if (perfData?.recipeCost) {
    L.push('', "## Full-run cost: sgmc-dti-recipe vs its 'fast' preset (fold 0, CVS1, train profiles)", '');
    L.push('A few updates timed per config; GFLOP/fold = GFLOP/update x updates (exact), seconds projected the same way (noisy: shared machine, load noted).', '');
    L.push('| dataset | config | k | lr | updates | GFLOP/update | GFLOP/fold | cost vs recipe | ms/update | projected s/fold | engine | load |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of perfData.recipeCost as any[]) {
      const rec = (perfData.recipeCost as any[]).find((x) => x.dataset === r.dataset && x.config === 'recipe');
      L.push(`| ${r.dataset} ${r.shape} | ${r.config} | ${r.k} | ${r.lr} | ${r.updates} | ${f(r.gflopPerUpdate, 4)} | ${f(r.gflopPerFold, 1)} | ${f(r.gflopPerFold / rec.gflopPerFold, 3)} | ${f(r.msPerUpdate, 2)} | ${f(r.projectedSecondsPerFold, 1)} | ${r.engine} | ${f(r.load, 1)} |`);
    }
  }
  if (perfData) {
    L.push('', `## Per-iteration cost (${perfData.machine})`, '');
    L.push('| engine | best GEMM GFLOP/s (shape) |', '|---|---|');
    for (const [k, v] of Object.entries(perfData.gemm as Record<string, { gflops: number; shape: string }>)) L.push(`| ${k} | ${f(v.gflops, 1)} (${v.shape}) |`);
    L.push('', 'Projected s/fold: ms/iteration x the iterations of a full run (recipe 24,000; dti-fast 100), training only.', '');
    L.push('| engine | dataset | method | ms/iteration | GFLOP/iteration | GFLOP/s | ratio to best GEMM | projected s/fold |', '|---|---|---|---|---|---|---|---|');
    for (const r of perfData.rows as PerfRow[]) {
      const full = r.method === 'sgmc-dti-recipe' ? 24000 : 100;
      L.push(`| ${r.engine} | ${r.dataset} ${r.shape} | ${r.method} | ${f(r.msPerIteration, 2)} | ${f(r.gflopPerIteration, 4)} | ${f(r.gflops, 2)} | ${f(r.ratioToBestGemm, 3)} | ${f((r.msPerIteration * full) / 1000, 1)} |`);
    }
    L.push('', '### Batched folds vs one by one (10 folds, 100 iterations of dti-fast)', '', '| engine | dataset | profiles | batched s | one-by-one s | speed-up |', '|---|---|---|---|---|---|');
    for (const r of perfData.batching as any[]) L.push(`| ${r.engine} | ${r.dataset} | ${r.profiles} | ${f(r.batchedSeconds, 2)} | ${f(r.oneByOneSeconds, 2)} | ${f(r.speedup, 2)} |`);
    const efs = [...(perfData.eFold ? [perfData.eFold] : []), ...(perfData.eFolds ?? [])];
    if (efs.length) {
      L.push('', '### One e CVS1 fold (fold 0, train profiles) with dti-fast, from raw similarities', '', '| engine | wall s (graphs + eigenbases + training) | training s | iterations | AUPR | AUC | load average (1/5/15 min) at the end | when |', '|---|---|---|---|---|---|---|---|');
      for (const e of efs) L.push(`| ${e.engine} | ${f(e.seconds, 1)} | ${f(e.trainingSeconds, 1)} | ${e.iterations} | ${f(e.aupr)} | ${f(e.auc)} | ${e.load ?? '-'} | ${e.when ?? '-'} |`);
    }
  }
  await writeFileAtomic(`${RESULTS}sgmc.md`, L.join('\n') + '\n');
}

const cmd = process.argv[2] ?? 'perf';
if (cmd === 'perf') await perf();
if (cmd === 'efold') await eFold();
if (cmd === 'cost') await recipeCost();
if (cmd === 'perf' || cmd === 'report' || cmd === 'efold' || cmd === 'cost') await report();
if (cmd === 'paths') {
  const [, , , ds, folds, profiles, ...configs] = process.argv;
  await paths(ds, parseFolds(folds), profiles as ProfileMode, configs);
}
if (cmd === 'evidence') {
  const [, , , ds, folds, profiles, ...rest] = process.argv;
  const setting = (rest.find((a) => a.startsWith('--setting='))?.slice(10) ?? 'CVS1') as Setting;
  const coldRows = rest.find((a) => a.startsWith('--cold='))?.slice(7) as ColdRows | undefined;
  const configs = rest.filter((a) => !a.startsWith('--'));
  await evidence(ds, parseFolds(folds), (profiles ?? 'train') as ProfileMode, configs.length ? configs : ['recipe', 'dti-fast'], setting, coldRows);
}
