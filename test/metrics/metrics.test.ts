import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auc, aupr, rmse, scoreTestCells, type TieRule } from '../../src/metrics/index.ts';
import { Rng } from '../../src/core/rng.ts';
import { mat, fromRows } from '../../src/core/matrix.ts';

const close = (a: number, b: number, tol = 1e-12, msg = '') =>
  assert.ok(Math.abs(a - b) <= tol, `${msg} expected ${b}, got ${a} (diff ${Math.abs(a - b)})`);

// ---- brute-force definitions ----
function bruteAuc(s: number[], y: number[]): number {
  let c = 0;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (!(y[i] > 0)) continue;
    for (let j = 0; j < s.length; j++) {
      if (y[j] > 0) continue;
      n++;
      c += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  }
  return c / n;
}

/** AP with ties broken by index: rank of i = #(strictly higher) + #(equal, earlier) + 1. */
function bruteApIndex(s: number[], y: number[]): number {
  const P = y.filter((v) => v > 0).length;
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    if (!(y[i] > 0)) continue;
    let rank = 1;
    let tp = 1;
    for (let j = 0; j < s.length; j++) {
      if (j === i) continue;
      if (s[j] > s[i] || (s[j] === s[i] && j < i)) {
        rank++;
        if (y[j] > 0) tp++;
      }
    }
    sum += tp / rank;
  }
  return sum / P;
}

/** Step rule: sum over distinct thresholds of (recall increment) x (precision at score >= threshold). */
function bruteApBlock(s: number[], y: number[]): number {
  const P = y.filter((v) => v > 0).length;
  let sum = 0;
  for (const t of [...new Set(s)]) {
    const at = s.map((v, i) => (v === t && y[i] > 0 ? 1 : 0) as number).reduce((a, b) => a + b, 0);
    if (!at) continue;
    let k = 0;
    let tp = 0;
    s.forEach((v, i) => {
      if (v >= t) {
        k++;
        if (y[i] > 0) tp++;
      }
    });
    sum += (at / P) * (tp / k);
  }
  return sum;
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  return out;
}

/** Expected AP over random tie orders = mean over all input permutations of the index-order AP. */
function bruteApAverage(s: number[], y: number[]): number {
  const perms = permutations(s.length);
  let sum = 0;
  for (const p of perms) sum += bruteApIndex(p.map((i) => s[i]), p.map((i) => y[i]));
  return sum / perms.length;
}

function randomCase(r: Rng, n: number, levels: number): { s: number[]; y: number[] } {
  for (;;) {
    const s = Array.from({ length: n }, () => r.int(levels) / levels);
    const y = Array.from({ length: n }, () => (r.next() < 0.4 ? 1 : 0) as number);
    const p = y.reduce((a, b) => a + b, 0);
    if (p > 0 && p < n) return { s, y };
  }
}

// ---- hand examples ----
test('auc/aupr: hand example without ties', () => {
  const s = [0.9, 0.8, 0.7, 0.6];
  const y = [1, 0, 1, 0];
  close(auc(s, y), 3 / 4);
  for (const ties of ['average', 'block', 'index-order'] as TieRule[]) close(aupr(s, y, { ties }), (1 + 2 / 3) / 2);
  // scikit-learn's documented example: average_precision_score([0,0,1,1], [0.1,0.4,0.35,0.8]) = 0.8333...
  close(aupr([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.8333333333333333);
  close(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
});

test('auc/aupr: all scores tied', () => {
  const s = [0, 0, 0, 0];
  const y = [1, 0, 0, 1];
  close(auc(s, y), 0.5);
  close(aupr(s, y, { ties: 'block' }), 0.5);
  close(aupr(s, y, { ties: 'index-order' }), (1 + 2 / 4) / 2);
  // 6 placements of 2 positives among 4 tied slots, averaged by hand: 4.0833.../6
  close(aupr(s, y, { ties: 'average' }), (1 + 5 / 6 + 3 / 4 + 7 / 12 + 1 / 2 + 5 / 12) / 6);
  close(aupr(s, y), aupr(s, y, { ties: 'average' }));
});

test('auc/aupr: perfect and reversed rankings; undefined cases are NaN', () => {
  close(auc([3, 2, 1], [1, 1, 0]), 1);
  close(auc([1, 2, 3], [1, 1, 0]), 0);
  close(aupr([3, 2, 1], [1, 1, 0]), 1);
  close(aupr([1, 2, 3], [1, 0, 0]), 1 / 3);
  assert.ok(Number.isNaN(auc([1, 2], [0, 0])));
  assert.ok(Number.isNaN(auc([1, 2], [1, 1])));
  assert.ok(Number.isNaN(aupr([1, 2], [0, 0])));
  close(aupr([1, 2], [1, 1]), 1);
});

test('metrics: bad input is rejected with a clear message', () => {
  assert.throws(() => auc([1, 2], [1]), /scores has 2 entries but labels has 1/);
  assert.throws(() => aupr([1, NaN], [1, 0]), /scores\[1\] is NaN/);
  assert.throws(() => rmse([], []), /no entries/);
  assert.throws(() => aupr([1, 2], [1, 0], { ties: 'bogus' as TieRule }), /unknown tie rule/);
});

test('rmse: known value', () => {
  close(rmse([1, 2, 3], [1, 2, 5]), Math.sqrt(4 / 3));
  close(rmse([0.5], [0.5]), 0);
});

// ---- property tests against brute force, random inputs with many ties ----
test('auc equals the pairwise definition (ties = 1/2) on random tied inputs', () => {
  const r = new Rng(11);
  for (let it = 0; it < 300; it++) {
    const { s, y } = randomCase(r, 2 + r.int(40), 1 + r.int(6));
    close(auc(s, y), bruteAuc(s, y), 1e-12, `case ${it}`);
  }
});

test('aupr index-order and block rules equal their explicit definitions', () => {
  const r = new Rng(12);
  for (let it = 0; it < 300; it++) {
    const { s, y } = randomCase(r, 2 + r.int(40), 1 + r.int(6));
    close(aupr(s, y, { ties: 'index-order' }), bruteApIndex(s, y), 1e-12, `index case ${it}`);
    close(aupr(s, y, { ties: 'block' }), bruteApBlock(s, y), 1e-12, `block case ${it}`);
  }
});

test('aupr average rule equals the mean over all orderings (exhaustive, n <= 7)', () => {
  const r = new Rng(13);
  for (let it = 0; it < 40; it++) {
    const { s, y } = randomCase(r, 2 + r.int(6), 1 + r.int(4));
    close(aupr(s, y, { ties: 'average' }), bruteApAverage(s, y), 1e-12, `case ${it} ${JSON.stringify({ s, y })}`);
  }
});

test('aupr average rule is invariant to the input order; all rules agree without ties', () => {
  const r = new Rng(14);
  for (let it = 0; it < 50; it++) {
    const { s, y } = randomCase(r, 30, 4);
    const p = r.permutation(30);
    const s2 = Array.from(p, (i) => s[i]);
    const y2 = Array.from(p, (i) => y[i]);
    close(aupr(s2, y2), aupr(s, y), 1e-12);
    close(auc(s2, y2), auc(s, y), 1e-12);
    const u = s.map((v, i) => v + i * 1e-6); // distinct scores
    const a = aupr(u, y, { ties: 'average' });
    close(aupr(u, y, { ties: 'block' }), a, 1e-12);
    close(aupr(u, y, { ties: 'index-order' }), a, 1e-12);
  }
});

// ---- scoreTestCells ----
test('scoreTestCells: DTI scores only the listed cells', () => {
  const truth = fromRows([
    [1, 0, 0],
    [0, 1, 0],
  ]);
  const scores = fromRows([
    [0.9, 0.1, 100],
    [0.2, 0.8, -100],
  ]);
  const cells = Int32Array.from([0, 1, 3, 4]); // excludes the wild cells 2 and 5
  const m = scoreTestCells(scores, truth, cells, 'dti');
  close(m.auc!, 1);
  close(m.aupr!, 1);
  close(m.rmse, Math.sqrt((0.01 + 0.01 + 0.04 + 0.04) / 4));
  const r = scoreTestCells(scores, truth, cells, 'ratings');
  assert.deepEqual(Object.keys(r), ['rmse']);
});

test('scoreTestCells: fold without positives leaves AUC/AUPR out; errors are clear', () => {
  const truth = fromRows([[0, 0, 1]]);
  const scores = fromRows([[0.1, 0.2, 0.3]]);
  const m = scoreTestCells(scores, truth, Int32Array.from([0, 1]), 'dti');
  assert.equal(m.auc, undefined);
  assert.equal(m.aupr, undefined);
  close(m.rmse, Math.sqrt((0.01 + 0.04) / 2));
  assert.throws(() => scoreTestCells(scores, truth, Int32Array.from([0, 5]), 'dti'), /test cell 5/);
  assert.throws(() => scoreTestCells(mat(2, 2), truth, Int32Array.from([0]), 'dti'), /scores are 2 x 2/);
  const bad = fromRows([[NaN, 0, 0]]);
  assert.throws(() => scoreTestCells(bad, truth, Int32Array.from([0]), 'dti'), /row 0, column 0 is NaN/);
  assert.throws(() => scoreTestCells(scores, fromRows([[2, 0, 0]]), Int32Array.from([0]), 'dti'), /0\/1/);
});

test('scoreTestCells: column-major order reproduces MATLAB index-order ties', () => {
  // 2 x 2, all scores tied: row-major order lists cell (0,1) before (1,0); column-major the reverse
  const truth = fromRows([
    [0, 1],
    [0, 0],
  ]);
  const scores = mat(2, 2);
  const cells = Int32Array.from([0, 1, 2, 3]);
  close(scoreTestCells(scores, truth, cells, 'dti', { ties: 'index-order' }).aupr!, 1 / 2);
  close(scoreTestCells(scores, truth, cells, 'dti', { ties: 'index-order', order: 'column-major' }).aupr!, 1 / 3);
  close(scoreTestCells(scores, truth, cells, 'dti').aupr!, (1 + 1 / 2 + 1 / 3 + 1 / 4) / 4);
});

test('auc/aupr: -0 and 0 are one tie; infinities are rejected', () => {
  const s = [0, -0, 0.5, -0];
  const y = [1, 0, 1, 0];
  close(auc(s, y), (1 + 1 + 0.5 + 0.5) / 4);
  for (const ties of ['average', 'block', 'index-order'] as TieRule[]) close(aupr(s, y, { ties }), aupr([0, 0, 0.5, 0], y, { ties }));
  assert.throws(() => auc([Infinity, 0], [1, 0]), /scores\[0\] is Infinity/);
});
