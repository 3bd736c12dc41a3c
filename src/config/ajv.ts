/** One Ajv (draft 2020-12) for the config and for every method's paramsSchema, so all validate alike. */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { InputError } from '../core/errors.ts';

export type { ValidateFunction, ErrorObject };

let shared: Ajv2020 | undefined;

export function getAjv(): Ajv2020 {
  shared ??= new Ajv2020({ allErrors: true, verbose: true, useDefaults: true, allowUnionTypes: true, strict: false });
  return shared;
}

/** Compile a schema once per object identity. */
const compiled = new WeakMap<object, ValidateFunction>();
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  const hit = compiled.get(schema);
  if (hit) return hit;
  const v = getAjv().compile(schema);
  compiled.set(schema, v);
  return v;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n];
}

export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Resolve a JSON pointer (instancePath / schemaPath style) in a schema to the sub-schema at a data path. */
function schemaAt(root: Record<string, unknown>, schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const part of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}

/** Field path in dotted form: /cv/repetitions -> cv.repetitions, /methods/0/name -> methods[0].name. */
export function fieldPath(prefix: string, instancePath: string): string {
  let out = prefix;
  for (const part of instancePath.split('/').filter(Boolean)) {
    const p = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  }
  return out || '(root)';
}

/**
 * Turn Ajv errors into InputErrors naming the field and giving a hint (allowed values, the description of the
 * field, or "did you mean" for unknown keys). anyOf noise is reduced to the most specific branch errors.
 */
export function explainErrors(
  errors: ErrorObject[],
  schema: Record<string, unknown>,
  opts: { file?: string; prefix?: string } = {},
): InputError[] {
  const prefix = opts.prefix ?? '';
  // drop the summary "must match a schema in anyOf" when branch errors exist for the same place
  const out: InputError[] = [];
  const seen = new Set<string>();
  const drop = new Set<ErrorObject>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    // branch errors of this anyOf, grouped by branch index
    const branches = new Map<string, ErrorObject[]>();
    for (const o of errors) {
      const m = o.schemaPath.startsWith(e.schemaPath + '/') ? /^\/(\d+)/.exec(o.schemaPath.slice(e.schemaPath.length)) : null;
      if (m && o.instancePath.startsWith(e.instancePath)) branches.set(m[1], [...(branches.get(m[1]) ?? []), o]);
    }
    const typeOnly = (list: ErrorObject[]): boolean => list.every((o) => o.keyword === 'type' && o.instancePath === e.instancePath);
    const specific = [...branches.values()].filter((l) => !typeOnly(l));
    if (specific.length) {
      // the value has the right type for some branch: report that branch's errors only
      for (const l of branches.values()) if (typeOnly(l)) l.forEach((o) => drop.add(o));
      drop.add(e);
    } else {
      const types = [...branches.values()].flat().map((o) => (o.params as { type: string }).type);
      for (const l of branches.values()) l.forEach((o) => drop.add(o));
      e.message = `must be ${[...new Set(types)].join(' or ')}`;
      e.keyword = 'type';
    }
  }
  for (const e of errors) {
    if (drop.has(e)) continue;
    const parentSchema = schemaAt(schema, e.schemaPath.replace(/\/[^/]+$/, ''));
    let field = fieldPath(prefix, e.instancePath);
    let problem = e.message ?? 'is invalid';
    let hint: string | undefined;
    if (e.keyword === 'additionalProperties') {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      field = fieldPath(prefix, `${e.instancePath}/${key}`);
      const known = Object.keys((parentSchema?.properties as Record<string, unknown>) ?? {});
      const guess = closest(key, known);
      problem = `unknown key '${key}'`;
      hint = guess ? `did you mean '${guess}'?` : known.length ? `known keys: ${known.join(', ')}` : undefined;
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      problem = `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(e.data)}`;
      if (typeof e.data === 'string') {
        const guess = closest(e.data, allowed.filter((a): a is string => typeof a === 'string'));
        if (guess) hint = `did you mean '${guess}'?`;
      }
    } else if (e.keyword === 'type') {
      problem = `${e.message}, got ${JSON.stringify(e.data)}`;
    } else if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      field = fieldPath(prefix, `${e.instancePath}/${missing}`);
      problem = 'is required';
    }
    if (!hint && parentSchema && typeof parentSchema.description === 'string') hint = parentSchema.description;
    const msg = `${field}|${problem}`;
    if (seen.has(msg)) continue;
    seen.add(msg);
    out.push(new InputError(problem, { file: opts.file, field, hint }));
  }
  return out;
}
