/** Shared pieces of the SGMC benchmark: one dataset's folds as `FitInput`s, scoring, and timing helpers. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mat } from '../src/core/matrix.ts';
import { loadDataset } from '../src/datasets/index.ts';
import type { DtiDataset } from '../src/datasets/types.ts';
import type { Engine } from '../src/engine/types.ts';
import { createGraphProvider } from '../src/graphs/provider.ts';
import type { ColdRows, ProfileMode } from '../src/graphs/types.ts';
import { scoreTestCells } from '../src/metrics/index.ts';
import type { FitInput, FitOutput } from '../src/methods/types.ts';
import { makeFolds, trainingView } from '../src/splits/index.ts';
import type { Fold, Setting } from '../src/splits/types.ts';
import type { ProbedFitInput } from '../src/methods/sgmc/fit.ts';

export interface FoldCase {
  input: ProbedFitInput;
  fold: Fold;
}

const cacheDir = mkdtempSync(join(tmpdir(), 'sgmc-bench-eig-'));

export async function dti(name: string): Promise<DtiDataset> {
  const ds = await loadDataset(name, { offline: true });
  if (ds.kind !== 'dti') throw new Error(`${name} is not a DTI dataset`);
  return ds;
}

/** Inputs for the given folds of one repetition. */
export function foldCases(
  ds: DtiDataset,
  engine: Engine,
  opts: { setting?: Setting; repetition?: number; folds: number[]; profiles: ProfileMode; probe?: boolean; coldRows?: ColdRows },
): FoldCase[] {
  const set = makeFolds(opts.setting ?? 'CVS1', ds.Y.rows, ds.Y.cols, { repetitions: (opts.repetition ?? 0) + 1 });
  const rep = set.folds.filter((f) => f.repetition === (opts.repetition ?? 0));
  return opts.folds.map((k) => {
    const fold = rep[k];
    const { Y, W } = trainingView(ds.Y, fold);
    const graphs = createGraphProvider({
      rowSim: ds.drugSim,
      colSim: ds.targetSim,
      profiles: opts.profiles,
      profileY: opts.profiles === 'train' ? Y : opts.profiles === 'full' ? ds.Y : null,
      engine,
      cacheDir,
      ...(opts.coldRows ? { coldRows: opts.coldRows } : {}),
    });
    const input: ProbedFitInput = { Y, W, graphs, engine, seed: 1000 + k, dataset: ds.name, setting: set.setting };
    if (opts.probe) input.probe = (X: Mat) => score(ds, fold, X) as Record<string, number>;
    return { input, fold };
  });
}

export function score(ds: DtiDataset, fold: Fold, X: Mat): { auc: number; aupr: number; rmse: number } {
  const m = scoreTestCells(X, ds.Y, fold.testCells, 'dti');
  return { auc: m.auc ?? NaN, aupr: m.aupr ?? NaN, rmse: m.rmse };
}

export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function summarise(ds: DtiDataset, cases: FoldCase[], outs: FitOutput[]): { auc: number; aupr: number; optimisticAupr: number } {
  const s = outs.map((o, i) => score(ds, cases[i].fold, o.scores));
  const opt = outs.map((o) => Number(o.info?.optimistic_aupr ?? NaN));
  return { auc: mean(s.map((x) => x.auc)), aupr: mean(s.map((x) => x.aupr)), optimisticAupr: mean(opt) };
}

export async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, (performance.now() - t0) / 1000];
}

export type { FitInput };
