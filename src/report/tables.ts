/** Table builders from grouped task records: Table 6 layout, recommender RMSE, optimistic numbers, Wilcoxon+Holm. */
import type { TaskRecord } from '../run/record.ts';
import {
  type Aggregation,
  type Group,
  type MetricName,
  METRICS,
  summarize,
  metricOf,
  optimisticOf,
  pairedValues,
  compareDatasets,
  compareMethods,
  protocolIds,
  protocolKey,
} from './aggregate.ts';
import { type Cell, type Column, type Table, DASH, fmt, fmtStat, showAndMarkBest } from './render.ts';
import { wilcoxonSignedRank, holm } from './wilcoxon.ts';
import { higherIsBetter } from '../metrics/index.ts';

export const METRIC_LABEL: Record<MetricName, string> = { auc: 'AUC', aupr: 'AUPR', rmse: 'RMSE' };

export function aggregationNote(a: Aggregation): string {
  return a === 'repetition'
    ? 'per repetition the mean over its folds; mean ± sample std over repetitions'
    : 'per fold index the mean over repetitions; mean ± sample std over folds (the SGMC authors\' convention)';
}

const compareSettings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Groups split by table id (protocol, profiles); ids sorted. */
export function byProtocol(groups: Group[]): { id: string; protocol: string; profiles: string; groups: Group[] }[] {
  const ids = protocolIds(groups.flatMap((g) => g.records.slice(0, 1)));
  const out = new Map<string, { id: string; protocol: string; profiles: string; groups: Group[] }>();
  for (const g of groups) {
    const id = ids.get(protocolKey(g.records[0]))!;
    const e = out.get(id) ?? { id, protocol: g.protocol, profiles: g.profiles, groups: [] };
    e.groups.push(g);
    out.set(id, e);
  }
  return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function statCell(records: TaskRecord[], pick: (r: TaskRecord) => number | undefined, agg: Aggregation): Cell {
  const s = summarize(records, pick, agg);
  if (!s) return { text: DASH };
  return {
    text: fmtStat(s.mean, s.std),
    mean: s.mean,
    std: s.std,
    n: s.n,
    extra: { units: s.units.map((u) => ({ [agg]: u.unit, mean: u.mean, folds: u.count })), tasks: s.tasks, missing: s.missing },
  };
}

function completenessNotes(groups: Group[], agg: Aggregation): string[] {
  const notes: string[] = [];
  for (const g of groups) {
    const reps = new Map<number, number>();
    for (const r of g.records) reps.set(r.task.repetition, (reps.get(r.task.repetition) ?? 0) + 1);
    const counts = [...reps.values()];
    if (new Set(counts).size > 1) {
      notes.push(`${g.dataset}/${g.setting}/${g.label}: unequal fold counts per repetition (${counts.join(', ')}): incomplete run`);
    }
  }
  for (const m of ['auc', 'aupr'] as MetricName[]) {
    let missing = 0;
    for (const g of groups) if (g.kind === 'dti') missing += g.records.filter((r) => r.metrics[m] === undefined || r.metrics[m] === null).length;
    if (missing) notes.push(`${missing} fold record(s) without ${METRIC_LABEL[m]} (undefined on that fold, e.g. no positive test cell) were skipped`);
  }
  const units = new Set(groups.map((g) => summarize(g.records, (r) => r.metrics.rmse, agg)?.n));
  if (units.size === 1) {
    const [u] = units;
    notes.push(`std over n = ${u} ${agg === 'repetition' ? 'repetitions' : 'folds'}`);
  } else notes.push(`n (${agg === 'repetition' ? 'repetitions' : 'folds'}) varies by cell: see CSV/JSON`);
  return notes;
}

/** (dataset, setting) pairs of the groups, datasets and settings in report order. */
function datasetSettings(groups: Group[]): [string, string][] {
  const out: [string, string][] = [];
  for (const d of [...new Set(groups.map((g) => g.dataset))].sort(compareDatasets)) {
    const settings = [...new Set(groups.filter((g) => g.dataset === d).map((g) => g.setting))].sort(compareSettings);
    for (const s of settings) out.push([d, s]);
  }
  return out;
}

/**
 * A table row: the leading cells, then one mean ± std cell of metric `m` per method column, best marked.
 * Null for an optimistic row in which no method has a number.
 */
function metricRow(
  lead: Cell[],
  groups: Group[],
  dataset: string,
  setting: string,
  methods: string[],
  m: MetricName,
  agg: Aggregation,
  optimistic: boolean,
): Cell[] | null {
  const row = [...lead];
  for (const label of methods) {
    const g = groups.find((x) => x.dataset === dataset && x.setting === setting && x.label === label);
    row.push(g ? statCell(g.records, optimistic ? optimisticOf(m) : metricOf(m), agg) : { text: DASH });
  }
  const cols = methods.map((_, i) => i + lead.length);
  if (optimistic && cols.every((i) => row[i].mean === undefined)) return null;
  // small values (Synthetic Netflix RMSE ~0.002) get the decimals that show 3 significant digits
  showAndMarkBest(row, cols, higherIsBetter(m));
  return row;
}

function methodColumns(groups: Group[]): string[] {
  return [...new Set(groups.map((g) => g.label))].sort(compareMethods);
}

/**
 * Table 6 layout: rows (dataset, setting, metric), one column per method, mean ± std; best per row marked
 * (higher AUC/AUPR, lower RMSE). `optimistic` builds the same table from the best-on-test numbers.
 */
export function dtiTable(
  id: string,
  protocol: string,
  profiles: string,
  groups: Group[],
  agg: Aggregation,
  optimistic = false,
): Table | undefined {
  const dti = groups.filter((g) => g.kind === 'dti');
  if (!dti.length) return undefined;
  const methods = methodColumns(dti);
  const columns: Column[] = [
    { label: 'dataset', kind: 'text' },
    { label: 'setting', kind: 'text' },
    { label: 'metric', kind: 'text' },
    ...methods.map((m) => ({ label: m, kind: 'stat' as const })),
  ];
  const rows: Cell[][] = [];
  for (const [d, s] of datasetSettings(dti)) {
    for (const m of METRICS) {
      const row = metricRow([{ text: d }, { text: s }, { text: METRIC_LABEL[m] }], dti, d, s, methods, m, agg, optimistic);
      if (row) rows.push(row);
    }
  }
  if (!rows.length) return undefined;
  const notes = [
    'best value per row in bold (higher AUC/AUPR, lower RMSE; compared as shown: 4 decimals, more where a row holds values below 0.01)',
    `AUPR = average precision on the test cells of each fold; tie rule: ${tieRules(dti)}`,
    ...completenessNotes(dti, agg),
  ];
  if (optimistic) {
    notes.unshift(
      'OPTIMISTIC: numbers from stopping at the best test-set iteration (best-on-test). They use the test labels for model selection and are NOT valid estimates of generalisation; shown only for comparison with published numbers obtained that way.',
    );
  }
  return {
    id: optimistic ? `optimistic-dti-${id}` : `dti-${id}`,
    title: optimistic
      ? `OPTIMISTIC best-on-test DTI results (${protocol} protocol, profiles: ${profiles}) — not valid estimates`
      : `DTI results (${protocol} protocol, profiles: ${profiles})`,
    meta: { aggregation: agg, protocol, profiles },
    notes: [`aggregation: ${aggregationNote(agg)}`, ...notes],
    columns,
    rows,
  };
}

/** Recommender RMSE table: rows (dataset, setting), one column per method; best (lowest) marked. */
export function recsysTable(
  id: string,
  protocol: string,
  profiles: string,
  groups: Group[],
  agg: Aggregation,
  optimistic = false,
): Table | undefined {
  const rec = groups.filter((g) => g.kind === 'ratings');
  if (!rec.length) return undefined;
  const methods = methodColumns(rec);
  const columns: Column[] = [
    { label: 'dataset', kind: 'text' },
    { label: 'setting', kind: 'text' },
    ...methods.map((m) => ({ label: m, kind: 'stat' as const })),
  ];
  const rows: Cell[][] = [];
  for (const [d, s] of datasetSettings(rec)) {
    const row = metricRow([{ text: d }, { text: s }], rec, d, s, methods, 'rmse', agg, optimistic);
    if (row) rows.push(row);
  }
  if (!rows.length) return undefined;
  const notes = [
    `aggregation: ${aggregationNote(agg)} (a fixed train/test split: repetitions are seeds)`,
    'test RMSE; lowest per row in bold (compared as shown: 4 decimals, more where a row holds values below 0.01)',
    'trivial baselines are strong on these splits (METHODS.md §7): compare against the mean/bias baseline column when present',
  ];
  if (optimistic) notes.unshift('OPTIMISTIC: best-on-test stopping; NOT a valid estimate of generalisation.');
  return {
    id: optimistic ? `optimistic-recsys-${id}` : `recsys-${id}`,
    title: optimistic
      ? `OPTIMISTIC best-on-test recommender RMSE (${protocol} protocol) — not valid estimates`
      : `Recommender test RMSE (${protocol} protocol, profiles: ${profiles})`,
    meta: { aggregation: agg, protocol, profiles },
    notes,
    columns,
    rows,
  };
}

/**
 * Paired comparisons: for each dataset/setting/metric and each pair of methods, the Wilcoxon signed-rank test on the
 * per-(repetition, fold) values both have; Holm correction within each dataset/setting/metric family.
 */
export function wilcoxonTable(id: string, protocol: string, profiles: string, groups: Group[], alpha = 0.05): Table | undefined {
  const rows: Cell[][] = [];
  const keys = [...new Set(groups.map((g) => `${g.dataset}\u0000${g.setting}`))].sort((a, b) => {
    const [da, sa] = a.split('\u0000');
    const [db, sb] = b.split('\u0000');
    return compareDatasets(da, db) || compareSettings(sa, sb);
  });
  for (const key of keys) {
    const [d, s] = key.split('\u0000');
    const gs = groups.filter((g) => g.dataset === d && g.setting === s).sort((a, b) => compareMethods(a.label, b.label));
    if (gs.length < 2) continue;
    const metrics = gs[0].kind === 'dti' ? METRICS : (['rmse'] as MetricName[]);
    for (const m of metrics) {
      const family: { a: Group; b: Group; n: number; res: ReturnType<typeof wilcoxonSignedRank>; ma: number; mb: number }[] = [];
      for (let i = 0; i < gs.length; i++) {
        for (let j = i + 1; j < gs.length; j++) {
          const { x, y } = pairedValues(gs[i], gs[j], metricOf(m));
          if (x.length === 0) continue;
          const res = wilcoxonSignedRank(x, y);
          const mean = (v: number[]) => v.reduce((p, q) => p + q, 0) / v.length;
          family.push({ a: gs[i], b: gs[j], n: x.length, res, ma: mean(x), mb: mean(y) });
        }
      }
      const adj = holm(family.map((f) => f.res.p));
      family.forEach((f, k) => {
        const better =
          f.ma === f.mb ? DASH : (higherIsBetter(m) ? f.ma > f.mb : f.ma < f.mb) ? f.a.label : f.b.label;
        rows.push([
          { text: d },
          { text: s },
          { text: METRIC_LABEL[m] },
          { text: f.a.label },
          { text: f.b.label },
          { text: String(f.n), mean: f.n },
          { text: fmt(f.res.medianDiff), mean: f.res.medianDiff },
          { text: fmt(f.res.wPlus, 1), mean: f.res.wPlus },
          { text: f.res.method },
          { text: fmtP(f.res.p), mean: f.res.p },
          { text: fmtP(adj[k]), mean: adj[k] },
          { text: better },
          { text: adj[k] <= alpha ? 'yes' : 'no' },
        ]);
      });
    }
  }
  if (!rows.length) return undefined;
  const columns: Column[] = [
    ...['dataset', 'setting', 'metric', 'method A', 'method B'].map((l) => ({ label: l, kind: 'text' as const })),
    { label: 'pairs', kind: 'number' },
    { label: 'median(A-B)', kind: 'number' },
    { label: 'W+', kind: 'number' },
    { label: 'test', kind: 'text' },
    { label: 'p', kind: 'number' },
    { label: 'p (Holm)', kind: 'number' },
    { label: 'better mean', kind: 'text' },
    { label: `significant at ${alpha}`, kind: 'text' },
  ];
  return {
    id: `wilcoxon-${id}`,
    title: `Paired Wilcoxon signed-rank tests (${protocol} protocol, profiles: ${profiles})`,
    meta: { protocol, profiles, pairing: 'per (repetition, fold)' },
    notes: [
      'two-sided Wilcoxon signed-rank test on the per-fold metric values both methods have (paired by repetition and fold)',
      'zero differences dropped (Wilcoxon); exact permutation p-value (tie-aware) for up to 50 pairs, normal approximation with tie correction and continuity correction above',
      'Holm step-down correction within each dataset/setting/metric family of method pairs',
      'the folds share training data, so the pairs are not independent: read p-values as a screening device, not exact error rates',
    ],
    columns,
    rows,
  };
}

/** The AUPR tie rule(s) recorded in `info.auprTies`, else the scoreTestCells default. */
function tieRules(groups: Group[]): string {
  const rules = new Set<string>();
  for (const g of groups) for (const r of g.records) rules.add(String(r.info?.auprTies ?? 'average'));
  const text: Record<string, string> = {
    average: 'average (expected AP over the orderings of tied scores)',
    block: 'block (precision at the end of each tied block)',
    'index-order': 'index-order (ties broken by cell order, as the MATLAB reference)',
  };
  return [...rules].sort().map((r) => text[r] ?? r).join(' / ');
}

function fmtP(p: number): string {
  if (Number.isNaN(p)) return DASH;
  if (p < 1e-4) return p.toExponential(2);
  return p.toFixed(4);
}
