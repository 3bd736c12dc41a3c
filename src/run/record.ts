import type { EngineInfo } from '../engine/types.ts';
import type { ColdRows, ProfileMode } from '../graphs/types.ts';

/** Metrics on one fold's test cells. `optimistic*` numbers (best-on-test stopping) are kept apart, labelled. */
export interface FoldMetrics {
  auc?: number;
  aupr?: number;
  rmse: number;
  /** only for methods that can report an early-stopping-on-test number; never mixed into the main columns */
  optimistic?: { rmse?: number; auc?: number; aupr?: number; iteration?: number };
}

/** One task = (dataset, setting, repetition, fold, method, params, protocol). One JSON file per task. */
export interface TaskRecord {
  schema: 'sgmc-dti/task-result/1';
  /** content hash of the task's inputs */
  key: string;
  task: {
    dataset: string;
    setting: string;
    repetition: number;
    fold: number;
    method: string;
    methodVersion: string;
    /** registered method name, when `method` is a user label that differs from it */
    methodName?: string;
    params: Record<string, unknown>;
    /** preset the parameters started from */
    preset?: string | null;
    /** seed given to the method */
    seed?: number;
    /** protocol name: 'leak-free' or 'published' (or a user name) and the profile mode it implies */
    protocol: string;
    profiles: ProfileMode;
    /** the graph provider's cold-row policy (how nodes with an empty training profile are linked) */
    coldRows?: ColdRows;
    /** WKNKN the runner applied to the training matrix before the method */
    wknkn?: { K: number; eta: number };
    /** nested selection the runner did (docs/selection.md): metric, validation fraction, the grid as configured */
    select?: { metric: 'aupr' | 'auc' | 'rmse'; fraction: number; grid: Record<string, unknown>[]; scaleStep?: true };
    /** the winner's full parameters (info.select_choice is its grid index); `params` stays the base */
    selected?: Record<string, unknown>;
  };
  metrics: FoldMetrics;
  nTest: number;
  nPositives?: number;
  engine: EngineInfo;
  timing: { start: string; end: string; seconds: number; peakRssMb: number };
  info?: Record<string, number | string>;
  /** relative path of saved predictions, when asked for */
  predictions?: string;
  /** relative path of the method's saved traces (JSON of FitOutput.traces), when asked for */
  traces?: string;
}
