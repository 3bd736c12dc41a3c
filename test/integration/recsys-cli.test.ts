/**
 * A recommender benchmark through the whole CLI (fetch from a mirror, fixed split, run, report): Synthetic Netflix
 * with the mean and bias baselines. Interaction profiles never apply to rating sets, whatever the protocol.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tmp, listFiles } from '../orchestration/helpers.ts';
import { recsysDir } from '../helpers/paths.ts';

test('synthetic-netflix: mean and bias through fetch -> run -> report, on the fixed 4500/4500 split', async () => {
  const out = tmp('recsys-cli');
  const r = await cli([
    'all', '--datasets', 'synthetic-netflix', '--methods', 'mean,bias', '--mirror', recsysDir,
    '--cache-dir', join(out, 'cache'), '-o', out, '--jobs', '1',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out + r.err, /\[graphs\] synthetic-netflix: .*\(profiles none\)/);
  const recs = listFiles(join(out, 'records')).map((f) => JSON.parse(readFileSync(join(out, 'records', f), 'utf8')));
  assert.equal(recs.length, 2);
  for (const rec of recs) {
    assert.equal(rec.task.setting, 'fixed');
    assert.equal(rec.task.profiles, 'none');
    assert.equal(rec.nTest, 4500);
    assert.equal(rec.metrics.auc, undefined);
  }
  const rmse = Object.fromEntries(recs.map((x) => [x.task.method, x.metrics.rmse]));
  // the bias model is far better than per-user means on this set (0.255 vs 0.651 measured)
  assert.ok(rmse.bias < 0.3 && rmse.mean > 0.6, JSON.stringify(rmse));
  const table = readFileSync(join(out, 'report', 'recsys-leak-free.md'), 'utf8');
  assert.match(table, /synthetic-netflix \| fixed \| \*\*0\.2\d{3}\*\*/);
});
