/** Singular-value traces of the SGMC loop (FitInput.traceSingularValues): per fold in a batch, exact, side-effect free. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEngine } from '../../src/engine/registry.ts';
import { sgmcMethod } from '../../src/methods/sgmc.ts';
import { dmfMethod } from '../../src/methods/dmf.ts';
import { bandLimited, syntheticInput, GIVEN_GRAPH } from '../methods/sgmc-synthetic.ts';

test('singular-value traces: per fold in a batch, match the SVD of the final scores, do not change the fit', async () => {
  const engine = await getEngine('js');
  const a = bandLimited(engine, 24, 18, 3, 0.4, 2);
  const b = { ...bandLimited(engine, 24, 18, 3, 0.3, 3), rowAdj: a.rowAdj, colAdj: a.colAdj };
  const plain = [syntheticInput(engine, a, 1), syntheticInput(engine, b, 2)];
  const traced = plain.map((x) => ({ ...x, traceSingularValues: { k: 4, every: 7 } }));
  const cases: [string, any, any][] = [
    ['sgmc', sgmcMethod, { graph: GIVEN_GRAPH, p: 10, q: 8, lr: 0.1, iterations: 20 }],
    ['dmf', dmfMethod, { lr: 0.01, iterations: 20 }],
  ];
  for (const [label, m, params] of cases) {
    const ref = await m.fitBatch(plain, params);
    const batch = await m.fitBatch(traced, params);
    assert.equal(ref[0].traces.singularValues, undefined, `${label}: traces without a request`);
    for (let i = 0; i < 2; i++) {
      const t = batch[i].traces;
      assert.deepEqual(t.singularValueIterations, [[0], [7], [14], [20]], label);
      assert.equal(t.singularValues.length, 4);
      // tracing reads the iterate back, it never changes it
      for (let k = 0; k < ref[i].scores.data.length; k++) assert.equal(batch[i].scores.data[k], ref[i].scores.data[k]);
      const last = engine.svd(batch[i].scores, 4).s;
      for (let k = 0; k < 4; k++) assert.ok(Math.abs(t.singularValues[3][k] - last[k]) < 1e-9 * (1 + last[k]), `${label}: fold ${i} sv ${k}`);
      // each fold its own trace, the same as fitting it alone
      const one = await m.fit(traced[i], params);
      for (const [p, row] of t.singularValues.entries()) {
        for (const [k, v] of row.entries()) assert.ok(Math.abs(v - one.traces.singularValues[p][k]) < 1e-9 * (1 + v), `${label}: fold ${i}`);
      }
    }
    assert.notDeepEqual(batch[0].traces.singularValues[3], batch[1].traces.singularValues[3]);
  }
});
