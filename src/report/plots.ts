/**
 * Plots: Vega-Lite specs built from plain arrays (pure), rendered to SVG by Vega in Node (`view.toSVG()`, no canvas)
 * and to PNG by resvg (@resvg/resvg-js: prebuilt binding from npm, no downloads at run time).
 * Fonts: DejaVu Sans (Debian package fonts-dejavu-core) or the directory in $DTI_FONT_DIR; otherwise system fonts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aupr as averagePrecision, auc as rocAuc } from '../metrics/index.ts';
import { parseFontWidths, type FontWidths } from './fontmetrics.ts';

export interface CurveInput {
  method: string;
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
}

export interface Point {
  x: number;
  y: number;
}

const FONT = 'DejaVu Sans';

/** Distinct-threshold ROC points from (0,0) to (1,1); tied scores give one diagonal step. */
export function rocPoints(scores: ArrayLike<number>, labels: ArrayLike<number>): Point[] {
  const { blocks, P, N } = thresholdBlocks(scores, labels);
  const pts: Point[] = [{ x: 0, y: 0 }];
  let tp = 0;
  let fp = 0;
  for (const b of blocks) {
    tp += b.pos;
    fp += b.neg;
    pts.push({ x: N ? fp / N : 0, y: P ? tp / P : 0 });
  }
  return pts;
}

/** Precision-recall points at distinct thresholds (precision at the end of each tied block), recall ascending. */
export function prPoints(scores: ArrayLike<number>, labels: ArrayLike<number>): Point[] {
  const { blocks, P } = thresholdBlocks(scores, labels);
  const pts: Point[] = [];
  let tp = 0;
  let k = 0;
  for (const b of blocks) {
    tp += b.pos;
    k += b.pos + b.neg;
    if (!pts.length) pts.push({ x: 0, y: tp / k });
    pts.push({ x: P ? tp / P : 0, y: tp / k });
  }
  return pts;
}

function thresholdBlocks(scores: ArrayLike<number>, labels: ArrayLike<number>) {
  if (scores.length !== labels.length) throw new RangeError(`curve: ${scores.length} scores but ${labels.length} labels`);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const blocks: { pos: number; neg: number }[] = [];
  let P = 0;
  let N = 0;
  let prev = NaN;
  for (const i of idx) {
    const pos = labels[i] > 0;
    if (pos) P++;
    else N++;
    if (!blocks.length || scores[i] !== prev) blocks.push({ pos: 0, neg: 0 });
    const b = blocks[blocks.length - 1];
    if (pos) b.pos++;
    else b.neg++;
    prev = scores[i];
  }
  return { blocks, P, N };
}

/** Thins a curve to at most ~`max` points, keeping the ends and every point that moves by >= 1/max. */
export function thin(points: Point[], max = 400): Point[] {
  if (points.length <= max) return points;
  const step = 1 / max;
  const out: Point[] = [points[0]];
  for (let i = 1; i < points.length - 1; i++) {
    const last = out[out.length - 1];
    if (Math.abs(points[i].x - last.x) >= step || Math.abs(points[i].y - last.y) >= step) out.push(points[i]);
  }
  out.push(points[points.length - 1]);
  return out;
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;

/** ROC and PR curves side by side, one line per method, pooled scores (e.g. all folds of one repetition). */
export function curvesSpec(curves: CurveInput[], title: string): Record<string, unknown> {
  const roc: Record<string, unknown>[] = [];
  const pr: Record<string, unknown>[] = [];
  for (const c of curves) {
    const a = rocAuc(c.scores, c.labels);
    const p = averagePrecision(c.scores, c.labels);
    const rocName = `${c.method} (pooled AUC ${a.toFixed(3)})`;
    const prName = `${c.method} (pooled AP ${p.toFixed(3)})`;
    thin(rocPoints(c.scores, c.labels)).forEach((q, i) => roc.push({ series: rocName, method: c.method, i, fpr: round(q.x), tpr: round(q.y) }));
    thin(prPoints(c.scores, c.labels)).forEach((q, i) => pr.push({ series: prName, method: c.method, i, recall: round(q.x), precision: round(q.y) }));
  }
  const panel = (values: Record<string, unknown>[], x: string, y: string, xt: string, yt: string, t: string, interpolate: string) => ({
    title: t,
    width: 300,
    height: 300,
    data: { values },
    mark: { type: 'line', interpolate, strokeWidth: 1.5, clip: true },
    encoding: {
      x: { field: x, type: 'quantitative', title: xt, scale: { domain: [0, 1] } },
      y: { field: y, type: 'quantitative', title: yt, scale: { domain: [0, 1] } },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 1, labelLimit: 400 } },
      order: { field: 'i', type: 'quantitative' },
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    hconcat: [
      panel(roc, 'fpr', 'tpr', 'false positive rate', 'true positive rate', 'ROC', 'linear'),
      panel(pr, 'recall', 'precision', 'recall', 'precision', 'Precision-recall', 'step-before'),
    ],
    resolve: { scale: { color: 'independent' } },
    config: baseConfig(),
  };
}

export interface BarRow {
  dataset: string;
  setting: string;
  method: string;
  mean: number;
  std: number;
}

/** Bar chart of a metric (mean with ± std error bars), faceted by dataset (rows) and setting (columns). */
export function barSpec(rows: BarRow[], title: string | { text: string; subtitle: string }, yTitle = 'AUPR', methodOrder?: string[]): Record<string, unknown> {
  const values = rows.map((r) => ({
    ...r,
    lo: round(Number.isNaN(r.std) ? r.mean : r.mean - r.std),
    hi: round(Number.isNaN(r.std) ? r.mean : r.mean + r.std),
    mean: round(r.mean),
  }));
  const order = methodOrder ?? [...new Set(rows.map((r) => r.method))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: typeof title === 'string' ? title : { ...title, anchor: 'start' },
    data: { values },
    facet: {
      row: { field: 'dataset', type: 'nominal', title: null, sort: [...new Set(rows.map((r) => r.dataset))] },
      column: { field: 'setting', type: 'nominal', title: null, sort: 'ascending' },
    },
    spec: {
      width: Math.max(120, 28 * order.length),
      height: 140,
      layer: [
        {
          mark: 'bar',
          encoding: {
            x: { field: 'method', type: 'nominal', sort: order, title: null, axis: { labelAngle: -40 } },
            y: { field: 'mean', type: 'quantitative', title: yTitle, scale: { domain: [0, 1] } },
            color: { field: 'method', type: 'nominal', sort: order, legend: null },
          },
        },
        {
          mark: { type: 'errorbar', ticks: { size: 8 }, color: 'black' },
          encoding: {
            x: { field: 'method', type: 'nominal', sort: order },
            y: { field: 'lo', type: 'quantitative', title: yTitle },
            y2: { field: 'hi' },
          },
        },
      ],
    },
    config: baseConfig(),
  };
}

/**
 * Singular-value dynamics: for each method, traces[t] = singular values (any order) at checkpoint t; plots the top
 * `k` values against the checkpoint (or `iterations[t]`), one panel per method, log scale on y.
 */
export function singularValueSpec(
  traces: Record<string, number[][]>,
  opts: { k?: number; iterations?: Record<string, number[]>; title?: string | { text: string; subtitle: string }; log?: boolean } = {},
): Record<string, unknown> {
  const k = opts.k ?? 10;
  const values: Record<string, unknown>[] = [];
  const methods = Object.keys(traces).sort();
  for (const m of methods) {
    traces[m].forEach((sv, t) => {
      if (!Array.isArray(sv)) throw new RangeError(`singular values of ${m} at checkpoint ${t} are not an array`);
      const sorted = [...sv].sort((a, b) => b - a).slice(0, k);
      const it = opts.iterations?.[m]?.[t] ?? t;
      sorted.forEach((v, j) => {
        if (!Number.isFinite(v)) throw new RangeError(`singular value ${j} of ${m} at checkpoint ${t} is ${v}`);
        values.push({ method: m, iteration: it, index: `σ${j + 1}`, rank: j + 1, value: opts.log === false ? v : Math.max(v, 1e-12) });
      });
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title:
      opts.title === undefined
        ? `Singular-value dynamics (top ${k})`
        : typeof opts.title === 'string'
          ? opts.title
          : { ...opts.title, anchor: 'start' },
    data: { values },
    facet: { column: { field: 'method', type: 'nominal', title: null, sort: methods } },
    spec: {
      width: 300,
      height: 240,
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'iteration', type: 'quantitative', title: opts.iterations ? 'iteration' : 'checkpoint' },
        y: {
          field: 'value',
          type: 'quantitative',
          title: 'singular value',
          scale: opts.log === false ? {} : { type: 'log' },
        },
        color: { field: 'rank', type: 'ordinal', title: 'index', scale: { scheme: 'viridis' } },
        detail: { field: 'index', type: 'nominal' },
      },
    },
    resolve: { scale: { y: 'shared' } },
    config: baseConfig(),
  };
}

function baseConfig(): Record<string, unknown> {
  return { font: FONT, background: 'white', view: { stroke: '#ccc' }, axis: { labelFlush: false } };
}

/** Font files for resvg: $DTI_FONT_DIR, else DejaVu from fonts-dejavu-core; empty -> resvg loads system fonts. */
export function fontFiles(): string[] {
  const dirs = [process.env.DTI_FONT_DIR, '/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu', '/usr/local/share/fonts'];
  for (const d of dirs) {
    if (!d || !existsSync(d)) continue;
    const files = readdirSync(d)
      .filter((f) => /^DejaVuSans(-Bold)?\.ttf$/.test(f) || (d === process.env.DTI_FONT_DIR && /\.(ttf|otf)$/i.test(f)))
      .sort()
      .map((f) => join(d, f));
    if (files.length) return files;
  }
  return [];
}

let widthsCache: { regular?: FontWidths; bold?: FontWidths } | undefined;

/** Advance-width tables of the regular and bold fonts resvg will use (undefined when not found). */
function fontWidths(files: string[]): { regular?: FontWidths; bold?: FontWidths } {
  if (widthsCache) return widthsCache;
  const load = (re: RegExp): FontWidths | undefined => {
    const f = files.find((x) => re.test(x));
    try {
      return f ? parseFontWidths(readFileSync(f)) : undefined;
    } catch {
      return undefined;
    }
  };
  widthsCache = { regular: load(/DejaVuSans\.ttf$/), bold: load(/DejaVuSans-Bold\.ttf$/) };
  return widthsCache;
}

/** Vega-Lite spec -> SVG text (Vega in Node, no canvas) and PNG bytes (resvg, `scale` x). */
export async function renderSpec(spec: Record<string, unknown>, scale = 2): Promise<{ svg: string; png: Uint8Array }> {
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const { Resvg } = await import('@resvg/resvg-js');
  const compiled = vl.compile(spec as never).spec;
  const files = fontFiles();
  const widths = fontWidths(files);
  const metrics = (vega as unknown as { textMetrics: unknown }).textMetrics as { width: (item: Record<string, unknown>, text?: unknown) => number };
  const saved = metrics.width;
  if (widths.regular) {
    const regular = widths.regular;
    const bold = widths.bold ?? regular;
    metrics.width = (item, text) => {
      const t = text ?? item.text;
      const str = Array.isArray(t) ? t.join(' ') : t == null ? '' : String(t);
      const w = item.fontWeight;
      const isBold = w === 'bold' || w === 'bolder' || (typeof w === 'number' && w >= 600);
      return (isBold ? bold : regular).width(str, typeof item.fontSize === 'number' ? item.fontSize : 11);
    };
  }
  // clip-path/gradient ids count up per process: reset them so the same spec always gives the same SVG
  (vega as unknown as { resetSVGDefIds?: () => void }).resetSVGDefIds?.();
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
    metrics.width = saved;
  }
  const png = new Resvg(svg, {
    font: { loadSystemFonts: files.length === 0, fontFiles: files, defaultFontFamily: FONT, sansSerifFamily: FONT },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
  })
    .render()
    .asPng();
  return { svg: svg.endsWith('\n') ? svg : svg + '\n', png: new Uint8Array(png) };
}
