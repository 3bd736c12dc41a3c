/**
 * `grmf`: (weighted) graph-regularised matrix factorisation (Ezzat et al. 2017) as run by the published DTI
 * harness: truncated-SVD initialisation (k = 100, capped by size), 2 row-wise ALS sweeps, symmetric normalised
 * Laplacians of the p-NN sparsified similarities. `weighted: true` (WGRMF, default) masks the test cells;
 * `weighted: false` (GRMF) fits them as observed zeros. Optional WKNKN preprocessing of the training matrix.
 */
import { mm } from './baselines/linalg.ts';
import { svdInit, cappedRank } from './baselines/init.ts';
import { grmfSolve } from './baselines/grmf-core.ts';
import { GRMF_PUBLISHED, published, publishedAsRun } from './baselines/params.ts';
import {
  checkInputShapes, checkInteger, checkNumbers, commonSchemaProperties, ones, pnnLaplacian, pnnLaplacianSpecs, trainingMatrix, withDefaults,
  type CommonParams,
} from './baselines/common.ts';
import { registerMethod } from './registry.ts';
import type { FitInput, FitOutput, Method } from './types.ts';

export interface GrmfParams extends CommonParams {
  /** latent rank (capped by min(rows, cols)) */
  k: number;
  /** ALS sweeps */
  iterations: number;
  lambdaL: number;
  lambdaD: number;
  lambdaT: number;
  /** p-NN size of both graphs */
  p: number;
  /** WGRMF (mask test cells) or GRMF (test cells as observed zeros) */
  weighted: boolean;
}

export const GRMF_DEFAULTS: GrmfParams = {
  k: 100,
  iterations: 2,
  lambdaL: 0.5,
  lambdaD: 0.3,
  lambdaT: 0.3,
  p: 5,
  weighted: true,
  symmetrize: true,
  combineProfiles: false,
  wknkn: null,
};

export const grmfSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'grmf hyper-parameters',
  type: 'object',
  additionalProperties: false,
  properties: {
    k: { type: 'integer', minimum: 1, default: 100, description: 'latent rank, capped by min(rows, cols)' },
    iterations: { type: 'integer', minimum: 1, default: 2, description: 'ALS sweeps' },
    lambdaL: { type: 'number', minimum: 0, default: 0.5, description: 'Tikhonov weight on A and B' },
    lambdaD: { type: 'number', minimum: 0, default: 0.3, description: 'drug graph weight' },
    lambdaT: { type: 'number', minimum: 0, default: 0.3, description: 'target graph weight' },
    p: { type: 'integer', minimum: 1, default: 5, description: 'p-nearest-neighbour graph size' },
    weighted: { type: 'boolean', default: true, description: 'WGRMF: test cells get weight 0' },
    ...commonSchemaProperties,
  },
} as const;

export async function fitGrmf(input: FitInput, params: Partial<GrmfParams>): Promise<FitOutput> {
  const p = withDefaults('grmf', GRMF_DEFAULTS, params);
  checkNumbers('grmf', p, ['lambdaD', 'lambdaT']);
  checkNumbers('grmf', p, ['lambdaL'], 0, true);
  checkInteger('grmf', p, 'k', 1);
  checkInteger('grmf', p, 'iterations', 1);
  checkInteger('grmf', p, 'p', 1);
  checkInputShapes(input);
  const { engine } = input;
  const Y = trainingMatrix(input, p);
  const W = p.weighted ? input.W : ones(Y.rows, Y.cols);
  const Ld = pnnLaplacian(input, 'rows', p.p, p);
  const Lt = pnnLaplacian(input, 'cols', p.p, p);
  const init = svdInit(engine, Y, p.k);
  input.onProgress?.(0.1);
  const pr = { Y, W, Ld, Lt, lambdaL: p.lambdaL, lambdaD: p.lambdaD, lambdaT: p.lambdaT };
  const { A, B } = grmfSolve(engine, init, pr, p.iterations);
  input.onProgress?.(1);
  return {
    scores: mm(engine, A, B, { transB: true }),
    info: { rank: cappedRank(p.k, Y.rows, Y.cols), sweeps: p.iterations, wknkn: p.wknkn ? 1 : 0 },
  };
}

export const grmfMethod: Method<GrmfParams> = {
  name: 'grmf',
  version: '1',
  description: 'Graph-regularised matrix factorisation (WGRMF, Ezzat et al. 2017) with ALS from a truncated SVD',
  paramsSchema: grmfSchema,
  presets: {
    published: (ctx) => ({ ...published(GRMF_PUBLISHED, 'grmf', ctx), k: 100, iterations: 2, weighted: true }),
    'published-as-run': (ctx) => ({ ...publishedAsRun(GRMF_PUBLISHED, 'grmf', ctx), k: 100, iterations: 2, weighted: true }),
  },
  fit: fitGrmf,
  graphSpecs(params) {
    const p = withDefaults('grmf', GRMF_DEFAULTS, params);
    return pnnLaplacianSpecs(p.p, p);
  },
};

registerMethod(grmfMethod);
