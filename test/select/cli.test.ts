import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tmp, baseArgs, listFiles } from '../orchestration/helpers.ts';
import { recordProblems } from '../../src/run/records.ts';

test('dti all with one selected method and one float32 method: records say what was chosen; resume by key', async () => {
  const out = tmp('select-cli');
  const cfg = join(out, 'select.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      methods: [
        { name: 'toy', select: { grid: [{ alpha: 0.05 }, { alpha: 0.5 }, { alpha: 0.95 }], fraction: 0.2 } },
        { name: 'toy', label: 'toy32', dtype: 'float32' },
      ],
    }),
  );
  const args = baseArgs(out, ['--config', cfg, '--settings', 'CVS2', '--jobs', '1'], null);
  const r = await cli(['all', ...args]);
  assert.equal(r.code, 0, r.err);
  const recs = listFiles(join(out, 'records'));
  assert.deepEqual(recs, ['nr/CVS2/toy/rep0-fold0.json', 'nr/CVS2/toy/rep0-fold1.json', 'nr/CVS2/toy32/rep0-fold0.json', 'nr/CVS2/toy32/rep0-fold1.json']);
  for (const f of recs) {
    const rec = JSON.parse(readFileSync(join(out, 'records', f), 'utf8'));
    assert.deepEqual(recordProblems(rec), [], f);
    if (f.includes('toy32')) {
      assert.equal(rec.engine.dtype, 'float32');
      assert.equal(rec.task.select, undefined);
      continue;
    }
    assert.equal(rec.engine.dtype, 'float64');
    const choice = rec.info.select_choice;
    assert.ok([0, 1, 2].includes(choice));
    const vals = [0, 1, 2].map((i) => rec.info[`select_${i}_aupr`] as number);
    assert.ok(vals.every((v) => v > 0 && v <= 1));
    assert.equal(vals[choice], Math.max(...vals));
    assert.equal(rec.task.selected.alpha, [0.05, 0.5, 0.95][choice]);
    assert.equal(rec.info.alpha, rec.task.selected.alpha, 'the final fit ran with the selected parameters');
    assert.deepEqual(rec.task.select, { metric: 'aupr', fraction: 0.2, grid: [{ alpha: 0.05 }, { alpha: 0.5 }, { alpha: 0.95 }] });
  }
  assert.ok(existsSync(join(out, 'report')), 'the report stage ran');
  const again = await cli(['run', ...args]);
  assert.equal(again.code, 0, again.err);
  assert.match(again.err, /4 reused, 0 computed/);
});
