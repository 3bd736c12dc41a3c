/**
 * sgmc-dti-recipe's 'fast' preset: it resolves per dataset, its two shortcuts hold at small scale (the dropped inner
 * columns are exactly inert; a larger step below the stability bound at the same gradient-flow time lands on the
 * recipe's iterate), and a wrong flow time, a step above the bound or a too narrow k is caught.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { getEngine } from '../../src/engine/registry.ts';
import type { Engine } from '../../src/engine/types.ts';
import { getMethod } from '../../src/methods/registry.ts';
import { RECIPE_FAST, recipeFastParams, sgmcDtiRecipeMethod } from '../../src/methods/sgmc-dti-recipe.ts';
import { resolveParams, recipeSchema, type RecipeParams } from '../../src/methods/sgmc/params.ts';
import { mat, type Mat } from '../../src/core/matrix.ts';
import { createGraphProvider } from '../../src/graphs/provider.ts';
import type { FitInput } from '../../src/methods/types.ts';
import { bandLimited } from './sgmc-synthetic.ts';
import { auc } from '../../src/metrics/index.ts';
import { spectralNorm } from '../../src/methods/sgmc/fit.ts';

const GRAPH = { symmetrize: true, combineProfiles: false, knn: 5, laplacian: 'normalized' } as const;

/** DTI-like fixture: 0/1 interactions (a thresholded band-limited matrix), every non-test cell observed */
function dtiFixture(engine: Engine, drugs: number, targets: number, seed: number): { input: FitInput; truth: Mat; test: Int32Array } {
  const s = bandLimited(engine, drugs, targets, 3, 0.9, seed);
  const truth = mat(drugs, targets);
  for (let k = 0; k < truth.data.length; k++) truth.data[k] = s.truth.data[k] > 1 ? 1 : 0;
  const Y = mat(drugs, targets);
  const W = mat(drugs, targets);
  const isTest = new Uint8Array(drugs * targets);
  for (const c of s.testCells) isTest[c] = 1;
  for (let k = 0; k < Y.data.length; k++) {
    if (isTest[k]) continue;
    W.data[k] = 1;
    Y.data[k] = truth.data[k];
  }
  const graphs = createGraphProvider({ rowSim: s.rowAdj, colSim: s.colAdj, profiles: 'none', profileY: null, engine });
  return { input: { Y, W, graphs, engine, seed }, truth, test: s.testCells };
}

function relDiff(a: Mat, b: Mat): number {
  let d = 0;
  let n = 0;
  for (let k = 0; k < a.data.length; k++) {
    d += (a.data[k] - b.data[k]) ** 2;
    n += b.data[k] ** 2;
  }
  return Math.sqrt(d / n);
}

test("the 'fast' preset resolves per dataset and keeps the recipe's gradient-flow time", () => {
  const m = getMethod('sgmc-dti-recipe');
  assert.ok(m.presets?.fast, 'fast preset registered');
  for (const name of Object.keys(RECIPE_FAST)) {
    const p: RecipeParams = resolveParams<RecipeParams>('sgmc-dti-recipe', recipeSchema, m.presets!.fast({ dataset: name }));
    assert.ok(Math.abs(p.lr * p.scoreAt - 4e-3 * 24000) < 1e-9, `${name}: flow time ${p.lr * p.scoreAt}`);
    assert.ok(p.scoreAt <= p.iterations, name);
    assert.equal(p.mu, 0.006, `${name}: the recipe's objective`);
    assert.equal(p.initScale, 0.1);
    assert.ok(p.lr >= 4e-3, name);
  }
  assert.equal(recipeFastParams('nr').scoreAt, 3000);
  assert.equal(Math.round(RECIPE_FAST.ic.kFactor * 204), 210);
  assert.equal(Math.round(RECIPE_FAST.e.kFactor * 664), 664);
  assert.deepEqual(recipeFastParams('my-own-set'), {}, 'unknown datasets get the recipe itself');
  assert.deepEqual(recipeFastParams(undefined), {});
});

test('inner columns beyond max(#drugs, #targets) never move: k = max(r, c) gives the recipe scores exactly', async () => {
  const engine = await getEngine('js');
  // targets > drugs (as e): r = 18 targets, c = 12 drugs, recipe k = 36, live k = 18
  const a = dtiFixture(engine, 12, 18, 3);
  const base = { graph: GRAPH, lr: 0.01, iterations: 400, scoreAt: 400 };
  const full = (await sgmcDtiRecipeMethod.fit(a.input, base)).scores;
  const live = await sgmcDtiRecipeMethod.fit(a.input, { ...base, kFactor: 1 });
  assert.equal(live.info!.k, 18);
  let moved = 0;
  for (let k = 0; k < full.data.length; k++) {
    assert.ok(Math.abs(full.data[k] - live.scores.data[k]) < 1e-12, `cell ${k}: ${full.data[k]} vs ${live.scores.data[k]}`);
    moved += Math.abs(full.data[k]);
  }
  assert.ok(moved > 1, 'scores moved from the start');
  // drugs > targets (as nr, ic): live k = #drugs
  const b = dtiFixture(engine, 20, 14, 4);
  const fullB = (await sgmcDtiRecipeMethod.fit(b.input, base)).scores;
  const liveB = (await sgmcDtiRecipeMethod.fit(b.input, { ...base, kFactor: 20 / 14 })).scores;
  assert.ok(relDiff(liveB, fullB) < 1e-12);
  // one column fewer is no longer the recipe
  const narrow = (await sgmcDtiRecipeMethod.fit(b.input, { ...base, kFactor: 19 / 14 })).scores;
  assert.ok(relDiff(narrow, fullB) > 1e-6, `k = 19 should differ (${relDiff(narrow, fullB)})`);
});

test("a larger step (0.65 x the stability bound) at the same gradient-flow time lands on the recipe's iterate", async () => {
  const engine = await getEngine('js');
  const { input, truth, test: cells } = dtiFixture(engine, 30, 20, 5);
  const bound = 1 / (3 * spectralNorm(input.Y, input.W) ** (4 / 3)); // sigma 7.0: bound 0.025
  assert.ok(0.016 < 0.7 * bound && 0.032 > bound, `fixture bound ${bound}`);
  const labels = Array.from(cells, (c) => truth.data[c]);
  const run = async (lr: number, n: number) => (await sgmcDtiRecipeMethod.fit(input, { graph: GRAPH, lr, iterations: n, scoreAt: n })).scores;
  const ref = await run(4e-3, 4000); // flow time 16
  const fast = await run(0.016, 1000); // flow time 16, 4x the step
  const early = await run(0.016, 750); // flow time 12
  const beyond = await run(0.032, 500); // flow time 16, above the bound
  const dFast = relDiff(fast, ref);
  assert.ok(dFast < 1e-3, `same flow time: relative difference ${dFast}`);
  assert.ok(relDiff(early, ref) > 10 * dFast, `flow time 12 vs 16 should be far off (${relDiff(early, ref)} vs ${dFast})`);
  assert.ok(relDiff(beyond, ref) > 0.05, `a step above the bound leaves the path (${relDiff(beyond, ref)})`);
  const score = (X: Mat) => auc(Array.from(cells, (c) => X.data[c]), labels);
  assert.ok(Math.abs(score(fast) - score(ref)) < 0.005, `AUC ${score(fast)} vs ${score(ref)}`);
});
