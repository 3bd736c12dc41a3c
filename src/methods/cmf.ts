/**
 * `cmf`: collaborative matrix factorisation (Zheng et al. 2013) as run in Ezzat's survey harness: truncated-SVD
 * initialisation (k = 100, capped), 2 weighted row-wise ALS sweeps, raw (optionally symmetrised) similarities.
 * Optional WKNKN preprocessing of the training matrix.
 */
import { mm } from './baselines/linalg.ts';
import { svdInit, cappedRank } from './baselines/init.ts';
import { cmfSolve } from './baselines/cmf-core.ts';
import { CMF_PUBLISHED, published, publishedAsRun } from './baselines/params.ts';
import {
  checkInputShapes, checkInteger, checkNumbers, commonSchemaProperties, ones, similarity, trainingMatrix, withDefaults,
  type CommonParams,
} from './baselines/common.ts';
import { registerMethod } from './registry.ts';
import type { FitInput, FitOutput, Method } from './types.ts';

export interface CmfParams extends CommonParams {
  k: number;
  iterations: number;
  lambdaL: number;
  lambdaD: number;
  lambdaT: number;
  /** mask test cells (as in the harness) or fit them as observed zeros */
  weighted: boolean;
}

export const CMF_DEFAULTS: CmfParams = {
  k: 100,
  iterations: 2,
  lambdaL: 1,
  lambdaD: 0.25,
  lambdaT: 0.5,
  weighted: true,
  symmetrize: true,
  combineProfiles: false,
  wknkn: null,
};

export const cmfSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'cmf hyper-parameters',
  type: 'object',
  additionalProperties: false,
  properties: {
    k: { type: 'integer', minimum: 1, default: 100, description: 'latent rank, capped by min(rows, cols)' },
    iterations: { type: 'integer', minimum: 1, default: 2, description: 'ALS sweeps' },
    lambdaL: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Tikhonov weight on A and B' },
    lambdaD: { type: 'number', minimum: 0, default: 0.25, description: 'weight of ||Sd - A A^T||^2' },
    lambdaT: { type: 'number', minimum: 0, default: 0.5, description: 'weight of ||St - B B^T||^2' },
    weighted: { type: 'boolean', default: true, description: 'test cells get weight 0' },
    ...commonSchemaProperties,
  },
} as const;

export async function fitCmf(input: FitInput, params: Partial<CmfParams>): Promise<FitOutput> {
  const p = withDefaults('cmf', CMF_DEFAULTS, params);
  checkNumbers('cmf', p, ['lambdaD', 'lambdaT']);
  checkNumbers('cmf', p, ['lambdaL'], 0, true);
  checkInteger('cmf', p, 'k', 1);
  checkInteger('cmf', p, 'iterations', 1);
  checkInputShapes(input);
  const { engine } = input;
  const Y = trainingMatrix(input, p);
  const W = p.weighted ? input.W : ones(Y.rows, Y.cols);
  const Sd = similarity(input, 'rows', p);
  const St = similarity(input, 'cols', p);
  const init = svdInit(engine, Y, p.k);
  input.onProgress?.(0.1);
  const pr = { Y, W, Sd, St, lambdaL: p.lambdaL, lambdaD: p.lambdaD, lambdaT: p.lambdaT };
  const { A, B } = cmfSolve(engine, init, pr, p.iterations);
  input.onProgress?.(1);
  return {
    scores: mm(engine, A, B, { transB: true }),
    info: { rank: cappedRank(p.k, Y.rows, Y.cols), sweeps: p.iterations, wknkn: p.wknkn ? 1 : 0 },
  };
}

export const cmfMethod: Method<CmfParams> = {
  name: 'cmf',
  version: '1',
  description: 'Collaborative matrix factorisation (Zheng et al. 2013) with weighted ALS from a truncated SVD',
  paramsSchema: cmfSchema,
  presets: {
    published: (ctx) => ({ ...published(CMF_PUBLISHED, 'cmf', ctx), k: 100, iterations: 2, weighted: true }),
    'published-as-run': (ctx) => ({ ...publishedAsRun(CMF_PUBLISHED, 'cmf', ctx), k: 100, iterations: 2, weighted: true }),
  },
  fit: fitCmf,
};

registerMethod(cmfMethod);
