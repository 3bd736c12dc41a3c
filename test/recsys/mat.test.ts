import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRows, mat } from '../../src/core/matrix.ts';
import { InputError } from '../../src/core/errors.ts';
import { openMat, readMatVariables } from '../../src/datasets/recsys/mat.ts';
import { loadMontiMat } from '../../src/datasets/recsys/monti.ts';
import { writeMatFile } from './fixtures.ts';

const tmp = mkdtempSync(join(tmpdir(), 'recsys-mat-'));

test('MAT v7.3 round trip: 512-byte MATLAB user block, dense transposed, sparse CSC', async () => {
  const A = fromRows([[1, 2, 3], [4, 5, 6]]); // 2 x 3, not square: orientation errors show
  const S = fromRows([[0, 1.5, 0, 0], [0, 0, 0, 2], [3, 0, 0, 0]]);
  const path = join(tmp, 'a.mat');
  await writeMatFile(path, { A, S: { sparse: S } });
  const bytes = readFileSync(path);
  assert.equal(bytes.subarray(0, 10).toString('ascii'), 'MATLAB 7.3');
  assert.equal(bytes.subarray(512, 520).toString('latin1'), '\x89HDF\r\n\x1a\n', 'HDF5 superblock right after the user block');
  const f = await openMat(path);
  try {
    assert.deepEqual(f.names().sort(), ['A', 'S']);
    assert.deepEqual(f.size('A'), [2, 3]);
    assert.deepEqual(f.size('S'), [3, 4]);
    assert.equal(f.isSparse('S'), true);
    assert.equal(f.isSparse('A'), false);
    assert.deepEqual(Array.from(f.dense('A').data), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(Array.from(f.dense('S').data), Array.from(S.data));
    assert.throws(() => f.dense('nope'), (e: unknown) => e instanceof InputError && /variable 'nope' not found/.test(e.message));
  } finally {
    f.close();
  }
});

test('MAT reader rejects files that are not HDF5 and missing files, naming the file', async () => {
  const bad = join(tmp, 'v5.mat');
  writeFileSync(bad, Buffer.concat([Buffer.from('MATLAB 5.0 MAT-file'), Buffer.alloc(600)]));
  await assert.rejects(openMat(bad), (e: unknown) => e instanceof InputError && e.message.includes(bad) && /not an HDF5/.test(e.message));
  await assert.rejects(readMatVariables(join(tmp, 'missing.mat'), ['M']), (e: unknown) => e instanceof InputError && /file not found/.test(e.message));
});

test('Monti loader: masks to ascending cells, M restricted to train+test, graphs cleaned, identity side noted', async () => {
  const M = fromRows([[5, 3, 0, 1], [4, 3, 2, 2], [1, 1, 5, 4]]);
  const Otr = fromRows([[1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1]]);
  const Ote = fromRows([[0, 0, 0, 1], [0, 0, 0, 1], [1, 0, 1, 0]]);
  const Wr = fromRows([[1, 1, 0], [1, 0, 1], [0, 1, 0]]); // one self-loop
  const path = join(tmp, 'monti.mat');
  await writeMatFile(path, { M, Otraining: Otr, Otest: Ote, W_users: { sparse: Wr } });
  const d = await loadMontiMat(path, { name: 'toy', rowGraph: 'W_users', colGraph: null });
  assert.equal(d.rows, 3);
  assert.equal(d.cols, 4);
  assert.deepEqual(Array.from(d.train), [0, 1, 4, 6, 9, 11]);
  assert.deepEqual(Array.from(d.test), [3, 7, 8, 10]);
  assert.equal(d.M.data[5], 0, 'ratings outside both masks are dropped');
  assert.equal(d.M.data[11], 4);
  assert.deepEqual(Array.from(d.rowAdjacency!.data), [0, 1, 0, 1, 0, 1, 0, 1, 0]);
  assert.equal(d.colAdjacency, undefined);
  assert.ok(d.notes.some((n) => /self-loop/.test(n)));
  assert.ok(d.notes.some((n) => /identity basis for columns/.test(n)));
  assert.ok(d.notes.some((n) => /1 ratings outside/.test(n)));
  assert.match(d.checksums.mat, /^[0-9a-f]{64}$/);
});

test('Monti loader rejects overlapping masks, masks on unrated cells and negative graph weights', async () => {
  const M = fromRows([[5, 3], [4, 0]]);
  const p1 = join(tmp, 'overlap.mat');
  await writeMatFile(p1, { M, Otraining: fromRows([[1, 1], [0, 0]]), Otest: fromRows([[1, 0], [1, 0]]) });
  await assert.rejects(loadMontiMat(p1, { name: 'x', rowGraph: null, colGraph: null }), /both train and test/);
  const p2 = join(tmp, 'unrated.mat');
  await writeMatFile(p2, { M, Otraining: fromRows([[1, 1], [0, 1]]), Otest: fromRows([[0, 0], [1, 0]]) });
  await assert.rejects(loadMontiMat(p2, { name: 'x', rowGraph: null, colGraph: null }), /has no rating/);
  const p3 = join(tmp, 'neg.mat');
  await writeMatFile(p3, { M, Otraining: fromRows([[1, 1], [0, 0]]), Otest: fromRows([[0, 0], [1, 0]]), Wrow: fromRows([[0, -1], [-1, 0]]) });
  await assert.rejects(loadMontiMat(p3, { name: 'x', rowGraph: 'Wrow', colGraph: null }), (e: unknown) => e instanceof InputError && /negative/.test(e.message) && e.message.includes('Wrow'));
  const p4 = join(tmp, 'shape.mat');
  await writeMatFile(p4, { M, Otraining: mat(3, 2), Otest: fromRows([[0, 0], [1, 0]]) });
  await assert.rejects(loadMontiMat(p4, { name: 'x', rowGraph: null, colGraph: null }), /mask is 3 x 2/);
});
