/**
 * `sgmc-dti-recipe`: the authors' published DTI configuration, for fidelity runs (METHODS.md §5, last paragraph):
 * rows = targets, X = A Z B, k = 2 x #targets, factors 0.1 x rectangular identity, squared error over all
 * non-test cells + 0.006 Dirichlet on symmetric normalised Laplacians of 5-NN combined similarities, lr 4e-3,
 * 25,000 iterations, scored at iteration 24,000 on raw X. About 9 GFLOP per iteration on e: use `sgmc` with the
 * 'dti-fast' preset for everyday runs.
 */
import { registerMethod } from './registry.ts';
import { fitRecipeBatch, recipeGraphUses } from './sgmc/fit.ts';
import { recipeSchema, resolveParams, type RecipeParams } from './sgmc/params.ts';
import type { BatchMethod } from './sgmc.ts';

export const sgmcDtiRecipeMethod: BatchMethod<RecipeParams> = {
  name: 'sgmc-dti-recipe',
  version: '1',
  description: "SGMC as in the authors' DTI code (A Z B, 0.1 I init, lr 4e-3, scored at iteration 24,000)",
  paramsSchema: recipeSchema,
  async fit(input, params) {
    return (await this.fitBatch([input], params))[0];
  },
  async fitBatch(inputs, params) {
    return fitRecipeBatch(inputs, resolveParams<RecipeParams>('sgmc-dti-recipe', recipeSchema, params));
  },
  graphSpecs: (params) => recipeGraphUses(resolveParams<RecipeParams>('sgmc-dti-recipe', recipeSchema, params)),
};

registerMethod(sgmcDtiRecipeMethod);
