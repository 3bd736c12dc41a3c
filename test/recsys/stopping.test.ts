import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mat } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import { getEngine } from '../../src/engine/registry.ts';
import { getMethod } from '../../src/methods/registry.ts';
import '../../src/methods/dmf.ts';
import '../../src/methods/mean.ts';
import type { RatingDataset } from '../../src/datasets/types.ts';
import { ToleranceRule } from '../../src/methods/sgmc/loop.ts';
import { table5Params, table5TruncatedParams, table5TruncatedPreset } from '../../src/datasets/recsys/table5.ts';
import { ratingFitInput, testRmse } from '../../src/datasets/recsys/fit-input.ts';

test('ToleranceRule: defaults are the paper rule; armDrop, minIterations and patience guard it', () => {
  const feed = (r: ToleranceRule, vs: number[]): number => vs.findIndex((v, k) => r.update(10 * k, v));
  const plateau = [3.2, 3.2, 3.2, 3.0, 2.0, 1.0, 0.5, 0.5, 0.5, 0.5];
  assert.equal(feed(new ToleranceRule(1e-6), plateau), 1, 'paper rule: first |delta| < tol');
  assert.equal(feed(new ToleranceRule(1e-6, { armDrop: 0.01 }), plateau), 7, 'armed once below 0.99 x start');
  assert.equal(feed(new ToleranceRule(1e-6, { armDrop: 0.01, patience: 3 }), plateau), 9);
  assert.equal(feed(new ToleranceRule(1e-6, { minIterations: 45 }), plateau), 7, 'not before 45 updates');
  // a stall interrupted by a change restarts the count
  assert.equal(feed(new ToleranceRule(1e-6, { patience: 2 }), [1, 1, 0.9, 0.9, 0.9]), 4);
  assert.throws(() => new ToleranceRule(1e-6, { armDrop: 1 }), /armDrop/);
});

/** Low-rank ratings (rank 2, values 1..5), 50 % observed, half of it test. */
export function lowRankToy(): RatingDataset {
  const m = 20, n = 24, rng = new Rng(9);
  const u = Array.from({ length: m }, () => [rng.next(), rng.next()]);
  const v = Array.from({ length: n }, () => [rng.next(), rng.next()]);
  const M = mat(m, n);
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    if (rng.next() >= 0.5) continue;
    M.data[i * n + j] = 1 + 2 * (u[i][0] * v[j][0] + u[i][1] * v[j][1]);
    (rng.next() < 0.5 ? train : test).push(i * n + j);
  }
  return { kind: 'ratings', name: 'lowrank', rows: m, cols: n, M, train: Int32Array.from(train), test: Int32Array.from(test), checksums: {}, notes: [] };
}

test('DMF from a small start: the paper rule stops on the initial plateau, the armDrop guard trains past it', async () => {
  const d = lowRankToy();
  const engine = await getEngine('js');
  const input = ratingFitInput(d, { engine, seed: 2 });
  const userMean = testRmse(d, (await getMethod('mean').fit(input, { by: 'user', shrink: 0 })).scores);
  const base = { ...table5Params('synthetic-netflix', 'dmf', d)!, pInner: 20, qInner: 24, lr: 0.003, alpha: 2, iterations: 5000, evalEvery: 10, armDrop: 0, patience: 1 };
  const paper = await getMethod('dmf').fit(input, base);
  assert.equal(paper.info?.stoppedBy, 'tolerance');
  assert.ok((paper.info?.iterations as number) <= 20, `paper rule stops at once (${paper.info?.iterations})`);
  const rPaper = testRmse(d, paper.scores);
  assert.ok(rPaper > userMean, `plateau stop ${rPaper} is worse than the per-user mean ${userMean}`);
  const guarded = await getMethod('dmf').fit(input, { ...base, armDrop: 0.01, patience: 3 });
  const rGuarded = testRmse(d, guarded.scores);
  assert.ok((guarded.info?.iterations as number) > 100, `guarded run trains (${guarded.info?.iterations})`);
  assert.ok(rGuarded < userMean, `guarded ${rGuarded} beats the per-user mean ${userMean}`);
});

test('Table 5 presets: DMF and FM carry the plateau guard, SGMC keeps the paper rule', () => {
  const size = { rows: 150, cols: 200 };
  for (const m of ['dmf', 'fm'] as const) {
    const p = table5Params('synthetic-netflix', m, size)!;
    assert.equal(p.armDrop, 0.01, m);
    assert.equal(p.patience, 5, m);
  }
  const s = table5Params('synthetic-netflix', 'sgmc', size)!;
  assert.equal(s.armDrop ?? 0, 0);
  assert.equal(s.patience ?? 1, 1);
});

test('table5 truncated-basis preset: k frequencies on graph sides, identity sides untouched, spectral step', () => {
  const f = table5TruncatedParams('flixster', 100)!;
  assert.equal(f.p, 100);
  assert.equal(f.q, 100);
  assert.equal(f.pInner, 100);
  assert.equal(f.lrScale, 'spectral');
  assert.equal(f.muR, 0.0001, 'Table 5 mu kept');
  assert.equal(f.stopping, 'validation');
  const d = table5TruncatedParams('douban', 200)!;
  assert.equal(d.p, 200);
  assert.equal(d.q, null, 'identity item basis (no item graph)');
  assert.equal(d.colBasis, 'identity');
  assert.equal(table5TruncatedParams('yahoo-music', 100), null);
  assert.throws(() => table5TruncatedPreset(100)({ dataset: 'nr' }), /no sgmc setting/);
  assert.throws(() => table5TruncatedParams('flixster', 0), /positive integer/);
});
