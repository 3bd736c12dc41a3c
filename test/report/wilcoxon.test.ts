import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wilcoxonSignedRank, signedRankDistribution, averageRanks, holm, erfc } from '../../src/report/wilcoxon.ts';
import { Rng } from '../../src/core/rng.ts';

const close = (a: number, b: number, tol: number, msg = '') =>
  assert.ok(Math.abs(a - b) <= tol, `${msg} expected ${b}, got ${a}`);

// Two-tailed alpha = 0.05 critical values of T = min(W+, W-), reject when T <= value.
// Source: University of York, Dept. of Mathematics, "Critical values for T in the Wilcoxon matched-pairs
// signed-rank test" (www.york.ac.uk/depts/maths/tables/wilcoxon.htm), column P = 0.05.
const york05: Record<number, number> = {
  6: 0, 7: 2, 8: 3, 9: 5, 10: 8, 11: 10, 12: 13, 13: 17, 14: 21, 15: 25, 16: 29, 17: 34, 18: 40, 19: 46, 20: 52,
  21: 58, 22: 65, 23: 73, 24: 81, 25: 89,
};

test('exact null distribution reproduces published critical values (n = 6..25, two-tailed 0.05)', () => {
  for (const [ns, crit] of Object.entries(york05)) {
    const n = Number(ns);
    const dist = signedRankDistribution(Array.from({ length: n }, (_, i) => i + 1));
    // dist is indexed by 2W+; cumulative P(W+ <= c)
    const cdf = (c: number) => {
      let s = 0;
      for (let k = 0; k <= 2 * c; k++) s += dist[k];
      return s;
    };
    assert.ok(cdf(crit) <= 0.025, `n=${n}: P(T<=${crit}) = ${cdf(crit)} should be <= 0.025`);
    assert.ok(cdf(crit + 1) > 0.025, `n=${n}: P(T<=${crit + 1}) = ${cdf(crit + 1)} should exceed 0.025`);
  }
});

test('exact p-value: known example (Darwin maize differences, as in the SciPy documentation)', () => {
  const d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
  const r = wilcoxonSignedRank(d, d.map(() => 0));
  assert.equal(r.wMinus, 24);
  assert.equal(r.wPlus, 120 - 24);
  assert.equal(r.method, 'exact');
  close(r.p, 0.041259765625, 1e-12);
  // symmetric in the argument order
  close(wilcoxonSignedRank(d.map(() => 0), d).p, r.p, 1e-15);
});

test('exact with ties equals brute-force enumeration of all sign flips', () => {
  const r = new Rng(5);
  for (let it = 0; it < 30; it++) {
    const n = 3 + r.int(9);
    const d = Array.from({ length: n }, () => (r.int(7) - 3) || 1).map((v) => v * (1 + r.int(2))); // many |d| ties
    const res = wilcoxonSignedRank(d, d.map(() => 0));
    const ranks = averageRanks(d.map(Math.abs));
    let le = 0;
    let ge = 0;
    for (let mask = 0; mask < 1 << n; mask++) {
      let w = 0;
      for (let i = 0; i < n; i++) if (mask & (1 << i)) w += ranks[i];
      if (w <= res.wPlus + 1e-9) le++;
      if (w >= res.wPlus - 1e-9) ge++;
    }
    close(res.p, Math.min(1, (2 * Math.min(le, ge)) / (1 << n)), 1e-12, `case ${it}`);
  }
});

test('zeros: wilcox drops them, pratt keeps them in the ranking', () => {
  const x = [0, 0, 1, 2, -3, 4, 5, 6];
  const y = x.map(() => 0);
  const w = wilcoxonSignedRank(x, y);
  assert.equal(w.n, 6);
  assert.equal(w.zeros, 2);
  assert.equal(w.wMinus, 3); // |d| ranks among 1,2,3,4,5,6
  const p = wilcoxonSignedRank(x, y, { zeros: 'pratt' });
  assert.equal(p.n, 6);
  assert.equal(p.wMinus, 5); // ranks 1.5,1.5 for zeros, then 3,4,5,...
  assert.ok(Number.isNaN(wilcoxonSignedRank([1, 2], [1, 2]).p));
});

test('normal approximation agrees with the exact p-value for n = 50', () => {
  const r = new Rng(9);
  for (let it = 0; it < 10; it++) {
    const x = Array.from({ length: 50 }, () => r.normal() + 0.3);
    const y = Array.from({ length: 50 }, () => r.normal());
    const e = wilcoxonSignedRank(x, y, { method: 'exact' });
    const a = wilcoxonSignedRank(x, y, { method: 'normal' });
    assert.equal(e.method, 'exact');
    assert.equal(a.method, 'normal');
    close(a.p, e.p, 0.01 + 0.05 * e.p, `case ${it}`);
  }
  // auto switches to normal above 50
  const big = Array.from({ length: 60 }, (_, i) => i + 1);
  assert.equal(wilcoxonSignedRank(big, big.map(() => 0)).method, 'normal');
  assert.ok(wilcoxonSignedRank(big, big.map(() => 0)).p < 1e-8);
});

test('holm: textbook example and monotonicity', () => {
  // p = 0.01, 0.04, 0.03, 0.005 -> sorted 0.005*4, 0.01*3, 0.03*2, 0.04*1 = 0.02, 0.03, 0.06, 0.06 (running max)
  const adj = holm([0.01, 0.04, 0.03, 0.005]);
  [0.03, 0.06, 0.06, 0.02].forEach((v, i) => close(adj[i], v, 1e-15));
  const withNaN = holm([0.2, NaN, 0.9]);
  close(withNaN[0], 0.4, 1e-15);
  assert.ok(Number.isNaN(withNaN[1]));
  close(withNaN[2], 0.9, 1e-15);
});

test('erfc: known values', () => {
  close(erfc(0), 1, 1e-7);
  close(erfc(1), 0.15729920705028513, 1e-7);
  close(erfc(-1), 1.8427007929497148, 1e-7);
  close(erfc(3) / 2.209049699858544e-5, 1, 1e-6);
});
