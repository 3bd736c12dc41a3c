/** The resolved pipeline configuration: schemas/config.schema.json with every default filled in. */
import type { Setting } from '../splits/types.ts';
import type { SelectSpec } from '../select/types.ts';

export type Protocol = 'leak-free' | 'published';

export interface MethodSpec {
  name: string;
  /** name in records, file paths and tables (default: name) */
  label: string;
  /** preset name, or null for the protocol's default */
  preset: string | null;
  params: Record<string, unknown>;
  /** WKNKN of each fold's training matrix, applied by the runner before the method (null = off) */
  wknkn: { K: number; eta: number } | null;
  /** traces the runner asks for and saves under traces/ (null = none) */
  traces: { singularValues: number; every: number } | null;
  /** nested hyper-parameter selection on an inner validation split of each fold's training data (null = off) */
  select: SelectSpec | null;
  /** engine precision of this method's tasks (null = the run's engine.dtype) */
  dtype: 'float32' | 'float64' | null;
}

export interface SlurmOptions {
  partition: string | null;
  account: string | null;
  time: string | null;
  mem: string | null;
  cpus: number;
  throttle: number | null;
  extraArgs: string[];
  pollSeconds: number;
  node: string | null;
}

export interface Config {
  name: string;
  /** absolute output directory */
  outdir: string;
  datasets: string[];
  settings: Setting[];
  methods: MethodSpec[];
  protocol: Protocol;
  profiles: 'train' | 'none' | null;
  /** graph cold-row policy (GraphProviderInput.coldRows) */
  coldRows: 'chemical-only' | 'chemical-scaled' | 'naive';
  cv: {
    repetitions: number;
    folds: number;
    seeds: Partial<Record<Setting, number[]>> | null;
    /** fold permutation generator (src/splits/generators.ts) */
    generator: string;
    onlyFolds: number[] | null;
    foldFiles: Record<string, string>;
  };
  seed: number;
  engine: {
    name: string | null;
    backend: string | null;
    dtype: 'float32' | 'float64';
    threads: number | null;
    /** OpenBLAS kernels: 'env', 'auto' or a core name (src/engine/blas-core.ts) */
    blasCore: string;
  };
  executor: { name: string; jobs: number | null; retries: number; slurm: SlurmOptions };
  resume: boolean;
  /** seconds between fit checkpoints of long fits (0 = none; src/run/checkpoint.ts) */
  checkpointSeconds: number;
  /** earlier runs' outdirs (absolute) whose matching valid records are copied instead of recomputed */
  reuse: string[];
  savePredictions: boolean;
  data: { cacheDir: string | null; mirror: string | null; offline: boolean };
  report: { aggregation: 'repetition' | 'fold'; published: boolean | null; optimistic: boolean };
  plugins: string[];
}
