/** Cross-validation settings: CVS1 = pairs, CVS2 = new drugs (whole rows), CVS3 = new targets (whole columns). */
export type Setting = 'CVS1' | 'CVS2' | 'CVS3';

export interface Fold {
  /** 0-based repetition index */
  repetition: number;
  /** 0-based fold index */
  fold: number;
  /** test cells as row-major linear indices (row * cols + col) into the drugs x targets matrix, ascending */
  testCells: Int32Array;
  /** CVS2: the held-out rows (drugs); CVS3: the held-out columns (targets); ascending */
  testRows?: Int32Array;
  testCols?: Int32Array;
}

export interface FoldSet {
  setting: Setting;
  rows: number;
  cols: number;
  /** seeds used per repetition (absent for imported folds) */
  seeds?: number[];
  /** permutation generator of generated folds (src/splits/generators.ts; absent for imported folds) */
  generator?: string;
  folds: Fold[];
}
