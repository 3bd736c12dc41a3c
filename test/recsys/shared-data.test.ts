/** The shared recommender files, fetched through the manifests from a local HTTP mirror of ../shared/datasets/recsys. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createReadStream, existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { recsysDir } from '../helpers/paths.ts';
import { asymmetry } from '../../src/core/matrix.ts';
import type { RatingDataset } from '../../src/datasets/types.ts';
import { loadRecsys, fetchRecsys } from '../../src/datasets/recsys/source.ts';
import { recsysManifest } from '../../src/datasets/recsys/index.ts';
import { openMat } from '../../src/datasets/recsys/mat.ts';
import { ratingTrainingView } from '../../src/datasets/recsys/ratings.ts';
import { meanPredict } from '../../src/methods/mean.ts';
import { fitBiases, biasPredict, BIAS_DEFAULTS } from '../../src/methods/bias.ts';

let server: Server;
let mirror: string;
const requests: string[] = [];
const cacheDir = mkdtempSync(join(tmpdir(), 'recsys-cache-'));

before(async () => {
  server = createServer((req, res) => {
    const rel = normalize(decodeURIComponent(new URL(req.url!, 'http://x').pathname)).replace(/^\/+/, '');
    requests.push(rel);
    const p = join(recsysDir, rel);
    if (rel.includes('..') || !existsSync(p) || !statSync(p).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': statSync(p).size });
    createReadStream(p).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const opts = () => ({ mirror, cacheDir, offline: false, retries: 0, timeoutMs: 30_000 });
const rmseOn = (P: { data: Float64Array }, d: RatingDataset): number => {
  let s = 0;
  for (const c of d.test) s += (P.data[c] - d.M.data[c]) ** 2;
  return Math.sqrt(s / d.test.length);
};

test('ML-100K: split_1.mat and the GroupLens u1.base/u1.test give the same 80,000 / 20,000 split', async () => {
  const mat = await loadRecsys(recsysManifest('ml-100k'), opts());
  const gl = await loadRecsys(recsysManifest('ml-100k-grouplens'), opts());
  for (const d of [mat, gl]) {
    assert.equal(d.rows, 943);
    assert.equal(d.cols, 1682);
    assert.equal(d.train.length, 80_000);
    assert.equal(d.test.length, 20_000);
  }
  assert.deepEqual(mat.train, gl.train);
  assert.deepEqual(mat.test, gl.test);
  let diff = 0;
  for (let k = 0; k < mat.M.data.length; k++) if (mat.M.data[k] !== gl.M.data[k]) diff++;
  assert.equal(diff, 0, 'same ratings in the same cells');
  // user 1 (row 0) rated item 1 (col 0) 5 stars in u1.base
  assert.equal(mat.M.data[0], 5);
  assert.equal(asymmetry(mat.rowAdjacency!), 0);
  assert.equal(asymmetry(gl.colAdjacency!), 0);
  assert.equal(gl.rowFeatures!.rows, 943);
  assert.equal(gl.colFeatures!.cols, 19);
  // the GroupLens variant's genre 10-NN graph nearly reproduces Monti's item graph (same recipe, ties differ)
  let both = 0, ours = 0;
  for (let k = 0; k < gl.colAdjacency!.data.length; k++) {
    if (gl.colAdjacency!.data[k]) { ours++; if (mat.colAdjacency!.data[k]) both++; }
  }
  assert.ok(both / ours > 0.99, `item-graph edge overlap ${both}/${ours}`);
  assert.ok(requests.some((r) => r === 'ml-100k/u1.base'), 'GroupLens files came from the mirror');
});

test('Synthetic Netflix: 150 x 200, Otraining 4,500 / Otest 4,500, O = Otraining + Otest', async () => {
  const d = await loadRecsys(recsysManifest('synthetic-netflix'), opts());
  assert.equal(d.rows, 150);
  assert.equal(d.cols, 200);
  assert.equal(d.train.length, 4500);
  assert.equal(d.test.length, 4500);
  const f = await openMat(join(cacheDir, 'recsys', 'synthetic_netflix/synthetic_netflix.mat'));
  try {
    // O = Otraining + Otest, and the training set is Otraining (not the other mask)
    const O = f.nonzeroCells('O');
    assert.deepEqual(O, Int32Array.from([...d.train, ...d.test]).sort());
    assert.deepEqual(f.nonzeroCells('Otraining'), d.train);
    assert.deepEqual(f.nonzeroCells('Otest'), d.test);
  } finally {
    f.close();
  }
  assert.equal(d.rowAdjacency!.rows, 150);
  assert.equal(d.colAdjacency!.rows, 200);
  // second load: served from the cache, nothing requested
  const before = requests.length;
  const rep = await fetchRecsys(recsysManifest('synthetic-netflix'), opts());
  assert.equal(rep.files[0].source, 'cache');
  assert.equal(requests.length, before);
});

test('Flixster: 26,173 ratings, per-user mean RMSE 0.893 +/- 0.002; users-only variant drops the item graph', async () => {
  const d = await loadRecsys(recsysManifest('flixster'), opts());
  assert.equal(d.train.length + d.test.length, 26_173);
  assert.equal(d.test.length, 2617);
  assert.ok(d.rowAdjacency && d.colAdjacency);
  const { Y, W } = ratingTrainingView(d);
  const r = rmseOn(meanPredict(Y, W, { by: 'user', shrink: 0 }), d);
  assert.ok(Math.abs(r - 0.893) <= 0.002, `per-user mean RMSE ${r}`);
  const u = await loadRecsys(recsysManifest('flixster-users'), opts());
  assert.equal(u.colAdjacency, undefined);
  assert.deepEqual(u.test, d.test);
});

test('Douban: 136,891 ratings, user graph only, bias model RMSE ~0.738', async () => {
  const d = await loadRecsys(recsysManifest('douban'), opts());
  assert.equal(d.train.length, 123_202);
  assert.equal(d.test.length, 13_689);
  assert.ok(d.rowAdjacency);
  assert.equal(d.colAdjacency, undefined);
  const { Y, W } = ratingTrainingView(d);
  const r = rmseOn(biasPredict(fitBiases(Y, W, BIAS_DEFAULTS), d.rows, d.cols, true), d);
  assert.ok(Math.abs(r - 0.738) <= 0.005, `bias RMSE ${r}`);
  const g = rmseOn(meanPredict(Y, W, { by: 'global', shrink: 0 }), d);
  assert.ok(r < g - 0.1, 'biases beat the global mean by a wide margin');
});
