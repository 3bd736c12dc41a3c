/**
 * Aggregation of task records into table cells. Pure, no I/O.
 *
 * Conventions (every table states which one produced it):
 * - 'repetition' (default, METHODS.md §4): for each repetition the mean over its folds; then mean and sample std
 *   (n - 1) over the repetitions.
 * - 'fold' (the SGMC authors' published convention): for each fold index the mean over the repetitions; then mean and
 *   sample std over the folds.
 * With one unit (e.g. one repetition) the std is NaN and printed as absent.
 */
import type { TaskRecord } from '../run/record.ts';
import { stableStringify, hashValue } from '../core/hash.ts';
import { InputError } from '../core/errors.ts';

export type Aggregation = 'repetition' | 'fold';
export type MetricName = 'auc' | 'aupr' | 'rmse';
export const METRICS: MetricName[] = ['auc', 'aupr', 'rmse'];

export interface Summary {
  mean: number;
  /** sample std (n - 1) over the units; NaN with fewer than 2 units */
  std: number;
  /** number of units (repetitions or folds) */
  n: number;
  /** per-unit means, ordered by unit index */
  units: { unit: number; mean: number; count: number }[];
  /** fold records that carried this metric */
  tasks: number;
  /** fold records of the group lacking this metric (undefined on that fold) */
  missing: number;
}

/** Records of one configuration: same dataset, setting, method (+version, params), protocol and profiles. */
export interface Group {
  dataset: string;
  setting: string;
  method: string;
  /** registered method name (task.methodName when `method` is a user label), for matching published numbers */
  registered: string;
  methodVersion: string;
  protocol: string;
  profiles: string;
  params: Record<string, unknown>;
  /** nested selection the records ran with (a different grid is a different configuration) */
  select?: TaskRecord['task']['select'];
  /** column label: the method name, disambiguated when one cell holds several variants */
  label: string;
  /** 'dti' when any record has AUC/AUPR or the setting is CVS1/2/3, else 'ratings' */
  kind: 'dti' | 'ratings';
  records: TaskRecord[];
}

/** Table id per (protocol, profiles): the protocol name, suffixed with the profile mode if a protocol has several. */
export function protocolIds(records: TaskRecord[]): Map<string, string> {
  const byProtocol = new Map<string, Set<string>>();
  for (const r of records) {
    const s = byProtocol.get(r.task.protocol) ?? new Set<string>();
    s.add(r.task.profiles);
    byProtocol.set(r.task.protocol, s);
  }
  const ids = new Map<string, string>();
  for (const [p, set] of byProtocol) {
    for (const prof of set) ids.set(`${p}\u0000${prof}`, set.size > 1 ? `${p}-${prof}` : p);
  }
  return ids;
}

export const protocolKey = (r: TaskRecord): string => `${r.task.protocol}\u0000${r.task.profiles}`;

/** Checks the fields the report needs; names the record (by key and index) at fault. */
export function checkRecord(r: TaskRecord, i: number): void {
  const where = { file: `record ${i}${r && typeof r.key === 'string' ? ` (key ${r.key.slice(0, 12)})` : ''}` };
  if (!r || typeof r !== 'object' || !r.task || !r.metrics) throw new InputError('not a task record (no task/metrics)', where);
  for (const f of ['dataset', 'setting', 'method', 'protocol', 'profiles'] as const) {
    if (typeof r.task[f] !== 'string' || r.task[f] === '') throw new InputError(`missing ${f}`, { ...where, field: `task.${f}` });
  }
  for (const f of ['repetition', 'fold'] as const) {
    if (!Number.isInteger(r.task[f]) || r.task[f] < 0) throw new InputError(`bad ${f} ${r.task[f]}`, { ...where, field: `task.${f}` });
  }
  for (const m of METRICS) {
    const v = r.metrics[m];
    if (v !== undefined && v !== null && !Number.isFinite(v)) {
      throw new InputError(`metric ${m} is ${v}`, { ...where, field: `metrics.${m}` });
    }
  }
}

/** Groups records by configuration; two records for the same (repetition, fold) of one configuration are an error. */
export function groupRecords(records: TaskRecord[]): Group[] {
  records.forEach(checkRecord);
  const groups = new Map<string, Group>();
  for (const r of records) {
    const t = r.task;
    const id = stableStringify([
      t.dataset, t.setting, t.method, t.methodVersion ?? '', t.protocol, t.profiles, t.params ?? {}, ...(t.select ? [t.select] : []),
    ]);
    let g = groups.get(id);
    if (!g) {
      g = {
        dataset: t.dataset,
        setting: t.setting,
        method: t.method,
        registered: t.methodName ?? t.method,
        methodVersion: t.methodVersion ?? '',
        protocol: t.protocol,
        profiles: t.profiles,
        params: t.params ?? {},
        ...(t.select ? { select: t.select } : {}),
        label: t.method,
        kind: 'ratings',
        records: [],
      };
      groups.set(id, g);
    }
    const dup = g.records.find((o) => o.task.repetition === t.repetition && o.task.fold === t.fold);
    if (dup) {
      throw new InputError(
        `two records for ${t.dataset}/${t.setting}/${t.method} repetition ${t.repetition} fold ${t.fold} (keys ${dup.key} and ${r.key})`,
        { hint: 'pass the records of one run only, or remove the stale record' },
      );
    }
    g.records.push(r);
    if (r.metrics.auc !== undefined || r.metrics.aupr !== undefined || /^CVS[123]$/.test(t.setting)) g.kind = 'dti';
  }
  const out = [...groups.values()];
  // disambiguate labels where one (dataset, setting, protocol, profiles, method) cell holds several variants
  const cells = new Map<string, Group[]>();
  for (const g of out) {
    const k = [g.dataset, g.setting, g.protocol, g.profiles, g.method].join('\u0000');
    cells.set(k, [...(cells.get(k) ?? []), g]);
  }
  for (const gs of cells.values()) {
    if (gs.length < 2) continue;
    const versions = new Set(gs.map((g) => g.methodVersion));
    for (const g of gs) {
      const v = versions.size > 1 ? ` v${g.methodVersion}` : '';
      const sameVersion = gs.filter((o) => o.methodVersion === g.methodVersion).length > 1;
      const variant = g.select ? { params: g.params, select: g.select } : g.params;
      g.label = `${g.method}${v}${sameVersion ? ` #${hashValue(variant).slice(0, 6)}` : ''}`;
    }
  }
  for (const g of out) g.records.sort((a, b) => a.task.repetition - b.task.repetition || a.task.fold - b.task.fold);
  return out;
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** Sample standard deviation (n - 1); NaN below 2 values. */
export function sampleStd(v: number[]): number {
  if (v.length < 2) return NaN;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) * (b - m), 0) / (v.length - 1));
}

/** Summary of one metric (or any per-fold number picked by `pick`) over a group's records. */
export function summarize(
  records: TaskRecord[],
  pick: (r: TaskRecord) => number | undefined,
  aggregation: Aggregation = 'repetition',
): Summary | undefined {
  const byUnit = new Map<number, number[]>();
  let missing = 0;
  let tasks = 0;
  for (const r of records) {
    const v = pick(r);
    if (v === undefined || v === null || Number.isNaN(v)) {
      missing++;
      continue;
    }
    tasks++;
    const unit = aggregation === 'repetition' ? r.task.repetition : r.task.fold;
    byUnit.set(unit, [...(byUnit.get(unit) ?? []), v]);
  }
  if (tasks === 0) return undefined;
  const units = [...byUnit.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([unit, vs]) => ({ unit, mean: mean(vs), count: vs.length }));
  const means = units.map((u) => u.mean);
  return { mean: mean(means), std: sampleStd(means), n: units.length, units, tasks, missing };
}

export const metricOf = (m: MetricName) => (r: TaskRecord): number | undefined => r.metrics[m] ?? undefined;
export const optimisticOf = (m: MetricName) => (r: TaskRecord): number | undefined => r.metrics.optimistic?.[m] ?? undefined;

/** Paired per-(repetition, fold) values of two groups, on the folds both have. */
export function pairedValues(a: Group, b: Group, pick: (r: TaskRecord) => number | undefined): { x: number[]; y: number[] } {
  const bv = new Map<string, number>();
  for (const r of b.records) {
    const v = pick(r);
    if (v !== undefined && !Number.isNaN(v)) bv.set(`${r.task.repetition}/${r.task.fold}`, v);
  }
  const x: number[] = [];
  const y: number[] = [];
  for (const r of a.records) {
    const v = pick(r);
    const w = bv.get(`${r.task.repetition}/${r.task.fold}`);
    if (v !== undefined && !Number.isNaN(v) && w !== undefined) {
      x.push(v);
      y.push(w);
    }
  }
  return { x, y };
}

/** Canonical orders: the paper's dataset/method order first, then the rest alphabetically. */
const DATASET_ORDER = ['e', 'gpcr', 'ic', 'nr', 'synthetic-netflix', 'flixster', 'flixster-u', 'douban', 'ml-100k', 'ml-1m', 'synthetic-ml-100k'];
const METHOD_ORDER = ['mgrnnm', 'grmf', 'cmf', 'dmf', 'sgmc', 'sgmc-z'];

function orderBy(known: string[]) {
  return (a: string, b: string): number => {
    const ia = known.indexOf(canonicalName(a));
    const ib = known.indexOf(canonicalName(b));
    if (ia !== ib) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  };
}
export const compareDatasets = orderBy(DATASET_ORDER);
export const compareMethods = orderBy(METHOD_ORDER);

/** Lower-case, '_' -> '-', and the usual aliases (Es -> e, GPCRs -> gpcr, movielens -> ml-100k, ...). */
export function canonicalName(name: string): string {
  const n = name.toLowerCase().replace(/_/g, '-');
  const alias: Record<string, string> = {
    es: 'e', enzyme: 'e', enzymes: 'e', gpcrs: 'gpcr', ics: 'ic', nrs: 'nr',
    movielens: 'ml-100k', 'movielens-100k': 'ml-100k', ml100k: 'ml-100k', 'movielens-1m': 'ml-1m', ml1m: 'ml-1m',
    'synthetic-movielens-100k': 'synthetic-ml-100k', gcmc: 'gc-mc', 'sgmcz': 'sgmc-z',
    // the registered recommender set with the user graph only is Table 1's 'Flixster-U'
    'flixster-users': 'flixster-u',
  };
  return alias[n] ?? n;
}
