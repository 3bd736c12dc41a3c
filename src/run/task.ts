/**
 * Tasks: one (dataset, setting, repetition, fold, method, params, protocol). A task spec is plain JSON so it can be
 * sent to a worker process or written to a SLURM task list. Its key hashes the content of every input.
 */
import { join } from 'node:path';
import { hashValue } from '../core/hash.ts';
import type { ColdRows, ProfileMode } from '../graphs/types.ts';
import type { Setting } from '../splits/types.ts';
import type { Protocol } from '../config/types.ts';
import type { ResolvedSelect } from '../select/types.ts';

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
  /** graph cold-row policy of the fold's provider */
  coldRows: ColdRows;
  /** WKNKN of the training matrix applied by the runner (null = off) */
  wknkn: { K: number; eta: number } | null;
  /** traces to ask the method for and save (null = none) */
  traces: { singularValues: number; every: number } | null;
  /** give the method a test-cell probe and record metrics.optimistic */
  optimistic: boolean;
  /** nested hyper-parameter selection on an inner split of the fold's training data (null = off; `params` is then the base) */
  select: ResolvedSelect | null;
  seed: number;
  /** absolute path of the fold-set file the fold comes from */
  foldsFile: string;
  engine: { name: string | null; backend: string | null; dtype: 'float32' | 'float64'; threads: number | null };
  /** absolute run output directory */
  outdir: string;
  savePredictions: boolean;
  /** seconds between fit checkpoints (0 or absent = none); not part of the key: a checkpointed fit gives the same numbers */
  checkpointSeconds?: number;
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
  coldRows?: ColdRows;
  wknkn?: { K: number; eta: number } | null;
  traces?: { singularValues: number; every: number } | null;
  optimistic?: boolean;
  /** selection: metric, fraction and every candidate's full parameters */
  select?: { metric: string; fraction: number; candidates: Record<string, unknown>[]; scaleStep?: boolean } | null;
}

/** Default cold-row policy: implied by key version 1 (a key names coldRows only when it differs). */
export const DEFAULT_COLD_ROWS: ColdRows = 'chemical-only';

/**
 * Task key. Inputs added after key version 1 (cold rows, runner WKNKN, traces, optimistic probe, selection) enter the hash
 * only when they differ from their default, so the keys of existing records of default runs stay valid.
 */
export function taskKey(k: KeyInputs): string {
  const { coldRows, wknkn, traces, optimistic, select, ...base } = k;
  return hashValue({
    v: 1,
    ...base,
    ...(coldRows && coldRows !== DEFAULT_COLD_ROWS ? { coldRows } : {}),
    ...(wknkn ? { wknkn } : {}),
    ...(traces ? { traces } : {}),
    ...(optimistic ? { optimistic: true } : {}),
    ...(select
      ? { select: { metric: select.metric, fraction: select.fraction, candidates: select.candidates, ...(select.scaleStep ? { scaleStep: true } : {}) } }
      : {}),
  });
}

export const taskId = (dataset: string, setting: string, label: string, repetition: number, fold: number): string =>
  `${dataset}/${setting}/${label}/rep${repetition}-fold${fold}`;

/** Seed of a method run: a 31-bit integer derived from the base seed and the task identity. */
export function taskSeed(base: number, dataset: string, setting: string, label: string, repetition: number, fold: number): number {
  const h = hashValue({ base, dataset, setting, label, repetition, fold });
  return parseInt(h.slice(0, 8), 16) & 0x7fffffff;
}

export const recordFile = (outdir: string, id: string): string => join(outdir, 'records', `${id}.json`);
export const predictionsRel = (id: string): string => join('predictions', `${id}.tsv`);
export const tracesRel = (id: string): string => join('traces', `${id}.json`);
export const foldsFileFor = (outdir: string, dataset: string, setting: string): string =>
  join(outdir, 'folds', `${dataset}-${setting}.json`);
export const graphCacheDir = (outdir: string): string => join(outdir, 'graphs');
