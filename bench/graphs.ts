/**
 * Graph stage benchmark: build (profile combination, p-NN, Laplacian) and full eigendecomposition for the
 * Yamanishi sets nr, gpcr, ic, e (drug and target graphs, MGRNNM recipe: combined profiles from the full Y,
 * 5-NN, symmetric normalised Laplacian) and a 3000-node Gaussian k-NN graph, on every engine that loads here.
 * Also: the provider's on-disk cache (second read) and the per-fold 'train' graph cost.
 *
 *   node --import tsx bench/graphs.ts [--engines native,js] [--js-3000]
 *
 * The 3000-node eigendecomposition on the js/tfjs engines (ml-matrix, single-threaded) takes about a quarter
 * of an hour on this 2-core machine, so it runs only with --js-3000. Figures: bench/results/graphs.json|md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { mat, symmetrize, type Mat } from '../src/core/matrix.ts';
import { Rng } from '../src/core/rng.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/core/atomic.ts';
import { loadDataset } from '../src/datasets/index.ts';
import { engineNames, getEngine } from '../src/engine/registry.ts';
import type { Eigen, Engine } from '../src/engine/types.ts';
import { combineProfiles } from '../src/graphs/profiles.ts';
import { knnSparsify } from '../src/graphs/knn.ts';
import { normalizedLaplacian } from '../src/graphs/laplacian.ts';
import { createGraphProvider } from '../src/graphs/provider.ts';
import { transpose } from '../src/core/matrix.ts';
import { makeFolds, trainingView } from '../src/splits/index.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const js3000 = args.includes('--js-3000');
const wanted = opt('--engines')?.split(',') ?? engineNames();

const engines: Engine[] = [];
const unavailable: Record<string, string> = {};
for (const name of wanted) {
  try {
    engines.push(await getEngine(name));
  } catch (e) {
    unavailable[name] = (e as Error).message.split('\n')[0];
  }
}

function time<T>(fn: () => T, reps = 1): { ms: number; value: T } {
  const ts: number[] = [];
  let value!: T;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    value = fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return { ms: ts[Math.floor(ts.length / 2)], value };
}

/** max over 16 evenly spaced eigenpairs of |L phi - lambda phi|, and of |phi_a . phi_b - delta_ab| */
function accuracy(L: Mat, e: Eigen): { residual: number; orthogonality: number } {
  const n = L.rows;
  const k = e.values.length;
  const cols = Array.from(new Set(Array.from({ length: 16 }, (_, i) => Math.floor((i * (k - 1)) / 15))));
  const v = e.vectors.data;
  let residual = 0;
  let orthogonality = 0;
  for (const c of cols) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += L.data[i * n + j] * v[j * k + c];
      residual = Math.max(residual, Math.abs(s - e.values[c] * v[i * k + c]));
    }
    for (const d of cols) {
      let s = 0;
      for (let i = 0; i < n; i++) s += v[i * k + c] * v[i * k + d];
      orthogonality = Math.max(orthogonality, Math.abs(s - (c === d ? 1 : 0)));
    }
  }
  return { residual, orthogonality };
}

interface Row {
  graph: string;
  n: number;
  stage: string;
  engine: string;
  ms: number;
  residual?: number;
  orthogonality?: number;
  note?: string;
}
const rows: Row[] = [];
const log = (r: Row): void => {
  rows.push(r);
  console.log(
    `${r.graph.padEnd(12)} n=${String(r.n).padEnd(5)} ${r.stage.padEnd(26)} ${r.engine.padEnd(7)} ${r.ms.toFixed(1).padStart(10)} ms` +
      (r.residual !== undefined ? `  res ${r.residual.toExponential(1)} orth ${r.orthogonality!.toExponential(1)}` : '') +
      (r.note ? `  (${r.note})` : ''),
  );
};

function benchEigen(graph: string, L: Mat, skip: (e: Engine) => string | null): void {
  for (const engine of engines) {
    const why = skip(engine);
    if (why) {
      log({ graph, n: L.rows, stage: 'eigh (full)', engine: engine.name, ms: NaN, note: `skipped: ${why}` });
      continue;
    }
    const { ms, value } = time(() => engine.eigh(L), L.rows < 300 ? 3 : 1);
    log({ graph, n: L.rows, stage: 'eigh (full)', engine: engine.name, ms, ...accuracy(L, value) });
  }
}

// --- Yamanishi graphs ---
const P = 5;
for (const name of ['nr', 'gpcr', 'ic', 'e']) {
  const ds = await loadDataset(name, { offline: true });
  if (ds.kind !== 'dti') throw new Error(`${name} is not a DTI dataset`);
  for (const side of ['drugs', 'targets'] as const) {
    const graph = `${name}/${side}`;
    const S = symmetrize(side === 'drugs' ? ds.drugSim : ds.targetSim);
    const prof = side === 'drugs' ? ds.Y : transpose(ds.Y);
    const reps = S.rows < 300 ? 3 : 1;
    const c = time(() => combineProfiles(S, prof), reps);
    log({ graph, n: S.rows, stage: 'combine profiles', engine: '-', ms: c.ms });
    const k = time(() => knnSparsify(c.value, P), reps);
    log({ graph, n: S.rows, stage: `${P}-NN`, engine: '-', ms: k.ms });
    const l = time(() => normalizedLaplacian(k.value), reps);
    log({ graph, n: S.rows, stage: 'normalized Laplacian', engine: '-', ms: l.ms });
    benchEigen(graph, l.value, () => null);
  }

  // provider: cold vs warm on-disk cache, and the per-fold cost of leak-free ('train') graphs
  const engine = engines[0];
  const dir = mkdtempSync(join(tmpdir(), 'bench-eig-'));
  try {
    const spec = { combineProfiles: true, knn: P, laplacian: 'normalized' as const };
    const mk = (profileY: Mat, profiles: 'full' | 'train') =>
      createGraphProvider({ rowSim: ds.drugSim, colSim: ds.targetSim, profiles, profileY, engine, cacheDir: dir });
    const both = async (p: ReturnType<typeof mk>): Promise<void> => {
      await p.eigenbasis('rows', spec);
      await p.eigenbasis('cols', spec);
    };
    let t = performance.now();
    await both(mk(ds.Y, 'full'));
    log({ graph: `${name}/both`, n: ds.Y.rows + ds.Y.cols, stage: 'provider, cache miss', engine: engine.name, ms: performance.now() - t });
    t = performance.now();
    await both(mk(ds.Y, 'full'));
    log({ graph: `${name}/both`, n: ds.Y.rows + ds.Y.cols, stage: 'provider, cache hit', engine: engine.name, ms: performance.now() - t });
    const fold = makeFolds('CVS2', ds.Y.rows, ds.Y.cols).folds[0];
    t = performance.now();
    await both(mk(trainingView(ds.Y, fold).Y, 'train'));
    log({ graph: `${name}/both`, n: ds.Y.rows + ds.Y.cols, stage: "provider, one 'train' fold", engine: engine.name, ms: performance.now() - t });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- cold rows: where do held-out nodes' edges go? (graphs only, leak-free 'train' profiles) ---
// For each CVS2 (CVS3) fold of repetition 0, each held-out drug (target) i: the share of its adjacency weight
// (self excluded) on nodes that truly share at least one interaction with it in the full Y. Higher = neighbours
// more relevant; compares the cold-row choices with profiles 'none'.
interface ColdRow {
  dataset: string;
  setting: string;
  variant: string;
  share: number;
  isolated: number;
  heldOut: number;
}
const coldRows: ColdRow[] = [];
for (const name of ['nr', 'gpcr', 'ic', 'e']) {
  const ds = await loadDataset(name, { offline: true });
  if (ds.kind !== 'dti') continue;
  for (const setting of ['CVS2', 'CVS3'] as const) {
    const side = setting === 'CVS2' ? 'rows' : 'cols';
    const Yside = side === 'rows' ? ds.Y : transpose(ds.Y);
    const n = Yside.rows;
    const m = Yside.cols;
    const sharesTarget = (i: number, j: number): boolean => {
      for (let k = 0; k < m; k++) if (Yside.data[i * m + k] && Yside.data[j * m + k]) return true;
      return false;
    };
    const folds = makeFolds(setting, ds.Y.rows, ds.Y.cols).folds.filter((f) => f.repetition === 0);
    for (const variant of ['none', 'chemical-only', 'chemical-scaled', 'naive'] as const) {
      let share = 0;
      let isolated = 0;
      let count = 0;
      for (const fold of folds) {
        const gp = createGraphProvider({
          rowSim: ds.drugSim,
          colSim: ds.targetSim,
          profiles: variant === 'none' ? 'none' : 'train',
          profileY: variant === 'none' ? null : trainingView(ds.Y, fold).Y,
          engine: engines[0],
          coldRows: variant === 'none' ? undefined : variant,
        });
        const W = gp.adjacency(side, { combineProfiles: true, knn: P, laplacian: 'normalized' });
        for (const i of (side === 'rows' ? fold.testRows : fold.testCols)!) {
          let tot = 0;
          let good = 0;
          for (let j = 0; j < n; j++) {
            if (j === i) continue;
            const w = Math.max(0, W.data[i * n + j]);
            tot += w;
            if (w > 0 && sharesTarget(i, j)) good += w;
          }
          count++;
          if (tot === 0) isolated++;
          else share += good / tot;
        }
      }
      const r = { dataset: name, setting, variant, share: share / Math.max(1, count - isolated), isolated, heldOut: count };
      coldRows.push(r);
      console.log(`cold rows ${name} ${setting} ${variant.padEnd(14)} share ${r.share.toFixed(3)} isolated ${isolated}/${count}`);
    }
  }
}

// --- 3000-node Gaussian 10-NN graph ---
{
  const n = 3000;
  const d = 8;
  const rng = new Rng(3000);
  const X = Float64Array.from({ length: n * d }, () => rng.next());
  const build = time(() => {
    const D2 = mat(n, n);
    let mean = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let s = 0;
        for (let a = 0; a < d; a++) s += (X[i * d + a] - X[j * d + a]) ** 2;
        D2.data[i * n + j] = D2.data[j * n + i] = s;
        mean += (2 * s) / (n * n);
      }
    }
    for (let k = 0; k < D2.data.length; k++) D2.data[k] = Math.exp(-D2.data[k] / mean);
    return D2;
  });
  log({ graph: 'gauss3000', n, stage: 'Gaussian similarity', engine: '-', ms: build.ms });
  const k = time(() => knnSparsify(build.value, 10));
  log({ graph: 'gauss3000', n, stage: '10-NN', engine: '-', ms: k.ms });
  const l = time(() => normalizedLaplacian(k.value));
  log({ graph: 'gauss3000', n, stage: 'normalized Laplacian', engine: '-', ms: l.ms });
  benchEigen('gauss3000', l.value, (e) =>
    !js3000 && (e.name === 'js' || e.name === 'tfjs') ? 'ml-matrix eigh, ~15 min here; run with --js-3000' : null,
  );
}

// skipped engines at n = 3000: an n^3 extrapolation from this run's largest measured graph, labelled as such
for (const r of rows.filter((x) => x.graph === 'gauss3000' && x.stage === 'eigh (full)' && !Number.isFinite(x.ms))) {
  const measured = rows
    .filter((x) => x.engine === r.engine && x.stage === 'eigh (full)' && Number.isFinite(x.ms))
    .sort((a, b) => b.n - a.n)[0];
  if (measured) {
    log({
      graph: 'gauss3000',
      n: r.n,
      stage: 'eigh (full), extrapolated',
      engine: r.engine,
      ms: measured.ms * (r.n / measured.n) ** 3,
      note: `estimate: ${measured.graph} (n=${measured.n}) x (n ratio)^3, not measured`,
    });
  }
}

// --- ratios measured in this run ---
const ratios: { graph: string; n: number; engine: string; vs: string; speedup: number }[] = [];
const eig = rows.filter((r) => r.stage === 'eigh (full)' && Number.isFinite(r.ms));
const ref = engines.find((e) => e.name === 'js') ? 'js' : engines[engines.length - 1]?.name;
for (const r of eig) {
  const base = eig.find((x) => x.graph === r.graph && x.engine === ref);
  if (base && r.engine !== ref) ratios.push({ graph: r.graph, n: r.n, engine: r.engine, vs: ref!, speedup: base.ms / r.ms });
}

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  node: process.version,
  date: new Date().toISOString(),
  loadavg: loadavg().map((x) => Number(x.toFixed(1))),
};
const enginesInfo = engines.map((e) => ({ name: e.name, backend: e.backend, dtype: e.dtype }));
await writeJsonAtomic('bench/results/graphs.json', { machine, engines: enginesInfo, unavailable, p: P, rows, ratios, coldRows });

const fmt = (x: number): string => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '-');
const md = [
  '# Graph stage benchmark',
  '',
  `Machine: ${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}, ${machine.date}, load average ${machine.loadavg.join(' / ')} at the end.`,
  'Shared machine: timings are noisy;',
  'compare ratios measured in the same run. Recipe: combined profiles from the full Y, ' + `${P}-NN, symmetric normalised Laplacian.`,
  '',
  `Engines: ${enginesInfo.map((e) => `${e.name} (${e.backend})`).join(', ')}` +
    (Object.keys(unavailable).length ? `; unavailable: ${Object.entries(unavailable).map(([k, v]) => `${k} (${v})`).join(', ')}` : ''),
  '',
  '| graph | n | stage | engine | ms | max residual | max orth. error | note |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.graph} | ${r.n} | ${r.stage} | ${r.engine} | ${fmt(r.ms)} | ${r.residual?.toExponential(1) ?? ''} | ${r.orthogonality?.toExponential(1) ?? ''} | ${r.note ?? ''} |`,
  ),
  '',
  '## Eigendecomposition speed-ups (same run)',
  '',
  '| graph | n | engine | vs | speed-up |',
  '|---|---|---|---|---|',
  ...ratios.map((r) => `| ${r.graph} | ${r.n} | ${r.engine} | ${r.vs} | ${r.speedup.toFixed(1)}x |`),
  '',
  '## Cold rows: neighbours of held-out nodes (leak-free graphs, repetition 0, 10 folds)',
  '',
  `Share of a held-out drug's (CVS2) or target's (CVS3) ${P}-NN adjacency weight, self excluded, on nodes that share`,
  'at least one interaction with it in the full Y (mean over held-out nodes with any edge); isolated = held-out',
  'nodes with no edge but the self-loop. A graph diagnostic only: prediction quality is measured by the run stage.',
  '',
  '| dataset | setting | profiles / cold rows | share | isolated / held out |',
  '|---|---|---|---|---|',
  ...coldRows.map(
    (r) =>
      `| ${r.dataset} | ${r.setting} | ${r.variant === 'none' ? 'none' : `train, ${r.variant}`} | ${r.share.toFixed(3)} | ${r.isolated} / ${r.heldOut} |`,
  ),
  '',
];
await writeFileAtomic('bench/results/graphs.md', md.join('\n'));
console.log('wrote bench/results/graphs.json and bench/results/graphs.md');
