import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEngine } from '../../src/engine/registry.ts';
import type { Engine } from '../../src/engine/types.ts';
import { getMethod } from '../../src/methods/registry.ts';
import { sgmcMethod } from '../../src/methods/sgmc.ts';
import { sgmcZMethod } from '../../src/methods/sgmc-z.ts';
import { dmfMethod } from '../../src/methods/dmf.ts';
import { fmMethod } from '../../src/methods/fm.ts';
import { sgmcDtiRecipeMethod } from '../../src/methods/sgmc-dti-recipe.ts';
import type { ProbedFitInput } from '../../src/methods/sgmc/fit.ts';
import { InputErrors } from '../../src/core/errors.ts';
import { mat } from '../../src/core/matrix.ts';
import type { GraphProvider } from '../../src/graphs/types.ts';
import { bandLimited, syntheticInput, testRmse, GIVEN_GRAPH } from './sgmc-synthetic.ts';

/** the fast engine when it loads here, else the js reference */
async function fastEngine(): Promise<Engine> {
  try {
    return await getEngine('native');
  } catch {
    return getEngine('js');
  }
}

const SYN = { graph: GIVEN_GRAPH, p: 15, q: 15, muR: 1e-4, muC: 1e-4, lr: 0.003, lrScale: 'none' as const };

test('methods are registered under their names with schema defaults', () => {
  for (const name of ['sgmc', 'sgmc-z', 'dmf', 'fm', 'sgmc-dti-recipe']) {
    const m = getMethod(name);
    assert.equal(m.name, name);
    assert.equal((m.paramsSchema as any).type, 'object');
  }
  const rp = (sgmcDtiRecipeMethod.paramsSchema as any).properties;
  assert.equal(rp.lr.default, 4e-3);
  assert.equal(rp.iterations.default, 25000);
  assert.equal(rp.scoreAt.default, 24000);
  assert.equal(rp.mu.default, 0.006);
  assert.deepEqual(rp.graph.default, { symmetrize: true, combineProfiles: true, knn: 5, laplacian: 'normalized' });
});

test('bad hyper-parameters give errors naming the field', async () => {
  const engine = await getEngine('js');
  const s = bandLimited(engine, 20, 16, 3, 0.3, 1);
  await assert.rejects(
    () => sgmcMethod.fit(syntheticInput(engine, s), { lr: -1 } as any),
    (e: unknown) => e instanceof InputErrors && /sgmc\.lr/.test(e.message),
  );
  await assert.rejects(
    () => dmfMethod.fit(syntheticInput(engine, s), { muR: 1 } as any),
    (e: unknown) => e instanceof InputErrors && /muR/.test(e.message),
  );
  await assert.rejects(() => sgmcMethod.fit(syntheticInput(engine, s), { p: 99, graph: GIVEN_GRAPH }), /exceeds 20/);
});

test('sgmc recovers a rank-10 band-limited matrix on a community graph (150 x 200, 15 % observed)', async () => {
  const engine = await fastEngine();
  const s = bandLimited(engine, 150, 200, 10, 0.15, 7);
  const out = await sgmcMethod.fit(syntheticInput(engine, s), { ...SYN, iterations: 2000 });
  const r = testRmse(s, out.scores);
  assert.ok(r < 0.01, `test RMSE ${r}`);
});

test('sgmc beats dmf at 5 % observed (same iterations)', async () => {
  const engine = await fastEngine();
  const s = bandLimited(engine, 150, 200, 10, 0.05, 7);
  const input = syntheticInput(engine, s);
  const sg = testRmse(s, (await sgmcMethod.fit(input, { ...SYN, iterations: 1000 })).scores);
  const dm = testRmse(s, (await dmfMethod.fit(input, { pInner: 30, qInner: 30, alpha: 0, lr: 0.003, iterations: 1000 })).scores);
  assert.ok(sg < 0.5 * dm, `sgmc ${sg} vs dmf ${dm}`);
  assert.ok(sg < 0.2, `sgmc ${sg}`);
});

test('batched folds give the same scores as one-by-one fits (sgmc, sgmc-z, fm, dmf, recipe)', async () => {
  const engine = await getEngine('js');
  const a = bandLimited(engine, 24, 18, 3, 0.4, 2);
  const b = { ...bandLimited(engine, 24, 18, 3, 0.3, 3), rowAdj: a.rowAdj, colAdj: a.colAdj };
  const inputs = [syntheticInput(engine, a, 1), syntheticInput(engine, b, 2)];
  const cases: [string, any, any][] = [
    ['sgmc', sgmcMethod, { graph: GIVEN_GRAPH, p: 10, q: 8, rhoR: 0.01, rhoC: 0.01, lr: 0.1, lrScale: 'spectral', iterations: 30, stopping: 'validation', evalEvery: 5, tol: 1e-3 }],
    ['sgmc-z', sgmcZMethod, { graph: GIVEN_GRAPH, p: 10, q: 8, pSkip: 4, qSkip: 3, lr: 0.0005, iterations: 20 }],
    ['fm', fmMethod, { graph: GIVEN_GRAPH, lr: 0.01, iterations: 20 }],
    ['dmf', dmfMethod, { lr: 0.01, iterations: 20, optimizer: 'momentum' }],
    ['recipe', sgmcDtiRecipeMethod, { graph: GIVEN_GRAPH, iterations: 30, scoreAt: 25, lr: 0.01 }],
  ];
  for (const [label, m, params] of cases) {
    const batch = await m.fitBatch(inputs, params);
    for (let i = 0; i < 2; i++) {
      const one = await m.fit(inputs[i], params);
      assert.equal(batch[i].info.iterations, one.info.iterations, `${label}: iterations`);
      const d = batch[i].scores.data;
      let moved = 0;
      for (let k = 0; k < d.length; k++) {
        assert.ok(Math.abs(d[k] - one.scores.data[k]) < 1e-9, `${label}: fold ${i} cell ${k}`);
        moved += Math.abs(d[k]);
      }
      assert.ok(moved > 0, `${label}: scores are all zero`);
    }
  }
});

test('validation stopping stops on tolerance; the optimistic number is kept apart', async () => {
  const engine = await getEngine('js');
  const s = bandLimited(engine, 30, 24, 3, 0.5, 4);
  const input: ProbedFitInput = { ...syntheticInput(engine, s), probe: (X) => ({ rmse: testRmse(s, X) }) };
  const out = await sgmcMethod.fit(input, { graph: GIVEN_GRAPH, p: 8, q: 8, lr: 0.01, lrScale: 'none', iterations: 5000, stopping: 'validation', tol: 1e-4, evalEvery: 5 });
  assert.equal(out.info!.stoppedBy, 'tolerance');
  assert.ok(Number(out.info!.iterations) < 5000);
  assert.ok(Number(out.info!.validationRmse) > 0);
  const opt = Number(out.info!.optimistic_rmse);
  assert.ok(opt <= testRmse(s, out.scores) + 1e-12, 'best-on-test is at least as good as the reported scores');
  assert.ok(Number.isInteger(out.info!.optimistic_iteration));
  assert.equal('rmse' in out.info!, false, 'no unlabelled test metric in info');
});

test('the recipe transposes to targets x drugs and back, with k = 2 x #targets', async () => {
  const engine = await getEngine('js');
  const s = bandLimited(engine, 12, 9, 2, 0.6, 5);
  const out = await sgmcDtiRecipeMethod.fit(syntheticInput(engine, s), { graph: GIVEN_GRAPH, iterations: 10, scoreAt: 10 });
  assert.equal(out.scores.rows, 12);
  assert.equal(out.scores.cols, 9);
  assert.equal(out.info!.k, 18);
  await assert.rejects(() => sgmcDtiRecipeMethod.fit(syntheticInput(engine, s), { iterations: 10, scoreAt: 20 }), /scoreAt/);
});

test('every available engine gives the js reference scores (batched, with transposes)', async () => {
  const { engineNames } = await import('../../src/engine/registry.ts');
  const ref = await getEngine('js');
  const a = bandLimited(ref, 24, 18, 3, 0.4, 2);
  const b = { ...bandLimited(ref, 24, 18, 3, 0.3, 3), rowAdj: a.rowAdj, colAdj: a.colAdj };
  // one set of graphs for every engine: eigenvectors of (near-)degenerate eigenvalues are not unique, so each
  // engine's own eigh would start the models from different (equally valid) bases
  const g = syntheticInput(ref, a).graphs;
  const eig = { rows: await g.eigenbasis('rows', GIVEN_GRAPH), cols: await g.eigenbasis('cols', GIVEN_GRAPH) };
  const lap = { rows: g.laplacian('rows', GIVEN_GRAPH), cols: g.laplacian('cols', GIVEN_GRAPH) };
  const fixed: GraphProvider = {
    profiles: 'none',
    adjacency: () => { throw new Error('not used'); },
    similarity: () => { throw new Error('not used'); },
    laplacian: (side) => lap[side],
    eigenbasis: async (side, _spec, k) => {
      const e = eig[side];
      const kk = k ?? e.values.length;
      const v = mat(e.vectors.rows, kk);
      for (let i = 0; i < v.rows; i++) for (let j = 0; j < kk; j++) v.data[i * kk + j] = e.vectors.data[i * e.vectors.cols + j];
      return { values: e.values.slice(0, kk), vectors: v };
    },
  };
  const mk = (e: Engine) => [a, b].map((s, i) => ({ ...syntheticInput(e, s, i + 1), graphs: fixed }));
  const params = { graph: GIVEN_GRAPH, p: 10, q: 8, pInner: 4, qInner: 4, rhoR: 0.01, muR: 0.01, lr: 0.003, lrScale: 'none' as const, iterations: 40 };
  const want = await sgmcMethod.fitBatch(mk(ref), params);
  const wantR = await sgmcDtiRecipeMethod.fitBatch(mk(ref), { graph: GIVEN_GRAPH, iterations: 30, scoreAt: 30, lr: 0.003 });
  for (const name of engineNames().filter((n) => n !== 'js')) {
    let e: Engine;
    try {
      e = await getEngine(name, { dtype: 'float32' });
    } catch {
      continue; // not loadable on this machine
    }
    for (const [got, exp] of [
      [await sgmcMethod.fitBatch(mk(e), params), want],
      [await sgmcDtiRecipeMethod.fitBatch(mk(e), { graph: GIVEN_GRAPH, iterations: 30, scoreAt: 30, lr: 0.003 }), wantR],
    ] as const) {
      for (let b = 0; b < 2; b++) {
        const x = got[b].scores.data;
        const y = exp[b].scores.data;
        let num = 0;
        let den = 0;
        for (let k = 0; k < x.length; k++) {
          num += (x[k] - y[k]) ** 2;
          den += y[k] ** 2;
        }
        assert.ok(den > 0 && Math.sqrt(num / den) < 1e-3, `${name}: relative difference ${Math.sqrt(num / den)}`);
      }
    }
  }
});

test('inner widths beyond both bases are computed at max(p, q) and reported as asked (sgmc, sgmc-z, dmf)', async () => {
  const engine = await getEngine('js');
  const s = bandLimited(engine, 20, 16, 3, 0.4, 3);
  const base = { graph: GIVEN_GRAPH, p: 8, q: 12, muR: 1e-3, muC: 1e-3, lr: 0.002, lrScale: 'none' as const, stopping: 'fixed' as const, iterations: 40 };
  const wide = await sgmcMethod.fit(syntheticInput(engine, s), { ...base, pInner: 30, qInner: 25 });
  const same = await sgmcMethod.fit(syntheticInput(engine, s), { ...base, pInner: 12, qInner: 12 });
  assert.equal(wide.info?.pInner, 30);
  assert.equal(wide.info?.qInner, 25);
  assert.equal(wide.info?.pInnerComputed, 12);
  assert.equal(wide.info?.qInnerComputed, 12);
  assert.equal(wide.info?.gflopPerIteration, same.info?.gflopPerIteration);
  for (let k = 0; k < wide.scores.data.length; k++) assert.ok(Math.abs(wide.scores.data[k] - same.scores.data[k]) < 1e-12);
  const z = await sgmcZMethod.fit(syntheticInput(engine, s), { ...base, lr: 2e-4, pInner: 30, qInner: 20, pSkip: 10, qSkip: 5 });
  assert.equal(z.info?.filterPairs, 4 * 5); // as asked: bands 1, 11, 21, 30 x 1, 6, 11, 16, 20
  assert.equal(z.info?.filterPairsComputed, 3 * 4); // clamped to 12 and merged: {1, 11, 12} x {1, 6, 11, 12}
  const dmf = await dmfMethod.fit(syntheticInput(engine, s), { lr: 1e-3, pInner: 50, qInner: 50, stopping: 'fixed', iterations: 5 });
  assert.equal(dmf.info?.pInnerComputed, 20); // identity bases: max(m, n)
});

test("stopping 'validation-best' through the method: the scores of the best validation point, which is reported", async () => {
  const engine = await getEngine('js');
  const s = bandLimited(engine, 20, 16, 3, 0.4, 3);
  const out = await sgmcMethod.fit(syntheticInput(engine, s), { graph: GIVEN_GRAPH, lr: 0.003, lrScale: 'none', stopping: 'validation-best', patience: 5, iterations: 3000, evalEvery: 10 });
  const at = out.info?.scoresAt as number;
  assert.ok(at > 0 && at <= (out.info?.iterations as number));
  assert.ok(out.info?.stoppedBy === 'no-improvement' || out.info?.stoppedBy === 'iterations');
  if (out.info?.stoppedBy === 'no-improvement') assert.equal(out.info?.iterations, at + 50);
  assert.ok(Number.isFinite(out.info?.validationRmse as number));
});
