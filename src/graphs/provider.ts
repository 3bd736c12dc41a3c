/**
 * The graph provider: one fold's graphs (similarity -> adjacency -> Laplacian -> eigenbasis) under one profile
 * mode, memoised in memory and, for eigenbases, cached on disk by content hash.
 *
 * Profile mode: 'none' ignores `combineProfiles` (chemical/genomic similarity only); 'train' and 'full' combine
 * the given `profileY` (the fold's training Y, or the full Y) by the MGRNNM recipe (profiles.ts). Rows of
 * `profileY` are the row-side (drug) profiles, its columns the column-side (target) profiles.
 */
import { asymmetry, leadingColumns, symmetrize, transpose, type Mat } from '../core/matrix.ts';
import type { Eigen } from '../engine/types.ts';
import type { ColdRows, GraphProvider, GraphProviderInput, GraphSpec, LaplacianKind, Side } from './types.ts';
import { combineProfiles } from './profiles.ts';
import { knnSparsify } from './knn.ts';
import { laplacian } from './laplacian.ts';
import { eigenCacheKey, fixSigns, readEigenCache, writeEigenCache } from './eigen-cache.ts';
import { canonicalEigenspaces, eigenClusters } from './canonical.ts';

interface NormSpec {
  symmetrize: boolean;
  combineProfiles: boolean;
  coldRows: ColdRows;
  knn: number | null;
  laplacian: LaplacianKind;
}

function checkSquareFinite(m: Mat, name: string): void {
  if (m.rows !== m.cols) throw new RangeError(`${name} must be square, got ${m.rows} x ${m.cols}`);
  for (let k = 0; k < m.data.length; k++) {
    if (!Number.isFinite(m.data[k])) {
      throw new RangeError(`${name}[${Math.floor(k / m.cols)}, ${k % m.cols}] is ${m.data[k]}, expected a finite number`);
    }
  }
}

export function createGraphProvider(input: GraphProviderInput): GraphProvider {
  const { rowSim, colSim, profiles, profileY, engine, cacheDir } = input;
  checkSquareFinite(rowSim, 'rowSim');
  checkSquareFinite(colSim, 'colSim');
  if (profiles !== 'none' && profiles !== 'train' && profiles !== 'full') {
    throw new RangeError(`profiles must be 'none', 'train' or 'full', got '${profiles as string}'`);
  }
  if (profiles !== 'none') {
    if (!profileY) throw new RangeError(`profiles '${profiles}' needs profileY (the interaction matrix)`);
    if (profileY.rows !== rowSim.rows || profileY.cols !== colSim.rows) {
      throw new RangeError(
        `profileY is ${profileY.rows} x ${profileY.cols}, similarities give ${rowSim.rows} x ${colSim.rows}`,
      );
    }
  }
  const defaultCold: ColdRows = input.coldRows ?? 'chemical-only';
  const validCold: readonly ColdRows[] = ['chemical-only', 'chemical-scaled', 'naive'];
  if (!validCold.includes(defaultCold)) {
    throw new RangeError(`coldRows must be one of ${validCold.join(', ')}, got '${defaultCold}'`);
  }
  const sims: Record<Side, Mat> = { rows: rowSim, cols: colSim };
  let colProfile: Mat | null = null;
  const profileOf = (side: Side): Mat => {
    if (!profileY) throw new Error('unreachable: no profile matrix');
    if (side === 'rows') return profileY;
    colProfile ??= transpose(profileY);
    return colProfile;
  };

  const norm = (spec: Partial<GraphSpec>): NormSpec => {
    const knn = spec.knn ?? null;
    if (knn !== null && (!Number.isInteger(knn) || knn < 0)) {
      throw new RangeError(`graph spec knn must be a non-negative integer or null, got ${knn}`);
    }
    const combine = profiles !== 'none' && !!spec.combineProfiles;
    if (spec.coldRows !== undefined && !validCold.includes(spec.coldRows)) {
      throw new RangeError(`graph spec coldRows must be one of ${validCold.join(', ')}, got '${spec.coldRows}'`);
    }
    return {
      symmetrize: spec.symmetrize ?? true,
      combineProfiles: combine,
      coldRows: combine ? (spec.coldRows ?? defaultCold) : 'chemical-only',
      knn,
      laplacian: spec.laplacian ?? 'combinatorial',
    };
  };
  const simKey = (side: Side, s: NormSpec): string => `${side}|${s.symmetrize}|combined|${s.coldRows}`;
  const adjKey = (side: Side, s: NormSpec): string =>
    `${side}|${s.symmetrize}|${s.combineProfiles ? `combined|${s.coldRows}` : 'plain'}|${s.knn}`;
  const lapKey = (side: Side, s: NormSpec): string => `${adjKey(side, s)}|${s.laplacian}`;

  const simMemo = new Map<string, Mat>();
  const adjMemo = new Map<string, Mat>();
  const lapMemo = new Map<string, Mat>();
  const eigMemo = new Map<string, Promise<Eigen>>();

  const baseSim = (side: Side, s: NormSpec): Mat => {
    const key = `${side}|${s.symmetrize}`;
    let m = simMemo.get(key);
    if (!m) {
      m = s.symmetrize ? symmetrize(sims[side]) : sims[side];
      simMemo.set(key, m);
    }
    return m;
  };
  const similarityN = (side: Side, s: NormSpec): Mat => {
    if (!s.combineProfiles) return baseSim(side, s);
    const key = simKey(side, s);
    let m = simMemo.get(key);
    if (!m) {
      m = combineProfiles(baseSim(side, s), profileOf(side), s.coldRows);
      simMemo.set(key, m);
    }
    return m;
  };
  /** what p-NN ranks by: under 'chemical-only', cold pairs by their unscaled chemical similarity */
  const rankingN = (side: Side, s: NormSpec): Mat => {
    const sim = similarityN(side, s);
    if (!s.combineProfiles || s.coldRows !== 'chemical-only') return sim;
    const key = `${simKey(side, s)}|rank`;
    let m = simMemo.get(key);
    if (!m) {
      m = combineProfiles(baseSim(side, s), profileOf(side), 'chemical-only', 1);
      simMemo.set(key, m);
    }
    return m;
  };
  const adjacencyN = (side: Side, s: NormSpec): Mat => {
    const key = adjKey(side, s);
    let m = adjMemo.get(key);
    if (!m) {
      const sim = similarityN(side, s);
      m = s.knn === null ? sim : knnSparsify(sim, s.knn, rankingN(side, s));
      adjMemo.set(key, m);
    }
    return m;
  };
  const laplacianN = (side: Side, s: NormSpec): Mat => {
    const key = lapKey(side, s);
    let m = lapMemo.get(key);
    if (!m) {
      const w = adjacencyN(side, s);
      const asym = asymmetry(w);
      if (asym > 1e-12 * Math.max(1, maxAbs(w))) {
        throw new RangeError(`the ${side} adjacency is not symmetric (max |W - W^T| = ${asym}); use symmetrize: true`);
      }
      // within tolerance: make W exactly symmetric so the Laplacian is too
      m = laplacian(asym > 0 ? symmetrize(w) : w, s.laplacian);
      lapMemo.set(key, m);
    }
    return m;
  };

  const computeEigen = async (l: Mat, k: number | undefined): Promise<Eigen> => {
    const kk = k === undefined || k >= l.rows ? undefined : k;
    const key = eigenCacheKey(l, kk, engine.name);
    if (cacheDir) {
      const hit = await readEigenCache(cacheDir, key, { onInvalid: input.onCacheInvalid });
      if (hit) return hit;
    }
    const e = fixSigns(canonicalEigenbasis(l, kk));
    if (cacheDir) await writeEigenCache(cacheDir, key, e, engine.name, engine.backend);
    return e;
  };

  /**
   * The first k eigenpairs (all when k is undefined), each repeated eigenvalue's eigenvectors in the canonical basis
   * of its eigenspace (canonical.ts). A cut at k inside a cluster of equal eigenvalues needs the whole cluster, so
   * more pairs are computed until the cluster ends (or all are), then the canonical basis is truncated to k.
   */
  const canonicalEigenbasis = (l: Mat, k: number | undefined): Eigen => {
    const n = l.rows;
    // one cluster tolerance for partial and full decompositions: relative to a bound of the whole spectrum
    const opts = { scale: Math.max(1, maxAbsRowSum(l)) };
    if (k === undefined) return canonicalEigenspaces(engine.eigh(l), opts);
    let kk = Math.min(n, k + 1);
    let e = engine.eigh(l, kk);
    // the cluster holding pair k-1 reaches the last pair computed: compute more
    const straddles = (x: Eigen): boolean => {
      const last = eigenClusters(x.values, opts).at(-1);
      return last !== undefined && last[0] <= k - 1 && last[1] === x.values.length;
    };
    while (kk < n && straddles(e)) {
      kk = Math.min(n, 2 * kk);
      e = engine.eigh(l, kk);
    }
    const c = canonicalEigenspaces(e, opts);
    return kk === k ? c : { values: c.values.slice(0, k), vectors: leadingColumns(c.vectors, k) };
  };

  return {
    profiles,
    coldRows: defaultCold,
    similarity: (side, spec) => similarityN(side, norm({ ...spec, laplacian: 'combinatorial' })),
    adjacency: (side, spec) => adjacencyN(side, norm(spec)),
    laplacian: (side, spec) => laplacianN(side, norm(spec)),
    eigenbasis(side, spec, k) {
      if (k !== undefined && (!Number.isInteger(k) || k < 1)) {
        throw new RangeError(`eigenbasis k must be a positive integer, got ${k}`);
      }
      const s = norm(spec);
      const l = laplacianN(side, s);
      const kk = k === undefined || k >= l.rows ? l.rows : k;
      const key = `${lapKey(side, s)}|k=${kk}`;
      let p = eigMemo.get(key);
      if (!p) {
        p = computeEigen(l, k);
        eigMemo.set(key, p);
        p.catch(() => eigMemo.delete(key));
      }
      return p;
    },
  };
}

/** Gershgorin bound of a symmetric matrix's spectral radius: the largest absolute row sum */
function maxAbsRowSum(m: Mat): number {
  let best = 0;
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0; j < m.cols; j++) s += Math.abs(m.data[i * m.cols + j]);
    best = Math.max(best, s);
  }
  return best;
}

function maxAbs(m: Mat): number {
  let x = 0;
  for (let k = 0; k < m.data.length; k++) x = Math.max(x, Math.abs(m.data[k]));
  return x;
}
