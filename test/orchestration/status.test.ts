/** `dti status` from checkpoint headers: progress of fits under way, read without their data. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEngine } from '../../src/engine/registry.ts';
import { sgmcMethod } from '../../src/methods/sgmc.ts';
import type { FitCheckpoint } from '../../src/methods/types.ts';
import { checkpointFile, fileCheckpoint, readCheckpointHeader } from '../../src/run/checkpoint.ts';
import { formatStatus, taskStatus } from '../../src/run/status.ts';
import type { TaskSpec } from '../../src/run/task.ts';
import { bandLimited, syntheticInput, GIVEN_GRAPH } from '../methods/sgmc-synthetic.ts';
import { tmp } from './helpers.ts';

/** a file checkpoint whose fit is "killed" at its `killAt`-th save */
const killing = (file: string, killAt: number): FitCheckpoint => {
  const ck = fileCheckpoint(file, 0);
  let saves = 0;
  return { ...ck, save: (s) => { ck.save(s); if (++saves === killAt) throw new Error('killed'); } };
};

test('status: done, under way (update, cap, best validation RMSE and where, refit phase) and pending, from checkpoint headers', async () => {
  const engine = await getEngine('js');
  const s = bandLimited(engine, 20, 16, 3, 0.4, 3);
  const outdir = tmp('status');
  const params = { graph: GIVEN_GRAPH, lr: 0.001, lrScale: 'none' as const, evalEvery: 10, iterations: 1000, stopping: 'validation-best' as const, patience: 8, refit: true };
  const task = (id: string, key: string, iterations = 1000): TaskSpec => ({ id, key, outdir, params: { iterations }, select: null }) as unknown as TaskSpec;
  // fold a: killed at its 5th save (update 50, first phase); fold b: killed inside the refit; fold c: not started
  const a = task('x/CVS1/sgmc/rep0-fold0', 'ka');
  const b = task('x/CVS1/sgmc/rep0-fold1', 'kb');
  await assert.rejects(() => sgmcMethod.fit({ ...syntheticInput(engine, s, 1), checkpoint: killing(checkpointFile(outdir, 'ka', 0), 5) }, params), /killed/);
  await assert.rejects(() => sgmcMethod.fit({ ...syntheticInput(engine, s, 1), checkpoint: killing(checkpointFile(outdir, 'kb', 0), 30) }, params), /killed/);
  const header = readCheckpointHeader(checkpointFile(outdir, 'ka', 0)) as { loop: { factors: { rows: number; cols: number; data?: unknown }[][]; it: number } };
  assert.equal(header.loop.it, 50);
  assert.deepEqual(header.loop.factors[0][0], { rows: 20, cols: 20 }, 'matrices come back as shapes, without data');
  const list = taskStatus([a, b, task('x/CVS1/sgmc/rep0-fold2', 'kc'), task('x/CVS1/sgmc/rep0-fold3', 'kd')], (t) => t.key === 'kd');
  assert.deepEqual(list.map((x) => x.state), ['under way', 'under way', 'pending', 'done']);
  const [fa] = list[0].fits;
  assert.equal(fa.phase, 'fit');
  assert.equal(fa.update, 50);
  assert.equal(fa.of, 1000);
  assert.ok(fa.validationRmse !== null && fa.validationRmse > 0 && fa.bestAt !== null && fa.bestAt <= 50);
  const [fb] = list[1].fits;
  assert.equal(fb.phase, 'refit');
  assert.ok(fb.of !== null && fb.of < 1000 && fb.update < fb.of, `the refit runs to the selected count (${fb.update} of ${fb.of})`);
  const text = formatStatus(list, new Date(fa.savedAt.getTime() + 125_000), 1);
  assert.match(text, /^\[status\] 4 task\(s\): 1 done, 2 under way, 1 pending$/m);
  assert.match(text, new RegExp(`^  under way  x/CVS1/sgmc/rep0-fold0  fit 0: update 50 of 1000 after \\d+ s \\([\\d.]+ ms per update, up to \\d+ s more\\), best validation RMSE [\\d.]+ at ${fa.bestAt}; saved 2 min ago$`, 'm'));
  assert.match(text, new RegExp(`^  under way  x/CVS1/sgmc/rep0-fold1  fit 0 \\(refit\\): update ${fb.update} of ${fb.of} after`, 'm'));
  assert.match(text, /^ {2}pending {4}x\/CVS1\/sgmc\/rep0-fold2$/m);
  // the pace and the time left at it, on the scale of a long fit
  const long = { ...fa, update: 1200, of: 3000, seconds: 3720, validationRmse: 0.74261, bestAt: 1200 };
  assert.match(
    formatStatus([{ ...list[0], fits: [long] }], long.savedAt),
    /fit 0: update 1200 of 3000 after 62 min \(3\.1 s per update, up to 1\.6 h more\), best validation RMSE 0\.74261 at 1200; saved 0 s ago$/m,
  );
  // more pending tasks than shown: a count
  assert.match(formatStatus([...list, { ...list[2] }], new Date(), 1), /^ {2}\.\.\. and 1 more pending$/m);
});
