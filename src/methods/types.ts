import type { Mat } from '../core/matrix.ts';
import type { Engine } from '../engine/types.ts';
import type { GraphProvider, GraphSpec, Side } from '../graphs/types.ts';

/** Scores of the test cells of a candidate score matrix (drugs x targets), for best-on-test (optimistic) numbers. */
export type TestProbe = (scores: Mat) => { auc?: number; aupr?: number; rmse?: number };

/** What a method is fitted on: one fold of one dataset. Rows = drugs (or users), columns = targets (or items). */
export interface FitInput {
  /** training values: labels/ratings with test cells (and any unobserved cells) set to 0 */
  Y: Mat;
  /** training mask: 1 where Y is a training observation, 0 on test cells (DTI: unknown pairs are observed zeros) */
  W: Mat;
  /** graphs for rows and columns, bound to this fold and protocol */
  graphs: GraphProvider;
  engine: Engine;
  seed: number;
  /** dataset name and CV setting, for presets that depend on them */
  dataset?: string;
  setting?: string;
  /** called with progress (0..1) and optional numbers to trace (e.g. loss), never required */
  onProgress?: (fraction: number, info?: Record<string, number>) => void;
  /**
   * Optional test-cell probe, given by the runner only when the config asks for optimistic numbers: a method that
   * can evaluate intermediate iterates reports the best probe values (`optimistic_*` in `info`); never the main number.
   */
  probe?: TestProbe;
  /** Optional: record the top `k` singular values of the iterate every `every` updates (`traces.singularValues`). */
  traceSingularValues?: { k: number; every: number };
  /**
   * Optional checkpoints, given by the runner for long fits: an iterative method saves its state through `save`
   * every `everySeconds` and, when `load()` gives a state, continues from it; the result is the one an uninterrupted
   * fit gives. Methods that finish quickly ignore it.
   */
  checkpoint?: FitCheckpoint;
}

/** Where a fit keeps its state between runs (`src/run/checkpoint.ts` keeps it in a file). */
export interface FitCheckpoint {
  /** seconds between saves (0 = at every evaluation point) */
  everySeconds: number;
  /** the last saved state, or null */
  load(): unknown;
  save(state: unknown): void;
  /** where it is kept (for messages) */
  where: string;
}

/** A graph a method will ask its provider for (so the graphs stage can build and cache it ahead of the run). */
export interface GraphUse {
  side: Side;
  spec: GraphSpec;
  /** eigenpairs wanted (default all) */
  k?: number;
  /** what the method reads: the eigenbasis (default; cached on disk) or the Laplacian only */
  use?: 'eigenbasis' | 'laplacian';
}

export interface FitOutput {
  /** scores for every cell (rows x cols); the runner scores the test cells */
  scores: Mat;
  /** extra numbers worth keeping in the task record (iterations run, final loss, ...) */
  info?: Record<string, number | string>;
  /** optional traces (e.g. singular values per checkpoint) for plots */
  traces?: Record<string, number[][]>;
}

export interface Method<P = Record<string, unknown>> {
  /** registry name, e.g. 'sgmc', 'grmf' */
  readonly name: string;
  /** bump when the numbers a method produces change: part of every task key */
  readonly version: string;
  readonly description: string;
  /** JSON Schema (draft 2020-12) of the hyper-parameters, with defaults */
  readonly paramsSchema: Record<string, unknown>;
  /** named presets, e.g. 'published', resolved per dataset and setting */
  presets?: Record<string, (ctx: { dataset?: string; setting?: string }) => Partial<P>>;
  fit(input: FitInput, params: P): Promise<FitOutput>;
  /** the graphs `fit` will ask for with these (resolved) params; optional */
  graphSpecs?(params: P, ctx: { dataset?: string; setting?: string }): GraphUse[];
  /**
   * Optional, for methods whose step does not adapt to the training set: the parameters that take the same
   * effective step on a training set with 1 / `ratio` times the cells these parameters were chosen on (`ratio` =
   * cells chosen on / cells trained on). Nested selection's `scaleStep` refits its winner with them.
   */
  scaleStep?(params: P, ratio: number): P;
}
