import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, yamanishiDir } from '../helpers/paths.ts';
import { loadDataset, datasetNames } from '../../src/datasets/index.ts';
import type { DtiDataset } from '../../src/datasets/types.ts';
import { asymmetry } from '../../src/core/matrix.ts';
import { sha256 } from '../../src/core/hash.ts';

// a mirror from the environment would change which source serves the files
delete process.env.DTI_MIRROR;

// METHODS.md section 1.1
const EXPECTED: Record<string, [number, number, number]> = {
  nr: [54, 26, 90],
  gpcr: [223, 95, 635],
  ic: [210, 204, 1476],
  e: [445, 664, 2926],
};

/** Independent reader: split on tabs, no csv-parse. Returns {rows, cols, values}. */
async function naive(file: string) {
  const lines = (await readFile(join(yamanishiDir, file), 'utf8')).trimEnd().split('\n').map((l) => l.split('\t'));
  return { cols: lines[0].slice(1), rows: lines.slice(1).map((l) => l[0]), values: lines.slice(1).map((l) => l.slice(1).map(Number)) };
}

describe('Yamanishi sets', () => {
  let cacheDir: string;
  const loaded: Record<string, DtiDataset> = {};
  before(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'dti-yam-'));
    for (const name of Object.keys(EXPECTED)) loaded[name] = (await loadDataset(name, { cacheDir, offline: true })) as DtiDataset;
  });
  after(() => rm(cacheDir, { recursive: true }));

  test('all four are registered', () => {
    for (const n of Object.keys(EXPECTED)) assert.ok(datasetNames().includes(n));
  });

  for (const [name, [drugs, targets, ones]] of Object.entries(EXPECTED)) {
    test(`${name}: ${drugs} x ${targets}, ${ones} interactions, drugs x targets orientation`, async () => {
      const d = loaded[name];
      assert.equal(d.kind, 'dti');
      assert.equal(d.Y.rows, drugs);
      assert.equal(d.Y.cols, targets);
      assert.equal(d.drugIds.length, drugs);
      assert.equal(d.targetIds.length, targets);
      assert.equal(d.Y.data.reduce((a, b) => a + b, 0), ones);
      assert.ok(d.drugIds.every((id) => /^D\d{5}$/.test(id)), 'drug IDs are KEGG drug IDs');
      assert.ok(d.targetIds.every((id) => /^hsa/.test(id)), 'target IDs are KEGG gene IDs');
      assert.equal(d.drugSim.rows, drugs);
      assert.equal(d.targetSim.rows, targets);
      // every cell agrees with an independent reading of the admat (targets x drugs)
      const admat = await naive(`${name}_admat_dgc.txt`);
      assert.deepEqual(admat.cols, d.drugIds);
      assert.deepEqual(admat.rows, d.targetIds);
      for (let t = 0; t < targets; t++) for (let i = 0; i < drugs; i++) assert.equal(d.Y.data[i * targets + t], admat.values[t][i]);
      // every drug and target has an interaction
      for (let i = 0; i < drugs; i++) assert.ok(d.Y.data.subarray(i * targets, (i + 1) * targets).some((v) => v === 1));
      assert.ok(!d.notes.some((n) => /no interaction/.test(n)));
    });
  }

  test('drug similarity is asymmetric (reported in notes), target similarity symmetric with unit diagonal', async () => {
    const maxAsym: Record<string, number> = { e: 0.09, ic: 0.16, gpcr: 0.19, nr: 0.075 };
    for (const [name, d] of Object.entries(loaded)) {
      const a = asymmetry(d.drugSim);
      assert.ok(Math.abs(a - maxAsym[name]) < 0.01, `${name}: drug asymmetry ${a}`);
      assert.ok(d.notes.some((n) => n.startsWith('drug similarity is not symmetric')), name);
      assert.equal(asymmetry(d.targetSim), 0);
      for (let j = 0; j < d.targetSim.rows; j++) assert.equal(d.targetSim.data[j * d.targetSim.cols + j], 1);
    }
    const sim = await naive('gpcr_simmat_dc.txt');
    const d = loaded.gpcr;
    assert.deepEqual(sim.rows, d.drugIds);
    assert.equal(d.drugSim.data[3 * d.drugSim.cols + 7], sim.values[3][7]);
  });

  test('checksums are the sha256 of the files; the e target similarity is the flagged reconstruction', async () => {
    for (const [name, d] of Object.entries(loaded)) {
      assert.equal(d.checksums.interactions, sha256(await readFile(join(yamanishiDir, `${name}_admat_dgc.txt`))));
      assert.equal(d.checksums.targetSim, sha256(await readFile(join(yamanishiDir, `${name}_simmat_dg.txt`))));
    }
    assert.ok(loaded.e.notes.some((n) => /e_simmat_dg.txt: matched integrity entry 'reconstruction'/.test(n)));
    assert.ok(!loaded.nr.notes.some((n) => /matched integrity entry/.test(n)));
  });

  test('the bundled copies in datasets/yamanishi are byte-identical to shared/', async () => {
    for (const n of Object.keys(EXPECTED)) {
      for (const s of ['admat_dgc', 'simmat_dc', 'simmat_dg']) {
        const f = `${n}_${s}.txt`;
        assert.equal(sha256(await readFile(join(repoRoot, 'datasets/yamanishi', f))), sha256(await readFile(join(yamanishiDir, f))), f);
      }
    }
  });
});
