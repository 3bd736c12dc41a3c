/**
 * MGRNNM on a float32 native engine: its products run in float32 and its thresholding eigensolve too
 * (`Engine.eighSingle`, ssyevd). On a real fold (gpcr CVS1, published parameters, chemical/genomic graphs, cold
 * start as published) the scores must rank the test cells as the float64 run does, to 1e-3 AUPR / AUC, with the same
 * inner iteration counts give or take one per outer iteration. (On other folds AUC can move more: docs/baselines.md.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEngine } from '../../src/engine/registry.ts';
import type { Engine } from '../../src/engine/types.ts';
import { loadDataset } from '../../src/datasets/index.ts';
import type { DtiDataset } from '../../src/datasets/types.ts';
import { makeFolds, trainingView } from '../../src/splits/index.ts';
import { createGraphProvider } from '../../src/graphs/provider.ts';
import { aupr, auc } from '../../src/metrics/index.ts';
import { mgrnnmSolve } from '../../src/methods/baselines/mgrnnm-core.ts';
import { MGRNNM_PUBLISHED } from '../../src/methods/baselines/params.ts';
import { pnnLaplacian } from '../../src/methods/baselines/common.ts';
import type { FitInput } from '../../src/methods/types.ts';
import { nativeStatus } from '../engine/fixtures.ts';

const status = nativeStatus();
const skip = !status.ok && !process.env.CI ? `native addon not built here: ${status.why}` : false;

test('MGRNNM float32 (ssyevd thresholding) ranks a gpcr CVS1 fold as float64 does', { skip }, async () => {
  const e64 = await getEngine('native', { dtype: 'float64', threads: 1 });
  const e32 = await getEngine('native', { dtype: 'float32', threads: 1 });
  let singleCalls = 0;
  const spy: Engine = Object.create(e32);
  spy.eighSingle = (a) => {
    singleCalls++;
    return e32.eighSingle!(a);
  };
  const ds = (await loadDataset('gpcr', { offline: true })) as DtiDataset;
  const p = MGRNNM_PUBLISHED.CVS1.gpcr;
  const fold = makeFolds('CVS1', ds.Y.rows, ds.Y.cols, { repetitions: 1 }).folds[0];
  const tv = trainingView(ds.Y, fold);
  const graphs = createGraphProvider({ rowSim: ds.drugSim, colSim: ds.targetSim, profiles: 'none', profileY: null, engine: e64 });
  const input = { Y: tv.Y, W: tv.W, graphs, engine: e64, seed: 1 } as unknown as FitInput;
  const g = { symmetrize: true, combineProfiles: false };
  const pr = {
    Y: tv.Y, W: tv.W, Ld: pnnLaplacian(input, 'rows', p.p, g), Lt: pnnLaplacian(input, 'cols', p.p, g),
    lambda: p.lambda, mu1: p.mu1, mu2: p.mu2, nu1: p.nu1, nu2: p.nu2,
  };
  const o = { outerIterations: 20, innerIterations: 50, tol: 1e-4, alpha: 1.1, svt: 'auto' as const, start: 'zero' as const };
  const r64 = mgrnnmSolve(e64, pr, o);
  const r32 = mgrnnmSolve(spy, pr, o);
  assert.equal(singleCalls, r32.svdCalls, 'every thresholding step of the float32 run used the float32 eigensolve');
  const labels = Array.from(fold.testCells, (c) => ds.Y.data[c]);
  const s64 = Array.from(fold.testCells, (c) => r64.X.data[c]);
  const s32 = Array.from(fold.testCells, (c) => r32.X.data[c]);
  assert.ok(Math.abs(aupr(s64, labels) - aupr(s32, labels)) < 1e-3, `AUPR ${aupr(s64, labels)} vs ${aupr(s32, labels)}`);
  assert.ok(Math.abs(auc(s64, labels) - auc(s32, labels)) < 1e-3, `AUC ${auc(s64, labels)} vs ${auc(s32, labels)}`);
  r64.inner.forEach((n, i) => assert.ok(Math.abs(n - r32.inner[i]) <= 1, `outer ${i}: inner ${n} vs ${r32.inner[i]}`));
  let d = 0;
  for (let q = 0; q < r64.X.data.length; q++) d = Math.max(d, Math.abs(r64.X.data[q] - r32.X.data[q]));
  assert.ok(d < 1e-3, `max |X64 - X32| = ${d}`);
  assert.ok(Math.min(...r32.X.data) >= 0);
});
