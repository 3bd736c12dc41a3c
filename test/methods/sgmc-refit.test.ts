import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEngine } from '../../src/engine/registry.ts';
import { InputError, InputErrors } from '../../src/core/errors.ts';
import { sgmcMethod } from '../../src/methods/sgmc.ts';
import { dmfMethod } from '../../src/methods/dmf.ts';
import { validationSplit } from '../../src/splits/views.ts';
import { bandLimited, syntheticInput, GIVEN_GRAPH } from './sgmc-synthetic.ts';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0;
  for (let k = 0; k < a.length; k++) d = Math.max(d, Math.abs(a[k] - b[k]));
  return d;
};

const PARAMS = { graph: GIVEN_GRAPH, lr: 0.003, lrScale: 'none' as const, evalEvery: 10, iterations: 3000 };

test('refit retrains each fold on all its training cells for its selected count with the step scaled by the cells trained on', async () => {
  const engine = await getEngine('js');
  const s = bandLimited(engine, 20, 16, 3, 0.4, 3);
  // three folds of one batch whose validation splits (seeds) select different counts: 60, 0 (the start) and the cap
  const inputs = [1, 2, 3].map((seed) => syntheticInput(engine, s, seed));
  const outs = await sgmcMethod.fitBatch(inputs, { ...PARAMS, stopping: 'validation-best', patience: 5, refit: true });
  const observed = Int32Array.from(Array.from(s.mask.data.keys()).filter((k) => s.mask.data[k] !== 0));
  assert.deepEqual(outs.map((o) => o.info?.scoresAt), [60, 0, 3000]);
  // the time per update counts the refit's updates too
  const ran = Math.max(...outs.map((o) => o.info?.iterations as number)) + 3000;
  for (const o of outs) assert.ok(Math.abs(((o.info?.msPerIteration as number) * ran) / 1000 - (o.info?.seconds as number)) < 1e-9);
  for (const [b, out] of outs.entries()) {
    const at = out.info?.scoresAt as number;
    assert.equal(out.info?.refit, 1);
    const nv = validationSplit(observed, 0.05, inputs[b].seed).validation.length;
    const lrAll = (PARAMS.lr * (observed.length - nv)) / observed.length;
    assert.ok(Math.abs(Number(String(out.info?.refitLr).split(' ')[b]) - lrAll) < 1e-15, 'refitLr reports the scaled step');
    // the same as a fixed run on every training cell, scaled step, selected count
    const fixed = await sgmcMethod.fit(inputs[b], { ...PARAMS, stopping: 'fixed', iterations: at, lr: lrAll });
    assert.ok(maxDiff(out.scores.data, fixed.scores.data) < 1e-9, `fold ${b}: refit = fixed run on all cells`);
    const kept = await sgmcMethod.fit(inputs[b], { ...PARAMS, stopping: 'validation-best', patience: 5 });
    assert.equal(kept.info?.scoresAt, at, 'the selection does not depend on the refit');
    if (at > 0) {
      // the check can fail: the unscaled step, or the model trained without the validation cells, give other scores
      const unscaled = await sgmcMethod.fit(inputs[b], { ...PARAMS, stopping: 'fixed', iterations: at });
      assert.ok(maxDiff(out.scores.data, unscaled.scores.data) > 1e-6);
      assert.ok(maxDiff(out.scores.data, kept.scores.data) > 1e-6);
    } else assert.ok(maxDiff(out.scores.data, kept.scores.data) < 1e-15, 'count 0: the start, as selected');
    assert.ok(Math.abs((out.info?.validationRmse as number) - (kept.info?.validationRmse as number)) < 1e-12, 'the selected validation RMSE is reported');
  }
});

test('refit is checked: it needs a validation stop, and the methods that share the stopping rule take it', async () => {
  const engine = await getEngine('js');
  const s = bandLimited(engine, 20, 16, 3, 0.4, 3);
  await assert.rejects(
    () => sgmcMethod.fit(syntheticInput(engine, s), { ...PARAMS, stopping: 'fixed', refit: true }),
    (e: unknown) => e instanceof InputError && e.where.field === 'sgmc.refit' && /validation/.test(e.message),
  );
  await assert.rejects(() => sgmcMethod.fit(syntheticInput(engine, s), { ...PARAMS, refit: 'yes' } as any), (e: unknown) => e instanceof InputErrors && /refit/.test(e.message));
  const out = await dmfMethod.fit(syntheticInput(engine, s), { lr: 0.003, stopping: 'validation', iterations: 200, refit: true });
  assert.equal(out.info?.refit, 1);
  assert.equal(out.info?.scoresAt, out.info?.iterations);
});
