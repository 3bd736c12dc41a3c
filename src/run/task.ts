/**
 * Tasks: one (dataset, setting, repetition, fold, method, params, protocol). A task spec is plain JSON so it can be
 * sent to a worker process or written to a SLURM task list. Its key hashes the content of every input.
 */
import { join } from 'node:path';
import { hashValue } from '../core/hash.ts';
import type { ProfileMode } from '../graphs/types.ts';
import type { Setting } from '../splits/types.ts';
import type { Protocol } from '../config/types.ts';

export interface TaskSpec {
  /** readable identity, also the record's relative path without extension: <dataset>/<setting>/<label>/rep<r>-fold<f> */
  id: string;
  /** content hash of the inputs */
  key: string;
  /** dataset reference as configured (registered name or manifest path) and its name */
  datasetRef: string;
  dataset: string;
  /** CVS1/2/3, or 'fixed' for a recommender set's published train/test split */
  setting: Setting | 'fixed';
  repetition: number;
  fold: number;
  /** registered method name, its label in outputs, version, preset and resolved parameters */
  method: string;
  label: string;
  methodVersion: string;
  preset: string | null;
  params: Record<string, unknown>;
  protocol: Protocol;
  profiles: ProfileMode;
  seed: number;
  /** absolute path of the fold-set file the fold comes from */
  foldsFile: string;
  engine: { name: string | null; backend: string | null; dtype: 'float32' | 'float64'; threads: number | null };
  /** absolute run output directory */
  outdir: string;
  savePredictions: boolean;
  data: { cacheDir: string | null; mirror: string | null; offline: boolean };
  plugins: string[];
}

/** What goes into a task key: everything that can change its numbers, by content. */
export interface KeyInputs {
  datasetChecksums: Record<string, string>;
  setting: string;
  repetition: number;
  fold: number;
  testCells: Int32Array;
  method: string;
  methodVersion: string;
  params: Record<string, unknown>;
  protocol: string;
  profiles: ProfileMode;
  engine: { name: string; dtype: string };
  seed: number;
}

export const taskKey = (k: KeyInputs): string => hashValue({ v: 1, ...k });

export const taskId = (dataset: string, setting: string, label: string, repetition: number, fold: number): string =>
  `${dataset}/${setting}/${label}/rep${repetition}-fold${fold}`;

/** Seed of a method run: a 31-bit integer derived from the base seed and the task identity. */
export function taskSeed(base: number, dataset: string, setting: string, label: string, repetition: number, fold: number): number {
  const h = hashValue({ base, dataset, setting, label, repetition, fold });
  return parseInt(h.slice(0, 8), 16) & 0x7fffffff;
}

export const recordFile = (outdir: string, id: string): string => join(outdir, 'records', `${id}.json`);
export const predictionsRel = (id: string): string => join('predictions', `${id}.tsv`);
export const foldsFileFor = (outdir: string, dataset: string, setting: string): string =>
  join(outdir, 'folds', `${dataset}-${setting}.json`);
export const graphCacheDir = (outdir: string): string => join(outdir, 'graphs');
