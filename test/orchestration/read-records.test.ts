/** readRecordsIn: every valid record under an output directory; invalid files skipped, or named when strict. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecordsIn } from '../../src/run/records.ts';
import { record } from '../report/fixtures.ts';

const valid = (setting: string, fold: number) =>
  record({ dataset: 'gpcr', setting, repetition: 0, fold, method: 'sgmc' }, { aupr: 0.5 + fold / 100, auc: 0.9, rmse: 0.1 }, {
    key: `${fold}`.padStart(64, 'a'),
    engine: { name: 'native', backend: 'openblas', dtype: 'float64' },
  });

test('readRecordsIn: valid records of the pattern; a broken file is skipped, or an error naming it when strict', async () => {
  const out = mkdtempSync(join(tmpdir(), 'records-in-'));
  for (const [setting, fold] of [['CVS1', 0], ['CVS1', 1], ['CVS3', 2]] as const) {
    mkdirSync(join(out, 'records', 'gpcr', setting, 'sgmc'), { recursive: true });
    writeFileSync(join(out, 'records', 'gpcr', setting, 'sgmc', `rep0-fold${fold}.json`), JSON.stringify(valid(setting, fold)));
  }
  const all = await readRecordsIn(out);
  assert.deepEqual(all.map((r) => r.task.fold).sort(), [0, 1, 2]);
  const cvs1 = await readRecordsIn(out, 'records/gpcr/CVS1/sgmc/rep*-fold*.json');
  assert.deepEqual(cvs1.map((r) => r.task.fold).sort(), [0, 1]);
  const broken = join(out, 'records', 'gpcr', 'CVS3', 'sgmc', 'rep0-fold9.json');
  writeFileSync(broken, '{"schema": "sgmc-dti/task-result/1", "key": ');
  assert.equal((await readRecordsIn(out)).length, 3);
  await assert.rejects(readRecordsIn(out, undefined, { strict: true }), (e: Error) => e.message.includes(broken));
  assert.deepEqual(await readRecordsIn(join(out, 'nothing-here')), []);
});
