/**
 * float32 vs float64 engine for the published-protocol SGMC and MGRNNM fits: seconds per fold and the change in
 * AUPR / AUC, both dtypes fitted on the same folds in the same process, alternating (the machine is shared: compare
 * the ratio, not the seconds). Graphs as the published protocol builds them (profiles from the full matrix), built
 * once per fold before the timed fits.
 *
 *   node --import tsx bench/dtype-speedup.ts [--sets e,ic,gpcr,nr] [--settings CVS1,CVS2,CVS3]
 *                                            [--folds e=1,ic=2,gpcr=3,nr=3] [--methods sgmc,mgrnnm]
 *
 * Writes bench/results/dtype-speedup.json and .md.
 */
import { loadavg, cpus } from 'node:os';
import { getEngine } from '../src/engine/registry.ts';
import type { DType } from '../src/engine/types.ts';
import { loadDataset } from '../src/datasets/index.ts';
import type { DtiDataset } from '../src/datasets/types.ts';
import { makeFolds, trainingView } from '../src/splits/index.ts';
import type { Setting } from '../src/splits/types.ts';
import { createGraphProvider } from '../src/graphs/provider.ts';
import { aupr, auc } from '../src/metrics/index.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/core/atomic.ts';
import { getMethod } from '../src/methods/registry.ts';
import '../src/methods/all.ts';
import { countsArg, listArg } from './args.ts';

const sets = listArg('sets', 'e,ic,gpcr,nr');
const settings = listArg('settings', 'CVS1,CVS2,CVS3') as Setting[];
const methods: Record<string, string> = { sgmc: 'dti-published', mgrnnm: 'published' };
const methodNames = listArg('methods', 'sgmc,mgrnnm');
const foldsPer = countsArg('folds', 'e=1,ic=2,gpcr=3,nr=3');
const DTYPES: DType[] = ['float64', 'float32'];
const engines = Object.fromEntries(
  await Promise.all(DTYPES.map(async (d) => [d, await getEngine('native', { dtype: d, threads: 1 })] as const)),
);

interface Row {
  method: string;
  dataset: string;
  setting: Setting;
  folds: number;
  seconds: Record<DType, number>;
  speedup: number;
  aupr: Record<DType, number>;
  auc: Record<DType, number>;
  maxFoldAuprDiff: number;
  maxFoldAucDiff: number;
}
const rows: Row[] = [];
const load0 = loadavg();
for (const name of sets) {
  const ds = (await loadDataset(name, { offline: true })) as DtiDataset;
  for (const setting of settings) {
    const folds = makeFolds(setting, ds.Y.rows, ds.Y.cols, { repetitions: 1 }).folds.slice(0, foldsPer[name] ?? 1);
    for (const mname of methodNames) {
      const m = getMethod(mname);
      const params = m.presets![methods[mname]]({ dataset: name, setting });
      const sec = { float64: 0, float32: 0 };
      const ap = { float64: 0, float32: 0 };
      const roc = { float64: 0, float32: 0 };
      let dAp = 0;
      let dAuc = 0;
      for (const fold of folds) {
        const tv = trainingView(ds.Y, fold);
        const graphs = createGraphProvider({
          rowSim: ds.drugSim, colSim: ds.targetSim, profiles: 'full', profileY: ds.Y, engine: engines.float64,
        });
        // build (and memoise) the fold's graphs outside the timed fits: a one-iteration fit
        const warm = mname === 'mgrnnm' ? { ...params, outerIterations: 1, innerIterations: 1 } : { ...params, iterations: 1 };
        await m.fit({ Y: tv.Y, W: tv.W, graphs, engine: engines.float64, seed: 1, dataset: name, setting }, warm);
        const got: Record<string, [number, number]> = {};
        for (const dtype of DTYPES) {
          const t0 = performance.now();
          const out = await m.fit({ Y: tv.Y, W: tv.W, graphs, engine: engines[dtype], seed: 1, dataset: name, setting }, params);
          sec[dtype] += (performance.now() - t0) / 1000;
          const s = Array.from(fold.testCells, (c) => out.scores.data[c]);
          const l = Array.from(fold.testCells, (c) => ds.Y.data[c]);
          got[dtype] = [aupr(s, l), auc(s, l)];
          ap[dtype] += got[dtype][0] / folds.length;
          roc[dtype] += got[dtype][1] / folds.length;
        }
        dAp = Math.max(dAp, Math.abs(got.float32[0] - got.float64[0]));
        dAuc = Math.max(dAuc, Math.abs(got.float32[1] - got.float64[1]));
      }
      const row: Row = {
        method: mname, dataset: name, setting, folds: folds.length,
        seconds: { float64: sec.float64 / folds.length, float32: sec.float32 / folds.length },
        speedup: sec.float64 / sec.float32, aupr: ap, auc: roc, maxFoldAuprDiff: dAp, maxFoldAucDiff: dAuc,
      };
      rows.push(row);
      console.log(
        `${mname.padEnd(7)} ${name.padEnd(5)} ${setting}: f64 ${row.seconds.float64.toFixed(2)} s, f32 ${row.seconds.float32.toFixed(2)} s ` +
          `(x${row.speedup.toFixed(2)}), max fold |dAUPR| ${dAp.toExponential(1)}, |dAUC| ${dAuc.toExponential(1)}`,
      );
    }
  }
}
const load1 = loadavg();
const meta = {
  date: new Date().toISOString(),
  engine: engines.float64.backend,
  node: process.version,
  cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
  loadAverageStart: load0.map((x) => +x.toFixed(2)),
  loadAverageEnd: load1.map((x) => +x.toFixed(2)),
  note: 'one repetition, first N folds per dataset; sgmc preset dti-published, mgrnnm preset published (cold start); published-protocol graphs',
};
await writeJsonAtomic('bench/results/dtype-speedup.json', { meta, rows });
const tot = (d: DType, f: (r: Row) => boolean): number => rows.filter(f).reduce((a, r) => a + r.seconds[d] * r.folds, 0);
const md = [
  '# float32 vs float64 engine: published-protocol SGMC and MGRNNM',
  '',
  `${meta.date}; native engine (${meta.engine}); node ${meta.node}; ${meta.cpus}; load average ${meta.loadAverageStart.join(' / ')} at start, ${meta.loadAverageEnd.join(' / ')} at end.`,
  '',
  `Generated by \`node --import tsx bench/dtype-speedup.ts\`. ${meta.note}. Both dtypes fit the same fold in the same process, one after the other; seconds per fold exclude graph building.`,
  '',
  '| method | dataset | setting | folds | float64 s/fold | float32 s/fold | speed-up | AUPR f64 / f32 | AUC f64 / f32 | max fold abs dAUPR | max fold abs dAUC |',
  '|---|---|---|---|---:|---:|---:|---|---|---:|---:|',
  ...rows.map(
    (r) =>
      `| ${r.method} | ${r.dataset} | ${r.setting} | ${r.folds} | ${r.seconds.float64.toFixed(3)} | ${r.seconds.float32.toFixed(3)} | ${r.speedup.toFixed(2)} | ` +
      `${r.aupr.float64.toFixed(4)} / ${r.aupr.float32.toFixed(4)} | ${r.auc.float64.toFixed(4)} / ${r.auc.float32.toFixed(4)} | ${r.maxFoldAuprDiff.toExponential(1)} | ${r.maxFoldAucDiff.toExponential(1)} |`,
  ),
  '',
  ...methodNames.map((mn) => {
    const f = (r: Row): boolean => r.method === mn;
    return `- ${mn}: all measured folds together, float64 ${tot('float64', f).toFixed(1)} s, float32 ${tot('float32', f).toFixed(1)} s (x${(tot('float64', f) / tot('float32', f)).toFixed(2)}).`;
  }),
  '',
];
await writeFileAtomic('bench/results/dtype-speedup.md', md.join('\n'));
console.log('wrote bench/results/dtype-speedup.json and bench/results/dtype-speedup.md');
