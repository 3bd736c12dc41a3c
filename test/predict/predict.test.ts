import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { predictTopPairs, predictStage } from '../../src/predict/index.ts';
import { rankUnknown } from '../../src/predict/rank.ts';
import { registerMethod, methodNames } from '../../src/methods/registry.ts';
import type { Method, FitInput } from '../../src/methods/types.ts';
import type { DtiDataset } from '../../src/datasets/types.ts';
import { fromRows, mat, type Mat } from '../../src/core/matrix.ts';
import { InputError, InputErrors } from '../../src/core/errors.ts';

/** Toy method: score = (row similarity) x Y, i.e. drugs similar to a drug's known binders; records what it saw. */
const seen: { profiles?: string; wSum?: number; setting?: string; params?: Record<string, unknown> } = {};
const toy: Method<{ scale: number }> = {
  name: 'toy-predict',
  version: '1',
  description: 'test only: S_drug * Y',
  paramsSchema: {
    type: 'object',
    properties: { scale: { type: 'number', default: 1, minimum: 0 } },
    additionalProperties: false,
  },
  presets: { doubled: () => ({ scale: 2 }) },
  async fit(input: FitInput, params) {
    seen.profiles = input.graphs.profiles;
    seen.wSum = input.W.data.reduce((a, b) => a + b, 0);
    seen.setting = input.setting;
    seen.params = params;
    const S = input.graphs.similarity('rows', { symmetrize: true });
    const { rows, cols } = input.Y;
    const out = mat(rows, cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        let s = 0;
        for (let k = 0; k < rows; k++) s += S.data[i * rows + k] * input.Y.data[k * cols + j];
        out.data[i * cols + j] = params.scale * s;
      }
    return { scores: out };
  },
};
if (!methodNames().includes('toy-predict')) registerMethod(toy);

function dataset(): DtiDataset {
  // 4 drugs x 3 targets; drugs d0~d1 similar, d2~d3 similar
  const Y = fromRows([
    [1, 0, 0],
    [0, 0, 1],
    [0, 1, 0],
    [0, 0, 0],
  ]);
  const drugSim = fromRows([
    [1, 0.9, 0.1, 0.0],
    [0.9, 1, 0.0, 0.1],
    [0.1, 0.0, 1, 0.8],
    [0.0, 0.1, 0.8, 1],
  ]);
  const targetSim = fromRows([
    [1, 0.2, 0.3],
    [0.2, 1, 0.4],
    [0.3, 0.4, 1],
  ]);
  return { kind: 'dti', name: 'toy', drugIds: ['d0', 'd1', 'd2', 'd3'], targetIds: ['t0', 't1', 't2'], Y, drugSim, targetSim, checksums: { Y: 'x' }, notes: [] };
}

test('predictTopPairs: fits on everything with full profiles, ranks only unknown pairs per drug', async () => {
  const r = await predictTopPairs({ dataset: dataset(), method: 'toy-predict', top: 2, engine: { name: 'js' } });
  assert.equal(seen.profiles, 'full');
  assert.equal(seen.wSum, 12); // every cell observed (unknown pairs are observed zeros)
  assert.equal(seen.setting, 'CVS1');
  assert.deepEqual(seen.params, { scale: 1 }); // schema default filled in
  assert.equal(r.profiles, 'full');
  // d0: unknown t1 (score 0.1*1 = 0.1 from d2), t2 (0.9 from d1) -> t2 first
  const d0 = r.pairs.filter((p) => p.drug === 'd0');
  assert.deepEqual(d0.map((p) => [p.target, p.rank]), [['t2', 1], ['t1', 2]]);
  assert.ok(Math.abs(d0[0].score - 0.9) < 1e-12);
  // no known pair is ever listed
  const Y = dataset().Y;
  assert.ok(r.pairs.every((p) => Y.data[p.row * 3 + p.col] === 0));
  assert.equal(r.pairs.length, 4 * 2);
  const lines = r.tsv.trimEnd().split('\n');
  assert.equal(lines[0], 'drug\ttarget\trank\tscore\trow\tcol');
  assert.equal(lines[1], 'd0\tt2\t1\t0.9\t0\t2');
});

test('predictTopPairs: named drug, named target, overall list, preset, TSV + provenance files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'predict-'));
  const out = join(dir, 'sub', 'p.tsv');
  const r = await predictTopPairs({ dataset: dataset(), method: 'toy-predict', drug: 'd3', top: 5, preset: 'doubled', out, engine: { name: 'js' } });
  assert.deepEqual(r.pairs.map((p) => p.target), ['t1', 't2', 't0']); // d3: t1 via d2 (0.8), t2 via d1 (0.1), t0 (0)
  assert.ok(Math.abs(r.pairs[0].score - 1.6) < 1e-12); // doubled preset
  assert.equal(readFileSync(out, 'utf8'), r.tsv);
  const meta = JSON.parse(readFileSync(`${out}.meta.json`, 'utf8'));
  assert.equal(meta.profiles, 'full');
  assert.equal(meta.preset, 'doubled');
  assert.deepEqual(meta.scope, { drug: 'd3' });
  const t = await predictTopPairs({ dataset: dataset(), method: 'toy-predict', target: 't0', top: 10, engine: { name: 'js' } });
  assert.deepEqual(t.pairs.map((p) => p.drug), ['d1', 'd2', 'd3']);
  const all = await predictTopPairs({ dataset: dataset(), method: 'toy-predict', per: 'all', top: 3, engine: { name: 'js' } });
  assert.equal(all.pairs.length, 3);
  assert.ok(all.pairs[0].score >= all.pairs[1].score && all.pairs[1].score >= all.pairs[2].score);
});

test('predictTopPairs: clear errors', async () => {
  await assert.rejects(predictTopPairs({ dataset: dataset(), method: 'toy-predict', drug: 'd9', engine: { name: 'js' } }), (e: unknown) => e instanceof InputError && /unknown drug 'd9'/.test(e.message) && /did you mean 'd0'/.test(e.message));
  await assert.rejects(predictTopPairs({ dataset: dataset(), method: 'toy-predict', top: 0 }), /top must be a positive integer/);
  await assert.rejects(predictTopPairs({ dataset: dataset(), method: 'toy-predict', params: { scale: -1 }, engine: { name: 'js' } }), (e: unknown) => e instanceof InputErrors && /params/.test(e.message));
  await assert.rejects(predictTopPairs({ dataset: dataset(), method: 'toy-predict', preset: 'nope', engine: { name: 'js' } }), /has no preset 'nope'/);
  await assert.rejects(predictTopPairs({ dataset: dataset(), method: 'toy-predict', drug: 'd0', target: 't0' }), /either a drug or a target/);
});

test('predictStage: configured method and datasets through the stage deps, files under outdir/predict', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'predict-stage-'));
  const logs: string[] = [];
  const config = {
    outdir: dir,
    datasets: ['toy'],
    methods: [{ name: 'toy-predict', label: 'toy', preset: null, params: { scale: 3 } }],
    protocol: 'published' as const,
    seed: 5,
    engine: { name: 'js', dtype: 'float64' as const },
    data: { cacheDir: null, mirror: null, offline: true },
  };
  const deps = { loadDataset: async (ref: string) => (ref === 'toy' ? dataset() : Promise.reject(new Error(`no ${ref}`))) };
  const files = await predictStage({ config, deps, progress: { log: (m) => logs.push(m) } }, { top: '1', per: 'target' });
  assert.deepEqual(files, [join(dir, 'predict', 'toy-toy.tsv'), join(dir, 'predict', 'toy-toy.tsv.meta.json')]);
  const lines = readFileSync(files[0], 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 1 + 3); // one drug per target
  assert.equal(lines[1], 'd1\tt0\t1\t2.7\t1\t0'); // scale 3 from the config; toy has no 'published' preset -> defaults
  assert.equal(logs.length, 1);
  await assert.rejects(predictStage({ config, deps }, { per: 'sideways' }), /--per must be drug, target or all/);
  await assert.rejects(predictStage({ config: { ...config, methods: [] }, deps }, {}), /no method to fit/);
});

test('rankUnknown: ties broken by position; bad input rejected', () => {
  const truth = fromRows([[0, 1, 0, 0]]);
  const s: Mat = fromRows([[0.5, 9, 0.5, 0.7]]);
  assert.deepEqual(rankUnknown(s, truth, 3, { per: 'row' }).map((p) => [p.col, p.rank]), [[3, 1], [0, 2], [2, 3]]);
  assert.throws(() => rankUnknown(s, truth, 0, { per: 'row' }), /positive integer/);
  assert.throws(() => rankUnknown(s, truth, 1, { row: 4 }), /row index 4/);
  assert.throws(() => rankUnknown(fromRows([[NaN, 0, 0, 0]]), truth, 1, { per: 'all' }), /is NaN/);
});
