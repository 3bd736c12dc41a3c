/**
 * Pieces shared by the baseline methods: hyper-parameter schema fragments, parameter merging, WKNKN preprocessing
 * of the fold's training matrix and graph look-ups through the fold's GraphProvider.
 */
import { mat, type Mat } from '../../core/matrix.ts';
import { InputError } from '../../core/errors.ts';
import type { FitInput, GraphUse } from '../types.ts';
import type { GraphSpec, Side } from '../../graphs/types.ts';
import { wknkn, wknknSchema, WKNKN_DEFAULTS, type WknknParams } from '../wknkn.ts';

/** Graph options every baseline accepts. */
export interface GraphOptions {
  /** (S + S^T)/2 before use (the drug SIMCOMP similarity is asymmetric) */
  symmetrize: boolean;
  /** add interaction-profile similarities (MGRNNM's "combined" recipe; profiles per the provider's mode) */
  combineProfiles: boolean;
}

export interface CommonParams extends GraphOptions {
  wknkn: Partial<WknknParams> | null;
}

export const commonSchemaProperties = {
  symmetrize: { type: 'boolean', default: true, description: 'symmetrise similarities, (S + S^T)/2' },
  combineProfiles: {
    type: 'boolean',
    default: false,
    description: "add interaction-profile similarities (MGRNNM 'combined' recipe), from the provider's profile mode",
  },
  wknkn: wknknSchema,
} as const;

/** Defaults merged under the given params; unknown keys are rejected with the field named. */
export function withDefaults<P extends object>(method: string, defaults: P, params: Partial<P> | undefined): P {
  const out = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(params ?? {})) {
    if (!(key in defaults)) {
      throw new InputError(`${method}: unknown hyper-parameter '${key}'`, {
        field: key,
        hint: `known: ${Object.keys(defaults).join(', ')}`,
      });
    }
    if (value !== undefined) out[key] = value;
  }
  return out as P;
}

/** Throws an InputError unless every named field is a finite number >= min (or > min when strict). */
export function checkNumbers(method: string, p: object, fields: string[], min = 0, strict = false): void {
  const rec = p as Record<string, unknown>;
  for (const f of fields) {
    const v = rec[f];
    if (typeof v !== 'number' || !Number.isFinite(v) || (strict ? v <= min : v < min)) {
      throw new InputError(`${method}: ${f} must be a finite number ${strict ? '>' : '>='} ${min}, got ${String(v)}`, {
        field: f,
      });
    }
  }
}

export function checkInteger(method: string, p: object, field: string, min: number): void {
  const v = (p as Record<string, unknown>)[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new InputError(`${method}: ${field} must be an integer >= ${min}, got ${String(v)}`, { field });
  }
}

/** The training matrix the solver sees: Y, or WKNKN(Y) computed from the training cells only. */
export function trainingMatrix(input: FitInput, p: CommonParams): Mat {
  if (!p.wknkn) return input.Y;
  const raw = { symmetrize: false, combineProfiles: false };
  return wknkn(input.Y, input.W, input.graphs.similarity('rows', raw), input.graphs.similarity('cols', raw), {
    ...WKNKN_DEFAULTS,
    ...p.wknkn,
  });
}

/** The graph spec of the p-NN sparsified, symmetric normalised Laplacian the baselines use. */
const pnnSpec = (p: number, g: GraphOptions): GraphSpec => ({
  symmetrize: g.symmetrize,
  combineProfiles: g.combineProfiles,
  knn: p,
  laplacian: 'normalized',
});

/** Symmetric normalised Laplacian of the p-NN sparsified similarity of one side. */
export function pnnLaplacian(input: FitInput, side: Side, p: number, g: GraphOptions): Mat {
  return input.graphs.laplacian(side, pnnSpec(p, g));
}

/** `Method.graphSpecs` of a baseline: the two p-NN Laplacians `pnnLaplacian` asks for (no eigenbasis). */
export function pnnLaplacianSpecs(p: number, g: GraphOptions): GraphUse[] {
  const spec = pnnSpec(p, g);
  return [
    { side: 'rows', spec, use: 'laplacian' },
    { side: 'cols', spec, use: 'laplacian' },
  ];
}

/** The similarity of one side (no sparsification). */
export function similarity(input: FitInput, side: Side, g: GraphOptions): Mat {
  return input.graphs.similarity(side, { symmetrize: g.symmetrize, combineProfiles: g.combineProfiles });
}

/** All-ones matrix (unweighted variants: every cell, test cells included, counts as an observed value). */
export const ones = (rows: number, cols: number): Mat => mat(rows, cols, new Float64Array(rows * cols).fill(1));

export function checkInputShapes(input: FitInput): void {
  const { Y, W } = input;
  if (W.rows !== Y.rows || W.cols !== Y.cols) {
    throw new RangeError(`training mask is ${W.rows} x ${W.cols}, training matrix ${Y.rows} x ${Y.cols}`);
  }
}
