import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, readdir, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset, fetchDataset } from '../../src/datasets/index.ts';
import type { DtiDataset } from '../../src/datasets/types.ts';
import { digests } from '../../src/datasets/integrity.ts';

/** Writes files into a fresh tmp dir; returns the dir. */
async function fixture(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dti-user-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

const manifest = (files: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'toy', kind: 'user', files, ...extra });

// drugs a, b, c; targets x, y
const drugSim = '\ta\tb\tc\na\t1\t0.5\t0.2\nb\t0.4\t1\t0.3\nc\t0.2\t0.3\t1\n';
const targetSim = '\tx\ty\nx\t1\t0.7\ny\t0.7\t1\n';
const Y = [
  [1, 0],
  [0, 1],
  [1, 1],
];

const at = (d: DtiDataset, M: 'Y' | 'drugSim' | 'targetSim', r: string, c: string) => {
  const rows = M === 'targetSim' ? d.targetIds : d.drugIds;
  const cols = M === 'drugSim' ? d.drugIds : d.targetIds;
  const m = d[M];
  return m.data[rows.indexOf(r) * m.cols + cols.indexOf(c)];
};

function checkToy(d: DtiDataset): void {
  assert.equal(d.Y.rows, 3);
  assert.equal(d.Y.cols, 2);
  const drugs = ['a', 'b', 'c'];
  const targets = ['x', 'y'];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) assert.equal(at(d, 'Y', drugs[i], targets[j]), Y[i][j]);
  assert.equal(at(d, 'drugSim', 'a', 'b'), 0.5);
  assert.equal(at(d, 'drugSim', 'b', 'a'), 0.4);
  assert.equal(at(d, 'drugSim', 'c', 'b'), 0.3);
  assert.equal(at(d, 'targetSim', 'x', 'y'), 0.7);
  for (let i = 0; i < 3; i++) assert.equal(d.drugSim.data[i * 4], 1, 'diagonal stays on the diagonal after re-ordering');
}

describe('user datasets', () => {
  test('matrix drugs x targets, CSV, similarities in another order: aligned by name', async () => {
    const dir = await fixture({
      'Y.csv': ',y,x\nc,1,1\na,0,1\nb,1,0\n',
      'sim/drugs.tsv': '\tb\tc\ta\nb\t1\t0.3\t0.4\nc\t0.3\t1\t0.2\na\t0.5\t0.2\t1\n',
      'sim/targets.tsv': targetSim,
      'm.json': manifest({
        interactions: { path: 'Y.csv' },
        drugSimilarity: { path: 'sim/drugs.tsv' },
        targetSimilarity: { path: 'sim/targets.tsv', delimiter: 'tab' },
      }),
    });
    const d = (await loadDataset(join(dir, 'm.json'))) as DtiDataset;
    assert.deepEqual(d.drugIds, ['c', 'a', 'b'], 'order of the interaction file');
    assert.deepEqual(d.targetIds, ['y', 'x']);
    checkToy(d);
    assert.ok(d.notes.some((n) => /drug similarity rows re-ordered/.test(n)));
    assert.ok(d.notes.some((n) => /drug similarity is not symmetric: max \|S - S\^T\| = 0.1000/.test(n)));
    await rm(dir, { recursive: true });
  });

  test('matrix targets x drugs (transposed), columns of a similarity permuted, header without corner, CRLF and BOM', async () => {
    const dir = await fixture({
      'Y.tsv': '\ufeff\ta\tb\tc\r\nx\t1\t0\t1\r\ny\t0\t1\t1\r\n',
      'd.tsv': '\tc\ta\tb\na\t0.2\t1\t0.5\nb\t0.3\t0.4\t1\nc\t1\t0.2\t0.3\n',
      't.tsv': 'x\ty\nx\t1\t0.7\ny\t0.7\t1\n', // header without a corner cell
      'm.json': manifest({
        interactions: { path: 'Y.tsv', orientation: 'targets-x-drugs' },
        drugSimilarity: { path: 'd.tsv' },
        targetSimilarity: { path: 't.tsv' },
      }),
    });
    const d = (await loadDataset(join(dir, 'm.json'))) as DtiDataset;
    assert.deepEqual(d.drugIds, ['a', 'b', 'c']);
    checkToy(d);
    await rm(dir, { recursive: true });
  });

  test('edge list with header and labels; drugs without edges are kept; integrity checked', async () => {
    const files = {
      'edges.tsv': 'drug\ttarget\tlabel\na\tx\t1\nb\ty\t1\nc\tx\t1\nc\ty\t1\nb\tx\t0\n',
      'd.tsv': drugSim,
      't.tsv': targetSim,
    };
    const dir = await fixture(files);
    const d1 = digests(new TextEncoder().encode(files['edges.tsv']));
    await writeFile(
      join(dir, 'm.json'),
      manifest({
        interactions: { path: 'edges.tsv', format: 'edges', header: true, integrity: [{ sha256: d1.sha256 }] },
        drugSimilarity: { path: 'd.tsv' },
        targetSimilarity: { path: 't.tsv' },
      }),
    );
    const d = (await loadDataset(join(dir, 'm.json'))) as DtiDataset;
    assert.deepEqual(d.drugIds, ['a', 'b', 'c']);
    checkToy(d);
    const r = await fetchDataset(join(dir, 'm.json'));
    assert.deepEqual(r.files.map((f) => f.source), ['local', 'local', 'local']);
    assert.equal(r.files[0].integrity.checked[0], 'sha256');
    assert.equal(r.files[1].integrity.name, 'unverified');
    await rm(dir, { recursive: true });
  });

  test('edge list with an extra drug in the similarity: empty row reported in notes', async () => {
    const dir = await fixture({
      'e.csv': 'a,x\nb,y\n',
      'd.tsv': drugSim,
      't.tsv': targetSim,
      'm.json': manifest({
        interactions: { path: 'e.csv', format: 'edges' },
        drugSimilarity: { path: 'd.tsv' },
        targetSimilarity: { path: 't.tsv' },
      }),
    });
    const d = (await loadDataset(join(dir, 'm.json'))) as DtiDataset;
    assert.equal(d.Y.data.reduce((a, b) => a + b, 0), 2);
    assert.ok(d.notes.includes('1 drugs and 0 targets have no interaction'));
    assert.deepEqual((await readdir(dir)).sort(), ['d.tsv', 'e.csv', 'm.json', 't.tsv']);
    await rm(dir, { recursive: true });
  });
});
