/**
 * The `slurm` executor against a real single-node SLURM cluster (test/slurm/cluster.sh). Needs slurm-wlm and
 * munge installed and root. In CI (process.env.CI set) a cluster that cannot start is a failure; elsewhere the
 * tests are skipped with the reason.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import fg from 'fast-glob';
import { repoRoot } from '../helpers/paths.ts';
import { cli, tmp, baseArgs, listFiles, recordEssence, recordNumbers, toyPlugin } from '../orchestration/helpers.ts';

const script = join(repoRoot, 'test/slurm/cluster.sh');
const clusterDir = tmp('slurm-cluster');
let skip: string | false = false;

before(() => {
  const r = spawnSync('bash', [script, 'up', clusterDir], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    const why = `SLURM cluster did not start: ${(r.stderr || r.stdout || String(r.error)).trim()}`;
    if (process.env.CI) throw new Error(`${why}\n(CI needs: apt-get install -y slurm-wlm munge, running as root)`);
    skip = `${why} (skipped outside CI)`;
    console.log(`# ${skip}`);
    return;
  }
  process.env.SLURM_CONF = join(clusterDir, 'slurm.conf');
  process.env.PATH = `${process.env.PATH}:/usr/sbin`;
});

after(() => {
  spawnSync('bash', [script, 'down', clusterDir], { encoding: 'utf8', timeout: 60_000 });
});

const slurmArgs = ['--executor', 'slurm', '--slurm-poll', '0.5', '--slurm-mem', '256M', '--slurm-time', '00:10:00'];

test('slurm job arrays give the same records as the local executor, and resume', async (t) => {
  if (skip) return t.skip(skip);
  const local = tmp('local');
  const viaSlurm = tmp('slurm');
  const a = await cli(['run', ...baseArgs(local, ['--jobs', '2'])]);
  assert.equal(a.code, 0, a.err);
  const b = await cli(['run', ...baseArgs(viaSlurm, slurmArgs)]);
  assert.equal(b.code, 0, b.err);
  assert.match(b.err, /submitted job \d+ \(2 tasks, attempt 1\)/);
  const recs = (d: string) => listFiles(join(d, 'records'));
  assert.deepEqual(recs(viaSlurm), ['nr/CVS1/toy/rep0-fold0.json', 'nr/CVS1/toy/rep0-fold1.json']);
  assert.deepEqual(recs(viaSlurm), recs(local));
  for (const f of recs(local)) {
    assert.deepEqual(recordEssence(join(viaSlurm, 'records', f)), recordEssence(join(local, 'records', f)), f);
  }
  const trace = readFileSync(join(viaSlurm, 'pipeline_info/trace.tsv'), 'utf8').trim().split('\n');
  assert.equal(trace.length, 3);
  assert.ok(trace.slice(1).every((l) => /\tslurm:\d+_\d\t1\t.*\tok$/.test(l)), trace.join('\n'));
  // resume: nothing is submitted again
  const c = await cli(['run', ...baseArgs(viaSlurm, slurmArgs)]);
  assert.equal(c.code, 0, c.err);
  assert.doesNotMatch(c.err, /submitted job/);
  assert.match(c.err, /2 reused, 0 computed/);
});

test('slurm: array elements that die are resubmitted, then the run completes', async (t) => {
  if (skip) return t.skip(skip);
  const out = tmp('slurm-crash');
  const cfg = join(out, 'config.json');
  writeFileSync(cfg, JSON.stringify({ methods: [{ name: 'crashy', params: { markerDir: join(out, 'markers') } }], plugins: [toyPlugin] }));
  const r = await cli(['run', '--config', cfg, ...baseArgs(out, [...slurmArgs, '--retries', '1'], null)]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /attempt 2/);
  const trace = readFileSync(join(out, 'pipeline_info/trace.tsv'), 'utf8').trim().split('\n').slice(1);
  assert.equal(trace.filter((l) => l.includes('\tfailed: ')).length, 2, trace.join('\n'));
  assert.equal(trace.filter((l) => l.endsWith('\tok')).length, 2, trace.join('\n'));
  assert.equal(listFiles(join(out, 'records')).length, 2);
});

test('slurm: an element cancelled mid-fit (pre-emption, a time limit) is resubmitted and continues its fit from the checkpoint', async (t) => {
  if (skip) return t.skip(skip);
  const out = tmp('slurm-ckpt');
  const ref = tmp('slurm-ckpt-ref');
  const cfg = join(out, 'config.json');
  writeFileSync(cfg, JSON.stringify({ methods: [{ name: 'sgmc', params: { stopping: 'fixed', iterations: 2000, evalEvery: 10, lr: 0.05, lrScale: 'none' } }] }));
  const args = (dir: string, extra: string[]): string[] => ['run', '--config', cfg, ...baseArgs(dir, ['--only-folds', '0', '--checkpoint-seconds', '0.01', ...extra], null)];
  const local = await cli(args(ref, ['--jobs', '1']));
  assert.equal(local.code, 0, local.err);
  const running = cli(args(out, [...slurmArgs, '--retries', '1']));
  // cancel the array once its fit has saved a checkpoint
  const deadline = Date.now() + 120_000;
  while (!fg.sync('checkpoints/*/fit0.ckpt', { cwd: out }).length) {
    assert.ok(Date.now() < deadline, 'no checkpoint appeared');
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300));
  const cancel = spawnSync('scancel', ['--full', '--user', 'root'], { encoding: 'utf8' });
  assert.equal(cancel.status, 0, cancel.stderr);
  const r = await running;
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /attempt 2/);
  const file = 'records/nr/CVS1/sgmc/rep0-fold0.json';
  const rec = JSON.parse(readFileSync(join(out, file), 'utf8'));
  assert.ok(rec.info.resumedAt > 0, `the second attempt continued the fit (resumedAt ${rec.info.resumedAt})`);
  assert.deepEqual(recordNumbers(join(out, file)), recordNumbers(join(ref, file)));
  assert.ok(!existsSync(join(out, 'checkpoints')));
});
