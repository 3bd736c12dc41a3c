/** A small table model and its renderers: Markdown, CSV, LaTeX (booktabs), JSON. Pure; deterministic text. */

export interface Cell {
  /** display text (already formatted) */
  text: string;
  /** numeric payload for CSV/JSON */
  mean?: number;
  std?: number;
  n?: number;
  best?: boolean;
  /** extra fields for JSON (e.g. per-unit values) */
  extra?: Record<string, unknown>;
}

export interface Column {
  label: string;
  /** 'stat' columns expand to mean/std/n in CSV */
  kind: 'text' | 'stat' | 'number';
}

export interface Table {
  /** file stem */
  id: string;
  title: string;
  /** constant facts about the whole table (aggregation, protocol, ...): notes in Markdown/LaTeX, columns in CSV */
  meta: Record<string, string>;
  notes: string[];
  columns: Column[];
  rows: Cell[][];
}

export const DASH = '—';

/** Fixed 4-decimal formatting; NaN/undefined -> dash. */
export function fmt(v: number | undefined, digits = 4): string {
  return v === undefined || Number.isNaN(v) ? DASH : v.toFixed(digits);
}

export function fmtStat(mean: number, std: number, digits = 4): string {
  return Number.isNaN(std) ? fmt(mean, digits) : `${fmt(mean, digits)} ± ${fmt(std, digits)}`;
}

/**
 * Decimals that show every finite non-zero value of `values` with at least `significant` significant digits, and
 * never fewer than `min` (nor more than `max`). Metrics of order 0.01 and above keep the usual 4 decimals; a row of
 * small RMSEs (Synthetic Netflix: 0.0021 vs 0.00237) gets the digits that tell its values apart.
 */
export function decimalsFor(values: readonly (number | undefined)[], min = 4, significant = 3, max = 8): number {
  let d = min;
  for (const v of values) {
    if (v === undefined || !Number.isFinite(v) || v === 0) continue;
    d = Math.max(d, significant - 1 - Math.floor(Math.log10(Math.abs(v))));
  }
  return Math.min(d, max);
}


const mdEscape = (s: string): string => s.replace(/\|/g, '\\|');

export function toMarkdown(t: Table): string {
  const lines: string[] = [`## ${t.title}`, ''];
  if (Object.keys(t.meta).length) lines.push(Object.entries(t.meta).map(([k, v]) => `${k}: **${v}**`).join(' · '), '');
  for (const n of t.notes) lines.push(`- ${n}`);
  if (t.notes.length) lines.push('');
  lines.push(`| ${t.columns.map((c) => mdEscape(c.label)).join(' | ')} |`);
  lines.push(`|${t.columns.map((c) => (c.kind === 'text' ? '---' : '---:')).join('|')}|`);
  for (const row of t.rows) {
    lines.push(`| ${row.map((c) => (c.best ? `**${mdEscape(c.text)}**` : mdEscape(c.text))).join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const num = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '' : String(v));

/** CSV: meta as leading constant columns; stat columns as `<label> mean`, `<label> std`, `<label> n`; a `best` column. */
export function toCsv(t: Table): string {
  const metaKeys = Object.keys(t.meta);
  const hasStat = t.columns.some((c) => c.kind === 'stat');
  const header: string[] = [...metaKeys];
  for (const c of t.columns) {
    if (c.kind === 'stat') header.push(`${c.label} mean`, `${c.label} std`, `${c.label} n`);
    else header.push(c.label);
  }
  if (hasStat) header.push('best');
  const lines = [header.map(csvField).join(',')];
  for (const row of t.rows) {
    const f: string[] = metaKeys.map((k) => t.meta[k]);
    const best: string[] = [];
    row.forEach((c, i) => {
      const col = t.columns[i];
      if (col.kind === 'stat') {
        f.push(num(c.mean), num(c.std), num(c.n));
        if (c.best) best.push(col.label);
      } else if (col.kind === 'number') f.push(c.mean !== undefined ? num(c.mean) : c.text === DASH ? '' : c.text);
      else f.push(c.text === DASH ? '' : c.text);
    });
    if (hasStat) f.push(best.join(';'));
    lines.push(f.map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

const TEX: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '±': '$\\pm$',
  '—': '--',
  '−': '$-$',
  '§': '\\S{}',
  '·': '$\\cdot$',
  σ: '$\\sigma$',
};

/** Escapes LaTeX specials (one character at a time, so replacements are never re-escaped). */
export function texEscape(s: string): string {
  let out = '';
  for (const ch of s) out += TEX[ch] ?? ch;
  return out;
}

export function toLatex(t: Table): string {
  const align = t.columns.map((c) => (c.kind === 'text' ? 'l' : 'r')).join('');
  const lines: string[] = [
    '% requires \\usepackage{booktabs}',
    '\\begin{table}[ht]',
    '\\centering',
    '\\small',
    `\\begin{tabular}{${align}}`,
    '\\toprule',
    t.columns.map((c) => texEscape(c.label)).join(' & ') + ' \\\\',
    '\\midrule',
  ];
  for (const row of t.rows) {
    lines.push(row.map((c) => (c.best ? `\\textbf{${texEscape(c.text)}}` : texEscape(c.text))).join(' & ') + ' \\\\');
  }
  const caption = [t.title, ...Object.entries(t.meta).map(([k, v]) => `${k}: ${v}`), ...t.notes].map(texEscape).join('. ');
  lines.push('\\bottomrule', '\\end{tabular}', `\\caption{${caption}}`, `\\label{tab:${t.id.replace(/[^A-Za-z0-9:-]/g, '-')}}`, '\\end{table}');
  return lines.join('\n') + '\n';
}

/** JSON: NaN becomes null; rows as objects keyed by column label. */
export function toJson(t: Table): string {
  const rows = t.rows.map((row) => {
    const o: Record<string, unknown> = {};
    row.forEach((c, i) => {
      const col = t.columns[i];
      if (col.kind === 'text') o[col.label] = c.text === DASH ? null : c.text;
      else if (c.mean === undefined) o[col.label] = col.kind === 'number' && c.text !== DASH ? c.text : null;
      else if (col.kind === 'number') o[col.label] = nullable(c.mean);
      else o[col.label] = { mean: nullable(c.mean), std: nullable(c.std), n: c.n ?? null, best: c.best ?? false, ...(c.extra ?? {}) };
    });
    return o;
  });
  return JSON.stringify({ id: t.id, title: t.title, meta: t.meta, notes: t.notes, columns: t.columns, rows }, null, 2) + '\n';
}

const nullable = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);

/** Marks the best cells of a row among `indices`: max or min of the mean as displayed (`digits` decimals); ties all marked. */
export function markBest(row: Cell[], indices: number[], higherIsBetter: boolean, digits = 4): void {
  let best: number | undefined;
  for (const i of indices) {
    const m = row[i].mean;
    if (m === undefined || Number.isNaN(m)) continue;
    const r = Number(m.toFixed(digits));
    if (best === undefined || (higherIsBetter ? r > best : r < best)) best = r;
  }
  if (best === undefined) return;
  let count = 0;
  for (const i of indices) {
    const m = row[i].mean;
    if (m !== undefined && !Number.isNaN(m)) count++;
  }
  if (count < 2) return; // a lone value is not "best"
  for (const i of indices) {
    const m = row[i].mean;
    if (m !== undefined && !Number.isNaN(m) && Number(m.toFixed(digits)) === best) row[i].best = true;
  }
}

/**
 * Shows the cells of a row among `indices` at the decimals their values need (`decimalsFor`: 4, more below 0.01),
 * rewriting the text of those that carry a mean (and std), then marks the best as shown (`markBest`).
 */
export function showAndMarkBest(row: Cell[], indices: number[], higherIsBetter: boolean): void {
  const digits = decimalsFor(indices.map((i) => row[i].mean));
  for (const i of indices) {
    const c = row[i];
    if (c.mean !== undefined) c.text = fmtStat(c.mean, c.std ?? Number.NaN, digits);
  }
  markBest(row, indices, higherIsBetter, digits);
}
