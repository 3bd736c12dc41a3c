/**
 * Plan-time resolution of `methods[i].select`: merge every grid entry over the method's resolved parameters,
 * validate it against the method's parameter schema (errors name <field>.grid[g].<param>, e.g.
 * methods[i].select.grid[g].<param>), and settle the metric for the dataset kind.
 */
import { InputError, InputErrors } from '../core/errors.ts';
import { compileSchema, explainErrors } from '../config/ajv.ts';
import type { ResolvedSelect, SelectMetric, SelectSpec } from './types.ts';

export const defaultSelectMetric = (kind: 'dti' | 'ratings'): SelectMetric => (kind === 'ratings' ? 'rmse' : 'aupr');

/** Config fields of a method spec at `methods[index]`, as resolveSelect names them in its errors. */
export const selectFields = (index: number): { field: string; runnerField: string } => ({
  field: `methods[${index}].select`,
  runnerField: `methods[${index}].wknkn`,
});

export function resolveSelect(
  select: SelectSpec,
  params: Record<string, unknown>,
  paramsSchema: Record<string, unknown>,
  kind: 'dti' | 'ratings',
  opts: {
    label: string;
    runnerWknkn: boolean;
    /** the spec's field (errors name <field>.grid[g].<param>) and the runner's WKNKN field */
    field: string;
    runnerField: string;
    /** whether the method can scale its step (`Method.scaleStep`); `scaleStep: true` is refused otherwise */
    canScaleStep: boolean;
  },
): ResolvedSelect {
  const field = opts.field;
  const errors: InputError[] = [];
  const metric = select.metric ?? defaultSelectMetric(kind);
  if (kind === 'ratings' && metric !== 'rmse') {
    errors.push(new InputError(`metric '${metric}' needs binary labels; rating sets are scored by RMSE`, { field: `${field}.metric`, hint: "use 'rmse'" }));
  }
  if (select.grid.length < 2) {
    errors.push(new InputError(`a grid needs at least 2 entries, got ${select.grid.length}`, { field: `${field}.grid` }));
  }
  if (!(select.fraction > 0 && select.fraction <= 0.5)) {
    errors.push(new InputError(`fraction must be in (0, 0.5], got ${select.fraction}`, { field: `${field}.fraction` }));
  }
  if (select.scaleStep && !opts.canScaleStep) {
    errors.push(
      new InputError(`${opts.label} has no fixed step to scale (only the SGMC family: sgmc, sgmc-z, dmf, fm)`, {
        field: `${field}.scaleStep`,
        hint: 'drop scaleStep; this method adapts to the training set itself',
      }),
    );
  }
  const validate = compileSchema(paramsSchema);
  const candidates = select.grid.map((entry, g) => {
    const c = structuredClone({ ...params, ...entry });
    if (!validate(c)) errors.push(...explainErrors(validate.errors ?? [], paramsSchema, { prefix: `${field}.grid[${g}]` }));
    else if (opts.runnerWknkn && c.wknkn !== undefined && c.wknkn !== null) {
      errors.push(
        new InputError(`${opts.label}: WKNKN is set both for the runner (${opts.runnerField}) and in this grid entry`, {
          field: `${field}.grid[${g}].wknkn`,
        }),
      );
    }
    return c;
  });
  if (errors.length) throw new InputErrors(`invalid hyper-parameter selection for ${opts.label}:`, errors);
  return { grid: structuredClone(select.grid), candidates, metric, fraction: select.fraction, ...(select.scaleStep ? { scaleStep: true } : {}) };
}
