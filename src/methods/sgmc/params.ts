/**
 * Hyper-parameters of the SGMC family: JSON Schemas (draft 2020-12; the single source of defaults) and their
 * resolution (validation + defaults) with errors that name the field.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { InputError, InputErrors } from '../../core/errors.ts';
import type { GraphSpec } from '../../graphs/types.ts';
import type { OptimizerKind } from './optim.ts';

export interface StoppingParams {
  /**
   * 'fixed': run `iterations` updates; 'validation': the paper's 95/5 split, stop on |delta RMSE| < tol;
   * 'validation-best': the same split, classic early stopping: return the scores of the best validation RMSE and
   * stop after `patience` evaluations without a new best
   */
  stopping: 'fixed' | 'validation' | 'validation-best';
  iterations: number;
  tol: number;
  validationFraction: number;
  evalEvery: number;
  /** guards of the tolerance rule (loop.ts StopSpec); defaults 0 / 0 / 1 = the paper's rule */
  minIterations?: number;
  armDrop?: number;
  patience?: number;
  /**
   * after a validation stop, retrain from the start on every training cell (validation cells back in) for the
   * selected update count, with the step scaled by (cells trained on) / (all training cells)
   */
  refit?: boolean;
}

export interface OptimParams {
  optimizer: OptimizerKind;
  lr: number;
  /** 'spectral': the fixed step is lr / sigma_max(M o S)^(4/3), computed per fold before training */
  lrScale: 'none' | 'spectral';
  momentum: number;
}

export interface SgmcParams extends StoppingParams, OptimParams {
  graph: GraphSpec;
  rowGraph: GraphSpec | null;
  colGraph: GraphSpec | null;
  rowBasis: 'graph' | 'identity';
  colBasis: 'graph' | 'identity';
  p: number | null;
  q: number | null;
  pInner: number | null;
  qInner: number | null;
  muR: number;
  muC: number;
  rhoR: number;
  rhoC: number;
  alpha: number;
  cInit: 'identity' | 'toy' | 'zero';
  train: { P: boolean; C: boolean; Q: boolean };
  /** SGMC-Z only: filter widths p = 1 + k pSkip (k = 0, 1, ...) up to pInner (always included) */
  pSkip: number;
  qSkip: number;
}

export interface RecipeParams {
  graph: GraphSpec;
  mu: number;
  lr: number;
  iterations: number;
  scoreAt: number;
  initScale: number;
  kFactor: number;
}

const graphSpecSchema = (def: GraphSpec | null) => ({
  type: def ? 'object' : ['object', 'null'],
  additionalProperties: false,
  required: ['laplacian'],
  properties: {
    symmetrize: { type: 'boolean', description: '(S + S^T)/2 first' },
    combineProfiles: { type: 'boolean', description: 'add interaction-profile similarities (MGRNNM recipe)' },
    knn: { type: ['integer', 'null'], minimum: 1, description: 'p-nearest-neighbour sparsification; null = dense' },
    laplacian: { enum: ['combinatorial', 'normalized'] },
    coldRows: { enum: ['chemical-only', 'chemical-scaled', 'naive'] },
  },
  default: def,
});

export const DTI_GRAPH: GraphSpec = { symmetrize: true, combineProfiles: true, knn: 5, laplacian: 'normalized' };

const stoppingProps = (iterations: number) => ({
  stopping: {
    enum: ['fixed', 'validation', 'validation-best'], default: 'fixed',
    description: "'validation' = paper's 95/5 split with tolerance; 'validation-best' = the same split, scores of the best validation RMSE, stop after `patience` evaluations without a new best",
  },
  iterations: { type: 'integer', minimum: 0, default: iterations, description: 'updates (fixed) or the cap (validation)' },
  tol: { type: 'number', minimum: 0, default: 1e-6, description: 'validation RMSE change that stops the run' },
  validationFraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.05 },
  evalEvery: { type: 'integer', minimum: 1, default: 10, description: 'updates between evaluations (validation, probes)' },
  minIterations: { type: 'integer', minimum: 0, default: 0, description: 'validation: no tolerance stop before this many updates' },
  armDrop: {
    type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0,
    description: 'validation: the tolerance rule is armed once the validation RMSE is below (1 - armDrop) x its starting value (0 = at once, the paper)',
  },
  patience: {
    type: 'integer', minimum: 1, default: 1,
    description: "validation: consecutive armed evaluations with |delta RMSE| < tol that stop the run (1 = the paper); validation-best: evaluations without a new best validation RMSE that stop it",
  },
  refit: {
    type: 'boolean', default: false,
    description: "after a validation stop ('validation' / 'validation-best'): retrain from the start on all training cells (validation cells back in) for the selected update count, step scaled by (cells trained on) / (all training cells)",
  },
});

/**
 * `Method.scaleStep` of the SGMC family: the data term is a sum over the training cells, so a fixed step
 * (`lrScale: 'none'`) carries over to 1 / ratio times the cells as lr x ratio (docs/recsys.md: lr x #cells is the
 * invariant; `refit` applies the same rule). A spectral step already follows the training matrix: unchanged.
 */
export function scaleFixedStep<P extends Pick<OptimParams, 'lr' | 'lrScale'>>(params: P, ratio: number): P {
  if (!(ratio > 0 && ratio <= 1)) throw new RangeError(`step ratio must be in (0, 1], got ${ratio}`);
  return params.lrScale === 'spectral' ? params : { ...params, lr: params.lr * ratio };
}

/** the stopping rule's companions; `pickSchema` keeps them wherever 'stopping' is kept */
export const STOPPING_GUARD_KEYS = ['minIterations', 'armDrop', 'patience', 'refit'] as const;

const optimProps = (lr: number, lrScale: 'none' | 'spectral' = 'none') => ({
  optimizer: {
    enum: ['gd', 'momentum', 'nesterov', 'nesterov-restart'],
    default: 'gd',
    description: "'gd' = the paper's fixed-step gradient descent; momentum/nesterov/nesterov-restart (accelerated, momentum (k-1)/(k+2) capped at `momentum`, adaptive restart) are extensions",
  },
  lr: { type: 'number', exclusiveMinimum: 0, default: lr, description: 'fixed step size' },
  lrScale: {
    enum: ['none', 'spectral'],
    default: lrScale,
    description: "'spectral': step = lr / sigma_max(training matrix)^(4/3) per fold (depth-3 curvature scale); still a fixed step",
  },
  momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'momentum coefficient (extension)' },
});

export interface SpectralDefaults {
  title: string;
  muR: number;
  muC: number;
  alpha: number;
  lr: number;
  iterations: number;
  p: number | null;
  basis: 'graph' | 'identity';
  train: { P: boolean; C: boolean; Q: boolean };
  pSkip?: number;
  lrScale?: 'none' | 'spectral';
}

export function spectralSchema(d: SpectralDefaults): Record<string, unknown> {
  const dim = (desc: string, def: number | null) => ({ type: ['integer', 'null'], minimum: 1, default: def, description: desc });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: d.title,
    type: 'object',
    additionalProperties: false,
    properties: {
      graph: { ...graphSpecSchema(DTI_GRAPH), description: 'graph spec of both sides (GraphProvider)' },
      rowGraph: { ...graphSpecSchema(null), description: 'row (drug/user) graph; null = `graph`' },
      colGraph: { ...graphSpecSchema(null), description: 'column (target/item) graph; null = `graph`' },
      rowBasis: { enum: ['graph', 'identity'], default: d.basis, description: 'identity = no row graph' },
      colBasis: { enum: ['graph', 'identity'], default: d.basis, description: 'identity = no column graph' },
      p: dim('row eigenvectors kept (null = all)', d.p),
      q: dim('column eigenvectors kept (null = all)', d.p),
      pInner: dim("inner width p' of P (null = p)", null),
      qInner: dim("inner width q' of Q (null = q)", null),
      muR: { type: 'number', minimum: 0, default: d.muR, description: 'row Dirichlet weight' },
      muC: { type: 'number', minimum: 0, default: d.muC, description: 'column Dirichlet weight' },
      rhoR: { type: 'number', minimum: 0, default: 0, description: 'row diagonalisation weight (eq. 24)' },
      rhoC: { type: 'number', minimum: 0, default: 0, description: 'column diagonalisation weight (eq. 25)' },
      alpha: { type: 'number', default: d.alpha, description: 'factors start at 10^-alpha I' },
      cInit: {
        enum: ['identity', 'toy', 'zero'],
        default: 'identity',
        description: "C start: 10^-alpha I, the authors' toy variant (C_11 = phi_1^T M psi_1), or 0",
      },
      train: {
        type: 'object',
        additionalProperties: false,
        properties: { P: { type: 'boolean', default: d.train.P }, C: { type: 'boolean', default: d.train.C }, Q: { type: 'boolean', default: d.train.Q } },
        default: { ...d.train },
      },
      pSkip: { type: 'integer', minimum: 1, default: d.pSkip ?? 1, description: 'SGMC-Z: filter width step' },
      qSkip: { type: 'integer', minimum: 1, default: d.pSkip ?? 1, description: 'SGMC-Z: filter width step' },
      ...optimProps(d.lr, d.lrScale),
      ...stoppingProps(d.iterations),
    },
  };
}

/** The authors' published DTI run: step, updates, and the update at which scores are taken. */
export const RECIPE_RUN = { lr: 4e-3, iterations: 25000, scoreAt: 24000 } as const;

export const recipeSchema: Record<string, unknown> = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: "sgmc-dti-recipe hyper-parameters (the authors' published DTI configuration)",
  type: 'object',
  additionalProperties: false,
  properties: {
    graph: { ...graphSpecSchema(DTI_GRAPH), description: '5-NN combined similarities, symmetric normalised Laplacian' },
    mu: { type: 'number', minimum: 0, default: 0.006, description: 'Dirichlet weight (both graphs)' },
    lr: { type: 'number', exclusiveMinimum: 0, default: RECIPE_RUN.lr },
    iterations: { type: 'integer', minimum: 1, default: RECIPE_RUN.iterations, description: 'iterations of the published run' },
    scoreAt: { type: 'integer', minimum: 1, default: RECIPE_RUN.scoreAt, description: 'scores are taken after this many updates' },
    initScale: { type: 'number', default: 0.1, description: 'factors start at initScale x rectangular identity' },
    kFactor: { type: 'number', exclusiveMinimum: 0, default: 2, description: 'k = kFactor x #targets' },
  },
};

const cache = new Map<object, ValidateFunction>();
let ajv: Ajv2020 | null = null;

/** Validate `params` against `schema`, filling defaults; throws InputErrors naming each bad field. */
export function resolveParams<P>(method: string, schema: Record<string, unknown>, params: unknown): P {
  ajv ??= new Ajv2020({ allErrors: true, useDefaults: true, strict: false, allowUnionTypes: true });
  let v = cache.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    cache.set(schema, v);
  }
  const copy = structuredClone(params ?? {}) as Record<string, unknown>;
  if (!v(copy)) {
    const errs = (v.errors ?? []).map(
      (e: ErrorObject) =>
        new InputError(`${e.message ?? 'invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params as any).allowedValues.join(', ')})` : ''}`, {
          field: `${method}.${(e.instancePath || '/').slice(1).replace(/\//g, '.') || ((e.params as any)?.additionalProperty ?? '')}`,
        }),
    );
    throw new InputErrors(`invalid ${method} hyper-parameters`, errs);
  }
  return copy as P;
}

/** a schema with only the named properties of `schema` (defaults kept) */
export function pickSchema(schema: Record<string, unknown>, title: string, keys: readonly string[]): Record<string, unknown> {
  const props = schema.properties as Record<string, unknown>;
  const all = keys.includes('stopping') ? [...keys, ...STOPPING_GUARD_KEYS.filter((k) => k in props && !keys.includes(k))] : keys;
  return { ...schema, title, properties: Object.fromEntries(all.map((k) => [k, props[k]])) };
}
