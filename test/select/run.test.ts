import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Mat } from '../../src/core/matrix.ts';
import { mat } from '../../src/core/matrix.ts';
import type { GraphProviderInput } from '../../src/graphs/types.ts';
import { innerSeed, innerSplit } from '../../src/select/inner-split.ts';
import { runSelection } from '../../src/select/run.ts';
import { scoreTestCells } from '../../src/metrics/index.ts';
import { recordProblems } from '../../src/run/records.ts';
import { trainCells } from '../../src/splits/index.ts';
import { harness, syntheticDti, syntheticRatings } from './fixtures.ts';
import '../orchestration/fixtures/toy-methods.ts';

const close = (a: number | undefined, b: number | undefined, tol = 1e-10): void => {
  assert.ok(a !== undefined && b !== undefined && Math.abs(a - b) <= tol, `${a} vs ${b}`);
};

const absurd = { lambdaL: 1e4, lambdaD: 1e4, lambdaT: 1e4 };
const sensible = { lambdaL: 0.5 };

test('selection picks the clearly better grmf candidate per setting and refits it on the whole fold', async () => {
  const ds = syntheticDti();
  for (const setting of ['CVS1', 'CVS2', 'CVS3']) {
    const cv = { repetitions: 1, folds: 5, onlyFolds: [1] };
    const h = await harness(ds, { settings: [setting], cv, methods: [{ name: 'grmf', params: { k: 10 }, select: { grid: [absurd, sensible], fraction: 0.2 } }] });
    const rec = await h.run(h.tasks[0]);
    assert.deepEqual(recordProblems(rec), [], setting);
    assert.equal(rec.info!.select_choice, 1, `${setting}: ${JSON.stringify(rec.info)}`);
    assert.ok((rec.info!.select_1_aupr as number) > (rec.info!.select_0_aupr as number) + 0.1, setting);
    assert.ok(typeof rec.info!.select_seconds === 'number');
    assert.deepEqual(rec.task.selected, { ...h.tasks[0].params, ...sensible });
    assert.deepEqual(rec.task.select, { metric: 'aupr', fraction: 0.2, grid: [absurd, sensible] });
    assert.equal(rec.task.params.lambdaL, 0.5, 'params stay the base the grid was merged over');
    // the winner refitted on the fold's whole training data = a plain run with the winner's parameters
    const direct = await harness(ds, { settings: [setting], cv, methods: [{ name: 'grmf', params: { k: 10, ...sensible } }] });
    const plain = await direct.run(direct.tasks[0]);
    close(rec.metrics.aupr, plain.metrics.aupr);
    close(rec.metrics.auc, plain.metrics.auc);
    assert.equal(rec.nTest, plain.nTest);
    // the RMSE metric judges the same way here
    const hr = await harness(ds, { settings: [setting], cv, methods: [{ name: 'grmf', params: { k: 10 }, select: { grid: [absurd, sensible], metric: 'rmse' } }] });
    const rr = await hr.run(hr.tasks[0]);
    assert.equal(rr.info!.select_choice, 1);
    assert.ok((rr.info!.select_1_rmse as number) < (rr.info!.select_0_rmse as number));
  }
});

test('validation labels never reach the inner graphs (profiles train); none/full reuse the fold provider (toy: graph-smoothed means)', async () => {
  const ds = syntheticDti();
  for (const [over, nProviders] of [[{}, 2], [{ profiles: 'none' }, 1], [{ protocol: 'published' }, 1]] as const) {
    const seen: GraphProviderInput[] = [];
    const h = await harness(
      ds,
      { settings: ['CVS1'], cv: { repetitions: 1, folds: 5, onlyFolds: [0] }, ...over, methods: [{ name: 'toy', select: { grid: [{ alpha: 0.2 }, { alpha: 0.9 }], fraction: 0.3 } }] },
      (d) => ({ ...d, createGraphProvider: (i) => (seen.push(i), d.createGraphProvider(i)) }),
    );
    const t = h.tasks[0];
    await h.run(t);
    assert.equal(seen.length, nProviders, JSON.stringify(over));
    if (nProviders === 1) {
      assert.equal(seen[0].profileY, t.profiles === 'full' ? ds.Y : null);
      continue;
    }
    const [outer, inner] = seen as [GraphProviderInput & { profileY: Mat }, GraphProviderInput & { profileY: Mat }];
    assert.equal(inner.profiles, 'train');
    const fold = (await h.deps.readFolds(t.foldsFile)).folds[0];
    const { validation } = innerSplit('CVS1', ds.Y.rows, ds.Y.cols, trainCells(ds.Y.rows, ds.Y.cols, fold), 0.3, innerSeed(t.seed));
    const isVal = new Uint8Array(ds.Y.data.length);
    for (const c of validation) isVal[c] = 1;
    let valPositives = 0;
    for (let c = 0; c < ds.Y.data.length; c++) {
      if (isVal[c]) {
        if (ds.Y.data[c] > 0) valPositives++;
        assert.equal(inner.profileY.data[c], 0, `validation cell ${c} reached the inner profiles`);
      } else assert.equal(inner.profileY.data[c], outer.profileY.data[c]);
    }
    assert.ok(valPositives > 5, 'the check needs positives among the validation cells');
    for (const c of fold.testCells) assert.equal(inner.profileY.data[c], 0);
  }
});

test('rating sets: RMSE selection on a split of the training ratings', async () => {
  const ds = syntheticRatings();
  const h = await harness(ds, { methods: [{ name: 'bias', select: { grid: [{ lambdaUser: 1e6, lambdaItem: 1e6 }, { lambdaUser: 1, lambdaItem: 1 }], fraction: 0.2 } }] });
  const rec = await h.run(h.tasks[0]);
  assert.deepEqual(recordProblems(rec), []);
  assert.equal(rec.task.setting, 'fixed');
  assert.equal(rec.info!.select_choice, 1);
  assert.ok((rec.info!.select_1_rmse as number) < (rec.info!.select_0_rmse as number) - 0.1);
});

test('per-method dtype: float32 records for that method only', async () => {
  const ds = syntheticDti();
  const h = await harness(ds, {
    settings: ['CVS1'], cv: { repetitions: 1, folds: 5, onlyFolds: [0] },
    methods: [{ name: 'grmf', params: { k: 5 } }, { name: 'grmf', label: 'g32', params: { k: 5 }, dtype: 'float32' }],
  });
  const [a, b] = [await h.run(h.tasks[0]), await h.run(h.tasks[1])];
  assert.equal(a.engine.dtype, 'float64');
  assert.equal(b.engine.dtype, 'float32');
  // same model in single precision: close, not identical
  close(a.metrics.auc, b.metrics.auc, 1e-3);
  assert.notEqual(a.metrics.rmse, b.metrics.rmse);
});

test('runSelection: the best validation value wins; ties and undefined metrics (no positive) go to the first candidate', async () => {
  const truth = mat(2, 3, [1, 1, 0, 1, 0, 0]);
  const fits: number[] = [];
  const scores = [mat(2, 3, [0.9, 0.1, 0.2, 0.8, 0.3, 0.1]), mat(2, 3, [0.1, 0.9, 0.2, 0.3, 0.8, 0.1])];
  const run = (validation: number[]) =>
    runSelection({
      candidates: [{ a: 0 }, { a: 1 }], metric: 'aupr', validation: Int32Array.from(validation), truth, kind: 'dti',
      score: scoreTestCells, fit: async (_p, i) => (fits.push(i), scores[i]),
    });
  const none = await run([2, 4, 5]);
  assert.deepEqual(fits, [0, 1]);
  assert.equal(none.choice, 0);
  assert.ok(none.values.every(Number.isNaN));
  const tie = await run([0, 1, 4]);
  close(tie.values[0], tie.values[1], 1e-15);
  assert.equal(tie.choice, 0);
  const second = await run([1, 2, 5]);
  assert.equal(second.choice, 1);
  assert.ok(second.values[1] > second.values[0]);
  const wrong = mat(1, 1);
  await assert.rejects(
    runSelection({ candidates: [{}, {}], metric: 'auc', validation: Int32Array.from([0]), truth, kind: 'dti', score: scoreTestCells, fit: async () => wrong }),
    /1 x 1 scores/,
  );
});
