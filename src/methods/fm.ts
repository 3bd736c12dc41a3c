/**
 * `fm` (functional maps, SGMC1): X = Phi_p C Psi_q^T with only C trained (P = Q = I), Dirichlet terms as in SGMC.
 */
import { registerMethod } from './registry.ts';
import { table5Preset } from '../datasets/recsys/table5.ts';
import { fitSpectralBatch, spectralGraphUses } from './sgmc/fit.ts';
import { pickSchema, resolveParams, spectralSchema, STOPPING_GUARD_KEYS, type SgmcParams, scaleFixedStep } from './sgmc/params.ts';
import type { BatchMethod } from './sgmc.ts';

const KEYS = [
  'graph', 'rowGraph', 'colGraph', 'rowBasis', 'colBasis', 'p', 'q', 'muR', 'muC', 'alpha', 'cInit',
  'optimizer', 'lr', 'lrScale', 'momentum', 'stopping', 'iterations', 'tol', 'validationFraction', 'evalEvery',
] as const;

export const fmSchema = pickSchema(
  spectralSchema({ title: '', muR: 0.006, muC: 0.006, alpha: 0, lr: 0.1, iterations: 300, p: null, basis: 'graph', train: { P: false, C: true, Q: false } }),
  'fm hyper-parameters',
  KEYS,
);

export type FmParams = Pick<SgmcParams, (typeof KEYS)[number] | (typeof STOPPING_GUARD_KEYS)[number]>;

const fmToSgmc = (f: FmParams): SgmcParams => ({ ...f, pInner: null, qInner: null, rhoR: 0, rhoC: 0, train: { P: false, C: true, Q: false }, pSkip: 1, qSkip: 1 });

export const fmMethod: BatchMethod<FmParams> = {
  name: 'fm',
  // 2: eigenbases canonical within repeated eigenvalues (src/graphs/canonical.ts); same numbers wherever no cluster matters
  version: '2',
  description: 'Functional maps / SGMC1: X = Phi C Psi^T, only C trained',
  presets: { table5: table5Preset('fm') },
  paramsSchema: fmSchema,
  async fit(input, params) {
    return (await this.fitBatch([input], params))[0];
  },
  async fitBatch(inputs, params) {
    return fitSpectralBatch(inputs, fmToSgmc(resolveParams<FmParams>('fm', fmSchema, params)), 'sgmc');
  },
  graphSpecs: (params) => spectralGraphUses(fmToSgmc(resolveParams<FmParams>('fm', fmSchema, params))),
  scaleStep: scaleFixedStep,
};

registerMethod(fmMethod);
