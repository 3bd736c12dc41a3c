/**
 * OpenBLAS kernels (core types) on this machine: the environment's pinned core (OPENBLAS_CORETYPE, 'Haswell' in this
 * machine's image) against the one `engine.blasCore: 'auto'` picks (src/engine/blas-core.ts). The core is fixed when
 * the library loads, so each measurement runs in its own child process, the two cores alternating (compare the
 * ratios of one run: the machine is shared). Per child: sgemm/dgemm at SGMC's e shapes, the Gram syrk and dsyevd of
 * MGRNNM's thresholding, and two whole fits on the published protocol (e CVS1, first published fold): SGMC
 * 'dti-published' (float32) and MGRNNM 'published' (float64, cold start), with their AUPR / AUC and the largest
 * score difference between the cores.
 *
 *   node --import tsx bench/blas-core.ts [--rounds 2] [--reference Haswell]
 *
 * Writes bench/results/blas-core.json and .md.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic, writeJsonAtomic } from '../src/core/atomic.ts';
import { chooseBlasCore } from '../src/engine/blas-core.ts';
import { arg } from './args.ts';

interface ChildResult {
  core: string;
  ms: Record<string, number>;
  fits: Record<string, { seconds: number; aupr: number; auc: number; scores: string }>;
}

const KERNELS = ['sgemm 445x664x664', 'dgemm 445x664x664', 'dsyrk 445x664', 'dsyevd 445'];

async function child(out: string): Promise<void> {
  const { getEngine } = await import('../src/engine/registry.ts');
  const { mat } = await import('../src/core/matrix.ts');
  const { loadDataset } = await import('../src/datasets/index.ts');
  const { makeFolds, trainingView } = await import('../src/splits/index.ts');
  const { createGraphProvider } = await import('../src/graphs/provider.ts');
  const { aupr, auc } = await import('../src/metrics/index.ts');
  const { getMethod } = await import('../src/methods/registry.ts');
  await import('../src/methods/all.ts');
  const f32 = await getEngine('native', { dtype: 'float32', threads: 1 });
  const f64 = await getEngine('native', { dtype: 'float64', threads: 1 });
  let seed = 1;
  const rnd = (r: number, c: number) => {
    const m = mat(r, c);
    for (let i = 0; i < m.data.length; i++) m.data[i] = ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
    return m;
  };
  const time = (f: () => void, n: number): number => {
    f();
    const t = performance.now();
    for (let i = 0; i < n; i++) f();
    return (performance.now() - t) / n;
  };
  const ms: Record<string, number> = {};
  const A = rnd(445, 664);
  const B = rnd(664, 664);
  for (const [name, e] of [['sgemm 445x664x664', f32], ['dgemm 445x664x664', f64]] as const) {
    const [a, b] = [e.upload(A), e.upload(B)];
    ms[name] = time(() => e.dispose(e.matmul(a, b)), 40);
    e.dispose(a, b);
  }
  const a = f64.upload(A);
  ms['dsyrk 445x664'] = time(() => f64.dispose(f64.matmul(a, a, { transB: true })), 40);
  const G = f64.download(f64.matmul(a, a, { transB: true }));
  ms['dsyevd 445'] = time(() => f64.eigh(G), 10);
  const ds = (await loadDataset('e', { offline: true })) as import('../src/datasets/types.ts').DtiDataset;
  const fold = makeFolds('CVS1', ds.Y.rows, ds.Y.cols, { repetitions: 1, generator: 'matlab' }).folds[0];
  const tv = trainingView(ds.Y, fold);
  const fits: ChildResult['fits'] = {};
  for (const [method, preset, engine] of [['sgmc', 'dti-published', f32], ['mgrnnm', 'published', f64]] as const) {
    const m = getMethod(method);
    const graphs = createGraphProvider({ rowSim: ds.drugSim, colSim: ds.targetSim, profiles: 'full', profileY: ds.Y, engine });
    const params = m.presets![preset]({ dataset: 'e', setting: 'CVS1' });
    const t = performance.now();
    const r = await m.fit({ Y: tv.Y, W: tv.W, graphs, engine, seed: 1, dataset: 'e', setting: 'CVS1' } as never, params as never);
    const seconds = (performance.now() - t) / 1000;
    const s = Float64Array.from(fold.testCells, (c) => r.scores.data[c]);
    const y = Float64Array.from(fold.testCells, (c) => ds.Y.data[c]);
    const file = join(out, `${method}-${process.pid}.f64`);
    writeFileSync(file, Buffer.from(s.buffer));
    fits[method] = { seconds, aupr: aupr(s, y), auc: auc(s, y), scores: file };
  }
  const core = (f64.versions?.() ?? {}).openblasCore ?? '?';
  console.log(JSON.stringify({ core, ms, fits } satisfies ChildResult));
}

if (process.argv.includes('--child')) {
  await child(process.argv[process.argv.indexOf('--child') + 1]);
} else {
  const rounds = Number(arg('rounds', '2'));
  const reference = arg('reference', process.env.OPENBLAS_CORETYPE || 'Haswell');
  const auto = chooseBlasCore('auto', {}, () => readFileSync('/proc/cpuinfo', 'utf8')).core;
  if (!auto) throw new Error('this CPU has no AVX-512: auto keeps the environment\'s kernels, nothing to compare');
  const tmp = mkdtempSync(join(tmpdir(), 'blas-core-'));
  const self = fileURLToPath(import.meta.url);
  const runs: Record<string, ChildResult[]> = { [reference]: [], [auto]: [] };
  for (let r = 0; r < rounds; r++) {
    for (const core of [reference, auto]) {
      const env = { ...process.env, OPENBLAS_CORETYPE: core, SGMC_BLAS_CORE: 'env', OPENBLAS_NUM_THREADS: '1' };
      const p = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', tmp], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
      if (p.status !== 0) throw new Error(`child (${core}) failed: ${p.stderr}`);
      const res = JSON.parse(p.stdout.trim().split('\n').pop()!) as ChildResult;
      if (res.core !== core) throw new Error(`asked for ${core}, OpenBLAS loaded ${res.core}`);
      runs[core].push(res);
      console.error(`round ${r + 1}: ${core} sgmc ${res.fits.sgmc.seconds.toFixed(2)} s, mgrnnm ${res.fits.mgrnnm.seconds.toFixed(2)} s`);
    }
  }
  const best = (core: string, f: (c: ChildResult) => number): number => Math.min(...runs[core].map(f));
  const rows = [
    ...KERNELS.map((k) => ({ what: `${k} (ms)`, ref: best(reference, (c) => c.ms[k]), auto: best(auto, (c) => c.ms[k]) })),
    ...['sgmc', 'mgrnnm'].map((m) => ({ what: `${m} e CVS1 fold fit (s)`, ref: best(reference, (c) => c.fits[m].seconds), auto: best(auto, (c) => c.fits[m].seconds) })),
  ];
  const scores = (c: ChildResult, m: string): Float64Array => new Float64Array(readFileSync(c.fits[m].scores).buffer.slice(0));
  const agreement = ['sgmc', 'mgrnnm'].map((m) => {
    const [x, y] = [scores(runs[reference][0], m), scores(runs[auto][0], m)];
    let d = 0;
    for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
    const [fr, fa] = [runs[reference][0].fits[m], runs[auto][0].fits[m]];
    return { method: m, maxScoreDiff: d, aupr: [fr.aupr, fa.aupr], auc: [fr.auc, fa.auc] };
  });
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} x ${cpus()[0]?.model.trim()}`,
    loadStart: loadavg().map((x) => +x.toFixed(2)),
    reference,
    auto,
    rounds,
    rows: rows.map((r) => ({ ...r, speedup: r.ref / r.auto })),
    agreement,
  };
  writeJsonAtomic('bench/results/blas-core.json', result);
  const f = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const md = [
    `# OpenBLAS kernels: ${reference} (this machine's OPENBLAS_CORETYPE) vs ${auto} (\`engine.blasCore: auto\`)`,
    '',
    `Generated by \`node --import tsx bench/blas-core.ts\` on ${result.date}, ${result.machine}, load at start ${result.loadStart.join(' / ')}. ` +
      `Each figure is the best of ${rounds} child processes per core (one OpenBLAS core per process, alternating), one thread.`,
    '',
    `| measurement | ${reference} | ${auto} | speed-up |`,
    '|---|---:|---:|---:|',
    ...result.rows.map((r) => `| ${r.what} | ${f(r.ref)} | ${f(r.auto)} | ${r.speedup.toFixed(2)}x |`),
    '',
    'The same fits under both cores (e CVS1, first published fold; SGMC float32, MGRNNM float64): the kernels differ in rounding only.',
    '',
    `| method | max abs score difference | AUPR ${reference} | AUPR ${auto} | AUC ${reference} | AUC ${auto} |`,
    '|---|---:|---:|---:|---:|---:|',
    ...agreement.map((a) => `| ${a.method} | ${a.maxScoreDiff.toExponential(1)} | ${a.aupr[0].toFixed(6)} | ${a.aupr[1].toFixed(6)} | ${a.auc[0].toFixed(6)} | ${a.auc[1].toFixed(6)} |`),
    '',
  ].join('\n');
  writeFileAtomic('bench/results/blas-core.md', md);
  console.log(md);
}
