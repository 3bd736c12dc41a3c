/**
 * Config loading: schema defaults < profile < config file < command-line flags. Each layer is validated against
 * schemas/config.schema.json on its own (so errors name the file they come from), then the merged result gets the
 * schema's defaults. Every violation is reported at once, before any work starts.
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, resolve, isAbsolute, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, InputErrors } from '../core/errors.ts';
import { compileSchema, explainErrors, closest } from './ajv.ts';
import type { Config, MethodSpec } from './types.ts';
import { DEFAULT_SELECT_FRACTION } from '../select/types.ts';
import { GENERATOR_NAMES } from '../splits/generators.ts';

export const repoDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const configSchemaPath = resolve(repoDir, 'schemas/config.schema.json');
export const profilesDir = resolve(repoDir, 'pipeline/profiles');

let schemaCache: Record<string, unknown> | undefined;
export function configSchema(): Record<string, unknown> {
  schemaCache ??= JSON.parse(readFileSync(configSchemaPath, 'utf8')) as Record<string, unknown>;
  return schemaCache;
}

export type Layer = { source: string; baseDir: string; value: Record<string, unknown> };

/** Parse JSON text; a syntax error names the file, line and column. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const where: { file: string; line?: number; column?: number } = { file };
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos).split('\n');
      where.line = before.length;
      where.column = before[before.length - 1].length + 1;
    }
    throw new InputError(`invalid JSON: ${msg.replace(/ in JSON at position \d+.*$/, '')}`, {
      ...where,
      hint: 'check for trailing commas, comments or unquoted keys',
    });
  }
}

export function profileNames(): string[] {
  return existsSync(profilesDir)
    ? readdirSync(profilesDir).filter((f) => f.endsWith('.json')).map((f) => basename(f, '.json')).sort()
    : [];
}

/** A profile by name (pipeline/profiles/<name>.json) or by path. */
export function readProfile(nameOrPath: string): Layer {
  const isPath = nameOrPath.includes('/') || nameOrPath.endsWith('.json');
  const file = isPath ? resolve(nameOrPath) : resolve(profilesDir, `${nameOrPath}.json`);
  if (!existsSync(file)) {
    const names = profileNames();
    const guess = closest(nameOrPath, names);
    throw new InputError(`unknown profile '${nameOrPath}'`, {
      field: 'profile',
      hint: guess ? `did you mean '${guess}'? (profiles: ${names.join(', ')})` : `profiles: ${names.join(', ')}`,
    });
  }
  return readLayer(file, `profile ${file}`);
}

export function readConfigFile(path: string): Layer {
  const file = resolve(path);
  if (!existsSync(file)) throw new InputError('config file not found', { file, field: 'config' });
  return readLayer(file, file);
}

function readLayer(file: string, source: string): Layer {
  const value = parseJson(readFileSync(file, 'utf8'), file);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError('a config must be a JSON object', { file });
  }
  return { source, baseDir: dirname(file), value: value as Record<string, unknown> };
}

/** Deep merge: objects merge key by key, everything else (arrays included) is replaced by the later layer. */
export function deepMerge(a: unknown, b: unknown): unknown {
  if (b === undefined) return a;
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = deepMerge(a[k], v);
    return out;
  }
  return b;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** `reuse` entry naming an earlier run (outputs/<name>) rather than a path: no '/' in it */
const isRunName = (d: string): boolean => !d.includes('/');

/** Paths inside a layer are relative to the file they come from (flags: the current directory). */
function absolutizePaths(layer: Layer): Record<string, unknown> {
  const v = structuredClone(layer.value);
  const abs = (p: unknown): unknown => (typeof p === 'string' && !isAbsolute(p) ? resolve(layer.baseDir, p) : p);
  const looksLikePath = (s: string): boolean => s.endsWith('.json') || s.includes('/');
  if (typeof v.outdir === 'string') v.outdir = abs(v.outdir);
  if (Array.isArray(v.datasets)) v.datasets = v.datasets.map((d) => (typeof d === 'string' && looksLikePath(d) ? abs(d) : d));
  if (Array.isArray(v.plugins)) v.plugins = v.plugins.map(abs);
  // reuse: paths like outdir; a bare run name stays as it is (outputs/<name> under the current directory, in finish)
  if (Array.isArray(v.reuse)) v.reuse = v.reuse.map((d) => (typeof d === 'string' && !isRunName(d) ? abs(d) : d));
  if (isPlainObject(v.cv) && isPlainObject(v.cv.foldFiles)) {
    v.cv.foldFiles = Object.fromEntries(Object.entries(v.cv.foldFiles).map(([k, p]) => [k, abs(p)]));
  }
  if (isPlainObject(v.data)) {
    if (typeof v.data.cacheDir === 'string') v.data.cacheDir = abs(v.data.cacheDir);
    if (typeof v.data.mirror === 'string' && !/^[a-z]+:\/\//i.test(v.data.mirror)) v.data.mirror = abs(v.data.mirror);
  }
  return v;
}

function validateLayer(layer: Layer, withDefaults: boolean): InputError[] {
  const validate = compileSchema(configSchema());
  const data = withDefaults ? layer.value : structuredClone(layer.value);
  if (validate(data)) return [];
  return explainErrors(validate.errors ?? [], configSchema(), { file: layer.source });
}

export interface LoadOptions {
  profile?: string;
  configFile?: string;
  /** partial config from command-line flags */
  overrides?: Record<string, unknown>;
  cwd?: string;
  /** executor names known to the registry (checked with a "did you mean") */
  executors?: string[];
}

/** Load, merge and validate; throws InputErrors listing every violation. */
export function loadConfig(opts: LoadOptions = {}): Config {
  const cwd = opts.cwd ?? process.cwd();
  const layers: Layer[] = [];
  const errors: InputError[] = [];
  const tryPush = (f: () => Layer): void => {
    try {
      layers.push(f());
    } catch (e) {
      if (e instanceof InputError) errors.push(e);
      else throw e;
    }
  };
  if (opts.profile) tryPush(() => readProfile(opts.profile!));
  if (opts.configFile) tryPush(() => readConfigFile(resolve(cwd, opts.configFile!)));
  if (opts.overrides && Object.keys(opts.overrides).length) {
    layers.push({ source: 'command line', baseDir: cwd, value: opts.overrides });
  }
  for (const l of layers) errors.push(...validateLayer(l, false));
  if (errors.length) throw new InputErrors(`invalid configuration (${errors.length} problem${errors.length > 1 ? 's' : ''}):`, errors);

  let merged: Record<string, unknown> = {};
  for (const l of layers) merged = deepMerge(merged, absolutizePaths(l)) as Record<string, unknown>;
  const final: Layer = { source: 'merged configuration', baseDir: cwd, value: merged };
  const errs = validateLayer(final, true);
  if (errs.length) throw new InputErrors('invalid configuration:', errs);
  return finish(merged, cwd, opts.executors);
}

function finish(raw: Record<string, unknown>, cwd: string, executors?: string[]): Config {
  const c = raw as unknown as Omit<Config, 'methods' | 'outdir'> & { methods: (string | Partial<MethodSpec>)[]; outdir: string | null };
  const errors: InputError[] = [];
  const methods: MethodSpec[] = c.methods.map((m) =>
    typeof m === 'string'
      ? { name: m, label: m, preset: null, params: {}, wknkn: null, traces: null, select: null, dtype: null }
      : {
          name: m.name!,
          label: m.label ?? m.name!,
          preset: m.preset ?? null,
          params: m.params ?? {},
          wknkn: m.wknkn ? { K: m.wknkn.K ?? 5, eta: m.wknkn.eta ?? 0.7 } : null,
          traces: m.traces ? { singularValues: m.traces.singularValues, every: m.traces.every ?? 10 } : null,
          select: m.select
            ? {
                grid: m.select.grid,
                metric: m.select.metric ?? null,
                fraction: m.select.fraction ?? DEFAULT_SELECT_FRACTION,
                ...(m.select.scaleStep ? { scaleStep: true } : {}),
              }
            : null,
          dtype: m.dtype ?? null,
        },
  );
  const labels = new Map<string, number>();
  methods.forEach((m, i) => {
    if (labels.has(m.label)) {
      errors.push(
        new InputError(`method label '${m.label}' is used twice (methods[${labels.get(m.label)}] and methods[${i}])`, {
          field: `methods[${i}].label`,
          hint: 'give each variant of a method its own label',
        }),
      );
    }
    labels.set(m.label, i);
  });
  if (c.protocol === 'published' && c.profiles !== null) {
    errors.push(
      new InputError(`profiles '${c.profiles}' contradicts protocol 'published' (which uses the full matrix)`, {
        field: 'profiles',
        hint: 'leave profiles null, or use protocol leak-free',
      }),
    );
  }
  if (c.cv.onlyFolds) {
    c.cv.onlyFolds.forEach((f, i) => {
      if (f >= c.cv.folds) {
        errors.push(new InputError(`fold ${f} does not exist with ${c.cv.folds} folds`, { field: `cv.onlyFolds[${i}]`, hint: `folds are 0..${c.cv.folds - 1}` }));
      }
    });
  }
  if (!GENERATOR_NAMES.includes(c.cv.generator)) {
    const guess = closest(c.cv.generator, GENERATOR_NAMES);
    const known = `generators: ${GENERATOR_NAMES.join(', ')}`;
    errors.push(new InputError(`unknown fold generator '${c.cv.generator}'`, { field: 'cv.generator', hint: guess ? `did you mean '${guess}'? (${known})` : known }));
  }
  if (c.cv.seeds) {
    for (const [s, seeds] of Object.entries(c.cv.seeds)) {
      if (seeds && seeds.length < c.cv.repetitions) {
        errors.push(new InputError(`${seeds.length} seeds for ${c.cv.repetitions} repetitions`, { field: `cv.seeds.${s}`, hint: 'give one seed per repetition' }));
      }
    }
  }
  for (const key of Object.keys(c.cv.foldFiles)) {
    const ds = key.split(':')[0];
    if (!c.datasets.includes(ds)) {
      errors.push(new InputError(`fold file for dataset '${ds}', which is not in datasets`, { field: `cv.foldFiles.${key}`, hint: `datasets: ${c.datasets.join(', ')}` }));
    }
  }
  if (executors && !executors.includes(c.executor.name)) {
    const guess = closest(c.executor.name, executors);
    errors.push(
      new InputError(`unknown executor '${c.executor.name}'`, {
        field: 'executor.name',
        hint: guess ? `did you mean '${guess}'? (executors: ${executors.join(', ')})` : `executors: ${executors.join(', ')}`,
      }),
    );
  }
  if (errors.length) throw new InputErrors('invalid configuration:', errors);
  const outdir = resolve(cwd, c.outdir ?? `outputs/${c.name}`);
  const reuse = c.reuse.map((d) => (isRunName(d) ? resolve(cwd, 'outputs', d) : resolve(cwd, d))).filter((d) => d !== outdir);
  const { $comment: _c, $schema: _s, ...rest } = c as unknown as Config & { $comment?: string; $schema?: string };
  return { ...rest, methods, outdir, reuse };
}

/**
 * The profile mode a config implies for a dataset kind. Rating sets have given graphs and fixed splits:
 * interaction profiles are a DTI notion and never apply to them.
 */
export const profileMode = (c: Pick<Config, 'protocol' | 'profiles'>, kind: 'dti' | 'ratings' = 'dti'): 'none' | 'train' | 'full' =>
  kind === 'ratings' ? 'none' : c.protocol === 'published' ? 'full' : (c.profiles ?? 'train');
