/**
 * Registers the recommender benchmarks (one manifest each in `datasets/recsys/`) in the dataset registry.
 * Import this module once (src/datasets/index.ts does) to make the names known to `loadDataset`/`fetchDataset`.
 */
import { join } from 'node:path';
import { registerDataset } from '../registry.ts';
import { readRecsysManifest, recsysManifestDir, type RecsysManifest } from './manifest.ts';
import { fetchRecsys, loadRecsys } from './source.ts';

/** Registered recommender datasets, in the order of the paper's tables. */
export const RECSYS_DATASETS = [
  'synthetic-netflix', 'flixster', 'flixster-users', 'douban', 'ml-100k', 'ml-100k-grouplens', 'ml-1m', 'yahoo-music',
] as const;
export type RecsysName = (typeof RECSYS_DATASETS)[number];

export const recsysManifest = (name: RecsysName): RecsysManifest => readRecsysManifest(join(recsysManifestDir, `${name}.json`));

for (const name of RECSYS_DATASETS) {
  const m = recsysManifest(name);
  registerDataset({
    name,
    kind: 'ratings',
    description: m.description,
    load: (opts) => loadRecsys(m, opts),
    fetch: (opts) => fetchRecsys(m, opts),
  });
}

export { loadRecsys, fetchRecsys } from './source.ts';
export { readRecsysManifest, validateRecsysManifest } from './manifest.ts';
export type { RecsysManifest } from './manifest.ts';
