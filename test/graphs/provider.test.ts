import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mat, symmetrize, type Mat } from '../../src/core/matrix.ts';
import { JsEngine } from '../../src/engine/js.ts';
import type { Engine } from '../../src/engine/types.ts';
import { createGraphProvider } from '../../src/graphs/provider.ts';
import type { GraphSpec } from '../../src/graphs/types.ts';
import { makeFolds, trainingView } from '../../src/splits/index.ts';
import { maxAbsDiff, randomBinary, randomSim } from './fixtures.ts';

const R = 18;
const C = 11;
const Y = randomBinary(R, C, 0.25, 7);
const Sd = randomSim(R, 8);
const St = randomSim(C, 9);
const spec: GraphSpec = { combineProfiles: true, knn: 4, laplacian: 'normalized' };

/** js engine that counts eigh calls */
function countingEngine(): Engine & { calls: number } {
  const e = new JsEngine() as JsEngine & { calls: number };
  e.calls = 0;
  const orig = e.eigh.bind(e);
  e.eigh = (a: Mat, k?: number) => {
    e.calls++;
    return orig(a, k);
  };
  return e;
}

const same = (a: Mat, b: Mat): boolean => a.rows === b.rows && a.cols === b.cols && maxAbsDiff(a, b) === 0;

test("'train' graphs never depend on test cells (CVS1, CVS2, CVS3)", async () => {
  for (const setting of ['CVS1', 'CVS2', 'CVS3'] as const) {
    const fold = makeFolds(setting, R, C, { repetitions: 1, folds: 5, seeds: [11] }).folds[2];
    const Y2 = mat(R, C, Y.data);
    for (const c of fold.testCells) Y2.data[c] = 1 - Y2.data[c]; // change every test label
    const build = (y: Mat, profiles: 'train' | 'full') =>
      createGraphProvider({
        rowSim: Sd,
        colSim: St,
        profiles,
        profileY: profiles === 'train' ? trainingView(y, fold).Y : y,
        engine: new JsEngine(),
      });
    const a = build(Y, 'train');
    const b = build(Y2, 'train');
    for (const side of ['rows', 'cols'] as const) {
      assert.ok(same(a.similarity(side, spec), b.similarity(side, spec)), `${setting} ${side} similarity`);
      assert.ok(same(a.adjacency(side, spec), b.adjacency(side, spec)), `${setting} ${side} adjacency`);
      assert.ok(same(a.laplacian(side, spec), b.laplacian(side, spec)), `${setting} ${side} Laplacian`);
    }
    const ea = await a.eigenbasis('rows', spec);
    const eb = await b.eigenbasis('rows', spec);
    assert.ok(same(ea.vectors, eb.vectors));
    // control: the leaky protocol does see the change, so the check above can fail
    const fa = build(Y, 'full');
    const fb = build(Y2, 'full');
    assert.ok(!same(fa.similarity('rows', spec), fb.similarity('rows', spec)), `${setting}: full graphs see test labels`);
  }
});

test("profiles 'none' ignores combineProfiles; 'train' requires profileY of the right shape", () => {
  const p = createGraphProvider({ rowSim: Sd, colSim: St, profiles: 'none', profileY: null, engine: new JsEngine() });
  assert.ok(same(p.similarity('rows', { combineProfiles: true }), symmetrize(Sd)));
  assert.throws(
    () => createGraphProvider({ rowSim: Sd, colSim: St, profiles: 'train', profileY: null, engine: new JsEngine() }),
    /needs profileY/,
  );
  assert.throws(
    () => createGraphProvider({ rowSim: Sd, colSim: St, profiles: 'train', profileY: mat(C, R), engine: new JsEngine() }),
    /profileY is 11 x 18/,
  );
  const bad = mat(R, R, Sd.data);
  bad.data[5] = NaN;
  assert.throws(
    () => createGraphProvider({ rowSim: bad, colSim: St, profiles: 'none', profileY: null, engine: new JsEngine() }),
    /rowSim\[0, 5\] is NaN/,
  );
});

test('asymmetric similarity without symmetrisation is refused at the Laplacian', () => {
  const A = mat(R, R, Sd.data);
  A.data[1] += 0.3;
  const p = createGraphProvider({ rowSim: A, colSim: St, profiles: 'none', profileY: null, engine: new JsEngine() });
  assert.throws(() => p.laplacian('rows', { symmetrize: false, laplacian: 'combinatorial' }), /not symmetric/);
  assert.doesNotThrow(() => p.laplacian('rows', { laplacian: 'combinatorial' }));
});

test('cold-row choice: provider default and per-spec override', () => {
  const fold = makeFolds('CVS2', R, C, { repetitions: 1, folds: 6, seeds: [3] }).folds[0];
  const train = trainingView(Y, fold).Y;
  const mk = (coldRows?: 'naive' | 'chemical-only') =>
    createGraphProvider({ rowSim: Sd, colSim: St, profiles: 'train', profileY: train, engine: new JsEngine(), coldRows });
  const chem = mk().similarity('rows', { combineProfiles: true });
  const naive = mk('naive').similarity('rows', { combineProfiles: true });
  const override = mk('naive').similarity('rows', { combineProfiles: true, coldRows: 'chemical-only' });
  assert.equal(mk().coldRows, 'chemical-only');
  assert.equal(mk('naive').coldRows, 'naive');
  assert.ok(same(chem, override));
  assert.ok(!same(chem, naive));
  const cold = fold.testRows![0];
  const s = symmetrize(Sd);
  for (let j = 0; j < R; j++) {
    const got = chem.data[cold * R + j];
    assert.ok(Math.abs(got - 14 * s.data[cold * R + j]) < 1e-12, `cold row ${cold}, column ${j}: ${got}`);
  }
});

test('eigenbasis: memoised, cached on disk, second provider reuses the cache; first k', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eigcache-'));
  try {
    const e1 = countingEngine();
    const p1 = createGraphProvider({ rowSim: Sd, colSim: St, profiles: 'full', profileY: Y, engine: e1, cacheDir: dir });
    const a = await p1.eigenbasis('rows', spec);
    const again = await p1.eigenbasis('rows', spec);
    assert.equal(again, a, 'in-memory memo');
    assert.equal(e1.calls, 1);
    const k3 = await p1.eigenbasis('cols', spec, 3);
    assert.equal(k3.values.length, 3);
    assert.equal(k3.vectors.cols, 3);
    assert.equal(e1.calls, 2);
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.bin')).length, 2);

    const e2 = countingEngine();
    const p2 = createGraphProvider({ rowSim: Sd, colSim: St, profiles: 'full', profileY: Y, engine: e2, cacheDir: dir });
    const b = await p2.eigenbasis('rows', spec);
    const k3b = await p2.eigenbasis('cols', spec, 3);
    assert.equal(e2.calls, 0, 'second run reads the cache');
    assert.ok(same(a.vectors, b.vectors));
    assert.deepEqual(Array.from(a.values), Array.from(b.values));
    assert.ok(same(k3.vectors, k3b.vectors));

    // a different spec is a different key
    await p2.eigenbasis('rows', { ...spec, laplacian: 'combinatorial' });
    assert.equal(e2.calls, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a truncated or corrupted cache file is detected and recomputed, never trusted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eigcache-'));
  try {
    const mk = (engine: Engine, invalid: string[]) =>
      createGraphProvider({
        rowSim: Sd,
        colSim: St,
        profiles: 'none',
        profileY: null,
        engine,
        cacheDir: dir,
        onCacheInvalid: (_p, why) => invalid.push(why),
      });
    const ref = await mk(countingEngine(), []).eigenbasis('rows', spec);
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.bin'))!);
    const good = readFileSync(file);
    // leftovers of an interrupted write are ignored
    writeFileSync(join(dir, `.x.bin.tmp-${process.pid}-deadbeef`), good.subarray(0, 10));

    const cases: [string, Buffer, RegExp][] = [
      ['truncated', good.subarray(0, good.length - 8), /payload is/],
      ['flipped byte', Buffer.from(good.map((v, i) => (i === good.length - 3 ? v ^ 0x40 : v))), /checksum/],
      ['garbage', Buffer.from('hello'), /too short|magic/],
    ];
    for (const [name, bytes, why] of cases) {
      writeFileSync(file, bytes);
      const invalid: string[] = [];
      const e = countingEngine();
      const got = await mk(e, invalid).eigenbasis('rows', spec);
      assert.equal(e.calls, 1, `${name}: recomputed`);
      assert.equal(invalid.length, 1, `${name}: reported`);
      assert.match(invalid[0], why);
      assert.ok(same(got.vectors, ref.vectors), `${name}: same result`);
      assert.ok(readFileSync(file).equals(good), `${name}: cache file repaired`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("cold rows in p-NN: 'chemical-only' ranks cold pairs by chemistry alone, weighs them x14; 'chemical-scaled' ranks by x14", async () => {
  const { knnSparsify, knnMask } = await import('../../src/graphs/knn.ts');
  const { combineProfiles } = await import('../../src/graphs/profiles.ts');
  const fold = makeFolds('CVS2', R, C, { repetitions: 1, folds: 6, seeds: [3] }).folds[1];
  const train = trainingView(Y, fold).Y;
  const S = symmetrize(Sd);
  const p = 3;
  const mk = (coldRows: 'chemical-only' | 'chemical-scaled' | 'naive') =>
    createGraphProvider({ rowSim: Sd, colSim: St, profiles: 'train', profileY: train, engine: new JsEngine(), coldRows });
  const specK = { combineProfiles: true, knn: p, laplacian: 'normalized' as const };
  const W = mk('chemical-only').adjacency('rows', specK);
  const weights = combineProfiles(S, train, 'chemical-only');
  const rank = combineProfiles(S, train, 'chemical-only', 1);
  assert.ok(same(W, knnSparsify(weights, p, rank)));
  // a cold drug's own choices are its chemical p-NN
  const chemMask = knnMask(S, p);
  const cold = fold.testRows!;
  const rankMask = knnMask(rank, p);
  for (const i of cold) {
    for (let j = 0; j < R; j++) assert.equal(rankMask.data[i * R + j], chemMask.data[i * R + j], `cold ${i} picks ${j}`);
  }
  // cold pairs carry 14 x chemical similarity, scaled by the symmetrised mask
  for (const i of cold) {
    for (let j = 0; j < R; j++) {
      const nij = (rankMask.data[i * R + j] + rankMask.data[j * R + i]) / 2;
      assert.ok(Math.abs(W.data[i * R + j] - nij * 14 * S.data[i * R + j]) < 1e-12);
    }
  }
  const Wscaled = mk('chemical-scaled').adjacency('rows', specK);
  assert.ok(same(Wscaled, knnSparsify(weights, p)));
  assert.ok(!same(Wscaled, W), 'the two rankings differ on this fixture');
  assert.ok(same(mk('chemical-scaled').similarity('rows', specK), mk('chemical-only').similarity('rows', specK)));
  // the dense graph does not depend on the ranking
  const dense = { combineProfiles: true, laplacian: 'normalized' as const };
  assert.ok(same(mk('chemical-only').adjacency('rows', dense), mk('chemical-scaled').adjacency('rows', dense)));
  assert.throws(() => mk('bogus' as 'naive'), /coldRows must be one of/);
});
