/** The paper's published numbers (src/report/published/sgmc-paper.json) beside reproduced ones. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../core/errors.ts';
import { type Aggregation, type Group, type MetricName, METRICS, summarize, metricOf, canonicalName, compareDatasets, compareMethods } from './aggregate.ts';
import { type Cell, type Column, type Table, DASH, decimalsFor, fmt, fmtStat } from './render.ts';
import { METRIC_LABEL, aggregationNote } from './tables.ts';

export interface PublishedEntry {
  dataset: string;
  setting?: string;
  metric: MetricName;
  method: string;
  mean: number;
  std?: number;
  /** the cell exactly as printed */
  printed: string;
  table?: string;
  /** 'typo' (obvious misprint, kept as printed) or 'suspicious' */
  flag?: 'typo' | 'suspicious';
  note?: string;
  /** a second printed number (e.g. early stopping) */
  alt?: { mean: number; label: string };
}

export interface Published {
  schema: 'sgmc-dti/published/1';
  source: Record<string, string>;
  dti: PublishedEntry[];
  recsys: PublishedEntry[];
}

export const DEFAULT_PUBLISHED = fileURLToPath(new URL('./published/sgmc-paper.json', import.meta.url));

export function loadPublished(path = DEFAULT_PUBLISHED): Published {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(`cannot read published numbers: ${(e as Error).message}`, { file: path });
  }
  const p = raw as Published;
  if (p?.schema !== 'sgmc-dti/published/1') throw new InputError(`expected schema sgmc-dti/published/1`, { file: path, field: 'schema' });
  for (const part of ['dti', 'recsys'] as const) {
    if (!Array.isArray(p[part])) throw new InputError('missing array', { file: path, field: part });
    p[part].forEach((e, i) => {
      const field = (f: string) => ({ file: path, field: `${part}[${i}].${f}` });
      if (typeof e.dataset !== 'string') throw new InputError('missing dataset', field('dataset'));
      if (typeof e.method !== 'string') throw new InputError('missing method', field('method'));
      if (!METRICS.includes(e.metric)) throw new InputError(`bad metric ${e.metric}`, field('metric'));
      if (!Number.isFinite(e.mean)) throw new InputError('mean must be a number', field('mean'));
      if (typeof e.printed !== 'string') throw new InputError('missing printed text', field('printed'));
    });
  }
  return p;
}

/**
 * One row per published entry whose dataset (and, for DTI, setting) was reproduced under some protocol: published
 * value as printed, ours as mean ± std, difference of means (ours - published), the protocol that produced ours.
 */
export function publishedTable(groups: Group[], published: Published, agg: Aggregation): Table | undefined {
  const rows: Cell[][] = [];
  const protocols = [...new Set(groups.map((g) => `${g.protocol}\u0000${g.profiles}`))].sort();
  const all = [...published.dti.map((e) => ({ e, kind: 'dti' as const })), ...published.recsys.map((e) => ({ e, kind: 'ratings' as const }))];
  let unmatched = 0;
  const ran = new Set(groups.map((g) => canonicalName(g.registered)));
  for (const pk of protocols) {
    const [protocol, profiles] = pk.split('\u0000');
    const gs = groups.filter((g) => g.protocol === protocol && g.profiles === profiles);
    const present = (e: PublishedEntry, kind: 'dti' | 'ratings') =>
      gs.some((g) => g.kind === kind && canonicalName(g.dataset) === e.dataset && (kind === 'ratings' || g.setting === e.setting));
    const entries = all
      .filter(({ e, kind }) => present(e, kind))
      .sort(
        (a, b) =>
          compareDatasets(a.e.dataset, b.e.dataset) ||
          cmp(a.e.setting ?? '', b.e.setting ?? '') ||
          METRICS.indexOf(a.e.metric) - METRICS.indexOf(b.e.metric) ||
          compareMethods(a.e.method, b.e.method),
      );
    for (const { e, kind } of entries) {
      const matches = gs.filter(
        (g) =>
          g.kind === kind &&
          canonicalName(g.dataset) === e.dataset &&
          (kind === 'ratings' || g.setting === e.setting) &&
          canonicalName(g.registered) === e.method,
      );
      // an unreproduced cell is listed for the DTI methods and for recommender methods we ran somewhere
      if (!matches.length && (kind === 'dti' || ran.has(e.method))) {
        unmatched++;
        rows.push(row(e, kind, undefined, protocol, profiles, agg));
      }
      for (const g of matches) rows.push(row(e, kind, g, protocol, profiles, agg));
    }
  }
  if (!rows.length) return undefined;
  const columns: Column[] = [
    ...['dataset', 'setting', 'metric', 'method', 'source'].map((l) => ({ label: l, kind: 'text' as const })),
    { label: 'published', kind: 'text' },
    { label: 'published value', kind: 'number' },
    { label: 'reproduced', kind: 'text' },
    { label: 'n', kind: 'number' },
    { label: 'difference', kind: 'number' },
    { label: 'protocol', kind: 'text' },
    { label: 'profiles', kind: 'text' },
    { label: 'flag', kind: 'text' },
    { label: 'note', kind: 'text' },
  ];
  return {
    id: 'published-vs-reproduced',
    title: 'Published (SGMC paper) vs reproduced',
    meta: { aggregation: agg },
    notes: [
      `published: ${published.source.paper ?? 'SGMC paper'}; DTI from Table 6, recommenders from Tables 1-3 (transcribed in src/report/published/sgmc-paper.json, printed text kept verbatim)`,
      `published DTI std: ${published.source.aggregation === 'fold' ? 'the authors averaged the 5 repetitions per fold and took the std over the 10 folds' : published.source.aggregation}`,
      `reproduced: ${aggregationNote(agg)}; means agree between the two conventions on complete runs, the stds do not`,
      'difference = reproduced mean - published mean; protocol/profiles say how ours were produced (leak-free uses training-fold profiles or none; published = full-matrix profiles)',
      "flag 'typo' marks cells that are obvious misprints in the paper (kept as printed; their differences are meaningless); 'suspicious' marks doubtful stds",
      "'published' is the cell as printed; 'published value' is the number compared (for a printed pair, see the note)",
      ...(unmatched ? [`${unmatched} published cell(s) of methods we run have no reproduced counterpart (shown with a dash)`] : []),
    ],
    columns,
    rows,
  };
}

function row(
  e: PublishedEntry,
  kind: 'dti' | 'ratings',
  g: Group | undefined,
  protocol: string,
  profiles: string,
  agg: Aggregation,
): Cell[] {
  const s = g ? summarize(g.records, metricOf(e.metric), agg) : undefined;
  const diff = s ? s.mean - e.mean : undefined;
  // as many decimals as the published value and ours need for 3 significant digits (at least 4)
  const digits = decimalsFor([e.mean, s?.mean]);
  const note = [e.note, e.alt ? `also printed: ${e.alt.mean} (${e.alt.label})` : undefined, g && g.label !== g.registered ? `variant ${g.label}` : undefined]
    .filter(Boolean)
    .join('; ');
  return [
    { text: e.dataset },
    { text: kind === 'dti' ? (e.setting ?? DASH) : g?.setting ?? DASH },
    { text: METRIC_LABEL[e.metric] },
    { text: e.method },
    { text: e.table ?? (kind === 'dti' ? 'Table 6' : DASH) },
    { text: e.printed },
    { text: String(e.mean), mean: e.mean },
    s ? { text: fmtStat(s.mean, s.std, digits), mean: s.mean, std: s.std } : { text: DASH },
    s ? { text: String(s.n), mean: s.n } : { text: DASH },
    diff !== undefined ? { text: (diff >= 0 ? '+' : '') + fmt(diff, digits), mean: diff } : { text: DASH },
    { text: protocol },
    { text: profiles },
    { text: e.flag ?? '' },
    { text: note },
  ];
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
