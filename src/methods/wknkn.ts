/**
 * WKNKN (weighted K nearest known neighbours; Ezzat et al. 2017) preprocessing of a DTI training matrix.
 *
 * For each drug i, take the K most similar *other* drugs that have at least one training interaction, in
 * descending similarity S_d(i, .) (ties by index), and form y_d(i, :) = sum_r eta^(r-1) S_d(i, n_r) Y(n_r, :) /
 * sum_r S_d(i, n_r); the same for targets by columns with S_t. The result is max(Y, (Y_d + Y_t) / 2).
 *
 * Only the training matrix is read: cells with W = 0 (test cells) count as 0 everywhere, so changing a test label
 * cannot change the output. A drug whose neighbours have zero total similarity gets an all-zero y_d row.
 */
import { mat, type Mat } from '../core/matrix.ts';
import { InputError } from '../core/errors.ts';
import type { GraphProvider } from '../graphs/types.ts';

export interface WknknParams {
  /** neighbours per drug/target (Ezzat: 5) */
  K: number;
  /** decay of the neighbour weights, 0 < eta <= 1 (Ezzat: 0.7) */
  eta: number;
}

export const WKNKN_DEFAULTS: WknknParams = { K: 5, eta: 0.7 };

/** JSON Schema of the `wknkn` hyper-parameter shared by the baselines: null (off) or {K, eta}. */
export const wknknSchema = {
  description: 'WKNKN preprocessing of the training matrix (Ezzat et al.); null = off',
  default: null,
  oneOf: [
    { type: 'null' },
    {
      type: 'object',
      additionalProperties: false,
      description: 'missing fields take the defaults K = 5, eta = 0.7',
      properties: {
        K: { type: 'integer', minimum: 1, default: 5 },
        eta: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.7 },
      },
    },
  ],
} as const;

export function wknkn(Y: Mat, W: Mat, drugSim: Mat, targetSim: Mat, params: WknknParams = WKNKN_DEFAULTS): Mat {
  const { K, eta } = params;
  if (!Number.isInteger(K) || K < 1) throw new InputError(`wknkn: K must be a positive integer, got ${K}`, { field: 'wknkn.K' });
  if (!(eta > 0 && eta <= 1)) throw new InputError(`wknkn: eta must be in (0, 1], got ${eta}`, { field: 'wknkn.eta' });
  const m = Y.rows;
  const n = Y.cols;
  if (W.rows !== m || W.cols !== n) throw new RangeError(`wknkn: W is ${W.rows} x ${W.cols}, Y is ${m} x ${n}`);
  if (drugSim.rows !== m || drugSim.cols !== m) throw new RangeError(`wknkn: drug similarity must be ${m} x ${m}`);
  if (targetSim.rows !== n || targetSim.cols !== n) throw new RangeError(`wknkn: target similarity must be ${n} x ${n}`);

  // training matrix: test cells read as 0
  const Yt = mat(m, n);
  for (let q = 0; q < m * n; q++) Yt.data[q] = W.data[q] !== 0 ? Y.data[q] : 0;

  const yd = smooth(Yt.data, m, n, drugSim.data, K, eta, true);
  const yt = smooth(Yt.data, m, n, targetSim.data, K, eta, false);
  const out = mat(m, n);
  for (let q = 0; q < m * n; q++) out.data[q] = Math.max(Yt.data[q], 0.5 * (yd[q] + yt[q]));
  return out;
}

/** Neighbour-weighted profiles over rows (byRows) or columns of the m x n training matrix y. */
function smooth(y: Float64Array, m: number, n: number, S: Float64Array, K: number, eta: number, byRows: boolean): Float64Array {
  const count = byRows ? m : n;
  const len = byRows ? n : m;
  const at = (e: number, p: number): number => (byRows ? y[e * n + p] : y[p * n + e]);
  const known: number[] = [];
  for (let e = 0; e < count; e++) {
    let any = false;
    for (let p = 0; p < len && !any; p++) any = at(e, p) !== 0;
    if (any) known.push(e);
  }
  const out = new Float64Array(m * n);
  const decay = Array.from({ length: K }, (_, r) => eta ** r);
  for (let e = 0; e < count; e++) {
    const cand = known.filter((c) => c !== e);
    cand.sort((a, b) => S[e * count + b] - S[e * count + a] || a - b);
    const nn = cand.slice(0, K);
    let z = 0;
    for (const c of nn) z += S[e * count + c];
    if (!(z > 0)) continue;
    nn.forEach((c, r) => {
      const w = (decay[r] * S[e * count + c]) / z;
      if (w === 0) return;
      for (let p = 0; p < len; p++) {
        const v = at(c, p);
        if (v !== 0) {
          if (byRows) out[e * n + p] += w * v;
          else out[p * n + e] += w * v;
        }
      }
    });
  }
  return out;
}

/**
 * The runner's WKNKN preprocessing (config `methods[].wknkn`, any method) of a view, as runs and `dti predict` apply
 * it: Y itself when `spec` is null/undefined, else WKNKN of the view's known cells (W = 1; cells with W = 0 read as
 * 0) with the raw chemical/genomic similarities of `graphs`.
 */
export function wknknMatrix(
  spec: WknknParams | null | undefined,
  kind: 'dti' | 'ratings',
  dataset: string,
  view: { Y: Mat; W: Mat },
  graphs: GraphProvider,
): Mat {
  if (!spec) return view.Y;
  if (kind !== 'dti') throw new InputError(`WKNKN needs a DTI dataset; ${dataset} is a rating set`, { field: 'methods[].wknkn' });
  const raw = { symmetrize: false, combineProfiles: false };
  return wknkn(view.Y, view.W, graphs.similarity('rows', raw), graphs.similarity('cols', raw), spec);
}

/**
 * The error for WKNKN set both for the runner and in a method's own parameters (the training matrix would be
 * smoothed twice), or null. `runnerField` / `ownField` name the two config fields; `label` the method, `name` its
 * registered name.
 */
export function doubleWknknError(
  runner: WknknParams | null | undefined,
  params: Record<string, unknown>,
  where: { label: string; name: string; runnerField: string; ownField: string },
): InputError | null {
  if (!runner || params.wknkn === undefined || params.wknkn === null) return null;
  return new InputError(`${where.label}: WKNKN is set both for the runner (${where.runnerField}) and in the method's own parameters`, {
    field: where.runnerField,
    hint: `use one: ${where.runnerField} (any method) or ${where.ownField} (${where.name}'s own)`,
  });
}
