import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mat } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import { getEngine } from '../../src/engine/registry.ts';
import { getMethod } from '../../src/methods/registry.ts';
import '../../src/methods/sgmc.ts';
import '../../src/methods/dmf.ts';
import '../../src/methods/fm.ts';
import '../../src/methods/sgmc-z.ts';
import '../../src/methods/mean.ts';
import type { RatingDataset } from '../../src/datasets/types.ts';
import { table5Params, TABLE5, PUBLISHED_RMSE } from '../../src/datasets/recsys/table5.ts';
import { ratingFitInput, testRmse } from '../../src/datasets/recsys/fit-input.ts';
import { checkRatingDataset } from '../../src/datasets/recsys/ratings.ts';

test('Table 5 presets: identity basis on graph-less sides, widths, trainable factors, validation stopping', () => {
  const douban = table5Params('douban', 'sgmc', { rows: 3000, cols: 3000 })!;
  assert.equal(douban.rowBasis, 'graph');
  assert.equal(douban.colBasis, 'identity');
  assert.equal(douban.pInner, 2500);
  assert.equal(douban.muC, 0);
  assert.equal(douban.stopping, 'validation');
  assert.equal(douban.validationFraction, 0.05);
  const sn = table5Params('synthetic-netflix', 'sgmc', { rows: 150, cols: 200 })!;
  assert.deepEqual(sn.train, { P: true, C: true, Q: false });
  assert.equal(sn.lr, 5e-3);
  assert.equal(sn.lrScale, 'none', 'raw fixed step, as in the paper');
  assert.equal(sn.rhoR, 0.1);
  const fm = table5Params('synthetic-netflix', 'fm', { rows: 150, cols: 200 })!;
  assert.equal(fm.p, 150, 'fm eigenvector count capped at m');
  assert.equal(table5Params('synthetic-netflix', 'dmf', { rows: 150, cols: 200 })!.alpha, 2, 'DMF init 0.01 I');
  assert.equal(table5Params('ml-1m', 'sgmc-z', { rows: 1, cols: 1 }), null);
  for (const ds of Object.keys(TABLE5)) for (const m of Object.keys(TABLE5[ds])) assert.ok(m in (PUBLISHED_RMSE[ds] ?? {}), `${ds}/${m} has a published number`);
});

/** Ratings smooth on two ring graphs (low graph frequencies), 40 % observed, half of it test. */
function smoothToy(): RatingDataset {
  const m = 24, n = 30, rng = new Rng(5);
  const ring = (k: number) => {
    const A = mat(k, k);
    for (let i = 0; i < k; i++) for (const d of [1, 2]) {
      A.data[i * k + ((i + d) % k)] = 1;
      A.data[((i + d) % k) * k + i] = 1;
    }
    return A;
  };
  const M = mat(m, n);
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    const v = 3 + Math.cos((2 * Math.PI * i) / m) + Math.sin((2 * Math.PI * j) / n);
    if (rng.next() < 0.4) {
      M.data[i * n + j] = v;
      (rng.next() < 0.5 ? train : test).push(i * n + j);
    }
  }
  return { kind: 'ratings', name: 'toy', rows: m, cols: n, M, train: Int32Array.from(train), test: Int32Array.from(test), rowAdjacency: ring(m), colAdjacency: ring(n), checksums: {}, notes: [] };
}

test('ratingFitInput: SGMC on the given graphs beats the mean baselines on a graph-smooth toy; identity side runs', async () => {
  const d = smoothToy();
  assert.deepEqual(checkRatingDataset(d), []);
  const engine = await getEngine('js');
  const input = ratingFitInput(d, { engine, seed: 3 });
  assert.equal(input.graphs.profiles, 'none');
  const userMean = testRmse(d, (await getMethod('mean').fit(input, { by: 'user', shrink: 0 })).scores);
  const base = table5Params('synthetic-netflix', 'sgmc', d)!;
  const params = { ...base, pInner: 8, qInner: 8, lr: 2e-3, stopping: 'fixed', iterations: 1500, evalEvery: 100 };
  const out = await getMethod('sgmc').fit(input, params);
  const r = testRmse(d, out.scores);
  assert.ok(r < 0.5 * userMean, `sgmc ${r} vs per-user mean ${userMean}`);
  // no item graph: zero adjacency + identity column basis
  const noCols = { ...d, colAdjacency: undefined };
  const out2 = await getMethod('sgmc').fit(ratingFitInput(noCols, { engine, seed: 3 }), { ...params, colBasis: 'identity', muC: 0, rhoC: 0, iterations: 50 });
  assert.ok(out2.scores.data.every(Number.isFinite));
  assert.equal(out2.info?.q, 30, 'identity basis spans all columns');
});
