/**
 * DTI baselines on real data and at their edges: nr CVS1 (one repetition, 10 folds) AUPR in the published band,
 * WKNKN reads training cells only, presets and hyper-parameter validation.
 *
 * Band: nr CVS1 AUPR 0.5-0.8 for each of GRMF, CMF and MGRNNM. Source: the MGRNNM (Mongia & Majumdar 2020) and
 * Ezzat et al. (2017) papers report nr CVS1 AUPR of roughly 0.5-0.75 for these methods; folds and seeds differ
 * from ours, hence a band with some slack rather than a point (docs/baselines.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { clone, mat, type Mat } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import { InputError } from '../../src/core/errors.ts';
import { getEngine } from '../../src/engine/registry.ts';
import { loadDataset } from '../../src/datasets/index.ts';
import type { DtiDataset } from '../../src/datasets/types.ts';
import { makeFolds, trainingView } from '../../src/splits/index.ts';
import { createGraphProvider } from '../../src/graphs/provider.ts';
import { aupr, auc } from '../../src/metrics/index.ts';
import { grmfMethod, GRMF_DEFAULTS } from '../../src/methods/grmf.ts';
import { cmfMethod, CMF_DEFAULTS } from '../../src/methods/cmf.ts';
import { mgrnnmMethod, MGRNNM_DEFAULTS } from '../../src/methods/mgrnnm.ts';
import { wknkn } from '../../src/methods/wknkn.ts';
import { getMethod } from '../../src/methods/registry.ts';
import type { Method } from '../../src/methods/types.ts';
import { randomProblem, randomSimilarity } from './baselines-fixtures.ts';

const methods = [grmfMethod, cmfMethod, mgrnnmMethod] as unknown as Method<Record<string, unknown>>[];

test('nr CVS1, one repetition: each baseline (published preset) has AUPR in 0.5-0.8 and AUC > 0.8', async () => {
  const engine = await getEngine();
  const ds = (await loadDataset('nr', { offline: true })) as DtiDataset;
  const folds = makeFolds('CVS1', ds.Y.rows, ds.Y.cols, { repetitions: 1 }).folds;
  assert.equal(folds.length, 10);
  for (const m of methods) {
    const params = m.presets!.published({ dataset: 'nr', setting: 'CVS1' });
    let ap = 0;
    let roc = 0;
    for (const fold of folds) {
      const tv = trainingView(ds.Y, fold);
      const graphs = createGraphProvider({ rowSim: ds.drugSim, colSim: ds.targetSim, profiles: 'none', profileY: null, engine });
      const out = await m.fit({ Y: tv.Y, W: tv.W, graphs, engine, seed: 1, dataset: 'nr', setting: 'CVS1' }, params);
      assert.equal(out.scores.rows, ds.Y.rows);
      assert.equal(out.scores.cols, ds.Y.cols);
      const s = Array.from(fold.testCells, (c) => out.scores.data[c]);
      const l = Array.from(fold.testCells, (c) => ds.Y.data[c]);
      assert.ok(s.every(Number.isFinite), `${m.name}: non-finite scores`);
      if (m.name === 'mgrnnm') assert.ok(Math.min(...out.scores.data) >= 0, 'mgrnnm: negative score');
      ap += aupr(s, l);
      roc += auc(s, l);
    }
    ap /= folds.length;
    roc /= folds.length;
    assert.ok(ap >= 0.5 && ap <= 0.8, `${m.name}: nr CVS1 AUPR ${ap.toFixed(3)} outside 0.5-0.8`);
    assert.ok(roc > 0.8, `${m.name}: nr CVS1 AUC ${roc.toFixed(3)}`);
  }
});

test('WKNKN: changing a test label leaves the output unchanged; changing a training label does not', async () => {
  const engine = await getEngine('js');
  const p = randomProblem(engine, 61, 25, 18, 0.2, 0.2);
  const test = p.W.data.findIndex((w) => w === 0);
  const train = p.W.data.findIndex((w, q) => w === 1 && p.Y.data[q] === 1);
  const base = wknkn(p.Y, p.W, p.drugSim, p.targetSim, { K: 5, eta: 0.7 });
  for (const v of [1, 0.5, -3]) {
    const Y2 = clone(p.Y);
    Y2.data[test] = v;
    assert.deepEqual(wknkn(Y2, p.W, p.drugSim, p.targetSim, { K: 5, eta: 0.7 }).data, base.data);
  }
  // a whole held-out row (CVS2) filled with ones changes nothing either
  const Y3 = clone(p.Y);
  const W3 = clone(p.W);
  for (let j = 0; j < p.Y.cols; j++) {
    W3.data[2 * p.Y.cols + j] = 0;
    Y3.data[2 * p.Y.cols + j] = 0;
  }
  const held = wknkn(Y3, W3, p.drugSim, p.targetSim);
  for (let j = 0; j < p.Y.cols; j++) Y3.data[2 * p.Y.cols + j] = 1;
  assert.deepEqual(wknkn(Y3, W3, p.drugSim, p.targetSim).data, held.data);
  const Y4 = clone(p.Y);
  Y4.data[train] = 0;
  assert.notDeepEqual(wknkn(Y4, p.W, p.drugSim, p.targetSim).data, base.data);
});

test('WKNKN: hand-computed example (K = 2, eta = 0.5)', () => {
  // 3 drugs x 2 targets; drug 2 has no interactions (a new drug)
  const Y = mat(3, 2, [1, 0, 0, 1, 0, 0]);
  const W = mat(3, 2, [1, 1, 1, 1, 1, 1]);
  const Sd = mat(3, 3, [1, 0.2, 0.9, 0.2, 1, 0.6, 0.9, 0.6, 1]);
  const St = mat(2, 2, [1, 0.5, 0.5, 1]);
  const out = wknkn(Y, W, Sd, St, { K: 2, eta: 0.5 });
  // drug side, drug 2: neighbours 0 (0.9), 1 (0.6): (1*0.9*[1,0] + 0.5*0.6*[0,1]) / 1.5 = [0.6, 0.2]
  // drug 0: only known neighbour is 1 (drug 2 is empty): 0.2*[0,1]/0.2 = [0, 1]; drug 1: [1, 0]
  // target side: target 0's only neighbour is target 1: column 1 = [0,1,0]; target 1 gets column 0 = [1,0,0]
  const yd = [0, 1, 1, 0, 0.6, 0.2];
  const yt = [0, 1, 1, 0, 0, 0];
  const expect = yd.map((v, q) => Math.max(Y.data[q], (v + yt[q]) / 2));
  for (let q = 0; q < 6; q++) assert.ok(Math.abs(out.data[q] - expect[q]) < 1e-12, `cell ${q}: ${out.data[q]} vs ${expect[q]}`);
});

test('WKNKN as a method option: fits run and differ from the plain fit; bad K is an InputError', async () => {
  const engine = await getEngine('js');
  const p = randomProblem(engine, 62, 20, 15, 0.2, 0.1);
  for (const m of methods) {
    const input = { Y: p.Y, W: p.W, graphs: p.graphs, engine, seed: 1 };
    const small = m.name === 'mgrnnm' ? { outerIterations: 3, p: 3 } : { p: 3, k: 5 };
    const params = m.name === 'cmf' ? { k: 5 } : small;
    const plain = await m.fit(input, params);
    const pre = await m.fit(input, { ...params, wknkn: { K: 3, eta: 0.7 } });
    assert.notDeepEqual(pre.scores.data, plain.scores.data, m.name);
    await assert.rejects(m.fit(input, { ...params, wknkn: { K: 0, eta: 0.7 } }), InputError);
    // a partial setting takes the other default (eta = 0.7)
    assert.deepEqual((await m.fit(input, { ...params, wknkn: { K: 3 } })).scores.data, pre.scores.data);
  }
});

test('presets: published values per dataset and setting; unknown dataset is an InputError naming the preset', () => {
  assert.deepEqual(grmfMethod.presets!.published({ dataset: 'nr', setting: 'CVS1' }), {
    lambdaL: 0.125, lambdaD: 0.15, lambdaT: 0.05, p: 2, k: 100, iterations: 2, weighted: true, combineProfiles: true,
  });
  assert.deepEqual(cmfMethod.presets!.published({ dataset: 'e', setting: 'CVS2' }), {
    lambdaL: 2, lambdaD: 64, lambdaT: 0.125, k: 100, iterations: 2, weighted: true, combineProfiles: true,
  });
  assert.deepEqual(mgrnnmMethod.presets!.published({ dataset: 'gpcr', setting: 'CVS1' }), {
    lambda: 0.5, mu1: 0.5, mu2: 0.1, nu1: 0.1, nu2: 0.5, p: 2, combineProfiles: true,
  });
  assert.deepEqual(mgrnnmMethod.presets!.published({ dataset: 'ic', setting: 'CVS3' }), {
    lambda: 0.1, mu1: 0.01, mu2: 0.1, nu1: 0.01, nu2: 0.1, p: 2, combineProfiles: true,
  });
  // 'published-as-run': the SGMC authors' driver ran gpcr with e's row and e with gpcr's; nr and ic as intended
  for (const m of methods) {
    for (const setting of ['CVS1', 'CVS2', 'CVS3']) {
      const asRun = m.presets!['published-as-run'];
      const intended = m.presets!.published;
      assert.deepEqual(asRun({ dataset: 'gpcr', setting }), intended({ dataset: 'e', setting }), `${m.name} gpcr ${setting}`);
      assert.deepEqual(asRun({ dataset: 'e', setting }), intended({ dataset: 'gpcr', setting }), `${m.name} e ${setting}`);
      for (const dataset of ['nr', 'ic']) assert.deepEqual(asRun({ dataset, setting }), intended({ dataset, setting }));
    }
  }
  assert.notDeepEqual(grmfMethod.presets!['published-as-run']({ dataset: 'e', setting: 'CVS1' }), grmfMethod.presets!.published({ dataset: 'e', setting: 'CVS1' }));
  assert.throws(() => mgrnnmMethod.presets!['published-as-run']({ dataset: 'ml-1m', setting: 'CVS1' }), InputError);
  assert.throws(() => grmfMethod.presets!.published({ dataset: 'ml-100k', setting: 'CVS1' }), (e: unknown) => e instanceof InputError && /preset/.test(e.message));
  assert.throws(() => cmfMethod.presets!.published({ dataset: 'nr', setting: 'CVS4' }), InputError);
});

test('schemas: valid draft 2020-12 whose defaults are the method defaults; registry has the methods', () => {
  const ajv = new Ajv2020({ useDefaults: true, strict: false });
  for (const [m, defaults] of [[grmfMethod, GRMF_DEFAULTS], [cmfMethod, CMF_DEFAULTS], [mgrnnmMethod, MGRNNM_DEFAULTS]] as const) {
    const validate = ajv.compile(m.paramsSchema);
    const filled: Record<string, unknown> = {};
    assert.ok(validate(filled), JSON.stringify(validate.errors));
    assert.deepEqual(filled, { ...defaults }, m.name);
    assert.equal(validate({ ...defaults, bogus: 1 }), false);
    assert.equal(validate({ ...defaults, wknkn: { K: 5, eta: 0.7 } }), true);
    assert.equal(validate({ ...defaults, wknkn: { K: 5, eta: 1.5 } }), false);
    assert.equal(validate({ ...defaults, wknkn: { K: 3 } }), true);
    assert.equal(validate({ ...defaults, wknkn: { k: 3 } }), false);
    assert.equal(getMethod(m.name), m);
  }
});

test('fit rejects unknown and out-of-range hyper-parameters with the field named', async () => {
  const engine = await getEngine('js');
  const rng = new Rng(5);
  const sim = randomSimilarity(rng, 6);
  const graphs = createGraphProvider({ rowSim: sim, colSim: sim, profiles: 'none', profileY: null, engine });
  const Y: Mat = mat(6, 6);
  Y.data[0] = 1;
  const input = { Y, W: mat(6, 6, new Array(36).fill(1)), graphs, engine, seed: 1 };
  await assert.rejects(grmfMethod.fit(input, { lambdaX: 1 } as never), (e: unknown) => e instanceof InputError && e.where.field === 'lambdaX');
  await assert.rejects(cmfMethod.fit(input, { lambdaL: 0 } as never), (e: unknown) => e instanceof InputError && e.where.field === 'lambdaL');
  await assert.rejects(mgrnnmMethod.fit(input, { nu1: -1 } as never), (e: unknown) => e instanceof InputError && e.where.field === 'nu1');
  await assert.rejects(mgrnnmMethod.fit(input, { p: 1.5 } as never), (e: unknown) => e instanceof InputError && e.where.field === 'p');
});
