import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEngine } from '../../src/engine/registry.ts';
import { InputError } from '../../src/core/errors.ts';
import { mat, type Mat } from '../../src/core/matrix.ts';
import { sgmcMethod } from '../../src/methods/sgmc.ts';
import type { FitCheckpoint, FitOutput } from '../../src/methods/types.ts';
import { decodeCheckpoint, encodeCheckpoint, fileCheckpoint, readCheckpointHeader } from '../../src/run/checkpoint.ts';
import { bandLimited, syntheticInput, GIVEN_GRAPH } from './sgmc-synthetic.ts';
import { engineCases } from '../engine/fixtures.ts';

/** a checkpoint in memory that "kills" the fit (throws) at its `killAt`-th save, like a worker stopped mid-run */
class Killing implements FitCheckpoint {
  everySeconds = 0;
  where = 'memory';
  saves = 0;
  state: unknown = null;
  /** the JSON header of the last save */
  header = '';
  constructor(private readonly killAt: number) {}
  load = (): unknown => this.state;
  save(s: unknown): void {
    // through the file format, as on disk
    const bytes = Buffer.concat(encodeCheckpoint(s));
    this.header = bytes.toString('utf8', 12, 12 + bytes.readUInt32LE(8));
    this.state = decodeCheckpoint(bytes, this.where);
    if (++this.saves === this.killAt) throw new Error('killed');
  }
}

const PARAMS = { graph: GIVEN_GRAPH, lr: 0.003, lrScale: 'none' as const, evalEvery: 10, iterations: 400, optimizer: 'nesterov-restart' as const, momentum: 0.9 };

function sameFit(a: FitOutput, b: FitOutput, what: string): void {
  assert.deepEqual(a.scores.data, b.scores.data, `${what}: scores`);
  for (const k of ['iterations', 'scoresAt', 'stoppedBy', 'validationRmse', 'optimistic_rmse', 'optimistic_iteration', 'refit']) {
    assert.equal(a.info?.[k], b.info?.[k], `${what}: info.${k}`);
  }
  assert.deepEqual(a.traces, b.traces, `${what}: traces`);
}

test('a fit killed after a checkpoint and run again gives exactly the uninterrupted result (loop, optimiser, stopping and refit state)', async () => {
  const engine = await getEngine('js');
  const s = bandLimited(engine, 20, 16, 3, 0.4, 3);
  const withProbe = () => {
    const x = syntheticInput(engine, s, 1);
    x.probe = (X) => {
      let e2 = 0;
      for (const c of s.testCells) e2 += (X.data[c] - s.truth.data[c]) ** 2;
      return { rmse: Math.sqrt(e2 / s.testCells.length) };
    };
    x.traceSingularValues = { k: 3, every: 50 };
    return x;
  };
  const params = { ...PARAMS, optimizer: 'gd' as const, lr: 0.001, iterations: 1000, stopping: 'validation-best' as const, patience: 8, refit: true };
  const straight = await sgmcMethod.fit(withProbe(), params);
  const selected = straight.info?.scoresAt as number;
  assert.ok(selected > 30 && selected < (straight.info?.iterations as number), `a selected count inside the run (${selected})`);
  const loopEvals = (straight.info?.iterations as number) / 10;
  // kills in the first phase, at its last save, and in the refit (its saves come after the first phase's)
  for (const killAt of [1, 5, loopEvals - 1, loopEvals + 2]) {
    const ck = new Killing(killAt);
    await assert.rejects(() => sgmcMethod.fit({ ...withProbe(), checkpoint: ck }, params), /killed/);
    const { phase, loop } = ck.state as { phase: string; loop: { it: number } };
    assert.equal(phase, killAt >= loopEvals ? 'refit' : 'fit');
    const again = await sgmcMethod.fit({ ...withProbe(), checkpoint: ck }, params);
    sameFit(again, straight, `killed at save ${killAt} (${phase})`);
    assert.equal(again.info?.resumedAt, loop.it, 'the record says where the fit continued');
    assert.equal(again.info?.resumedPhase, phase);
    assert.equal(straight.info?.resumedAt, undefined);
  }
  // the check can fail: continuing another run's state (another step) would not give this result, and is refused
  const other = new Killing(3);
  await assert.rejects(() => sgmcMethod.fit({ ...withProbe(), checkpoint: other }, { ...params, lr: 0.002 }), /killed/);
  const mixed = await sgmcMethod.fit(withProbe(), { ...params, lr: 0.002 });
  assert.notDeepEqual(mixed.scores.data, straight.scores.data);
  await assert.rejects(() => sgmcMethod.fit({ ...withProbe(), checkpoint: other }, params), /other parameters or data/);
});

test('fixed-count fits with momentum resume exactly on every engine (float32 ones too), and the time per update counts the earlier runs', async () => {
  for (const c of engineCases()) {
    const engine = await c.make();
    const s = bandLimited(engine, 18, 14, 2, 0.5, 5);
    const params = { ...PARAMS, stopping: 'fixed' as const, iterations: 120 };
    const straight = await sgmcMethod.fit(syntheticInput(engine, s, 1), params);
    const ck = new Killing(4);
    await assert.rejects(() => sgmcMethod.fit({ ...syntheticInput(engine, s, 1), checkpoint: ck }, params), /killed/);
    const saved = ck.state as { loop: { it: number; seconds: number } };
    assert.equal(saved.loop.it, 40);
    // a float32 fit's matrices go to disk as float32, a float64 fit's as float64
    assert.equal(ck.header.includes('"$mat32"'), c.dtype === 'float32', c.label);
    assert.equal(ck.header.includes('"$mat"'), c.dtype === 'float64', c.label);
    const again = await sgmcMethod.fit({ ...syntheticInput(engine, s, 1), checkpoint: ck }, params);
    sameFit(again, straight, `fixed, ${c.label}`);
    assert.ok((again.info?.seconds as number) >= saved.loop.seconds, 'seconds include the run before the kill');
  }
});

test('a checkpoint that does not fit the fit is refused with its file named', async () => {
  const engine = await getEngine('js');
  const s = bandLimited(engine, 20, 16, 3, 0.4, 3);
  const params = { ...PARAMS, stopping: 'fixed' as const, iterations: 50 };
  const ck = new Killing(2);
  await assert.rejects(() => sgmcMethod.fit({ ...syntheticInput(engine, s, 1), checkpoint: ck }, params), /killed/);
  const otherFit = (e: unknown): boolean =>
    e instanceof InputError && e.where.file === 'memory' && /saved by a sgmc fit with other parameters or data/.test(e.message) && /delete it/.test(e.message);
  // the state under a fit with other parameters, or of other data (another fold's validation seed, other cells)
  await assert.rejects(() => sgmcMethod.fit({ ...syntheticInput(engine, s, 1), checkpoint: ck }, { ...params, lr: 0.002 }), otherFit);
  await assert.rejects(() => sgmcMethod.fit({ ...syntheticInput(engine, s, 2), checkpoint: ck }, params), otherFit);
  const cut = syntheticInput(engine, s, 1);
  cut.W = mat(cut.W.rows, cut.W.cols, cut.W.data.map((v, k) => (k === cut.W.data.indexOf(1) ? 0 : v)));
  await assert.rejects(() => sgmcMethod.fit({ ...cut, checkpoint: ck }, params), otherFit);
  // behind the fingerprint the loop checks the state itself: factors of other widths are refused, not loaded
  const narrow = new Killing(2);
  const narrowParams = { ...params, pInner: 5, qInner: 5 };
  await assert.rejects(() => sgmcMethod.fit({ ...syntheticInput(engine, s, 1), checkpoint: narrow }, narrowParams), /killed/);
  narrow.state = { ...(narrow.state as object), fingerprint: (ck.state as { fingerprint: string }).fingerprint };
  await assert.rejects(
    () => sgmcMethod.fit({ ...syntheticInput(engine, s, 1), checkpoint: narrow }, params),
    (e: unknown) => e instanceof InputError && e.where.file === 'memory' && /does not fit this fit: P is not 1 x 20 x /.test(e.message),
  );
  const foreign: FitCheckpoint = { everySeconds: 0, where: 'memory', load: () => ({ kind: 'something-else' }), save: () => {} };
  await assert.rejects(() => sgmcMethod.fit({ ...syntheticInput(engine, s, 1), checkpoint: foreign }, params), (e: unknown) => e instanceof InputError && /not a checkpoint of an SGMC-family fit/.test(e.message));
});

test('checkpoint files: round trip of matrices, arrays and non-finite numbers; damaged files are refused by name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
  const file = join(dir, 'sub', 'fit0.ckpt');
  const ck = fileCheckpoint(file, 60);
  assert.equal(ck.load(), null);
  const M = mat(3, 5, Array.from({ length: 15 }, (_, k) => k / 7 - 1));
  const value = { a: [M, null, { rows: 0, cols: 4, data: new Float64Array(0) }], v: Float64Array.of(1.5, -0, 3), n: [NaN, Infinity, -Infinity, 2], s: 'x', b: true, deep: { m: [[M]] } };
  ck.save(value);
  const back = ck.load() as typeof value;
  assert.deepEqual(back.a[0], M);
  assert.equal(back.a[1], null);
  assert.deepEqual(back.a[2], { rows: 0, cols: 4, data: new Float64Array(0) });
  assert.deepEqual(back.v, value.v);
  assert.ok(Number.isNaN(back.n[0]) && back.n[1] === Infinity && back.n[2] === -Infinity && back.n[3] === 2);
  assert.deepEqual(back.deep.m[0][0], M);
  assert.equal(back.s, 'x');
  assert.deepEqual(readdirSync(join(dir, 'sub')), ['fit0.ckpt'], 'no temporary file left');
  const bytes = readFileSync(file);
  const refused = (buf: Uint8Array, why: RegExp): void =>
    assert.throws(() => decodeCheckpoint(buf, file), (e: unknown) => e instanceof InputError && e.where.file === file && why.test(e.message));
  refused(bytes.subarray(0, bytes.length - 8), /cut off/);
  refused(Buffer.concat([bytes, Buffer.alloc(8)]), /8 bytes after the data/);
  refused(Buffer.from('not a checkpoint at all'), /SGMCCKP1/);
  const badHeader = Buffer.from(bytes);
  badHeader[12] = 0x7b + 1; // '{' -> '|'
  refused(badHeader, /not JSON/);
  writeFileSync(file, bytes.subarray(0, 20));
  assert.throws(() => ck.load(), /cut off/);
  assert.throws(() => encodeCheckpoint({ x: new Int32Array(2) }), /\$\.x: only Float64Array/);
  assert.ok(existsSync(file));
});

test('checkpoint files: a matrix of float32 values (a float32 fit\'s) is stored in 4 bytes a value and reads back exactly; one other value keeps it float64', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'ckpt-')), 'fit0.ckpt');
  const ck = fileCheckpoint(file, 60);
  const n = 1000;
  const single = mat(10, n / 10, Array.from(Float32Array.from({ length: n }, (_, k) => Math.sin(k) * 1e3)));
  single.data[7] = NaN;
  single.data[8] = -Infinity;
  const double = mat(10, n / 10, Array.from(single.data));
  double.data[500] = 0.1; // not a float32
  ck.save({ single });
  const small = readFileSync(file).length;
  assert.deepEqual((readCheckpointHeader(file) as { single: unknown }).single, { rows: 10, cols: n / 10 });
  assert.deepEqual((ck.load() as { single: Mat }).single, single);
  ck.save({ single: double });
  const large = readFileSync(file).length;
  assert.deepEqual((ck.load() as { single: Mat }).single, double);
  assert.ok(Math.abs(large - small - 4 * n) <= 8, `float64 data takes 4 more bytes a value (header and padding aside): ${large} vs ${small}`);
  ck.save({ a: single, v: Float64Array.of(0.1), b: double });
  const back = ck.load() as { a: Mat; v: Float64Array; b: Mat };
  assert.deepEqual(back, { a: single, v: Float64Array.of(0.1), b: double }, 'mixed widths in one file keep their order');
});
