/** Picking the winner of a grid from its validation numbers. */
import type { SelectMetric } from './types.ts';
import { higherIsBetter } from '../metrics/index.ts';

/**
 * Index of the best value: the highest AUPR/AUC or the lowest RMSE. Undefined values (NaN, e.g. AUPR without a
 * positive among the validation cells) never win; ties and an all-undefined grid go to the earliest entry.
 */
export function chooseBest(values: readonly number[], metric: SelectMetric): number {
  if (!values.length) throw new RangeError('chooseBest: no candidates');
  const up = higherIsBetter(metric);
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const b = values[best];
    if (!Number.isFinite(b) || (up ? v > b : v < b)) best = i;
  }
  return best;
}
