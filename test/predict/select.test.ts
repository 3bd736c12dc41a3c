import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { predictTopPairs, predictStage, type PredictDeps } from '../../src/predict/index.ts';
import { registerMethod, methodNames } from '../../src/methods/registry.ts';
import type { Method, FitInput } from '../../src/methods/types.ts';
import type { DtiDataset, RatingDataset } from '../../src/datasets/types.ts';
import type { GraphProviderInput } from '../../src/graphs/types.ts';
import { createGraphProvider } from '../../src/graphs/provider.ts';
import { getEngine } from '../../src/engine/registry.ts';
import { mat, type Mat } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import { InputError, InputErrors } from '../../src/core/errors.ts';

/** Toy method: sign * (S_drug Y + Y S_target). sign = -1 ranks the positives last: a clearly worse candidate. Records each fit. */
interface Seen {
  W: Mat;
  Y: Mat;
  profiles: string;
  dtype: string;
  sign: number;
}
const fits: Seen[] = [];
const toy: Method<{ sign: number }> = {
  name: 'toy-select',
  version: '1',
  description: 'test only: sign * (S_drug Y + Y S_target)',
  paramsSchema: {
    type: 'object',
    properties: { sign: { type: 'number', default: 1 } },
    additionalProperties: false,
  },
  async fit(input: FitInput, params) {
    fits.push({ W: input.W, Y: input.Y, profiles: input.graphs.profiles, dtype: input.engine.dtype, sign: params.sign });
    const S = input.graphs.similarity('rows', { symmetrize: true });
    const T = input.graphs.similarity('cols', { symmetrize: true });
    const { rows, cols } = input.Y;
    const Y = input.Y.data;
    const out = mat(rows, cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let k = 0; k < rows; k++) s += S.data[i * rows + k] * Y[k * cols + j];
        for (let l = 0; l < cols; l++) s += Y[i * cols + l] * T.data[l * cols + j];
        out.data[i * cols + j] = params.sign * s;
      }
    return { scores: out };
  },
};
if (!methodNames().includes('toy-select')) registerMethod(toy);

const R = 24;
const C = 16;

/** Two drug clusters x two target clusters; interactions mostly (p = 0.85) inside the matching blocks (else 0.03). */
function dataset(): DtiDataset {
  const rng = new Rng(7);
  const cd = (i: number) => (i < R / 2 ? 0 : 1);
  const ct = (j: number) => (j < C / 2 ? 0 : 1);
  const Y = mat(R, C);
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) Y.data[i * C + j] = rng.next() < (cd(i) === ct(j) ? 0.85 : 0.03) ? 1 : 0;
  const drugSim = mat(R, R);
  for (let i = 0; i < R; i++) for (let k = 0; k < R; k++) drugSim.data[i * R + k] = i === k ? 1 : cd(i) === cd(k) ? 0.8 : 0.1;
  const targetSim = mat(C, C);
  for (let j = 0; j < C; j++) for (let l = 0; l < C; l++) targetSim.data[j * C + l] = j === l ? 1 : ct(j) === ct(l) ? 0.7 : 0.1;
  return {
    kind: 'dti', name: 'blocks', Y, drugSim, targetSim, checksums: { Y: 'blocks' }, notes: [],
    drugIds: Array.from({ length: R }, (_, i) => `D${i}`), targetIds: Array.from({ length: C }, (_, j) => `T${j}`),
  };
}

/** deps whose createGraphProvider / getEngine record their inputs */
function spies() {
  const providers: GraphProviderInput[] = [];
  const engines: { name?: string; dtype?: string }[] = [];
  const deps: Partial<PredictDeps> = {
    loadDataset: async (ref) => (ref === 'blocks' ? dataset() : Promise.reject(new Error(`no ${ref}`))),
    createGraphProvider: (input) => (providers.push(input), createGraphProvider(input)),
    getEngine: async (name, opts) => (engines.push({ name, dtype: opts?.dtype }), getEngine(name, opts)),
  };
  return { providers, engines, deps };
}

const sum = (m: Mat): number => m.data.reduce((a, b) => a + b, 0);
const zeroCells = (W: Mat): number[] => [...W.data.keys()].filter((c) => W.data[c] === 0);

test('select: the good candidate wins, meta lists both values, inner graphs leak-free, pairs equal a direct predict', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'predict-select-'));
  const out = join(dir, 'p.tsv');
  const { providers, deps } = spies();
  fits.length = 0;
  // the bad candidate comes first, so the earliest-wins tie rule cannot make the test pass
  const r = await predictTopPairs({
    // base params are the bad ones: a final fit that ignored the choice would rank differently
    dataset: dataset(), method: 'toy-select', params: { sign: -1 }, select: { grid: [{ sign: -1 }, { sign: 1 }], fraction: 0.2 },
    per: 'all', top: 25, seed: 3, engine: { name: 'js' }, out, deps,
  });
  const sel = r.select!;
  assert.equal(sel.metric, 'aupr');
  assert.equal(sel.choice, 1);
  assert.deepEqual(sel.selected, { sign: 1 });
  assert.deepEqual(r.params, { sign: 1 });
  assert.deepEqual(sel.base, { sign: -1 });
  assert.deepEqual(sel.candidates, [{ sign: -1 }, { sign: 1 }]);
  assert.ok(Number.isFinite(sel.values[0]) && Number.isFinite(sel.values[1]));
  assert.ok(sel.values[1] > 0.6 && sel.values[0] < 0.4 && sel.values[1] - sel.values[0] > 0.3, `values ${sel.values}`);
  assert.equal(sel.nValidation, Math.round(0.2 * R * C));
  assert.equal(sel.profiles, 'train');

  // two candidate fits on the inner view, then the final fit on everything
  assert.deepEqual(fits.map((f) => f.sign), [-1, 1, 1]);
  const held = zeroCells(fits[0].W);
  assert.equal(held.length, sel.nValidation);
  assert.deepEqual(zeroCells(fits[1].W), held);
  assert.equal(sum(fits[2].W), R * C);
  const truth = dataset().Y;
  const heldPositives = held.filter((c) => truth.data[c] === 1).length;
  assert.ok(heldPositives > 0);
  assert.ok(held.every((c) => fits[0].Y.data[c] === 0));
  // providers: the final one ('full', whole matrix) and the candidates' ('train', validation labels removed)
  assert.deepEqual(providers.map((p) => p.profiles).sort(), ['full', 'train']);
  const inner = providers.find((p) => p.profiles === 'train')!;
  assert.ok(held.every((c) => inner.profileY!.data[c] === 0));
  assert.equal(sum(inner.profileY!), sum(truth) - heldPositives);
  assert.deepEqual(providers.find((p) => p.profiles === 'full')!.profileY!.data, truth.data);
  assert.deepEqual(fits.map((f) => f.profiles), ['train', 'train', 'full']);

  const meta = JSON.parse(readFileSync(`${out}.meta.json`, 'utf8'));
  assert.equal(meta.select.metric, 'aupr');
  assert.equal(meta.select.choice, 1);
  assert.deepEqual(meta.select.selected, { sign: 1 });
  assert.deepEqual(meta.select.grid, [{ sign: -1 }, { sign: 1 }]);
  assert.equal(meta.select.values.length, 2);
  meta.select.values.forEach((v: number, i: number) => assert.ok(Math.abs(v - sel.values[i]) < 1e-12));
  assert.deepEqual(meta.params, { sign: 1 });
  assert.deepEqual(meta.select.base, { sign: -1 });

  const direct = await predictTopPairs({ dataset: dataset(), method: 'toy-select', params: { sign: 1 }, per: 'all', top: 25, seed: 3, engine: { name: 'js' } });
  assert.equal(direct.select, undefined);
  assert.deepEqual(r.pairs, direct.pairs);
  assert.equal(r.tsv, direct.tsv);
});

test('select: the inner split is cut like the setting (CVS2 whole rows, CVS3 whole columns) and is seeded', async () => {
  for (const [setting, byRow] of [['CVS2', true], ['CVS3', false]] as const) {
    fits.length = 0;
    const r = await predictTopPairs({ dataset: dataset(), method: 'toy-select', setting, select: { grid: [{ sign: -1 }, { sign: 1 }], fraction: 0.25 }, seed: 9, engine: { name: 'js' } });
    const W = fits[0].W;
    const n = byRow ? R : C;
    const m = byRow ? C : R;
    const cell = (g: number, k: number) => (byRow ? g * C + k : k * C + g);
    const heldGroups: number[] = [];
    for (let g = 0; g < n; g++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += W.data[cell(g, k)];
      assert.ok(s === 0 || s === m, `${setting}: group ${g} partly held out`);
      if (s === 0) heldGroups.push(g);
    }
    assert.equal(heldGroups.length, Math.round(0.25 * n));
    assert.equal(r.select!.nValidation, heldGroups.length * m);
    assert.equal(r.select!.choice, 1, `${setting}: ${r.select!.values}`);
    // same seed, same split; another seed, another split
    fits.length = 0;
    await predictTopPairs({ dataset: dataset(), method: 'toy-select', setting, select: { grid: [{ sign: -1 }, { sign: 1 }], fraction: 0.25 }, seed: 9, engine: { name: 'js' } });
    assert.deepEqual(zeroCells(fits[0].W), zeroCells(W));
    fits.length = 0;
    await predictTopPairs({ dataset: dataset(), method: 'toy-select', setting, select: { grid: [{ sign: -1 }, { sign: 1 }], fraction: 0.25 }, seed: 10, engine: { name: 'js' } });
    assert.notDeepEqual(zeroCells(fits[0].W), zeroCells(W));
  }
});

test('predictStage: select under the configured protocol, dtype of the method over the config', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'predict-stage-select-'));
  const base = {
    outdir: dir,
    datasets: ['blocks'],
    protocol: 'leak-free' as const,
    profiles: null,
    seed: 4,
    engine: { name: 'js', dtype: 'float64' as const },
    data: { cacheDir: null, mirror: null, offline: true },
  };
  const select = { grid: [{ sign: -1 }, { sign: 1 }], metric: 'auc' as const, fraction: 0.2 };
  const methods = [
    { name: 'toy-select', label: 'sel32', preset: null, params: {}, select, dtype: 'float32' as const, wknkn: null, traces: null },
    { name: 'toy-select', label: 'plain', preset: null, params: { sign: -1 }, select: null, dtype: null, wknkn: null, traces: null },
  ];
  // leak-free: candidates on 'train' graphs; the method's float32 wins over engine.dtype float64
  let s = spies();
  fits.length = 0;
  const logs: string[] = [];
  const files = await predictStage({ config: { ...base, methods }, deps: s.deps, progress: { log: (m) => logs.push(m) } }, { method: 'sel32', top: '3' });
  assert.deepEqual(s.engines.map((e) => e.dtype), ['float32']);
  assert.ok(fits.length === 3 && fits.every((f) => f.dtype === 'float32'));
  assert.deepEqual(s.providers.map((p) => p.profiles).sort(), ['full', 'train']);
  const meta = JSON.parse(readFileSync(files[1], 'utf8'));
  assert.equal(meta.engine.name, 'js');
  assert.equal(meta.engine.dtype, 'float32');
  assert.equal(meta.select.metric, 'auc');
  assert.equal(meta.select.profiles, 'train');
  assert.equal(meta.select.choice, 1);
  assert.deepEqual(meta.params, { sign: 1 });
  assert.ok(meta.select.values[1] > meta.select.values[0]);
  assert.ok(logs.some((l) => /selected grid\[1\] by validation auc/.test(l)), logs.join('\n'));
  // float32 scores rank like float64 ones here, so the pairs equal a direct float64 predict of the winner
  const direct = await predictTopPairs({ dataset: dataset(), method: 'toy-select', params: { sign: 1 }, top: 3, seed: 4, engine: { name: 'js' } });
  assert.deepEqual(readFileSync(files[0], 'utf8').split('\n').map((l) => l.split('\t').slice(0, 3).join('\t')), direct.tsv.split('\n').map((l) => l.split('\t').slice(0, 3).join('\t')));

  // a method without dtype keeps the config's; without select it fits its own params once
  s = spies();
  fits.length = 0;
  const f2 = await predictStage({ config: { ...base, methods }, deps: s.deps }, { method: 'plain' });
  assert.deepEqual(s.engines.map((e) => e.dtype), ['float64']);
  assert.deepEqual(fits.map((f) => f.sign), [-1]);
  const m2 = JSON.parse(readFileSync(f2[1], 'utf8'));
  assert.equal(m2.engine.dtype, 'float64');
  assert.equal(m2.select, undefined);

  // published protocol: the candidates reuse the full-matrix graphs, as a run does
  s = spies();
  fits.length = 0;
  const f3 = await predictStage({ config: { ...base, protocol: 'published' as const, methods }, deps: s.deps }, {});
  assert.deepEqual(s.providers.map((p) => p.profiles), ['full']);
  assert.deepEqual(fits.map((f) => f.profiles), ['full', 'full', 'full']);
  assert.equal(JSON.parse(readFileSync(f3[1], 'utf8')).select.profiles, 'full');
  // profiles 'none' (leak-free without interaction profiles)
  s = spies();
  await predictStage({ config: { ...base, profiles: 'none' as const, methods }, deps: s.deps }, {});
  assert.deepEqual(s.providers.map((p) => p.profiles).sort(), ['full', 'none']);
  // --setting CVS2: the selection holds out whole drugs
  fits.length = 0;
  await predictStage({ config: { ...base, methods }, deps: spies().deps }, { setting: 'CVS2' });
  const W = fits[0].W;
  for (let i = 0; i < R; i++) {
    const row = W.data.subarray(i * C, (i + 1) * C);
    assert.ok(row.every((v) => v === row[0]), `row ${i} partly held out`);
  }
  assert.ok(zeroCells(W).length > 0);
  await assert.rejects(predictStage({ config: { ...base, methods }, deps: spies().deps }, { setting: 'CVS7' }), /--setting must be CVS1, CVS2 or CVS3/);
});

test('select: bad specs get clear errors naming the field, before any fit', async () => {
  const fields = async (select: unknown, extra: Record<string, unknown> = {}): Promise<string[]> => {
    fits.length = 0;
    try {
      await predictTopPairs({ dataset: dataset(), method: 'toy-select', engine: { name: 'js' }, select: select as never, ...extra });
    } catch (e) {
      assert.equal(fits.length, 0);
      if (e instanceof InputErrors) return e.errors.map((x) => x.where.field ?? '');
      if (e instanceof InputError) return [e.where.field ?? ''];
      throw e;
    }
    assert.fail('no error');
  };
  assert.deepEqual(await fields({ grid: [{ sign: 1 }, { sign: 'x' }] }), ['select.grid[1].sign']);
  assert.deepEqual(await fields({ grid: [{ sign: 1 }, { sgin: 2 }] }), ['select.grid[1].sgin']);
  assert.deepEqual(await fields({ grid: [{ sign: 1 }] }), ['select.grid']);
  assert.deepEqual(await fields({ grid: [{ sign: 1 }, { sign: 2 }], metric: 'f1' }), ['select.metric']);
  assert.deepEqual(await fields({ grid: [{ sign: 1 }, { sign: 2 }], fraction: 0.9 }), ['select.fraction']);
  assert.deepEqual(await fields({ grid: [{ sign: 1 }, 3] }), ['select.grid[1]']);
  assert.deepEqual(await fields({ grid: { sign: 1 } }), ['select.grid']);
  assert.deepEqual(await fields({ grid: [{ sign: 1 }, { sign: 2 }], grdi: [] }), ['select.grdi']);
  assert.deepEqual(await fields({ grid: [{ sign: 1 }, { sign: 2 }] }, { setting: 'CVS9' }), ['setting']);
  // the message names the field too
  await assert.rejects(
    predictTopPairs({ dataset: dataset(), method: 'toy-select', engine: { name: 'js' }, select: { grid: [{ sign: 1 }, { sign: 'x' }] } as never }),
    /field select\.grid\[1\]\.sign/,
  );
  // through the stage: the configured method's field
  const config = {
    outdir: mkdtempSync(join(tmpdir(), 'predict-bad-')), datasets: ['blocks'], protocol: 'leak-free' as const, seed: 1,
    engine: { name: 'js', dtype: 'float64' as const }, data: { cacheDir: null, mirror: null, offline: true },
    methods: [
      { name: 'toy-select', label: 'a', preset: null, params: {} },
      { name: 'toy-select', label: 'b', preset: null, params: {}, select: { grid: [{ sign: 1 }, { sign: 'x' }], metric: null, fraction: 0.1 } },
    ],
  };
  await assert.rejects(predictStage({ config, deps: spies().deps }, { method: 'b' }), (e: unknown) =>
    e instanceof InputErrors && e.errors.map((x) => x.where.field).join() === 'methods[1].select.grid[1].sign' && /methods\[1\]\.select\.grid\[1\]\.sign/.test(e.message));
});

test('select on a rating set: rated cells only, RMSE by default, no interaction profiles', async () => {
  const rows = 12;
  const cols = 10;
  const rng = new Rng(5);
  const M = mat(rows, cols);
  for (let c = 0; c < rows * cols; c++) if (rng.next() < 0.5) M.data[c] = 3 + (rng.next() < 0.5 ? -0.5 : 0.5);
  const rated = [...M.data.keys()].filter((c) => M.data[c] !== 0);
  const adj = (n: number) => {
    const A = mat(n, n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) A.data[i * n + k] = i === k ? 0 : 1;
    return A;
  };
  const ds: RatingDataset = {
    kind: 'ratings', name: 'toy-ratings', rows, cols, M, train: Int32Array.from(rated), test: new Int32Array(0),
    rowAdjacency: adj(rows), colAdjacency: adj(cols), checksums: { M: 'x' }, notes: [],
  };
  const seenW: Mat[] = [];
  const constant: Method<{ c: number }> = {
    name: 'toy-constant', version: '1', description: 'test only: every cell = c',
    paramsSchema: { type: 'object', properties: { c: { type: 'number', default: 0 } }, additionalProperties: false },
    async fit(input, p) {
      seenW.push(input.W);
      const out = mat(input.Y.rows, input.Y.cols);
      out.data.fill(p.c);
      return { scores: out };
    },
  };
  if (!methodNames().includes('toy-constant')) registerMethod(constant);
  const { providers, deps } = spies();
  const r = await predictTopPairs({ dataset: ds, method: 'toy-constant', select: { grid: [{ c: 0 }, { c: 3 }], profiles: 'train' }, engine: { name: 'js' }, deps });
  const sel = r.select!;
  assert.equal(sel.metric, 'rmse');
  assert.equal(sel.profiles, 'none'); // interaction profiles never apply to rating sets
  assert.equal(sel.choice, 1);
  assert.ok(Math.abs(sel.values[1] - 0.5) < 1e-12 && sel.values[0] > 2.4, `values ${sel.values}`);
  assert.equal(sel.nValidation, Math.round(0.1 * rated.length));
  const held = zeroCells(seenW[0]).filter((c) => seenW[seenW.length - 1].data[c] === 1);
  assert.equal(held.length, sel.nValidation);
  assert.ok(held.every((c) => M.data[c] !== 0));
  assert.deepEqual(providers.map((p) => p.profiles).sort(), ['full', 'none']);
  await assert.rejects(
    predictTopPairs({ dataset: ds, method: 'toy-constant', select: { grid: [{ c: 0 }, { c: 3 }], metric: 'aupr' }, engine: { name: 'js' } }),
    (e: unknown) => e instanceof InputErrors && e.errors[0].where.field === 'select.metric',
  );
});

test('select with scaleStep: the final fit gets the winner through the method scaleStep with (inner known cells / known cells)', async () => {
  const seen: { lr: number; known: number }[] = [];
  const stepped: Method<{ lr: number }> = {
    name: 'toy-step', version: '1', description: 'test only: scores = lr * (S_drug Y); scaleStep multiplies lr',
    paramsSchema: { type: 'object', properties: { lr: { type: 'number', default: 1 } }, additionalProperties: false },
    async fit(input, p) {
      seen.push({ lr: p.lr, known: input.W.data.reduce((a, b) => a + b, 0) });
      const out = mat(input.Y.rows, input.Y.cols);
      out.data.set(input.Y.data.map((v) => p.lr * v));
      return { scores: out };
    },
    scaleStep: (p, ratio) => ({ ...p, lr: p.lr * ratio }),
  };
  if (!methodNames().includes('toy-step')) registerMethod(stepped);
  const r = await predictTopPairs({ dataset: dataset(), method: 'toy-step', select: { grid: [{ lr: 2 }, { lr: -1 }], scaleStep: true, fraction: 0.2 }, engine: { name: 'js' } });
  const sel = r.select!;
  assert.equal(sel.choice, 0, 'positive scores rank the training positives first');
  const [inner, , final] = seen;
  assert.equal(sel.stepRatio, inner.known / final.known);
  assert.ok(sel.stepRatio! > 0.75 && sel.stepRatio! < 0.85, String(sel.stepRatio));
  assert.equal(final.lr, 2 * sel.stepRatio!);
  assert.equal(sel.selected.lr, final.lr);
  assert.equal(r.params.lr, final.lr);
  // a method without scaleStep refuses it before any fit
  fits.length = 0;
  await assert.rejects(
    predictTopPairs({ dataset: dataset(), method: 'toy-select', select: { grid: [{ sign: 1 }, { sign: -1 }], scaleStep: true }, engine: { name: 'js' } }),
    (e: unknown) => e instanceof InputErrors && e.errors.map((x) => x.where.field).join() === 'select.scaleStep',
  );
  assert.equal(fits.length, 0);
});
