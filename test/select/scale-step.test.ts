import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputErrors } from '../../src/core/errors.ts';
import { recordProblems } from '../../src/run/records.ts';
import { taskKey } from '../../src/run/task.ts';
import { innerSeed, innerSplit } from '../../src/select/inner-split.ts';
import { scaleFixedStep } from '../../src/methods/sgmc/params.ts';
import { harness, syntheticRatings } from './fixtures.ts';

// DMF (identity bases, fixed-step GD, lrScale 'none'): a fixed step whose effect depends on how many cells the
// data term sums over, which is what select.scaleStep corrects
const dmf = { alpha: 0, lr: 0.002, iterations: 60, stopping: 'fixed' };
const grid = [{ lr: 0.002 }, { lr: 0.004 }];

test('scaleStep: the winner is refitted with lr x (inner training cells / fold training cells), = a plain run at that lr', async () => {
  const ds = syntheticRatings();
  const h = await harness(ds, { methods: [{ name: 'dmf', params: dmf, select: { grid, fraction: 0.2, scaleStep: true } }] });
  const rec = await h.run(h.tasks[0]);
  assert.deepEqual(recordProblems(rec), []);
  assert.deepEqual(rec.task.select, { metric: 'rmse', fraction: 0.2, grid, scaleStep: true });
  // the ratio is the share of the training ratings the candidates were fitted on
  const split = innerSplit('fixed', ds.rows, ds.cols, ds.train, 0.2, innerSeed(rec.task.seed!));
  const ratio = (ds.train.length - split.validation.length) / ds.train.length;
  assert.ok(ratio > 0.75 && ratio < 0.85, String(ratio));
  assert.equal(rec.info!.select_step_ratio, ratio);
  const choice = rec.info!.select_choice as number;
  const winnerLr = grid[choice].lr;
  assert.equal(rec.task.selected!.lr, winnerLr * ratio);
  // the refit = a plain run with the scaled step; the unscaled step gives other numbers
  const scaled = await harness(ds, { methods: [{ name: 'dmf', params: { ...dmf, lr: winnerLr * ratio } }] });
  const plainScaled = await scaled.run(scaled.tasks[0]);
  assert.ok(Math.abs(rec.metrics.rmse - plainScaled.metrics.rmse) < 1e-12, `${rec.metrics.rmse} vs ${plainScaled.metrics.rmse}`);
  const same = await harness(ds, { methods: [{ name: 'dmf', params: { ...dmf, lr: winnerLr } }] });
  const plainSame = await same.run(same.tasks[0]);
  assert.ok(Math.abs(rec.metrics.rmse - plainSame.metrics.rmse) > 1e-6, 'the unscaled step is another fit');
  // without scaleStep the winner runs as chosen
  const off = await harness(ds, { methods: [{ name: 'dmf', params: dmf, select: { grid, fraction: 0.2 } }] });
  const offRec = await off.run(off.tasks[0]);
  assert.equal(offRec.info!.select_choice, choice);
  assert.equal(offRec.task.selected!.lr, winnerLr);
  assert.equal(offRec.info!.select_step_ratio, undefined);
  assert.deepEqual(offRec.task.select, { metric: 'rmse', fraction: 0.2, grid });
  assert.ok(Math.abs(offRec.metrics.rmse - plainSame.metrics.rmse) < 1e-12);
  // scaleStep enters the task key only when set
  assert.notEqual(h.tasks[0].key, off.tasks[0].key);
  const sel = { metric: 'rmse', fraction: 0.2, candidates: [{ lr: 1 }, { lr: 2 }] };
  const base = {
    datasetChecksums: { ratings: 'A' }, setting: 'fixed', repetition: 0, fold: 0, testCells: Int32Array.from([1]), method: 'dmf',
    methodVersion: '1', params: {}, protocol: 'leak-free', profiles: 'none', engine: { name: 'js', dtype: 'float64' }, seed: 1,
  } as const;
  assert.equal(taskKey({ ...base, select: { ...sel, scaleStep: false } }), taskKey({ ...base, select: sel }));
});

test('scaleFixedStep: a fixed step is scaled, a spectral step is left alone; bad ratios are refused', () => {
  assert.deepEqual(scaleFixedStep({ lr: 0.01, lrScale: 'none' as const }, 0.9), { lr: 0.01 * 0.9, lrScale: 'none' });
  const spectral = { lr: 0.3, lrScale: 'spectral' as const };
  assert.equal(scaleFixedStep(spectral, 0.9), spectral);
  assert.throws(() => scaleFixedStep({ lr: 1, lrScale: 'none' as const }, 0), RangeError);
  assert.throws(() => scaleFixedStep({ lr: 1, lrScale: 'none' as const }, 1.5), RangeError);
});

test('scaleStep on a method without a fixed step is refused at plan time, naming the field', async () => {
  const ds = syntheticRatings();
  await assert.rejects(
    harness(ds, { methods: ['mean', { name: 'bias', select: { grid: [{ lambdaUser: 1 }, { lambdaUser: 5 }], scaleStep: true } }] }),
    (e: unknown) => e instanceof InputErrors && e.errors.some((x) => x.where.field === 'methods[1].select.scaleStep') && /bias has no fixed step/.test(e.message),
  );
  // the config schema refuses a non-boolean
  await assert.rejects(
    harness(ds, { methods: [{ name: 'dmf', select: { grid, scaleStep: 'yes' } }] }),
    (e: unknown) => e instanceof InputErrors && /methods\[0\]\.select\.scaleStep/.test(e.message),
  );
});
