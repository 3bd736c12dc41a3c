import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerDataset, getDatasetEntry } from '../../src/datasets/registry.ts';
import { datasetNames, datasetInfo, loadDataset, fetchDataset, isManifestRef } from '../../src/datasets/index.ts';
import { InputError } from '../../src/core/errors.ts';
import { mat } from '../../src/core/matrix.ts';

// a mirror from the environment would change which source serves the files
delete process.env.DTI_MIRROR;

test('registerDataset: new names become loadable; duplicates and bad names throw', async () => {
  const entry = {
    name: 'toy-registry-test',
    kind: 'ratings' as const,
    description: 'two ratings',
    load: async () => ({
      kind: 'ratings' as const, name: 'toy-registry-test', rows: 1, cols: 2, M: mat(1, 2, [5, 3]),
      train: Int32Array.of(0), test: Int32Array.of(1), checksums: {}, notes: [],
    }),
    fetch: async () => ({ dataset: 'toy-registry-test', cacheDir: '/nowhere', offline: true, files: [] }),
  };
  registerDataset(entry);
  assert.ok(datasetNames().includes('toy-registry-test'));
  assert.equal(getDatasetEntry('toy-registry-test'), entry);
  assert.equal(datasetInfo().find((d) => d.name === 'toy-registry-test')?.kind, 'ratings');
  const d = await loadDataset('toy-registry-test');
  assert.equal(d.kind, 'ratings');
  assert.equal((await fetchDataset('toy-registry-test')).files.length, 0);
  assert.throws(() => registerDataset(entry), /already registered/);
  assert.throws(() => registerDataset({ ...entry, name: 'nr' }), /already registered/);
  assert.throws(() => registerDataset({ ...entry, name: '../x' }), /bad dataset name/);
});

test('unknown names are user errors listing the known ones', async () => {
  await assert.rejects(loadDataset('nrr'), (e: unknown) => e instanceof InputError && /unknown dataset 'nrr'/.test(e.message) && /nr, gpcr, ic, e/.test(e.message));
  await assert.rejects(fetchDataset('nope'), InputError);
  assert.ok(isManifestRef('my.json') && isManifestRef('./d/m') && !isManifestRef('gpcr'));
});

test('formatFetchReport: one line per file with source and integrity', async () => {
  const { formatFetchReport } = await import('../../src/datasets/index.ts');
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const cacheDir = await mkdtemp(join(tmpdir(), 'dti-rep-'));
  const text = formatFetchReport(await fetchDataset('nr', { cacheDir, offline: true }));
  const lines = text.split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[0], /^nr: 3 files in .*yamanishi \(offline\)/);
  assert.match(lines[1], /nr_admat_dgc\.txt\s+3\.3 KiB\s+bundled .*datasets\/yamanishi\/nr_admat_dgc\.txt\s+verbatim \(sha256, gitBlobSha1, bytes\)/);
  assert.match(formatFetchReport(await fetchDataset('nr', { cacheDir, offline: true })).split('\n')[1], /KiB\s+cache\s+verbatim/);
  await rm(cacheDir, { recursive: true });
});
