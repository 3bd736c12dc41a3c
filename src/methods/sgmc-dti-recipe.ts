/**
 * `sgmc-dti-recipe`: the authors' published DTI configuration, for fidelity runs (METHODS.md §5, last paragraph):
 * rows = targets, X = A Z B, k = 2 x #targets, factors 0.1 x rectangular identity, squared error over all
 * non-test cells + 0.006 Dirichlet on symmetric normalised Laplacians of 5-NN combined similarities, lr 4e-3,
 * 25,000 iterations, scored at iteration 24,000 on raw X. About 9 GFLOP per iteration on e: use `sgmc` with the
 * 'dti-fast' preset for everyday runs, or this method's 'fast' preset for the recipe's own numbers at less cost.
 */
import { registerMethod } from './registry.ts';
import { fitRecipeBatch, recipeGraphUses } from './sgmc/fit.ts';
import { RECIPE_RUN, recipeSchema, resolveParams, type RecipeParams } from './sgmc/params.ts';
import type { BatchMethod } from './sgmc.ts';

/**
 * Per named dataset: the 'fast' preset's step and inner width (docs/sgmc.md, "A fast path to the recipe's iterate").
 * lr is about 0.7 x the gradient-descent stability bound 1 / (3 sigma_max(M o S)^(4/3)) measured on its CVS1-3
 * folds (nr 0.045, gpcr 0.012, ic 0.0069, e 0.0048); kFactor = max(#drugs, #targets) / #targets, the part of the
 * recipe's k = 2 x #targets that ever moves (the rest of A Z B stays exactly zero from the recipe's start).
 */
export const RECIPE_FAST: Record<string, { lr: number; kFactor: number }> = {
  nr: { lr: 0.032, kFactor: 2 }, // 54 drugs x 26 targets: k = 52 < 54, nothing inert
  gpcr: { lr: 0.008, kFactor: 2 }, // 223 x 95: k = 190 < 223
  ic: { lr: 0.005, kFactor: 210 / 204 }, // 210 x 204: k = 210 of 408
  e: { lr: 0.004, kFactor: 1 }, // 445 x 664: k = 664 of 1328; the recipe's step is already 0.83 x the bound
};

/**
 * The 'fast' preset: the recipe's objective and start, the same gradient-flow time (lr x updates = 4e-3 x 24,000 =
 * 96) with a larger fixed step where the dataset allows it, and the inert inner columns dropped (exact). Datasets
 * not in RECIPE_FAST get the recipe itself.
 */
export function recipeFastParams(dataset: string | undefined): Partial<RecipeParams> {
  const f = dataset ? RECIPE_FAST[dataset] : undefined;
  if (!f) return {};
  const scale = f.lr / RECIPE_RUN.lr;
  return { lr: f.lr, scoreAt: Math.round(RECIPE_RUN.scoreAt / scale), iterations: Math.round(RECIPE_RUN.iterations / scale), kFactor: f.kFactor };
}

export const sgmcDtiRecipeMethod: BatchMethod<RecipeParams> = {
  name: 'sgmc-dti-recipe',
  version: '1',
  description: "SGMC as in the authors' DTI code (A Z B, 0.1 I init, lr 4e-3, scored at iteration 24,000)",
  paramsSchema: recipeSchema,
  presets: { fast: ({ dataset }) => recipeFastParams(dataset) },
  async fit(input, params) {
    return (await this.fitBatch([input], params))[0];
  },
  async fitBatch(inputs, params) {
    return fitRecipeBatch(inputs, resolveParams<RecipeParams>('sgmc-dti-recipe', recipeSchema, params));
  },
  graphSpecs: (params) => recipeGraphUses(resolveParams<RecipeParams>('sgmc-dti-recipe', recipeSchema, params)),
};

registerMethod(sgmcDtiRecipeMethod);
