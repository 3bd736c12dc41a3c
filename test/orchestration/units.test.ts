import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskKey, taskSeed, type KeyInputs } from '../../src/run/task.ts';
import { arraySpec, sbatchArgs, parseJobId, anyActive, parseSacct } from '../../src/executors/slurm.ts';
import { parsePredictions, formatPredictions } from '../../src/run/predictions.ts';
import { mat } from '../../src/core/matrix.ts';
import { InputError } from '../../src/core/errors.ts';
import { workerEnv } from '../../src/executors/local.ts';

const base: KeyInputs = {
  datasetChecksums: { interactions: 'a', drugSim: 'b', targetSim: 'c' },
  setting: 'CVS1',
  repetition: 0,
  fold: 1,
  testCells: Int32Array.from([1, 5, 9]),
  method: 'grmf',
  methodVersion: '1',
  params: { k: 10, lambdaL: 0.5 },
  protocol: 'leak-free',
  profiles: 'train',
  engine: { name: 'js', dtype: 'float64' },
  seed: 7,
};

test('task keys hash every input by content', () => {
  const k = taskKey(base);
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.equal(taskKey({ ...base, params: { lambdaL: 0.5, k: 10 } }), k, 'key order of params does not matter');
  const variants: Partial<KeyInputs>[] = [
    { datasetChecksums: { ...base.datasetChecksums, drugSim: 'B' } },
    { testCells: Int32Array.from([1, 5, 10]) },
    { params: { k: 11, lambdaL: 0.5 } },
    { methodVersion: '2' },
    { protocol: 'published', profiles: 'full' },
    { profiles: 'none' },
    { engine: { name: 'js', dtype: 'float32' } },
    { seed: 8 },
    { fold: 2 },
    { coldRows: 'naive' },
    { coldRows: 'chemical-scaled' },
    { wknkn: { K: 5, eta: 0.7 } },
    { wknkn: { K: 3, eta: 0.7 } },
    { traces: { singularValues: 5, every: 10 } },
    { optimistic: true },
  ];
  const keys = new Set([k, ...variants.map((v) => taskKey({ ...base, ...v }))]);
  assert.equal(keys.size, variants.length + 1);
  // inputs added after key v1 enter only when not at their default: keys of existing default records stay valid
  assert.equal(taskKey({ ...base, coldRows: 'chemical-only', wknkn: null, traces: null, optimistic: false }), k);
  const s = taskSeed(1, 'nr', 'CVS1', 'grmf', 0, 1);
  assert.equal(s, taskSeed(1, 'nr', 'CVS1', 'grmf', 0, 1));
  assert.notEqual(s, taskSeed(1, 'nr', 'CVS1', 'grmf', 0, 2));
  assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 31);
});

test('slurm command pieces: array specs, sbatch arguments, job ids, squeue and sacct answers', () => {
  assert.equal(arraySpec([0, 1, 2, 5, 7, 8]), '0-2,5,7-8');
  assert.equal(arraySpec([3]), '3');
  const o = { partition: 'short', account: null, time: '00:05:00', mem: '1G', cpus: 2, throttle: 4, extraArgs: ['--qos=low'], pollSeconds: 1, node: null };
  assert.deepEqual(sbatchArgs(o, { name: 'dti-x', indices: [0, 1, 2], logDir: '/o/logs', script: '/o/job.sh' }), [
    '--parsable', '--job-name=dti-x', '--array=0-2%4', '--output=/o/logs/%A_%a.out', '--cpus-per-task=2', '--mem=1G',
    '--time=00:05:00', '--partition=short', '--qos=low', '/o/job.sh',
  ]);
  assert.ok(sbatchArgs({ ...o, throttle: null }, { name: 'n', indices: [4, 6], logDir: '/l', script: '/s' }).includes('--array=4,6'));
  assert.equal(parseJobId('1234\n'), '1234');
  assert.equal(parseJobId('77;cluster\n'), '77');
  assert.throws(() => parseJobId('sbatch: error: invalid partition'), /expected a job id/);
  assert.equal(anyActive(''), false);
  assert.equal(anyActive('12_[3-5%2]|PENDING\n12_1|RUNNING\n'), true);
  assert.equal(anyActive('12_1|COMPLETED\n12_2|FAILED\n'), false);
  const s = parseSacct('12_0|COMPLETED|0:0\n12_0.batch|COMPLETED|0:0\n12_1|FAILED|1:0\n13_2|FAILED|1:0\n', '12');
  assert.deepEqual([...s.entries()], [[0, { state: 'COMPLETED', exit: '0:0' }], [1, { state: 'FAILED', exit: '1:0' }]]);
  assert.equal(parseSacct('', '12').size, 0);
});

test('predictions TSV round-trips exactly and rejects truncation', () => {
  const scores = mat(2, 3, [0.1, 1 / 3, -2e-17, 5, 0.25, 1e300]);
  const truth = mat(2, 3, [0, 1, 0, 1, 0, 0]);
  const text = formatPredictions(scores, truth, Int32Array.from([1, 2, 5]));
  const p = parsePredictions(text, 'p.tsv');
  assert.deepEqual([...p.cells], [1, 2, 5]);
  assert.deepEqual([...p.rows], [0, 0, 1]);
  assert.deepEqual([...p.cols], [1, 2, 2]);
  assert.deepEqual([...p.scores], [1 / 3, -2e-17, 1e300]);
  assert.deepEqual([...p.labels], [1, 0, 0]);
  assert.throws(() => parsePredictions(text.slice(0, -5), 'p.tsv'), (e: unknown) => e instanceof InputError && /truncated/.test((e as Error).message));
  assert.throws(() => parsePredictions(text.replace('1e+300', 'x'), 'p.tsv'), InputError);
  assert.throws(() => parsePredictions('a\tb\n', 'p.tsv'), /expected header/);
});

test('workers get one BLAS thread each when several run at once', () => {
  assert.equal(workerEnv(4, null).OPENBLAS_NUM_THREADS, '1');
  assert.equal(workerEnv(1, null).OPENBLAS_NUM_THREADS, process.env.OPENBLAS_NUM_THREADS);
  assert.equal(workerEnv(1, 3).OPENBLAS_NUM_THREADS, '3');
});
