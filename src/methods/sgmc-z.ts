/**
 * `sgmc-z`: SGMC with the spectral filter-bank data term (paper eq. 20-22): sum over low-pass widths
 * p = 1 + k pSkip (up to pInner) and q = 1 + k qSkip (up to qInner) of ||(Phi P F_p C G_q^T Q^T Psi^T - M) o S||^2,
 * plus the Dirichlet and diagonalisation terms of SGMC. Scores are the unfiltered X = Phi P C Q^T Psi^T.
 * Cost grows with the number of filter pairs: pick pSkip/qSkip accordingly.
 */
import { registerMethod } from './registry.ts';
import { table5Preset } from '../datasets/recsys/table5.ts';
import { fitSpectralBatch, spectralGraphUses } from './sgmc/fit.ts';
import { resolveParams, spectralSchema, type SgmcParams, scaleFixedStep } from './sgmc/params.ts';
import type { BatchMethod } from './sgmc.ts';

export const sgmcZSchema = spectralSchema({
  title: 'sgmc-z hyper-parameters',
  muR: 0.006,
  muC: 0.006,
  alpha: 0,
  lr: 0.01,
  iterations: 300,
  p: 64,
  basis: 'graph',
  train: { P: true, C: true, Q: true },
  pSkip: 16,
});

export const sgmcZMethod: BatchMethod<SgmcParams> = {
  name: 'sgmc-z',
  // 2: eigenbases canonical within repeated eigenvalues (src/graphs/canonical.ts); same numbers wherever no cluster matters
  version: '2',
  description: 'SGMC with the spectral filter-bank data term (SGMC-Z, eq. 20-22)',
  presets: { table5: table5Preset('sgmc-z') },
  paramsSchema: sgmcZSchema,
  async fit(input, params) {
    return (await this.fitBatch([input], params))[0];
  },
  async fitBatch(inputs, params) {
    return fitSpectralBatch(inputs, resolveParams<SgmcParams>('sgmc-z', sgmcZSchema, params), 'sgmc-z');
  },
  graphSpecs: (params) => spectralGraphUses(resolveParams<SgmcParams>('sgmc-z', sgmcZSchema, params)),
  scaleStep: scaleFixedStep,
};

registerMethod(sgmcZMethod);
