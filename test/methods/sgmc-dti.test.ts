import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEngine } from '../../src/engine/registry.ts';
import type { Engine } from '../../src/engine/types.ts';
import { loadDataset } from '../../src/datasets/index.ts';
import { createGraphProvider } from '../../src/graphs/provider.ts';
import { scoreTestCells } from '../../src/metrics/index.ts';
import { makeFolds, trainingView } from '../../src/splits/index.ts';
import type { FitInput } from '../../src/methods/types.ts';
import { sgmcMethod, DTI_FAST } from '../../src/methods/sgmc.ts';
import { dmfMethod } from '../../src/methods/dmf.ts';

async function fastEngine(): Promise<Engine> {
  try {
    return await getEngine('native');
  } catch {
    return getEngine('js');
  }
}

test('nr CVS1, one repetition (leak-free train profiles): sgmc dti-fast AUPR > 0.5 and beats dmf', async () => {
  const engine = await fastEngine();
  const ds = await loadDataset('nr', { offline: true });
  assert.equal(ds.kind, 'dti');
  if (ds.kind !== 'dti') return;
  const set = makeFolds('CVS1', ds.Y.rows, ds.Y.cols, { repetitions: 1 });
  const inputs: FitInput[] = set.folds.map((f, k) => {
    const { Y, W } = trainingView(ds.Y, f);
    const graphs = createGraphProvider({ rowSim: ds.drugSim, colSim: ds.targetSim, profiles: 'train', profileY: Y, engine });
    return { Y, W, graphs, engine, seed: k, dataset: 'nr', setting: 'CVS1' };
  });
  const meanAupr = (outs: { scores: any }[]): number =>
    outs.reduce((s, o, k) => s + (scoreTestCells(o.scores, ds.Y, set.folds[k].testCells, 'dti').aupr ?? 0), 0) / outs.length;
  const sg = meanAupr(await sgmcMethod.fitBatch(inputs, DTI_FAST));
  const dm = meanAupr(await dmfMethod.fitBatch(inputs, {}));
  assert.ok(sg > 0.5, `sgmc AUPR ${sg}`);
  assert.ok(sg > dm, `sgmc ${sg} vs dmf ${dm}`);
});
