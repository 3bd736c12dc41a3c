import type { Mat } from '../core/matrix.ts';
import type { Eigen } from '../engine/types.ts';

/** Which interaction profiles feed the graph: none (chemical/genomic only), the fold's training matrix, or the
 * full matrix (the published, leaky protocol). */
export type ProfileMode = 'none' | 'train' | 'full';

export type LaplacianKind = 'combinatorial' | 'normalized';

/** How nodes with an empty (all-zero) interaction profile enter the combined similarity (docs/graphs.md):
 * 'chemical-only' (default): their pairs carry only the chemical/genomic similarity; p-NN ranks them by it as is,
 * edge weights put it on the combined scale (x14);
 * 'chemical-scaled': the same, but p-NN also ranks by the x14 values;
 * 'naive': profile similarities computed for them as for any node. */
export type ColdRows = 'chemical-only' | 'chemical-scaled' | 'naive';

/** How to turn a similarity matrix into a graph. */
export interface GraphSpec {
  /** (S + S^T)/2 first (default true) */
  symmetrize?: boolean;
  /** add interaction-profile similarities (MGRNNM "combined" recipe) */
  combineProfiles?: boolean;
  /** p-nearest-neighbour sparsification; null/undefined = dense graph */
  knn?: number | null;
  laplacian: LaplacianKind;
  /** cold-row handling when profiles are combined; default: the provider's `coldRows` */
  coldRows?: ColdRows;
}

export type Side = 'rows' | 'cols';

/**
 * Graphs for one fold, bound to that fold's protocol (which interaction matrix the profiles come from) and to an
 * on-disk eigenbasis cache. Methods ask for what they need by spec; the provider does the caching.
 */
export interface GraphProvider {
  readonly profiles: ProfileMode;
  /** the provider's default cold-row handling (specs may override it); record it with `profiles` */
  readonly coldRows?: ColdRows;
  /** adjacency W after symmetrisation, profile combination and p-NN sparsification */
  adjacency(side: Side, spec: GraphSpec): Mat;
  /** the similarity matrix before sparsification (raw, symmetrised and/or profile-combined per spec) */
  similarity(side: Side, spec: Omit<GraphSpec, 'knn' | 'laplacian'>): Mat;
  laplacian(side: Side, spec: GraphSpec): Mat;
  /** eigenpairs of the Laplacian, ascending; k = only the first k */
  eigenbasis(side: Side, spec: GraphSpec, k?: number): Promise<Eigen>;
}

/** Inputs of `createGraphProvider` (src/graphs/provider.ts). */
export interface GraphProviderInput {
  /** row similarity (drugs x drugs), or a given row adjacency for recommender sets */
  rowSim: Mat;
  /** column similarity (targets x targets), or a given column adjacency */
  colSim: Mat;
  profiles: ProfileMode;
  /** the matrix interaction profiles come from: the fold's training Y ('train'), the full Y ('full'), null ('none') */
  profileY: Mat | null;
  engine: import('../engine/types.ts').Engine;
  /** directory of the on-disk eigenbasis cache (content-hashed, atomic); no caching when absent */
  cacheDir?: string;
  /** default cold-row handling for specs that do not say (default 'chemical-only') */
  coldRows?: ColdRows;
  /** told when a cache file fails verification and is recomputed */
  onCacheInvalid?: (path: string, reason: string) => void;
}
