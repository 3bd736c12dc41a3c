import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRows, get, mat } from '../../src/core/matrix.ts';
import { correlationSim, cosineSim, jaccardSim, hammingSim } from '../../src/graphs/similarity.ts';
import { combineProfiles, PROFILE_WEIGHT, warmRows } from '../../src/graphs/profiles.ts';

// 4 nodes x 3 features, hand-checked values below.
const P = fromRows([
  [1, 0, 1],
  [1, 1, 0],
  [0, 0, 1],
  [1, 1, 1],
]);

const close = (a: number, b: number, msg: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${msg}: ${a} != ${b}`);

function expectMatrix(m: ReturnType<typeof mat>, upper: Record<string, number>, diag: number[], name: string): void {
  for (let i = 0; i < 4; i++) close(get(m, i, i), diag[i], `${name}[${i},${i}]`);
  for (const [k, v] of Object.entries(upper)) {
    const [i, j] = k.split(',').map(Number);
    close(get(m, i, j), v, `${name}[${i},${j}]`);
    close(get(m, j, i), v, `${name}[${j},${i}]`);
  }
}

test('cosine similarity on the 4x3 example', () => {
  expectMatrix(
    cosineSim(P),
    { '0,1': 0.5, '0,2': 1 / Math.SQRT2, '0,3': 2 / Math.sqrt(6), '1,2': 0, '1,3': 2 / Math.sqrt(6), '2,3': 1 / Math.sqrt(3) },
    [1, 1, 1, 1],
    'cos',
  );
});

test('Pearson correlation on the 4x3 example (constant row -> 0)', () => {
  // centred rows: r0 = [1,-2,1]/3, r1 = [1,1,-2]/3, r2 = [-1,-1,2]/3, r3 constant
  expectMatrix(correlationSim(P), { '0,1': -0.5, '0,2': 0.5, '0,3': 0, '1,2': -1, '1,3': 0, '2,3': 0 }, [1, 1, 1, 0], 'corr');
});

test('Jaccard similarity on the 4x3 example', () => {
  expectMatrix(jaccardSim(P), { '0,1': 1 / 3, '0,2': 0.5, '0,3': 2 / 3, '1,2': 0, '1,3': 2 / 3, '2,3': 1 / 3 }, [1, 1, 1, 1], 'jac');
});

test('Hamming similarity on the 4x3 example', () => {
  expectMatrix(hammingSim(P), { '0,1': 1 / 3, '0,2': 2 / 3, '0,3': 2 / 3, '1,2': 0, '1,3': 2 / 3, '2,3': 1 / 3 }, [1, 1, 1, 1], 'ham');
});

test('zero rows give 0 (not NaN) for cosine, correlation and Jaccard', () => {
  const Z = fromRows([
    [0, 0, 0],
    [1, 0, 1],
    [0, 0, 0],
  ]);
  for (const f of [cosineSim, correlationSim, jaccardSim]) {
    const s = f(Z);
    assert.ok(s.data.every((v) => Number.isFinite(v)));
    assert.equal(get(s, 0, 1), 0);
    assert.equal(get(s, 0, 2), 0);
    assert.equal(get(s, 0, 0), 0);
  }
  close(get(hammingSim(Z), 0, 2), 1, 'two zero rows are Hamming-identical');
});

test('combined recipe: S + 4 corr + 4 cos + 4 jaccard + 1 hamming, unnormalised', () => {
  const S = mat(4, 4);
  for (let i = 0; i < 16; i++) S.data[i] = 0.1 * (i % 5);
  const Ssym = mat(4, 4);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) Ssym.data[i * 4 + j] = (S.data[i * 4 + j] + S.data[j * 4 + i]) / 2;
  const C = combineProfiles(Ssym, P);
  assert.equal(PROFILE_WEIGHT, 13);
  // (0,1): corr -0.5, cos 0.5, jac 1/3, ham 1/3
  close(get(C, 0, 1), get(Ssym, 0, 1) + 4 * -0.5 + 4 * 0.5 + 4 / 3 + 1 / 3, 'C[0,1]');
  // (1,2): corr -1, cos 0, jac 0, ham 0
  close(get(C, 1, 2), get(Ssym, 1, 2) - 4, 'C[1,2]');
  // diagonal of a row with variance: 13 + S_ii
  close(get(C, 0, 0), get(Ssym, 0, 0) + 13, 'C[0,0]');
});

test('cold rows: chemical-only keeps 14 x chemical similarity; naive uses zero-profile terms', () => {
  const Pc = fromRows([
    [1, 0, 1],
    [1, 1, 0],
    [0, 0, 0], // cold
    [1, 1, 1],
  ]);
  const S = fromRows([
    [1, 0.2, 0.7, 0.1],
    [0.2, 1, 0.4, 0.3],
    [0.7, 0.4, 1, 0.5],
    [0.1, 0.3, 0.5, 1],
  ]);
  assert.deepEqual(Array.from(warmRows(Pc)), [0, 1, 3]);
  const C = combineProfiles(S, Pc, 'chemical-only');
  for (let j = 0; j < 4; j++) {
    close(get(C, 2, j), 14 * get(S, 2, j), `C[2,${j}]`);
    close(get(C, j, 2), 14 * get(S, j, 2), `C[${j},2]`);
  }
  // warm pairs unchanged by the cold row
  close(get(C, 0, 1), 0.2 + 4 * -0.5 + 4 * 0.5 + 4 / 3 + 1 / 3, 'C[0,1]');
  close(get(C, 0, 0), 14, 'warm diagonal');
  close(get(C, 2, 2), 14, 'cold diagonal');
  const N = combineProfiles(S, Pc, 'naive');
  // naive: corr 0, cos 0, jaccard 0 against a nonzero row, hamming 1 - nnz/3
  close(get(N, 2, 0), 0.7 + (1 - 2 / 3), 'N[2,0]');
  close(get(N, 2, 3), 0.5 + 0, 'N[2,3]');
  close(get(N, 2, 2), 1 + 1, 'N[2,2] (only Hamming defined)');
  close(get(N, 0, 1), get(C, 0, 1), 'naive and chemical-only agree on warm pairs');
});

test('binary fast path of the profile terms equals the general metric functions', async () => {
  const { binaryProfileTerms, profileTermsGeneric, isBinary } = await import('../../src/graphs/profiles.ts');
  const { randomBinary } = await import('./fixtures.ts');
  for (const [n, m, density, seed] of [
    [4, 3, 0.5, 1],
    [30, 17, 0.1, 2],
    [25, 40, 0.6, 3],
    [12, 5, 0.02, 4], // several empty rows
  ] as const) {
    const Pm = randomBinary(n, m, density, seed);
    Pm.data.fill(1, 0, m); // a constant all-ones row
    assert.ok(isBinary(Pm));
    const fast = binaryProfileTerms(Pm);
    const slow = profileTermsGeneric(Pm);
    for (let k = 0; k < fast.data.length; k++) assert.ok(Math.abs(fast.data[k] - slow.data[k]) < 1e-12, `n=${n} entry ${k}`);
  }
  assert.ok(!isBinary(fromRows([[0, 0.5]])));
  const hand = binaryProfileTerms(P);
  close(get(hand, 0, 1), 4 * -0.5 + 4 * 0.5 + 4 / 3 + 1 / 3, 'hand example (0,1)');
});
