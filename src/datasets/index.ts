/**
 * Dataset entry points. `ref` is a registered name (`datasetNames()`) or a path to a user manifest (.json).
 * Providers register themselves on import: the Yamanishi sets here; other modules (e.g. recommender sets) are
 * added by importing their registering module once.
 */
import { resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { Dataset } from './types.ts';
import { getDatasetEntry, registeredDatasets, type DatasetOptions } from './registry.ts';
import type { FetchReport } from './fetch.ts';
import { readManifest } from './manifest.ts';
import { fetchManifest, loadManifest } from './source.ts';
import './yamanishi.ts';
import './recsys/index.ts';

export type { Dataset, DtiDataset, RatingDataset } from './types.ts';
export type { DatasetOptions, DatasetEntry } from './registry.ts';
export { registerDataset } from './registry.ts';
export type { FetchReport, FileFetchReport, FetchAttempt, SourceKind, FetchFileSpec, FetchOptions } from './fetch.ts';
export { fetchFiles, FetchError } from './fetch.ts';
export { cacheRoot } from './source.ts';
export { formatFetchReport } from './report.ts';

/** True when `ref` names a manifest file rather than a registered dataset. */
export const isManifestRef = (ref: string): boolean => ref.endsWith('.json') || ref.includes('/') || ref.includes('\\');

function entry(ref: string) {
  const e = getDatasetEntry(ref);
  if (!e) {
    const close = datasetNames().filter((n) => n.toLowerCase().startsWith(ref.toLowerCase().slice(0, 2)));
    throw new InputError(`unknown dataset '${ref}'`, {
      field: 'dataset',
      hint: `${close.length ? `did you mean ${close.map((n) => `'${n}'`).join(' or ')}? ` : ''}known: ${datasetNames().join(', ')}; or give the path of a dataset manifest (.json)`,
    });
  }
  return e;
}

export async function loadDataset(ref: string, opts: DatasetOptions = {}): Promise<Dataset> {
  return isManifestRef(ref) ? loadManifest(readManifest(resolve(ref)), opts) : entry(ref).load(opts);
}

export async function fetchDataset(ref: string, opts: DatasetOptions = {}): Promise<FetchReport> {
  return isManifestRef(ref) ? fetchManifest(readManifest(resolve(ref)), opts) : entry(ref).fetch(opts);
}

/** Registered dataset names, in registration order. */
export const datasetNames = (): string[] => registeredDatasets().map((e) => e.name);

/** Registered datasets with kind and description (for `--help` and listings). */
export const datasetInfo = (): { name: string; kind: 'dti' | 'ratings'; description: string }[] =>
  registeredDatasets().map(({ name, kind, description }) => ({ name, kind, description }));
