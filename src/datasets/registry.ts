/**
 * Registry of named datasets. Each provider module calls `registerDataset` at import time (Yamanishi sets in
 * `yamanishi.ts`, recommender sets in `recsys/index.ts`); importing the module is all it takes to add its names.
 */
import type { Dataset } from './types.ts';
import type { FetchReport } from './fetch.ts';

/** Options every dataset's `load` and `fetch` accept. */
export interface DatasetOptions {
  /** cache root (default: env DTI_CACHE, else `<repo>/.cache/datasets`) */
  cacheDir?: string;
  /** mirror directory or base URL (default: env DTI_MIRROR) */
  mirror?: string;
  /** no network: cache, mirror directory and bundled copies only */
  offline?: boolean;
  /** per-request timeout (ms) and retries for downloads */
  timeoutMs?: number;
  retries?: number;
  /** progress messages */
  log?: (message: string) => void;
}

export interface DatasetEntry {
  name: string;
  kind: 'dti' | 'ratings';
  description: string;
  load(opts: DatasetOptions): Promise<Dataset>;
  fetch(opts: DatasetOptions): Promise<FetchReport>;
}

const entries = new Map<string, DatasetEntry>();

export function registerDataset(entry: DatasetEntry): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(entry.name)) throw new Error(`bad dataset name ${JSON.stringify(entry.name)}`);
  if (entries.has(entry.name)) throw new Error(`dataset ${entry.name} is already registered`);
  entries.set(entry.name, entry);
}

export const getDatasetEntry = (name: string): DatasetEntry | undefined => entries.get(name);

/** Registered names, in registration order. */
export const registeredDatasets = (): DatasetEntry[] => [...entries.values()];
