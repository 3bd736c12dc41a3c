import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { InputError } from '../../src/core/errors.ts';
import { fromRows, asymmetry } from '../../src/core/matrix.ts';
import { parseRatings, parseUsers100k, parseMovies1m, parseItems100k } from '../../src/datasets/recsys/movielens.ts';
import { loadMl1m, randomTestPositions } from '../../src/datasets/recsys/movielens-load.ts';
import { gaussianKnnGraph, kSmallest } from '../../src/datasets/recsys/knn.ts';
import { unzipMembers, zipEntries } from '../../src/datasets/recsys/unzip.ts';
import { validateRecsysManifest } from '../../src/datasets/recsys/manifest.ts';
import { loadRecsys } from '../../src/datasets/recsys/source.ts';
import { ml1mFixture, makeZip } from './fixtures.ts';

const tmp = mkdtempSync(join(tmpdir(), 'recsys-ml-'));
const fx = ml1mFixture(60, 41, 12, 7);

test('rating parsers: both separators, errors name file, line and column', () => {
  assert.deepEqual(parseRatings('1\t2\t5\t881250949\n', 'u.data', '\t'), [{ user: 1, item: 2, rating: 5, timestamp: 881250949 }]);
  assert.deepEqual(parseRatings('3::4::1::9\r\n', 'r.dat', '::'), [{ user: 3, item: 4, rating: 1, timestamp: 9 }]);
  assert.throws(() => parseRatings('1\t2\t5\t1\n1\t2\tx\t1\n', 'u1.base', '\t'), (e: unknown) =>
    e instanceof InputError && e.where.file === 'u1.base' && e.where.line === 2 && e.where.column === 3);
  assert.throws(() => parseRatings('1\t2\t6\t1\n', 'f', '\t'), /bad rating '6'/);
  assert.throws(() => parseRatings('1::2::3\n', 'f', '::'), (e: unknown) => e instanceof InputError && /expected 4 fields/.test(e.message));
  assert.throws(() => parseUsers100k('1|24|X|technician|85711\n', 'u.user'), (e: unknown) => e instanceof InputError && e.where.column === 3);
  assert.throws(() => parseMovies1m('1::Toy Story (1995)::Animation|Cartoon\n', 'movies.dat'), /unknown genre 'Cartoon'/);
  const item = '1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0';
  assert.deepEqual(parseItems100k(item + '\n', 'u.item')[0].genres, ['Animation', "Children's", 'Comedy']);
});

test('k-NN graph: k nearest by Euclidean distance, ties by index, Gaussian weights, union-symmetric', () => {
  assert.deepEqual(Array.from(kSmallest(Float64Array.from([0, 3, 1, 1, 2]), 2, 0)), [2, 3]);
  assert.deepEqual(Array.from(kSmallest(Float64Array.from([5, 0, 5, 5]), 2, 1)), [0, 2]);
  // points on a line: 0, 1, 3, 7
  const X = fromRows([[0], [1], [3], [7]]);
  const W = gaussianKnnGraph(X, { k: 1, sigma: 2 });
  const w = (i: number, j: number) => W.data[i * 4 + j];
  assert.equal(asymmetry(W), 0);
  assert.ok(Math.abs(w(0, 1) - Math.exp(-1 / 4)) < 1e-15);
  assert.ok(Math.abs(w(1, 2) - Math.exp(-4 / 4)) < 1e-15, '2 -> 1 is the nearest of 2');
  assert.ok(Math.abs(w(2, 3) - Math.exp(-16 / 4)) < 1e-15, '3 -> 2 is the nearest of 3');
  assert.equal(w(0, 2), 0);
  assert.equal(w(0, 0), 0);
  assert.throws(() => gaussianKnnGraph(X, { k: 0, sigma: 1 }), RangeError);
});

test('zip reader: inflates members and checks CRCs', () => {
  const zip = makeZip({ 'a/x.txt': 'hello\n', 'a/y.dat': 'z'.repeat(1000) });
  assert.deepEqual(zipEntries(zip).map((e) => e.name), ['a/x.txt', 'a/y.dat']);
  const m = unzipMembers(zip, ['a/y.dat']);
  assert.equal(Buffer.from(m.get('a/y.dat')!).toString(), 'z'.repeat(1000));
  assert.throws(() => unzipMembers(zip, ['a/nope']), /not in the archive/);
  const bad = Buffer.from(zip);
  bad[14] ^= 0xff; // local header CRC is not used; corrupt the central-directory CRC instead
  const cdCrc = bad.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 16;
  bad[cdCrc] ^= 0xff;
  assert.throws(() => unzipMembers(bad, ['a/x.txt']), /CRC/);
  assert.throws(() => zipEntries(Buffer.from('not a zip at all, just text padding............')), /not a zip/);
});

test('ML-1M loader on a generated fixture: ids remapped, 90/10 seeded split, feature graphs', async () => {
  const dir = join(tmp, 'ml-1m');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ratings.dat'), fx.ratings);
  writeFileSync(join(dir, 'users.dat'), fx.users);
  writeFileSync(join(dir, 'movies.dat'), fx.movies, 'latin1');
  const d = await loadMl1m(dir, { seed: 1234 });
  assert.equal(d.rows, 60);
  assert.equal(d.cols, fx.rated, 'columns = rated movies only');
  assert.equal(d.test.length, Math.ceil(fx.nRatings * 0.1));
  assert.equal(d.train.length + d.test.length, fx.nRatings);
  // ratings.dat line 1 = user 1: its rating sits in row 0
  const first = fx.ratings.split('\n')[0].split('::').map(Number);
  const row0 = Array.from(d.M.data.subarray(0, d.cols)).filter((v) => v > 0);
  assert.ok(row0.includes(first[2]));
  assert.equal(d.rowFeatures!.rows, 60);
  assert.equal(d.colFeatures!.rows, fx.rated);
  assert.equal(asymmetry(d.rowAdjacency!), 0);
  for (let i = 0; i < d.rows; i++) {
    let deg = 0;
    for (let j = 0; j < d.rows; j++) if (d.rowAdjacency!.data[i * d.rows + j] > 0) deg++;
    assert.ok(deg >= 10, `user ${i} has ${deg} neighbours`);
  }
  const again = await loadMl1m(dir, { seed: 1234 });
  assert.deepEqual(again.test, d.test, 'same seed, same split');
  const other = await loadMl1m(dir, { seed: 99, k: 0 });
  assert.notDeepEqual(other.test, d.test, 'another seed, another split');
  assert.equal(other.rowAdjacency, undefined);
  assert.throws(() => randomTestPositions(10, 1.5, 1), RangeError);
  writeFileSync(join(dir, 'ratings.dat'), fx.ratings + '1::9999::3::1\n');
  await assert.rejects(loadMl1m(dir), /movie id 9999 is rated but not listed/);
  writeFileSync(join(dir, 'ratings.dat'), fx.ratings + fx.ratings.split('\n')[0] + '\n');
  await assert.rejects(loadMl1m(dir), /duplicate rating/);
});

let server: Server;
let base: string;
before(async () => {
  const zip = makeZip({ 'ml-1m/ratings.dat': fx.ratings, 'ml-1m/users.dat': fx.users, 'ml-1m/movies.dat': fx.movies, 'ml-1m/README': 'x' });
  server = createServer((req, res) => {
    if (req.url === '/ml-1m.zip') res.writeHead(200).end(zip);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test('manifest fetch: members extracted from the archive URL, verified, cached; a wrong checksum is refused', async () => {
  const sha = (s: string) => createHash('sha256').update(Buffer.from(s, 'latin1')).digest('hex');
  const manifest = (ratingsSha: string) => validateRecsysManifest({
    name: 'ml-1m-fixture', description: 'fixture', collection: 'fx',
    archives: [{ name: 'ml-1m.zip', urls: [`${base}/ml-1m.zip`], integrity: [] }],
    files: [
      { name: 'ml-1m/ratings.dat', integrity: [{ sha256: ratingsSha }], archive: 'ml-1m.zip' },
      { name: 'ml-1m/users.dat', integrity: [{ sha256: sha(fx.users) }], archive: 'ml-1m.zip' },
      { name: 'ml-1m/movies.dat', integrity: [{ sha256: sha(fx.movies) }], archive: 'ml-1m.zip' },
    ],
    loader: { format: 'movielens-1m', seed: 5, testFraction: 0.2, k: 3, sigma: 1 },
  }, 'fixture.json');
  const cacheDir = join(tmp, 'cache');
  const d = await loadRecsys(manifest(sha(fx.ratings)), { cacheDir, retries: 0 });
  assert.equal(d.name, 'ml-1m-fixture');
  assert.equal(d.test.length, Math.ceil(fx.nRatings * 0.2));
  assert.equal(readFileSync(join(cacheDir, 'fx', 'ml-1m/users.dat'), 'latin1'), fx.users);
  await assert.rejects(loadRecsys(manifest('0'.repeat(64)), { cacheDir: join(tmp, 'cache2'), retries: 0 }), /fails verification/);
  assert.throws(() => validateRecsysManifest({ name: 'x', description: 'x', collection: 'c', files: [{ name: 'a', integrity: [{ sha256: 'abc' }] }], loader: { format: 'monti-mat', file: 'a', rowGraph: null, colGraph: null } }, 'bad.json'),
    (e: unknown) => e instanceof Error && /bad\.json/.test(e.message) && /files\.0\.integrity\.0\.sha256/.test(e.message));
});
