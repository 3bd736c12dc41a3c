/**
 * The parameters a selection's winner is refitted with. With `select.scaleStep`: the winner was chosen by fits on
 * the inner training cells; refitted on all the training cells, a fixed-step method takes the same step per cell
 * when its step is scaled by the ratio of the two counts (the data term is a sum over cells; docs/selection.md).
 */
import { cellRatio, type Mat } from '../core/matrix.ts';
import type { Method } from '../methods/types.ts';
import type { ResolvedSelect } from './types.ts';

/** The refit's parameters; `stepRatio` only when the step was scaled. */
export interface WinnerParams {
  params: Record<string, unknown>;
  stepRatio?: number;
}

/**
 * The winner `candidates[choice]` as chosen, or with `scaleStep` through the method's own `scaleStep` rule with
 * ratio = nonzeros of `innerW` (the candidates' mask) / nonzeros of `W` (the refit's); `stepRatio` is that ratio.
 */
export function winnerParams(
  method: Method<Record<string, unknown>>,
  sel: ResolvedSelect,
  choice: number,
  innerW: Mat,
  W: Mat,
): WinnerParams {
  const chosen = sel.candidates[choice];
  if (!sel.scaleStep) return { params: chosen };
  if (!method.scaleStep) throw new Error(`${method.name} cannot scale its step (select.scaleStep)`);
  const stepRatio = cellRatio(innerW, W);
  return { params: method.scaleStep(chosen, stepRatio), stepRatio };
}
