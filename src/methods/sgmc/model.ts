/** The interface every SGMC-family model offers to the optimiser loop. */
import type { Mat } from '../../core/matrix.ts';
import type { Tensor } from '../../engine/types.ts';

export interface Gradients {
  /** one entry per factor; null for factors that do not train */
  grads: (Tensor | null)[];
  /** total loss (summed over the batch) when asked for */
  loss?: number;
}

export interface FactorModel {
  /** factor names, e.g. ['P', 'C', 'Q'] or ['A', 'Z', 'B'] */
  readonly names: readonly string[];
  /** which factors train */
  readonly trainable: readonly boolean[];
  /** current factor tensors, owned by the model */
  readonly factors: readonly Tensor[];
  /** replace the factors (the model takes ownership of the new ones and disposes the old ones) */
  setFactors(fs: Tensor[]): void;
  /** closed-form gradients at the current factors; the caller disposes the returned tensors */
  gradients(withLoss: boolean): Gradients;
  loss(): number;
  /** the completed matrix of every batch item, downloaded, in the model's orientation */
  predict(): Mat[];
  /** multiply-adds of one gradient evaluation (for GFLOP/s figures) */
  readonly flopsPerIteration: number;
  dispose(): void;
}
