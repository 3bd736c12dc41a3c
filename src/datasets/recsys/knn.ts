/**
 * k-nearest-neighbour graphs from feature vectors with Gaussian edge weights, as used for ML-1M (paper: 10-NN,
 * sigma = 1). Each node links to its k nearest other nodes by Euclidean distance (ties broken by lower index);
 * weight w_ij = exp(-||x_i - x_j||^2 / sigma^2). The graph is the union of the directed k-NN relations
 * (w_ij = w_ji whenever either is a neighbour of the other), so degrees are >= k, symmetric, no self-loops.
 */
import { mat, type Mat } from '../../core/matrix.ts';

export interface KnnOptions {
  k: number;
  sigma: number;
}

/** Squared Euclidean distances of row i of X to every row. */
function sqDistances(X: Mat, i: number, out: Float64Array): void {
  const { rows: n, cols: d, data } = X;
  const oi = i * d;
  for (let j = 0; j < n; j++) {
    const oj = j * d;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const u = data[oi + t] - data[oj + t];
      s += u * u;
    }
    out[j] = s;
  }
}

/** Indices of the k smallest entries of dist (excluding `self`), ties by lower index. */
export function kSmallest(dist: Float64Array, k: number, self: number): Int32Array {
  const n = dist.length;
  const kk = Math.min(k, n - 1);
  // bounded insertion into a sorted buffer: O(n k), fine for k ~ 10
  const idx = new Int32Array(kk);
  const val = new Float64Array(kk);
  let size = 0;
  for (let j = 0; j < n; j++) {
    if (j === self) continue;
    const v = dist[j];
    if (size === kk && v >= val[kk - 1]) continue;
    let p = size < kk ? size++ : kk - 1;
    while (p > 0 && val[p - 1] > v) {
      val[p] = val[p - 1];
      idx[p] = idx[p - 1];
      p--;
    }
    val[p] = v;
    idx[p] = j;
  }
  return idx;
}

/** Symmetric k-NN adjacency (n x n) of the rows of X with Gaussian weights. */
export function gaussianKnnGraph(X: Mat, { k, sigma }: KnnOptions): Mat {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (!(sigma > 0)) throw new RangeError(`sigma must be positive, got ${sigma}`);
  const n = X.rows;
  const W = mat(n, n);
  const dist = new Float64Array(n);
  const s2 = sigma * sigma;
  for (let i = 0; i < n; i++) {
    sqDistances(X, i, dist);
    for (const j of kSmallest(dist, k, i)) {
      const w = Math.exp(-dist[j] / s2);
      W.data[i * n + j] = w;
      W.data[j * n + i] = w;
    }
  }
  return W;
}
