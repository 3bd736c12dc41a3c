/**
 * `dti predict` applies the runner's WKNKN (`methods[].wknkn`) as a run does: the final fit sees WKNKN of all known
 * cells, each selection candidate WKNKN of its inner view only (validation cells read as 0), the meta records it,
 * and WKNKN set both for the runner and in the method's own params is an error before any fit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { predictTopPairs, predictStage } from '../../src/predict/index.ts';
import { registerMethod, methodNames } from '../../src/methods/registry.ts';
import type { Method, FitInput } from '../../src/methods/types.ts';
import type { DtiDataset } from '../../src/datasets/types.ts';
import { wknkn } from '../../src/methods/wknkn.ts';
import '../../src/methods/all.ts';
import { mat, type Mat } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import { InputError } from '../../src/core/errors.ts';

const seen: { Y: Mat; W: Mat }[] = [];
const toy: Method<{ sign: number }> = {
  name: 'toy-wknkn',
  version: '1',
  description: 'test only: scores = sign * Y as received',
  paramsSchema: { type: 'object', properties: { sign: { type: 'number', default: 1 } }, additionalProperties: false },
  async fit(input: FitInput, params) {
    seen.push({ Y: input.Y, W: input.W });
    const out = mat(input.Y.rows, input.Y.cols);
    input.Y.data.forEach((v, q) => (out.data[q] = params.sign * v));
    return { scores: out };
  },
};
if (!methodNames().includes('toy-wknkn')) registerMethod(toy);

const R = 20;
const C = 12;
function dataset(): DtiDataset {
  const rng = new Rng(11);
  const Y = mat(R, C);
  for (let q = 0; q < R * C; q++) Y.data[q] = rng.next() < 0.2 ? 1 : 0;
  const sim = (n: number): Mat => {
    const s = mat(n, n);
    for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) s.data[i * n + k] = s.data[k * n + i] = i === k ? 1 : rng.next();
    return s;
  };
  return {
    kind: 'dti', name: 'wk', Y, drugSim: sim(R), targetSim: sim(C), checksums: { Y: 'wk' }, notes: [],
    drugIds: Array.from({ length: R }, (_, i) => `D${i}`), targetIds: Array.from({ length: C }, (_, j) => `T${j}`),
  };
}
const maxDiff = (a: Mat, b: Mat): number => a.data.reduce((m, v, q) => Math.max(m, Math.abs(v - b.data[q])), 0);
const spec = { K: 3, eta: 0.7 };

test('predict with the runner WKNKN: the final fit sees WKNKN of every known cell; the meta records it', async () => {
  const ds = dataset();
  const out = join(mkdtempSync(join(tmpdir(), 'predict-wknkn-')), 'p.tsv');
  seen.length = 0;
  await predictTopPairs({ dataset: ds, method: 'toy-wknkn', wknkn: spec, per: 'all', top: 5, engine: { name: 'js' }, out });
  assert.equal(seen.length, 1);
  const ones = mat(R, C, new Float64Array(R * C).fill(1));
  const expected = wknkn(ds.Y, ones, ds.drugSim, ds.targetSim, spec);
  assert.ok(maxDiff(seen[0].Y, expected) < 1e-12);
  assert.ok(maxDiff(seen[0].Y, ds.Y) > 0.1, 'WKNKN changed the matrix');
  assert.deepEqual(JSON.parse(readFileSync(`${out}.meta.json`, 'utf8')).wknkn, spec);
  seen.length = 0;
  await predictTopPairs({ dataset: ds, method: 'toy-wknkn', per: 'all', top: 5, engine: { name: 'js' } });
  assert.equal(maxDiff(seen[0].Y, ds.Y), 0, 'no WKNKN unless asked');
});

test('predict with the runner WKNKN and select: each candidate sees WKNKN of its inner view only', async () => {
  const ds = dataset();
  seen.length = 0;
  await predictTopPairs({
    dataset: ds, method: 'toy-wknkn', wknkn: spec, select: { grid: [{ sign: 1 }, { sign: -1 }], fraction: 0.25 },
    per: 'all', top: 5, seed: 2, engine: { name: 'js' },
  });
  assert.equal(seen.length, 3);
  for (const f of seen.slice(0, 2)) {
    const held = [...f.W.data.keys()].filter((q) => f.W.data[q] === 0);
    assert.ok(held.length > 0);
    const innerY = mat(R, C, ds.Y.data.map((v, q) => v * f.W.data[q]));
    const expected = wknkn(innerY, f.W, ds.drugSim, ds.targetSim, spec);
    assert.ok(maxDiff(f.Y, expected) < 1e-12, 'candidate fitted on WKNKN of its inner view');
  }
});

test('predict: WKNKN both for the runner and in the method params is an error naming the field, before any fit', async () => {
  seen.length = 0;
  await assert.rejects(
    predictTopPairs({ dataset: dataset(), method: 'grmf', params: { wknkn: spec }, wknkn: spec, engine: { name: 'js' } }),
    (e: unknown) => e instanceof InputError && e.where.field === 'wknkn' && /both/.test(e.message),
  );
});

test('predict stage passes the configured methods[].wknkn through', async () => {
  const ds = dataset();
  const dir = mkdtempSync(join(tmpdir(), 'predict-wknkn-stage-'));
  seen.length = 0;
  const files = await predictStage(
    {
      config: {
        outdir: dir, datasets: ['wk'], protocol: 'leak-free', seed: 1,
        methods: [{ name: 'toy-wknkn', label: 'toy', preset: null, params: {}, wknkn: spec }],
        engine: { name: 'js', dtype: 'float64' }, data: { cacheDir: null, mirror: null, offline: true },
      },
      deps: { loadDataset: async () => ds },
    },
    { per: 'all', top: 3 },
  );
  assert.ok(files.some((f) => f.endsWith('wk-toy.tsv.meta.json')));
  const ones = mat(R, C, new Float64Array(R * C).fill(1));
  assert.ok(maxDiff(seen[0].Y, wknkn(ds.Y, ones, ds.drugSim, ds.targetSim, spec)) < 1e-12);
});
