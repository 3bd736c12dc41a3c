/**
 * Seconds per fold of the DTI baselines (GRMF, CMF, MGRNNM with the published presets) on the Yamanishi sets,
 * compared with the reference timings of the original MATLAB code under Octave on this machine (one core):
 * MGRNNM 5 x 10-fold nr CVS1 26 s, gpcr CVS2 374 s (issue 6). The native engine runs with one OpenBLAS thread.
 *
 *   node --import tsx bench/baselines.ts [--sets nr,gpcr,ic,e] [--settings CVS1,CVS2] [--methods grmf,cmf,mgrnnm]
 *                                        [--folds nr=10,gpcr=5,ic=3,e=1] [--engine native]
 *
 * Both wall-clock and process CPU seconds are recorded: the machine is shared, and CPU time of a single-threaded
 * fit is the fairer figure under load. Writes bench/results/baselines.json and bench/results/baselines.md.
 */
import { loadavg, cpus } from 'node:os';
import { getEngine } from '../src/engine/registry.ts';
import { loadDataset } from '../src/datasets/index.ts';
import type { DtiDataset } from '../src/datasets/types.ts';
import { makeFolds, trainingView } from '../src/splits/index.ts';
import type { Setting } from '../src/splits/types.ts';
import { createGraphProvider } from '../src/graphs/provider.ts';
import { aupr, auc } from '../src/metrics/index.ts';
import { writeFileAtomic, writeJsonAtomic } from '../src/core/atomic.ts';
import { grmfMethod } from '../src/methods/grmf.ts';
import { cmfMethod } from '../src/methods/cmf.ts';
import { mgrnnmMethod } from '../src/methods/mgrnnm.ts';
import type { Method } from '../src/methods/types.ts';
import { arg, countsArg, listArg } from './args.ts';

/** Octave reference, seconds for 5 x 10 folds (issue 6), per method / dataset / setting. */
const OCTAVE_REFERENCE: Record<string, number> = {
  'mgrnnm/nr/CVS1': 26,
  'mgrnnm/gpcr/CVS2': 374,
};

const sets = listArg('sets', 'nr,gpcr,ic,e');
const settings = listArg('settings', 'CVS1,CVS2') as Setting[];
const methodNames = listArg('methods', 'grmf,cmf,mgrnnm');
const foldsPer = countsArg('folds', 'nr=10,gpcr=5,ic=3,e=1');
const all: Record<string, Method<Record<string, unknown>>> = {
  grmf: grmfMethod as unknown as Method<Record<string, unknown>>,
  cmf: cmfMethod as unknown as Method<Record<string, unknown>>,
  mgrnnm: mgrnnmMethod as unknown as Method<Record<string, unknown>>,
};

const engine = await getEngine(arg('engine', 'native'), { threads: 1 });
const load0 = loadavg();
interface Row {
  method: string;
  dataset: string;
  setting: Setting;
  folds: number;
  wallPerFold: number;
  cpuPerFold: number;
  aupr: number;
  auc: number;
  octavePerFold: number | null;
  speedupWall: number | null;
  speedupCpu: number | null;
  info: Record<string, number | string>;
}
const rows: Row[] = [];
for (const name of sets) {
  const ds = (await loadDataset(name, { offline: true })) as DtiDataset;
  for (const setting of settings) {
    const folds = makeFolds(setting, ds.Y.rows, ds.Y.cols, { repetitions: 1 }).folds.slice(0, foldsPer[name] ?? 1);
    for (const mname of methodNames) {
      const m = all[mname];
      if (!m) throw new Error(`unknown method ${mname}`);
      const params = m.presets!.published({ dataset: name, setting });
      let wall = 0;
      let cpu = 0;
      let ap = 0;
      let roc = 0;
      let info: Record<string, number | string> = {};
      for (const fold of folds) {
        const tv = trainingView(ds.Y, fold);
        const graphs = createGraphProvider({ rowSim: ds.drugSim, colSim: ds.targetSim, profiles: 'none', profileY: null, engine });
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const out = await m.fit({ Y: tv.Y, W: tv.W, graphs, engine, seed: 1, dataset: name, setting }, params);
        const cu = process.cpuUsage(c0);
        wall += (performance.now() - t0) / 1000;
        cpu += (cu.user + cu.system) / 1e6;
        const s = Array.from(fold.testCells, (c) => out.scores.data[c]);
        const l = Array.from(fold.testCells, (c) => ds.Y.data[c]);
        ap += aupr(s, l);
        roc += auc(s, l);
        info = out.info ?? {};
      }
      const n = folds.length;
      const ref = OCTAVE_REFERENCE[`${mname}/${name}/${setting}`];
      const octavePerFold = ref === undefined ? null : ref / 50;
      const row: Row = {
        method: mname,
        dataset: name,
        setting,
        folds: n,
        wallPerFold: wall / n,
        cpuPerFold: cpu / n,
        aupr: ap / n,
        auc: roc / n,
        octavePerFold,
        speedupWall: octavePerFold === null ? null : octavePerFold / (wall / n),
        speedupCpu: octavePerFold === null ? null : octavePerFold / (cpu / n),
        info,
      };
      rows.push(row);
      console.log(
        `${mname.padEnd(7)} ${name.padEnd(5)} ${setting} folds ${n}: wall ${row.wallPerFold.toFixed(3)} s/fold, cpu ${row.cpuPerFold.toFixed(3)} s/fold, AUPR ${row.aupr.toFixed(3)}` +
          (octavePerFold === null ? '' : `, Octave ${octavePerFold.toFixed(2)} s/fold -> x${row.speedupWall!.toFixed(1)} wall, x${row.speedupCpu!.toFixed(1)} cpu`),
      );
    }
  }
}
const load1 = loadavg();
const meta = {
  date: new Date().toISOString(),
  engine: `${engine.name} (${engine.backend})`,
  node: process.version,
  cpus: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
  loadAverageStart: load0.map((x) => +x.toFixed(2)),
  loadAverageEnd: load1.map((x) => +x.toFixed(2)),
  octaveReference: 'MGRNNM original MATLAB code under Octave, one core, 5 x 10 folds: nr CVS1 26 s, gpcr CVS2 374 s (issue 6)',
  note: 'one repetition, first N folds per dataset; published presets; profiles "none"; MGRNNM svt "auto" (Gram eigensolve; thin SVD below 16)',
};
await writeJsonAtomic('bench/results/baselines.json', { meta, rows });
const fmt = (x: number | null, d = 2): string => (x === null ? '' : x.toFixed(d));
const md = [
  '# DTI baselines: seconds per fold',
  '',
  `${meta.date}; engine ${meta.engine}; node ${meta.node}; ${meta.cpus}; load average ${meta.loadAverageStart.join(' / ')} at start, ${meta.loadAverageEnd.join(' / ')} at end.`,
  '',
  `Reference: ${meta.octaveReference}. ${meta.note}.`,
  '',
  '| method | dataset | setting | folds | wall s/fold | CPU s/fold | Octave s/fold | speed-up (wall) | speed-up (CPU) | AUPR | AUC |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.method} | ${r.dataset} | ${r.setting} | ${r.folds} | ${fmt(r.wallPerFold, 3)} | ${fmt(r.cpuPerFold, 3)} | ${fmt(r.octavePerFold)} | ${fmt(r.speedupWall, 1)} | ${fmt(r.speedupCpu, 1)} | ${fmt(r.aupr, 3)} | ${fmt(r.auc, 3)} |`,
  ),
  '',
].join('\n');
await writeFileAtomic('bench/results/baselines.md', md);
console.log('wrote bench/results/baselines.json and bench/results/baselines.md');
