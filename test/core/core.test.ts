import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.ts';
import { hashValue, stableStringify } from '../../src/core/hash.ts';
import { writeFileAtomic } from '../../src/core/atomic.ts';
import { fromRows, transpose, asymmetry, symmetrize, upperTiles } from '../../src/core/matrix.ts';
import { InputError } from '../../src/core/errors.ts';

test('rng: same seed same stream, different seed different stream', () => {
  const a = new Rng(7993).permutation(100);
  const b = new Rng(7993).permutation(100);
  const c = new Rng(252).permutation(100);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.deepEqual([...a].sort((x, y) => x - y), [...Array(100).keys()]);
});

test('rng: uniform mean and variance within tolerance', () => {
  const r = new Rng(1);
  let s = 0;
  let s2 = 0;
  const n = 100000;
  for (let i = 0; i < n; i++) {
    const u = r.next();
    assert.ok(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
  }
  assert.ok(Math.abs(s / n - 0.5) < 0.01);
  assert.ok(Math.abs(s2 / n - s * s / n / n - 1 / 12) < 0.005);
});

test('hash: key order does not matter, typed arrays hash by bytes', () => {
  assert.equal(stableStringify({ b: 1, a: [2, { d: 1, c: 2 }] }), '{"a":[2,{"c":2,"d":1}],"b":1}');
  assert.equal(hashValue({ a: 1, b: new Int32Array([1, 2]) }), hashValue({ b: new Int32Array([1, 2]), a: 1 }));
  assert.notEqual(hashValue({ b: new Int32Array([1, 2]) }), hashValue({ b: new Int32Array([2, 1]) }));
});

test('atomic write leaves only the final file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
  await writeFileAtomic(join(dir, 'x.json'), '{"a":1}');
  assert.deepEqual(readdirSync(dir), ['x.json']);
  assert.equal(readFileSync(join(dir, 'x.json'), 'utf8'), '{"a":1}');
});

test('matrix helpers', () => {
  const m = fromRows([
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(Array.from(transpose(m).data), [1, 3, 2, 4]);
  assert.equal(asymmetry(m), 1);
  assert.equal(asymmetry(symmetrize(m)), 0);
  assert.throws(() => fromRows([[1, 2], [3]]), /row 1/);
});

test('InputError names file, line, column', () => {
  const e = new InputError('not a number', { file: 'a.tsv', line: 3, column: 5, hint: 'use a dot' });
  assert.equal(e.message, 'a.tsv, line 3, column 5: not a number (hint: use a dot)');
});

test('sweepStaleTemps removes temp files of dead writers only', async () => {
  const { sweepStaleTemps } = await import('../../src/core/atomic.ts');
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
  mkdirSync(join(dir, 'a/b'), { recursive: true });
  writeFileSync(join(dir, 'a/b/.x.json.tmp-999999999-abcd1234'), 'partial');
  writeFileSync(join(dir, `a/.y.json.tmp-${process.pid}-abcd1234`), 'in flight');
  writeFileSync(join(dir, 'a/b/x.json'), '{}');
  assert.deepEqual(await sweepStaleTemps(dir), ['a/b/.x.json.tmp-999999999-abcd1234']);
  assert.deepEqual(readdirSync(join(dir, 'a/b')), ['x.json']);
  assert.ok(readdirSync(join(dir, 'a')).includes(`.y.json.tmp-${process.pid}-abcd1234`));
});

test('upperTiles visits every strictly-upper pair (i < j) exactly once, whatever the tile size', () => {
  for (const [n, size] of [[0, 32], [1, 32], [5, 2], [70, 32], [64, 32], [33, 7]]) {
    const seen = new Uint8Array(n * n);
    for (const [i0, i1, j0, j1] of upperTiles(n, size)) {
      assert.ok(i1 - i0 <= size && j1 - j0 <= size && j0 >= i0 && i1 <= n && j1 <= n);
      for (let i = i0; i < i1; i++) for (let j = Math.max(j0, i + 1); j < j1; j++) seen[i * n + j]++;
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.equal(seen[i * n + j], j > i ? 1 : 0, `n ${n} size ${size} (${i}, ${j})`);
  }
});
