/**
 * Engine benchmark: GFLOP/s of gemm at the DTI sizes (nr 54x26 ... e 445x664, transposed and batched), elementwise
 * throughput, eigendecomposition at 664 and 3000 (full and first 50), SVD at 445x664 (full, exact top-50, randomized
 * top-50), per engine configuration, each as a ratio to the best configuration in the same run (timings on a shared
 * machine are noisy; ratios from one run are comparable). The configurations of one row are timed interleaved (round
 * robin) so load changes hit them alike; times are the best repetition (and the median) after a warm-up run; an op
 * slower than 1 s is timed once.
 * Writes bench/results/engine.json and bench/results/engine.md.
 *
 *   node --import tsx bench/engine.ts [--quick] [--budget <seconds per slow decomposition, default 60>]
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { mat, type Mat } from '../src/core/matrix.ts';
import { Rng } from '../src/core/rng.ts';
import { writeFileAtomic } from '../src/core/atomic.ts';
import { engineProvenance, getEngine } from '../src/engine/registry.ts';
import type { Engine, Tensor } from '../src/engine/types.ts';
import { loadAddon, type NativeEngine } from '../src/engine/native.ts';
import { repoRoot } from '../test/helpers/paths.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const budgetIdx = args.indexOf('--budget');
const budgetS = budgetIdx >= 0 ? Number(args[budgetIdx + 1]) : 60;

function rand(rows: number, cols: number, seed: number): Mat {
  const r = new Rng(seed);
  const m = mat(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = r.next() * 2 - 1;
  return m;
}
function sym(n: number, seed: number): Mat {
  const a = rand(n, n, seed);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a.data[i * n + j] = a.data[j * n + i];
  return a;
}

interface Timing {
  minMs: number;
  medianMs: number;
  reps: number;
}

/**
 * Times several configurations of one operation interleaved (round robin), so that load changes on a shared machine
 * hit them alike: one warm-up run each, then rounds of one timed run per configuration until `seconds` have passed
 * (at least 3 rounds, at most `maxRounds`). A configuration whose run takes over 1 s is timed once (its cold run).
 * `skip[i]` leaves configuration i out.
 */
function measureInterleaved(fs: (() => void)[], seconds = quick ? 0.6 : 2, maxRounds = 40, skip: boolean[] = []): (Timing | undefined)[] {
  const ts: number[][] = fs.map(() => []);
  const slow = fs.map(() => false);
  const time = (i: number): number => {
    const t0 = performance.now();
    fs[i]();
    return performance.now() - t0;
  };
  fs.forEach((_, i) => {
    if (skip[i]) return;
    const first = time(i);
    if (first > 1000) {
      slow[i] = true;
      ts[i].push(first);
    }
  });
  const start = performance.now();
  for (let round = 0; round < maxRounds && (round < 3 || performance.now() - start < seconds * 1000); round++) {
    fs.forEach((_, i) => {
      if (!skip[i] && !slow[i]) ts[i].push(time(i));
    });
  }
  return ts.map((t) => {
    if (!t.length) return undefined;
    t.sort((a, b) => a - b);
    return { minMs: t[0], medianMs: t[Math.floor(t.length / 2)], reps: t.length };
  });
}

interface Config {
  label: string;
  engine: Engine;
  /** OpenBLAS threads to set before measuring (native only) */
  threads?: number;
}

interface Cell {
  config: string;
  minMs?: number;
  medianMs?: number;
  reps?: number;
  gflops?: number;
  /** best time in this row / this time (1 = best) */
  ratio?: number;
  skipped?: string;
}

interface Row {
  group: 'gemm' | 'elementwise' | 'decomposition';
  op: string;
  flops?: number;
  cells: Cell[];
}

const addon = (() => {
  try {
    return loadAddon();
  } catch {
    return undefined;
  }
})();
const maxThreads = addon ? addon.config().procs : 1;

async function configs(): Promise<Config[]> {
  const out: Config[] = [];
  if (addon) {
    out.push({ label: `native f32 ${maxThreads}t`, engine: await getEngine('native', { dtype: 'float32' }), threads: maxThreads });
    if (maxThreads > 1) out.push({ label: 'native f32 1t', engine: await getEngine('native', { dtype: 'float32' }), threads: 1 });
    out.push({ label: `native f64 ${maxThreads}t`, engine: await getEngine('native', { dtype: 'float64' }), threads: maxThreads });
  }
  for (const backend of ['tensorflow', 'wasm', 'cpu']) {
    try {
      const e = await getEngine('tfjs', { backend });
      out.push({ label: e.backend, engine: e });
    } catch {
      /* backend not available here */
    }
  }
  out.push({ label: 'js f64', engine: await getEngine('js', { dtype: 'float64' }) });
  return out;
}

function setThreads(c: Config): void {
  if (c.threads !== undefined && addon) addon.setThreads(c.threads);
}

function finish(row: Row): Row {
  const best = Math.min(...row.cells.filter((c) => c.minMs !== undefined).map((c) => c.minMs!));
  for (const c of row.cells) {
    if (c.minMs === undefined) continue;
    c.ratio = best / c.minMs;
    if (row.flops) c.gflops = row.flops / c.minMs / 1e6;
  }
  return row;
}

/** gemm op(A) op(B) with A: batchA x (m x k) etc.; `bA`/`bB` = batch (0 = 2-D) */
function gemmRow(cfgs: Config[], op: string, m: number, k: number, n: number, o: { transA?: boolean; transB?: boolean; bA?: number; bB?: number }): Row {
  const batch = Math.max(o.bA ?? 1, o.bB ?? 1);
  const flops = 2 * m * n * k * batch;
  const mkA = (q: number): Mat => (o.transA ? rand(k, m, 10 + q) : rand(m, k, 10 + q));
  const mkB = (q: number): Mat => (o.transB ? rand(n, k, 90 + q) : rand(k, n, 90 + q));
  const As = o.bA ? Array.from({ length: o.bA }, (_, q) => mkA(q)) : [mkA(0)];
  const Bs = o.bB ? Array.from({ length: o.bB }, (_, q) => mkB(q)) : [mkB(0)];
  const ops = cfgs.map((c) => {
    const e = c.engine;
    const A = o.bA ? e.uploadBatch(As) : e.upload(As[0]);
    const B = o.bB ? e.uploadBatch(Bs) : e.upload(Bs[0]);
    return {
      run: (): void => {
        setThreads(c);
        const C = e.matmul(A, B, { transA: o.transA, transB: o.transB });
        e.sum(C); // forces completion (tfjs) and is what hot loops read back
        e.dispose(C);
      },
      free: (): void => e.dispose(A, B),
    };
  });
  const ts = measureInterleaved(ops.map((x) => x.run));
  ops.forEach((x) => x.free());
  return finish({ group: 'gemm', op, flops, cells: cfgs.map((c, i) => ({ config: c.label, ...ts[i] })) });
}

function elementwiseRow(cfgs: Config[], op: string, f: (e: Engine, a: Tensor, b: Tensor) => Tensor | number): Row {
  const a0 = rand(445, 664, 1);
  const b0 = rand(445, 664, 2);
  const ops = cfgs.map((c) => {
    const e = c.engine;
    const a = e.upload(a0);
    const b = e.upload(b0);
    return {
      run: (): void => {
        setThreads(c);
        const r = f(e, a, b);
        if (typeof r !== 'number') {
          e.sum(r);
          e.dispose(r);
        }
      },
      free: (): void => e.dispose(a, b),
    };
  });
  const ts = measureInterleaved(ops.map((x) => x.run));
  ops.forEach((x) => x.free());
  return finish({ group: 'elementwise', op: `${op} 445x664`, cells: cfgs.map((c, i) => ({ config: c.label, ...ts[i] })) });
}

/** decompositions run on the host: native (LAPACK) vs ml-matrix (js and tfjs share it) */
function decompRow(decompCfgs: Config[], op: string, size: number, f: (e: Engine) => void, est: Map<string, number>): Row {
  // ml-matrix at n = 3000: extrapolate from the 664 run (O(n^3)) and skip past the budget
  const skipped = decompCfgs.map((c) => {
    const ref = est.get(`${c.label}:${op.split(' ')[0]}`);
    const projected = ref !== undefined && size > 1000 ? (ref * (size / 664) ** 3) / 1000 : 0;
    return projected > budgetS ? `projected ${projected.toFixed(0)} s > budget ${budgetS} s` : undefined;
  });
  const ts = measureInterleaved(
    decompCfgs.map((c) => () => {
      setThreads(c);
      f(c.engine);
    }),
    quick ? 0.5 : 1.5,
    10,
    skipped.map((x) => x !== undefined),
  );
  const cells = decompCfgs.map((c, i): Cell => {
    if (skipped[i]) return { config: c.label, skipped: skipped[i] };
    if (size <= 1000) est.set(`${c.label}:${op.split(' ')[0]}`, ts[i]!.minMs);
    return { config: c.label, ...ts[i] };
  });
  return finish({ group: 'decomposition', op, cells });
}

async function main(): Promise<void> {
  const cfgs = await configs();
  const def = await getEngine(undefined, { dtype: 'float32' });
  const rows: Row[] = [];
  const log = (r: Row): void => {
    rows.push(r);
    const cells = r.cells
      .map((c) => `${c.config}: ${c.skipped ? 'skipped' : `${c.minMs!.toFixed(2)} ms${c.gflops ? ` ${c.gflops.toFixed(1)} GF/s` : ''} x${c.ratio!.toFixed(2)}`}`)
      .join(' | ');
    console.log(`${r.op}  ${cells}`);
  };

  // --- gemm at the DTI sizes (drugs x targets: nr 54x26, gpcr 223x95, ic 210x204, e 445x664)
  const gemms: [string, number, number, number, { transA?: boolean; transB?: boolean; bA?: number; bB?: number }][] = [
    ['e: Phi^T R  445x445x664 (A^T B)', 445, 445, 664, { transA: true }],
    ['e: R Psi  445x664x664', 445, 664, 664, {}],
    ['e: X Psi^T  445x664x664 (A B^T)', 445, 664, 664, { transB: true }],
    ['e: factor 445x664x100', 445, 664, 100, {}],
    ['ic: 210x210x204', 210, 210, 204, {}],
    ['gpcr: 223x223x95', 223, 223, 95, {}],
    ['nr: 54x54x26', 54, 54, 26, {}],
    ['nr: 54x26x26', 54, 26, 26, {}],
    ['batched 32 x (54x26 @ 26x26), 3-D x 3-D', 54, 26, 26, { bA: 32, bB: 32 }],
    ['batched 16 x (95x95 @ 95x223), 3-D x 2-D', 95, 95, 223, { bA: 16 }],
    ['batched 8 x (445x50 @ 50x664), 3-D x 3-D', 445, 50, 664, { bA: 8, bB: 8 }],
  ];
  for (const [op, m, k, n, o] of gemms) log(gemmRow(cfgs, op, m, k, n, o));

  // --- elementwise and reductions (host loops for native/js; tfjs kernels)
  log(elementwiseRow(cfgs, 'addScaled', (e, a, b) => e.addScaled(a, b, 0.5)));
  log(elementwiseRow(cfgs, 'mul', (e, a, b) => e.mul(a, b)));
  log(elementwiseRow(cfgs, 'scaleColumns', (e, a) => e.scaleColumns(a, new Float64Array(664).fill(0.5))));
  log(elementwiseRow(cfgs, 'maximum', (e, a) => e.maximum(a, 0)));
  log(elementwiseRow(cfgs, 'dot', (e, a, b) => e.dot(a, b)));

  // --- decompositions (float64 on the host)
  const decompCfgs: Config[] = [];
  if (addon) {
    decompCfgs.push({ label: `native default (${maxThreads}t, 1t below 1500)`, engine: await getEngine('native'), threads: maxThreads });
    if (maxThreads > 1) {
      const forced = (await getEngine('native')) as NativeEngine;
      forced.lapackSingleThreadBelow = 0;
      decompCfgs.push({ label: `native ${maxThreads}t always`, engine: forced, threads: maxThreads });
      decompCfgs.push({ label: 'native 1t', engine: await getEngine('native'), threads: 1 });
    }
  }
  decompCfgs.push({ label: 'ml-matrix (js, tfjs)', engine: await getEngine('js') });
  const est = new Map<string, number>();
  const a664 = sym(664, 5);
  const a3000 = quick ? sym(1200, 6) : sym(3000, 6);
  const n2 = a3000.rows;
  const svdA = rand(445, 664, 7);
  log(decompRow(decompCfgs, 'eigh full 664', 664, (e) => e.eigh(a664), est));
  log(decompRow(decompCfgs, 'eigh first-50 664', 664, (e) => e.eigh(a664, 50), est));
  log(decompRow(decompCfgs, `eigh full ${n2}`, n2, (e) => e.eigh(a3000), est));
  log(decompRow(decompCfgs, `eigh first-50 ${n2}`, n2, (e) => e.eigh(a3000, 50), est));
  log(decompRow(decompCfgs, 'svd full 445x664', 445, (e) => e.svd(svdA), est));
  log(decompRow(decompCfgs, 'svd top-50 exact 445x664', 445, (e) => e.svd(svdA, 50), est));
  log(decompRow(decompCfgs, 'svdRandomized top-50 445x664', 445, (e) => e.svdRandomized!(svdA, 50), est));
  log(decompRow(decompCfgs, 'solveSPD 664, 445 rhs', 664, (e) => {
    const s = mat(664, 664, a664.data);
    for (let i = 0; i < 664; i++) s.data[i * 664 + i] += 700; // diagonally dominant: SPD
    e.solveSPD(s, rand(664, 445, 9));
  }, est));
  if (addon) addon.setThreads(maxThreads);

  // --- target: the default engine on the e-sized products vs the best sgemm rate in this run
  const eRows = rows.filter((r) => r.op.startsWith('e: ') && r.op.includes('664'));
  const defLabel = def.name === 'native' ? `native f32 ${maxThreads}t` : def.name === 'tfjs' ? def.backend : 'js f64';
  // the same engine as the local executor's workers run it (OPENBLAS_NUM_THREADS=1 when jobs > 1)
  const poolLabel = def.name === 'native' && maxThreads > 1 ? 'native f32 1t' : defLabel;
  const target = eRows.map((r) => {
    const best = Math.max(...r.cells.filter((c) => c.gflops).map((c) => c.gflops!));
    const mine = r.cells.find((c) => c.config === defLabel)?.gflops ?? 0;
    const pool = r.cells.find((c) => c.config === poolLabel)?.gflops ?? 0;
    return { op: r.op, defaultGflops: mine, bestGflops: best, fraction: mine / best, poolGflops: pool, poolFraction: pool / best };
  });
  const result = {
    schema: 'sgmc-dti/bench-engine/1',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.versions.node, load: loadavg().map((x) => x.toFixed(1)).join(' ') },
    quick,
    defaultEngine: { ...engineProvenance(def), benchLabel: defLabel },
    configs: cfgs.map((c) => ({ label: c.label, ...engineProvenance(c.engine), threads: c.threads })),
    target: {
      rule: 'default engine >= 50% of the best sgemm GFLOP/s on the e-sized products',
      rows: target,
      met: target.every((t) => t.fraction >= 0.5),
      poolConfig: poolLabel,
      metInWorkerPool: target.every((t) => t.poolFraction >= 0.5),
    },
    rows,
  };
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'engine.json'), JSON.stringify(result, null, 2) + '\n');
  await writeFileAtomic(join(dir, 'engine.md'), markdown(result, cfgs, decompCfgs));
  console.log(`target met: ${result.target.met} (worker pool: ${result.target.metInWorkerPool}); wrote bench/results/engine.json and engine.md`);
}

function markdown(r: { date: string; machine: { cpus: number; model: string; node: string; load: string }; defaultEngine: { name: string; backend: string; benchLabel?: string }; target: { rows: { op: string; defaultGflops: number; bestGflops: number; fraction: number; poolGflops: number; poolFraction: number }[]; met: boolean; poolConfig?: string; metInWorkerPool: boolean }; rows: Row[] }, cfgs: Config[], dcfgs: Config[]): string {
  const cell = (c: Cell | undefined, gflops: boolean): string => {
    if (!c) return '';
    if (c.skipped) return `skipped (${c.skipped})`;
    const v = gflops ? `${c.gflops!.toFixed(1)} GF/s` : c.minMs! >= 1000 ? `${(c.minMs! / 1000).toFixed(2)} s` : `${c.minMs!.toFixed(2)} ms`;
    return `${v} (${c.ratio!.toFixed(2)})`;
  };
  const table = (rows: Row[], labels: string[], gflops: boolean): string[] => [
    `| operation | ${labels.join(' | ')} |`,
    `|---|${labels.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.op} | ${labels.map((l) => cell(row.cells.find((c) => c.config === l), gflops)).join(' | ')} |`),
  ];
  const L = cfgs.map((c) => c.label);
  return [
    '# Engine benchmark',
    '',
    `${r.date}, ${r.machine.cpus} CPUs (${r.machine.model}), Node ${r.machine.node}, load average at start ${r.machine.load}.`,
    'Configurations of a row are timed interleaved (round robin); each cell is the best repetition, in brackets its',
    'ratio to the best configuration in the same row (1.00 = best). The machine is shared with other jobs: absolute',
    'figures are noisy, ratios within one run are the comparable numbers. `Nt` = OpenBLAS threads.',
    '',
    `Default engine: **${r.defaultEngine.name}** (${r.defaultEngine.backend}), measured as \`${r.defaultEngine.benchLabel}\`.`,
    '',
    '## Target: default engine >= 50 % of the best sgemm rate on the e-sized products',
    '',
    `Default = \`${r.defaultEngine.benchLabel}\` (OpenBLAS default threads); in a worker pool = \`${r.target.poolConfig}\` (the local`,
    'executor sets OPENBLAS_NUM_THREADS=1 per worker when it runs several jobs).',
    '',
    '| product | best GF/s | default GF/s | fraction | in a worker pool GF/s | fraction |',
    '|---|---|---|---|---|---|',
    ...r.target.rows.map(
      (t) =>
        `| ${t.op} | ${t.bestGflops.toFixed(1)} | ${t.defaultGflops.toFixed(1)} | ${(100 * t.fraction).toFixed(0)} % | ${t.poolGflops.toFixed(1)} | ${(100 * t.poolFraction).toFixed(0)} % |`,
    ),
    '',
    `Met by the default configuration: **${r.target.met ? 'yes' : 'no'}**; in a worker pool: **${r.target.metInWorkerPool ? 'yes' : 'no'}**.`,
    '',
    '## gemm (GFLOP/s)',
    '',
    ...table(r.rows.filter((x) => x.group === 'gemm'), L, true),
    '',
    '## Elementwise and reductions (time per op)',
    '',
    ...table(r.rows.filter((x) => x.group === 'elementwise'), L, false),
    '',
    '## Decompositions (float64, host)',
    '',
    'The native default runs LAPACK on one thread when every dimension is below 1500 (`lapackSingleThreadBelow`);',
    '`2t always` disables that rule. Exact top-k SVD is dgesdd truncated (dgesvdx corrupts the heap in LAPACK 3.11 when',
    'k exceeds the rank); `svdRandomized` is the seeded range finder (oversampling 10, 4 power iterations). tfjs uses',
    'the same ml-matrix code as js.',
    '',
    ...table(r.rows.filter((x) => x.group === 'decomposition'), dcfgs.map((c) => c.label), false),
    '',
  ].join('\n');
}

await main();
process.exit(0);
