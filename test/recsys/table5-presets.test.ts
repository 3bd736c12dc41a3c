/** The `table5` presets of sgmc, sgmc-z, dmf and fm: valid parameters for every benchmark the paper covers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../src/methods/all.ts';
import { getMethod } from '../../src/methods/registry.ts';
import { resolveParams } from '../../src/methods/sgmc/params.ts';
import { TABLE5 } from '../../src/datasets/recsys/table5.ts';
import { cli, tmp } from '../orchestration/helpers.ts';

test('table5 preset: schema-valid parameters per dataset, raw fixed steps, identity basis where a graph is missing', () => {
  let checked = 0;
  for (const [dataset, rows] of Object.entries(TABLE5)) {
    for (const name of Object.keys(rows)) {
      const m = getMethod(name);
      const params = m.presets!.table5({ dataset });
      resolveParams(name, m.paramsSchema, params); // throws on an invalid value
      assert.equal(params.lrScale, 'none', `${name} ${dataset}`);
      checked++;
    }
  }
  assert.ok(checked >= 12, `only ${checked} presets`);
  const douban = getMethod('sgmc').presets!.table5({ dataset: 'douban' });
  assert.equal(douban.rowBasis, 'graph');
  assert.equal(douban.colBasis, 'identity');
});

test('table5 preset on a set the paper does not cover: a config error naming the preset, before any work', async () => {
  assert.throws(() => getMethod('sgmc').presets!.table5({ dataset: 'nr' }), /no sgmc setting for 'nr'/);
  const out = tmp('t5');
  const cfg = join(out, 'c.json');
  writeFileSync(cfg, JSON.stringify({ methods: [{ name: 'sgmc', preset: 'table5' }] }));
  const r = await cli(['run', '-c', cfg, '--datasets', 'nr', '--settings', 'CVS1', '--offline', '-o', join(out, 'o'), '-q']);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.err, /methods\[0\]\.preset.*no sgmc setting for 'nr'/s);
});

test('sgmc table5-trunc100 preset: 100 eigenvectors per side, schema-valid, for the 3000 x 3000 sets', () => {
  const m = getMethod('sgmc');
  const params = m.presets!['table5-trunc100']({ dataset: 'flixster' });
  resolveParams('sgmc', m.paramsSchema, params);
  assert.equal(params.p, 100);
  assert.equal(params.q, 100);
});
