/**
 * `dmf`: deep matrix factorisation (Arora et al. 2019; paper eq. 26): X = P C Q^T with identity bases and no
 * regularisers, factors started at 10^-alpha I, fixed-step gradient descent. The geometry-free control for SGMC.
 */
import { registerMethod } from './registry.ts';
import { table5Preset } from '../datasets/recsys/table5.ts';
import { fitSpectralBatch } from './sgmc/fit.ts';
import { pickSchema, resolveParams, spectralSchema, STOPPING_GUARD_KEYS, DTI_GRAPH, type SgmcParams, scaleFixedStep } from './sgmc/params.ts';
import type { BatchMethod } from './sgmc.ts';

const KEYS = ['pInner', 'qInner', 'alpha', 'optimizer', 'lr', 'lrScale', 'momentum', 'stopping', 'iterations', 'tol', 'validationFraction', 'evalEvery'] as const;

export const dmfSchema = pickSchema(
  spectralSchema({ title: '', muR: 0, muC: 0, alpha: 0, lr: 0.05, iterations: 300, p: null, basis: 'identity', train: { P: true, C: true, Q: true } }),
  'dmf hyper-parameters',
  KEYS,
);

export type DmfParams = Pick<SgmcParams, (typeof KEYS)[number] | (typeof STOPPING_GUARD_KEYS)[number]>;

export function dmfToSgmc(d: DmfParams): SgmcParams {
  return {
    ...d,
    graph: DTI_GRAPH,
    rowGraph: null,
    colGraph: null,
    rowBasis: 'identity',
    colBasis: 'identity',
    p: null,
    q: null,
    muR: 0,
    muC: 0,
    rhoR: 0,
    rhoC: 0,
    cInit: 'identity',
    train: { P: true, C: true, Q: true },
    pSkip: 1,
    qSkip: 1,
  };
}

export const dmfMethod: BatchMethod<DmfParams> = {
  name: 'dmf',
  version: '1',
  description: 'Deep matrix factorisation X = P C Q^T (identity bases, no regularisers)',
  presets: { table5: table5Preset('dmf') },
  paramsSchema: dmfSchema,
  async fit(input, params) {
    return (await this.fitBatch([input], params))[0];
  },
  async fitBatch(inputs, params) {
    return fitSpectralBatch(inputs, dmfToSgmc(resolveParams<DmfParams>('dmf', dmfSchema, params)), 'sgmc');
  },
  /** identity bases: no graphs */
  graphSpecs: () => [],
  scaleStep: scaleFixedStep,
};

registerMethod(dmfMethod);
