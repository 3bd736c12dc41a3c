/**
 * What the run stage needs from the other modules, behind one interface so the runner can be tested with a toy
 * method or dataset. `loadDeps()` binds the real modules (every method of src/methods/all.ts is registered).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Dataset } from '../datasets/types.ts';
import type { FoldSet, Setting } from '../splits/types.ts';
import type { Mat } from '../core/matrix.ts';
import type { Fold } from '../splits/types.ts';
import type { Engine, EngineOptions } from '../engine/types.ts';
import type { GraphProvider, GraphProviderInput } from '../graphs/types.ts';
import type { Method } from '../methods/types.ts';
import type { FoldMetrics, TaskRecord } from './record.ts';
import { makeFolds, readFolds, writeFolds, trainingView, type FoldOptions } from '../splits/index.ts';
import { createGraphProvider } from '../graphs/provider.ts';
import { scoreTestCells } from '../metrics/index.ts';
import { getEngine } from '../engine/registry.ts';
import { getMethod, methodNames } from '../methods/registry.ts';
import { getDatasetEntry } from '../datasets/registry.ts';
import '../datasets/yamanishi.ts';
import '../methods/all.ts';

export interface DataOptions {
  cacheDir?: string;
  mirror?: string;
  offline?: boolean;
  log?: (m: string) => void;
}

export interface RunDeps {
  loadDataset(ref: string, opts: DataOptions): Promise<Dataset>;
  fetchDataset(ref: string, opts: DataOptions): Promise<unknown>;
  makeFolds(setting: Setting, rows: number, cols: number, opts: FoldOptions): FoldSet;
  writeFolds(path: string, set: FoldSet): Promise<void>;
  readFolds(path: string, expect?: { rows: number; cols: number; setting?: Setting }): Promise<FoldSet>;
  trainingView(Y: Mat, fold: Fold): { Y: Mat; W: Mat };
  createGraphProvider(input: GraphProviderInput): GraphProvider;
  scoreTestCells(scores: Mat, truth: Mat, testCells: Int32Array, kind: 'dti' | 'ratings'): FoldMetrics;
  getEngine(name?: string, opts?: EngineOptions): Promise<Engine>;
  getMethod(name: string): Method<Record<string, unknown>>;
  methodNames(): string[];
  buildReport?(records: TaskRecord[], outDir: string, opts?: Record<string, unknown>): Promise<string[]>;
}

/** Import user plugin modules (e.g. files that register extra methods), once each. */
const pluginsDone = new Set<string>();
export async function loadPlugins(paths: string[]): Promise<void> {
  for (const p of paths) {
    const abs = resolve(p);
    if (pluginsDone.has(abs)) continue;
    pluginsDone.add(abs);
    await import(pathToFileURL(abs).href);
  }
}

/**
 * The full dataset module registers the recommender sets too, whose MAT reader (h5wasm) costs seconds of start-up
 * in every worker. The Yamanishi sets are served straight from their registry entry; anything else (user manifests,
 * recommender sets) loads the full module on first use.
 */
let datasetsIndex: Promise<typeof import('../datasets/index.ts')> | undefined;
const fullDatasets = (): Promise<typeof import('../datasets/index.ts')> => (datasetsIndex ??= import('../datasets/index.ts'));
const quickEntry = (ref: string) => (/[\\/]|\.json$/.test(ref) ? undefined : getDatasetEntry(ref));

async function loadDataset(ref: string, opts: DataOptions): Promise<Dataset> {
  const e = quickEntry(ref);
  return e ? e.load(opts) : (await fullDatasets()).loadDataset(ref, opts);
}

async function fetchDataset(ref: string, opts: DataOptions): Promise<unknown> {
  const e = quickEntry(ref);
  return e ? e.fetch(opts) : (await fullDatasets()).fetchDataset(ref, opts);
}

export async function loadDeps(): Promise<RunDeps> {
  return {
    loadDataset,
    fetchDataset,
    makeFolds,
    writeFolds,
    readFolds,
    trainingView,
    createGraphProvider,
    scoreTestCells,
    getEngine,
    getMethod,
    methodNames,
    // the report pulls in vega and resvg: imported only when a report is built
    buildReport: async (r, d, o) => (await import('../report/index.ts')).buildReport(r, d, o),
  };
}
