/**
 * Report stage entry point: task records -> tables (Markdown, CSV, LaTeX, JSON) and plots (SVG, PNG) in one folder.
 * Every file is written atomically; same records and options give byte-identical files (no timestamps).
 */
import { join } from 'node:path';
import { readFile, rm } from 'node:fs/promises';
import type { TaskRecord } from '../run/record.ts';
import { writeFileAtomic } from '../core/atomic.ts';
import { sha256, stableStringify } from '../core/hash.ts';
import { type Aggregation, groupRecords, summarize, metricOf, compareDatasets, compareMethods } from './aggregate.ts';
import { type Table, toMarkdown, toCsv, toLatex, toJson } from './render.ts';
import { byProtocol, dtiTable, recsysTable, wilcoxonTable } from './tables.ts';
import { selectionTable } from './selection.ts';
import { loadPublished, publishedTable, DEFAULT_PUBLISHED } from './published.ts';
import { type CurveInput, type BarRow, curvesSpec, barSpec, singularValueSpec, renderSpec } from './plots.ts';
import { pooledCurves } from './predictions.ts';
import { singularValueTraces } from './traces.ts';

export type { Aggregation } from './aggregate.ts';
export type { CurveInput } from './plots.ts';

export type TableFormat = 'md' | 'csv' | 'tex' | 'json';

export interface ReportOptions {
  /** 'repetition' (default): mean over folds per repetition, mean ± std over repetitions; 'fold': the SGMC authors' */
  aggregation?: Aggregation;
  /** add the published-vs-reproduced table (default true) */
  published?: boolean;
  /** published numbers file (default src/report/published/sgmc-paper.json) */
  publishedFile?: string;
  formats?: TableFormat[];
  /** render plots where their inputs exist (default true) */
  plots?: boolean;
  /** significance level for the Wilcoxon table's last column (default 0.05) */
  alpha?: number;
  /** ROC/PR curves given directly: pooled test scores and labels per method for one dataset/setting */
  curves?: { dataset: string; setting: string; protocol?: string; curves: CurveInput[] };
  /** the run directory: base of TaskRecord.predictions (curves pooled from saved predictions) and of saved traces */
  predictionsDir?: string;
  /** which dataset/setting/repetition to draw curves for from saved predictions (default: the first with any) */
  curveTarget?: { dataset: string; setting: string; repetition?: number; protocol?: string };
  /** singular-value traces of one run, per method (e.g. { sgmc: [...], dmf: [...] }) */
  singularValues?: { traces: Record<string, number[][]>; iterations?: Record<string, number[]>; title?: string | { text: string; subtitle: string }; k?: number };
}

const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_');

/** Builds every table (and plot whose inputs exist) from the records into `outDir`; returns the written paths. */
export async function buildReport(records: TaskRecord[], outDir: string, opts: ReportOptions = {}): Promise<string[]> {
  const agg: Aggregation = opts.aggregation ?? 'repetition';
  if (agg !== 'repetition' && agg !== 'fold') throw new RangeError(`unknown aggregation '${agg}' (repetition | fold)`);
  const formats = opts.formats ?? ['md', 'csv', 'tex', 'json'];
  const groups = groupRecords(records);
  const tables: Table[] = [];
  const protocols = byProtocol(groups);
  for (const p of protocols) {
    const id = safe(p.id);
    for (const t of [
      dtiTable(id, p.protocol, p.profiles, p.groups, agg),
      recsysTable(id, p.protocol, p.profiles, p.groups, agg),
      wilcoxonTable(id, p.protocol, p.profiles, p.groups, opts.alpha ?? 0.05),
      // what nested selection chose (only when some record selected)
      selectionTable(id, p.protocol, p.profiles, p.groups, agg),
    ]) {
      if (t) tables.push(t);
    }
  }
  if (opts.published !== false && groups.length) {
    const t = publishedTable(groups, loadPublished(opts.publishedFile ?? DEFAULT_PUBLISHED), agg);
    if (t) tables.push(t);
  }
  // optimistic numbers only in their own, clearly labelled tables
  for (const p of protocols) {
    const id = safe(p.id);
    for (const t of [dtiTable(id, p.protocol, p.profiles, p.groups, agg, true), recsysTable(id, p.protocol, p.profiles, p.groups, agg, true)]) {
      if (t) tables.push(t);
    }
  }

  const files: { name: string; data: string | Uint8Array }[] = [];
  for (const t of tables) {
    if (formats.includes('md')) files.push({ name: `${t.id}.md`, data: toMarkdown(t) });
    if (formats.includes('csv')) files.push({ name: `${t.id}.csv`, data: toCsv(t) });
    if (formats.includes('tex')) files.push({ name: `${t.id}.tex`, data: toLatex(t) });
    if (formats.includes('json')) files.push({ name: `${t.id}.json`, data: toJson(t) });
  }
  if (tables.length) {
    files.push({ name: 'report.md', data: `# Report\n\n${tables.map(toMarkdown).join('\n')}` });
  }

  if (opts.plots !== false) {
    for (const p of protocols) {
      const rows: BarRow[] = [];
      for (const g of p.groups.filter((x) => x.kind === 'dti')) {
        const s = summarize(g.records, metricOf('aupr'), agg);
        if (s) rows.push({ dataset: g.dataset, setting: g.setting, method: g.label, mean: s.mean, std: s.std });
      }
      if (!rows.length) continue;
      rows.sort((a, b) => compareDatasets(a.dataset, b.dataset) || cmp(a.setting, b.setting) || compareMethods(a.method, b.method));
      const order = [...new Set(rows.map((r) => r.method))].sort(compareMethods);
      const title = { text: 'AUPR, mean ± std', subtitle: `${p.protocol} protocol · profiles ${p.profiles} · ${agg} aggregation` };
      const spec = barSpec(rows, title, 'AUPR', order);
      await addPlot(files, `aupr-bars-${safe(p.id)}`, spec);
    }
    let curves = opts.curves;
    if (!curves && opts.predictionsDir) {
      const t = opts.curveTarget;
      const candidates = groups.filter(
        (g) =>
          g.kind === 'dti' &&
          g.records.some((r) => r.predictions) &&
          (!t || (g.dataset === t.dataset && g.setting === t.setting && (!t.protocol || g.protocol === t.protocol))),
      );
      if (candidates.length) {
        const first = [...candidates].sort((a, b) => compareDatasets(a.dataset, b.dataset) || cmp(a.setting, b.setting) || cmp(a.protocol, b.protocol))[0];
        const same = candidates
          .filter((g) => g.dataset === first.dataset && g.setting === first.setting && g.protocol === first.protocol && g.profiles === first.profiles)
          .sort((a, b) => compareMethods(a.label, b.label));
        const pooled = await pooledCurves(same, opts.predictionsDir, t?.repetition);
        if (pooled.length) curves = { dataset: first.dataset, setting: first.setting, protocol: first.protocol, curves: pooled };
      }
    }
    if (curves && curves.curves.length) {
      const title = `${curves.dataset} ${curves.setting}${curves.protocol ? ` (${curves.protocol})` : ''}: test cells pooled over folds`;
      await addPlot(files, `curves-${safe(curves.dataset)}-${safe(curves.setting)}`, curvesSpec(curves.curves, title));
    }
    const sv = opts.singularValues ?? (opts.predictionsDir ? await singularValueTraces(groups, opts.predictionsDir) : undefined);
    if (sv && Object.keys(sv.traces).length) {
      await addPlot(files, 'singular-values', singularValueSpec(sv.traces, { k: 'k' in sv ? sv.k : undefined, iterations: sv.iterations, title: sv.title }));
    }
  }

  const manifest = {
    schema: 'sgmc-dti/report/1',
    aggregation: agg,
    records: records.length,
    recordKeysSha256: sha256(stableStringify(records.map((r) => r.key).sort())),
    files: files.map((f) => ({ name: f.name, sha256: sha256(typeof f.data === 'string' ? Buffer.from(f.data) : f.data) })),
  };
  files.push({ name: 'manifest.json', data: JSON.stringify(manifest, null, 2) + '\n' });
  const previous = await previousFiles(outDir);
  const written: string[] = [];
  for (const f of files) {
    const path = join(outDir, f.name);
    await writeFileAtomic(path, f.data);
    written.push(path);
  }
  // files an earlier report wrote (per its manifest) that this one no longer produces are stale: remove them
  const now = new Set(files.map((f) => f.name));
  for (const name of previous) if (!now.has(name)) await rm(join(outDir, name), { force: true });
  return written;
}

/** Names listed in an existing manifest.json of `dir` (plain file names only). */
async function previousFiles(dir: string): Promise<string[]> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { schema?: string; files?: { name?: unknown }[] };
    if (m.schema !== 'sgmc-dti/report/1' || !Array.isArray(m.files)) return [];
    return m.files.map((f) => f.name).filter((n): n is string => typeof n === 'string' && /^[A-Za-z0-9._-]+$/.test(n));
  } catch {
    return [];
  }
}

async function addPlot(files: { name: string; data: string | Uint8Array }[], stem: string, spec: Record<string, unknown>) {
  const { svg, png } = await renderSpec(spec);
  files.push({ name: `${stem}.svg`, data: svg }, { name: `${stem}.png`, data: png });
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
