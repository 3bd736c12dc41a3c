import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows, mat } from '../../src/core/matrix.ts';
import { getMethod } from '../../src/methods/registry.ts';
import '../../src/methods/mean.ts';
import '../../src/methods/bias.ts';
import { meanPredict } from '../../src/methods/mean.ts';
import { fitBiases, BIAS_DEFAULTS } from '../../src/methods/bias.ts';
import { getEngine } from '../../src/engine/registry.ts';
import type { FitInput } from '../../src/methods/types.ts';
import type { GraphProvider } from '../../src/graphs/types.ts';
import { Rng } from '../../src/core/rng.ts';

// 3 users x 3 items; user 2 and item 2 have no training ratings
const Y = fromRows([[5, 4, 0], [1, 0, 0], [0, 0, 0]]);
const W = fromRows([[1, 1, 0], [1, 0, 0], [0, 0, 0]]);
const noGraphs = {} as GraphProvider;
const input = async (y = Y, w = W): Promise<FitInput> => ({ Y: y, W: w, graphs: noGraphs, engine: await getEngine('js'), seed: 1 });

test('mean: global / per-user / per-item, empty rows and columns fall back to the global mean', async () => {
  const m = getMethod('mean');
  const g = (await m.fit(await input(), { by: 'global', shrink: 0 })).scores;
  const mu = 10 / 3;
  const close = (a: ArrayLike<number>, b: number[]) => b.forEach((v, k) => assert.ok(Math.abs(a[k] - v) < 1e-12, `entry ${k}: ${a[k]} != ${v}`));
  close(g.data, Array(9).fill(mu));
  const u = (await m.fit(await input(), { by: 'user', shrink: 0 })).scores;
  close(u.data, [4.5, 4.5, 4.5, 1, 1, 1, mu, mu, mu]);
  const i = (await m.fit(await input(), { by: 'item', shrink: 0 })).scores;
  close(i.data, [3, 4, mu, 3, 4, mu, 3, 4, mu]);
  // shrink 2: user 1 = (1 + 2 mu) / (1 + 2)
  const s = meanPredict(Y, W, { by: 'user', shrink: 2 });
  assert.ok(Math.abs(s.data[3] - (1 + 2 * mu) / 3) < 1e-12);
  await assert.rejects(m.fit(await input(Y, mat(3, 3)), { by: 'user', shrink: 0 }), /no training ratings/);
  await assert.rejects(m.fit(await input(), { by: 'row' as never, shrink: 0 }), /params\.by/);
  assert.equal((m.paramsSchema as { properties: { by: { default: string } } }).properties.by.default, 'user');
});

test('bias: recovers exact additive biases without damping; objective never increases; clipping', async () => {
  const rng = new Rng(3);
  const rows = 30, cols = 20;
  const bu = Array.from({ length: rows }, () => rng.normal() * 0.5);
  const bi = Array.from({ length: cols }, () => rng.normal() * 0.5);
  const y = mat(rows, cols);
  const w = mat(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    if (rng.next() < 0.5) {
      y.data[i * cols + j] = 3 + bu[i] + bi[j];
      w.data[i * cols + j] = 1;
    }
  }
  const f = fitBiases(y, w, { lambdaUser: 0, lambdaItem: 0, iterations: 200, clip: false });
  let worst = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    if (w.data[i * cols + j]) worst = Math.max(worst, Math.abs(f.mu + f.bu[i] + f.bi[j] - y.data[i * cols + j]));
  }
  assert.ok(worst < 1e-6, `max residual ${worst}`);
  const g = fitBiases(y, w, { ...BIAS_DEFAULTS, iterations: 15 });
  for (let k = 1; k < g.objective.length; k++) assert.ok(g.objective[k] <= g.objective[k - 1] + 1e-9, `objective rose at pass ${k}`);
  const out = await getMethod('bias').fit(await input(), { ...BIAS_DEFAULTS, lambdaUser: 0, lambdaItem: 0 });
  for (const v of out.scores.data) assert.ok(v >= 1 && v <= 5, `prediction ${v} outside the training range`);
  await assert.rejects(getMethod('bias').fit(await input(), { ...BIAS_DEFAULTS, lambdaUser: -1 }), /params\.lambdaUser/);
  await assert.rejects(getMethod('bias').fit(await input(), { ...BIAS_DEFAULTS, iterations: 0 }), /params\.iterations/);
});
