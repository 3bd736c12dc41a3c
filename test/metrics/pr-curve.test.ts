import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prCurve, auprTrapezoid } from '../../src/metrics/pr-curve.ts';
import { aupr } from '../../src/metrics/index.ts';
import { Rng } from '../../src/core/rng.ts';

const close = (a: number, b: number, tol = 1e-12, msg = '') => assert.ok(Math.abs(a - b) <= tol, `${msg} ${a} vs ${b}`);

test('prCurve: scikit-learn documented example (0.1, 0.4, 0.35, 0.8)', () => {
  // sklearn: precision [0.5, 0.667, 0.5, 1, (1)], recall [1, 1, 0.5, 0.5, (0)], thresholds [0.1, 0.35, 0.4, 0.8]
  const pts = prCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
  assert.deepEqual(pts.map((p) => p.threshold), [0.8, 0.4, 0.35, 0.1]);
  const prec = [1, 0.5, 2 / 3, 0.5];
  const rec = [0.5, 0.5, 1, 1];
  pts.forEach((p, i) => {
    close(p.precision, prec[i]);
    close(p.recall, rec[i]);
  });
  // area: (0,1)-(0.5,1) = 0.5; (0.5,1)-(0.5,0.5) = 0; (0.5,0.5)-(1,2/3) = 0.5 * (7/6) / 2; then (1,2/3)-(1,0.5) = 0
  close(auprTrapezoid([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], { style: 'sklearn' }), 0.5 + 7 / 24);
  // perfcurve starts at (0.5, 1): no first segment
  close(auprTrapezoid([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], { style: 'perfcurve' }), 7 / 24);
  // average precision of the same example is 0.8333 (scikit-learn's documented number): they differ
  close(aupr([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 5 / 6);
});

test('prCurve: five-point example with recall plateau', () => {
  // precision [0.6, 0.5, 1/3, 0.5, 1], recall [1, 2/3, 1/3, 1/3, 1/3] ascending thresholds
  const s = [0.1, 0.3, 0.35, 0.6, 0.8];
  const y = [1, 1, 0, 0, 1];
  const pts = prCurve(s, y);
  const prec = [1, 0.5, 1 / 3, 0.5, 0.6];
  const rec = [1 / 3, 1 / 3, 1 / 3, 2 / 3, 1];
  pts.forEach((p, i) => {
    close(p.precision, prec[i]);
    close(p.recall, rec[i]);
  });
  const sk = 1 / 3 + ((1 / 3) * (1 / 3 + 0.5)) / 2 + ((1 / 3) * (0.5 + 0.6)) / 2;
  close(auprTrapezoid(s, y, { style: 'sklearn' }), sk);
  close(auprTrapezoid(s, y, { style: 'perfcurve' }), sk - 1 / 3);
});

test('perfcurve: the NaN first point is dropped (MATLAB Answers example, PR1 = 0.005, PR2 = 0.4545)', () => {
  const labels = new Float64Array(1000);
  for (let i = 0; i < 10; i++) labels[i] = 1;
  const s1 = new Float64Array(1000);
  s1[999] = 1; // one negative on top
  const s2 = new Float64Array(1000);
  s2[0] = 1; // one positive on top
  close(auprTrapezoid(s1, labels, { style: 'perfcurve' }), 0.005);
  close(auprTrapezoid(s2, labels, { style: 'perfcurve' }), 0.45450, 1e-12);
  // sklearn adds the segment (0,1)-(0.1,1)
  close(auprTrapezoid(s2, labels, { style: 'sklearn' }), 0.5545);
});

test('ties: a tied block is one threshold (one point), so the curve interpolates across it', () => {
  // all four tied: one point (recall 1, precision 0.5)
  const pts = prCurve([0.3, 0.3, 0.3, 0.3], [1, 0, 1, 0]);
  assert.equal(pts.length, 1);
  close(pts[0].precision, 0.5);
  close(auprTrapezoid([0.3, 0.3, 0.3, 0.3], [1, 0, 1, 0], { style: 'sklearn' }), 0.75);
  close(auprTrapezoid([0.3, 0.3, 0.3, 0.3], [1, 0, 1, 0], { style: 'perfcurve' }), 0);
  // input order does not matter
  const a = auprTrapezoid([0.9, 0.5, 0.5, 0.5, 0.1], [1, 0, 1, 1, 0], { style: 'sklearn' });
  const b = auprTrapezoid([0.5, 0.1, 0.5, 0.9, 0.5], [1, 0, 0, 1, 1], { style: 'sklearn' });
  close(a, b);
});

test('edge cases: no positives -> NaN; bad input throws', () => {
  assert.ok(Number.isNaN(auprTrapezoid([0.2, 0.1], [0, 0], { style: 'sklearn' })));
  assert.ok(Number.isNaN(auprTrapezoid([0.2, 0.1], [0, 0], { style: 'perfcurve' })));
  assert.ok(Number.isNaN(prCurve([0.2, 0.1], [0, 0])[0].recall));
  assert.throws(() => prCurve([0.2], [1, 0]), /entries/);
  assert.throws(() => prCurve([], []), /no entries/);
  assert.throws(() => prCurve([NaN, 1], [1, 0]), /finite/);
  assert.throws(() => auprTrapezoid([1], [1], { style: 'x' as never }), /unknown style/);
});

test('agreement with AP: perfect ranking gives 1 (sklearn); only positives gives 1 for both', () => {
  const s = [0.9, 0.8, 0.7, 0.2, 0.1];
  const y = [1, 1, 1, 0, 0];
  close(aupr(s, y), 1);
  close(auprTrapezoid(s, y, { style: 'sklearn' }), 1);
  // perfcurve misses the first third of recall: 1 - 1/3
  close(auprTrapezoid(s, y, { style: 'perfcurve' }), 2 / 3);
  close(auprTrapezoid([0.5, 0.4], [1, 1], { style: 'sklearn' }), 1);
});

/** Brute force: thresholds = distinct scores, counts by direct comparison, trapezoids summed. */
function bruteForce(s: number[], y: number[], style: 'sklearn' | 'perfcurve'): number {
  const ts = [...new Set(s)].sort((a, b) => b - a);
  const P = y.filter((v) => v > 0).length;
  const xs: number[] = style === 'sklearn' ? [0] : [];
  const ps: number[] = style === 'sklearn' ? [1] : [];
  for (const t of ts) {
    let tp = 0;
    let k = 0;
    s.forEach((v, i) => {
      if (v >= t) {
        k++;
        if (y[i] > 0) tp++;
      }
    });
    xs.push(tp / P);
    ps.push(tp / k);
  }
  let a = 0;
  for (let i = 1; i < xs.length; i++) a += ((xs[i] - xs[i - 1]) * (ps[i] + ps[i - 1])) / 2;
  return a;
}

test('random inputs with many ties agree with the brute-force definition; differ from AP', () => {
  const rng = new Rng(7);
  let differs = 0;
  for (let trial = 0; trial < 200; trial++) {
    const n = 2 + Math.floor(rng.next() * 40);
    const s = Array.from({ length: n }, () => Math.floor(rng.next() * 6) / 5);
    const y = Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
    if (!y.some((v) => v > 0)) y[0] = 1;
    for (const style of ['sklearn', 'perfcurve'] as const) {
      close(auprTrapezoid(s, y, { style }), bruteForce(s, y, style), 1e-12, style);
    }
    if (Math.abs(auprTrapezoid(s, y, { style: 'sklearn' }) - aupr(s, y)) > 1e-6) differs++;
  }
  assert.ok(differs > 100, `trapezoid equals AP on ${200 - differs} of 200 random inputs`);
});
