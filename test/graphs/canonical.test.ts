import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mat, orthonormalizeColumns, type Mat } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import { JsEngine } from '../../src/engine/js.ts';
import { getEngine } from '../../src/engine/registry.ts';
import type { Eigen, Engine } from '../../src/engine/types.ts';
import { canonicalEigenspaces, eigenClusters } from '../../src/graphs/canonical.ts';
import { combinatorialLaplacian } from '../../src/graphs/laplacian.ts';
import { createGraphProvider } from '../../src/graphs/provider.ts';
import { fixSigns } from '../../src/graphs/eigen-cache.ts';
import type { GraphSpec } from '../../src/graphs/types.ts';
import { nativeStatus } from '../engine/fixtures.ts';

const js = new JsEngine({ dtype: 'float64' });

/** three disjoint 4-cliques on interleaved nodes (0, 3, 6, 9 | 1, 4, 7, 10 | ...) and a weighted 3-path on 12-14:
 *  Laplacian eigenvalues 0 (x4: four components), the path's 1 and 3, then 4 (x9: each clique's other three) */
function graph(): Mat {
  const n = 15;
  const W = mat(n, n);
  const edge = (i: number, j: number, w = 1) => ((W.data[i * n + j] = w), (W.data[j * n + i] = w));
  for (let c = 0; c < 3; c++) for (let a = 0; a < 4; a++) for (let b = a + 1; b < 4; b++) edge(c + 3 * a, c + 3 * b);
  edge(12, 13);
  edge(13, 14);
  return W;
}

/** e with every cluster's vectors replaced by a random orthonormal basis of the same eigenspace */
function rotateClusters(e: Eigen, seed: number): Eigen {
  const rng = new Rng(seed);
  const { rows: n, cols: k } = e.vectors;
  const v = e.vectors.data.slice();
  for (const [a, b] of eigenClusters(e.values)) {
    const s = b - a;
    const R = mat(s, s);
    for (let t = 0; t < R.data.length; t++) R.data[t] = rng.normal();
    orthonormalizeColumns(R); // a random rotation of the cluster
    for (let r = 0; r < n; r++) {
      const row = Array.from({ length: s }, (_, q) => e.vectors.data[r * k + a + q]);
      for (let i = 0; i < s; i++) v[r * k + a + i] = row.reduce((t, x, q) => t + x * R.data[q * s + i], 0);
    }
  }
  return { values: e.values.slice(), vectors: { rows: n, cols: k, data: v } };
}

const maxDiff = (a: Mat, b: Mat): number => Math.max(...a.data.map((x, i) => Math.abs(x - b.data[i])));

test('eigenClusters: runs of equal eigenvalues (relative tolerance), singletons left out', () => {
  assert.deepEqual(eigenClusters(Float64Array.from([0, 1e-14, 2e-14, 1, 2, 2, 2, 3])), [[0, 3], [4, 7]]);
  assert.deepEqual(eigenClusters(Float64Array.from([0, 1, 2])), []);
  // relative to the scale: 1e-7 apart is one cluster at scale 1e3 (tolerance 1e-6), two at scale 1 (1e-9)
  assert.deepEqual(eigenClusters(Float64Array.from([5, 5 + 1e-7]), { scale: 1e3 }), [[0, 2]]);
  assert.deepEqual(eigenClusters(Float64Array.from([5, 5 + 1e-7]), { scale: 1 }), []);
});

test('canonicalEigenspaces: the same basis from any orthonormal basis of each eigenspace; still orthonormal eigenvectors', () => {
  const L = combinatorialLaplacian(graph());
  const e = js.eigh(L);
  assert.deepEqual(eigenClusters(e.values), [[0, 4], [6, 15]]);
  const c = canonicalEigenspaces(e);
  for (const seed of [1, 2, 3]) assert.ok(maxDiff(canonicalEigenspaces(rotateClusters(e, seed)).vectors, c.vectors) < 1e-12);
  // singletons are untouched
  const n = 15;
  for (const j of [4, 5]) for (let i = 0; i < n; i++) assert.equal(c.vectors.data[i * n + j], e.vectors.data[i * n + j]);
  // orthonormal, and L v = lambda v
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += c.vectors.data[i * n + a] * c.vectors.data[i * n + b];
      assert.ok(Math.abs(d - (a === b ? 1 : 0)) < 1e-12, `columns ${a}, ${b}: ${d}`);
    }
    for (let i = 0; i < n; i++) {
      let lv = 0;
      for (let j = 0; j < n; j++) lv += L.data[i * n + j] * c.vectors.data[j * n + a];
      assert.ok(Math.abs(lv - c.values[a] * c.vectors.data[i * n + a]) < 1e-10);
    }
  }
  // the null space comes out as the components' normalised indicators, largest entry first (the 3-path's
  // 1/sqrt 3, then the cliques' 1/2 in the order of their lowest node)
  const comps = [[12, 13, 14], [0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8, 11]];
  comps.forEach((nodes, j) => {
    for (let i = 0; i < n; i++) {
      const want = nodes.includes(i) ? 1 / Math.sqrt(nodes.length) : 0;
      assert.ok(Math.abs(c.vectors.data[i * n + j] - want) < 1e-12, `null vector ${j}, node ${i}`);
    }
  });
});

test('graph provider: a basis cut inside a repeated eigenvalue is the first k of the canonical full basis, on every engine', async () => {
  const W = graph();
  const spec: GraphSpec = { symmetrize: false, combineProfiles: false, knn: null, laplacian: 'combinatorial' };
  const engines: Engine[] = [js];
  if (nativeStatus().ok || process.env.CI) engines.push(await getEngine('native', { dtype: 'float64' }));
  const bases: Eigen[] = [];
  for (const engine of engines) {
    const g = createGraphProvider({ rowSim: W, colSim: W, profiles: 'none', profileY: null, engine });
    const full = await g.eigenbasis('rows', spec);
    // k = 8 cuts the 9-fold eigenvalue 4 after its first 2 vectors (0 x4, 1, 3, then 4 x9)
    const cut = await g.eigenbasis('rows', spec, 8);
    assert.deepEqual([cut.vectors.rows, cut.vectors.cols, cut.values.length], [15, 8, 8]);
    for (let i = 0; i < 15; i++) for (let j = 0; j < 8; j++) assert.ok(Math.abs(cut.vectors.data[i * 8 + j] - full.vectors.data[i * 15 + j]) < 1e-10);
    bases.push(full);
  }
  // engines with different eigensolvers (ml-matrix, LAPACK) give the same basis
  for (const b of bases.slice(1)) assert.ok(maxDiff(b.vectors, bases[0].vectors) < 1e-10, 'engines disagree');
});

test('fixSigns: the largest entry positive; a tie in magnitude goes to the first entry, whichever way rounding leans', () => {
  const s = Math.SQRT1_2;
  // column 0: (-s, 0, s) with the later entry larger by rounding; column 1: a clear largest entry, negative
  const e: Eigen = { values: Float64Array.from([1, 2]), vectors: mat(3, 2, [-s, 0.1, 0, -0.9, s * (1 + 1e-15), 0.2]) };
  const f = fixSigns(e);
  assert.deepEqual([...f.vectors.data].map((x) => Math.sign(x) + 0), [1, -1, 0, 1, -1, -1]);
  const g = fixSigns({ ...e, vectors: mat(3, 2, e.vectors.data.map((x) => -x)) });
  assert.deepEqual([...g.vectors.data], [...f.vectors.data]);
});
