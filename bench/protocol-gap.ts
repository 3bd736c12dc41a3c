/**
 * The published and the leak-free protocol side by side on the same folds: for every (method, dataset, setting)
 * the 5 x 10 mean (± std over the repetition means) of each run, the paired per-fold difference (leak-free minus
 * published) with a two-sided Wilcoxon signed-rank test over the folds (Holm-corrected over the cells of a metric),
 * and per cell the best method under each protocol, i.e. whether the leak of full-matrix profiles changes which
 * method wins. Runs are matched by method label, dataset, setting, repetition and fold.
 *
 *   node --import tsx bench/protocol-gap.ts PUBLISHED_OUTDIR LEAKFREE_OUTDIR OUT_BASENAME
 *
 * Writes OUT_BASENAME.md and OUT_BASENAME.csv.
 */
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/core/atomic.ts';
import { readRecordsIn } from '../src/run/records.ts';
import type { TaskRecord } from '../src/run/record.ts';
import { compareDatasets, compareMethods, summarize } from '../src/report/aggregate.ts';
import { holm, wilcoxonSignedRank } from '../src/report/wilcoxon.ts';
import { pairRuns } from '../src/report/pair-runs.ts';
import { f4 } from './table6-target.ts';

export type DtiMetric = 'aupr' | 'auc';

export interface GapRow {
  method: string;
  dataset: string;
  setting: string;
  metric: DtiMetric;
  /** folds both runs have */
  folds: number;
  published: { mean: number; std: number };
  leakFree: { mean: number; std: number };
  /** mean over the paired folds of leak-free minus published */
  meanDiff: number;
  /** Wilcoxon signed-rank p (two-sided) over the paired folds, and Holm-adjusted over the cells of this metric */
  p: number;
  pHolm: number;
}

export interface BestRow {
  dataset: string;
  setting: string;
  metric: DtiMetric;
  published: string;
  leakFree: string;
}

/** Pure: the paired rows of every cell both runs have, and the best method per cell and metric under each run. */
export function protocolGap(published: TaskRecord[], leakFree: TaskRecord[]): { rows: GapRow[]; best: BestRow[] } {
  const rows: GapRow[] = [];
  for (const [key, all] of pairRuns(published, leakFree).cells) {
    const [method, dataset, setting] = key.split('|');
    for (const metric of ['aupr', 'auc'] as const) {
      const pairs = all.filter(([x, y]) => Number.isFinite(x.metrics[metric]) && Number.isFinite(y.metrics[metric]));
      if (pairs.length === 0) continue;
      const pick = (r: TaskRecord): number | undefined => r.metrics[metric];
      // mean and std (NaN below 2 repetitions) over the repetition means of the paired folds
      const side = (rs: TaskRecord[]): { mean: number; std: number } => {
        const { mean, std } = summarize(rs, pick)!;
        return { mean, std };
      };
      const lf = pairs.map(([, r]) => r.metrics[metric]!);
      const pub = pairs.map(([r]) => r.metrics[metric]!);
      rows.push({
        method, dataset, setting, metric, folds: pairs.length,
        published: side(pairs.map(([r]) => r)),
        leakFree: side(pairs.map(([, r]) => r)),
        meanDiff: lf.reduce((s, v, i) => s + v - pub[i], 0) / lf.length,
        p: wilcoxonSignedRank(lf, pub).p,
        pHolm: NaN,
      });
    }
  }
  for (const metric of ['aupr', 'auc'] as const) {
    const rs = rows.filter((r) => r.metric === metric && Number.isFinite(r.p));
    holm(rs.map((r) => r.p)).forEach((p, i) => (rs[i].pHolm = p));
  }
  rows.sort((x, y) => compareDatasets(x.dataset, y.dataset) || x.setting.localeCompare(y.setting) || x.metric.localeCompare(y.metric) || compareMethods(x.method, y.method));
  const best: BestRow[] = [];
  for (const r of rows) {
    if (best.some((o) => o.dataset === r.dataset && o.setting === r.setting && o.metric === r.metric)) continue;
    const cell = rows.filter((o) => o.dataset === r.dataset && o.setting === r.setting && o.metric === r.metric);
    const top = (side: 'published' | 'leakFree'): string => cell.reduce((m, o) => (o[side].mean > m[side].mean ? o : m)).method;
    best.push({ dataset: r.dataset, setting: r.setting, metric: r.metric, published: top('published'), leakFree: top('leakFree') });
  }
  return { rows, best };
}

const pFmt = (p: number): string => (Number.isNaN(p) ? '-' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

/** The Markdown page: AUPR and AUC tables (published -> leak-free, difference, Holm p) and the winners. */
export function gapMarkdown(rows: GapRow[], best: BestRow[], header: string[]): string {
  const methods = [...new Set(rows.map((r) => r.method))].sort(compareMethods);
  const cells = [...new Set(rows.map((r) => `${r.dataset}|${r.setting}`))];
  const table = (metric: DtiMetric): string[] => [
    `### ${metric.toUpperCase()}: published -> leak-free (difference; Holm-adjusted Wilcoxon p over the paired folds)`,
    '',
    `| dataset | setting | ${methods.join(' | ')} | best published | best leak-free |`,
    `|---|---|${methods.map(() => '---|').join('')}---|---|`,
    ...cells.map((c) => {
      const [dataset, setting] = c.split('|');
      const cols = methods.map((m) => {
        const r = rows.find((o) => o.method === m && o.dataset === dataset && o.setting === setting && o.metric === metric);
        return r ? `${r.published.mean.toFixed(3)} -> ${r.leakFree.mean.toFixed(3)} (${(r.meanDiff >= 0 ? '+' : '') + r.meanDiff.toFixed(3)}; ${pFmt(r.pHolm)})` : '-';
      });
      const b = best.find((o) => o.dataset === dataset && o.setting === setting && o.metric === metric);
      return `| ${dataset} | ${setting} | ${cols.join(' | ')} | ${b?.published ?? '-'} | ${b?.leakFree ?? '-'} |`;
    }),
    '',
  ];
  const changed = best.filter((b) => b.published !== b.leakFree);
  return [
    ...header,
    '',
    ...table('aupr'),
    ...table('auc'),
    `The best method changes between the protocols in ${changed.length} of ${best.length} (cell, metric) pairs` +
      (changed.length ? `: ${changed.map((b) => `${b.dataset} ${b.setting} ${b.metric.toUpperCase()} ${b.published} -> ${b.leakFree}`).join('; ')}.` : '.'),
    '',
  ].join('\n');
}

export function gapCsv(rows: GapRow[]): string {
  const head = 'method,dataset,setting,metric,folds,published_mean,published_std,leakfree_mean,leakfree_std,mean_diff,p,p_holm';
  return [head, ...rows.map((r) => [r.method, r.dataset, r.setting, r.metric, r.folds, f4(r.published.mean), f4(r.published.std), f4(r.leakFree.mean), f4(r.leakFree.std), f4(r.meanDiff), r.p, r.pHolm].join(','))].join('\n') + '\n';
}

async function main(): Promise<void> {
  const [dirA, dirB, outBase] = process.argv.slice(2);
  if (!dirA || !dirB || !outBase) {
    console.error('usage: bench/protocol-gap.ts PUBLISHED_OUTDIR LEAKFREE_OUTDIR OUT_BASENAME');
    process.exit(2);
  }
  const [a, b] = await Promise.all([readRecordsIn(dirA, undefined, { strict: true }), readRecordsIn(dirB, undefined, { strict: true })]);
  const { rows, best } = protocolGap(a, b);
  if (rows.length === 0) throw new Error(`no cells in common between ${dirA} and ${dirB}`);
  const header = [
    '# Published vs leak-free protocol on the same folds',
    '',
    `Generated by \`node --import tsx bench/protocol-gap.ts ${dirA} ${dirB} ${outBase}\` on ${new Date().toISOString()}.`,
    'Means over 5 repetitions x 10 folds; the difference is leak-free minus published, averaged over the paired folds',
    '(same repetition and fold); p: two-sided Wilcoxon signed-rank test over those folds, Holm-adjusted over the cells',
    'of the metric. Per-cell stds (over the repetition means): the .csv beside this file.',
  ];
  await writeFileAtomic(`${outBase}.md`, gapMarkdown(rows, best, header));
  await writeFileAtomic(`${outBase}.csv`, gapCsv(rows));
  console.log(`wrote ${outBase}.md and ${outBase}.csv (${rows.length} rows)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
