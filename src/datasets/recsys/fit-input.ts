/**
 * A recommender benchmark as a method input: training ratings Y and mask W from the fixed split, and a graph
 * provider over the given adjacencies (profiles 'none': the graphs never see ratings). A side without a graph gets
 * a zero adjacency; methods must then use an identity basis on it (SGMC family: `rowBasis`/`colBasis: 'identity'`,
 * which `table5Params` sets).
 */
import { mat } from '../../core/matrix.ts';
import type { Engine } from '../../engine/types.ts';
import { createGraphProvider } from '../../graphs/provider.ts';
import type { FitInput } from '../../methods/types.ts';
import type { RatingDataset } from '../types.ts';
import { ratingTrainingView } from './ratings.ts';

export function ratingFitInput(d: RatingDataset, opts: { engine: Engine; seed: number; cacheDir?: string }): FitInput {
  const { Y, W } = ratingTrainingView(d);
  const graphs = createGraphProvider({
    rowSim: d.rowAdjacency ?? mat(d.rows, d.rows),
    colSim: d.colAdjacency ?? mat(d.cols, d.cols),
    profiles: 'none',
    profileY: null,
    engine: opts.engine,
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
  });
  return { Y, W, graphs, engine: opts.engine, seed: opts.seed, dataset: d.name };
}

/** RMSE on the test cells. */
export function testRmse(d: RatingDataset, scores: { data: Float64Array }): number {
  let s = 0;
  for (const c of d.test) s += (scores.data[c] - d.M.data[c]) ** 2;
  return Math.sqrt(s / d.test.length);
}
