/**
 * Wilcoxon signed-rank test for paired samples, and Holm's step-down correction. Pure, no I/O.
 * (simple-statistics ships only the rank-sum test.)
 *
 * - Differences d = x - y. Zeros: 'wilcox' (default) drops them before ranking; 'pratt' ranks them with the rest and
 *   then drops their ranks (Pratt 1959).
 * - |d| ranked with average ranks for ties. Statistic W+ = sum of ranks of positive differences.
 * - Exact p-value (default when at most 50 non-zero differences): the permutation distribution of W+ over all 2^n sign
 *   assignments, computed by dynamic programming on doubled ranks, so it stays exact with tied |d| (conditional on
 *   the observed ranks).
 * - Otherwise the normal approximation with tie (and, for Pratt, zero) corrections to the variance and a continuity
 *   correction of 1/2.
 * - Two-sided p = min(1, 2 min(P(W+ <= w), P(W+ >= w))).
 */

export interface SignedRankOptions {
  zeros?: 'wilcox' | 'pratt';
  /** 'auto' (default): exact when n <= exactMax, else normal */
  method?: 'auto' | 'exact' | 'normal';
  exactMax?: number;
  /** continuity correction for the normal approximation (default true) */
  continuity?: boolean;
}

export interface SignedRankResult {
  /** sum of ranks of positive differences */
  wPlus: number;
  /** sum of ranks of negative differences */
  wMinus: number;
  /** number of non-zero differences (the effective sample size) */
  n: number;
  /** number of zero differences */
  zeros: number;
  /** two-sided p-value (NaN when n = 0) */
  p: number;
  method: 'exact' | 'normal';
  /** z statistic of the normal approximation (exact method: NaN) */
  z: number;
  /** median of the differences (x - y), zeros included */
  medianDiff: number;
}

/** Average ranks (1-based) of `v`; ties get the mean of the ranks they span. */
export function averageRanks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a] - v[b] || a - b);
  const r = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && v[idx[j + 1]] === v[idx[i]]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) r[idx[k]] = rank;
    i = j + 1;
  }
  return r;
}

/**
 * Exact distribution of W+ for the given ranks (each rank's sign + or - with probability 1/2). Works on doubled ranks
 * (integers even with half-rank ties). Returns counts over 2W+ = 0..2*sum(ranks), divided by 2^n.
 */
export function signedRankDistribution(ranks: ArrayLike<number>): Float64Array {
  const twice = Array.from(ranks, (r) => Math.round(2 * r));
  const total = twice.reduce((a, b) => a + b, 0);
  let dist = new Float64Array(total + 1);
  dist[0] = 1;
  let reach = 0;
  for (const r of twice) {
    const next = new Float64Array(total + 1);
    for (let s = 0; s <= reach; s++) {
      const p = dist[s];
      if (p === 0) continue;
      next[s] += 0.5 * p;
      next[s + r] += 0.5 * p;
    }
    reach += r;
    dist = next;
  }
  return dist;
}

function median(v: number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

export function wilcoxonSignedRank(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: SignedRankOptions = {},
): SignedRankResult {
  if (x.length !== y.length) throw new RangeError(`wilcoxonSignedRank: ${x.length} vs ${y.length} paired values`);
  const zerosRule = opts.zeros ?? 'wilcox';
  const exactMax = opts.exactMax ?? 50;
  const d: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = x[i] - y[i];
    if (!Number.isFinite(v)) throw new RangeError(`wilcoxonSignedRank: pair ${i} is not finite (${x[i]}, ${y[i]})`);
    d.push(v);
  }
  const medianDiff = median(d);
  const nZero = d.filter((v) => v === 0).length;
  const ranked = zerosRule === 'pratt' ? d : d.filter((v) => v !== 0);
  const allRanks = averageRanks(ranked.map(Math.abs));
  const ranks: number[] = [];
  const signs: number[] = [];
  ranked.forEach((v, i) => {
    if (v !== 0) {
      ranks.push(allRanks[i]);
      signs.push(v > 0 ? 1 : -1);
    }
  });
  const n = ranks.length;
  let wPlus = 0;
  let wMinus = 0;
  ranks.forEach((r, i) => (signs[i] > 0 ? (wPlus += r) : (wMinus += r)));
  const base = { wPlus, wMinus, n, zeros: nZero, medianDiff };
  if (n === 0) return { ...base, p: NaN, method: 'exact', z: NaN };
  const method = opts.method === 'exact' || opts.method === 'normal' ? opts.method : n <= exactMax ? 'exact' : 'normal';
  if (method === 'exact') {
    const dist = signedRankDistribution(ranks);
    const w2 = Math.round(2 * wPlus);
    let lower = 0;
    let upper = 0;
    for (let s = 0; s < dist.length; s++) {
      if (s <= w2) lower += dist[s];
      if (s >= w2) upper += dist[s];
    }
    return { ...base, p: Math.min(1, 2 * Math.min(lower, upper)), method, z: NaN };
  }
  // normal approximation: mean and variance of W+ given the ranks actually used
  let mean = 0;
  let variance = 0;
  for (const r of ranks) {
    mean += r / 2;
    variance += (r * r) / 4; // exact variance of a sum of independent +-r/2 terms: handles ties and Pratt zeros
  }
  const cc = opts.continuity === false ? 0 : 0.5;
  const dev = wPlus - mean;
  const z = variance > 0 ? Math.sign(dev) * Math.max(0, Math.abs(dev) - cc) / Math.sqrt(variance) : 0;
  const p = Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
  return { ...base, p, method, z };
}

/** Holm step-down adjusted p-values, in the input order (NaN stays NaN and is not counted). */
export function holm(p: ArrayLike<number>): number[] {
  const idx = Array.from({ length: p.length }, (_, i) => i).filter((i) => !Number.isNaN(p[i]));
  idx.sort((a, b) => p[a] - p[b] || a - b);
  const m = idx.length;
  const out = Array.from(p, () => NaN);
  let running = 0;
  idx.forEach((i, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p[i]));
    out[i] = running;
  });
  return out;
}

/** Complementary error function (Chebyshev fit, relative error < 1.2e-7; Numerical Recipes `erfcc`). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
