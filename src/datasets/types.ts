import type { Mat } from '../core/matrix.ts';

/** A drug-target interaction dataset, oriented drugs x targets. */
export interface DtiDataset {
  kind: 'dti';
  name: string;
  drugIds: string[];
  targetIds: string[];
  /** interactions, drugs x targets, entries 0/1 */
  Y: Mat;
  /** drug-drug similarity (drugs x drugs), as given (may be asymmetric) */
  drugSim: Mat;
  /** target-target similarity (targets x targets) */
  targetSim: Mat;
  /** sha256 of every source file, by role (interactions, drugSim, targetSim) */
  checksums: Record<string, string>;
  /** notes found while loading (e.g. asymmetry of the drug similarity) */
  notes: string[];
}

/** A recommender benchmark with a fixed train/test split (ratings; 0 = no rating). */
export interface RatingDataset {
  kind: 'ratings';
  name: string;
  rows: number;
  cols: number;
  /** all known ratings (train and test), rows x cols, 0 where unrated */
  M: Mat;
  /** row-major linear indices of the training and test ratings, ascending, disjoint */
  train: Int32Array;
  test: Int32Array;
  /** given graphs (adjacency, symmetric, nonnegative) when the benchmark ships them */
  rowAdjacency?: Mat;
  colAdjacency?: Mat;
  /** side features from which k-NN graphs can be built (e.g. ML-1M) */
  rowFeatures?: Mat;
  colFeatures?: Mat;
  checksums: Record<string, string>;
  notes: string[];
}

export type Dataset = DtiDataset | RatingDataset;
