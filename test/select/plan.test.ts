import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.ts';
import { InputError, InputErrors } from '../../src/core/errors.ts';
import { taskKey, type KeyInputs } from '../../src/run/task.ts';
import { harness, syntheticDti, syntheticRatings } from './fixtures.ts';

const errorsOf = async (f: () => unknown): Promise<InputError[]> => {
  try {
    await f();
  } catch (e) {
    if (e instanceof InputErrors) return e.errors;
    if (e instanceof InputError) return [e];
    throw e;
  }
  assert.fail('expected a configuration error');
};
const fields = (errs: InputError[]): string[] => errs.map((e) => e.where.field ?? '').sort();

test('config: select and dtype are read with their defaults; bad specs are refused naming the field', async () => {
  const c = loadConfig({
    overrides: { methods: ['grmf', { name: 'cmf', select: { grid: [{ k: 5 }, { k: 10 }] }, dtype: 'float32' }] },
  });
  assert.equal(c.methods[0].select, null);
  assert.equal(c.methods[0].dtype, null);
  assert.deepEqual(c.methods[1].select, { grid: [{ k: 5 }, { k: 10 }], metric: null, fraction: 0.1 });
  assert.equal(c.methods[1].dtype, 'float32');
  const bad = (select: unknown, dtype?: unknown) => () =>
    loadConfig({ overrides: { methods: ['grmf', { name: 'grmf', label: 'g2', select, ...(dtype ? { dtype } : {}) }] } });
  assert.deepEqual(fields(await errorsOf(bad({ grid: [{ k: 5 }] }))), ['methods[1].select.grid']);
  assert.deepEqual(fields(await errorsOf(bad({ grid: [{ k: 5 }, { k: 6 }], fraction: 0.7 }))), ['methods[1].select.fraction']);
  assert.deepEqual(fields(await errorsOf(bad({ grid: [{ k: 5 }, { k: 6 }], fraction: 0 }))), ['methods[1].select.fraction']);
  assert.deepEqual(fields(await errorsOf(bad({ grid: [{ k: 5 }, { k: 6 }], metric: 'f1' }))), ['methods[1].select.metric']);
  assert.deepEqual(fields(await errorsOf(bad({ grid: [{ k: 5 }, 3] }))), ['methods[1].select.grid[1]']);
  assert.deepEqual(fields(await errorsOf(bad({ grid: [{ k: 5 }, { k: 6 }], metirc: 'auc' }))), ['methods[1].select.metirc']);
  assert.deepEqual(fields(await errorsOf(bad(null, 'float16'))), ['methods[1].dtype']);
});

test('plan: every grid entry is merged over the resolved parameters and validated by the method schema', async () => {
  const ds = syntheticDti();
  const select = { grid: [{ lambdaL: 0.1 }, { lambdaL: 2, k: 7 }], fraction: 0.2 };
  const h = await harness(ds, { settings: ['CVS2'], methods: [{ name: 'grmf', params: { k: 12 }, select }] });
  assert.equal(h.tasks.length, 5);
  const s = h.tasks[0].select!;
  assert.equal(s.metric, 'aupr');
  assert.equal(s.fraction, 0.2);
  assert.deepEqual(s.grid, select.grid);
  assert.deepEqual(s.candidates[0], { ...h.tasks[0].params, lambdaL: 0.1 });
  assert.deepEqual(s.candidates[1], { ...h.tasks[0].params, lambdaL: 2, k: 7 });
  assert.equal(h.tasks[0].params.k, 12);
  // errors name the grid entry and its field, with a hint
  const errs = await errorsOf(() =>
    harness(ds, {
      settings: ['CVS1'],
      methods: ['grmf', { name: 'grmf', label: 'g2', select: { grid: [{ lambdaL: -1 }, { lamdaL: 1 }, { p: 2 }] } }],
    }),
  );
  assert.deepEqual(fields(errs), ['methods[1].select.grid[0].lambdaL', 'methods[1].select.grid[1].lamdaL']);
  assert.match(errs.find((e) => e.where.field === 'methods[1].select.grid[1].lamdaL')!.message, /did you mean 'lambdaL'/);
  // runner WKNKN and a grid entry's own WKNKN would smooth twice
  const w = await errorsOf(() =>
    harness(ds, { settings: ['CVS1'], methods: [{ name: 'grmf', wknkn: { K: 3 }, select: { grid: [{ k: 5 }, { wknkn: { K: 3, eta: 0.5 } }] } }] }),
  );
  assert.deepEqual(fields(w), ['methods[0].select.grid[1].wknkn']);
  // ... and so would the runner's WKNKN with the method's own params.wknkn
  const twice = await errorsOf(() => harness(ds, { settings: ['CVS1'], methods: [{ name: 'grmf', wknkn: { K: 3 }, params: { wknkn: { K: 3, eta: 0.5 } } }] }));
  assert.deepEqual(fields(twice), ['methods[0].wknkn']);
  assert.match(twice[0].message, /set both for the runner \(methods\[0\]\.wknkn\).*methods\[0\]\.params\.wknkn \(grmf's own\)/);
  // rating sets: RMSE by default, AUPR/AUC refused
  const r = await harness(syntheticRatings(), { methods: [{ name: 'bias', select: { grid: [{ lambdaUser: 1 }, { lambdaUser: 9 }] } }] });
  assert.equal(r.tasks[0].select!.metric, 'rmse');
  const m = await errorsOf(() => harness(syntheticRatings(), { methods: [{ name: 'bias', select: { grid: [{ lambdaUser: 1 }, { lambdaUser: 9 }], metric: 'auc' } }] }));
  assert.deepEqual(fields(m), ['methods[0].select.metric']);
});

test('task keys: unchanged without select, changed by any part of it; per-method dtype enters the key of that method only', async () => {
  const base: KeyInputs = {
    datasetChecksums: { interactions: 'A', drugSim: 'B', targetSim: 'C' }, setting: 'CVS2', repetition: 0, fold: 1,
    testCells: Int32Array.from([1, 5, 9]), method: 'grmf', methodVersion: '1', params: { k: 10, lambdaL: 0.5 },
    protocol: 'leak-free', profiles: 'train', engine: { name: 'js', dtype: 'float64' }, seed: 7,
  };
  // the key computed by the code before selection existed (commit 4061786): records of existing runs stay valid
  const before = '6747a6239b18f4b30f78250df71fe4e3e0aa88c6d07783898afb44f923678596';
  assert.equal(taskKey(base), before);
  assert.equal(taskKey({ ...base, select: null }), before);
  const sel = { metric: 'aupr', fraction: 0.1, candidates: [{ k: 10, lambdaL: 0.1 }, { k: 10, lambdaL: 1 }] };
  const keys = new Set([
    before,
    taskKey({ ...base, select: sel }),
    taskKey({ ...base, select: { ...sel, metric: 'auc' } }),
    taskKey({ ...base, select: { ...sel, fraction: 0.2 } }),
    taskKey({ ...base, select: { ...sel, candidates: [sel.candidates[0], { k: 10, lambdaL: 2 }] } }),
    taskKey({ ...base, select: { ...sel, candidates: [...sel.candidates].reverse() } }),
  ]);
  assert.equal(keys.size, 6);

  const ds = syntheticDti();
  const cv = { repetitions: 1, folds: 5, onlyFolds: [0] };
  const plain = await harness(ds, { settings: ['CVS1'], cv, methods: ['grmf', { name: 'cmf', label: 'c32' }] });
  const mixed = await harness(ds, {
    settings: ['CVS1'], cv,
    methods: [{ name: 'grmf', dtype: 'float64' }, { name: 'cmf', label: 'c32', dtype: 'float32' }],
  });
  assert.equal(mixed.tasks[0].key, plain.tasks[0].key, 'dtype equal to the run dtype: same key');
  assert.notEqual(mixed.tasks[1].key, plain.tasks[1].key);
  assert.deepEqual(mixed.tasks.map((t) => t.engine.dtype), ['float64', 'float32']);
  assert.deepEqual(plain.tasks.map((t) => t.engine.dtype), ['float64', 'float64']);
  const selected = await harness(ds, { settings: ['CVS1'], cv, methods: ['grmf', { name: 'cmf', label: 'c32', select: { grid: [{ k: 3 }, { k: 4 }] } }] });
  assert.equal(selected.tasks[0].key, plain.tasks[0].key);
  assert.notEqual(selected.tasks[1].key, plain.tasks[1].key);
});
