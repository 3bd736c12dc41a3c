/**
 * Planning the run stage: resolve every method's hyper-parameters per dataset and setting (preset, then the
 * config's params, validated and defaulted by the method's own schema), then list the tasks with their keys.
 */
import { InputError, InputErrors } from '../core/errors.ts';
import { compileSchema, explainErrors, closest } from '../config/ajv.ts';
import { profileMode } from '../config/load.ts';
import type { Config, MethodSpec } from '../config/types.ts';
import type { Dataset } from '../datasets/types.ts';
import type { FoldSet, Setting } from '../splits/types.ts';
import type { RunDeps } from './deps.ts';
import { taskId, taskKey, taskSeed, type TaskSpec } from './task.ts';
import { resolveSelect, selectFields } from '../select/resolve.ts';
import type { ResolvedSelect } from '../select/types.ts';
import { doubleWknknError } from '../methods/wknkn.ts';

export interface ResolvedParams {
  preset: string | null;
  params: Record<string, unknown>;
  /** the method's `select`, every grid entry merged over `params` and validated (null = no selection) */
  select: ResolvedSelect | null;
}

/** Check every configured method exists; returns problems as InputErrors (field methods[i].name). */
export function checkMethodNames(config: Config, deps: Pick<RunDeps, 'methodNames'>): InputError[] {
  const known = deps.methodNames();
  const out: InputError[] = [];
  config.methods.forEach((m, i) => {
    if (!known.includes(m.name)) {
      const guess = closest(m.name, known);
      out.push(
        new InputError(`unknown method '${m.name}'`, {
          field: `methods[${i}].name`,
          hint: guess ? `did you mean '${guess}'? (methods: ${known.join(', ')})` : `methods: ${known.join(', ') || 'none registered'}`,
        }),
      );
    }
  });
  return out;
}

/**
 * Parameters of one method for one dataset and setting (setting 'fixed' = a rating set); throws InputErrors naming
 * methods[i].params.<field> or methods[i].select.grid[g].<field>.
 */
export function resolveParams(
  config: Config,
  index: number,
  spec: MethodSpec,
  dataset: string,
  setting: string,
  deps: Pick<RunDeps, 'getMethod'>,
): ResolvedParams {
  const method = deps.getMethod(spec.name);
  const presets = method.presets ?? {};
  let preset = spec.preset;
  if (preset === null && config.protocol === 'published' && presets.published) preset = 'published';
  let base: Record<string, unknown> = {};
  if (preset !== null) {
    const fn = presets[preset];
    if (!fn) {
      const names = Object.keys(presets);
      throw new InputErrors('invalid configuration:', [
        new InputError(`method '${spec.name}' has no preset '${preset}'`, {
          field: `methods[${index}].preset`,
          hint: names.length ? `presets: ${names.join(', ')}` : `${spec.name} has no presets`,
        }),
      ]);
    }
    try {
      base = fn({ dataset, setting }) as Record<string, unknown>;
    } catch (e) {
      throw new InputErrors('invalid configuration:', [
        new InputError(`preset '${preset}' of ${spec.name} for ${dataset} ${setting}: ${(e as Error).message}`, {
          field: `methods[${index}].preset`,
        }),
      ]);
    }
  }
  const params = structuredClone({ ...base, ...spec.params });
  const validate = compileSchema(method.paramsSchema);
  if (!validate(params)) {
    throw new InputErrors(
      `invalid hyper-parameters for ${spec.label} (${dataset}, ${setting}):`,
      explainErrors(validate.errors ?? [], method.paramsSchema, { prefix: `methods[${index}].params` }),
    );
  }
  // the runner's WKNKN and the method's own would both smooth the training matrix: refuse, never apply twice
  const twice = doubleWknknError(spec.wknkn, params, {
    label: spec.label, name: spec.name, runnerField: `methods[${index}].wknkn`, ownField: `methods[${index}].params.wknkn`,
  });
  if (twice) throw new InputErrors('invalid configuration:', [twice]);
  const select = spec.select
    ? resolveSelect(spec.select, params, method.paramsSchema, setting === FIXED ? 'ratings' : 'dti', {
        label: spec.label,
        runnerWknkn: !!spec.wknkn,
        canScaleStep: !!method.scaleStep,
        ...selectFields(index),
      })
    : null;
  return { preset, params, select };
}

export interface DatasetInfo {
  ref: string;
  name: string;
  kind: 'dti' | 'ratings';
  rows: number;
  cols: number;
  checksums: Record<string, string>;
  notes: string[];
  /** recommender sets: the fixed test cells (one task per method, setting 'fixed') */
  fixedTest?: Int32Array;
}

/** The setting name of a recommender set's fixed split. */
export const FIXED = 'fixed';

export function datasetInfo(ref: string, ds: Dataset): DatasetInfo {
  const rows = ds.kind === 'dti' ? ds.Y.rows : ds.rows;
  const cols = ds.kind === 'dti' ? ds.Y.cols : ds.cols;
  return {
    ref, name: ds.name, kind: ds.kind, rows, cols, checksums: ds.checksums, notes: ds.notes,
    ...(ds.kind === 'ratings' ? { fixedTest: ds.test } : {}),
  };
}

export interface PlanInput {
  config: Config;
  deps: Pick<RunDeps, 'getMethod' | 'methodNames'>;
  datasets: DatasetInfo[];
  /** fold sets and their files, per dataset name and setting */
  folds: Map<string, { file: string; set: FoldSet }>;
  /** resolved engine identity (part of the key) */
  engine: { name: string; dtype: string };
}

export const foldKey = (dataset: string, setting: string): string => `${dataset}:${setting}`;

/** Every task of the run, in a stable order (dataset, setting, repetition, fold, method). */
export function planTasks(p: PlanInput): TaskSpec[] {
  const { config } = p;
  const errors: InputError[] = checkMethodNames(config, p.deps);
  if (errors.length) throw new InputErrors('invalid configuration:', errors);
  const tasks: TaskSpec[] = [];
  const paramErrors: InputError[] = [];
  for (const ds of p.datasets) {
    const dsProfiles = profileMode(config, ds.fixedTest ? 'ratings' : 'dti');
    for (const setting of ds.fixedTest ? [FIXED] : config.settings) {
      // a fixed published split has one fold; its repetitions are seeds (the validation splits, the inner
      // selection splits and any seeded start of a method differ, the train/test split does not)
      const fixedTest = ds.fixedTest;
      const fs = fixedTest
        ? { file: '', set: { folds: Array.from({ length: config.cv.repetitions }, (_, r) => ({ repetition: r, fold: 0, testCells: fixedTest })) } }
        : p.folds.get(foldKey(ds.name, setting));
      if (!fs) throw new Error(`no folds for ${ds.name} ${setting}: run the splits stage first`);
      const resolved = config.methods.map((m, i) => {
        try {
          return resolveParams(config, i, m, ds.name, setting, p.deps);
        } catch (e) {
          if (e instanceof InputErrors) paramErrors.push(...e.errors);
          else throw e;
          return null;
        }
      });
      if (paramErrors.length) continue;
      for (const fold of fs.set.folds) {
        if (!ds.fixedTest) {
          if (fold.repetition >= config.cv.repetitions && !config.cv.foldFiles[foldKey(ds.name, setting)]) continue;
          if (config.cv.onlyFolds && !config.cv.onlyFolds.includes(fold.fold)) continue;
        }
        config.methods.forEach((m, i) => {
          const r = resolved[i]!;
          const method = p.deps.getMethod(m.name);
          const dtype = m.dtype ?? p.engine.dtype;
          const seed = taskSeed(config.seed, ds.name, setting, m.label, fold.repetition, fold.fold);
          const key = taskKey({
            datasetChecksums: ds.checksums,
            setting,
            repetition: fold.repetition,
            fold: fold.fold,
            testCells: fold.testCells,
            method: m.name,
            methodVersion: method.version,
            params: r.params,
            protocol: config.protocol,
            profiles: dsProfiles,
            engine: { name: p.engine.name, dtype },
            seed,
            coldRows: config.coldRows,
            wknkn: m.wknkn,
            traces: m.traces,
            optimistic: config.report.optimistic,
            select: r.select,
          });
          tasks.push({
            id: taskId(ds.name, setting, m.label, fold.repetition, fold.fold),
            key,
            datasetRef: ds.ref,
            dataset: ds.name,
            setting: setting as Setting | 'fixed',
            repetition: fold.repetition,
            fold: fold.fold,
            method: m.name,
            label: m.label,
            methodVersion: method.version,
            preset: r.preset,
            params: r.params,
            protocol: config.protocol,
            profiles: dsProfiles,
            coldRows: config.coldRows,
            wknkn: m.wknkn,
            traces: m.traces,
            optimistic: config.report.optimistic,
            select: r.select,
            seed,
            foldsFile: fs.file,
            engine: { ...config.engine, dtype: m.dtype ?? config.engine.dtype },
            outdir: config.outdir,
            savePredictions: config.savePredictions,
            checkpointSeconds: config.checkpointSeconds,
            data: config.data,
            plugins: config.plugins,
          });
        });
      }
    }
  }
  if (paramErrors.length) throw new InputErrors('invalid method hyper-parameters:', paramErrors);
  return tasks;
}
