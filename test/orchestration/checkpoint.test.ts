/**
 * Fit checkpoints end to end: a run killed (SIGKILL) in the middle of a long SGMC fit continues that fit from its
 * checkpoint when run again, and its record holds the numbers of an uninterrupted run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { cli, tmp, baseArgs, spawnCli, exited, recordNumbers } from './helpers.ts';

const RECORD = 'records/nr/CVS1/sgmc/rep0-fold0.json';

const numbers = (out: string): unknown => recordNumbers(join(out, RECORD));

/** start the run, SIGKILL it once a fit checkpoint exists (and some more updates ran) */
async function killAfterCheckpoint(argv: string[], out: string): Promise<void> {
  const child = spawnCli(argv);
  const deadline = Date.now() + 60_000;
  while (!fg.sync('checkpoints/*/fit0.ckpt', { cwd: out }).length) {
    assert.ok(child.exitCode === null && Date.now() < deadline, `no checkpoint appeared:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGKILL');
  await exited(child);
  // the pool's worker must not go on as an orphan (its fit has seconds to go): the checkpoint, saved every 10 ms
  // while the fit runs, stops changing
  const file = join(out, fg.sync('checkpoints/*/fit0.ckpt', { cwd: out })[0]);
  await new Promise((r) => setTimeout(r, 300));
  const settled = statSync(file).mtimeMs;
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(statSync(file).mtimeMs, settled, "the killed run's worker is still writing checkpoints");
  assert.ok(!existsSync(join(out, RECORD)), 'killed before the task finished');
}

test('a run killed mid-fit continues the fit from its checkpoint and records the uninterrupted numbers; --no-resume starts over', async () => {
  const cfg = join(tmp('ckpt-cfg'), 'cfg.json');
  writeFileSync(cfg, JSON.stringify({ methods: [{ name: 'sgmc', params: { stopping: 'fixed', iterations: 2000, evalEvery: 10, optimizer: 'nesterov-restart', lr: 0.05, lrScale: 'none' } }] }));
  const args = (out: string, extra: string[] = []): string[] => ['run', '-c', cfg, ...baseArgs(out, ['--only-folds', '0', '--jobs', '1', ...extra], null)];

  const ref = tmp('ckpt-ref');
  const r = await cli(args(ref, ['--checkpoint-seconds', '0']));
  assert.equal(r.code, 0, r.err);

  const out = tmp('ckpt');
  await killAfterCheckpoint(args(out, ['--checkpoint-seconds', '0.01']), out);
  // dti status: the killed fit is under way at its checkpoint, fold 1 has not started
  const st = await cli(['status', '-c', cfg, ...baseArgs(out, ['--only-folds', '0,1'], null)]);
  assert.equal(st.code, 0, st.err);
  assert.match(st.out, /^\[status\] 2 task\(s\): 0 done, 1 under way, 1 pending$/m);
  const line = /^ {2}under way {2}nr\/CVS1\/sgmc\/rep0-fold0 {2}fit 0: update (\d+) of 2000 after [\d.]+ (s|min)( \([\d.]+ m?s per update, up to [\d.]+ (s|min|h) more\))?; saved \d+ s ago$/m.exec(st.out);
  assert.ok(line && Number(line[1]) > 0 && Number(line[1]) % 10 === 0, st.out);
  assert.match(st.out, /^ {2}pending {4}nr\/CVS1\/sgmc\/rep0-fold1$/m);
  const again = await cli(args(out, ['--checkpoint-seconds', '0.01']));
  assert.equal(again.code, 0, again.err);
  assert.match(again.err, /1 task\(s\) continue their fits from checkpoints/);
  const rec = JSON.parse(readFileSync(join(out, RECORD), 'utf8'));
  assert.ok(rec.info.resumedAt > 0 && rec.info.resumedAt < 2000, `resumed inside the run (${rec.info.resumedAt})`);
  assert.deepEqual(numbers(out), numbers(ref));
  assert.ok(!existsSync(join(out, 'checkpoints')), 'checkpoints are removed with the record written');
  assert.match((await cli(['status', '-c', cfg, ...baseArgs(out, ['--only-folds', '0'], null)])).out, /1 task\(s\): 1 done, 0 under way, 0 pending/);

  // --no-resume: the checkpoint of a killed run is dropped and the fit starts from the beginning
  const fresh = tmp('ckpt-fresh');
  await killAfterCheckpoint(args(fresh, ['--checkpoint-seconds', '0.01']), fresh);
  const over = await cli(args(fresh, ['--no-resume', '--checkpoint-seconds', '0']));
  assert.equal(over.code, 0, over.err);
  assert.doesNotMatch(over.err, /from checkpoints/);
  assert.equal(JSON.parse(readFileSync(join(fresh, RECORD), 'utf8')).info.resumedAt, undefined);
  assert.deepEqual(numbers(fresh), numbers(ref));
  assert.ok(!existsSync(join(fresh, 'checkpoints')));
});
