/**
 * Issue #10: which evaluation convention produced the paper's Table 6? Re-fits SGMC (preset dti-published, published
 * protocol: profiles from the full Y, cold rows as recorded) on the exact folds of the committed 5 x 10 run, with the
 * seeds of its records, through the runner's own `runTask` (so the same dataset loader, fold reader, training view and
 * graph provider), keeps each fold's test scores and scores them under several conventions:
 *
 *   fold-*   one value per fold (AP = the project's AUPR, the control; trapezoid sklearn / perfcurve; AUC)
 *   entity-* CVS2/CVS3: per held-out drug (CVS2) / target (CVS3), averaged over the entities with >= 1 positive
 *            (AUC: with both classes); `entity-fold` = mean per fold, then as folds; `entity-rep` = mean over all
 *            entities of a repetition (each is held out once per repetition)
 *   pooled-* one value per repetition over the concatenated test cells of its 10 folds
 *
 * The control (fold AP, fold AUC) must equal every record's metrics to 1e-9, or the script stops.
 *
 *   nice -n 10 node --import tsx bench/eval-conventions.ts [--datasets nr,gpcr,ic,e] [--e-reps 2] [--e-from 0] [--merge] [--run DIR] [--reading FILE]
 *   nice -n 10 node --import tsx bench/eval-conventions.ts --render [--reading FILE]   (tables from the saved JSON)
 *
 * Writes bench/results/eval-conventions.json and docs/results/published/eval-conventions.{md,csv} (atomic), also
 * after each dataset and setting so a stopped run leaves its partial figures.
 */
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { writeFileAtomic } from '../src/core/atomic.ts';
import { concatArrays, type Mat } from '../src/core/matrix.ts';
import { readRecordsIn } from '../src/run/records.ts';
import type { TaskRecord } from '../src/run/record.ts';
import { loadDeps } from '../src/run/deps.ts';
import { TaskContext, runTask } from '../src/run/execute.ts';
import { DEFAULT_COLD_ROWS, foldsFileFor, taskId, type TaskSpec } from '../src/run/task.ts';
import { auc, aupr, gatherTestCells } from '../src/metrics/index.ts';
import { auprTrapezoid } from '../src/metrics/pr-curve.ts';
import { loadPublished } from '../src/report/published.ts';
import type { Setting } from '../src/splits/types.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TOL: Record<'aupr' | 'auc', number> = { aupr: 0.01, auc: 0.005 };

type Metric = 'aupr' | 'auc';
type Score = (s: ArrayLike<number>, y: ArrayLike<number>) => number;

/** The scorers by name: AUPR conventions and AUC. */
const SCORERS: Record<string, { metric: Metric; f: Score }> = {
  ap: { metric: 'aupr', f: (s, y) => aupr(s, y) },
  'trap-sklearn': { metric: 'aupr', f: (s, y) => auprTrapezoid(s, y, { style: 'sklearn' }) },
  'trap-perfcurve': { metric: 'aupr', f: (s, y) => auprTrapezoid(s, y, { style: 'perfcurve' }) },
  auc: { metric: 'auc', f: auc },
};

export const AGGREGATIONS = ['fold', 'entity-fold', 'entity-rep', 'pooled'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** A fold's test scores, truth and held-out entity per cell (row for CVS2, column for CVS3, -1 for CVS1). */
export interface FoldScores {
  repetition: number;
  fold: number;
  pred: Float64Array;
  y: Float64Array;
  entity: Int32Array;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Per-entity values of one scorer: defined entities' values and how many were skipped (metric undefined). */
export function perEntity(parts: FoldScores[], f: Score): { values: number[]; skipped: number } {
  const groups = new Map<number, { s: number[]; y: number[] }>();
  for (const p of parts) {
    for (let i = 0; i < p.pred.length; i++) {
      let g = groups.get(p.entity[i]);
      if (!g) groups.set(p.entity[i], (g = { s: [], y: [] }));
      g.s.push(p.pred[i]);
      g.y.push(p.y[i]);
    }
  }
  const values: number[] = [];
  let skipped = 0;
  for (const g of groups.values()) {
    const v = f(g.s, g.y);
    if (Number.isNaN(v)) skipped++;
    else values.push(v);
  }
  return { values, skipped };
}

function concat(parts: FoldScores[]): { pred: Float64Array; y: Float64Array } {
  return { pred: concatArrays(parts.map((p) => p.pred)), y: concatArrays(parts.map((p) => p.y)) };
}

export interface VariantValue {
  /** the value per repetition (mean over its folds for fold-wise aggregations) */
  byRep: Record<number, number>;
  /** mean over repetitions */
  mean: number;
  /** entities skipped (metric undefined for them), summed over folds/repetitions */
  skipped?: number;
  /** entities used, summed */
  entities?: number;
}

/**
 * Pure: every aggregation x scorer for one (dataset, setting) from its folds' scores. Entity aggregations only for
 * CVS2/CVS3. A fold (or entity) whose metric is undefined is left out of its mean.
 */
export function variants(folds: FoldScores[], setting: string): Record<string, VariantValue> {
  const reps = [...new Set(folds.map((f) => f.repetition))].sort((a, b) => a - b);
  const out: Record<string, VariantValue> = {};
  for (const [name, sc] of Object.entries(SCORERS)) {
    for (const agg of AGGREGATIONS) {
      if (agg.startsWith('entity') && setting === 'CVS1') continue;
      const byRep: Record<number, number> = {};
      let skipped = 0;
      let entities = 0;
      for (const r of reps) {
        const fs = folds.filter((f) => f.repetition === r);
        let v: number;
        if (agg === 'fold') {
          const vals = fs.map((f) => sc.f(f.pred, f.y)).filter((x) => !Number.isNaN(x));
          v = vals.length ? mean(vals) : NaN;
        } else if (agg === 'pooled') {
          const c = concat(fs);
          v = sc.f(c.pred, c.y);
        } else if (agg === 'entity-fold') {
          const vals: number[] = [];
          for (const f of fs) {
            const e = perEntity([f], sc.f);
            skipped += e.skipped;
            entities += e.values.length;
            if (e.values.length) vals.push(mean(e.values));
          }
          v = vals.length ? mean(vals) : NaN;
        } else {
          const e = perEntity(fs, sc.f);
          skipped += e.skipped;
          entities += e.values.length;
          v = e.values.length ? mean(e.values) : NaN;
        }
        if (!Number.isNaN(v)) byRep[r] = v;
      }
      const vals = Object.values(byRep);
      out[`${agg}:${name}`] = {
        byRep,
        mean: vals.length ? mean(vals) : NaN,
        ...(agg.startsWith('entity') ? { skipped, entities } : {}),
      };
    }
  }
  return out;
}

/** The task spec of a committed record, re-targeted at a scratch output directory (graph cache copied there). */
function specOf(rec: TaskRecord, runDir: string, outdir: string, data: TaskSpec['data']): TaskSpec {
  const t = rec.task;
  if (rec.engine.name !== 'native' || rec.engine.dtype !== 'float64') {
    throw new Error(`record ${t.dataset}/${t.setting} rep${t.repetition} fold${t.fold} ran on ${rec.engine.name} ${rec.engine.dtype}, expected native float64`);
  }
  if (t.seed === undefined) throw new Error(`record ${t.dataset}/${t.setting} rep${t.repetition} fold${t.fold} has no seed`);
  if (t.wknkn || t.select) throw new Error('records with runner WKNKN or selection are not handled here');
  return {
    id: taskId(t.dataset, t.setting, t.method, t.repetition, t.fold),
    key: rec.key,
    datasetRef: t.dataset,
    dataset: t.dataset,
    setting: t.setting as Setting,
    repetition: t.repetition,
    fold: t.fold,
    method: t.methodName ?? t.method,
    label: t.method,
    methodVersion: t.methodVersion,
    preset: t.preset ?? null,
    params: t.params,
    protocol: t.protocol as TaskSpec['protocol'],
    profiles: t.profiles,
    coldRows: t.coldRows ?? DEFAULT_COLD_ROWS,
    wknkn: null,
    traces: null,
    optimistic: false,
    select: null,
    seed: t.seed,
    foldsFile: foldsFileFor(runDir, t.dataset, t.setting),
    engine: { name: 'native', backend: null, dtype: 'float64', threads: 1 },
    outdir,
    savePredictions: false,
    data,
    plugins: [],
  };
}

interface CellResult {
  dataset: string;
  setting: string;
  reps: number[];
  folds: number;
  /** the committed records' mean over all their repetitions (for e, more than re-fitted here) */
  committed: Record<Metric, number>;
  variants: Record<string, VariantValue>;
  fitSeconds: number;
}

/** Adds a cell, or merges its repetitions into a saved cell of the same dataset and setting (repetitions must not overlap). */
function addCell(cells: CellResult[], c: CellResult): void {
  const old = cells.find((x) => x.dataset === c.dataset && x.setting === c.setting);
  if (!old) {
    cells.push(c);
    return;
  }
  const overlap = c.reps.filter((r) => old.reps.includes(r));
  if (overlap.length) throw new Error(`${c.dataset} ${c.setting}: repetitions ${overlap.join(', ')} are already in the saved figures`);
  old.reps = [...old.reps, ...c.reps].sort((a, b) => a - b);
  old.folds += c.folds;
  old.fitSeconds += c.fitSeconds;
  for (const [k, v] of Object.entries(c.variants)) {
    const o = old.variants[k];
    o.byRep = { ...o.byRep, ...v.byRep };
    const vals = Object.values(o.byRep);
    o.mean = vals.length ? mean(vals) : NaN;
    if (v.skipped !== undefined) {
      o.skipped = (o.skipped ?? 0) + v.skipped;
      o.entities = (o.entities ?? 0) + (v.entities ?? 0);
    }
  }
}

interface Row {
  dataset: string;
  setting: string;
  metric: Metric;
  variant: string;
  paper: number | null;
  value: number | null;
  diff: number | null;
  within: boolean | null;
  reps: number;
  skipped?: number;
  entities?: number;
}

function rowsOf(cells: CellResult[]): Row[] {
  const paper = loadPublished().dti.filter((e) => e.method === 'sgmc' && (e.metric === 'aupr' || e.metric === 'auc'));
  const rows: Row[] = [];
  for (const c of cells) {
    for (const metric of ['aupr', 'auc'] as Metric[]) {
      const p = paper.find((e) => e.dataset === c.dataset && e.setting === c.setting && e.metric === metric);
      // nr has no Table 6 cell: its values are listed without a paper number
      for (const [key, v] of Object.entries(c.variants)) {
        const scorer = key.split(':')[1];
        if (SCORERS[scorer].metric !== metric) continue;
        const value = Number.isNaN(v.mean) ? null : v.mean;
        const diff = value === null || !p ? null : value - p.mean;
        rows.push({
          dataset: c.dataset,
          setting: c.setting,
          metric,
          variant: key,
          paper: p ? p.mean : null,
          value,
          diff,
          within: diff === null ? null : Math.abs(diff) <= TOL[metric] + 1e-12,
          reps: Object.keys(v.byRep).length,
          ...(v.skipped !== undefined ? { skipped: v.skipped, entities: v.entities } : {}),
        });
      }
    }
  }
  return rows;
}

const f4 = (v: number | null): string => (v === null ? '-' : v.toFixed(4));
const sgn = (v: number | null): string => (v === null ? '-' : (v >= 0 ? '+' : '') + v.toFixed(4));

function variantOrder(metric: Metric): string[] {
  const names = Object.entries(SCORERS).filter(([, s]) => s.metric === metric).map(([n]) => n);
  return AGGREGATIONS.flatMap((a) => names.map((n) => `${a}:${n}`));
}

interface SummaryRow {
  variant: string;
  metric: Metric;
  within: number;
  of: number;
  /** of the cells the control (fold:ap / fold:auc) misses: how many this variant brings within the target */
  closed: number;
  misses: number;
  /** of the cells the control matches: how many stay within the target */
  kept: number;
  matches: number;
}

/** Per variant: cells within the target, and against the control: misses closed, matches kept. */
function summary(rows: Row[]): SummaryRow[] {
  const out: SummaryRow[] = [];
  for (const metric of ['aupr', 'auc'] as Metric[]) {
    const control = metric === 'aupr' ? 'fold:ap' : 'fold:auc';
    const ctl = new Map(rows.filter((r) => r.variant === control).map((r) => [`${r.dataset}/${r.setting}`, r.within]));
    for (const v of variantOrder(metric)) {
      const rs = rows.filter((r) => r.variant === v && r.within !== null);
      if (!rs.length) continue;
      const miss = rs.filter((r) => ctl.get(`${r.dataset}/${r.setting}`) === false);
      const hit = rs.filter((r) => ctl.get(`${r.dataset}/${r.setting}`) === true);
      out.push({
        variant: v,
        metric,
        within: rs.filter((r) => r.within).length,
        of: rs.length,
        closed: miss.filter((r) => r.within).length,
        misses: miss.length,
        kept: hit.filter((r) => r.within).length,
        matches: hit.length,
      });
    }
  }
  return out;
}

function markdown(cells: CellResult[], rows: Row[], complete: boolean, cmd: string, reading: string): string {
  const L: string[] = [
    '# Which evaluation convention produced Table 6? (issue #10)',
    '',
    `Generated by \`${cmd}\`${complete ? '' : ' — **partial: written before all cells were done**'}.`,
    'SGMC, preset `dti-published`, published protocol, re-fitted on the folds and with the seeds of the committed',
    '5 x 10 run (`outputs/full-published-5x10`), native engine, float64, 1 thread. Every fold\'s control (fold AP, fold',
    "AUC) equals its committed record to 1e-9 (checked), so the scores are the run's scores; only the scoring changes.",
    '',
    'Variants (`aggregation:scorer`): `fold` = one value per fold, mean over folds, then over repetitions (control:',
    '`fold:ap`, `fold:auc`); `entity-fold` = CVS2/CVS3 per held-out drug/target, mean over the entities of a fold with',
    '>= 1 positive (AUC: both classes), then as `fold`; `entity-rep` = mean over all entities of a repetition;',
    '`pooled` = one value per repetition over its 10 folds\' concatenated test cells. Scorers: `ap` = average precision',
    "(the project's AUPR), `trap-sklearn` = `auc(recall, precision)` of scikit-learn's `precision_recall_curve`,",
    '`trap-perfcurve` = MATLAB `perfcurve(..., \'XCrit\',\'reca\',\'YCrit\',\'prec\')` AUC (see docs/metrics.md).',
    'Every value is a mean over repetitions (the paper\'s mean convention gives the same mean). Target: AUPR within',
    '0.01, AUC within 0.005 of the paper.',
    '',
  ];
  const reps = [...new Set(cells.map((c) => `${c.dataset}: repetitions ${c.reps.join(', ')}`))];
  L.push(`Repetitions re-fitted: ${reps.join('; ')}. "committed" = the committed records' mean over all their repetitions.`, '');
  L.push('## Summary: cells within the target, per variant', '');
  L.push('Counted over the Table 6 cells where the variant is defined (entity variants: CVS2/CVS3 only). "misses closed" /');
  L.push('"matches kept": of the cells the control misses / matches, how many this variant has within the target.', '');
  L.push('| variant | metric | cells within target | control misses closed | control matches kept |', '|---|---|---:|---:|---:|');
  for (const s of summary(rows)) {
    L.push(`| ${s.variant} | ${s.metric.toUpperCase()} | ${s.within} of ${s.of} | ${s.closed} of ${s.misses} | ${s.kept} of ${s.matches} |`);
  }
  L.push('');
  if (reading) L.push('## Reading', '', reading, '');
  for (const metric of ['aupr', 'auc'] as Metric[]) {
    const order = variantOrder(metric);
    L.push(`## ${metric.toUpperCase()}: value (difference to the paper; * = within target)`, '');
    L.push(`| dataset | setting | paper | committed | ${order.join(' | ')} |`);
    L.push(`|---|---|---:|---:|${order.map(() => '---:').join('|')}|`);
    for (const c of cells) {
      const rs = rows.filter((r) => r.dataset === c.dataset && r.setting === c.setting && r.metric === metric);
      if (!rs.length) continue;
      const cellsTxt = order.map((v) => {
        const r = rs.find((x) => x.variant === v);
        return r && r.value !== null ? `${f4(r.value)} (${sgn(r.diff)})${r.within ? '*' : ''}` : '-';
      });
      L.push(`| ${c.dataset} | ${c.setting} | ${f4(rs[0].paper)} | ${f4(c.committed[metric])} | ${cellsTxt.join(' | ')} |`);
    }
    L.push('');
  }
  L.push('## Entities skipped by the per-entity variants (no positive; AUC: no positive or no negative)', '');
  L.push('| dataset | setting | variant | entities used | skipped |', '|---|---|---|---:|---:|');
  for (const c of cells) {
    for (const [k, v] of Object.entries(c.variants)) {
      if (v.skipped !== undefined && k.startsWith('entity-rep')) L.push(`| ${c.dataset} | ${c.setting} | ${k} | ${v.entities} | ${v.skipped} |`);
    }
  }
  L.push('');
  return L.join('\n');
}

function csv(rows: Row[]): string {
  const head = 'dataset,setting,metric,variant,paper,value,diff,within_target,repetitions,entities,entities_skipped';
  const body = rows.map((r) =>
    [r.dataset, r.setting, r.metric, r.variant, r.paper, r.value ?? '', r.diff ?? '', r.within ?? '', r.reps, r.entities ?? '', r.skipped ?? ''].join(','),
  );
  return [head, ...body].join('\n') + '\n';
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const runDir = arg('run') ?? join(root, 'outputs/full-published-5x10');
  const datasets = (arg('datasets') ?? 'nr,gpcr,ic,e').split(',');
  const eReps = Number(arg('e-reps') ?? 2);
  const eFrom = Number(arg('e-from') ?? 0);
  const merge = process.argv.includes('--merge');
  const readingFile = arg('reading');
  const cmd = `nice -n 10 node --import tsx bench/eval-conventions.ts ${process.argv.slice(2).join(' ')}`.trim();
  const config = JSON.parse(readFileSync(join(runDir, 'pipeline_info/config.json'), 'utf8')) as { data: TaskSpec['data'] };
  const scratch = mkdtempSync(join(tmpdir(), 'eval-conventions-'));
  // the run's eigenbasis cache, copied (read-only use of the committed run)
  if (existsSync(join(runDir, 'graphs'))) cpSync(join(runDir, 'graphs'), join(scratch, 'graphs'), { recursive: true });
  const base = await loadDeps();
  let captured: { pred: Float64Array; y: Float64Array; cells: Int32Array; cols: number } | null = null;
  const deps = {
    ...base,
    scoreTestCells: (scores: Mat, truth: Mat, testCells: Int32Array, kind: 'dti' | 'ratings') => {
      const g = gatherTestCells(scores, truth, testCells);
      captured = { ...g, cells: testCells, cols: truth.cols };
      return base.scoreTestCells(scores, truth, testCells, kind);
    },
  };
  const ctx = new TaskContext(deps);
  const cells: CellResult[] = [];
  const outJson = join(root, 'bench/results/eval-conventions.json');
  const outBase = join(root, 'docs/results/published/eval-conventions');
  let reading = readingFile ? readFileSync(readingFile, 'utf8').trim() : '';
  const write = async (complete: boolean, command = cmd) => {
    const rows = rowsOf(cells);
    await writeFileAtomic(
      outJson,
      JSON.stringify({ command, complete, runDir, reading, summary: summary(rows), cells, rows }, null, 1) + '\n',
    );
    await writeFileAtomic(`${outBase}.md`, markdown(cells, rows, complete, command, reading) + '\n');
    await writeFileAtomic(`${outBase}.csv`, csv(rows));
  };
  if (process.argv.includes('--render')) {
    // re-render the tables (and the reading) from the saved figures, no fitting
    const saved = JSON.parse(readFileSync(outJson, 'utf8')) as { command: string; complete: boolean; reading?: string; cells: CellResult[] };
    cells.push(...saved.cells);
    if (!readingFile) reading = saved.reading ?? '';
    await write(saved.complete, saved.command);
    rmSync(scratch, { recursive: true, force: true });
    return;
  }
  // --merge: start from the saved figures; a re-run cell's repetitions are added to the saved ones (every variant is
  // a per-repetition value, so repetitions fitted in separate invocations combine exactly)
  let saved: { command: string; cells: CellResult[] } | null = null;
  if (merge) {
    saved = JSON.parse(readFileSync(outJson, 'utf8')) as { command: string; cells: CellResult[] };
    cells.push(...saved.cells);
  }
  const runCmd = saved ? `${saved.command} && ${cmd}` : cmd;
  try {
    for (const ds of datasets) {
      for (const setting of ['CVS1', 'CVS2', 'CVS3']) {
        const recs = await readRecordsIn(runDir, `records/${ds}/${setting}/sgmc/rep*-fold*.json`);
        if (!recs.length) throw new Error(`no sgmc records for ${ds} ${setting} under ${runDir}`);
        const committed = { aupr: 0, auc: 0 } as Record<Metric, number>;
        for (const m of ['aupr', 'auc'] as Metric[]) {
          const reps = [...new Set(recs.map((r) => r.task.repetition))];
          committed[m] = mean(reps.map((r) => mean(recs.filter((x) => x.task.repetition === r && x.metrics[m] !== undefined).map((x) => x.metrics[m]!))));
        }
        const use = recs
          .filter((r) => ds !== 'e' || (r.task.repetition >= eFrom && r.task.repetition < eReps))
          .sort((a, b) => a.task.repetition - b.task.repetition || a.task.fold - b.task.fold);
        const folds: FoldScores[] = [];
        let fitSeconds = 0;
        for (const rec of use) {
          const spec = specOf(rec, runDir, scratch, config.data);
          const m = base.getMethod(spec.method);
          if (m.version !== spec.methodVersion) throw new Error(`${spec.method} is version ${m.version}; the record has ${spec.methodVersion}`);
          captured = null;
          const out = await runTask(spec, ctx);
          fitSeconds += out.timing.seconds;
          const cap = captured as { pred: Float64Array; y: Float64Array; cells: Int32Array; cols: number } | null;
          if (!cap) throw new Error(`${spec.id}: the runner did not score the test cells`);
          for (const k of ['aupr', 'auc'] as Metric[]) {
            const a = out.metrics[k];
            const b = rec.metrics[k];
            const own = k === 'aupr' ? aupr(cap.pred, cap.y) : auc(cap.pred, cap.y);
            const same = (x: number | undefined, y: number | undefined) =>
              (x === undefined && y === undefined) || (x !== undefined && y !== undefined && Math.abs(x - y) <= 1e-9);
            if (!same(a, b) || !same(Number.isNaN(own) ? undefined : own, b)) {
              throw new Error(`${spec.id}: control ${k} ${a} (own ${own}) differs from the committed record's ${b}: not the same folds/model`);
            }
          }
          const entity = new Int32Array(cap.cells.length);
          for (let i = 0; i < cap.cells.length; i++) {
            const c = cap.cells[i];
            entity[i] = setting === 'CVS2' ? Math.floor(c / cap.cols) : setting === 'CVS3' ? c % cap.cols : -1;
          }
          folds.push({ repetition: rec.task.repetition, fold: rec.task.fold, pred: cap.pred, y: cap.y, entity });
        }
        addCell(cells, {
          dataset: ds,
          setting,
          reps: [...new Set(use.map((r) => r.task.repetition))],
          folds: use.length,
          committed,
          variants: variants(folds, setting),
          fitSeconds,
        });
        console.log(`${ds} ${setting}: ${use.length} folds re-fitted in ${fitSeconds.toFixed(1)} s, control matches the records`);
        await write(false, runCmd);
      }
    }
    await write(true, runCmd);
    const s = summary(rowsOf(cells));
    for (const x of s) console.log(`${x.variant.padEnd(28)} ${x.metric}: ${x.within} of ${x.of} within target (misses closed ${x.closed}/${x.misses}, matches kept ${x.kept}/${x.matches})`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
