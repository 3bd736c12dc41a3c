/** A small synthetic DTI problem and the plumbing to plan and run its tasks in-process (no worker processes). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mat, type Mat } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import type { Dataset, DtiDataset, RatingDataset } from '../../src/datasets/types.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import { loadDeps, type RunDeps } from '../../src/run/deps.ts';
import { datasetInfo, foldKey, planTasks } from '../../src/run/plan.ts';
import { TaskContext, runTask } from '../../src/run/execute.ts';
import type { TaskSpec } from '../../src/run/task.ts';
import type { TaskRecord } from '../../src/run/record.ts';
import type { FoldSet, Setting } from '../../src/splits/types.ts';

export const tmp = (p: string): string => mkdtempSync(join(tmpdir(), `dti-select-${p}-`));

/**
 * Drugs and targets in 3 clusters; a drug interacts with most targets of its own cluster (and a few others);
 * similarities are high within a cluster, plus noise.
 */
export function syntheticDti(rows = 36, cols = 30, seed = 7): DtiDataset {
  const rng = new Rng(seed);
  const k = 3;
  const cr = Array.from({ length: rows }, (_, i) => i % k);
  const cc = Array.from({ length: cols }, (_, j) => j % k);
  const Y = mat(rows, cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) Y.data[i * cols + j] = cr[i] === cc[j] ? (rng.next() < 0.7 ? 1 : 0) : rng.next() < 0.03 ? 1 : 0;
  }
  const sim = (c: number[]): Mat => {
    const n = c.length;
    const S = mat(n, n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) S.data[a * n + b] = a === b ? 1 : (c[a] === c[b] ? 0.6 : 0.1) + 0.2 * rng.next();
    }
    return S;
  };
  return {
    kind: 'dti', name: 'syn',
    drugIds: cr.map((_, i) => `d${i}`), targetIds: cc.map((_, j) => `t${j}`),
    Y, drugSim: sim(cr), targetSim: sim(cc),
    checksums: { interactions: 'a'.repeat(64), drugSim: 'b'.repeat(64), targetSim: 'c'.repeat(64) },
    notes: [],
  };
}

/** Ratings 1..5 = global mean + strong user and item biases + noise; 30 % of the cells rated, 20 % of those test. */
export function syntheticRatings(rows = 40, cols = 30, seed = 3): RatingDataset {
  const rng = new Rng(seed);
  const bu = Array.from({ length: rows }, () => 1.5 * (rng.next() - 0.5));
  const bi = Array.from({ length: cols }, () => 1.5 * (rng.next() - 0.5));
  const M = mat(rows, cols);
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < rows * cols; c++) {
    if (rng.next() > 0.3) continue;
    const v = 3 + bu[Math.floor(c / cols)] + bi[c % cols] + 0.3 * rng.normal();
    M.data[c] = Math.min(5, Math.max(1, v));
    (rng.next() < 0.2 ? test : train).push(c);
  }
  return {
    kind: 'ratings', name: 'synr', rows, cols, M, train: Int32Array.from(train), test: Int32Array.from(test),
    checksums: { ratings: 'd'.repeat(64) }, notes: [],
  };
}

export interface Harness {
  config: Config;
  deps: RunDeps;
  tasks: TaskSpec[];
  run(t: TaskSpec): Promise<TaskRecord>;
}

/** Plan a run of `ds` from config overrides (folds made in memory) and run its tasks in this process. */
export async function harness(ds: Dataset, overrides: Record<string, unknown>, wrap?: (d: RunDeps) => RunDeps): Promise<Harness> {
  const outdir = tmp('run');
  const config = loadConfig({ overrides: { datasets: [ds.name], cv: { repetitions: 1, folds: 5 }, engine: { name: 'js' }, outdir, ...overrides } });
  const real = await loadDeps();
  const folds = new Map<string, { file: string; set: FoldSet }>();
  if (ds.kind === 'dti') {
    for (const s of config.settings) {
      folds.set(foldKey(ds.name, s), { file: join(outdir, `folds-${s}.json`), set: real.makeFolds(s as Setting, ds.Y.rows, ds.Y.cols, { repetitions: 1, folds: 5 }) });
    }
  }
  const base: RunDeps = {
    ...real,
    loadDataset: async () => ds,
    readFolds: async (file) => [...folds.values()].find((f) => f.file === file)!.set,
  };
  const deps = wrap ? wrap(base) : base;
  const engine = await real.getEngine('js', { dtype: config.engine.dtype });
  const tasks = planTasks({ config, deps, datasets: [datasetInfo(ds.name, ds)], folds, engine: { name: engine.name, dtype: engine.dtype } });
  const ctx = new TaskContext(deps);
  return { config, deps, tasks, run: (t) => runTask(t, ctx) };
}
