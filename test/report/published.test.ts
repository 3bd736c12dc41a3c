import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPublished, publishedTable } from '../../src/report/published.ts';
import { groupRecords } from '../../src/report/aggregate.ts';
import { InputError } from '../../src/core/errors.ts';
import { dtiRecords, record } from './fixtures.ts';

test('published data: Table 6 complete (3 datasets x 3 settings x 3 metrics x 4 methods), spot values', () => {
  const p = loadPublished();
  assert.equal(p.dti.length, 108);
  const keys = new Set(p.dti.map((e) => `${e.dataset}/${e.setting}/${e.metric}/${e.method}`));
  assert.equal(keys.size, 108);
  for (const d of ['e', 'gpcr', 'ic']) for (const s of ['CVS1', 'CVS2', 'CVS3']) for (const m of ['auc', 'aupr', 'rmse']) for (const me of ['mgrnnm', 'grmf', 'cmf', 'sgmc']) assert.ok(keys.has(`${d}/${s}/${m}/${me}`));
  const get = (d: string, s: string, m: string, me: string) => p.dti.find((e) => e.dataset === d && e.setting === s && e.metric === m && e.method === me)!;
  assert.equal(get('ic', 'CVS1', 'auc', 'sgmc').printed, '0.9964 ± 0.001');
  assert.equal(get('e', 'CVS1', 'aupr', 'sgmc').mean, 0.9729);
  assert.equal(get('gpcr', 'CVS3', 'rmse', 'cmf').mean, 1.5743);
  assert.equal(get('gpcr', 'CVS1', 'aupr', 'sgmc').printed, '0.8691 ± 0.02');
  // the obvious misprints are kept as printed and flagged
  assert.equal(get('e', 'CVS3', 'aupr', 'mgrnnm').mean, 0.0909);
  assert.equal(get('e', 'CVS3', 'aupr', 'mgrnnm').flag, 'typo');
  assert.equal(get('ic', 'CVS2', 'auc', 'mgrnnm').mean, 0.0971);
  assert.equal(get('ic', 'CVS2', 'auc', 'mgrnnm').flag, 'typo');
  assert.equal(get('gpcr', 'CVS1', 'rmse', 'cmf').printed, get('gpcr', 'CVS1', 'aupr', 'cmf').printed);
  assert.equal(get('gpcr', 'CVS1', 'rmse', 'cmf').flag, 'typo');
  assert.equal(p.dti.filter((e) => e.flag === 'typo').length, 3);
  assert.ok(p.dti.filter((e) => e.dataset === 'gpcr' && e.setting === 'CVS2').every((e) => /CV-B/.test(e.note ?? '')));
  // recommenders
  const r = (d: string, me: string) => p.recsys.find((e) => e.dataset === d && e.method === me)!;
  assert.equal(r('douban', 'sgmc').mean, 0.731);
  assert.equal(r('flixster', 'sgmc').mean, 0.9);
  assert.equal(r('flixster-u', 'sgmc').mean, 0.971);
  assert.equal(r('flixster', 'sgmc').printed, '0.971 / 0.900');
  assert.equal(r('ml-1m', 'sgmc').mean, 0.839);
  assert.equal(r('synthetic-netflix', 'sgmc').mean, 0.0021);
  assert.equal(r('synthetic-ml-100k', 'sgmc-z').mean, 0.4777);
  assert.ok(p.recsys.every((e) => e.metric === 'rmse' && typeof e.table === 'string'));
});

test('published data: malformed files are rejected with the field named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pub-'));
  const f = join(dir, 'p.json');
  writeFileSync(f, JSON.stringify({ schema: 'sgmc-dti/published/1', source: {}, dti: [{ dataset: 'e', method: 'x', metric: 'auc', mean: 'high', printed: 'x' }], recsys: [] }));
  assert.throws(() => loadPublished(f), (e: unknown) => e instanceof InputError && /dti\[0\]\.mean/.test(e.message));
  writeFileSync(f, '{');
  assert.throws(() => loadPublished(f), /cannot read published numbers/);
});

test('publishedTable: difference, protocol, flags; only reproduced datasets/settings', () => {
  const recs = dtiRecords({ datasets: ['e'], reps: 2, folds: 3, protocol: 'published', profiles: 'full' });
  // one method under a user label, registered name sgmc
  const t = publishedTable(groupRecords(recs), loadPublished(), 'fold')!;
  const cols = t.columns.map((c) => c.label);
  const idx = (l: string) => cols.indexOf(l);
  assert.ok(t.rows.every((r) => r[idx('dataset')].text === 'e' && r[idx('protocol')].text === 'published' && r[idx('profiles')].text === 'full'));
  assert.equal(t.rows.length, 36); // 3 settings x 3 metrics x 4 published methods (cmf not reproduced: dash)
  const row = t.rows.find((r) => r[idx('setting')].text === 'CVS1' && r[idx('metric')].text === 'AUPR' && r[idx('method')].text === 'sgmc')!;
  const ours = row[idx('reproduced')].mean!;
  assert.ok(Math.abs(row[idx('difference')].mean! - (ours - 0.9729)) < 1e-12);
  assert.equal(row[idx('published')].text, '0.9729 ± 0.0033');
  const cmf = t.rows.find((r) => r[idx('method')].text === 'cmf')!;
  assert.equal(cmf[idx('reproduced')].text, '—');
  const typo = t.rows.find((r) => r[idx('setting')].text === 'CVS3' && r[idx('metric')].text === 'AUPR' && r[idx('method')].text === 'mgrnnm')!;
  assert.equal(typo[idx('flag')].text, 'typo');
  assert.ok(t.notes.some((n) => /std over the 10 folds/.test(n)));
  assert.equal(t.meta.aggregation, 'fold');
});

test('publishedTable: a user label is matched through task.methodName; recommenders match on dataset alias', () => {
  const recs = [0, 1].map((rep) =>
    record({ dataset: 'Douban', setting: 'given', method: 'my-sgmc', methodName: 'sgmc', repetition: rep, fold: 0 }, { rmse: 0.74 + rep * 0.01 }),
  );
  const t = publishedTable(groupRecords(recs), loadPublished(), 'repetition')!;
  const cols = t.columns.map((c) => c.label);
  const row = t.rows.find((r) => r[cols.indexOf('method')].text === 'sgmc')!;
  assert.ok(Math.abs(row[cols.indexOf('difference')].mean! - (0.745 - 0.731)) < 1e-12);
  assert.ok(t.rows.every((r) => r[cols.indexOf('dataset')].text === 'douban'));
  // the user label says which variant a row is (several variants of one method share the published cell)
  assert.equal(row[cols.indexOf('note')].text, 'variant my-sgmc');
  // external baselines we never ran (mc, grals, ...) are not listed
  assert.deepEqual(t.rows.map((r) => r[cols.indexOf('method')].text), ['sgmc']);
});

test('publishedTable: small published values (Synthetic Netflix 0.0021) are compared with the digits they need', () => {
  const recs = [record({ dataset: 'synthetic-netflix', setting: 'fixed', method: 'sgmc', repetition: 0, fold: 0 }, { rmse: 0.0019761 })];
  const t = publishedTable(groupRecords(recs), loadPublished(), 'repetition')!;
  const cols = t.columns.map((c) => c.label);
  const row = t.rows.find((r) => r[cols.indexOf('method')].text === 'sgmc')!;
  assert.equal(row[cols.indexOf('reproduced')].text, '0.00198');
  assert.equal(row[cols.indexOf('difference')].text, '-0.00012');
  // at 4 decimals the same cell read 0.0020 / -0.0001
});
