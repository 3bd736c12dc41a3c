/**
 * What nested hyper-parameter selection chose (docs/selection.md): per dataset x setting x method column (one
 * configuration, its grid included), how often each grid entry won, its mean validation metric, and the share of task time spent
 * selecting. Pure: grouped records in, summaries and a Table out.
 */
import type { TaskRecord } from '../run/record.ts';
import { InputError } from '../core/errors.ts';
import { stableStringify } from '../core/hash.ts';
import { type Aggregation, type Group, type MetricName, type Summary, summarize, compareDatasets, compareMethods } from './aggregate.ts';
import { type Cell, type Column, type Table, DASH, fmt, fmtStat, showAndMarkBest } from './render.ts';
import { METRIC_LABEL, aggregationNote } from './tables.ts';
import { higherIsBetter } from '../metrics/index.ts';

type SelectSpec = NonNullable<TaskRecord['task']['select']>;

/** One grid entry's outcome within a block. */
export interface SelectionEntry {
  /** grid index (the value of info.select_choice when it wins) */
  index: number;
  /** the partial parameters as written in the grid */
  params: Record<string, unknown>;
  /** tasks it won */
  wins: number;
  /** its validation metric over the block's tasks (aggregated like the main tables); undefined when never defined */
  validation?: Summary;
}

/** The tasks of one table column (dataset, setting, method label); a column is one configuration, its select spec included. */
export interface SelectionBlock {
  dataset: string;
  setting: string;
  /** the column label of the main tables */
  label: string;
  select: SelectSpec;
  /** tasks in the block */
  tasks: number;
  entries: SelectionEntry[];
  /** summed info.select_seconds and timing.seconds over the tasks that carry select_seconds */
  selectSeconds: number;
  taskSeconds: number;
  /** tasks that carry info.select_seconds */
  timedTasks: number;
}

const METRIC_NAMES: readonly string[] = ['aupr', 'auc', 'rmse'];

function where(r: TaskRecord): { file: string } {
  return { file: `record ${r.task.dataset}/${r.task.setting}/${r.task.method} repetition ${r.task.repetition} fold ${r.task.fold}${typeof r.key === 'string' ? ` (key ${r.key.slice(0, 12)})` : ''}` };
}

/** Checks a record's select spec and choice; returns the choice. */
function checkSelection(r: TaskRecord, s: SelectSpec): number {
  const w = where(r);
  if (!s || typeof s !== 'object') throw new InputError('task.select is not an object', { ...w, field: 'task.select' });
  if (!METRIC_NAMES.includes(s.metric)) throw new InputError(`unknown selection metric '${String(s.metric)}' (aupr | auc | rmse)`, { ...w, field: 'task.select.metric' });
  if (typeof s.fraction !== 'number' || !(s.fraction > 0 && s.fraction < 1)) {
    throw new InputError(`bad validation fraction ${String(s.fraction)}`, { ...w, field: 'task.select.fraction' });
  }
  if (!Array.isArray(s.grid) || s.grid.length === 0) throw new InputError('task.select.grid is not a non-empty array', { ...w, field: 'task.select.grid' });
  s.grid.forEach((e, i) => {
    if (!e || typeof e !== 'object' || Array.isArray(e)) throw new InputError('grid entry is not an object', { ...w, field: `task.select.grid[${i}]` });
  });
  const c = r.info?.select_choice;
  if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= s.grid.length) {
    throw new InputError(`select_choice ${String(c)} is not a grid index 0..${s.grid.length - 1}`, { ...w, field: 'info.select_choice' });
  }
  return c;
}

/** A record's validation value of grid entry `i`, when defined. */
const validationOf = (i: number, metric: string) => (r: TaskRecord): number | undefined => {
  const v = r.info?.[`select_${i}_${metric}`];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

/** Selection blocks of the groups (one protocol's), in table order; empty when no record selected. */
export function selectionBlocks(groups: Group[], agg: Aggregation = 'repetition'): SelectionBlock[] {
  const out: SelectionBlock[] = [];
  const ordered = [...groups].sort(
    (a, b) => compareDatasets(a.dataset, b.dataset) || cmp(a.setting, b.setting) || compareMethods(a.label, b.label),
  );
  for (const g of ordered) {
    // groupRecords keys a configuration by its select spec too, so a group either selected with one spec or not at all
    const records = g.records.filter((r) => r.task.select !== undefined && r.task.select !== null);
    if (!records.length) continue;
    for (const r of records) checkSelection(r, r.task.select!);
    const spec = records[0].task.select!;
    const entries: SelectionEntry[] = spec.grid.map((params, index) => ({
      index,
      params,
      wins: records.filter((r) => r.info!.select_choice === index).length,
      validation: summarize(records, validationOf(index, spec.metric), agg),
    }));
    let selectSeconds = 0;
    let taskSeconds = 0;
    let timedTasks = 0;
    for (const r of records) {
      const s = r.info?.select_seconds;
      const t = r.timing?.seconds;
      if (typeof s === 'number' && Number.isFinite(s) && typeof t === 'number' && Number.isFinite(t)) {
        selectSeconds += s;
        taskSeconds += t;
        timedTasks++;
      }
    }
    out.push({
      dataset: g.dataset,
      setting: g.setting,
      label: g.label,
      select: { metric: spec.metric, fraction: spec.fraction, grid: spec.grid, ...(spec.scaleStep ? { scaleStep: true as const } : {}) },
      tasks: records.length,
      entries,
      selectSeconds,
      taskSeconds,
      timedTasks,
    });
  }
  return out;
}

/** Compact text of a grid entry: `muR=0.1, muC=0.1` (keys as written; objects and arrays as JSON). */
export function entryText(params: Record<string, unknown>): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : v !== null && typeof v === 'object' ? stableStringify(v) : String(v)}`);
  return parts.length ? parts.join(', ') : '(base parameters)';
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/**
 * The selection table of one protocol: one row per grid entry of each block; undefined when no record of the groups
 * selected. The entry with the best mean validation metric of each block is marked.
 */
export function selectionTable(id: string, protocol: string, profiles: string, groups: Group[], agg: Aggregation): Table | undefined {
  const blocks = selectionBlocks(groups, agg);
  if (!blocks.length) return undefined;
  const columns: Column[] = [
    ...['dataset', 'setting', 'method', 'metric', 'fraction', 'entry', 'parameters'].map((l) => ({ label: l, kind: 'text' as const })),
    { label: 'wins', kind: 'number' },
    { label: 'win share', kind: 'number' },
    { label: 'validation', kind: 'stat' },
    { label: 'tasks', kind: 'number' },
    { label: 'selection time share', kind: 'number' },
    { label: 'selection s/task', kind: 'number' },
  ];
  const rows: Cell[][] = [];
  for (const b of blocks) {
    const share = b.taskSeconds > 0 ? b.selectSeconds / b.taskSeconds : undefined;
    const perTask = b.timedTasks > 0 ? b.selectSeconds / b.timedTasks : undefined;
    const blockRows: Cell[][] = b.entries.map((e) => {
      const v = e.validation;
      return [
        { text: b.dataset },
        { text: b.setting },
        { text: b.label },
        { text: METRIC_LABEL[b.select.metric as MetricName] },
        { text: b.select.scaleStep ? `${b.select.fraction} (step scaled)` : String(b.select.fraction) },
        { text: String(e.index) },
        { text: entryText(e.params) },
        { text: String(e.wins), mean: e.wins },
        { text: pct(e.wins / b.tasks), mean: e.wins / b.tasks },
        v
          ? { text: fmtStat(v.mean, v.std), mean: v.mean, std: v.std, n: v.n, extra: { tasks: v.tasks, missing: v.missing } }
          : { text: DASH },
        { text: String(b.tasks), mean: b.tasks },
        share === undefined ? { text: DASH } : { text: pct(share), mean: share },
        perTask === undefined ? { text: DASH } : { text: fmt(perTask, 3), mean: perTask },
      ];
    });
    // best mean validation within the block: the column's cells as one row for markBest
    showAndMarkBest(blockRows.map((r) => r[9]), blockRows.map((_, i) => i), higherIsBetter(b.select.metric as MetricName));
    rows.push(...blockRows);
  }
  const notes = [
    `aggregation of the validation metric: ${aggregationNote(agg)}`,
    'one block per dataset, setting and method column; a column is one configuration, its grid as configured (metric, validation fraction, entries in order) included, so runs merged from configs with other grids get their own columns',
    'entry = grid index (info.select_choice); parameters = the entry as written, merged over the column\'s base parameters; ties and undefined validation values go to the earliest entry',
    'wins = tasks (repetition x fold) whose inner validation chose the entry; validation = the entry\'s metric on the inner validation split of the fold\'s training data (never the test cells)',
    'best mean validation per block in bold (higher AUC/AUPR, lower RMSE; compared as shown: 4 decimals, more where a block holds values below 0.01)',
    'selection time share = summed info.select_seconds / summed task seconds of the block (the candidate fits on the inner split as the runner times them; the refit of the winner is not part of it)',
    ...(blocks.some((b) => b.select.scaleStep)
      ? ['fraction "(step scaled)": select.scaleStep, the winner was refitted with its step times inner training cells / fold training cells (info.select_step_ratio)']
      : []),
  ];
  const missing = blocks.reduce((a, b) => a + b.entries.reduce((x, e) => x + (e.validation?.missing ?? b.tasks), 0), 0);
  if (missing) notes.push(`${missing} validation value(s) undefined (e.g. no positive among the validation cells) were skipped`);
  return {
    id: `selection-${id}`,
    title: `Nested hyper-parameter selection (${protocol} protocol, profiles: ${profiles})`,
    meta: { aggregation: agg, protocol, profiles },
    notes,
    columns,
    rows,
  };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
