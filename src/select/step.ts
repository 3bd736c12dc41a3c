/**
 * `select.scaleStep`: the winner of a selection was chosen by fits on the inner training cells; refitted on all the
 * fold's training cells, a fixed-step method takes the same step per cell when its step is scaled by the ratio of
 * the two counts (the data term is a sum over cells; docs/selection.md).
 */
import { countNonzero, type Mat } from '../core/matrix.ts';
import type { Method } from '../methods/types.ts';

/** cells the candidates were fitted on / cells the winner is refitted on (nonzeros of the two training masks) */
export function cellRatio(innerW: Mat, W: Mat): number {
  const all = countNonzero(W);
  if (all === 0) throw new RangeError('no training cells to refit on');
  return countNonzero(innerW) / all;
}

/** the winner's parameters with the step scaled through the method's own rule */
export function stepScaledWinner(method: Method<Record<string, unknown>>, params: Record<string, unknown>, ratio: number): Record<string, unknown> {
  if (!method.scaleStep) throw new Error(`${method.name} cannot scale its step (select.scaleStep)`);
  return method.scaleStep(params, ratio);
}
