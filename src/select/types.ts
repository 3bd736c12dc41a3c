/** Nested hyper-parameter selection: the config's `methods[i].select` and its resolved, per-task form. */

/** Validation metric a candidate is judged by: higher AUPR/AUC or lower RMSE wins. */
export type SelectMetric = 'aupr' | 'auc' | 'rmse';

/** `methods[i].select` as written in a config (schemas/config.schema.json). */
export interface SelectSpec {
  /** partial hyper-parameters, each merged over the method's resolved parameters; at least 2 */
  grid: Record<string, unknown>[];
  /** default: aupr for DTI sets, rmse for rating sets */
  metric: SelectMetric | null;
  /** share of the fold's training cells (CVS1, ratings) or rows/columns (CVS2/CVS3) held out, in (0, 0.5] */
  fraction: number;
  /**
   * refit the winner with its step scaled by (inner training cells) / (fold training cells), through the method's
   * `scaleStep` (fixed-step methods); default false = the winner's parameters as they are
   */
  scaleStep?: boolean;
}

/** What a task runs: every candidate's full, schema-validated parameters, the metric and the fraction. */
export interface ResolvedSelect {
  /** the config's grid entries as written (for the record) */
  grid: Record<string, unknown>[];
  /** grid[i] merged over the resolved parameters and filled with schema defaults */
  candidates: Record<string, unknown>[];
  metric: SelectMetric;
  fraction: number;
  /** true: the winner is refitted through the method's `scaleStep` (absent = false) */
  scaleStep?: boolean;
}

/** Default validation fraction. */
export const DEFAULT_SELECT_FRACTION = 0.1;
