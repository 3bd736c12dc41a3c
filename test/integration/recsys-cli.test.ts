/**
 * A recommender benchmark through the whole CLI (fetch from a mirror, fixed split, run, report): Synthetic Netflix
 * with the mean and bias baselines. Interaction profiles never apply to rating sets, whatever the protocol.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tmp, listFiles } from '../orchestration/helpers.ts';
import { recsysDir } from '../helpers/paths.ts';

test('synthetic-netflix: mean, bias and sgmc (table5) through fetch -> run -> report, on the fixed 4500/4500 split', async () => {
  const out = tmp('recsys-cli');
  const cfg = join(out, 'config.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      methods: [
        'mean',
        'bias',
        { name: 'sgmc', preset: 'table5', params: { stopping: 'fixed', iterations: 1500 } },
        // early stopping on the 95/5 split, then the refit on all 4,500 ratings (scaled step)
        { name: 'sgmc', preset: 'table5', label: 'sgmc-refit', params: { stopping: 'validation-best', patience: 5, evalEvery: 100, iterations: 1500, refit: true } },
      ],
    }),
  );
  const r = await cli([
    'all', '-c', cfg, '--datasets', 'synthetic-netflix', '--repetitions', '1', '--mirror', recsysDir,
    '--cache-dir', join(out, 'cache'), '-o', out, '--jobs', '1',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out + r.err, /\[graphs\] synthetic-netflix: .*\(profiles none\)/);
  const recs = listFiles(join(out, 'records')).map((f) => JSON.parse(readFileSync(join(out, 'records', f), 'utf8')));
  assert.equal(recs.length, 4);
  for (const rec of recs) {
    assert.equal(rec.task.setting, 'fixed');
    assert.equal(rec.task.profiles, 'none');
    assert.equal(rec.nTest, 4500);
    assert.equal(rec.metrics.auc, undefined);
  }
  const rmse = Object.fromEntries(recs.map((x) => [x.task.method, x.metrics.rmse]));
  const refit = recs.find((x) => x.task.method === 'sgmc-refit');
  assert.ok(refit, recs.map((x) => x.task.method).join(', '));
  assert.equal(refit.info.refit, 1);
  assert.ok(refit.info.scoresAt > 0 && refit.info.scoresAt <= 1500);
  assert.ok(Math.abs(Number(refit.info.refitLr) - 5e-3 * (1 - 225 / 4500)) < 1e-12, 'step x 4,275 / 4,500');
  assert.ok(rmse['sgmc-refit'] < 0.05, JSON.stringify(rmse));
  // the bias model is far better than per-user means on this set (0.255 vs 0.651 measured)
  assert.ok(rmse.bias < 0.3 && rmse.mean > 0.6, JSON.stringify(rmse));
  const table = readFileSync(join(out, 'report', 'recsys-leak-free.md'), 'utf8');
  assert.match(table, /\| synthetic-netflix \| fixed \|/);
  // fixed published splits: the paper's Table 1 number stands beside ours without --protocol published
  const pub = readFileSync(join(out, 'report', 'published-vs-reproduced.md'), 'utf8');
  assert.match(pub, /synthetic-netflix.*sgmc.*0\.0021/);
});

test('synthetic-netflix profile, SGMC selected on the 95/5 split: the winner is refitted on all 4,500 ratings and beats the published 0.0021', async () => {
  const out = tmp('recsys-sel');
  // the profile's own grid and settings, with a shorter budget per fit (the profile runs 40,000 updates)
  const profile = JSON.parse(readFileSync(new URL('../../pipeline/profiles/synthetic-netflix.json', import.meta.url), 'utf8'));
  const selected = profile.methods.find((m: { label?: string }) => m.label === 'sgmc-selected');
  const cfg = join(out, 'config.json');
  writeFileSync(cfg, JSON.stringify({ methods: [{ ...selected, params: { ...selected.params, iterations: 6000, evalEvery: 1000 } }], report: { published: true } }));
  const r = await cli([
    'all', '-c', cfg, '--datasets', 'synthetic-netflix', '--repetitions', '1', '--mirror', recsysDir,
    '--cache-dir', join(out, 'cache'), '-o', out, '--jobs', '1',
  ]);
  assert.equal(r.code, 0, r.err);
  const [rec] = listFiles(join(out, 'records')).map((f) => JSON.parse(readFileSync(join(out, 'records', f), 'utf8')));
  const grid = selected.select.grid as { qInner: number; muR: number }[];
  const choice = rec.info.select_choice as number;
  // every candidate was scored on the validation cells and the lowest RMSE won
  const vals = grid.map((_, i) => rec.info[`select_${i}_rmse`] as number);
  assert.ok(vals.every((v) => Number.isFinite(v) && v > 0), JSON.stringify(rec.info));
  assert.equal(vals[choice], Math.min(...vals));
  assert.deepEqual([rec.task.selected.qInner, rec.task.selected.muR, rec.task.selected.rhoR], [grid[choice].qInner, grid[choice].muR, 0]);
  assert.equal(rec.nTest, 4500);
  assert.ok(rec.metrics.rmse < 0.0021, `selected SGMC test RMSE ${rec.metrics.rmse} (published 0.0021)`);
  const pub = readFileSync(join(out, 'report', 'published-vs-reproduced.md'), 'utf8');
  assert.match(pub, /\| synthetic-netflix \| fixed \| RMSE \| sgmc \| Table 1 \| 0\.0021 \| 0\.0021 \| 0\.00\d{3} \| 1 \| -0\.000\d\d \|.*variant sgmc-selected/);
});

test('a fixed published split: repetitions are seeds (same test ratings, other validation splits)', async () => {
  const out = tmp('recsys-seeds');
  const cfg = join(out, 'config.json');
  writeFileSync(cfg, JSON.stringify({
    methods: ['mean', { name: 'sgmc', preset: 'table5', params: { stopping: 'validation-best', patience: 2, evalEvery: 50, iterations: 300 } }],
  }));
  const r = await cli([
    'all', '-c', cfg, '--datasets', 'synthetic-netflix', '--repetitions', '2', '--mirror', recsysDir,
    '--cache-dir', join(out, 'cache'), '-o', out, '--jobs', '1',
  ]);
  assert.equal(r.code, 0, r.err);
  const recs = listFiles(join(out, 'records')).map((f) => JSON.parse(readFileSync(join(out, 'records', f), 'utf8')));
  const of = (m: string) => recs.filter((x) => x.task.method === m).sort((a, b) => a.task.repetition - b.task.repetition);
  assert.deepEqual(of('mean').map((x) => [x.task.repetition, x.task.fold, x.nTest]), [[0, 0, 4500], [1, 0, 4500]]);
  assert.equal(of('mean')[0].metrics.rmse, of('mean')[1].metrics.rmse); // nothing random in a per-user mean
  const [a, b] = of('sgmc');
  assert.notEqual(a.task.seed, b.task.seed);
  assert.notEqual(a.info.validationRmse, b.info.validationRmse, 'each seed validates on its own 5 %');
  // the report aggregates the seeds: mean ± std over n = 2
  const table = JSON.parse(readFileSync(join(out, 'report', 'recsys-leak-free.json'), 'utf8'));
  assert.equal(table.rows[0].sgmc.n, 2);
});
