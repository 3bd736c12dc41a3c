import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { repoRoot } from '../helpers/paths.ts';
import { checkManifest, manifestSchemaPath } from '../../src/datasets/manifest.ts';

test('the manifest schema compiles under Ajv strict defaults without warnings; the Yamanishi manifests are valid', () => {
  const warnings: unknown[] = [];
  const logger = { log: () => undefined, warn: (...a: unknown[]) => warnings.push(a), error: (...a: unknown[]) => warnings.push(a) };
  const v = new Ajv2020({ allErrors: true, logger }).compile(JSON.parse(readFileSync(manifestSchemaPath, 'utf8')));
  assert.deepEqual(warnings, []);
  for (const n of ['nr', 'gpcr', 'ic', 'e']) {
    const m = JSON.parse(readFileSync(join(repoRoot, 'datasets/yamanishi', `${n}.json`), 'utf8')) as {
      files: { interactions: { orientation: string; urls: string[] } };
    };
    const valid = v(m);
    assert.ok(valid, `${n}: ${JSON.stringify(v.errors)}`);
    assert.equal(m.files.interactions.orientation, 'targets-x-drugs');
    assert.match(m.files.interactions.urls[0], /^http:\/\/web\.kuicr\.kyoto-u\.ac\.jp\/supp\/yoshi\/drugtarget\//, 'official URL first');
  }
});

test('schema defaults are filled in: matrix, drugs x targets, auto delimiter, range [0, 1]', () => {
  const m = checkManifest(
    { name: 'x', kind: 'user', files: { interactions: { path: 'a' }, drugSimilarity: { path: 'b' }, targetSimilarity: { path: 'c' } } },
    'x.json',
  );
  assert.equal(m.files.interactions.format, 'matrix');
  assert.equal(m.files.interactions.orientation, 'drugs-x-targets');
  assert.equal(m.files.interactions.header, false);
  assert.equal(m.files.drugSimilarity.delimiter, 'auto');
  assert.deepEqual(m.files.targetSimilarity.range, [0, 1]);
});

test('every violation is listed, each with its field', () => {
  assert.throws(
    () => checkManifest({ name: 'bad name!', kind: 'mine', files: { interactions: { path: 3 } }, extra: 1 }, 'x.json'),
    (e: Error & { errors?: { where: { field?: string } }[] }) => {
      const fields = (e.errors ?? []).map((x) => x.where.field).sort();
      for (const f of ['extra', 'files.drugSimilarity', 'files.interactions.path', 'files.targetSimilarity', 'kind', 'name']) {
        assert.ok(fields.includes(f), `${f} in ${fields.join(', ')}`);
      }
      return true;
    },
  );
});
